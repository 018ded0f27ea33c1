"""A restore the app died in (between copying the backup to ``<db>.restoring`` and the two
renames) is finished or cleaned up by the start-up check; the current file is never lost."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from desktop.store import Store, StoreError
from desktop.store.backup import backup
from desktop.store.recovery import (
    RESTORING,
    Health,
    finish_leftover_restore,
    put_back,
    startup_check,
)


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


def test_a_restore_that_could_not_finish_is_not_taken_for_a_new_database(tmp_path: Path) -> None:
    path, _made = _database_and_backup(tmp_path)
    staged = tmp_path / ("work.sqlite3" + RESTORING)
    staged.write_bytes(b"not a database")  # the copy went bad ...
    aside = tmp_path / "work.sqlite3.replaced-20261127-100000"
    os.rename(path, aside)  # ... after the database was moved aside
    for _start in range(2):  # the same on every start until something is done
        report = startup_check(path)
        assert report.health is Health.INTERRUPTED
        assert not report.usable
        assert report.aside == aside
        assert aside.name in report.message
        assert not path.exists()  # nothing created in its place
    put_back(aside, path)
    assert startup_check(path).health is Health.OK
    assert _names(path) == ["大民屯加油站", "沈阳某超市"]  # nothing lost
    assert not aside.exists()


def test_putting_back_never_overwrites_and_checks_the_file(tmp_path: Path) -> None:
    path, _made = _database_and_backup(tmp_path)
    aside = tmp_path / "work.sqlite3.replaced-20261127-100000"
    shutil.copyfile(path, aside)
    with pytest.raises(StoreError, match="已存在"):
        put_back(aside, path)
    bad = tmp_path / "work.sqlite3.damaged-20261127-100000"
    bad.write_bytes(b"not a database")
    os.rename(path, tmp_path / "elsewhere.sqlite3")
    with pytest.raises(StoreError):
        put_back(bad, path)
    assert not path.exists()
    assert bad.exists()
