"""The one function that opens every connection the app uses.

The pragmas that keep answers safe are per connection, so they are set here and nowhere else:
``journal_mode=WAL`` (readers never block the writer), ``synchronous=FULL`` (a commit is on disk
when it returns, even if the battery dies next), ``foreign_keys=ON`` and a ``busy_timeout``.
A reader connection is also ``query_only``: it cannot write by mistake.

A connection belongs to the thread that opened it (``check_same_thread``). sqlite-utils plugins
are not run on our connections: nothing outside the app changes how they behave.

:class:`Database` is the connection with sqlite-utils on it. sqlite-utils (and what it imports:
dateutil, click, pluggy) takes about 70 ms to import, a fifth of the GUI's start-up, while the
first window only reads; so it is imported on first use (the first transaction, a migration),
and the GUI loads it once the window is shown (``warm_up``).
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.store.errors import (
    DatabaseDamagedError,
    DatabaseMissingError,
    DatabaseUnreadableError,
    FolderMissingError,
    StoreError,
    UnsupportedLocationError,
    translate,
)

if TYPE_CHECKING:
    import sqlite_utils

DEFAULT_BUSY_TIMEOUT_MS = 3000


class Database:
    """A connection opened by :func:`connect` and the sqlite-utils database on it."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._utils: sqlite_utils.Database | None = None

    @property
    def utils(self) -> sqlite_utils.Database:
        """The sqlite-utils database on this connection (imported on first use)."""
        if self._utils is None:
            from sqlite_utils import Database as Utils

            self._utils = Utils(self.conn, execute_plugins=False)
        return self._utils

    def warm_up(self) -> None:
        """Import sqlite-utils now (when the app is idle), not at the first save."""
        _ = self.utils

    def atomic(self) -> AbstractContextManager[Any]:
        """One transaction (sqlite-utils' ``atomic``: a savepoint when nested)."""
        return self.utils.atomic()

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        return self.utils.execute(sql, parameters)

    def executescript(self, sql: str) -> sqlite3.Cursor:
        """The statements of ``sql`` inside the caller's transaction: sqlite-utils runs them
        one by one when a transaction is open, where ``sqlite3``'s own executescript would
        commit it first (test_store_migrations checks that a migration failing after its
        script leaves nothing behind)."""
        return self.utils.executescript(sql)

    def table_names(self) -> list[str]:
        return self.utils.table_names()

    def close(self) -> None:
        self.conn.close()


class Role(StrEnum):
    WRITER = "writer"  # the one connection that writes (the GUI's, or a CLI command's)
    READER = "reader"  # lists, exports, statistics: query_only, its own thread


# What every connection must report after opening; tests assert it for each role.
REQUIRED_PRAGMAS: dict[str, Any] = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}


def connect(
    path: Path,
    *,
    role: Role = Role.WRITER,
    create: bool = False,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
) -> Database:
    """Open ``path`` with the app's pragmas; raise a :class:`StoreError` the user can act on.

    ``create`` allows a missing file to be created (its folder must exist); readers never
    create. The schema is not touched here: :func:`desktop.store.schema.migrate` does that.
    """
    path = Path(path)
    _check_location(path, create=create and role is Role.WRITER)
    try:
        # isolation_level=None: no transaction is opened behind our back; every write runs in
        # an explicit one (Database.atomic, BEGIN IMMEDIATE) and nothing else holds the lock.
        conn = sqlite3.connect(
            path, timeout=busy_timeout_ms / 1000, check_same_thread=True, isolation_level=None
        )
    except sqlite3.Error as exc:
        raise translate(exc, path) or DatabaseUnreadableError(path, str(exc)) from exc
    try:
        _apply_pragmas(conn, path, role, busy_timeout_ms)
    except BaseException:
        conn.close()
        raise
    return Database(conn)


def _check_location(path: Path, *, create: bool) -> None:
    if not path.parent.is_dir():
        raise FolderMissingError(path)
    if path.is_dir():
        raise DatabaseUnreadableError(path, "是文件夹")
    if not path.exists() and not create:
        raise DatabaseMissingError(path)


def _apply_pragmas(conn: sqlite3.Connection, path: Path, role: Role, timeout_ms: int) -> None:
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")
        # Reading the schema first makes "not a database" fail here, not in the middle of work.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        if role is Role.READER:
            conn.execute("PRAGMA query_only = ON")
    except sqlite3.Error as exc:
        raise translate(exc, path) or DatabaseDamagedError(path, str(exc)) from exc
    if str(mode).lower() != "wal":
        raise UnsupportedLocationError(path, str(mode))
    actual = pragmas(conn)
    if any(actual[name] != value for name, value in REQUIRED_PRAGMAS.items()):
        raise StoreError(f"connection pragmas not applied: {actual}", path)


def pragmas(conn: sqlite3.Connection) -> dict[str, Any]:
    """The settings of ``conn`` that the storage rules require (for tests and ``verify``)."""
    names = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout", "query_only")
    return {name: conn.execute(f"PRAGMA {name}").fetchone()[0] for name in names}
