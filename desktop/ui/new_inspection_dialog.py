"""新建检查: step 1 picks the 被检查单位 (or registers a new one), step 2 the checklist and the
date; 开始检查 creates the draft with the header prefilled from the office settings.

Keyboard: type to search, Enter moves into the list, Enter again goes to step 2, where Enter
starts the inspection; Alt+B goes back, Esc cancels. Opened with ``open()``, never ``exec()``.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from checklists.errors import UserError
from checklists.header import Header, Inspector
from checklists.header import Subject as HeaderSubject
from checklists.i18n import _
from checklists.schema import Checklist
from desktop.store import Subject
from desktop.store.ids import CHINA
from desktop.ui.context import AppContext
from desktop.ui.subject_dialog import SubjectDialog
from desktop.ui.subject_picker import SubjectPicker
from desktop.ui.widgets import ProblemLabel, china_today, subject_kind_label

_CHECKLIST_ROLE = Qt.ItemDataRole.UserRole
INSPECTORS_ON_RECORD = 2


def checklists_for(checklists: tuple[Checklist, ...], kind: str) -> list[Checklist]:
    """The checklists that apply to a subject of ``kind``, the most specific first (fewest
    kinds in ``applies_to``), each group in catalogue order."""
    fitting = [c for c in checklists if kind in c.applies_to]
    return sorted(fitting, key=lambda c: len(c.applies_to))


def make_header(subject: Subject, context: AppContext, day: str) -> dict[str, Any]:
    """The record's header as far as it is known before arriving: the subject as registered,
    the first two inspectors of the settings, the inspecting unit, the place, and the start
    time if the inspection is today."""
    settings = context.settings
    now = datetime.now(CHINA)
    header = Header(
        subject=HeaderSubject(
            name=subject.name,
            credit_code=subject.credit_code or "",
            address=subject.address,
            township=subject.township,
            kind=subject.kind,
        ),
        inspectors=[
            Inspector(i.name, i.certificate_no) for i in settings.inspectors[:INSPECTORS_ON_RECORD]
        ],
        inspecting_unit=settings.inspecting_unit,
        place=subject.address,
        started_at=now.strftime("%Y-%m-%dT%H:%M") if now.date().isoformat() == day else "",
    )
    return header.to_json()


class NewInspectionDialog(QDialog):
    """``inspection_created(inspection_id)`` once the draft exists (the dialog then closes);
    ``context.inspections_changed`` is emitted too."""

    inspection_created = Signal(str)

    def __init__(
        self, context: AppContext, subject_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("new_inspection_dialog")
        self.setWindowTitle(_("新建检查"))
        self.context = context
        self.subject: Subject | None = None
        self.subject_dialog: SubjectDialog | None = None
        self.steps = QStackedWidget()
        self.steps.addWidget(self._step_subject())
        self.steps.addWidget(self._step_checklist())
        self._make_buttons()
        self._lay_out()
        self.resize(1000, 580)
        if subject_id is not None and self.picker.select_subject(subject_id):
            self.go_to_checklist()
        else:
            self.go_to_subject()

    # ------------------------------------------------------------------ building
    def _step_subject(self) -> QWidget:
        self.picker = SubjectPicker(self.context.store)
        self.picker.table.doubleClicked.connect(self._on_table_double_clicked)
        self.new_subject_button = QPushButton(_("新建单位") + "(&N)")
        self.new_subject_button.setAutoDefault(False)
        self.new_subject_button.clicked.connect(self._on_new_subject_button_clicked)
        self.subject_problem = ProblemLabel()
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(_("第 1 步：选择被检查单位（找不到时可新建）")))
        layout.addWidget(self.picker, 1)
        row = QHBoxLayout()
        row.addWidget(self.new_subject_button)
        row.addWidget(self.subject_problem, 1)
        row.addStretch(0)
        layout.addLayout(row)
        self.context.subjects_changed.connect(self.picker.refresh)
        return page

    def _step_checklist(self) -> QWidget:
        self.subject_label = QLabel()
        self.subject_label.setWordWrap(True)
        self.checklist_model = QStandardItemModel(self)
        self.checklist_list = QListView()
        self.checklist_list.setObjectName("checklist_list")
        self.checklist_list.setModel(self.checklist_model)
        self.checklist_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.checklist_list.setSpacing(2)
        self.checklist_list.setMaximumHeight(self.checklist_list.fontMetrics().height() * 10)
        self.checklist_list.doubleClicked.connect(self._on_checklist_list_double_clicked)
        self.all_checklists = QCheckBox(_("显示不适用于该类单位的检查表"))
        self.all_checklists.toggled.connect(self._on_all_checklists_toggled)
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setMinimumWidth(160)
        today = china_today()
        self.date_edit.setDate(QDate(today.year, today.month, today.day))
        self.inspectors_label = QLabel()
        self.inspectors_label.setWordWrap(True)
        self.start_problem = ProblemLabel()
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(_("第 2 步：选择检查表和检查日期")))
        layout.addWidget(self.subject_label)
        form = QFormLayout()
        form.addRow(_("检查表"), self.checklist_list)
        form.addRow("", self.all_checklists)
        date_row = QHBoxLayout()
        date_row.addWidget(self.date_edit)
        date_row.addStretch(1)
        form.addRow(_("检查日期"), date_row)
        form.addRow(_("执法人员"), self.inspectors_label)
        layout.addLayout(form)
        layout.addWidget(self.start_problem)
        layout.addStretch(1)
        return page

    def _make_buttons(self) -> None:
        self.back_button = QPushButton(_("上一步") + "(&B)")
        self.back_button.setAutoDefault(False)
        self.next_button = QPushButton()
        self.next_button.setObjectName("next_button")
        self.next_button.setDefault(True)
        self.cancel_button = QPushButton(_("取消"))
        self.cancel_button.setAutoDefault(False)
        self.back_button.clicked.connect(self._on_back_button_clicked)
        self.next_button.clicked.connect(self._on_next_button_clicked)
        self.cancel_button.clicked.connect(self.reject)

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.steps, 1)
        layout.addLayout(buttons)
        chain = (
            self.picker.search,
            self.picker.table,
            self.new_subject_button,
            self.checklist_list,
            self.all_checklists,
            self.date_edit,
            self.back_button,
            self.cancel_button,
            self.next_button,
        )
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    # ------------------------------------------------------------------ steps
    @property
    def on_checklist_step(self) -> bool:
        return self.steps.currentIndex() == 1

    def go_to_subject(self) -> None:
        self.steps.setCurrentIndex(0)
        self.back_button.setEnabled(False)
        self.next_button.setText(_("下一步"))
        self.picker.focus_search()

    def go_to_checklist(self) -> bool:
        """Step 2 for the subject selected in step 1; False (and a hint) if none is."""
        subject = self.picker.current_subject()
        if subject is None:
            self.subject_problem.show_problem(_("请先在列表中选择一个单位，或新建单位。"))
            return False
        self.subject_problem.clear_problem()
        self.start_problem.clear_problem()
        self.subject = subject
        self.subject_label.setText(_subject_html(subject))
        self._fill_checklists()
        self._show_inspectors()
        self.steps.setCurrentIndex(1)
        self.back_button.setEnabled(True)
        self.next_button.setText(_("开始检查"))
        self.checklist_list.setFocus()
        return True

    def _fill_checklists(self) -> None:
        kind = self.subject.kind if self.subject else ""
        current = self.context.catalogue.current()
        fitting = checklists_for(current, kind)
        others = [c for c in current if c not in fitting]
        show_all = self.all_checklists.isChecked() or not fitting
        self.checklist_model.clear()
        for checklist in fitting + (others if show_all else []):
            self.checklist_model.appendRow(self._checklist_item(checklist, checklist in fitting))
        self.all_checklists.setVisible(bool(fitting and others))
        if self.checklist_model.rowCount():
            self.checklist_list.setCurrentIndex(self.checklist_model.index(0, 0))

    @staticmethod
    def _checklist_item(checklist: Checklist, fits: bool) -> QStandardItem:
        text = _("{title}（{version} 版）").format(title=checklist.title, version=checklist.version)
        if not fits:
            text += _("（不适用于该类单位）")
        item = QStandardItem(text)
        item.setData((checklist.id, checklist.version), _CHECKLIST_ROLE)
        item.setEditable(False)
        if not fits:
            item.setForeground(QBrush(QColor("#6d6d6d")))
        return item

    def _show_inspectors(self) -> None:
        inspectors = self.context.settings.inspectors[:INSPECTORS_ON_RECORD]
        if len(inspectors) < INSPECTORS_ON_RECORD:
            self.inspectors_label.setText(
                _("设置中尚未登记两名执法人员：请在设置中登记，或在检查记录的表头中填写。")
            )
            return
        names = "、".join(f"{i.name}（{i.certificate_no}）" for i in inspectors)
        self.inspectors_label.setText(_("{names}。可在检查记录的表头中更改。").format(names=names))

    # ------------------------------------------------------------------ the choice
    def chosen_checklist(self) -> Checklist | None:
        index = self.checklist_list.currentIndex()
        if not index.isValid():
            return None
        checklist_id, version = index.data(_CHECKLIST_ROLE)
        checklist: Checklist = self.context.catalogue.get(checklist_id, version)
        return checklist

    def inspection_date(self) -> str:
        return self.date_edit.date().toString("yyyy-MM-dd")

    def start(self) -> str | None:
        """Create the draft; its id, or None (with the problem shown) if that failed."""
        checklist = self.chosen_checklist()
        if self.subject is None or checklist is None:
            self.start_problem.show_problem(_("请选择检查表。"))
            return None
        day = self.inspection_date()
        try:
            inspection = self.context.store.create_inspection(
                self.subject.id,
                checklist.id,
                checklist.version,
                inspection_date=day,
                inspecting_unit=self.context.settings.inspecting_unit,
                header=make_header(self.subject, self.context, day),
            )
        except UserError as error:
            self.start_problem.show_problem(str(error))
            return None
        self.context.inspections_changed.emit()
        self.inspection_created.emit(inspection.id)
        self.accept()
        return inspection.id

    # ------------------------------------------------------------------ slots
    def _on_next_button_clicked(self) -> None:
        if self.on_checklist_step:
            self.start()
        else:
            self.go_to_checklist()

    def _on_back_button_clicked(self) -> None:
        self.go_to_subject()

    def _on_table_double_clicked(self, _index: QModelIndex) -> None:
        self.go_to_checklist()

    def _on_checklist_list_double_clicked(self, _index: QModelIndex) -> None:
        self.start()

    def _on_all_checklists_toggled(self, _checked: bool) -> None:
        self._fill_checklists()

    def _on_new_subject_button_clicked(self) -> None:
        dialog = SubjectDialog(self.context, None, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._on_subject_dialog_saved)
        dialog.finished.connect(self._on_subject_dialog_finished)
        self.subject_dialog = dialog
        dialog.open()

    def _on_subject_dialog_saved(self, subject_id: str) -> None:
        if not self.picker.select_subject(subject_id):
            self.picker.show_all()
            self.picker.select_subject(subject_id)
        self.go_to_checklist()

    def _on_subject_dialog_finished(self, _result: int) -> None:
        self.subject_dialog = None


def _subject_html(subject: Subject) -> str:
    details = [subject_kind_label(subject.kind), subject.credit_code or "", subject.address]
    line = "　".join(escape(d) for d in details if d)
    return f"<b>{escape(subject.name)}</b><br><span style='color:#555'>{line}</span>"
