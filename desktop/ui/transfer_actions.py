"""Transfer by USB stick (issue 10) from the 文件 menu: 导出传输包…, 导入传输包…, 传输记录.

The work is Qt-free (:mod:`desktop.store.bundles`); here it runs on the task runner
(:mod:`desktop.ui.tasks`). A SQLite connection belongs to the thread that opened it, so the
worker opens its own :class:`~desktop.store.Store` on the same file and closes it when done;
the context's Store stays the UI thread's writer.

An export reads one snapshot and writes only the "sent" marks at the end, so it can be cancelled
while it gathers the records (no file is written then). An import checks each whole file, then
merges it in one transaction that holds the database's write lock: a window-modal progress
dialog keeps the inspector from editing while it runs ("editing waits"). An inspection open in
the walk-through stays open: its saves wait for the lock or retry. Cancelling an import rolls
back the file being merged; the files merged before it stay. Afterwards the pages are told that
subjects and inspections changed, as after a restore.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time as clock
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QObject, QSettings, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from checklists.catalogue import Catalogue, load_catalogue
from checklists.errors import UserError
from checklists.i18n import _
from desktop import APP_DISPLAY_NAME, paths
from desktop.store import Store
from desktop.store.bundle_format import SUFFIX
from desktop.store.bundles import (
    BundleRefusedError,
    ExportResult,
    NothingToSendError,
    counts_text,
    export_bundle,
    import_bundle,
    transfers,
)
from desktop.store.ids import china_date, china_midnight, china_time, parse_utc
from desktop.store.seal import device_code
from desktop.ui.context import AppContext
from desktop.ui.errors import show_error
from desktop.ui.import_result import FileOutcome, ImportResultDialog
from desktop.ui.tasks import Task, TaskCancelledError, TaskControl, run_task
from desktop.ui.transfers_dialog import (
    TransfersDialog,
    open_transfers_dialog,
    read_store,
)
from desktop.ui.widgets import china_today

log = logging.getLogger("liangheng.bundle")

FOLDER_KEY = "transfer/folder"  # QSettings: the folder of the last bundle (usually the stick)
DEFAULT_SINCE_DAYS = 30  # "changed since": the day offered when nothing was exported yet
_STAGE_INTERVAL = 0.05  # seconds between two stage reports (the bar needs no more)


# ---------------------------------------------------------------------- the menu
# ---------------------------------------------------------------------- folders and files
def last_folder() -> Path:
    """The folder a bundle was last written to or read from, else the documents folder."""
    saved = str(QSettings().value(FOLDER_KEY, "") or "")
    if saved and Path(saved).is_dir():
        return Path(saved)
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(folder or Path.home())


def remember_folder(path: Path) -> None:
    QSettings().setValue(FOLDER_KEY, str(path.parent))


def default_bundle_name(context: AppContext) -> str:
    """``量衡-<device code>-<YYYYMMDD>.lhb``: the office sees whose stick it is and from when."""
    day = china_date().replace("-", "")
    return f"{APP_DISPLAY_NAME}-{device_code(context.store.device_id)}-{day}{SUFFIX}"


def ask_export_path(parent: QWidget, suggested: Path) -> Path | None:
    """The system's save dialog (tests replace this function)."""
    name, _filter = QFileDialog.getSaveFileName(
        parent, _("保存传输包"), str(suggested), _("量衡传输包 (*.lhb)")
    )
    return Path(name) if name else None


def ask_bundle_paths(parent: QWidget, folder: Path) -> list[Path]:
    """The system's open dialog, several files at once (tests replace this function)."""
    names, _filter = QFileDialog.getOpenFileNames(
        parent, _("选择传输包"), str(folder), _("量衡传输包 (*.lhb);;所有文件 (*)")
    )
    return [Path(name) for name in names]


# ---------------------------------------------------------------------- progress
class ProgressDialog(QDialog):
    """A window-modal progress dialog for one transfer task: while it is open nothing else in
    the window can be edited. Esc and the close button ask the task to stop, as 取消 does;
    the dialog closes itself when the task ends."""

    cancel_requested = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transfer_progress")
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy until the first report
        self.cancel_button = QPushButton(_("取消"))
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        buttons = QDialogButtonBox()
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(buttons)
        self._finished = False

    def show_step(self, text: str, done: int = 0, total: int = 0) -> None:
        self.label.setText(text)
        if total <= 0:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))

    def finish(self) -> None:
        self._finished = True
        self.accept()

    def reject(self) -> None:
        if self._finished:
            super().reject()
            return
        self._on_cancel_clicked()

    def _on_cancel_clicked(self) -> None:
        if self._finished:
            return
        self.cancel_button.setEnabled(False)
        self.label.setText(_("正在取消…"))
        self.cancel_requested.emit()


