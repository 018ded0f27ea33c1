"""Before the window opens: the start-up check, and what to do when the database cannot be used.

:func:`prepare_database` runs :func:`~desktop.store.recovery.startup_check`. A sound (or new)
file is returned at once. A damaged one gets :class:`RecoveryDialog`: 恢复最近的备份 (the newest
backup that passes its check, with its date) / 打开其他数据库 / 退出. A restore keeps the damaged
file beside the database under a new name (recovery.py) and the check runs again. A file locked
by another program offers 重试; a foreign, newer, read-only or unreadable one says why.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from enum import Enum
from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from checklists.i18n import _
from desktop import paths
from desktop.store import Reader, StoreError
from desktop.store.backup import SUFFIX, BackupInfo, folder_for, latest_good_backup
from desktop.store.recovery import (
    Health,
    HealthReport,
    put_back,
    restore,
    set_aside_files,
    startup_check,
)


class Choice(Enum):
    RESTORE = "restore"
    PUT_BACK = "put_back"
    RETRY = "retry"
    OTHER = "other"
    QUIT = "quit"


# what a backup can be restored for: a damaged file, or none left by an unfinished restore
_RESTORABLE = (Health.DAMAGED, Health.INTERRUPTED)


class RecoveryDialog(QDialog):
    """Explains what is wrong with the database and offers the ways on; ``choice`` is set
    when a button is clicked (the dialog then closes)."""

    def __init__(
        self, report: HealthReport, latest: BackupInfo | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("数据库无法使用"))
        self.report, self.latest = report, latest
        self.choice = Choice.QUIT
        self.message = QLabel(self._text())
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.restore_button = self._button(
            _("恢复最近的备份（{date}）").format(date=latest.label) if latest else "",
            Choice.RESTORE,
            visible=latest is not None and report.health in _RESTORABLE,
        )
        aside = report.aside
        self.put_back_button = self._button(
            _("放回原来的文件（{name}）").format(name=aside.name) if aside else "",
            Choice.PUT_BACK,
            visible=aside is not None and ".replaced-" in aside.name,
        )
        self.retry_button = self._button(
            _("重试"), Choice.RETRY, visible=report.health is Health.LOCKED
        )
        self.other_button = self._button(_("打开其他数据库…"), Choice.OTHER)
        self.quit_button = self._button(_("退出"), Choice.QUIT)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        restorable = latest is not None and report.health in _RESTORABLE
        default = self.restore_button if restorable else self.other_button
        if self.put_back_button.isVisibleTo(self):
            default = self.put_back_button
        default.setDefault(True)

    def _text(self) -> str:
        text = self.report.message
        if self.report.health in _RESTORABLE:
            if self.latest is None:
                text += "\n\n" + _("没有找到可用的备份。损坏的文件不会被改动。")
            else:
                text += "\n\n" + _(
                    "恢复会用 {date} 的备份替换它；损坏的文件保留在原文件夹中（改名），"
                    "不会被删除或覆盖。该备份之后录入的内容不在备份中。"
                ).format(date=self.latest.label)
        return text

    def _button(self, text: str, choice: Choice, *, visible: bool = True) -> QPushButton:
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.setVisible(visible)
        button.setAutoDefault(False)
        button.clicked.connect(lambda: self._on_button_clicked(choice))
        return button

    def _on_button_clicked(self, choice: Choice) -> None:
        self.choice = choice
        if choice is Choice.QUIT:
            self.reject()
        else:
            self.accept()


def backup_folders(db_path: Path) -> list[Path]:
    """Where backups of ``db_path`` may be: the office's folder (if the file, or the file a
    restore set aside, still tells) and the default one."""
    folders = []
    for source in (db_path, *set_aside_files(db_path)[:1]):
        with contextlib.suppress(StoreError, OSError), Reader.open(source) as reader:
            folders.append(folder_for(reader.office_settings()))
            break
    default = paths.backup_dir()
    return folders + ([default] if default not in folders else [])


def newest_good_backup(db_path: Path) -> BackupInfo | None:
    stem = db_path.name.removesuffix(SUFFIX)
    found = [b for f in backup_folders(db_path) if (b := latest_good_backup(f, stem))]
    return max(found, key=lambda b: b.created, default=None)


def _exec(dialog: RecoveryDialog) -> Choice:
    dialog.exec()  # before the main window exists: nothing else to keep running
    return dialog.choice


def _choose_file() -> Path | None:
    from PySide6.QtWidgets import QFileDialog

    name, _filter = QFileDialog.getOpenFileName(
        None, _("打开其他数据库"), str(paths.data_dir()), _("量衡数据库 (*.sqlite3);;所有文件 (*)")
    )
    return Path(name) if name else None


def _tell(title: str, text: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.information(None, title, text)


def prepare_database(
    path: Path,
    *,
    ask: Callable[[RecoveryDialog], Choice] = _exec,
    choose_file: Callable[[], Path | None] = _choose_file,
    tell: Callable[[str, str], None] = _tell,
) -> Path | None:
    """The database to open (``path`` or another the user chose), or None to quit.

    Blocking (call it from run_gui before the window exists); tests inject ``ask``,
    ``choose_file`` and ``tell``."""
    while True:
        report = startup_check(path)
        if report.usable:
            return path
        latest = newest_good_backup(path) if report.health in _RESTORABLE else None
        choice = ask(RecoveryDialog(report, latest))
        if choice is Choice.QUIT:
            return None
        if choice is Choice.OTHER:
            path = choose_file() or path
        elif choice is Choice.PUT_BACK and report.aside is not None:
            try:
                put_back(report.aside, path)
            except StoreError as error:
                tell(_("无法放回"), str(error))
        elif choice is Choice.RESTORE and latest is not None:
            try:
                result = restore(latest.path, path)
            except StoreError as error:
                tell(_("无法恢复"), str(error))
                continue
            kept = result.kept[0].name if result.kept else ""
            tell(
                _("已从备份恢复"),
                _("已恢复 {date} 的备份。损坏的文件保留为：{kept}").format(
                    date=latest.label, kept=kept
                ),
            )
