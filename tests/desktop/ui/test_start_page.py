"""首页: today's and unfinished inspections, and the way to a new one."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.store import InspectionFilter, Status
from desktop.store.ids import china_date
from desktop.ui.context import AppContext
from desktop.ui.first_run import Choice, FirstRunDialog
from desktop.ui.start_page import StartPage

pytestmark = pytest.mark.gui


def test_lists_today_and_unfinished_inspections(qtbot: QtBot, demo_context: AppContext) -> None:
    subject = demo_context.store.search_subjects("", limit=1)[0]
    demo_context.store.create_inspection(
        subject.id, "fuel_station", "2026.1", inspection_date=china_date()
    )
    page = StartPage(demo_context)
    qtbot.addWidget(page)
    assert page.today.model.total == 1
    assert page.today.model.row_at(0).subject_id == subject.id
    drafts = demo_context.store.count_inspections(InspectionFilter(status=Status.DRAFT))
    assert page.unfinished.model.total == drafts
    assert f"（{drafts}）" in page.unfinished.heading.text()


def test_activating_an_unfinished_inspection_asks_to_open_it(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    page = StartPage(demo_context)
    qtbot.addWidget(page)
    page.show()
    table = page.unfinished.table
    table.setFocus()
    table.selectRow(0)
    with qtbot.waitSignal(page.open_requested, timeout=1000) as opened:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened.args == [page.unfinished.model.row_at(0).id]


def test_greeting_names_the_unit_once_it_is_set(qtbot: QtBot, empty_context: AppContext) -> None:
    page = StartPage(empty_context)
    qtbot.addWidget(page)
    assert "尚未设置检查单位" in page.greeting.text()
    from desktop.settings import OfficeSettings

    empty_context.save_settings(OfficeSettings(inspecting_unit="法库县市场监督管理局"))
    assert "法库县市场监督管理局" in page.greeting.text()
    with qtbot.waitSignal(page.new_requested, timeout=1000):
        qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)


@pytest.mark.parametrize("button", ["demo_button", "real_button"])
def test_first_run_dialog_records_the_choice(qtbot: QtBot, button: str) -> None:
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.open()
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.mouseClick(getattr(dialog, button), Qt.MouseButton.LeftButton)
    assert dialog.choice is (Choice.DEMO if button == "demo_button" else Choice.REAL)
