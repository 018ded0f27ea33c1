"""Every connection the app opens has the pragmas that keep answers safe (they are per
connection): the writer, readers, the demo generator and the CLI commands. A recording
sqlite3.connect checks each connection when it is closed, and that every one is closed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop.cli import main
from desktop.store import Reader, Role, Store, connect, pragmas
from desktop.store.connection import REQUIRED_PRAGMAS
from desktop.store.demo import DemoOptions, make_demo

SEEN: list[dict[str, Any]] = []


class _Recorded(sqlite3.Connection):
    closed_cleanly = False

    def close(self) -> None:
        if not self.closed_cleanly:
            SEEN.append(pragmas(self))
            self.closed_cleanly = True
        super().close()


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    original = sqlite3.connect
    opened: list[_Recorded] = []

    def connect_recorded(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = original(*args, factory=_Recorded, **kwargs)
        opened.append(conn)
        return conn

    SEEN.clear()
    monkeypatch.setattr(sqlite3, "connect", connect_recorded)
    yield SEEN
    assert opened, "nothing was opened"
    assert all(c.closed_cleanly for c in opened), "a connection was left open"
    assert len(SEEN) == len(opened)
    for seen in SEEN:
        assert {k: seen[k] for k in REQUIRED_PRAGMAS} == REQUIRED_PRAGMAS
        assert seen["busy_timeout"] > 0


def test_writer_and_reader_connections(tmp_path: Path, recorded: list[dict[str, Any]]) -> None:
    path = tmp_path / "work.sqlite3"
    with Store.open(path) as store:
        subject = store.create_subject("大民屯加油站", "fuel_station")
        with store.reader() as reader:
            assert reader.get_subject(subject.id).name == "大民屯加油站"
    with Reader.open(path) as reader:
        assert reader.search_subjects() != []
    assert sorted(s["query_only"] for s in recorded) == [0, 1, 1]


def test_demo_generator_connections(tmp_path: Path, recorded: list[dict[str, Any]]) -> None:
    make_demo(tmp_path / "demo.sqlite3", DemoOptions(inspections=20, end_date=date(2026, 5, 1)))
    assert len(recorded) >= 2


def test_cli_connections(tmp_path: Path, recorded: list[dict[str, Any]]) -> None:
    path = tmp_path / "demo.sqlite3"
    assert main(["demo", "--db", str(path), "--inspections", "10"]) == 0
    assert main(["list", "inspections", "--db", str(path), "--json"]) == 0
    assert len(recorded) >= 4


@pytest.mark.parametrize("role", list(Role))
def test_the_factory_sets_and_checks_each_pragma(tmp_path: Path, role: Role) -> None:
    path = tmp_path / "x.sqlite3"
    Store.open(path).close()
    db = connect(path, role=role, busy_timeout_ms=1234)
    try:
        found = pragmas(db.conn)
        assert found == {
            **REQUIRED_PRAGMAS,
            "busy_timeout": 1234,
            "query_only": int(role is Role.READER),
        }
    finally:
        db.close()


def test_sqlite_utils_is_imported_at_the_first_write_not_to_read(tmp_path: Path) -> None:
    """Start-up only reads; sqlite-utils (~70 ms to import) comes with the first transaction."""
    import subprocess
    import sys

    with Store.open(tmp_path / "w.sqlite3") as store:
        store.create_subject("大民屯加油站", "fuel_station")
    script = (
        "import sys\n"
        "from desktop.store import Store\n"
        f"store = Store.open({str(tmp_path / 'w.sqlite3')!r})\n"
        "assert store.count_subjects() == 1\n"
        "print('sqlite_utils' in sys.modules)\n"
        "store.create_subject('沈阳某超市', 'producer')\n"
        "print('sqlite_utils' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == ["False", "True"]