class StageReporter(QObject):
    """Carries (file index, stage, done, total) from the worker to the UI thread.

    The object lives in the UI thread, so the signal emitted in the worker is queued to the
    slots there. Reports are thinned out like the task runner's progress; a change of file or
    stage and the last step always go through."""

    changed = Signal(int, str, int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._last: tuple[int, str] | None = None
        self._at = 0.0

    def report(self, index: int, stage: str, done: int, total: int) -> None:
        now = clock.monotonic()
        with self._lock:
            if (index, stage) == self._last and done < total and now - self._at < _STAGE_INTERVAL:
                return
            self._last, self._at = (index, stage), now
        with contextlib.suppress(RuntimeError):  # the dialog (and this object) may be gone
            self.changed.emit(index, stage, done, total)


# ---------------------------------------------------------------------- export
class ExportChoiceDialog(QDialog):
    """What to export: what was not sent yet (the usual case), or everything changed since a
    day (to send again what a lost or broken stick carried)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("export_choice")
        self.setWindowTitle(_("导出传输包"))
        self.setMinimumWidth(480)
        intro = QLabel(_("把本机的检查记录导出为传输包文件，用U盘带到县局导入。"))
        intro.setWordWrap(True)
        self.unsent = QRadioButton(_("尚未传送的记录（默认）"))
        self.changed_since = QRadioButton(_("某日期以来改动的全部记录"))
        self.unsent.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.unsent)
        group.addButton(self.changed_since)
        last = _last_export(context)
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("since_date")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        today = china_today()
        self.date_edit.setMaximumDate(QDate(today.year, today.month, today.day))
        start = (
            date.fromisoformat(china_date(parse_utc(last)))
            if last
            else today - timedelta(days=DEFAULT_SINCE_DAYS)
        )
        self.date_edit.setDate(QDate(start.year, start.month, start.day))
        self.date_edit.setEnabled(False)
        self.changed_since.toggled.connect(self.date_edit.setEnabled)
        hint = QLabel(
            _("包括已经导出过的记录，用于U盘丢失或损坏后重新传送。")
            + "\n"
            + (
                _("上次导出：{at}").format(at=china_time(last))
                if last
                else _("本机还没有导出过传输包。")
            )
        )
        hint.setObjectName("export_hint")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        grid = QGridLayout()
        grid.addWidget(self.unsent, 0, 0, 1, 2)
        grid.addWidget(self.changed_since, 1, 0)
        grid.addWidget(self.date_edit, 1, 1)
        grid.addWidget(hint, 2, 0, 1, 2)
        grid.setColumnStretch(2, 1)
        buttons = QDialogButtonBox()
        self.next_button = buttons.addButton(
            _("选择保存位置…"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(_("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addWidget(buttons)

    def since(self) -> str | None:
        """None for "not sent yet", else the UTC moment the chosen day began in China."""
        if not self.changed_since.isChecked():
            return None
        chosen = self.date_edit.date()
        # midnight in China: what was typed on the morning of that day counts too
        return china_midnight(date(chosen.year(), chosen.month(), chosen.day()).isoformat())


def _last_export(context: AppContext) -> str | None:
    with contextlib.suppress(UserError):  # the dialog still works without the date
        for transfer in read_store(context, transfers):
            if transfer.direction == "export":
                return transfer.at
    return None


def ask_export(window: QWidget, context: AppContext) -> ExportChoiceDialog:
    """Ask what to export, then where; then export (see :func:`start_export`)."""
    dialog = ExportChoiceDialog(context, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: _choose_target(window, context, dialog.since()))
    dialog.open()
    return dialog


def _choose_target(window: QWidget, context: AppContext, since: str | None) -> None:
    target = ask_export_path(window, last_folder() / default_bundle_name(context))
    if target is None:
        return
    if not target.name.lower().endswith(SUFFIX):
        target = target.with_name(target.name + SUFFIX)
    remember_folder(target)
    start_export(window, context, target, since)


@dataclass
class RunningTransfer:
    """A running transfer: its progress dialog and task (for tests and screenshots)."""

    dialog: ProgressDialog
    task: Task


def start_export(
    window: QWidget, context: AppContext, target: Path, since: str | None
) -> RunningTransfer:
    """Export into ``target`` in a worker with its own Store; the result is shown when done."""
    db_path, catalogue = context.db_path, context.catalogue
    dialog = ProgressDialog(_("导出传输包"), window)
    dialog.show_step(_("正在收集要导出的记录…"))

    def work(control: TaskControl) -> ExportResult:
        def progress(_stage: str, done: int, total: int) -> None:
            if control.cancelled():
                raise TaskCancelledError  # still gathering: nothing is written yet
            control.progress(done, total)

        with Store.open(db_path, create=False) as store:
            # the save dialog asked before a file of that name is replaced
            return export_bundle(
                store, target, catalogue=catalogue, since=since, progress=progress,
                overwrite=True,
            )  # fmt: skip

    def on_progress(done: int, total: int) -> None:
        if done < total:
            text = _("正在收集检查记录… {done}/{total}").format(done=done, total=total)
            dialog.show_step(text, done, total)
            return
        # every record is gathered; the file is written now, without reports to stop at
        # (export_bundle has none there), and flushed to disk before the dialog closes
        dialog.cancel_button.setEnabled(False)
        dialog.show_step(_("正在写入传输包文件…"))

    task = run_task(work, dialog)
    dialog.cancel_requested.connect(task.cancel)
    task.progress.connect(on_progress)
    task.finished.connect(lambda result: _exported(window, dialog, result))
    task.failed.connect(lambda error: _export_failed(window, dialog, error, since))
    task.cancelled.connect(dialog.finish)
    dialog.open()
    return RunningTransfer(dialog, task)


def _exported(window: QWidget, dialog: ProgressDialog, result: ExportResult) -> None:
    dialog.finish()
    files = "\n".join(str(path) for path in result.files)
    text = _("传输包已写入：\n{files}\n\n内容：{what}。").format(
        files=files, what=counts_text(result.counts) or _("无")
    )
    if len(result.files) > 1:
        text += "\n\n" + _("照片较多，已分为 {n} 个文件，请把它们全部带到县局导入。").format(
            n=len(result.files)
        )
    text += "\n\n" + _("请在系统中安全弹出U盘后再拔出。")
    box = QMessageBox(
        QMessageBox.Icon.Information, _("导出完成"), text, QMessageBox.StandardButton.Ok, window
    )
    box.setObjectName("export_done")
    folder = box.addButton(_("打开文件夹"), QMessageBox.ButtonRole.ActionRole)
    folder.clicked.connect(
        lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(result.files[0].parent)))
    )
    _refresh_history(window)
    box.open()


def _export_failed(
    window: QWidget, dialog: ProgressDialog, error: object, since: str | None
) -> None:
    dialog.finish()
    if isinstance(error, NothingToSendError):
        text = (
            _("所选日期以来没有改动的记录，没有导出任何文件。") if since is not None else str(error)
        )
        box = QMessageBox(
            QMessageBox.Icon.Information,
            _("没有需要导出的记录"),
            text,
            QMessageBox.StandardButton.Ok,
            window,
        )
        box.setObjectName("nothing_to_send")
        box.open()
        return
    if isinstance(error, BaseException):
        show_error(window, error)


# ---------------------------------------------------------------------- import
def choose_bundles(window: QWidget, context: AppContext) -> RunningTransfer | None:
    """Ask for one or more bundle files, then import them (see :func:`start_import`)."""
    chosen = ask_bundle_paths(window, last_folder())
    if not chosen:
        return None
    remember_folder(chosen[0])
    return start_import(window, context, sorted(chosen, key=lambda p: p.name))


def _import_work(
    db_path: Path,
    files: Sequence[Path],
    catalogue: Catalogue,
    overrides: Path,
    reporter: StageReporter,
) -> Callable[[TaskControl], list[FileOutcome]]:
    def work(control: TaskControl) -> list[FileOutcome]:
        outcomes: list[FileOutcome] = []
        with Store.open(db_path, create=False) as store:
            for index, path in enumerate(files):
                if control.cancelled():
                    outcomes.append(FileOutcome(path, cancelled=True))
                    continue

                def progress(stage: str, done: int, total: int, index: int = index) -> None:
                    if control.cancelled():
                        raise TaskCancelledError  # the merge's transaction rolls back
                    reporter.report(index, stage, done, total)

                try:
                    done = import_bundle(
                        store, path, catalogue=catalogue, overrides_dir=overrides,
                        progress=progress,
                    )  # fmt: skip
                except TaskCancelledError:
                    outcomes.append(FileOutcome(path, cancelled=True))
                except UserError as error:  # refused, or the database said no: the next file
                    outcomes.append(FileOutcome(path, error=error))
                else:
                    outcomes.append(FileOutcome(path, imported=done))
        return outcomes

    return work


def start_import(window: QWidget, context: AppContext, files: Sequence[Path]) -> RunningTransfer:
    """Import ``files`` one after the other in a worker with its own Store, behind a
    window-modal progress dialog; then refresh the pages and show what each file did."""
    files = list(files)
    dialog = ProgressDialog(_("导入传输包"), window)
    dialog.show_step(_("正在打开 {name}…").format(name=files[0].name if files else ""))
    reporter = StageReporter(dialog)

    def on_stage(index: int, stage: str, done: int, total: int) -> None:
        name, count = files[index].name, len(files)
        if stage == "check":
            text = _("正在检查 {name}（第 {i}/{n} 个文件）…").format(
                name=name, i=index + 1, n=count
            )
            if total > 0:  # bytes read and hashed of the whole file (in thousandths: a part
                # of 3.8 GB does not fit the bar's int)
                dialog.show_step(text, min(done, total) * 1000 // total, 1000)
            else:
                dialog.show_step(text)
            return
        if done < total:
            text = _("正在导入 {name}（第 {i}/{n} 个文件）… {done}/{total}").format(
                name=name, i=index + 1, n=count, done=done, total=total
            )
            dialog.show_step(text, done, total)
            return
        # the records are merged; photos and signatures are copied in before the commit
        text = _("正在写入数据库：{name}（第 {i}/{n} 个文件）…").format(
            name=name, i=index + 1, n=count
        )
        dialog.show_step(text)

    reporter.changed.connect(on_stage)
    overrides = paths.overrides_dir()
    work = _import_work(context.db_path, files, context.catalogue, overrides, reporter)
    task = run_task(work, dialog)
    dialog.cancel_requested.connect(task.cancel)
    task.finished.connect(lambda outcomes: _imported(window, context, dialog, outcomes))
    task.failed.connect(lambda error: _import_failed(window, context, dialog, error))
    dialog.open()
    return RunningTransfer(dialog, task)


def _imported(
    window: QWidget, context: AppContext, dialog: ProgressDialog, outcomes: list[FileOutcome]
) -> ImportResultDialog:
    dialog.finish()
    _log(outcomes)
    if any(o.imported is not None for o in outcomes):
        if any(o.imported.received_checklists for o in outcomes if o.imported is not None):
            # the checklist versions kept for viewing the received records
            context.catalogue = load_catalogue(paths.overrides_dir())
        _data_changed(window, context)
    result = ImportResultDialog(outcomes, window)
    result.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    result.history_requested.connect(lambda: open_transfers_dialog(window, context))
    result.open()
    return result


def _import_failed(
    window: QWidget, context: AppContext, dialog: ProgressDialog, error: object
) -> None:
    """Something unexpected: files before it may be in, so the pages are refreshed anyway."""
    dialog.finish()
    _data_changed(window, context)
    if isinstance(error, BaseException):
        show_error(window, error)


def _data_changed(window: QWidget, context: AppContext) -> None:
    context.subjects_changed.emit()
    context.inspections_changed.emit()
    _refresh_history(window)


def _refresh_history(window: QWidget) -> None:
    for history in window.findChildren(TransfersDialog):
        history.refresh()


def _log(outcomes: list[FileOutcome]) -> None:
    """Into the log file as the command line does: the office may ask later why a file was
    not taken."""
    from desktop.logs import setup_logging

    with contextlib.suppress(OSError):  # no writable data folder: the dialog says everything
        setup_logging()
    for outcome in outcomes:
        if outcome.imported is not None:
            summary = outcome.imported.result.summary()
            log.info("bundle %s imported: %s", outcome.path, summary)
        elif isinstance(outcome.error, BundleRefusedError):
            log.warning("bundle %s refused: %s", outcome.path, outcome.error.reason)
        elif outcome.error is not None:
            log.warning("bundle %s not imported: %s", outcome.path, outcome.error)
        else:
            log.info("bundle %s not imported: cancelled", outcome.path)
