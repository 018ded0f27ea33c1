"""Bundled files (fonts, icons, translations) and the one helper that finds them.

``path("fonts", "NotoSansCJKsc-Regular.ttf")`` returns a real file path, whether the app runs
from a source checkout, from an installed wheel, or from a PyInstaller bundle (where the files
sit under ``sys._MEIPASS``). Fonts need real paths: ReportLab and Qt both open them by name.
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = [
    "FONT_BOLD",
    "FONT_REGULAR",
    "ICON_PNG",
    "ICON_SVG",
    "MissingResourceError",
    "path",
    "root",
]

FONT_REGULAR = ("fonts", "NotoSansCJKsc-Regular.ttf")
FONT_BOLD = ("fonts", "NotoSansCJKsc-Bold.ttf")
ICON_SVG = ("icons", "liangheng.svg")
ICON_PNG = ("icons", "liangheng-256.png")


class MissingResourceError(FileNotFoundError):
    """A file the app ships with is not where it should be: the installation is incomplete."""


def root() -> Path:
    """The folder that holds the bundled files."""
    bundle_dir = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle_dir:
        # build.spec copies this package's data to <bundle>/resources.
        return Path(bundle_dir) / "resources"
    return Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    """The path of a bundled file; raises MissingResourceError if it is not there."""
    if not parts or any(p in ("", ".", "..") or "/" in p or "\\" in p for p in parts):
        raise ValueError(f"resource path parts must be plain names: {parts!r}")
    found = root().joinpath(*parts)
    if not found.is_file():
        raise MissingResourceError(f"bundled file missing: {found}")
    return found
