"""新建/编辑被检查单位: one form, the credit code checked as it is typed, saved in one call.

A wrong 统一社会信用代码 blocks saving (an empty one does not: small traders often have none at
hand); a refusal of the store (the code already registered for another subject) is shown in the
dialog and everything typed stays.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from checklists.errors import UserError
from checklists.i18n import N_, _
from checklists.rules.credit_code import check_credit_code
from checklists.rules.result import Verdict
from checklists.schema import SUBJECT_KINDS
from desktop.store import Subject
from desktop.ui.context import AppContext
from desktop.ui.widgets import ProblemLabel, subject_kind_label

# Form fields backed by a text column of the subject, in the order of the form.
_TEXT_FIELDS = ("address", "city", "county", "township", "contact_person", "phone")
_PLACE_HINTS = (("city", N_("市")), ("county", N_("县（区）")), ("township", N_("乡镇/街道")))


def normalized_code(text: str) -> str:
    """The credit code as the check reads it (full-width characters, spaces and lower case
    folded); empty if nothing but spaces was typed."""
    if not text.strip():
        return ""
    return str(check_credit_code(text).numbers["code"])


def code_problem(text: str) -> str | None:
    """What is wrong with a typed credit code, in the user's words; None if it is right or
    left empty."""
    if not text.strip():
        return None
    result = check_credit_code(text)
    return None if result.verdict is Verdict.PASS else result.explanation


class SubjectDialog(QDialog):
    """Create (``subject`` None) or edit a subject. ``saved(subject_id)`` after a successful
    save, just before the dialog closes; ``context.subjects_changed`` is emitted too."""

    saved = Signal(str)

    def __init__(
        self, context: AppContext, subject: Subject | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("subject_dialog")
        self.context = context
        self.subject = subject
        self.setWindowTitle(_("编辑被检查单位") if subject else _("新建被检查单位"))
        self._build()
        if subject is not None:
            self._fill(subject)
        self._on_form_changed()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("营业执照上的名称"))
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText(_("18 位，可不填"))
        self.code_edit.setMaxLength(40)
        self.code_status = ProblemLabel()
        self.kind_combo = QComboBox()
        self.kind_combo.setPlaceholderText(_("请选择类型"))
        for kind, label in SUBJECT_KINDS.items():
            self.kind_combo.addItem(_(label), kind)
        self.kind_combo.setCurrentIndex(-1)
        self.edits = {name: QLineEdit() for name in _TEXT_FIELDS}
        self.edits["address"].setMinimumWidth(360)
        self.problem = ProblemLabel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(_("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("取消"))
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self._lay_out()
        for edit in (self.name_edit, self.code_edit):
            edit.textChanged.connect(self._on_form_changed)
        self.kind_combo.currentIndexChanged.connect(self._on_form_changed)

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow(_("名称") + " *", self.name_edit)
        form.addRow(_("统一社会信用代码"), self.code_edit)
        form.addRow("", self.code_status)
        form.addRow(_("类型") + " *", self.kind_combo)
        form.addRow(_("地址"), self.edits["address"])
        places = QHBoxLayout()
        for name, hint in (
            ("city", _("市")),
            ("county", _("县（区）")),
            ("township", _("乡镇/街道")),
        ):
            self.edits[name].setPlaceholderText(hint)
            places.addWidget(self.edits[name])
        form.addRow(_("市 / 县（区）/ 乡镇（街道）"), places)
        form.addRow(_("联系人"), self.edits["contact_person"])
        form.addRow(_("联系电话"), self.edits["phone"])
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def _fill(self, subject: Subject) -> None:
        self.name_edit.setText(subject.name)
        self.code_edit.setText(subject.credit_code or "")
        if self.kind_combo.findData(subject.kind) < 0:  # a kind this version does not know
            self.kind_combo.addItem(subject_kind_label(subject.kind), subject.kind)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(subject.kind))
        for name, edit in self.edits.items():
            edit.setText(str(getattr(subject, name)))

    # ------------------------------------------------------------------ the values
    def values(self) -> dict[str, Any]:
        """The subject's fields as typed (credit code normalized, None if empty)."""
        values: dict[str, Any] = {
            "name": self.name_edit.text().strip(),
            "credit_code": normalized_code(self.code_edit.text()) or None,
            "kind": self.kind_combo.currentData() or "",
        }
        values.update({name: edit.text().strip() for name, edit in self.edits.items()})
        return values

    def missing(self) -> list[str]:
        """The required fields still empty, by their labels."""
        values = self.values()
        labels = {"name": _("名称"), "kind": _("类型")}
        return [label for key, label in labels.items() if not values[key]]

    def _on_form_changed(self) -> None:
        problem = code_problem(self.code_edit.text())
        if problem:
            self.code_status.show_problem(problem)
        elif self.code_edit.text().strip():
            self.code_status.show_good(_("代码格式与校验码正确。"))
        else:
            self.code_status.clear_problem()
        if self.problem.is_problem and not self._blocker():
            self.problem.clear_problem()

    def _blocker(self) -> tuple[str, QWidget] | None:
        """Why saving is refused now, and the field to fix; None if it may be saved."""
        missing = self.missing()
        if missing:
            first = self.name_edit if not self.values()["name"] else self.kind_combo
            return _("请填写：{fields}").format(fields="、".join(missing)), first
        if code_problem(self.code_edit.text()):
            return _("统一社会信用代码有误，请改正或清空后再保存。"), self.code_edit
        return None

    # ------------------------------------------------------------------ saving
    def _on_buttons_accepted(self) -> None:
        blocker = self._blocker()
        if blocker is not None:
            message, field = blocker
            self.problem.show_problem(message)
            field.setFocus()
            return
        try:
            saved = self._save()
        except UserError as error:
            self.problem.show_problem(str(error))
            return
        self.subject = saved
        self.context.subjects_changed.emit()
        self.saved.emit(saved.id)
        self.accept()

    def _save(self) -> Subject:
        values = self.values()
        store = self.context.store
        if self.subject is None:
            return store.create_subject(**values)
        changes = {k: v for k, v in values.items() if getattr(self.subject, k) != v}
        if not changes:
            return self.subject
        return store.update_subject(self.subject.id, **changes)
