"""Application start-up: the bundled font is the UI font, the icon is set, the main window
opens and --startup-check reports and exits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QFontDatabase, QFontInfo
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.ui.app import build_main_window, create_application
from desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def test_bundled_cjk_font_becomes_the_application_font(qapp: QApplication) -> None:
    app = create_application()
    assert app is qapp
    assert "Noto Sans CJK SC" in QFontDatabase.applicationFontFamilies(0)
    assert QFontInfo(app.font()).family() == "Noto Sans CJK SC"
    assert not app.windowIcon().isNull()


def test_main_window_title_marks_a_demo_database(qtbot: QtBot) -> None:
    real = MainWindow(Path("work.sqlite3"))
    demo = MainWindow(Path("liangheng-demo.sqlite3"), is_demo=True)
    qtbot.addWidget(real)
    qtbot.addWidget(demo)
    assert "演示数据" not in real.windowTitle()
    assert "演示数据" in demo.windowTitle()
    assert "量衡" in real.windowTitle()


def test_main_window_opens_on_the_calculator(qtbot: QtBot) -> None:
    create_application()
    window = build_main_window(None)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    page = window.current_page()
    assert page is not None
    assert page.objectName() == "calculator_page"


def test_startup_check_prints_milliseconds_and_exits_zero(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LIANGHENG_HOME=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--startup-check"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().isdigit()


def test_language_menu_keeps_the_choice_for_the_next_start(qtbot: QtBot) -> None:
    from PySide6.QtCore import QSettings

    from desktop.ui.app import LANGUAGE_KEY, add_language_menu

    create_application()
    window = build_main_window(None)
    qtbot.addWidget(window)
    add_language_menu(window)
    menu = next(a.menu() for a in window.settings_menu.actions() if a.menu())
    english = next(a for a in menu.actions() if a.text() == "English")
    english.trigger()
    assert QSettings().value(LANGUAGE_KEY) == "en"
    QSettings().remove(LANGUAGE_KEY)
