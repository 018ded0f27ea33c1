"""A restore the app died in (between copying the backup to ``<db>.restoring`` and the two
renames) is finished or cleaned up by the start-up check; the current file is never lost."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from desktop.store import Store
from desktop.store.backup import backup
from desktop.store.recovery import RESTORING, Health, finish_leftover_restore, startup_check


def _names(path: Path) -> list[str]:
    with Store.open(path, create=False) as store:
        return sorted(s.name for s in store.search_subjects())


def _database_and_backup(tmp_path: Path) -> tuple[Path, Path]:
    path = tmp_path / "work.sqlite3"
    with Store.open(path) as store:
        store.create_subject("大民屯加油站", "fuel_station")
    made = backup(path, tmp_path / "backups", keep=3)
    with Store.open(path, create=False) as store:
        store.create_subject("沈阳某超市", "producer")  # after the backup
    return path, made


def test_a_copy_left_while_the_database_is_still_there_is_removed(tmp_path: Path) -> None:
    path, _made = _database_and_backup(tmp_path)
    staged = tmp_path / ("work.sqlite3" + RESTORING)
    staged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)  # died while copying
    report = startup_check(path)
    assert report.health is Health.OK
    assert not staged.exists()
    assert _names(path) == ["大民屯加油站", "沈阳某超市"]  # the current file, untouched


def test_a_copy_left_after_the_database_moved_aside_is_put_in_place(tmp_path: Path) -> None:
    path, made = _database_and_backup(tmp_path)
    staged = tmp_path / ("work.sqlite3" + RESTORING)
    shutil.copyfile(made, staged)  # the copy was complete ...
    aside = tmp_path / "work.sqlite3.replaced-20261127-100000"
    os.rename(path, aside)  # ... the database moved aside, and then the app died
    report = startup_check(path)
    assert report.health is Health.OK
    assert not staged.exists()
    assert _names(path) == ["大民屯加油站"]  # the restore is finished
    assert _names(aside) == ["大民屯加油站", "沈阳某超市"]  # and the replaced file kept


def test_an_unsound_copy_without_a_database_is_kept_not_deleted(tmp_path: Path) -> None:
    path = tmp_path / "work.sqlite3"
    staged = tmp_path / ("work.sqlite3" + RESTORING)
    staged.write_bytes(b"not a database")
    assert finish_leftover_restore(path) == "kept"
    assert not staged.exists()
    assert not path.exists()
    kept = list(tmp_path.glob("work.sqlite3.restore-failed*"))
    assert len(kept) == 1
    assert kept[0].read_bytes() == b"not a database"
    assert finish_leftover_restore(path) == ""
