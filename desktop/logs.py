"""The log file: one per machine user, rotated, under the data folder's ``logs``."""

from __future__ import annotations

import logging
import logging.handlers
import traceback
from pathlib import Path

from desktop import paths

LOG_FILENAME = "liangheng.log"
_MAX_BYTES = 2_000_000
_KEEP = 5


def log_file() -> Path:
    return paths.log_dir() / LOG_FILENAME


def setup_logging(level: int = logging.INFO) -> Path:
    """Send the app's log records to the rotating log file; returns its path."""
    target = log_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    if not any(getattr(h, "baseFilename", None) == str(target) for h in root.handlers):
        handler = logging.handlers.RotatingFileHandler(
            target, maxBytes=_MAX_BYTES, backupCount=_KEEP, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)
    return target


def log_exception(exc: BaseException) -> Path | str:
    """Write an unexpected exception with its traceback to the log; return where it went."""
    details = "".join(traceback.format_exception(exc))
    try:
        target = setup_logging()
    except OSError:
        return "stderr"  # no writable data folder: nothing better to do than keep going
    logging.getLogger("liangheng").error("unexpected error\n%s", details)
    return target
