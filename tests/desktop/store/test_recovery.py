"""Start-up check and restore: a damaged file is recognised, the latest good backup is put in
its place, and the damaged file is kept beside under a new name, never overwritten."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from desktop.store import Store
from desktop.store.backup import BackupInvalidError, backup, latest_good_backup
from desktop.store.demo import DemoOptions, make_demo
from desktop.store.recovery import Health, aside_name, restore, startup_check
from desktop.store.schema import SCHEMA_VERSION

MOMENT = datetime(2026, 11, 3, 8, 15, 30, tzinfo=UTC)
PAGE = 4096


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "liangheng.sqlite3"
    make_demo(path, DemoOptions(inspections=60, seed=11, end_date=date(2026, 11, 27)))
    return path


def _copy(demo: Path, folder: Path) -> Path:
    db = folder / "liangheng.sqlite3"
    db.write_bytes(demo.read_bytes())
    return db


def _damage_middle(path: Path) -> None:
    """Overwrite the b-tree headers of four pages in the middle of the file."""
    middle = path.stat().st_size // PAGE // 2
    with path.open("r+b") as f:
        for page in range(middle - 2, middle + 2):
            f.seek(page * PAGE)
            f.write(b"\xde\xad\xbe\xef" * 64)


def test_a_damaged_file_leads_to_the_restore_and_is_kept_beside(demo: Path, tmp_path: Path) -> None:
    db = _copy(demo, tmp_path)
    with Store.open(db) as store:
        inspections = store.count_inspections()
        answers = store.db.conn.execute("SELECT count(*) FROM answers").fetchone()[0]
    backup(db, tmp_path / "backups", keep=3, now=MOMENT)
    assert startup_check(db).health is Health.OK
    _damage_middle(db)
    damaged_bytes = db.read_bytes()

    report = startup_check(db)
    assert report.health is Health.DAMAGED
    assert not report.usable
    assert "已损坏" in report.message
    latest = latest_good_backup(tmp_path / "backups", "liangheng")
    assert latest is not None

    result = restore(latest.path, db, now=MOMENT)
    kept = tmp_path / "liangheng.sqlite3.damaged-20261103-161530"
    assert result.kept == [kept]
    assert kept.read_bytes() == damaged_bytes  # kept as it was, byte for byte
    assert startup_check(db).health is Health.OK
    with Store.open(db, create=False) as store:
        assert store.integrity_problems(full=True) == []
        assert store.count_inspections() == inspections
        assert store.db.conn.execute("SELECT count(*) FROM answers").fetchone()[0] == answers
        assert store.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_wal_of_the_replaced_file_moves_with_it(tmp_path: Path) -> None:
    db = tmp_path / "liangheng.sqlite3"
    with Store.open(db) as store:
        subject = store.create_subject("大民屯加油站", "fuel_station")
        inspection = store.create_inspection(subject.id, "fuel_station", "1").id
        made = backup(store, tmp_path / "b", keep=2, now=MOMENT)
        store.save_answer(inspection, "late", "", "yes")  # only in the live file's WAL
        result = restore(made, db, reason="replaced", now=MOMENT)  # while the writer is open
        names = sorted(p.name for p in result.kept)
        assert names[0] == "liangheng.sqlite3.replaced-20261103-161530"
    with Store.open(tmp_path / names[0], create=False) as old:
        assert ("late", "") in old.answers_for(inspection)  # nothing in the kept file is lost
    with Store.open(db, create=False) as restored:
        assert ("late", "") not in restored.answers_for(inspection)


def test_a_second_restore_in_the_same_second_never_overwrites_the_first(tmp_path: Path) -> None:
    db = tmp_path / "liangheng.sqlite3"
    Store.open(db).close()
    made = backup(db, tmp_path / "b", keep=2, now=MOMENT)
    first = restore(made, db, now=MOMENT).kept[0]
    second = restore(made, db, now=MOMENT).kept[0]
    assert first != second
    assert second == aside_name(db, "damaged", MOMENT).with_name(first.name + "-2")
    assert first.exists()


def test_a_bad_backup_is_refused_and_the_database_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "liangheng.sqlite3"
    Store.open(db).close()
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"photo " * 1000)
    before = sorted(tmp_path.iterdir())
    with pytest.raises(BackupInvalidError):
        restore(bad, db)
    assert sorted(tmp_path.iterdir()) == before
    assert startup_check(db).health is Health.OK


def test_the_start_up_check_names_each_problem(tmp_path: Path) -> None:
    assert startup_check(tmp_path / "new.sqlite3").health is Health.NEW
    assert startup_check(tmp_path / "no" / "x.sqlite3").health is Health.FOLDER_MISSING
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    assert startup_check(foreign).health is Health.NOT_OURS
    newer = tmp_path / "newer.sqlite3"
    Store.open(newer).close()
    with sqlite3.connect(newer) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    report = startup_check(newer)
    assert report.health is Health.TOO_NEW
    assert "较新版本" in report.message
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"x" * 8192)
    assert startup_check(garbage).health is Health.DAMAGED
    assert startup_check(tmp_path).health is Health.UNREADABLE  # a folder


def test_a_database_locked_by_another_program_is_reported_as_locked(tmp_path: Path) -> None:
    db = tmp_path / "locked.sqlite3"
    Store.open(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        report = startup_check(db, busy_timeout_ms=100)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert report.health is Health.LOCKED
    assert "占用" in report.message
