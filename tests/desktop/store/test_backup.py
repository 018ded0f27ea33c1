"""Backups: made with the backup API through the app's own read connection, checked before they
get their name, rotated per database, refused when they are not sound."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop import paths
from desktop.settings import OfficeSettings
from desktop.store import Store
from desktop.store.backup import (
    BackupFolderMissingError,
    BackupInvalidError,
    backup,
    backup_due,
    backup_name,
    check_backup,
    folder_for,
    kept_for,
    latest_good_backup,
    list_backups,
)
from desktop.store.errors import DatabaseDamagedError
from desktop.store.schema import APPLICATION_ID, SCHEMA_VERSION

REPO = Path(__file__).resolve().parents[3]
MOMENT = datetime(2026, 11, 3, 8, 15, 30, tzinfo=UTC)  # 16:15:30 in China


def _work(path: Path, answers: int = 3) -> str:
    with Store.open(path) as store:
        subject = store.create_subject("大民屯加油站", "fuel_station")
        inspection = store.create_inspection(subject.id, "fuel_station", "1").id
        for n in range(answers):
            store.save_answer(inspection, "n", str(n), {"n": n})
    return inspection


def test_a_backup_is_a_checked_single_file_named_after_the_database(tmp_path: Path) -> None:
    db = tmp_path / "liangheng.sqlite3"
    inspection = _work(db)
    made = backup(db, tmp_path / "backups", keep=5, now=MOMENT)
    assert made.name == "liangheng-20261103-161530.sqlite3"  # China time
    assert sorted(p.name for p in made.parent.iterdir()) == [made.name]  # no -wal, no partial
    info = check_backup(made, full=True)
    assert (info.schema_version, info.label) == (SCHEMA_VERSION, "2026-11-03 16:15")
    conn = sqlite3.connect(f"file:{made}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        rows = conn.execute("SELECT count(*) FROM answers WHERE inspection_id = ?", (inspection,))
        assert rows.fetchone()[0] == 3
    finally:
        conn.close()


def test_a_backup_while_the_writer_is_open_sees_every_committed_answer(tmp_path: Path) -> None:
    db = tmp_path / "work.sqlite3"
    inspection = _work(db, answers=0)
    with Store.open(db) as store:
        store.save_answer(inspection, "n", "late", {"n": 99})
        made = backup(store, tmp_path / "b", keep=2, now=MOMENT)
        store.save_answer(inspection, "n", "after", {"n": 100})
        assert store.integrity_problems() == []
    with Store.open(tmp_path / "b" / made.name, create=False) as copy:
        assert set(copy.answers_for(inspection)) == {("n", "late")}


def test_rotation_keeps_the_newest_of_the_same_database_only(tmp_path: Path) -> None:
    db, demo = tmp_path / "liangheng.sqlite3", tmp_path / "liangheng-demo.sqlite3"
    _work(db)
    _work(demo)
    folder = tmp_path / "backups"
    other = backup(demo, folder, keep=1, now=MOMENT)
    made = [backup(db, folder, keep=3, now=MOMENT + timedelta(hours=h)) for h in range(5)]
    assert list_backups(folder, "liangheng") == made[:1:-1]  # the three newest, newest first
    assert list_backups(folder, "liangheng-demo") == [other]
    assert latest_good_backup(folder, "liangheng") == check_backup(made[-1])


def test_two_backups_in_one_second_get_distinct_names_in_order(tmp_path: Path) -> None:
    db = tmp_path / "liangheng.sqlite3"
    _work(db)
    first = backup(db, tmp_path / "b", keep=5, now=MOMENT)
    second = backup(db, tmp_path / "b", keep=5, now=MOMENT)
    assert (
        second.name == backup_name("liangheng", MOMENT, 2) == "liangheng-20261103-161530-2.sqlite3"
    )
    assert list_backups(tmp_path / "b") == [second, first]


def test_a_missing_usb_folder_is_a_clear_error_and_a_new_subfolder_is_made(
    tmp_path: Path,
) -> None:
    db = tmp_path / "liangheng.sqlite3"
    _work(db)
    stick = tmp_path / "E盘" / "量衡备份"
    with pytest.raises(BackupFolderMissingError, match="U 盘"):
        backup(db, stick, keep=3)
    (tmp_path / "E盘").mkdir()
    assert backup(db, stick, keep=3).parent == stick


def test_check_backup_refuses_what_cannot_be_restored(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database " * 500)
    foreign = tmp_path / "foreign.sqlite3"
    newer = tmp_path / "newer.sqlite3"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    _work(newer)
    with sqlite3.connect(newer) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    for path, reason in (
        (garbage, "not a database"),
        (foreign, "不是量衡"),
        (newer, "较新版本"),
        (tmp_path / "missing.sqlite3", "不存在"),
    ):
        with pytest.raises(BackupInvalidError, match=reason):
            check_backup(path)


def _damage(path: Path, page_size: int = 4096) -> None:
    """Overwrite the start of a few pages in the middle of the file (b-tree headers)."""
    middle = path.stat().st_size // page_size // 2
    with path.open("r+b") as f:
        for page in range(middle - 2, middle + 2):
            f.seek(page * page_size)
            f.write(b"\xde\xad\xbe\xef" * 64)


def test_the_newest_good_backup_is_found_past_a_damaged_one(tmp_path: Path) -> None:
    db = tmp_path / "liangheng.sqlite3"
    _work(db, answers=400)
    good = backup(db, tmp_path / "b", keep=5, now=MOMENT)
    bad = backup(db, tmp_path / "b", keep=5, now=MOMENT + timedelta(days=1))
    _damage(bad)
    with pytest.raises(BackupInvalidError):
        check_backup(bad)
    found = latest_good_backup(tmp_path / "b", "liangheng")
    assert found is not None
    assert found.path == good


def test_a_damaged_database_never_gets_a_backup_under_a_final_name(tmp_path: Path) -> None:
    db = tmp_path / "liangheng.sqlite3"
    _work(db, answers=400)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _damage(db)
    folder = tmp_path / "b"
    with pytest.raises(DatabaseDamagedError, match="已损坏"):
        backup(db, folder, keep=5)
    assert list(folder.iterdir()) == []


def test_backup_due_after_a_day(tmp_path: Path) -> None:
    db = tmp_path / "liangheng.sqlite3"
    _work(db)
    folder = tmp_path / "b"
    assert backup_due(folder, "liangheng", now=MOMENT)
    backup(db, folder, keep=3, now=MOMENT)
    assert not backup_due(folder, "liangheng", now=MOMENT + timedelta(hours=23))
    assert backup_due(folder, "liangheng", now=MOMENT + timedelta(hours=24))


def test_the_folder_and_count_come_from_the_settings(tmp_path: Path) -> None:
    assert folder_for(OfficeSettings()) == paths.backup_dir()
    assert folder_for(OfficeSettings(backup_dir=str(tmp_path))) == tmp_path
    assert kept_for(OfficeSettings(backups_kept=0)) == 1
    restored = OfficeSettings.from_json(OfficeSettings(backup_dir="E:/备份").to_json())
    assert restored.backup_dir == "E:/备份"


FILL_TARGET = """
import resource, signal, sys
from pathlib import Path
from desktop.store.backup import BackupFailedError, backup
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[3]), resource.RLIM_INFINITY))
try:
    backup(Path(sys.argv[1]), Path(sys.argv[2]), keep=1)
except BackupFailedError as exc:
    print("failed", exc)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_full_backup_target_fails_cleanly_and_keeps_the_older_backups(tmp_path: Path) -> None:
    db = tmp_path / "liangheng.sqlite3"
    _work(db, answers=300)
    folder = tmp_path / "stick"
    earlier = backup(db, folder, keep=1, now=MOMENT)
    limit = os.path.getsize(earlier) // 2  # the "stick" holds half a backup more
    done = subprocess.run(
        [sys.executable, "-c", FILL_TARGET, str(db), str(folder), str(limit)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("failed"), done.stdout
    assert "未能" in done.stdout
    assert list(folder.iterdir()) == [earlier]  # no partial file, the older backup kept
    check_backup(earlier, full=True)
