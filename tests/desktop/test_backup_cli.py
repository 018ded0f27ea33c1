"""``liangheng backup``: prints the checked backup's path; plain errors and a non-zero exit."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.cli import main
from desktop.settings import OfficeSettings
from desktop.store import Store
from desktop.store.backup import check_backup, list_backups


def _db(path: Path, settings: OfficeSettings | None = None) -> Path:
    with Store.open(path) as store:
        store.create_subject("大民屯加油站", "fuel_station")
        if settings is not None:
            store.save_office_settings(settings)
    return path


def test_backup_prints_the_path_of_a_checked_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _db(tmp_path / "work.sqlite3")
    assert main(["backup", "--db", str(db), "--to", str(tmp_path / "b")]) == 0
    made = Path(capsys.readouterr().out.strip())
    assert made.parent == tmp_path / "b"
    assert made.name.startswith("work-")
    check_backup(made, full=True)


def test_backup_uses_the_folder_and_count_of_the_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "stick"
    db = _db(tmp_path / "work.sqlite3", OfficeSettings(backup_dir=str(folder), backups_kept=2))
    for _ in range(3):
        assert main(["--db", str(db), "backup"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    assert len(list_backups(folder, "work")) == 2


def test_backup_errors_are_plain_and_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _db(tmp_path / "work.sqlite3")
    assert main(["backup", "--db", str(db), "--to", str(tmp_path / "no" / "usb")]) == 1
    assert "备份文件夹不存在" in capsys.readouterr().err
    assert main(["backup", "--db", str(tmp_path / "missing.sqlite3")]) == 1
    assert "找不到数据库文件" in capsys.readouterr().err
    assert main(["backup", "--db", str(db), "--keep", "0"]) == 2
    err = capsys.readouterr().err
    assert "至少为 1" in err
    assert "Traceback" not in err
