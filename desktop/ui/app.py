"""Start the Qt application: fonts and icon from resources, then the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

import resources
from desktop import APP_DISPLAY_NAME, APP_NAME, __version__


def load_fonts() -> str:
    """Register the bundled CJK font and return its family name (Chinese renders as boxes
    without it on machines that have no CJK font installed)."""
    family = ""
    for parts in (resources.FONT_REGULAR, resources.FONT_BOLD):
        font_id = QFontDatabase.addApplicationFont(str(resources.path(*parts)))
        if font_id < 0:
            raise resources.MissingResourceError(f"font could not be loaded: {parts[-1]}")
        family = family or QFontDatabase.applicationFontFamilies(font_id)[0]
    return family


def create_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Liangheng")
    family = load_fonts()
    font = app.font()
    font.setFamily(family)
    app.setFont(font)
    app.setWindowIcon(QIcon(str(resources.path(*resources.ICON_PNG))))
    return app


def run_gui(db: Path | None, startup_check: bool = False) -> int:
    raise NotImplementedError
