"""首页: what an inspector needs first in the morning: today's inspections, the unfinished
ones to pick up again, and a way to start a new one."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from checklists.i18n import _
from desktop.store import InspectionFilter, Status
from desktop.store.ids import china_date
from desktop.ui.context import AppContext
from desktop.ui.inspection_model import InspectionTableModel, inspection_table


class InspectionList(QWidget):
    """A titled, read-only list of inspections over its own lazy model."""

    activated = Signal(str)

    def __init__(
        self,
        context: AppContext,
        title: str,
        where: InspectionFilter,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._title = title
        self.model = InspectionTableModel(context.store, context.catalogue, self)
        self.model.set_filter(where)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.table = inspection_table(self.model)
        self.table.activated.connect(self._on_table_activated)
        self.model.modelReset.connect(self._show_heading)
        context.inspections_changed.connect(self.model.refresh)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.table)
        self._show_heading()

    def _show_heading(self) -> None:
        self.heading.setText(
            _("{title}（{count}）").format(title=self._title, count=self.model.total)
        )

    def _on_table_activated(self, index: QModelIndex) -> None:
        self.activated.emit(self.model.row_at(index.row()).id)


class StartPage(QWidget):
    """Emits ``open_requested(inspection_id)`` to resume one, ``new_requested`` for a new one."""

    open_requested = Signal(str)
    new_requested = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("start_page")
        self._context = context
        today = china_date()
        self.greeting = QLabel()
        self.greeting.setStyleSheet("font-size: 15pt;")
        self.new_button = QPushButton(_("新建检查 (Ctrl+N)"))
        self.new_button.setMinimumHeight(36)
        self.new_button.clicked.connect(self.new_requested)
        self.today = InspectionList(
            context, _("今天的检查"), InspectionFilter(date_from=today, date_to=today)
        )
        self.unfinished = InspectionList(
            context, _("未完成的检查"), InspectionFilter(status=Status.DRAFT)
        )
        for listing in (self.today, self.unfinished):
            listing.activated.connect(self.open_requested)
        top = QHBoxLayout()
        top.addWidget(self.greeting, 1)
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.today, 1)
        layout.addWidget(self.unfinished, 2)
        context.settings_changed.connect(self._show_greeting)
        self._show_greeting()

    def _show_greeting(self) -> None:
        settings = self._context.settings
        unit = settings.inspecting_unit or _("（尚未设置检查单位）")
        self.greeting.setText(_("{unit}　今天是 {date}").format(unit=unit, date=china_date()))
