"""One way to show errors: a typed error from the core as a message box in the user's language;
anything unexpected as a crash dialog with copyable details, written to the log file first."""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from checklists.errors import UserError
from checklists.i18n import _
from desktop.logs import log_exception


def show_error(parent: QWidget | None, error: BaseException) -> QMessageBox:
    """Show ``error``: a UserError's message as it is; anything else as a crash with details.

    The box is opened window-modal with ``open()`` (never ``exec()``), so the event loop keeps
    running and nothing already typed is lost; the box is returned for tests.
    """
    if isinstance(error, UserError):
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("无法完成"),
            str(error),
            QMessageBox.StandardButton.Ok,
            parent,
        )
    else:
        where = log_exception(error)
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            _("程序出错"),
            _(
                "程序遇到意外错误，已输入的内容均已保存。\n"
                "详细信息已写入日志文件：{path}\n请把日志文件交给技术支持。"
            ).format(path=where),
            QMessageBox.StandardButton.Ok,
            parent,
        )
        box.setDetailedText("".join(traceback.format_exception(error)))
    box.open()
    return box


def install_excepthook() -> None:
    """Route uncaught exceptions in slots to the crash dialog instead of a silent death.

    Installed by ``run_gui`` only, never at import: pytest-qt needs the default hook to report
    exceptions in tests.
    """

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        show_error(None, value.with_traceback(tb))

    sys.excepthook = hook
