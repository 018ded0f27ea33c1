"""Start the Qt application: fonts and icon from resources, then the main window."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

import resources
from desktop import APP_DISPLAY_NAME, APP_NAME, __version__
from desktop.ui.errors import install_excepthook
from desktop.ui.main_window import MainWindow


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
    font = app.font()
    font.setFamily(load_fonts())
    app.setFont(font)
    app.setWindowIcon(QIcon(str(resources.path(*resources.ICON_PNG))))
    return app


def build_main_window(db: Path | None) -> MainWindow:
    from checklists.i18n import _
    from desktop.ui.calculator_page import CalculatorPage

    window = MainWindow(db)
    window.add_page(CalculatorPage(), _("计量计算器"))
    return window


def run_gui(db: Path | None, startup_check: bool = False) -> int:
    started = time.perf_counter()
    app = create_application()
    install_excepthook()
    window = build_main_window(db)
    window.show()
    if startup_check:

        def report() -> None:
            print(f"{(time.perf_counter() - started) * 1000:.0f}")  # noqa: T201
            app.quit()

        # A zero timer fires once the event loop has shown and painted the window.
        QTimer.singleShot(0, report)
    return app.exec()
