"""被检查单位: the register of subjects. Search as you type, the selected subject's details,
its instruments (计量器具) and its inspections; create and edit subjects, add instruments, and
ask for a new inspection of the selected subject.

Keyboard: Ctrl+F (or Esc in the table) goes to the search box, Enter moves from it into the
table, Enter on a row edits the subject; Alt+N/E/I/A press the buttons.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from checklists.i18n import _
from checklists.outcome import PublishedResult
from desktop.store import InspectionFilter, InspectionRow, Subject
from desktop.ui.context import AppContext
from desktop.ui.instrument_dialog import InstrumentDialog
from desktop.ui.subject_dialog import SubjectDialog
from desktop.ui.subject_model import InstrumentTableModel
from desktop.ui.subject_picker import SubjectPicker
from desktop.ui.widgets import subject_kind_label

RECENT_INSPECTIONS = 3


def _button(text: str, mnemonic: str, name: str) -> QPushButton:
    button = QPushButton(f"{text}(&{mnemonic})")
    button.setObjectName(name)
    return button


class SubjectsPage(QWidget):
    """``new_inspection_requested(subject_id)`` when the user asks to inspect the selected
    subject (the main window opens the new-inspection dialog for it)."""

    new_inspection_requested = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("subjects_page")
        self.context = context
        self.dialog: SubjectDialog | InstrumentDialog | None = None
        self.picker = SubjectPicker(context.store)
        self.instruments = InstrumentTableModel(context.store, self)
        self.details = QLabel()
        self.inspections_label = QLabel()
        self._make_buttons()
        self.instrument_table = self._make_instrument_table()
        self._lay_out()
        self._connect()
        self._on_picker_current_changed("")

    # ------------------------------------------------------------------ building
    def _make_buttons(self) -> None:
        self.new_button = _button(_("新建单位"), "N", "new_subject")
        self.edit_button = _button(_("编辑单位"), "E", "edit_subject")
        self.inspect_button = _button(_("新建检查"), "I", "new_inspection")
        self.add_instrument_button = _button(_("添加器具"), "A", "add_instrument")
        self.edit_instrument_button = _button(_("编辑器具"), "M", "edit_instrument")

    def _make_instrument_table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("instrument_table")
        table.setModel(self.instruments)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.new_button, self.edit_button, self.inspect_button):
            buttons.addWidget(button)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.picker, 1)
        top_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self._bottom())
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([400, 340])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def _bottom(self) -> QWidget:
        for label in (self.details, self.inspections_label):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text = QWidget()
        text_layout = QVBoxLayout(text)
        text_layout.setContentsMargins(0, 0, 0, 0)
        text_layout.addWidget(self.details)
        text_layout.addWidget(self.inspections_label, 1)
        scroll = QScrollArea()  # a long name and many inspections never get cut off
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(text)
        about = QGroupBox(_("单位信息"))
        about_layout = QVBoxLayout(about)
        about_layout.addWidget(scroll)
        about.setMinimumWidth(300)
        about.setMaximumWidth(420)
        instruments = QGroupBox(_("计量器具"))
        instruments_layout = QVBoxLayout(instruments)
        instruments_layout.addWidget(self.instrument_table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.add_instrument_button)
        row.addWidget(self.edit_instrument_button)
        instruments_layout.addLayout(row)
        bottom = QWidget()
        layout = QHBoxLayout(bottom)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(about)
        layout.addWidget(instruments, 1)
        return bottom

    def _connect(self) -> None:
        self.picker.current_changed.connect(self._on_picker_current_changed)
        self.picker.table.activated.connect(self._on_table_activated)
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.inspect_button.clicked.connect(self._on_inspect_button_clicked)
        self.add_instrument_button.clicked.connect(self._on_add_instrument_button_clicked)
        self.edit_instrument_button.clicked.connect(self._on_edit_instrument_button_clicked)
        self.instrument_table.activated.connect(self._on_instrument_table_activated)
        selection = self.instrument_table.selectionModel()
        selection.selectionChanged.connect(self._update_buttons)
        self.context.subjects_changed.connect(self._on_context_subjects_changed)
        self.context.inspections_changed.connect(self._on_context_inspections_changed)
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.picker.focus_search)

    # ------------------------------------------------------------------ actions
    def current_subject(self) -> Subject | None:
        return self.picker.current_subject()

    def open_subject_dialog(self, subject: Subject | None) -> SubjectDialog:
        """Open the subject form (window-modal, ``open()``); returned for tests."""
        dialog = SubjectDialog(self.context, subject, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._on_subject_dialog_saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_instrument_dialog(self, instrument_row: int | None = None) -> InstrumentDialog | None:
        subject = self.current_subject()
        if subject is None:
            return None
        instrument = (
            None if instrument_row is None else self.instruments.instrument_at(instrument_row)
        )
        dialog = InstrumentDialog(self.context, subject.id, instrument, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._on_instrument_dialog_saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    # ------------------------------------------------------------------ slots
    def _on_new_button_clicked(self) -> None:
        self.open_subject_dialog(None)

    def _on_edit_button_clicked(self) -> None:
        subject = self.current_subject()
        if subject is not None:
            self.open_subject_dialog(subject)

    def _on_table_activated(self, _index: QModelIndex) -> None:
        self._on_edit_button_clicked()

    def _on_inspect_button_clicked(self) -> None:
        subject = self.current_subject()
        if subject is not None:
            self.new_inspection_requested.emit(subject.id)

    def _on_add_instrument_button_clicked(self) -> None:
        self.open_instrument_dialog(None)

    def _on_edit_instrument_button_clicked(self) -> None:
        rows = self.instrument_table.selectionModel().selectedRows()
        if rows:
            self.open_instrument_dialog(rows[0].row())

    def _on_instrument_table_activated(self, index: QModelIndex) -> None:
        self.open_instrument_dialog(index.row())

    def _on_subject_dialog_saved(self, subject_id: str) -> None:
        if not self.picker.select_subject(subject_id):  # hidden by the search: show all
            self.picker.show_all()
            self.picker.select_subject(subject_id)
        self._show_subject(self.current_subject())

    def _on_instrument_dialog_saved(self, _instrument_id: str) -> None:
        self.instruments.refresh()
        self._update_buttons()

    def _on_context_subjects_changed(self) -> None:
        self.picker.refresh()
        self._show_subject(self.current_subject())

    def _on_context_inspections_changed(self) -> None:
        self._show_inspections(self.current_subject())

    def _on_picker_current_changed(self, _subject_id: str) -> None:
        self._show_subject(self.current_subject())

    # ------------------------------------------------------------------ the details
    def _show_subject(self, subject: Subject | None) -> None:
        self.instruments.set_subject(subject.id if subject else None)
        self.details.setText(
            _details_html(subject) if subject else _("请在上方列表中选择一个单位。")
        )
        self._show_inspections(subject)
        self._update_buttons()

    def _show_inspections(self, subject: Subject | None) -> None:
        if subject is None:
            self.inspections_label.clear()
            return
        where = InspectionFilter(subject_id=subject.id)
        count = self.context.store.count_inspections(where)
        recent = self.context.store.list_inspections(where, limit=RECENT_INSPECTIONS)
        self.inspections_label.setText(self._inspections_html(count, recent))

    def _inspections_html(self, count: int, recent: list[InspectionRow]) -> str:
        if not count:
            return "<b>" + escape(_("检查记录")) + "</b>：" + escape(_("尚无"))
        heading = escape(_("检查记录"))
        lines = [f"<b>{heading}</b>：" + escape(_("共 {n} 次").format(n=count))]
        lines += [
            f"{escape(row.inspection_date)}　{escape(self._checklist_title(row.checklist_id))}"
            f"　{escape(_inspection_state(row))}"
            for row in recent
        ]
        if count > len(recent):
            lines.append(escape(_("……（完整列表见“检查记录”页）")))
        return "<br>".join(lines)

    def _checklist_title(self, checklist_id: str) -> str:
        try:
            return self.context.catalogue.latest(checklist_id).title
        except KeyError:
            return checklist_id

    def _update_buttons(self) -> None:
        chosen = self.current_subject() is not None
        for button in (self.edit_button, self.inspect_button, self.add_instrument_button):
            button.setEnabled(chosen)
        has_instrument = bool(self.instrument_table.selectionModel().selectedRows())
        self.edit_instrument_button.setEnabled(chosen and has_instrument)


def _details_html(subject: Subject) -> str:
    place = "".join(part for part in (subject.city, subject.county, subject.township) if part)
    rows = (
        (_("信用代码"), subject.credit_code or _("（未登记）")),
        (_("类型"), subject_kind_label(subject.kind)),
        (_("地址"), subject.address),
        (_("所在地"), place),
        (_("联系人"), " ".join(p for p in (subject.contact_person, subject.phone) if p)),
    )
    cells = "".join(
        f"<tr><td style='color:#555;padding-right:8px'>{escape(label)}</td>"
        f"<td>{escape(value)}</td></tr>"
        for label, value in rows
        if value
    )
    return f"<p><b>{escape(subject.name)}</b></p><table>{cells}</table>"


def _inspection_state(row: InspectionRow) -> str:
    """草稿 / 未实施检查, or the published result of a finished one."""
    if row.outcome:
        try:
            return PublishedResult(row.outcome).label
        except ValueError:
            return row.outcome
    return row.status.label
