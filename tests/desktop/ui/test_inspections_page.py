"""The 检查记录 page: typing, choosing filters and opening a record, as a user would."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.store import InspectionFilter
from desktop.ui.context import AppContext
from desktop.ui.inspections_page import InspectionsPage

pytestmark = pytest.mark.gui
TypeText = Callable[[QWidget, str], None]


@pytest.fixture
def page(qtbot: QtBot, demo_context: AppContext) -> InspectionsPage:
    widget = InspectionsPage(demo_context)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_typing_part_of_a_name_filters_after_a_pause(
    qtbot: QtBot, page: InspectionsPage, demo_context: AppContext, ime_type: TypeText
) -> None:
    name = page.model.row_at(0).subject_name
    part = name[1:3]  # two characters from the middle of a Chinese name
    ime_type(page.search, part)
    qtbot.waitUntil(lambda: page.model.total < 600, timeout=2000)
    expected = demo_context.store.count_inspections(InspectionFilter(text=part))
    assert page.model.total == expected
    assert all(part in page.model.row_at(r).subject_name for r in range(page.model.rowCount()))
    assert f"共 {expected} 条" in page.count.text()


def test_choosing_a_checklist_and_a_township_narrows_the_list(
    qtbot: QtBot, page: InspectionsPage
) -> None:
    page.checklist.setCurrentIndex(page.checklist.findData("fuel_station"))
    assert {page.model.row_at(r).checklist_id for r in range(page.model.rowCount())} == {
        "fuel_station"
    }
    township = page.model.row_at(0).township
    page.township.setCurrentIndex(page.township.findData(township))
    assert page.model.total >= 1
    assert {page.model.row_at(r).township for r in range(page.model.rowCount())} == {township}


def test_date_range_filter(qtbot: QtBot, page: InspectionsPage) -> None:
    from PySide6.QtCore import QDate

    page.date_from.setDate(QDate(2026, 11, 1))
    page.date_to.setDate(QDate(2026, 11, 30))
    dates = {page.model.row_at(r).inspection_date for r in range(page.model.rowCount())}
    assert dates
    assert all("2026-11-01" <= d <= "2026-11-30" for d in dates)


def test_enter_in_search_moves_to_the_list_and_enter_opens_the_record(
    qtbot: QtBot, page: InspectionsPage
) -> None:
    page.search.setFocus()
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.selected_id() == page.model.row_at(0).id
    with qtbot.waitSignal(page.open_requested, timeout=1000) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [page.model.row_at(0).id]


def test_a_new_inspection_elsewhere_refreshes_the_list(
    page: InspectionsPage, demo_context: AppContext
) -> None:
    before = page.model.total
    subject = demo_context.store.search_subjects("", limit=1)[0]
    demo_context.store.create_inspection(subject.id, "fuel_station", "2026.1")
    demo_context.inspections_changed.emit()
    assert page.model.total == before + 1
