"""The 文件 menu's transfer entries (导出传输包… / 导入传输包… / 传输记录), made without importing
what they run: the bundle code and its dialogs (desktop/ui/transfer_actions.py) load on first
use, so they cost the start-up nothing."""

from __future__ import annotations

from PySide6.QtGui import QAction

from checklists.i18n import _
from desktop.ui.context import AppContext
from desktop.ui.main_window import MainWindow


def add_transfer_menu(window: MainWindow, context: AppContext) -> list[QAction]:
    """Put the three entries above the File menu's own (退出); return them."""
    menu = window.file_menu
    before = menu.actions()[0] if menu.actions() else None

    def export() -> None:
        from desktop.ui.transfer_actions import ask_export

        ask_export(window, context)

    def imp() -> None:
        from desktop.ui.transfer_actions import choose_bundles

        choose_bundles(window, context)

    def history() -> None:
        from desktop.ui.transfers_dialog import open_transfers_dialog

        open_transfers_dialog(window, context)

    ours = []
    for text, slot in (
        (_("导出传输包…"), export),
        (_("导入传输包…"), imp),
        (_("传输记录"), history),
    ):
        action = menu.addAction(text)
        action.triggered.connect(slot)
        ours.append(action)
    if before is not None:
        for action in ours:
            menu.removeAction(action)
        menu.insertActions(before, ours)
        menu.insertSeparator(before)
    return ours
