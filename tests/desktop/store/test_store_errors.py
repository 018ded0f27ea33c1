"""A damaged, locked, missing or unreadable database gives a clear message, not a traceback."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from checklists.errors import UserError
from desktop.store import Reader, Store
from desktop.store.errors import (
    DatabaseBusyError,
    DatabaseDamagedError,
    DatabaseMissingError,
    DatabaseUnreadableError,
    DiskFullError,
    FolderMissingError,
    SchemaOutdatedError,
    WriteFailedError,
    translate,
)
from desktop.store.schema import migrate


def _store_with_answer(path: Path) -> str:
    with Store.open(path) as store:
        subject = store.create_subject("大民屯加油站", "fuel_station")
        inspection = store.create_inspection(subject.id, "fuel_station", "1")
        store.save_answer(inspection.id, "mgmt_system", "", "yes")
        return inspection.id


def test_a_garbage_file_is_damaged_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "garbage.sqlite3"
    path.write_bytes(b"this is a photo, not a database " * 200)
    with pytest.raises(DatabaseDamagedError, match="已损坏") as caught:
        Store.open(path)
    assert isinstance(caught.value, UserError)
    assert str(path) in str(caught.value)
    assert path.read_bytes().startswith(b"this is a photo")  # left as it was


def test_a_malformed_database_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite3"
    _store_with_answer(path)
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    data[100:page_size] = b"\xff" * (page_size - 100)  # the schema page's b-tree
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseDamagedError, match="已损坏"):
        Store.open(path)


def test_damage_found_later_is_reported_the_same_way(tmp_path: Path) -> None:
    path = tmp_path / "later.sqlite3"
    inspection_id = _store_with_answer(path)
    store = Store.open(path)
    store.db.conn.execute("PRAGMA writable_schema = ON")  # how a torn disk looks to SQLite
    root = store.db.conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'answers'"
    ).fetchone()[0]
    store.db.conn.close()
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    start = (root - 1) * page_size
    data[start : start + page_size] = b"\x0d" + b"\xff" * (page_size - 1)
    path.write_bytes(bytes(data))
    with Store.open(path) as store, pytest.raises(DatabaseDamagedError):
        store.answers_for(inspection_id)


def test_a_missing_file_is_not_created_when_only_reading(tmp_path: Path) -> None:
    path = tmp_path / "absent.sqlite3"
    with pytest.raises(DatabaseMissingError, match="找不到数据库文件"):
        Store.open(path, create=False)
    with pytest.raises(DatabaseMissingError):
        Reader.open(path)
    assert not path.exists()


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "folder" / "x.sqlite3"
    with pytest.raises(FolderMissingError, match="文件夹不存在") as caught:
        Store.open(path)
    assert str(path.parent) in str(caught.value)


def test_a_folder_in_place_of_the_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnreadableError, match="无法打开"):
        Store.open(tmp_path)


def test_a_reader_refuses_a_database_the_writer_has_not_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    from desktop.store.connection import connect

    db = connect(path, create=True)
    migrate(db, target=1)
    db.close()
    with pytest.raises(SchemaOutdatedError, match="请先用量衡打开一次"):
        Reader.open(path)


HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode = " + sys.argv[2])
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


@contextlib.contextmanager
def _lock_held_elsewhere(path: Path, journal_mode: str) -> Iterator[None]:
    """Another process holds ``BEGIN EXCLUSIVE`` on ``path`` until the block ends."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path), journal_mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdin is not None
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        try:
            yield
        finally:
            holder.stdin.write("\n")
            holder.stdin.flush()
            assert holder.wait(timeout=10) == 0


