"""Where 量衡 keeps its data, backups and logs on each platform (no Qt: the CLI needs it too).

Windows: ``%LOCALAPPDATA%\\Liangheng`` (local, not roaming: a database must not travel with a
domain profile). Linux: ``$XDG_DATA_HOME/liangheng`` (``~/.local/share/liangheng``). macOS:
``~/Library/Application Support/Liangheng``. ``LIANGHENG_HOME`` overrides all of them (tests,
portable use from a USB stick).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DB_FILENAME = "liangheng.sqlite3"
DEMO_DB_FILENAME = "liangheng-demo.sqlite3"


def data_dir() -> Path:
    override = os.environ.get("LIANGHENG_HOME")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "Liangheng"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Liangheng"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "liangheng"


def default_db() -> Path:
    return data_dir() / DB_FILENAME


def demo_db() -> Path:
    return data_dir() / DEMO_DB_FILENAME


def backup_dir() -> Path:
    return data_dir() / "backups"


def log_dir() -> Path:
    return data_dir() / "logs"


def overrides_dir() -> Path:
    """Newer validated checklists and rule tables an office places here take precedence."""
    return data_dir() / "overrides"
