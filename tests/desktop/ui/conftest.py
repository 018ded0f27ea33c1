"""Fixtures for GUI tests: a demo database and an AppContext over it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QWidget

from desktop.store import Store
from desktop.store.demo import DemoOptions, make_demo
from desktop.ui.app import create_application
from desktop.ui.context import AppContext

DEMO_END = date(2026, 11, 27)


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database of 600 inspections, made once per test session (copy before writing)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    make_demo(path, DemoOptions(inspections=600, seed=7, end_date=DEMO_END))
    return path


@pytest.fixture
def demo_context(demo_file: Path, tmp_path: Path, qapp: object) -> Iterator[AppContext]:
    """An AppContext on a private copy of the demo database."""
    create_application()
    copy = tmp_path / "demo.sqlite3"
    copy.write_bytes(demo_file.read_bytes())
    context = AppContext(Store.open(copy))
    yield context
    context.close()


@pytest.fixture
def empty_context(tmp_path: Path, qapp: object) -> Iterator[AppContext]:
    create_application()
    context = AppContext.open(tmp_path / "work.sqlite3")
    yield context
    context.close()


TypeText = Callable[[QWidget, str], None]


@pytest.fixture
def ime_type() -> TypeText:
    """Type Chinese the way an input method delivers it: as committed text.

    ``qtbot.keyClicks`` only knows ASCII keys (Qt asserts on anything else), and a real
    inspector's Chinese arrives through the IME's commit string anyway.
    """

    def type_text(widget: QWidget, text: str) -> None:
        widget.setFocus()
        for char in text:
            event = QInputMethodEvent()
            event.setCommitString(char)
            QCoreApplication.sendEvent(widget, event)

    return type_text
