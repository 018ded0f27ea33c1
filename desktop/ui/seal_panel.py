"""Below the findings: the rectification deadline, the signatures (or their alternatives), the
定稿 button, and once sealed the document number, the seal and the history of corrections.

Signing (REFERENCE.md §8): each inspector signs in a pad or ticks "纸质签名" (signed on the
printed record); the party signs likewise, or its refusal is noted, or it was absent and a
witness signs. Every change is saved as it is made (``WalkState.sign``).

定稿 (Ctrl+Shift+F) first asks the record what is missing (``WalkState.readiness``); if anything
is, the findings list above shows it (Enter on an entry jumps there, signatures included) and
nothing is sealed. Otherwise a confirmation, then the seal; the page becomes read-only.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from checklists.errors import UserError
from checklists.i18n import _
from desktop.store.ids import china_date, china_time
from desktop.store.records import Signature, SignatureKind, SignatureRole
from desktop.store.signing import FIELD_DEADLINE, FIELD_PARTY, FIELD_WITNESS, inspector_field
from desktop.ui.errors import show_error
from desktop.ui.seal_amend import AmendDialog
from desktop.ui.signature_pad import SignaturePad
from desktop.ui.walk_state import WalkState

PARTY_SIGNS, PARTY_REFUSED, PARTY_ABSENT = 0, 1, 2


class SignerBox(QWidget):
    """A pad and a "纸质签名" box for one signer (role, position); saves as it changes."""

    changed = Signal()

    def __init__(self, state: WalkState, role: SignatureRole, position: int, title: str) -> None:
        super().__init__()
        self.state, self.role, self.position = state, role, position
        self.setObjectName(f"signer_{role.value}_{position}")
        self.title = QLabel(title)
        self.pad = SignaturePad()
        self.pad.stroke_finished.connect(self._on_pad_stroke_finished)
        self.paper = QCheckBox(_("纸质签名"))
        self.paper.setObjectName("paper")
        self.paper.toggled.connect(self._on_paper_toggled)
        self.clear = QPushButton(_("重签"))
        self.clear.setObjectName("clear")
        self.clear.clicked.connect(self._on_clear_clicked)
        self.status = QLabel()
        self.status.setObjectName("status")
        side = QVBoxLayout()
        side.addWidget(self.title)
        side.addWidget(self.paper)
        side.addWidget(self.clear)
        side.addWidget(self.status)
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(side)
        layout.addWidget(self.pad, 1)
        self.name = ""

    def show_signature(self, signature: Signature | None) -> None:
        self.paper.blockSignals(True)
        self.paper.setChecked(signature is not None and signature.kind is SignatureKind.PAPER)
        self.paper.blockSignals(False)
        drawn = signature is not None and signature.kind is SignatureKind.DRAWN
        image = self.state.store.signature_image(signature.id) if signature and drawn else None
        if image is not None or (not self.pad.path.isEmpty() and signature is None):
            self.pad.show_png(image)
        self.pad.setEnabled(not self.paper.isChecked() and self.state.editable)
        self.pad.placeholder = _("已在纸质笔录上签名") if self.paper.isChecked() else _("在此签名")
        self.pad.update()
        if signature is None or not signature.signed:
            self.status.setText(_("未签名"))
            self.status.setStyleSheet("color:#b71c1c;")
        else:
            how = _("当场签名") if drawn else _("纸质签名")
            self.status.setText(_("已签名（{how}）").format(how=how))
            self.status.setStyleSheet("color:#1b6e20;")

    def _save(self, kind: SignatureKind, image: bytes | None = None) -> None:
        try:
            self.state.sign(self.role, kind, name=self.name, position=self.position, image=image)
        except UserError as error:
            show_error(self, error)
        self.changed.emit()

    def _on_pad_stroke_finished(self) -> None:
        self._save(SignatureKind.DRAWN, self.pad.png())

    def _on_paper_toggled(self, checked: bool) -> None:
        if checked:
            self.pad.clear()
            self._save(SignatureKind.PAPER)
        else:
            self._on_clear_clicked()

    def _on_clear_clicked(self) -> None:
        self.pad.clear()
        try:
            self.state.unsign(self.role, self.position)
        except UserError as error:
            show_error(self, error)
        self.changed.emit()


class SealPanel(QGroupBox):
    """Signatures, deadline and 定稿; after sealing, the seal and the corrections."""

    changed = Signal()  # a signature or the deadline changed: what is missing may have too
    missing_found = Signal()  # finalizing was refused: the findings list shows why
    finalized = Signal()
    amended = Signal()

    def __init__(self, state: WalkState, parent: QWidget | None = None) -> None:
        super().__init__(_("签名与定稿"), parent)
        self.state = state
        self.setObjectName("seal_panel")
        self.deadline = QDateEdit()
        self.deadline.setObjectName("deadline")
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("yyyy-MM-dd")
        self.deadline_set = QCheckBox(_("限期整改至"))
        self.deadline_set.setObjectName("deadline_set")
        self.deadline_set.toggled.connect(self._on_deadline_changed)
        self.deadline.dateChanged.connect(self._on_deadline_changed)
        self.inspectors = [SignerBox(state, SignatureRole.INSPECTOR, n, "") for n in (1, 2)]
        self.party_mode = QComboBox()
        self.party_mode.setObjectName("party_mode")
        self.party_mode.addItems(
            [_("当事人当场签名"), _("当事人拒绝签名"), _("当事人不在场，由见证人签名")]
        )
        self.party_mode.currentIndexChanged.connect(self._on_party_mode_changed)
        self.party_name = QLineEdit()
        self.party_name.setObjectName("party_name")
        self.party_name.setPlaceholderText(_("当事人（现场负责人）姓名"))
        self.party = SignerBox(state, SignatureRole.PARTY, 0, _("当事人"))
        self.refusal = QLineEdit()
        self.refusal.setObjectName("refusal_note")
        self.refusal.setPlaceholderText(
            _("注明拒绝签名的情况，例如：当事人拒绝签名，已告知其法律后果")
        )
        self.refusal.editingFinished.connect(self._on_refusal_edited)
        self.witness_name = QLineEdit()
        self.witness_name.setObjectName("witness_name")
        self.witness_name.setPlaceholderText(_("见证人姓名及身份（如：村委会主任）"))
        self.witness = SignerBox(state, SignatureRole.WITNESS, 0, _("见证人"))
        for box in (*self.inspectors, self.party, self.witness):
            box.changed.connect(self._on_box_changed)
        self.party_name.textChanged.connect(self._on_names_changed)
        self.witness_name.textChanged.connect(self._on_names_changed)
        self.finalize_button = QPushButton(_("定稿（Ctrl+Shift+F）"))
        self.finalize_button.setObjectName("finalize")
        self.finalize_button.clicked.connect(self.ask_finalize)
        self.message = QLabel()
        self.message.setObjectName("finalize_message")
        self.message.setWordWrap(True)
        self.sealed_info = QLabel()
        self.sealed_info.setObjectName("sealed_info")
        self.sealed_info.setWordWrap(True)
        self.sealed_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.amend_button = QPushButton(_("更正…"))
        self.amend_button.setObjectName("amend")
        self.amend_button.clicked.connect(self.ask_amend)
        self.history = QLabel()
        self.history.setObjectName("history")
        self.history.setWordWrap(True)
        self._layout()
        self._load()

    def _layout(self) -> None:
        form = QFormLayout()
        deadline = QHBoxLayout()
        deadline.addWidget(self.deadline_set)
        deadline.addWidget(self.deadline)
        deadline.addStretch(1)
        form.addRow(_("整改期限"), deadline)
        for box in self.inspectors:
            form.addRow(box)
        form.addRow(_("当事人"), self.party_mode)
        form.addRow(_("姓名"), self.party_name)
        form.addRow(self.party)
        form.addRow(_("拒签说明"), self.refusal)
        form.addRow(_("见证人"), self.witness_name)
        form.addRow(self.witness)
        self.form = form
        buttons = QHBoxLayout()
        buttons.addWidget(self.finalize_button)
        buttons.addWidget(self.amend_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.sealed_info)
        layout.addWidget(self.history)

    # ------------------------------------------------------------------ showing
    def _load(self) -> None:
        header = self.state.record.header
        for n, box in enumerate(self.inspectors):
            name = header.inspectors[n].name if len(header.inspectors) > n else ""
            box.name = name
            box.title.setText(_("执法人员 {name}").format(name=name or n + 1))
        found = {(s.role, s.position): s for s in self.state.signatures()}
        party = found.get((SignatureRole.PARTY, 0))
        witness = found.get((SignatureRole.WITNESS, 0))
        representative = header.representative.name if header.representative else ""
        self.party_name.setText(party.name if party and party.name else representative)
        self.witness_name.setText(witness.name if witness else "")
        mode = PARTY_SIGNS
        if party is not None and party.kind is SignatureKind.REFUSED:
            mode = PARTY_REFUSED
            self.refusal.setText(party.note)
        elif party is not None and party.kind is SignatureKind.ABSENT:
            mode = PARTY_ABSENT
        self.party_mode.blockSignals(True)
        self.party_mode.setCurrentIndex(mode)
        self.party_mode.blockSignals(False)
        deadline = self.state.row.rectification_deadline
        for widget in (self.deadline, self.deadline_set):
            widget.blockSignals(True)
        self.deadline_set.setChecked(deadline is not None)
        default = date.fromisoformat(china_date()) + timedelta(days=15)
        chosen = date.fromisoformat(deadline) if deadline else default
        self.deadline.setDate(QDate(chosen.year, chosen.month, chosen.day))
        for widget in (self.deadline, self.deadline_set):
            widget.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        found = {(s.role, s.position): s for s in self.state.signatures()}
        for box in (*self.inspectors, self.party, self.witness):
            box.show_signature(found.get((box.role, box.position)))
        mode = self.party_mode.currentIndex()
        rows: tuple[tuple[QWidget, int], ...] = (
            (self.party, PARTY_SIGNS), (self.refusal, PARTY_REFUSED),
            (self.witness_name, PARTY_ABSENT), (self.witness, PARTY_ABSENT),
        )  # fmt: skip
        for row, shown in rows:
            self.form.setRowVisible(row, mode == shown)
        self.party_name.setEnabled(mode == PARTY_SIGNS)
        self.party.name = self.party_name.text().strip()
        self.witness.name = self.witness_name.text().strip()
        editable = self.state.editable
        for widget in (self.deadline, self.deadline_set, self.party_mode, self.party_name,
                       self.refusal, self.witness_name, self.finalize_button):  # fmt: skip
            widget.setEnabled(editable)
        for box in (*self.inspectors, self.party, self.witness):
            box.paper.setEnabled(editable)
            box.clear.setEnabled(editable)
        self.deadline.setEnabled(editable and self.deadline_set.isChecked())
        seal = self.state.seal
        self.amend_button.setVisible(seal is not None)
        self.finalize_button.setVisible(seal is None and editable)
        self._show_seal()

    def _show_seal(self) -> None:
        seal = self.state.seal
        if seal is None:
            self.sealed_info.clear()
            self.history.clear()
            return
        self.message.clear()
        self.sealed_info.setText(
            _(
                "已定稿封存　文书编号：<b>{no}</b>　封存时间：{at}<br>"
                "封存校验值（SHA-256）：{hash}"
            ).format(
                no=seal.document_no, at=china_time(seal.sealed_at),
                hash=seal.seal_hash,
            )
        )  # fmt: skip
        lines = []
        for amendment in self.state.amendments():
            changes = _("；").join(
                f"{self._item_text(c.item_id)}：{_value_text(c.old)} → {_value_text(c.new)}"
                for c in amendment.changes
            )
            lines.append(
                _("第 {n} 次更正（{at}，{who}）理由：{reason}。{changes}").format(
                    n=amendment.sequence, at=china_time(amendment.created_at),
                    who=amendment.actor, reason=amendment.reason, changes=changes,
                )
            )  # fmt: skip
        title = _("更正记录")
        self.history.setText(f"<b>{title}</b><br>" + "<br>".join(lines) if lines else "")

    def _item_text(self, item_id: str) -> str:
        checklist = self.state.checklist
        return checklist.item(item_id).text if checklist.has_item(item_id) else item_id

    # ------------------------------------------------------------------ changes
    def _on_box_changed(self) -> None:
        self.refresh()
        self.changed.emit()

    def _on_deadline_changed(self) -> None:
        if not self.state.editable:
            return
        day = self.deadline.date().toString("yyyy-MM-dd") if self.deadline_set.isChecked() else None
        try:
            self.state.set_deadline(day)
        except UserError as error:
            show_error(self, error)
        self.refresh()
        self.changed.emit()

    def _on_party_mode_changed(self, mode: int) -> None:
        try:
            if mode == PARTY_ABSENT:
                self.state.sign(SignatureRole.PARTY, SignatureKind.ABSENT)
            else:
                self.state.unsign(SignatureRole.PARTY)
                if mode == PARTY_REFUSED and self.refusal.text().strip():
                    self._on_refusal_edited()
        except UserError as error:
            show_error(self, error)
        self.refresh()
        self.changed.emit()

    def _on_refusal_edited(self) -> None:
        note = self.refusal.text().strip()
        if not note or self.party_mode.currentIndex() != PARTY_REFUSED:
            return
        try:
            self.state.sign(SignatureRole.PARTY, SignatureKind.REFUSED, note=note)
        except UserError as error:
            show_error(self, error)
        self.refresh()
        self.changed.emit()

    def _on_names_changed(self) -> None:
        self.party.name = self.party_name.text().strip()
        self.witness.name = self.witness_name.text().strip()

    def focus_field(self, field: str) -> None:
        """Put the cursor where a missing signature or the deadline is given."""
        targets: dict[str, QWidget] = {
            FIELD_DEADLINE: self.deadline_set, FIELD_PARTY: self.party_mode,
            FIELD_WITNESS: self.witness_name,
            **{inspector_field(n + 1): box.pad for n, box in enumerate(self.inspectors)},
        }  # fmt: skip
        target = targets.get(field)
        if target is not None:
            target.setFocus()

    # ------------------------------------------------------------------ finalize, amend
    def ask_finalize(self) -> QMessageBox | None:
        if not self.state.editable:
            return None
        missing = self.state.readiness().missing
        self.message.clear()
        if missing:
            self.message.setText(
                _(
                    "还不能定稿：尚缺 {n} 项，见上方“定稿前还需完成”（按 Enter 跳转到该处）。"
                ).format(n=len(missing))
            )
            self.message.setStyleSheet("color:#b71c1c;")
            self.missing_found.emit()
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question, _("定稿"),
            _("定稿后记录将封存并获得文书编号，不能再修改；之后的纠正只能以“更正”方式记录并保留原始记录。"
              "确定定稿？"),
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel, self,
        )  # fmt: skip
        box.setObjectName("finalize_confirm")
        box.accepted.connect(self.finalize_now)
        box.open()
        self.confirm = box
        return box

    def finalize_now(self) -> None:
        try:
            self.state.finalize()
        except UserError as error:
            show_error(self, error)
            return
        self.refresh()
        self.finalized.emit()

    def ask_amend(self) -> AmendDialog | None:
        if self.state.seal is None:
            return None
        dialog = AmendDialog(self.state, self)
        dialog.accepted.connect(lambda: self._on_amend_accepted(dialog))
        dialog.open()
        self.dialog = dialog
        return dialog

    def _on_amend_accepted(self, dialog: AmendDialog) -> None:
        item_id, key, value = dialog.change()
        try:
            self.state.amend(dialog.reason.toPlainText(), item_id, key, value)
        except UserError as error:
            show_error(self, error)
            return
        self.refresh()
        self.amended.emit()


def _value_text(value: object) -> str:
    if value is None:
        return _("（空）")
    labels = {"yes": _("是"), "no": _("否"), "na": _("不适用")}
    return labels.get(value, str(value)) if isinstance(value, str) else str(value)
