"""The main window as a whole: pages reached from the navigation, an inspection opened from
the lists and closed again, a new inspection started with Ctrl+N."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.ui.app import build_main_window
from desktop.ui.context import AppContext
from desktop.ui.main_window import MainWindow
from desktop.ui.new_inspection_dialog import NewInspectionDialog
from desktop.ui.start_page import StartPage
from desktop.ui.walk_view import InspectionView

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot: QtBot, demo_context: AppContext) -> MainWindow:
    built = build_main_window(demo_context)
    qtbot.addWidget(built)
    built.show()
    qtbot.waitExposed(built)
    return built


def test_every_page_is_reached_with_ctrl_and_a_number(qtbot: QtBot, window: MainWindow) -> None:
    names = []
    for number in range(1, 5):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + number), Qt.KeyboardModifier.ControlModifier)
        page = window.current_page()
        assert page is not None
        names.append(page.objectName())
    assert names == ["start_page", "inspections_page", "subjects_page", "calculator_page"]


def test_an_unfinished_inspection_opens_from_the_start_page_and_closes_back(
    qtbot: QtBot, window: MainWindow
) -> None:
    start = window.current_page()
    assert isinstance(start, StartPage)
    table = start.unfinished.table
    table.setFocus()
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.transient is not None, timeout=2000)
    view = window.transient
    assert isinstance(view, InspectionView)
    assert window.current_page() is view
    assert view.state.inspection_id == start.unfinished.model.row_at(0).id
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.transient is None, timeout=2000)
    assert window.current_page() is start


def test_ctrl_n_starts_a_new_inspection_dialog(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(NewInspectionDialog)
    assert dialog is not None
    assert dialog.isVisible()
    dialog.reject()


def test_choosing_a_page_while_an_inspection_is_open_closes_it(
    qtbot: QtBot, window: MainWindow, demo_context: AppContext
) -> None:
    from desktop.ui.app import open_inspection

    start = window.current_page()
    assert isinstance(start, StartPage)
    start.unfinished.table.setFocus()  # the focus sits in the list that asks for the record
    open_inspection(window, demo_context, start.unfinished.model.row_at(0).id)
    qtbot.waitUntil(lambda: window.transient is not None, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.transient is None
    page = window.current_page()
    assert page is not None
    assert page.objectName() == "inspections_page"


def test_export_menu_exports_the_selected_inspection_as_pdf(
    qtbot: QtBot, window: MainWindow, demo_context: AppContext
) -> None:
    from desktop.ui.app import add_export_menu
    from desktop.ui.export_dialog import ExportDialog

    add_export_menu(window, demo_context)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = window.current_page()
    assert page is not None
    page.table.selectRow(0)  # type: ignore[attr-defined]
    export = next(a.menu() for a in window.menuBar().actions() if a.text() == "导出(&E)")
    export.actions()[0].trigger()
    dialog = window.findChild(ExportDialog)
    assert dialog is not None
    assert dialog.isVisible()
    dialog.reject()


def test_several_selected_records_export_as_several_pdfs(
    qtbot: QtBot, window: MainWindow, demo_context: AppContext
) -> None:
    from desktop.ui.app import add_export_menu
    from desktop.ui.export_dialog import ExportDialog
    from desktop.ui.inspections_page import InspectionsPage

    add_export_menu(window, demo_context)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = window.current_page()
    assert isinstance(page, InspectionsPage)
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(page.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert len(page.selected_ids()) == 3
    export = next(a.menu() for a in window.menuBar().actions() if a.text() == "导出(&E)")
    export.actions()[0].trigger()
    dialog = window.findChild(ExportDialog)
    assert dialog is not None
    assert dialog.request.inspection_ids == tuple(page.selected_ids())
    dialog.reject()
