"""The first page of every inspection: the common header of the record (checklists.header).

The party's representative, place and time, the two inspectors with their certificate numbers,
the recorder, the inspecting unit, the body-worn recorder, the measuring standards used (ticked
from the inspectors' register, ``Space`` toggles; an expired one is marked and warned about) and
"credentials shown" (``Space``). What is known before arriving (subject, inspectors and unit from
the office settings, the subject's address as the place) is filled in when the header is empty.
The order follows the arrival on site: credentials first, then the standards, then the people.
Every keystroke saves the header (``Store.save_header``); ``Enter`` moves to the next field.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import UTC, date, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListView,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from checklists.errors import UserError
from checklists.header import HEADER_LABELS, Header, Inspector, MeasuringStandard, Representative
from checklists.header import Subject as HeaderSubject
from checklists.i18n import _
from desktop.store import Standard
from desktop.ui.errors import show_error
from desktop.ui.walk_retry import RetryQueue, is_transient
from desktop.ui.walk_state import WalkState

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_HEADER_KEY = ("header", "value")
_STANDARD_ROLE = Qt.ItemDataRole.UserRole + 1


def _today() -> date:
    return datetime.now(UTC).astimezone().date()


def prefilled(state: WalkState, header: Header) -> Header:
    """``header`` with what is known before arriving filled in where it is empty."""
    settings = state.store.office_settings()
    if not header.subject.name:
        subject = state.store.get_subject(state.subject_id)
        header = replace(
            header,
            subject=HeaderSubject(
                subject.name,
                subject.credit_code or "",
                subject.address,
                subject.township,
                subject.kind,
            ),
        )
    if not header.inspectors and settings.inspectors:
        people = [Inspector(i.name, i.certificate_no) for i in settings.inspectors[:2]]
        header = replace(header, inspectors=people)
    if not header.recorder and len(header.inspectors) > 1:
        header = replace(header, recorder=header.inspectors[1].name)
    if header.representative is None and not header.representative_absent_note:
        subject = state.store.get_subject(state.subject_id)
        if subject.contact_person:
            person = Representative(name=subject.contact_person, phone=subject.phone)
            header = replace(header, representative=person)
    if not header.inspecting_unit:
        header = replace(
            header, inspecting_unit=state.row.inspecting_unit or settings.inspecting_unit
        )
    if not header.place:
        header = replace(header, place=header.subject.address)
    if not header.started_at and state.row.started_at:
        header = replace(header, started_at=state.row.started_at[:16])
    return header


def _as_measuring(standard: Standard) -> MeasuringStandard:
    return MeasuringStandard(
        name=standard.name,
        certificate_no=standard.certificate_no,
        valid_until=standard.valid_until or "",
        serial_no=standard.serial,
        accuracy_class=standard.accuracy_class,
    )


def _same(a: MeasuringStandard, b: MeasuringStandard) -> bool:
    return (a.name, a.serial_no, a.certificate_no) == (b.name, b.serial_no, b.certificate_no)


class HeaderPage(QScrollArea):
    saved = Signal(object)  # Saved
    finished = Signal()
    unsaved_changed = Signal(int)  # 1 while the latest header waits to be retried, else 0

    def __init__(self, state: WalkState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setObjectName("page_header")
        self.setWidgetResizable(True)
        self._quiet = True
        self._error_shown = False
        # A save refused for a reason that passes (a full disk) is retried (walk_retry.py);
        # each save writes the whole header, so only the latest one waits.
        self.retries = RetryQueue(self)
        self.retries.succeeded.connect(lambda _key, saved: self.saved.emit(saved))
        self.retries.failed.connect(lambda error: show_error(self, error))
        self.retries.changed.connect(self._on_retries_changed)
        header = prefilled(state, state.record.header)
        self.lines: dict[str, QLineEdit] = {}
        body = QWidget()
        column = QVBoxLayout(body)
        title = _("记录首部")
        column.addWidget(QLabel(f"<h2>{title}</h2>"))
        self.unsaved = QLabel(_("未保存：暂时无法写入，正在自动重试"))
        self.unsaved.setObjectName("unsaved")
        self.unsaved.setStyleSheet("color:#ffffff; background:#b71c1c; font-weight:bold;")
        self.unsaved.hide()
        column.addWidget(self.unsaved)
        subject = header.subject
        about = f"<b>{subject.name}</b>　{subject.credit_code}<br/>{subject.address}"
        column.addWidget(QLabel(about))
        form = QFormLayout()
        column.addLayout(form)
        self.credentials = QCheckBox(_(HEADER_LABELS["credentials_shown"]))
        self.credentials.setObjectName("credentials_shown")
        self.credentials.setChecked(header.credentials_shown)
        self.credentials.toggled.connect(self._on_field_changed)
        form.addRow(_("检查前"), self.credentials)
        self.standards = QListView()
        self.standards.setObjectName("standards")
        self.standards.setMaximumHeight(130)
        self.model = QStandardItemModel(self)
        self._fill_standards(header.standards)
        self.standards.setModel(self.model)
        self.model.itemChanged.connect(self._on_model_item_changed)
        form.addRow(_(HEADER_LABELS["standards"]), self.standards)
        self.expired = QLabel()
        self.expired.setObjectName("expired_warning")
        self.expired.setWordWrap(True)
        self.expired.setStyleSheet("color:#b71c1c;")
        form.addRow("", self.expired)
        representative = header.representative or Representative()
        self._line(form, "representative.name", representative.name)
        self._line(form, "representative.role", representative.role)
        self._line(form, "representative.phone", representative.phone)
        self._line(form, "representative.id_number", representative.id_number)
        self._line(form, "representative_absent_note", header.representative_absent_note)
        self._line(form, "place", header.place)
        self._line(form, "started_at", header.started_at)
        for n in range(2):
            person = header.inspectors[n] if n < len(header.inspectors) else Inspector()
            self._line(
                form, f"inspectors[{n}].name", person.name, _("执法人员 {n}").format(n=n + 1)
            )
            self._line(
                form, f"inspectors[{n}].certificate_no", person.certificate_no, _("执法证号")
            )
        self._line(form, "recorder", header.recorder)
        self._line(form, "inspecting_unit", header.inspecting_unit)
        self._line(form, "bodycam_no", header.bodycam_no)
        column.addStretch(1)
        self.setWidget(body)
        self._extra = header  # fields this page does not show (ended_at, subject) are kept
        self._quiet = False
        self._show_expired()
        if header != state.record.header and state.editable:
            self._on_field_changed()

    def _line(self, form: QFormLayout, key: str, text: str, caption: str = "") -> None:
        line = QLineEdit(text)
        line.setObjectName(key)
        line.textChanged.connect(self._on_field_changed)
        self.lines[key] = line
        form.addRow(caption or _(HEADER_LABELS[key]), line)

    def _fill_standards(self, used: list[MeasuringStandard]) -> None:
        day = self.state.record.header.inspection_date() or _today()
        listed = [_as_measuring(s) for s in self.state.store.list_standards()]
        listed += [u for u in used if not any(_same(u, s) for s in listed)]
        self.listed = listed  # rows of the model keep their index into this list
        for number, standard in enumerate(listed):
            certificate = _("证书 {number}").format(number=standard.certificate_no)
            text = f"{standard.name}  {standard.accuracy_class}  {certificate}"
            text += "  " + _("有效期至 {date}").format(date=standard.valid_until or "?")
            if standard.expired_on(day):
                text += "  " + _("【已过期】")
            row = QStandardItem(text)
            row.setCheckable(True)
            row.setEditable(False)
            row.setData(number, _STANDARD_ROLE)
            checked = any(_same(standard, u) for u in used)
            row.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            if standard.expired_on(day):
                row.setForeground(Qt.GlobalColor.darkRed)
            self.model.appendRow(row)
        if self.model.rowCount():
            self.standards.setCurrentIndex(self.model.index(0, 0))

    def chosen_standards(self) -> list[MeasuringStandard]:
        rows = (self.model.item(r) for r in range(self.model.rowCount()))
        return [
            self.listed[row.data(_STANDARD_ROLE)]
            for row in rows
            if row.checkState() == Qt.CheckState.Checked
        ]

    def _show_expired(self) -> None:
        day = self.state.record.header.inspection_date() or _today()
        expired = [s for s in self.chosen_standards() if s.expired_on(day)]
        names = "、".join(f"{s.name}（{s.valid_until}）" for s in expired)
        text = _("注意：所选计量标准器已过期，用其取得的数据可能被质疑：{names}").format(
            names=names
        )
        self.expired.setText(text if expired else "")
        self.expired.setVisible(bool(expired))

    def header(self) -> Header:
        text = {key: line.text() for key, line in self.lines.items()}
        people = [
            Inspector(text[f"inspectors[{n}].name"], text[f"inspectors[{n}].certificate_no"])
            for n in range(2)
        ]
        representative = Representative(
            name=text["representative.name"],
            id_number=text["representative.id_number"],
            phone=text["representative.phone"],
            role=text["representative.role"],
        )
        return replace(
            self._extra,
            representative=representative if any(vars(representative).values()) else None,
            representative_absent_note=text["representative_absent_note"],
            place=text["place"],
            started_at=text["started_at"],
            inspectors=[p for p in people if p.name or p.certificate_no],
            recorder=text["recorder"],
            inspecting_unit=text["inspecting_unit"],
            bodycam_no=text["bodycam_no"],
            standards=self.chosen_standards(),
            credentials_shown=self.credentials.isChecked(),
        )

    def _on_model_item_changed(self, _item: QStandardItem) -> None:
        self._show_expired()
        self._on_field_changed()

    def _on_field_changed(self) -> None:
        if self._quiet or not self.state.editable:
            return
        action = functools.partial(self.state.save_header, self.header())
        try:
            saved = action()
        except UserError as error:
            if is_transient(error):
                self.retries.add(_HEADER_KEY, action)
            if not self._error_shown:
                self._error_shown = True
                show_error(self, error)
            return
        self._error_shown = False
        self.retries.discard(_HEADER_KEY)  # a refused older header is superseded
        self.saved.emit(saved)

    def is_unsaved(self) -> bool:
        return _HEADER_KEY in self.retries

    def _on_retries_changed(self, count: int) -> None:
        self.unsaved.setVisible(count > 0)
        self.unsaved_changed.emit(count)

    def focus_first(self) -> None:
        self.credentials.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in _ENTER and not event.modifiers():
            if self.lines["bodycam_no"].hasFocus():
                self.finished.emit()
            else:
                self.focusNextChild()
            return
        super().keyPressEvent(event)
