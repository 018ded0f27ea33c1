"""AppContext.replace_store / reopen: the pages are told that everything changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.settings import OfficeSettings
from desktop.store import Store
from desktop.ui.context import AppContext

pytestmark = pytest.mark.gui


def test_replace_store_closes_the_old_one_rereads_settings_and_signals(
    empty_context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    old = empty_context.store
    other_path = tmp_path / "other.sqlite3"
    with Store.open(other_path) as other:
        other.save_office_settings(OfficeSettings(agency="另一个局"))
        other.create_subject("大民屯加油站", "fuel_station")
    new = Store.open(other_path, create=False)
    signals = [
        empty_context.settings_changed,
        empty_context.subjects_changed,
        empty_context.inspections_changed,
    ]
    with qtbot.waitSignals(signals, timeout=1000):
        empty_context.replace_store(new)
    assert empty_context.store is new
    assert empty_context.db_path == other_path
    assert empty_context.settings.agency == "另一个局"
    assert [s.name for s in empty_context.store.search_subjects()] == ["大民屯加油站"]
    with pytest.raises(Exception):  # noqa: B017, PT011 - the old connection is closed
        old.create_subject("x", "fuel_station")


def test_reopen_reads_the_file_as_it_now_is(
    empty_context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    path = empty_context.db_path
    copy = tmp_path / "copy.sqlite3"
    with Store.open(copy) as other:
        other.create_subject("沈阳某超市", "producer")
    empty_context.store.close()
    shutil.copyfile(copy, path)  # what a restore does to the file
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with qtbot.waitSignal(empty_context.inspections_changed, timeout=1000):
        empty_context.reopen()
    assert [s.name for s in empty_context.store.search_subjects()] == ["沈阳某超市"]
