"""检查记录: every inspection of this database, filtered in SQL as the user types."""

from __future__ import annotations

from PySide6.QtCore import QDate, QModelIndex, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from checklists.i18n import _
from checklists.outcome import PublishedResult
from desktop.store import InspectionFilter, Status
from desktop.ui.context import AppContext
from desktop.ui.inspection_model import InspectionTableModel, inspection_table

DEBOUNCE_MS = 200
_ANY_DATE = QDate(2000, 1, 1)  # shown as 不限


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(_ANY_DATE)
    edit.setSpecialValueText(_("不限"))
    edit.setDate(_ANY_DATE)
    return edit


class InspectionsPage(QWidget):
    """Emits ``open_requested(inspection_id)`` on Enter or a double click."""

    open_requested = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspections_page")
        self._context = context
        self.model = InspectionTableModel(context.store, context.catalogue, self)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("按单位名称或统一社会信用代码查找"))
        self.search.setClearButtonEnabled(True)
        self.township = QComboBox()
        self.township.addItem(_("全部乡镇/街道"), None)
        for township in context.store.townships():
            self.township.addItem(township, township)
        self.checklist = QComboBox()
        self.checklist.addItem(_("全部检查表"), None)
        for checklist in context.catalogue.current():
            self.checklist.addItem(checklist.title, checklist.id)
        self.status = QComboBox()
        self.status.addItem(_("全部状态"), None)
        for status in Status:
            self.status.addItem(status.label, status.value)
        self.outcome = QComboBox()
        self.outcome.addItem(_("全部结果"), None)
        for result in PublishedResult:
            self.outcome.addItem(result.label, result.value)
        self.date_from = _date_edit()
        self.date_to = _date_edit()
        self.count = QLabel()
        self.table = inspection_table(self.model)
        # Several records can be chosen here for exporting their PDFs in one go.
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self._lay_out()
        self._connect()
        self._show_count()

    def _lay_out(self) -> None:
        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.township, 1)
        filters.addWidget(self.checklist, 1)
        filters.addWidget(self.status)
        filters.addWidget(self.outcome, 1)
        filters.addWidget(QLabel(_("日期")))
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel("—"))
        filters.addWidget(self.date_to)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)

    def _connect(self) -> None:
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self._on_search_return)
        for combo in (self.township, self.checklist, self.status, self.outcome):
            combo.currentIndexChanged.connect(self.apply_filter)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self.apply_filter)
        self.table.activated.connect(self._on_table_activated)
        self._context.inspections_changed.connect(self.model.refresh)
        self.model.modelReset.connect(self._show_count)

    def current_filter(self) -> InspectionFilter:
        def date(edit: QDateEdit) -> str | None:
            return None if edit.date() == _ANY_DATE else edit.date().toString("yyyy-MM-dd")

        status = self.status.currentData()
        return InspectionFilter(
            text=self.search.text().strip() or None,
            township=self.township.currentData(),
            checklist_id=self.checklist.currentData(),
            status=Status(status) if status else None,
            outcome=self.outcome.currentData(),
            date_from=date(self.date_from),
            date_to=date(self.date_to),
        )

    def apply_filter(self) -> None:
        self._debounce.stop()
        self.model.set_filter(self.current_filter())

    def _show_count(self) -> None:
        self.count.setText(_("共 {n} 条检查记录").format(n=self.model.total))

    def _on_search_return(self) -> None:
        self.apply_filter()
        self.table.setFocus()
        if self.model.rowCount():
            self.table.selectRow(0)

    def _on_table_activated(self, index: QModelIndex) -> None:
        self.open_requested.emit(self.model.row_at(index.row()).id)

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()).id if rows else None

    def selected_ids(self) -> list[str]:
        """Every selected inspection, in list order (Shift/Ctrl+click or Shift+arrows)."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.model.row_at(row).id for row in rows]
