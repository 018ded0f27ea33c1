"""The main window: a navigation list on the left, one page per task on the right."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from checklists.i18n import _
from desktop import APP_DISPLAY_NAME
from desktop.ui.context import AppContext


class MainWindow(QMainWindow):
    """Pages are added with :meth:`add_page`; Ctrl+1..9 jump to them."""

    def __init__(self, db_path: Path | None = None, *, is_demo: bool = False) -> None:
        super().__init__()
        self.db_path = db_path
        self.is_demo = is_demo
        self.context: AppContext | None = None
        self.setObjectName("MainWindow")
        self._nav = QListWidget()
        self._nav.setObjectName("navigation")
        self._nav.setFixedWidth(168)
        self._nav.setStyleSheet(
            "QListWidget#navigation { font-size: 11pt; border: none; background: #f3efe6; }"
            "QListWidget#navigation::item { padding: 9px 12px; }"
            "QListWidget#navigation::item:selected { background: #9e1b1b; color: white; }"
        )
        self._pages = QStackedWidget()
        self._factories: dict[QWidget, Callable[[], QWidget]] = {}
        self._transient: QWidget | None = None
        self._nav.currentRowChanged.connect(self.show_row)
        self._nav.itemClicked.connect(lambda item: self.show_row(self._nav.row(item)))
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
        self.file_menu = self.menuBar().addMenu(_("文件(&F)"))
        self.file_menu.addAction(_("退出(&X)"), self.close)
        self.settings_menu = self.menuBar().addMenu(_("设置(&S)"))
        self.help_menu = self.menuBar().addMenu(_("帮助(&H)"))
        self.help_menu.addAction(_("关于量衡"), self._on_about_triggered)
        if db_path is not None:
            where = _("数据库：{path}").format(path=db_path)
            demo = _("{where}【演示数据】").format(where=where)
            self.statusBar().showMessage(demo if is_demo else where)

    def title(self) -> str:
        parts = [APP_DISPLAY_NAME]
        if self.db_path is not None:
            parts.append(self.db_path.name)
        title = " — ".join(parts)
        return _("{title}【演示数据】").format(title=title) if self.is_demo else title

    def add_page(self, page: QWidget | Callable[[], QWidget], label: str) -> None:
        """Add a page, or a function that builds it the first time it is shown (pages the
        user may never open cost nothing at start-up)."""
        if isinstance(page, QWidget):
            self._pages.addWidget(page)
        else:
            placeholder = QWidget()
            self._factories[placeholder] = page
            self._pages.addWidget(placeholder)
        QListWidgetItem(label, self._nav)
        index = self._nav.count()
        if index <= 9:
            shortcut = QShortcut(QKeySequence(f"Ctrl+{index}"), self)
            shortcut.activated.connect(lambda row=index - 1: self.show_row(row))
        if self._nav.currentRow() < 0:
            self._nav.setCurrentRow(0)

    def current_page(self) -> QWidget | None:
        return self._pages.currentWidget()

    def page(self, row: int) -> QWidget:
        """The page in navigation row ``row``, built now if it was not yet."""
        widget = self._pages.widget(row)
        if widget is None:
            raise IndexError(row)
        factory = self._factories.pop(widget, None)
        if factory is not None:
            built = factory()
            self._pages.insertWidget(row, built)
            self._pages.removeWidget(widget)
            widget.deleteLater()
            widget = built
        return widget

    def show_page(self, page: QWidget) -> None:
        self._nav.setCurrentRow(self._pages.indexOf(page))

    @property
    def transient(self) -> QWidget | None:
        """The page shown outside the navigation (an open inspection), if any."""
        return self._transient

    def show_transient(self, widget: QWidget) -> None:
        """Show a page that is not in the navigation until it closes or a page is chosen in
        the navigation (everything in it is saved as it is typed, so leaving loses nothing).

        The navigation keeps its row: clearing it would let the list select its first row
        again when it takes the focus, from inside this very switch."""
        if not self.close_transient(then=lambda: self.show_transient(widget)):
            return
        self._transient = widget
        self._pages.addWidget(widget)
        self._pages.setCurrentWidget(widget)
        widget.setFocus()

    def close_transient(
        self, *, force: bool = False, then: Callable[[], object] | None = None
    ) -> bool:
        """Close the open inspection (or other transient page); return whether it closed.

        Not while typed input waits to be saved (a full disk, a locked file: the page retries
        it): then the user is asked, and the page stays until the input is saved or the user
        chooses to give it up (``force`` gives it up without asking: restoring a backup,
        which replaces the database the input was for, asked already). ``then`` runs when the
        user gives the input up (default: closing again)."""
        widget = self._transient
        if widget is None:
            return True
        if not force and not self._may_leave(widget, then or self.close_transient):
            return False
        self._transient = None
        self._pages.setCurrentWidget(self.page(max(self._nav.currentRow(), 0)))
        self._pages.removeWidget(widget)
        widget.hide()
        widget.deleteLater()
        return True

    def _may_leave(self, widget: QWidget, then: Callable[[], object]) -> bool:
        """Whether ``widget`` may go now. If typed input of it still waits to be saved, it is
        retried at once; if it still cannot be saved, ask (without blocking: ``then`` runs
        again when the user gives the input up) and answer False."""
        unsaved = getattr(widget, "retry_unsaved_now", None)
        if unsaved is None or getattr(widget, "discard_unsaved", False) or not unsaved():
            return True
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("有内容尚未保存"),
            _(
                "有 {count} 项录入内容还没能写入数据库（磁盘已满、文件被占用或只读等），"
                "程序正在自动重试。\n请先排除原因（例如腾出磁盘空间、插回U盘），待显示"
                "“已保存”后再关闭。现在关闭会丢失这些内容。"
            ).format(count=widget.unsaved_count()),  # type: ignore[attr-defined]
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setObjectName("unsaved_box")
        keep = box.addButton(_("继续重试"), QMessageBox.ButtonRole.RejectRole)
        give_up = box.addButton(_("放弃未保存的内容并关闭"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(keep)

        def finished() -> None:
            if box.clickedButton() is give_up:
                widget.discard_unsaved = True  # type: ignore[attr-defined]
                then()

        box.finished.connect(finished)
        box.open()
        return False

    def show_row(self, row: int) -> None:
        """Navigation row ``row``: closes an open transient page and shows the row's page."""
        if row < 0:
            return
        if self._nav.currentRow() != row:
            self._nav.setCurrentRow(row)  # comes back here through currentRowChanged
            return
        if self._transient is not None and not self.close_transient(
            then=lambda: self.show_row(row)
        ):
            return
        self._pages.setCurrentWidget(self.page(row))

    def _on_about_triggered(self) -> None:
        from desktop import __version__, logs, paths

        text = _(
            "<h3>量衡 {version}</h3><p>度万物、量天地、衡公平。</p>"
            "<p>数据库：{db}<br/>备份：{backups}<br/>日志：{log}</p>"
        ).format(
            version=__version__,
            db=self.db_path or paths.default_db(),
            backups=paths.backup_dir(),
            log=logs.log_file(),
        )
        box = QMessageBox(
            QMessageBox.Icon.Information, _("关于量衡"), text, QMessageBox.StandardButton.Ok, self
        )
        box.open()

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if not self.close_transient():
            event.ignore()  # input waits to be saved; the user was asked (see close_transient)
            return
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        super().closeEvent(event)
