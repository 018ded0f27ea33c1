"""The GUI side of issue 11: the start-up dialog that restores a damaged database (keeping it),
backups from the menu and on close, the background integrity check, restore from a file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.store import Store
from desktop.store.backup import BackupFolderMissingError, backup, list_backups
from desktop.store.recovery import Health
from desktop.ui.backup_actions import (
    backup_on_close,
    confirm_restore,
    make_backup,
    start_integrity_check,
)
from desktop.ui.context import AppContext
from desktop.ui.recovery_dialog import Choice, RecoveryDialog, prepare_database

pytestmark = pytest.mark.gui
PAGE = 4096


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LIANGHENG_HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    return tmp_path / "home"


def _damage(path: Path) -> None:
    with Store.open(path) as store:  # everything into the main file, then break it
        store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    middle = path.stat().st_size // PAGE // 2
    with path.open("r+b") as f:
        for page in range(middle - 2, middle + 2):
            f.seek(page * PAGE)
            f.write(b"\xde\xad\xbe\xef" * 64)


def _open_boxes() -> list[QMessageBox]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


def test_a_sound_database_opens_without_a_question(home: Path, demo_file: Path) -> None:
    db = home / "liangheng.sqlite3"
    db.write_bytes(demo_file.read_bytes())

    def ask(dialog: RecoveryDialog) -> Choice:
        raise AssertionError("no dialog for a sound file")

    assert prepare_database(db, ask=ask) == db


def test_a_damaged_database_is_restored_from_the_latest_backup_and_kept(
    qtbot: QtBot, home: Path, demo_file: Path
) -> None:
    db = home / "liangheng.sqlite3"
    db.write_bytes(demo_file.read_bytes())
    made = backup(db, home / "backups", keep=3, parents=True)
    _damage(db)
    told: list[str] = []
    seen: list[RecoveryDialog] = []

    def ask(dialog: RecoveryDialog) -> Choice:
        qtbot.addWidget(dialog)
        seen.append(dialog)
        dialog.open()
        assert dialog.report.health is Health.DAMAGED
        assert not dialog.restore_button.isHidden()
        assert dialog.restore_button.text().startswith("恢复最近的备份（")
        assert "不会被删除" in dialog.message.text()
        dialog.restore_button.click()
        return dialog.choice

    assert prepare_database(db, ask=ask, tell=lambda _t, text: told.append(text)) == db
    assert len(seen) == 1
    kept = [p for p in home.iterdir() if ".damaged-" in p.name]
    assert len(kept) == 1
    assert kept[0].name in told[0]
    with Store.open(db, create=False) as store:
        assert store.integrity_problems(full=True) == []
    assert made.exists()


def test_quitting_leaves_the_damaged_file_alone(qtbot: QtBot, home: Path, demo_file: Path) -> None:
    db = home / "liangheng.sqlite3"
    db.write_bytes(demo_file.read_bytes())
    _damage(db)
    before = db.read_bytes()

    def ask(dialog: RecoveryDialog) -> Choice:
        qtbot.addWidget(dialog)
        dialog.open()
        assert dialog.restore_button.isHidden()  # no backup to offer
        dialog.quit_button.click()
        return dialog.choice

    assert prepare_database(db, ask=ask) is None
    assert db.read_bytes() == before


@pytest.fixture
def context(home: Path, demo_file: Path, qapp: object) -> Iterator[AppContext]:
    db = home / "liangheng.sqlite3"
    db.write_bytes(demo_file.read_bytes())
    context = AppContext(Store.open(db))
    yield context
    context.close()


def test_the_closing_backup_returns_its_path_or_the_problem(context: AppContext) -> None:
    made = backup_on_close(context)
    assert isinstance(made, Path)
    assert list_backups(made.parent, "liangheng") == [made]
    settings = context.settings
    from dataclasses import replace

    context.save_settings(replace(settings, backup_dir=str(context.db_path.parent / "E" / "usb")))
    assert isinstance(backup_on_close(context), BackupFolderMissingError)


def test_the_full_check_in_the_background_warns_about_damage(
    qtbot: QtBot, home: Path, demo_file: Path
) -> None:
    db = home / "liangheng.sqlite3"
    db.write_bytes(demo_file.read_bytes())
    _damage(db)
    context = AppContext(Store.open(db))
    window = QMainWindow()
    qtbot.addWidget(window)
    try:
        worker = start_integrity_check(context, window)
        with qtbot.waitSignal(worker.finished, timeout=20000):
            pass
        qtbot.waitUntil(lambda: bool(_open_boxes()), timeout=5000)
        box = _open_boxes()[0]
        assert "完整性检查" in box.windowTitle()
        box.accept()
    finally:
        context.close()


def test_restore_from_a_file_checks_it_first_and_keeps_the_current_database(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    bad = tmp_path / "photo.sqlite3"
    bad.write_bytes(b"jpeg " * 1000)
    refused = confirm_restore(window, context, bad)
    assert "不是可用的量衡备份" in refused.text()
    refused.accept()

    made = make_backup(context)
    subject = context.store.create_subject("备份之后登记的单位", "market")
    with qtbot.waitSignal(context.inspections_changed, timeout=5000):
        box = confirm_restore(window, context, made)
        assert "replaced" in box.text()
        box.button(QMessageBox.StandardButton.Yes).click()
    kept = [p for p in context.db_path.parent.iterdir() if ".replaced-" in p.name]
    assert kept
    assert context.store.subject_by_credit_code("x") is None
    assert all(s.id != subject.id for s in context.store.search_subjects("备份之后"))
    for leftover in _open_boxes():
        leftover.accept()


def test_an_unfinished_restore_offers_the_file_it_set_aside(
    qtbot: QtBot, home: Path, demo_file: Path
) -> None:
    db = home / "liangheng.sqlite3"
    db.write_bytes(demo_file.read_bytes())
    aside = home / "liangheng.sqlite3.replaced-20261127-100000"
    db.rename(aside)  # the restore moved the database aside, and its copy was lost
    before = aside.read_bytes()
    seen: list[RecoveryDialog] = []

    def ask(dialog: RecoveryDialog) -> Choice:
        qtbot.addWidget(dialog)
        seen.append(dialog)
        dialog.open()
        assert dialog.report.health is Health.INTERRUPTED
        assert "上次从备份恢复没有完成" in dialog.message.text()
        assert dialog.put_back_button.text() == f"放回原来的文件（{aside.name}）"
        assert dialog.put_back_button.isDefault()
        dialog.put_back_button.click()
        return dialog.choice

    assert prepare_database(db, ask=ask) == db
    assert len(seen) == 1
    assert db.read_bytes() == before
    assert not aside.exists()
