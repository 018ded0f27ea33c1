"""Pages of the register of subjects: list_subjects / count_subjects, matched in SQL (trigram
index from 3 characters on, LIKE below), in a stable order for lazy fetching."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.store import Store, Subject

CODE = "91210181MA0Y8K2L0C"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "work.sqlite3") as opened:
        yield opened


def _names(subjects: list[Subject]) -> list[str]:
    return [s.name for s in subjects]


def test_pages_follow_each_other_in_name_order_without_gaps(store: Store) -> None:
    names = [f"单位{n:03d}" for n in range(25)]
    for name in reversed(names):
        store.create_subject(name, "market")
    pages = [store.list_subjects(limit=10, offset=offset) for offset in (0, 10, 20, 30)]
    assert [len(page) for page in pages] == [10, 10, 5, 0]
    assert [s.name for page in pages for s in page] == names
    assert store.count_subjects() == 25


def test_equal_names_are_ordered_by_id_so_pages_never_repeat_a_row(store: Store) -> None:
    ids = {store.create_subject("同名商店", "service").id for _ in range(7)}
    seen = [s.id for offset in range(0, 7, 3) for s in store.list_subjects(limit=3, offset=offset)]
    assert sorted(seen) == sorted(ids)


def test_one_two_and_more_characters_find_a_chinese_name_by_any_part(store: Store) -> None:
    station = store.create_subject("沈阳市和平区太原街加油站", "fuel_station").id
    store.create_subject("大连市瓦房店复州城超市", "supermarket")
    for part in ("街", "太原", "太原街", "和平区太原", "加油站"):
        assert [s.id for s in store.list_subjects(part)] == [station], part
        assert store.count_subjects(part) == 1, part
    assert store.count_subjects("市") == 2


def test_address_and_credit_code_are_searched_too(store: Store) -> None:
    subject = store.create_subject(
        "新民市大民屯加油站", "fuel_station", address="大民屯镇光明街 12 号", credit_code=CODE
    ).id
    assert [s.id for s in store.list_subjects("光明街")] == [subject]
    assert [s.id for s in store.list_subjects("光明")] == [subject]
    assert [s.id for s in store.list_subjects("MA0Y8K")] == [subject]
    assert [s.id for s in store.list_subjects("ma0y8k")] == [subject]


def test_every_word_must_match(store: Store) -> None:
    store.create_subject("沈阳市和平区太原街加油站", "fuel_station")
    store.create_subject("大连市瓦房店复州城加油站", "fuel_station")
    assert _names(store.list_subjects("大连 加油站")) == ["大连市瓦房店复州城加油站"]
    assert _names(store.list_subjects("加油站\u3000太原")) == ["沈阳市和平区太原街加油站"]
    assert store.count_subjects("大连 太原") == 0


def test_wildcards_and_quotes_are_plain_text(store: Store) -> None:
    store.create_subject("百分之百%商店", "service")
    store.create_subject("普通商店", "service")
    assert _names(store.list_subjects("%")) == ["百分之百%商店"]
    assert store.list_subjects("_") == []
    assert store.list_subjects('"引号"') == []
    assert store.count_subjects('"引号"') == 0


def test_blank_text_lists_everything(store: Store) -> None:
    store.create_subject("甲商店", "service")
    store.create_subject("乙商店", "service")
    assert store.count_subjects("   ") == 2
    assert len(store.list_subjects(" ")) == 2


def test_an_edited_name_is_found_by_its_new_words_only(store: Store) -> None:
    subject = store.create_subject("旧名称加油站", "fuel_station")
    store.update_subject(subject.id, name="新名称加油站")
    assert store.count_subjects("旧名称") == 0
    assert [s.id for s in store.list_subjects("新名称")] == [subject.id]


def test_a_reader_lists_subjects_too(store: Store) -> None:
    store.create_subject("甲商店", "service")
    with store.reader() as reader:
        assert _names(reader.list_subjects("甲")) == ["甲商店"]
        assert reader.count_subjects() == 1
