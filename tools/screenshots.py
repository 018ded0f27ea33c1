"""Screenshots of every screen for the README, made from the real windows so they stay current.

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python tools/screenshots.py

Each screen is shot twice: at 1366x768 (the common inspector laptop) and at 150 % scaling
(a 1920x1080 panel, 1280x720 logical pixels). Every scale runs in its own process because Qt
reads the scale factor once at start-up. Output: docs/screenshots/<screen>-<scale>.png.
Under Xvfb the xcb platform draws real windows; without a display it falls back to offscreen.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SCALES = {"100": ("1", (1366, 768)), "150": ("1.5", (1280, 720))}


def _fill_calculator(window: object) -> None:
    from desktop.ui.calculator_page import CalculatorPage

    page = window.current_page()  # type: ignore[attr-defined]
    assert isinstance(page, CalculatorPage)
    form = page.forms["dispenser"]
    form.inputs["indicated"].setText("20.00, 20.01, 19.99")
    form.inputs["measure_volume"].setText("19.93, 19.96, 19.95")
    form.inputs["t_nozzle"].setText("24")
    form.inputs["t_measure"].setText("24")


SCREENS: dict[str, Callable[[object], None]] = {"calculator": _fill_calculator}


def shoot(scale: str) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.ui.app import build_main_window, create_application

    app = create_application()
    size = SCALES[scale][1]
    OUT.mkdir(parents=True, exist_ok=True)
    for name, prepare in SCREENS.items():
        window = build_main_window(None)
        window.resize(*size)
        window.show()
        prepare(window)
        QTimer.singleShot(300, app.quit)  # let layouts settle and the window paint
        app.exec()
        target = OUT / f"{name}-{scale}.png"
        window.grab().save(str(target))
        print(target)
        window.close()
    QApplication.processEvents()


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--scale":
        shoot(sys.argv[2])
        return 0
    for scale, (factor, _size) in SCALES.items():
        env = dict(os.environ, QT_SCALE_FACTOR=factor, LIANGHENG_HOME=str(OUT / ".home"))
        env.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")
        subprocess.run([sys.executable, __file__, "--scale", scale], env=env, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
