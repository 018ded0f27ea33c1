"""One instance of the app per database file (no Qt).

The lock is an OS-level exclusive lock on ``<db>.lock`` beside the database (``flock`` on
POSIX, ``msvcrt.locking`` on Windows). The OS drops it when the process ends, however it ends,
so a crash or a dead battery never leaves a stale lock behind; the file itself stays (deleting
it would race with the next instance) and only holds the owner's pid for support.

The GUI's second instance asks the first to come forward over a local socket named by
:func:`server_name` (desktop/ui/single_instance.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from pathlib import Path
from types import TracebackType
from typing import Self


def lock_path(db_path: Path) -> Path:
    return Path(db_path).with_name(Path(db_path).name + ".lock")


def _key(db_path: Path) -> str:
    resolved = str(Path(db_path).resolve())
    if sys.platform == "win32":
        resolved = resolved.lower()  # one file, however its path is spelled
    return hashlib.sha256(resolved.encode("utf-8")).hexdigest()[:16]


def server_name(db_path: Path) -> str:
    """The local-socket name the first instance listens on for this database."""
    return f"liangheng-{_key(db_path)}"


class InstanceGuard:
    """Holds the lock until :meth:`release` (or the process ends)."""

    def __init__(self, db_path: Path, fd: int) -> None:
        self.db_path = Path(db_path)
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            _unlock(fd)
        os.close(fd)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def acquire(db_path: Path) -> InstanceGuard | None:
    """The lock for ``db_path``, or None if another process (or another guard) holds it.

    OSError if the lock file cannot be created (a missing or read-only folder): the caller's
    start-up check reports those plainly."""
    path = lock_path(db_path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
    try:
        locked = _try_lock(fd)
    except BaseException:
        os.close(fd)
        raise
    if not locked:
        os.close(fd)
        return None
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"{os.getpid()}\n".encode())
    return InstanceGuard(db_path, fd)


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        # Lock one byte far past the pid, so writing the pid is not blocked by our own lock.
        os.lseek(fd, 1 << 20, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        finally:
            os.lseek(fd, 0, os.SEEK_SET)
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 1 << 20, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        # flock locks belong to the open file, not the process: a second guard in the same
        # process is refused too (tests rely on it).
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
