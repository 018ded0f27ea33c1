"""Backups and checks while the app runs: the 备份 menu, the daily and the closing backup, the
full integrity check in the background.

The work is Qt-free (desktop/store/backup.py, recovery.py); here it runs in a QThread with its
own connection (the backup and the check open the file themselves: a connection belongs to
the thread that opened it), and results come back to the UI thread through signals. This is a
minimal worker of its own; it can move onto the shared task runner (desktop/ui/tasks.py,
issue 9) once that exists. A failed backup (a USB stick not plugged in, a full stick) is a
warning, never a crash: the database itself is untouched.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QWidget

from checklists.i18n import _
from desktop.store import Reader, Store, StoreError
from desktop.store.backup import (
    backup,
    backup_due,
    check_backup,
    folder_for,
    is_default_folder,
    kept_for,
)
from desktop.store.errors import DatabaseDamagedError
from desktop.store.recovery import restore
from desktop.ui.context import AppContext
from desktop.ui.errors import show_error


def make_backup(context: AppContext) -> Path:
    """One backup of the open database into the office's folder (StoreError on failure)."""
    settings = context.settings
    return backup(
        context.db_path,
        folder_for(settings),
        keep=kept_for(settings),
        parents=is_default_folder(settings),
    )


class Worker(QThread):
    """Runs ``job`` off the UI thread, then calls ``on_success(result)`` or
    ``on_failure(error)`` on the UI thread.

    The callbacks are reached through this object's own methods: the QThread object lives in
    the UI thread, so the signals it emits from ``run`` are queued to it (a bare lambda
    connected to a signal emitted in the worker would run in the worker, and a widget made
    there crashes Qt)."""

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        job: Callable[[], Any],
        parent: QWidget | None = None,
        *,
        on_success: Callable[[Any], object] | None = None,
        on_failure: Callable[[BaseException], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self._job = job
        self._on_success, self._on_failure = on_success, on_failure
        self.succeeded.connect(self._on_self_succeeded)
        self.failed.connect(self._on_self_failed)
        self.finished.connect(self.deleteLater)

    def run(self) -> None:
        try:
            result = self._job()
        except Exception as error:  # anything: handed to the UI thread and shown there
            self.failed.emit(error)
        else:
            self.succeeded.emit(result)

    def _on_self_succeeded(self, result: object) -> None:
        if self._on_success is not None:
            self._on_success(result)

    def _on_self_failed(self, error: BaseException) -> None:
        if self._on_failure is not None:
            self._on_failure(error)


def start_backup(context: AppContext, parent: QWidget, *, quiet: bool = True) -> Worker:
    """A backup in the background; a failure is shown, success too unless ``quiet``."""
    worker = Worker(
        lambda: make_backup(context),
        parent,
        on_success=None if quiet else (lambda made: _done_box(parent, made)),
        on_failure=lambda error: show_error(parent, error),
    )
    worker.start()
    return worker


def _done_box(parent: QWidget, made: Path) -> QMessageBox:
    box = QMessageBox(
        QMessageBox.Icon.Information,
        _("备份完成"),
        _("已备份到：{path}").format(path=made),
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.open()
    return box


def start_daily_backup(context: AppContext, parent: QWidget) -> Worker | None:
    """At start: a backup if the newest one is a day old (or there is none)."""
    folder = folder_for(context.settings)
    if not backup_due(folder, context.db_path.name.removesuffix(".sqlite3")):
        return None
    return start_backup(context, parent)


def backup_on_close(context: AppContext) -> Path | StoreError:
    """The closing backup, synchronous (a second or two at most on a large file); the error
    is returned, not raised: the app is closing either way."""
    try:
        return make_backup(context)
    except StoreError as error:
        return error


def start_integrity_check(context: AppContext, parent: QWidget) -> Worker:
    """The full integrity_check on its own Reader; a warning if anything is found."""

    def check() -> list[str]:
        try:
            with Reader.open(context.db_path) as reader:
                return reader.integrity_problems(full=True)
        except DatabaseDamagedError as error:
            return [str(error)]
        except sqlite3.DatabaseError as error:  # so damaged that the check itself stops
            return [str(error)]

    worker = Worker(
        check,
        parent,
        on_success=lambda problems: _report_problems(parent, problems),
        on_failure=lambda error: show_error(parent, error),
    )
    worker.start()
    return worker


def _report_problems(parent: QWidget, problems: list[str]) -> QMessageBox | None:
    if not problems:
        return None
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        _("数据库完整性检查发现问题"),
        _(
            "完整检查发现数据库文件有问题。请立即停止录入，用“备份 → 从备份恢复”恢复最近的"
            "备份，或把数据库文件交给技术支持。已保存的内容不会被程序删除。"
        ),
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setDetailedText("\n".join(problems[:50]))
    box.open()
    return box


# ---------------------------------------------------------------------- the menu
def add_backup_menu(window: QMainWindow, context: AppContext) -> None:
    """备份 → 立即备份 / 从备份恢复…"""
    menu = window.menuBar().addMenu(_("备份(&B)"))
    menu.addAction(_("立即备份"), lambda: start_backup(context, window, quiet=False))
    menu.addAction(_("从备份恢复…"), lambda: choose_backup_file(window, context))


def choose_backup_file(window: QMainWindow, context: AppContext) -> QFileDialog:
    """Qt's own file dialog (not the native one: it blocks tests) opened window-modal."""
    dialog = QFileDialog(window, _("选择备份文件"), str(folder_for(context.settings)))
    dialog.setNameFilter(_("量衡备份 (*.sqlite3);;所有文件 (*)"))
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.fileSelected.connect(lambda name: confirm_restore(window, context, Path(name)))
    dialog.open()
    return dialog


def confirm_restore(window: QMainWindow, context: AppContext, path: Path) -> QMessageBox:
    """Check the chosen file in full first; then ask before replacing the database."""
    try:
        info = check_backup(path, full=True)
    except StoreError as error:
        return show_error(window, error)
    box = QMessageBox(
        QMessageBox.Icon.Question,
        _("从备份恢复"),
        _(
            "用 {date} 的备份替换当前数据库？\n当前数据库不会被删除：它保留在原文件夹中，"
            "文件名后加“.replaced-日期时间”。该备份之后录入的内容不在备份中。"
        ).format(date=info.label),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        window,
    )
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.accepted.connect(lambda: restore_now(window, context, path))
    box.open()
    return box


def restore_now(window: QMainWindow, context: AppContext, path: Path) -> None:
    """Close the writer, restore, reopen, and tell every page its data changed."""
    close_transient = getattr(window, "close_transient", None)
    if callable(close_transient):
        # an open inspection holds the old connection; input it could not save was for the
        # database being replaced (the user confirmed the restore)
        close_transient(force=True)
    db_path = context.db_path
    context.store.close()
    try:
        result = restore(path, db_path, reason="replaced")
    except StoreError as error:
        show_error(window, error)
        result = None
    finally:
        context.replace_store(Store.open(db_path, create=False))
    if result is not None:
        _done_restore_box(window, result.kept[0].name if result.kept else "")


def _done_restore_box(window: QWidget, kept: str) -> QMessageBox:
    box = QMessageBox(
        QMessageBox.Icon.Information,
        _("已从备份恢复"),
        _("已恢复。原来的数据库保留为：{kept}").format(kept=kept),
        QMessageBox.StandardButton.Ok,
        window,
    )
    box.open()
    return box


def wait_for_workers(parent: QWidget, timeout_ms: int = 60_000) -> None:
    """Let backups and checks still running under ``parent`` finish before the app exits (a
    QThread destroyed while running aborts the process; a backup cut short is harmless but
    wasted)."""
    for worker in parent.findChildren(Worker):
        worker.wait(timeout_ms)
