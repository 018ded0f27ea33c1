"""The list of inspections as a lazy Qt table model: rows come from SQL a page at a time, and
filtering happens in SQL, so a list of 100,000 inspections opens as fast as one of ten."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from checklists.catalogue import Catalogue
from checklists.i18n import N_, _, join
from checklists.outcome import NotCarriedOutReason, PublishedResult
from desktop.store import InspectionFilter, InspectionRow, Status
from desktop.store.reads import Reads

PAGE = 200
Index = QModelIndex | QPersistentModelIndex

COLUMNS = (
    ("date", N_("日期")),
    ("subject", N_("被检查单位")),
    ("checklist", N_("检查表")),
    ("township", N_("乡镇/街道")),
    ("status", N_("状态")),
    ("outcome", N_("检查结果")),
    ("inspectors", N_("执法人员")),
)
_STATUS_COLOURS = {Status.DRAFT: "#8a5a00", Status.NOT_CARRIED_OUT: "#6b6b6b"}


def outcome_label(code: str | None) -> str:
    if not code:
        return ""
    try:
        return PublishedResult(code).label
    except ValueError:
        return code  # a code from a newer version: show it rather than hide it


def status_label(row: InspectionRow) -> str:
    if row.status is Status.NOT_CARRIED_OUT and row.not_carried_out_reason:
        try:
            reason = NotCarriedOutReason(row.not_carried_out_reason).label
        except ValueError:
            reason = row.not_carried_out_reason
        return f"{row.status.label}（{reason}）"
    return row.status.label


class InspectionTableModel(QAbstractTableModel):
    """Inspections matching a filter, newest first; ``fetchMore`` loads the next page."""

    def __init__(self, reads: Reads, catalogue: Catalogue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reads = reads
        self._titles = {c.id: c.title for c in catalogue.checklists}
        self._filter = InspectionFilter()
        self._rows: list[InspectionRow] = []
        self._total = 0
        self.refresh()

    # ---------------------------------------------------------------- data source
    @property
    def total(self) -> int:
        """How many inspections match the filter (not how many are loaded)."""
        return self._total

    def set_filter(self, where: InspectionFilter) -> None:
        self._filter = where
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._total = self._reads.count_inspections(self._filter)
        self._rows = self._reads.list_inspections(self._filter, limit=PAGE, offset=0)
        self.endResetModel()

    def row_at(self, row: int) -> InspectionRow:
        return self._rows[row]

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802
        if parent.isValid():
            return
        more = self._reads.list_inspections(self._filter, limit=PAGE, offset=len(self._rows))
        if not more:
            self._total = len(self._rows)  # rows vanished since the count: stop asking
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    # ---------------------------------------------------------------- Qt model
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(COLUMNS[section][1])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, COLUMNS[index.column()][0])
        if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[index.column()][0] == "subject":
            return row.subject_credit_code or ""
        if role == Qt.ItemDataRole.ForegroundRole and COLUMNS[index.column()][0] == "status":
            colour = _STATUS_COLOURS.get(row.status)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def _text(self, row: InspectionRow, column: str) -> str:
        if column == "date":
            return row.inspection_date
        if column == "subject":
            return row.subject_name
        if column == "checklist":
            return self._titles.get(row.checklist_id, row.checklist_id)
        if column == "township":
            return row.township
        if column == "status":
            return status_label(row)
        if column == "outcome":
            return outcome_label(row.outcome)
        return join(row.inspectors)


def inspection_table(model: InspectionTableModel, parent: QWidget | None = None) -> QTableView:
    """A read-only, row-selecting view of inspections; the subject's name takes the space
    left over, the other columns start at a width that fits their usual content."""
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    for column, width in enumerate((96, 0, 160, 100, 110, 150, 120)):
        if width:
            table.setColumnWidth(column, width)
    return table
