"""A second instance on the same database is refused and the first window comes forward."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from desktop.ui.single_instance import acquire_or_signal, already_running_box

pytestmark = pytest.mark.gui


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen has no stacking
def test_the_second_instance_is_refused_and_raises_the_first(qtbot: QtBot, tmp_path: Path) -> None:
    db = tmp_path / "liangheng.sqlite3"
    first = acquire_or_signal(db)
    assert first is not None
    window = QMainWindow()
    qtbot.addWidget(window)
    window.showMinimized()
    first.attach(window)
    try:
        with qtbot.waitSignal(first.raise_requested, timeout=3000):
            assert acquire_or_signal(db) is None  # refused; it asked the first to come forward
        assert window.isVisible()
        assert not window.isMinimized()
        other = acquire_or_signal(tmp_path / "other.sqlite3")  # another database: allowed
        assert other is not None
        other.release()
    finally:
        first.release()
    again = acquire_or_signal(db)  # free once the first has gone
    assert again is not None
    again.release()


def test_the_refusal_is_polite(qtbot: QtBot) -> None:
    box = already_running_box()
    qtbot.addWidget(box)
    box.open()
    assert "量衡已在运行（同一数据库）" in box.text()
    box.accept()
