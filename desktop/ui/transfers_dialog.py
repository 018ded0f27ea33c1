"""传输记录: the history of transfer bundles written and read here (issue 10), newest first, and
under it what an import did not take (its conflicts).

The office needs the conflicts to settle them by hand: the losing version of a record is kept
in ``transfer_conflicts`` and never shown anywhere else. The rows are read on the UI thread
through the context's Store, like the other lists: the history holds at most a few hundred rows
and reading it does not wait for an import that is running (WAL: readers never block).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from checklists.i18n import N_, _
from desktop.store import StoreError
from desktop.store.bundles import ConflictRow, Transfer, conflicts, counts_text, transfers
from desktop.store.errors import translate
from desktop.store.ids import china_time
from desktop.store.seal import device_code
from desktop.ui.context import AppContext
from desktop.ui.widgets import PROBLEM_COLOUR

Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole

TRANSFER_COLUMNS = (
    N_("时间"), N_("方向"), N_("设备"), N_("传输包文件"), N_("传输内容"), N_("冲突数"),
)  # fmt: skip
CONFLICT_COLUMNS = (N_("冲突"), N_("记录"), N_("被检查单位"), N_("保留的版本"), N_("说明"))
_RECORDS = {  # what kind of record a conflict is about (transfer_conflicts.table_name)
    "inspections": N_("检查记录"),
    "answers": N_("答案"),
    "attachments": N_("照片"),
    "signatures": N_("签名"),
    "seals": N_("封存"),
    "amendments": N_("更正"),
    "evidence": N_("存证副本"),
    "subjects": N_("被检查单位"),
    "instruments": N_("计量器具"),
    "standards": N_("计量标准器"),
}
_DIRECTIONS = {"import": N_("导入"), "export": N_("导出")}
_KEPT = {"local": N_("本机版本"), "incoming": N_("收到的版本")}

T = TypeVar("T")


def content_text(transfer: Transfer) -> str:
    """What a transfer carried: what an import added (or updated), what an export wrote."""
    summary = transfer.summary
    if transfer.direction == "export":
        return counts_text(summary.get("counts", {}))
    added = counts_text(summary.get("added", {}))
    if added:
        return added
    updated = counts_text(summary.get("updated", {}))
    if updated:
        return _("更新：{what}").format(what=updated)
    if summary.get("already_imported"):
        return _("此前已导入过，没有新内容")
    return _("没有新内容")


def read_store(context: AppContext, query: Callable[[sqlite3.Connection], T]) -> T:
    """Run ``query`` on the context's connection; a StoreError the user can act on if the
    database cannot be read (the bundle functions take a bare connection)."""
    store = context.store
    try:
        return query(store.db.conn)
    except sqlite3.Error as exc:
        raise translate(exc, store.path) or StoreError(str(exc), store.path) from exc


def _header(columns: tuple[str, ...], section: int, orientation: Qt.Orientation, role: int) -> Any:
    horizontal = orientation == Qt.Orientation.Horizontal
    if horizontal and role == _DISPLAY and 0 <= section < len(columns):
        return _(columns[section])
    return None


class TransfersModel(QAbstractTableModel):
    """Bundles written (导出) and read (导入) by this database, newest first."""

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._rows: list[Transfer] = []
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = read_store(self._context, transfers)
        self.endResetModel()

    def transfer_at(self, row: int) -> Transfer:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(TRANSFER_COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY
    ) -> Any:
        return _header(TRANSFER_COLUMNS, section, orientation, role)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        transfer = self._rows[index.row()]
        column = index.column()
        if role in (_DISPLAY, _TOOLTIP):
            text = self._text(transfer, column)
            if role == _TOOLTIP:
                return text if column in (3, 4) else None  # the long ones, in full
            return text
        if role == _FOREGROUND and column == 5 and transfer.conflicts:
            return QBrush(QColor(PROBLEM_COLOUR))
        if role == _ALIGN and column == 5:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    @staticmethod
    def _text(transfer: Transfer, column: int) -> str:
        imported = transfer.direction == "import"
        if column == 0:
            return china_time(transfer.at)
        if column == 1:
            return _(_DIRECTIONS.get(transfer.direction, transfer.direction))
        if column == 2:
            peer = transfer.peer_device_id
            return device_code(peer) if imported and peer else ""
        if column == 3:
            return transfer.file_name
        if column == 4:
            return content_text(transfer)
        return str(transfer.conflicts) if imported else ""


class ConflictsModel(QAbstractTableModel):
    """The conflicts of one import: what happened, to whose record, which version stayed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ConflictRow] = []

    def set_rows(self, rows: list[ConflictRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(CONFLICT_COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY
    ) -> Any:
        return _header(CONFLICT_COLUMNS, section, orientation, role)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == _DISPLAY:
            values = (
                row.label,
                _(_RECORDS.get(row.table, row.table)),
                row.subject_name,
                _(_KEPT.get(row.kept, row.kept)),
                row.note,
            )
            return values[index.column()]
        if role == _TOOLTIP:
            if index.column() == 0:
                return row.label
            if index.column() == 4:
                return row.note or None
        return None


class TransfersDialog(QDialog):
    """The history above, the selected import's conflicts below."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transfers_dialog")
        self.setWindowTitle(_("传输记录"))
        self.resize(960, 560)
        self.model = TransfersModel(context, self)
        self.conflicts_model = ConflictsModel(self)
        self._context = context
        self.table = _table(self.model, stretch=4)
        self.table.setObjectName("transfers_table")
        self.conflicts_table = _table(self.conflicts_model, stretch=4)
        self.conflicts_table.setObjectName("conflicts_table")
        self.conflicts_heading = QLabel()
        self.conflicts_heading.setWordWrap(True)
        self.conflicts_heading.setStyleSheet("font-weight: bold;")
        self.empty_label = QLabel(_("还没有导出或导入过传输包。"))
        self.empty_label.setVisible(self.model.rowCount() == 0)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.conflicts_heading)
        lower_layout.addWidget(self.conflicts_table)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        buttons = QDialogButtonBox()
        buttons.addButton(_("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty_label)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.model.modelReset.connect(self._on_model_reset)
        self._on_model_reset()

    def refresh(self) -> None:
        self.model.refresh()

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _on_model_reset(self) -> None:
        self.empty_label.setVisible(self.model.rowCount() == 0)
        if self.model.rowCount():
            self.table.selectRow(0)
        else:
            self._show_conflicts(None)

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        self._show_conflicts(self.model.transfer_at(rows[0].row()) if rows else None)

    def _show_conflicts(self, transfer: Transfer | None) -> None:
        found: list[ConflictRow] = []
        if transfer is None:
            heading = _("选中一次导入，可在这里查看它的冲突。")
        elif transfer.direction != "import":
            heading = _("导出不会产生冲突。")
        elif not transfer.conflicts:
            heading = _("这次导入没有冲突。")
        else:
            found = read_store(self._context, lambda conn: conflicts(conn, transfer.id))
            heading = _(
                "这次导入的冲突 {n} 处：未采用的版本已保留在数据库中，请核对后在本机修改。"
            ).format(n=len(found))
        self.conflicts_heading.setText(heading)
        self.conflicts_model.set_rows(found)
        self.conflicts_table.setVisible(bool(found))


def _table(model: QAbstractTableModel, *, stretch: int) -> QTableView:
    """A read-only, row-selecting table whose column ``stretch`` takes the space left over."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def open_transfers_dialog(parent: QWidget | None, context: AppContext) -> TransfersDialog:
    """Show the history window-modal (``open()``: the event loop keeps running)."""
    dialog = TransfersDialog(context, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
