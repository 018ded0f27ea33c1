"""Record ids and timestamps (desktop/store/ids.py)."""

from __future__ import annotations

import os
import re
import threading
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.store import ids
from desktop.store.ids import (
    CHINA,
    china_date,
    china_midnight,
    china_time,
    format_unix_ms,
    format_utc,
    new_id,
    parse_utc,
    utc_now,
    uuid7,
)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
UUID7 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_a_new_id_is_a_version_7_uuid_and_ids_made_later_sort_later() -> None:
    ids = [new_id() for _ in range(200)]
    assert all(UUID7.match(i) for i in ids)
    assert len(set(ids)) == 200
    assert uuid7(1_000, 0) < uuid7(1_001, (1 << 74) - 1)


@given(st.integers(min_value=0, max_value=(1 << 48) - 1), st.integers(0, (1 << 74) - 1))
def test_uuid7_keeps_its_time_and_version_bits(unix_ms: int, random_bits: int) -> None:
    text = uuid7(unix_ms, random_bits)
    assert UUID7.match(text)
    assert int(text.replace("-", "")[:12], 16) == unix_ms


@given(st.integers(min_value=0, max_value=253_402_300_799_999))  # up to 9999-12-31
def test_unix_milliseconds_format_like_a_datetime(unix_ms: int) -> None:
    moment = EPOCH + timedelta(milliseconds=unix_ms)
    assert format_unix_ms(unix_ms) == format_utc(moment)
    assert parse_utc(format_unix_ms(unix_ms)) == moment


@given(
    st.datetimes(  # naive bounds: hypothesis wants them so; the zone is drawn below
        min_value=datetime(1970, 1, 2),  # noqa: DTZ001
        max_value=datetime(9999, 12, 30),  # noqa: DTZ001
    ),
    st.sampled_from([UTC, CHINA]),
)
def test_a_moment_is_formatted_in_utc_with_its_milliseconds_truncated(
    naive: datetime, zone: timezone
) -> None:
    moment = naive.replace(tzinfo=zone)
    unix_ms = (moment - EPOCH) // timedelta(milliseconds=1)
    assert format_utc(moment) == format_unix_ms(unix_ms)


def test_utc_now_is_now_to_the_millisecond() -> None:
    before = datetime.now(UTC) - timedelta(milliseconds=1)
    text = utc_now()
    after = datetime.now(UTC)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", text)
    assert before <= parse_utc(text) <= after


def test_china_dates_and_times_are_utc_plus_8() -> None:
    late = datetime(2026, 11, 3, 16, 30, tzinfo=UTC)  # 00:30 on the 4th in China
    assert china_date(late) == "2026-11-04"
    assert china_time("2026-11-03T08:15:30.123Z") == "2026-11-03 16:15"
    assert china_time("not a time") == "not a time"
    assert china_midnight("2026-11-04") == "2026-11-03T16:00:00.000Z"


def test_ids_made_one_after_another_are_strictly_increasing() -> None:
    ids = [new_id() for _ in range(20_000)]  # many share a millisecond
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_an_id_made_after_the_clock_stepped_back_still_sorts_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = new_id()
    monkeypatch.setattr(ids.time, "time_ns", lambda: 1_000_000_000_000_000)  # 2001
    second, third = new_id(), new_id()
    assert first < second < third
    assert second[:14] == first[:14]  # the later millisecond is kept, not the clock's


def test_the_random_part_running_out_in_a_millisecond_moves_to_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unix_ms = time.time_ns() // 1_000_000 + 10_000
    monkeypatch.setattr(ids, "_last", (unix_ms, (1 << 74) - 1))
    made = new_id()
    assert int(made.replace("-", "")[:12], 16) == unix_ms + 1
    assert made > uuid7(unix_ms, (1 << 74) - 1)


def test_ids_made_on_several_threads_are_unique_and_increase_on_each() -> None:
    made: dict[int, list[str]] = {}

    def make(n: int) -> None:
        made[n] = [new_id() for _ in range(5_000)]

    threads = [threading.Thread(target=make, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(ids == sorted(ids) for ids in made.values())
    assert len({i for ids in made.values() for i in ids}) == 20_000


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")
def test_a_forked_child_does_not_count_on_from_its_parents_ids(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ahead = time.time_ns() // 1_000_000 + 60_000  # the parent's last id is a minute ahead
    monkeypatch.setattr(ids, "_last", (ahead, 12345))
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.write(write, new_id().encode())
        os._exit(0)
    os.close(write)
    child = os.read(read, 100).decode()
    os.close(read)
    os.waitpid(pid, 0)
    parent = new_id()
    assert parent == uuid7(ahead, 12346)
    assert child != parent
    assert int(child.replace("-", "")[:12], 16) < ahead  # the child's own clock
