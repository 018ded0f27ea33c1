"""A repeated section with nothing registered yet (a market whose stalls are not in the
register, a dispenser without nozzles) still has a page, from which the first one is added."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.ui.context import AppContext
from desktop.ui.walk_page import EmptySectionPage, SectionPage
from desktop.ui.walk_state import Page, Place
from desktop.ui.walk_view import InspectionView

pytestmark = pytest.mark.gui


def test_first_stall_of_a_market_is_added_from_its_empty_page(
    qtbot: QtBot, empty_context: AppContext
) -> None:
    store = empty_context.store
    market = store.create_subject("城关农贸市场", "trade_market")
    inspection = store.create_inspection(market.id, "trade_market", "2026.1")
    view = InspectionView(empty_context, inspection.id)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    with qtbot.waitActive(view):
        view.show()
        view.activateWindow()
    placeholder = Page("stall", "")
    assert placeholder in view.state.pages()
    assert view.state.progress(placeholder).required == 0  # nothing is asked of no stall
    view.go_to(Place(placeholder))
    page = view.page_widget(placeholder)
    assert isinstance(page, EmptySectionPage)
    qtbot.keyClick(
        page.add_button,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert view.current == Page("stall", "stall:1")
    assert isinstance(view.page_widget(view.current), SectionPage)
    assert placeholder not in view.state.pages()
    assert Page("stall_reweigh", "stall:1") in view.state.pages()


def test_a_dispenser_without_nozzles_gets_an_empty_nozzle_page(
    qtbot: QtBot, empty_context: AppContext
) -> None:
    store = empty_context.store
    station = store.create_subject("某加油站", "fuel_station")
    store.add_instrument(station.id, "dispenser", label="1号加油机", position=1)
    inspection = store.create_inspection(station.id, "fuel_station", "2026.1")
    view = InspectionView(empty_context, inspection.id)
    qtbot.addWidget(view)
    view.show()
    placeholder = Page("nozzle", "dispenser:1")
    assert placeholder in view.state.pages()
    view.go_to(Place(placeholder))
    page = view.page_widget(placeholder)
    assert isinstance(page, EmptySectionPage)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert view.current == Page("nozzle", "dispenser:1/nozzle:1")
    nozzles = [i for i in store.instruments_of(station.id) if i.kind == "nozzle"]
    assert len(nozzles) == 1  # registered in the subject's instruments too
