"""The register's table models: valid Qt models, lazy pages of subjects filtered in SQL, and a
subject's instruments with nozzles under their dispenser and expired ones marked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop.store import Store
from desktop.ui.subject_model import (
    VALID_UNTIL_COLUMN,
    InstrumentTableModel,
    SubjectTableModel,
)
from desktop.ui.widgets import PROBLEM_COLOUR, china_today

pytestmark = pytest.mark.gui

STATIONS = ("沈阳市和平区太原街加油站", "大连市瓦房店复州城加油站", "新民市大民屯农贸市场")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "t.sqlite3") as opened:
        yield opened


@pytest.fixture
def big_store(store: Store) -> Store:
    """1,000 subjects (one transaction) and three named ones."""
    with store.db.atomic():
        for n in range(1000):
            store.create_subject(f"测试单位{n:04d}", "market", township="城关镇")
        for name in STATIONS:
            store.create_subject(name, "fuel_station", address=f"{name[:3]}某路 1 号")
    return store


def _names(model: SubjectTableModel) -> list[str]:
    return [model.subject_at(row).name for row in range(model.rowCount())]


def test_subject_model_is_a_valid_qt_model(qtmodeltester: ModelTester, big_store: Store) -> None:
    model = SubjectTableModel(big_store, page_size=50)
    qtmodeltester.check(model)
    model.set_filter("加油站")
    qtmodeltester.check(model)


def test_only_the_first_page_is_read_until_the_view_asks_for_more(big_store: Store) -> None:
    model = SubjectTableModel(big_store)
    assert model.total == 1003
    assert model.rowCount() == SubjectTableModel.PAGE_SIZE
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 2 * SubjectTableModel.PAGE_SIZE
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 1003
    assert len({model.subject_at(row).id for row in range(1003)}) == 1003


def test_a_shown_table_view_does_not_fetch_everything(qtbot: QtBot, big_store: Store) -> None:
    model = SubjectTableModel(big_store)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    assert model.rowCount() == SubjectTableModel.PAGE_SIZE
    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > SubjectTableModel.PAGE_SIZE)
    assert model.rowCount() < model.total


@pytest.mark.parametrize(
    ("part", "expected"),
    [
        ("街", ["沈阳市和平区太原街加油站"]),  # 1 character: LIKE
        ("复州", ["大连市瓦房店复州城加油站"]),  # 2 characters: LIKE
        ("大民屯", ["新民市大民屯农贸市场"]),  # 3 characters: trigram index
        ("加油站", ["大连市瓦房店复州城加油站", "沈阳市和平区太原街加油站"]),
        ("瓦房店复州城加油", ["大连市瓦房店复州城加油站"]),
        ("加油站 太原", ["沈阳市和平区太原街加油站"]),  # every word
        ("找不到的名字", []),
    ],
)
def test_filter_finds_a_chinese_name_by_any_part(
    qtbot: QtBot, big_store: Store, part: str, expected: list[str]
) -> None:
    model = SubjectTableModel(big_store)
    with qtbot.waitSignal(model.modelReset):
        model.set_filter(part)
    assert _names(model) == expected
    assert model.total == len(expected)
    assert not model.canFetchMore()


def test_filter_on_many_matches_stays_lazy(qtbot: QtBot, big_store: Store) -> None:
    model = SubjectTableModel(big_store)
    with qtbot.waitSignal(model.modelReset):
        model.set_filter("测试单位")
    assert (model.total, model.rowCount()) == (1000, SubjectTableModel.PAGE_SIZE)
    with qtbot.waitSignal(model.modelReset):
        model.set_filter("")
    assert model.total == 1003


def test_cells_rows_and_lookups(store: Store) -> None:
    subject = store.create_subject(
        "沈阳市和平区太原街加油站",
        "fuel_station",
        credit_code="91210181MA0Y8K2L0C",
        county="和平区",
        township="太原街街道",
        address="太原北街 1 号",
    )
    model = SubjectTableModel(store)
    cells = [model.index(0, column).data() for column in range(model.columnCount())]
    assert cells == [subject.name, "91210181MA0Y8K2L0C", "加油站", "和平区", "太原街街道",
                     "太原北街 1 号"]  # fmt: skip
    assert model.headerData(1, Qt.Orientation.Horizontal) == "统一社会信用代码"
    assert model.index(0, 0).data(Qt.ItemDataRole.UserRole) == subject.id
    assert model.row_of(subject.id) == 0
    assert model.row_of("missing") is None


def test_refresh_shows_a_new_subject(qtbot: QtBot, store: Store) -> None:
    model = SubjectTableModel(store)
    assert model.rowCount() == 0
    store.create_subject("新开超市", "supermarket")
    with qtbot.waitSignal(model.modelReset):
        model.refresh()
    assert _names(model) == ["新开超市"]


# ---------------------------------------------------------------------- instruments
@pytest.fixture
def station(store: Store) -> str:
    subject = store.create_subject("太原街加油站", "fuel_station").id
    today = china_today()
    past = (today - timedelta(days=1)).isoformat()
    future = (today + timedelta(days=200)).isoformat()
    one = store.add_instrument(
        subject, "dispenser", label="1号加油机", position=1, serial="T2020001",
        seal_numbers=["LN01-000001", "LN01-000002"], certificate_no="辽计检加字2026-0001",
        valid_until=future, model="THJ-2242",
    ).id  # fmt: skip
    two = store.add_instrument(
        subject, "dispenser", label="2号加油机", position=2, valid_until=past
    ).id
    store.add_instrument(subject, "scale", label="公平秤", position=3)
    # Nozzles registered later, after the fair scale: shown under their dispenser anyway.
    store.add_instrument(subject, "nozzle", label="1号枪", parent_id=one, position=4,
                         extra={"fuel": "92号汽油"})  # fmt: skip
    store.add_instrument(subject, "nozzle", label="3号枪", parent_id=two, position=5)
    store.add_instrument(subject, "nozzle", label="2号枪", parent_id=one, position=6)
    return subject


def test_instrument_model_is_a_valid_qt_model(
    qtmodeltester: ModelTester, store: Store, station: str
) -> None:
    model = InstrumentTableModel(store)
    qtmodeltester.check(model)
    model.set_subject(station)
    qtmodeltester.check(model)


def test_nozzles_follow_their_dispenser_indented(store: Store, station: str) -> None:
    model = InstrumentTableModel(store)
    model.set_subject(station)
    labels = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert labels == [
        "1号加油机",
        "    └ 1号枪（92号汽油）",
        "    └ 2号枪",
        "2号加油机",
        "    └ 3号枪",
        "公平秤",
    ]
    assert model.index(1, 1).data() == "加油枪"
    assert model.index(0, 4).data() == "LN01-000001、LN01-000002"
    assert model.index(0, 3).data() == "辽计检加字2026-0001"


def test_an_expired_instrument_is_marked_in_words_and_colour(store: Store, station: str) -> None:
    model = InstrumentTableModel(store)
    model.set_subject(station)
    expired = [row for row in range(model.rowCount()) if model.expired(row)]
    assert [model.instrument_at(row).label for row in expired] == ["2号加油机"]
    row = expired[0]
    assert model.index(row, VALID_UNTIL_COLUMN).data().endswith("（已过期）")
    brush = model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert brush.color().name() == PROBLEM_COLOUR
    assert "有效期已过" in model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert "已过期" not in model.index(0, VALID_UNTIL_COLUMN).data()


def test_no_subject_no_rows(store: Store, station: str) -> None:
    model = InstrumentTableModel(store)
    model.set_subject(station)
    model.set_subject(None)
    assert model.rowCount() == 0
