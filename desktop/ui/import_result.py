"""The result of importing bundles: what each file did, in the words of
:func:`desktop.store.bundles.describe`; conflicts and refused files in red."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from checklists.errors import UserError
from checklists.i18n import _
from desktop.store.bundles import Imported, describe
from desktop.ui.widgets import PROBLEM_COLOUR


@dataclass(frozen=True)
class FileOutcome:
    """What became of one chosen file: imported, refused or failed (``error``), or not
    imported because the import was cancelled."""

    path: Path
    imported: Imported | None = None
    error: UserError | None = None
    cancelled: bool = False


class ImportResultDialog(QDialog):
    """What each file did, in the words of :func:`~desktop.store.bundles.describe`; conflicts
    and refused files stand out in red."""

    history_requested = Signal()

    def __init__(self, outcomes: Sequence[FileOutcome], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("import_result")
        self.setWindowTitle(_("导入结果"))
        self.resize(720, 480)
        self.outcomes = list(outcomes)
        taken = sum(1 for o in self.outcomes if o.imported is not None)
        refused = sum(1 for o in self.outcomes if o.error is not None)
        conflicts = sum(len(o.imported.result.conflicts) for o in self.outcomes if o.imported)
        parts = [_("已导入 {n} 个文件").format(n=taken)]
        if refused:
            parts.append(_("{n} 个文件未导入").format(n=refused))
        if any(o.cancelled for o in self.outcomes):
            parts.append(_("导入已取消"))
        if conflicts:
            parts.append(_("冲突 {n} 处").format(n=conflicts))
        self.summary = QLabel(_("，").join(parts) + _("。"))
        self.summary.setObjectName("import_summary")
        self.summary.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.summary.setWordWrap(True)
        self.details = QTextBrowser()
        self.details.setObjectName("import_details")
        self.details.setOpenLinks(False)
        self.details.setHtml(result_html(self.outcomes))
        buttons = QDialogButtonBox()
        self.history_button = buttons.addButton(
            _("查看传输记录"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.history_button.clicked.connect(self._on_history_clicked)
        close = buttons.addButton(_("关闭"), QDialogButtonBox.ButtonRole.AcceptRole)
        close.setDefault(True)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

    def text(self) -> str:
        return self.details.toPlainText()

    def _on_history_clicked(self) -> None:
        self.accept()  # one window-modal dialog at a time
        self.history_requested.emit()


def result_html(outcomes: Sequence[FileOutcome]) -> str:
    """The result of each file as HTML: a heading, then its lines."""
    blocks = []
    for outcome in outcomes:
        lines: list[tuple[str, str]] = []  # (text, colour)
        if outcome.imported is not None:
            lines = _coloured(outcome.imported)
        elif outcome.error is not None:
            lines = [(str(outcome.error), PROBLEM_COLOUR)]
        else:
            lines = [(_("已取消，未导入；数据库没有因这个文件改动。"), "#6b6b6b")]
        body = "".join(_line_html(text, colour) for text, colour in lines)
        blocks.append(f"<p><b>{html.escape(outcome.path.name)}</b></p>{body}")
    return "".join(blocks)


def _line_html(text: str, colour: str) -> str:
    style = "margin-left: 24px;" if text.startswith("  - ") else ""
    if colour:
        style += f" color: {colour};"
    return f'<div style="{style}">{html.escape(text.strip())}</div>'


def _coloured(done: Imported) -> list[tuple[str, str]]:
    """describe()'s lines; the conflicts heading and its items in red."""
    heading = _("冲突 {n} 处（详见“传输记录”）：").format(n=len(done.result.conflicts))
    lines, in_conflicts = [], False
    for text in describe(done):
        line = text
        if done.result.conflicts and line == heading:
            in_conflicts = True
        elif not line.startswith("  - "):
            in_conflicts = False
        lines.append((line, PROBLEM_COLOUR if in_conflicts else ""))
    return lines