def test_a_write_lock_held_elsewhere_makes_saving_busy(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    inspection_id = _store_with_answer(path)
    store = Store.open(path, busy_timeout_ms=200)
    with _lock_held_elsewhere(path, "wal"):
        with pytest.raises(DatabaseBusyError, match="另一个程序占用"):
            store.save_answer(inspection_id, "mgmt_system", "", "no")
        assert store.answers_for(inspection_id)["mgmt_system", ""].value == "yes"  # reads go on
    assert store.save_answer(inspection_id, "mgmt_system", "", "no") == 2
    store.close()


def test_an_exclusively_locked_file_cannot_be_opened(tmp_path: Path) -> None:
    path = tmp_path / "exclusive.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with _lock_held_elsewhere(path, "delete"), pytest.raises(DatabaseBusyError):
        Store.open(path, busy_timeout_ms=200)


FILL_DISK = """
import resource, sys
from desktop.store import Store
from desktop.store.errors import DiskFullError
store = Store.open(sys.argv[1])
size = store.db.conn.execute("PRAGMA page_count").fetchone()[0]
store.db.conn.execute(f"PRAGMA max_page_count = {size + 2}")  # a disk that is full
subject = store.create_subject("大民屯加油站", "fuel_station")
inspection = store.create_inspection(subject.id, "fuel_station", "1")
try:
    for n in range(100000):
        store.save_answer(inspection.id, "item", str(n), "x" * 500)
except DiskFullError as exc:
    print(type(exc).__name__, exc)
print(len(store.answers_for(inspection.id)))
"""


def test_a_full_disk_is_reported_and_saved_answers_stay(tmp_path: Path) -> None:
    path = tmp_path / "full.sqlite3"
    done = subprocess.run(
        [sys.executable, "-c", FILL_DISK, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    first, count = done.stdout.strip().splitlines()
    assert first.startswith(DiskFullError.__name__)
    assert "磁盘已满" in first
    assert int(count) > 0


REFUSE_WRITES = """
import resource, signal, sys
from desktop.store import Store
from desktop.store.errors import WriteFailedError
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a refused write is EFBIG, not a signal
store = Store.open(sys.argv[1])
subject = store.create_subject("大民屯加油站", "fuel_station")
inspection = store.create_inspection(subject.id, "fuel_station", "1")
store.save_answer(inspection.id, "item", "first", "已保存")
hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, hard))  # the system refuses bigger files
try:
    for n in range(100000):
        store.save_answer(inspection.id, "item", str(n), "量" * 5000)
except WriteFailedError as exc:
    print(type(exc).__name__, exc)
resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
print(store.answers_for(inspection.id)["item", "first"].value)
print(store.integrity_problems(full=True))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_refused_write_is_a_write_failure_not_a_folder(tmp_path: Path) -> None:
    path = tmp_path / "limited.sqlite3"
    done = subprocess.run(
        [sys.executable, "-c", REFUSE_WRITES, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    first, kept, problems = done.stdout.strip().splitlines()
    assert first.startswith(WriteFailedError.__name__), first
    assert "写入失败" in first
    assert "SQLITE_IOERR_WRITE" in first
    assert "文件夹" not in first.split("（")[0]
    assert kept == "已保存"
    assert problems == "[]"


@pytest.mark.parametrize(
    ("code", "name"),
    [(778, "SQLITE_IOERR_WRITE"), (1034, "SQLITE_IOERR_FSYNC"), (1290, "SQLITE_IOERR_DIR_FSYNC")],
)
def test_refused_writes_and_fsyncs_translate_to_write_failures(code: int, name: str) -> None:
    exc = sqlite3.OperationalError("disk I/O error")
    exc.sqlite_errorcode = code
    exc.sqlite_errorname = name
    error = translate(exc, Path("work.sqlite3"))
    assert isinstance(error, WriteFailedError)
    assert name in str(error)
    assert "写入失败" in str(error)
    read = sqlite3.OperationalError("disk I/O error")
    read.sqlite_errorcode = 266  # SQLITE_IOERR_READ
    assert isinstance(translate(read, Path("work.sqlite3")), DatabaseUnreadableError)
