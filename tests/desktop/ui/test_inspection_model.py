"""The lazy inspections model: pages from SQL, filters in SQL, a valid Qt model."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from desktop.store import InspectionFilter, Status
from desktop.ui.context import AppContext
from desktop.ui.inspection_model import PAGE, InspectionTableModel

pytestmark = pytest.mark.gui


def test_model_passes_the_qt_model_tester(
    qtmodeltester: ModelTester, demo_context: AppContext
) -> None:
    model = InspectionTableModel(demo_context.store, demo_context.catalogue)
    qtmodeltester.check(model)


def test_only_the_first_page_is_loaded_until_more_is_fetched(demo_context: AppContext) -> None:
    model = InspectionTableModel(demo_context.store, demo_context.catalogue)
    assert model.total == 600
    assert model.rowCount() == PAGE
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 2 * PAGE
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 600


def test_rows_are_newest_first_with_chinese_labels(demo_context: AppContext) -> None:
    model = InspectionTableModel(demo_context.store, demo_context.catalogue)
    dates = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert dates == sorted(dates, reverse=True)
    statuses = {model.data(model.index(r, 4)) for r in range(model.rowCount())}
    assert statuses <= {"草稿", "已完成"} | {s for s in statuses if s.startswith("未实施检查（")}
    titles = {model.data(model.index(r, 2)) for r in range(model.rowCount())}
    assert "加油站计量专项检查" in titles
    assert model.data(model.index(0, 0), Qt.ItemDataRole.UserRole) == model.row_at(0).id


def test_filter_runs_in_sql_and_resets_the_model(demo_context: AppContext) -> None:
    model = InspectionTableModel(demo_context.store, demo_context.catalogue)
    model.set_filter(InspectionFilter(status=Status.NOT_CARRIED_OUT))
    expected = demo_context.store.count_inspections(InspectionFilter(status=Status.NOT_CARRIED_OUT))
    assert 0 < model.total == expected < 600
    assert all(model.row_at(r).status is Status.NOT_CARRIED_OUT for r in range(model.rowCount()))
