"""The main window: a navigation list on the left, one page per task on the right."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from checklists.i18n import _
from desktop import APP_DISPLAY_NAME


class MainWindow(QMainWindow):
    """Pages are added with :meth:`add_page`; Ctrl+1..9 jump to them."""

    def __init__(self, db_path: Path | None = None, *, is_demo: bool = False) -> None:
        super().__init__()
        self.db_path = db_path
        self.is_demo = is_demo
        self.setObjectName("MainWindow")
        self._nav = QListWidget()
        self._nav.setObjectName("navigation")
        self._nav.setFixedWidth(168)
        self._pages = QStackedWidget()
        self._nav.currentRowChanged.connect(self._pages.setCurrentIndex)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._nav)
        layout.addWidget(self._pages, 1)
        self.setCentralWidget(central)
        self.setWindowTitle(self.title())
        self.resize(1200, 760)
        self._restore_geometry()

    def title(self) -> str:
        parts = [APP_DISPLAY_NAME]
        if self.db_path is not None:
            parts.append(self.db_path.name)
        title = " — ".join(parts)
        return f"{title}  【{_('演示数据')}】" if self.is_demo else title

    def add_page(self, page: QWidget, label: str) -> None:
        self._pages.addWidget(page)
        QListWidgetItem(label, self._nav)
        index = self._nav.count()
        if index <= 9:
            shortcut = QShortcut(QKeySequence(f"Ctrl+{index}"), self)
            shortcut.activated.connect(lambda row=index - 1: self._nav.setCurrentRow(row))
        if self._nav.currentRow() < 0:
            self._nav.setCurrentRow(0)

    def current_page(self) -> QWidget | None:
        return self._pages.currentWidget()

    def show_page(self, page: QWidget) -> None:
        self._nav.setCurrentRow(self._pages.indexOf(page))

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        super().closeEvent(event)
