"""The export dialog: where to write, a progress bar with 取消, then 打开文件 / 打开文件夹 / 打印.

Call :func:`open_export_dialog` with an :class:`ExportRequest` (one or many PDFs, one
inspection or a batch as Excel). The work runs in a worker (:mod:`desktop.ui.tasks`) with its
own Reader; the window stays responsive and the export can be cancelled, leaving no file.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from checklists.i18n import _
from desktop.reports import (
    XlsxSelection,
    export_pdf,
    export_pdfs,
    export_xlsx,
    pdf_name,
)
from desktop.store import InspectionFilter, Reader
from desktop.ui.context import AppContext
from desktop.ui.errors import show_error
from desktop.ui.tasks import Task, TaskControl, run_task
from exports.pdf import PdfOptions

PDF, XLSX = "pdf", "xlsx"


@dataclass(frozen=True)
class ExportRequest:
    """What to export. ``pdf`` with one id: one file; with several: one file each into a
    folder. ``xlsx`` with one id: that inspection; without: the batch ``where`` (+ ``unit``)."""

    kind: str
    inspection_ids: tuple[str, ...] = ()
    where: InspectionFilter = field(default_factory=InspectionFilter)
    unit: str | None = None

    @classmethod
    def pdf(cls, *inspection_ids: str) -> ExportRequest:
        return cls(PDF, tuple(inspection_ids))

    @classmethod
    def xlsx(cls, inspection_id: str | None = None, where: InspectionFilter | None = None,
             unit: str | None = None) -> ExportRequest:  # fmt: skip
        ids = (inspection_id,) if inspection_id else ()
        return cls(XLSX, ids, where or InspectionFilter(), unit)

    @property
    def to_folder(self) -> bool:
        return self.kind == PDF and len(self.inspection_ids) > 1


def _documents() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(folder or Path.home())


def default_target(context: AppContext, request: ExportRequest) -> Path:
    folder = _documents()
    if request.to_folder:
        return folder / _("现场笔录")
    if request.kind == PDF:
        row = context.store.get_inspection(request.inspection_ids[0])
        return folder / pdf_name(row.inspection_date, row.subject_name, row.id)
    if request.inspection_ids:
        row = context.store.get_inspection(request.inspection_ids[0])
        return folder / pdf_name(row.inspection_date, row.subject_name, row.id).replace(
            ".pdf", ".xlsx"
        )
    where = request.where
    span = "-".join(d for d in (where.date_from, where.date_to) if d) or _("全部")
    return folder / _("检查记录汇总 {span}.xlsx").format(span=span)


def _work(db_path: Path, request: ExportRequest, target: Path) -> Any:
    def work(control: TaskControl) -> Path:
        if request.to_folder:
            export_pdfs(db_path, list(request.inspection_ids), target, PdfOptions(),
                        progress=control.progress, cancelled=control.cancelled)  # fmt: skip
            return target
        if request.kind == PDF:
            control.progress(0, 1)
            with Reader.open(db_path) as reads:
                export_pdf(reads, request.inspection_ids[0], target, PdfOptions())
            control.progress(1, 1)
            return target
        selection = XlsxSelection(
            request.inspection_ids[0] if request.inspection_ids else None,
            request.where,
            request.unit,
        )
        export_xlsx(db_path, selection, target, progress=control.progress,
                    cancelled=control.cancelled)  # fmt: skip
        return target

    return work


class ExportDialog(QDialog):
    """Choose the target, export with progress, then open or print the result."""

    def __init__(
        self, context: AppContext, request: ExportRequest, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.request = request
        self.task: Task | None = None
        self.result_path: Path | None = None
        self.setObjectName("export_dialog")
        self.setWindowTitle(_("导出"))
        self.setMinimumWidth(520)
        self._build()
        self.path_edit.setText(str(default_target(context, request)))

    def _build(self) -> None:
        self.what = QLabel(self._describe())
        self.what.setWordWrap(True)
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("export_path")
        browse = QPushButton(_("浏览…"))
        browse.clicked.connect(self._on_browse_clicked)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.bar = QProgressBar()
        self.bar.setObjectName("export_progress")
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.status = QLabel()
        self.status.setObjectName("export_status")
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.start_button = buttons.addButton(_("导出"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(_("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.open_file_button = QPushButton(_("打开文件"))
        self.open_folder_button = QPushButton(_("打开文件夹"))
        self.print_button = QPushButton(_("打印"))
        for button in (self.open_file_button, self.open_folder_button, self.print_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
            button.setVisible(False)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.open_file_button.clicked.connect(self._on_open_file_clicked)
        self.open_folder_button.clicked.connect(self._on_open_folder_clicked)
        self.print_button.clicked.connect(self._on_print_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.what)
        layout.addLayout(row)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

    def _describe(self) -> str:
        r = self.request
        if r.kind == PDF and len(r.inspection_ids) > 1:
            return _("将 {n} 次检查的现场笔录分别导出为 PDF，保存到文件夹：").format(
                n=len(r.inspection_ids)
            )
        if r.kind == PDF:
            return _("导出现场笔录（有不符合项时附责令改正通知书）为 PDF：")
        if r.inspection_ids:
            return _("将这次检查导出为 Excel 工作簿：")
        return _("将符合当前筛选条件的检查记录导出为 Excel 汇总工作簿：")

    # ------------------------------------------------------------------ running
    @property
    def target(self) -> Path:
        return Path(self.path_edit.text().strip())

    def start(self) -> None:
        if self.task is not None and not self.task.done:
            return
        if not self.path_edit.text().strip():
            self.status.setText(_("请选择保存位置。"))
            return
        self.result_path = None
        self._show_result_buttons(False)
        self.start_button.setEnabled(False)
        self.path_edit.setEnabled(False)
        self.bar.setRange(0, 0)  # busy until the first progress report
        self.status.setText(_("正在导出…"))
        self.cancel_button.setText(_("取消"))
        task = run_task(_work(self.context.db_path, self.request, self.target), self)
        task.progress.connect(self._on_task_progress)
        task.finished.connect(self._on_task_finished)
        task.failed.connect(self._on_task_failed)
        task.cancelled.connect(self._on_task_cancelled)
        self.task = task

    def _on_task_progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.status.setText(_("正在导出… {done}/{total}").format(done=done, total=total))

    def _on_task_finished(self, path: object) -> None:
        self.result_path = Path(str(path))
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.status.setText(_("已导出：{path}").format(path=self.result_path))
        self._idle()
        self._show_result_buttons(True)
        self.cancel_button.setText(_("关闭"))

    def _on_task_failed(self, error: object) -> None:
        self.status.setText(_("导出失败。"))
        self._idle()
        if isinstance(error, BaseException):
            show_error(self, error)

    def _on_task_cancelled(self) -> None:
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.status.setText(_("已取消，未写入文件。"))
        self._idle()

    def _idle(self) -> None:
        self.start_button.setEnabled(True)
        self.path_edit.setEnabled(True)

    def _show_result_buttons(self, visible: bool) -> None:
        is_file = not self.request.to_folder
        self.open_file_button.setVisible(visible and is_file)
        self.open_folder_button.setVisible(visible)
        self.print_button.setVisible(visible and is_file and self.request.kind == PDF)

    # ------------------------------------------------------------------ buttons
    def _on_cancel_clicked(self) -> None:
        if self.task is not None and not self.task.done:
            self.task.cancel()
            self.status.setText(_("正在取消…"))
            return
        self.reject()

    def reject(self) -> None:
        if self.task is not None and not self.task.done:
            self.task.cancel()  # the worker stops at its next check; nothing is left behind
        super().reject()

    def _on_browse_clicked(self) -> None:
        if self.request.to_folder:
            chosen = QFileDialog.getExistingDirectory(self, _("保存到文件夹"), str(self.target))
        else:
            pattern = (
                _("PDF 文件 (*.pdf)") if self.request.kind == PDF else _("Excel 工作簿 (*.xlsx)")
            )
            chosen, _filter = QFileDialog.getSaveFileName(
                self, _("保存为"), str(self.target), pattern
            )
        if chosen:
            self.path_edit.setText(chosen)

    def _on_open_file_clicked(self) -> None:
        if self.result_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result_path)))

    def _on_open_folder_clicked(self) -> None:
        if self.result_path is not None:
            folder = self.result_path if self.request.to_folder else self.result_path.parent
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def _on_print_clicked(self) -> None:
        """Print through the system's PDF viewer (Windows: its "print" verb); elsewhere the
        viewer opens and prints from there."""
        if self.result_path is None:
            return
        if sys.platform == "win32":
            os.startfile(str(self.result_path), "print")  # type: ignore[attr-defined]  # noqa: S606
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result_path)))


def open_export_dialog(
    parent: QWidget | None, context: AppContext, request: ExportRequest
) -> ExportDialog:
    """Show the export dialog (window-modal, ``open()``: the event loop keeps running)."""
    dialog = ExportDialog(context, request, parent)
    dialog.open()
    return dialog
