"""Find a 被检查单位: a search box that searches as you type and the lazy table of matches.
Shared by the subjects page and step 1 of the new-inspection dialog.

Keyboard: type any part of a name, address or credit code; Enter or Down moves into the table
(selecting the first match); Esc in the table goes back to the search box.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from checklists.i18n import _
from desktop.store import Subject
from desktop.store.reads import Reads
from desktop.ui.subject_model import SubjectTableModel
from desktop.ui.widgets import SearchBox

# Initial widths of the columns but the last (the address takes the rest).
_COLUMN_WIDTHS = (330, 170, 110, 100, 100)


class SubjectPicker(QWidget):
    """``current_changed(subject_id)`` when the selected subject changes ("" for none)."""

    current_changed = Signal(str)

    def __init__(self, store: Reads, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SubjectTableModel(store, self)
        self.search = SearchBox()
        self.search.setObjectName("subject_search")
        self.search.setPlaceholderText(_("搜索单位名称、地址或统一社会信用代码（输入任意部分）"))
        self.count_label = QLabel()
        self.table = self._make_table()
        self.search.search_changed.connect(self._on_search_search_changed)
        self.search.leave_requested.connect(self._on_search_leave_requested)
        self.model.modelReset.connect(self._on_model_reset)
        self.model.rowsInserted.connect(self._show_count)
        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.table)
        back.setContext(Qt.ShortcutContext.WidgetShortcut)
        back.activated.connect(self.focus_search)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.setFocusProxy(self.search)
        self._show_count()

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("subject_table")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        header = table.horizontalHeader()
        for column, width in enumerate(_COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        return table

    # ------------------------------------------------------------------ the selection
    def current_subject(self) -> Subject | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.subject_at(index.row())

    def select_subject(self, subject_id: str) -> bool:
        """Select a subject, loading further pages until it is found; False if the filter
        hides it."""
        row = self.model.row_of(subject_id)
        while row is None and self.model.canFetchMore():
            self.model.fetchMore()
            row = self.model.row_of(subject_id)
        if row is None:
            return False
        self._select_row(row)
        return True

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)

    def show_all(self) -> None:
        """Clear the search and show every subject."""
        self.search.clear()
        self.search.flush()

    def refresh(self) -> None:
        """Query again (a subject was added or changed), keeping the selected one."""
        current = self.current_subject()
        self.model.refresh()
        if current is not None:
            self.select_subject(current.id)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # ------------------------------------------------------------------ slots
    def _on_search_search_changed(self, text: str) -> None:
        self.model.set_filter(text)

    def _on_search_leave_requested(self) -> None:
        if self.model.rowCount() == 0:
            return
        if self.current_subject() is None:
            self._select_row(0)
        self.table.setFocus()

    def _on_model_reset(self) -> None:
        self._show_count()
        self.current_changed.emit("")

    def _on_table_current_row_changed(self, current: QModelIndex, _old: QModelIndex) -> None:
        valid = current.isValid()
        self.current_changed.emit(self.model.subject_at(current.row()).id if valid else "")

    def _show_count(self) -> None:
        total = self.model.total
        if self.model.filter_text:
            text = _("找到 {n} 个单位").format(n=total) if total else _("没有找到匹配的单位")
        else:
            text = _("共 {n} 个单位").format(n=total)
        self.count_label.setText(text)
