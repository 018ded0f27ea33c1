"""Reading a bundle's record files (desktop/store/bundle_read.py): the fast reader (orjson)
and the checked one (the standard parser, which names the first fault) must agree.

The fast reader may only ever accept what the checked one accepts, with the same rows; where
it declines (None), the checked reader decides, so every refusal and its message stay as
``test_bundle_refused.py`` pins them.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.store.bundle_format import COLUMNS, LIMITS, TABLES, records_name
from desktop.store.bundle_read import BundleRefusedError, _Checker
from desktop.store.bundles import export_bundle

Laptops = Callable[[str], Any]


def checker() -> _Checker:
    return _Checker(Path("laptop.lhb"), zipfile.ZipFile.__new__(zipfile.ZipFile), LIMITS)


def both(table: str, data: bytes) -> tuple[Any, Any]:
    """(the fast reader's rows or None, the checked reader's rows or its refusal text)."""
    fast = checker().records_fast(table, data)
    try:
        checked: Any = checker().records_checked(table, data)
    except BundleRefusedError as exc:
        checked = str(exc)
    return fast, checked


def agree(table: str, data: bytes) -> None:
    fast, checked = both(table, data)
    if fast is not None:
        assert fast == checked


def line(table: str, **values: Any) -> bytes:
    """One record line of ``table`` with plausible values, ``values`` replacing some."""
    row: dict[str, Any] = {}
    for column in COLUMNS[table]:
        row[column] = "x"
    row.update(values)
    text = json.dumps([row[c] for c in COLUMNS[table]], ensure_ascii=False)
    # a lone surrogate becomes its \u escape, as in a file another program wrote
    return text.encode("utf-8", "backslashreplace") + b"\n"


ANSWER = {
    "id": "0190a000-0000-7000-8000-000000000001",
    "revision": 2,
    "inspection_id": "0190a000-0000-7000-8000-000000000002",
    "value": '{"runs":[1.5,2],"note":"油温 18 ℃"}',
    "note": None,
}


def answer_line(**values: Any) -> bytes:
    return line("answers", **{**ANSWER, **values})


def test_a_real_bundle_reads_the_same_both_ways(laptop: Laptops, tmp_path: Path) -> None:
    a = laptop("a")
    a.sealed(amended=True)
    a.draft(photos=2, answers=5)
    (path,) = export_bundle(a.store, tmp_path / "a.lhb", catalogue=None).files
    with zipfile.ZipFile(path) as zf:
        for table in TABLES:
            data = zf.read(records_name(table))
            fast, checked = both(table, data)
            assert fast is not None, table
            assert fast == checked, table


def test_a_good_line_is_read_fast() -> None:
    fast, checked = both("answers", answer_line())
    assert fast == checked
    assert fast[0]["value"] == ANSWER["value"]


@pytest.mark.parametrize(
    ("data", "fault"),
    [
        # what the standard parser reads but orjson refuses: the checked reader decides
        (answer_line(value='{"x": NaN}'), None),
        (answer_line(value="[1e400]"), None),
        (answer_line(value='"\\ud800"'), None),
        (answer_line(note="大民屯\ud800"), "answers 第 1 行，note"),
        (answer_line().replace(b'"x"', b'"\\udfff"', 1), "answers 第 1 行"),
        # integers beyond 64 bits: orjson gives a float, which no column holds
        (answer_line(revision=2**64), "answers 第 1 行，revision"),
        (answer_line(revision=2**63), "answers 第 1 行，revision"),
        (answer_line(revision=True), "answers 第 1 行，revision"),
        (answer_line(revision=None), "answers 第 1 行，revision"),
        (answer_line(value=None), "answers 第 1 行，value"),
        (answer_line(value="{not json"), "answers 第 1 行，value"),
        (answer_line() + b"[1, 2]\n", "answers 第 2 行"),
        (answer_line() + b"\n" + answer_line(), "answers 第 2 行"),
        (b"\xef\xbb\xbf" + answer_line(), "answers 第 1 行"),
        (answer_line().replace("℃".encode(), b"\xff\xfe"), "不是 UTF-8"),
        (answer_line().decode().encode("utf-16"), "不是 UTF-8"),
    ],
)
def test_the_fast_reader_leaves_every_doubtful_file_to_the_checked_one(
    data: bytes, fault: str | None
) -> None:
    fast, checked = both("answers", data)
    if fault is None:
        # orjson is stricter here than the standard parser, which has always accepted these
        # (SQLite's json_valid CHECK is the last word in the import's transaction)
        assert fast is None
        assert isinstance(checked, list)
    else:
        assert fast is None
        assert isinstance(checked, str)
        assert fault in checked


JSON_TEXT = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(
    value=JSON_TEXT,
    revision=st.integers() | st.booleans() | st.none() | st.floats() | st.text(max_size=3),
    note=st.none() | st.text(),
)
def test_any_answer_line_reads_the_same_or_is_left_to_the_checked_reader(
    value: Any, revision: Any, note: str | None
) -> None:
    text = json.dumps(value, ensure_ascii=False)  # NaN and Infinity included, as json writes
    agree("answers", answer_line(value=text, revision=revision, note=note))
    agree("answers", line("answers", **{**ANSWER, "value": text}).replace(b"\n", b"\r\n"))


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=40), at=st.integers(min_value=0, max_value=400))
def test_any_damaged_line_reads_the_same_or_is_left_to_the_checked_reader(
    data: bytes, at: int
) -> None:
    good = answer_line() + answer_line(id="0190a000-0000-7000-8000-000000000009")
    at = min(at, len(good))
    agree("answers", good[:at] + data + good[at:])
