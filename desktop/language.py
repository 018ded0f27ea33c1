"""Which language the user-facing text is in: Chinese by default, English from the catalogue.

The command line reads ``LIANGHENG_LANG`` (``en`` or ``zh_CN``); the GUI keeps the choice in its
settings and applies it at start-up, before any widget is built.
"""

from __future__ import annotations

import os

import resources
from checklists import i18n

ENV = "LIANGHENG_LANG"


def apply(language: str | None = None) -> str:
    """Switch to ``language`` (or the one the environment names); returns the language now
    in force (Chinese when the requested one has no catalogue)."""
    wanted = language or os.environ.get(ENV) or i18n.DEFAULT_LANGUAGE
    i18n.set_language(wanted, resources.root() / "locale")
    return i18n.language()
