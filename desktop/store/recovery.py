"""Start-up check and restore (no Qt): what the GUI asks before it opens the database, and how
a backup is put back without ever destroying the file it replaces.

:func:`startup_check` opens the file the way the app does (:func:`~desktop.store.connection.
connect`, read-only role), checks that it is ours and runs ``quick_check``; the full
``integrity_check`` takes seconds on a large file and runs in the background or in ``verify``.

:func:`restore` checks the backup in full first, copies it beside the database, moves the
current file (and its ``-wal``/``-shm``) aside as ``<name>.damaged-YYYYMMDD-HHMMSS`` (or
``.replaced-...`` when a sound file is replaced on request), and only then renames the copy
into place. At every moment either the old file or the restored one is under the database's
name, or (killed between the two renames) the old file is beside it and the copy is
``<name>.restoring``: nothing is ever deleted or overwritten.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from checklists.i18n import _
from desktop.store import audit
from desktop.store.backup import (
    BackupInfo,
    check_backup,
    copy_database,
    fsync_folder,
    open_read_only,
)
from desktop.store.connection import Role, connect
from desktop.store.errors import (
    DatabaseBusyError,
    DatabaseDamagedError,
    DatabaseMissingError,
    DatabaseReadOnlyError,
    DatabaseUnreadableError,
    DiskFullError,
    FolderMissingError,
    NotOurDatabaseError,
    SchemaTooNewError,
    StoreError,
    UnsupportedLocationError,
    translate,
)
from desktop.store.ids import CHINA, new_id
from desktop.store.schema import PREVIOUS_DEVICES_KEY, check_ours

RESTORING = ".restoring"


class Health(StrEnum):
    OK = "ok"
    NEW = "new"  # no file yet: it will be created (its folder exists)
    DAMAGED = "damaged"
    NOT_OURS = "not_ours"
    TOO_NEW = "too_new"
    LOCKED = "locked"
    READ_ONLY = "read_only"
    FOLDER_MISSING = "folder_missing"
    UNREADABLE = "unreadable"
    # no file, but files set aside by a restore are beside it: the restore did not finish
    INTERRUPTED = "interrupted"

    @property
    def usable(self) -> bool:
        return self in (Health.OK, Health.NEW)


@dataclass(frozen=True)
class HealthReport:
    health: Health
    path: Path
    message: str = ""  # for the user, empty when usable
    problems: list[str] = field(default_factory=list)  # quick_check's findings
    aside: Path | None = None  # INTERRUPTED: the newest file a restore set aside

    @property
    def usable(self) -> bool:
        return self.health.usable


_BY_ERROR: tuple[tuple[type[StoreError], Health], ...] = (
    (DatabaseDamagedError, Health.DAMAGED),
    (NotOurDatabaseError, Health.NOT_OURS),
    (SchemaTooNewError, Health.TOO_NEW),
    (DatabaseBusyError, Health.LOCKED),
    (DatabaseReadOnlyError, Health.READ_ONLY),
    (FolderMissingError, Health.FOLDER_MISSING),
    (UnsupportedLocationError, Health.UNREADABLE),
    (DatabaseUnreadableError, Health.UNREADABLE),
)


def startup_check(db_path: Path, *, busy_timeout_ms: int = 3000) -> HealthReport:
    """Whether the database at ``db_path`` can be opened for work, and if not, why."""
    path = Path(db_path)
    finish_leftover_restore(path)
    try:
        problems = _quick_check(path, busy_timeout_ms)
    except DatabaseMissingError:
        kept = set_aside_files(path)
        if not kept:
            return HealthReport(Health.NEW, path)
        message = _(
            "数据库文件 {path} 不在原处：上次从备份恢复没有完成。原来的文件没有丢失，"
            "保留为 {kept}。可以把它放回原处，或恢复最近的备份；不要新建空数据库。"
        ).format(path=path, kept=kept[0].name)
        return HealthReport(Health.INTERRUPTED, path, message, aside=kept[0])
    except StoreError as error:
        return HealthReport(_classify(error), path, str(error))
    if problems:
        damaged = DatabaseDamagedError(path, "; ".join(problems[:3]))
        return HealthReport(Health.DAMAGED, path, str(damaged), problems)
    if not _writable(path):
        return HealthReport(Health.READ_ONLY, path, str(DatabaseReadOnlyError(path)))
    return HealthReport(Health.OK, path)


def _quick_check(path: Path, busy_timeout_ms: int) -> list[str]:
    db = connect(path, role=Role.READER, busy_timeout_ms=busy_timeout_ms)
    try:
        check_ours(db, path)
        rows = [str(r[0]) for r in db.conn.execute("PRAGMA quick_check")]
    except sqlite3.Error as exc:
        raise translate(exc, path) or DatabaseDamagedError(path, str(exc)) from exc
    finally:
        db.close()
    return [] if rows == ["ok"] else rows


def _classify(error: StoreError) -> Health:
    for kind, health in _BY_ERROR:
        if isinstance(error, kind):
            return health
    return Health.UNREADABLE


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


# ---------------------------------------------------------------------- restore
@dataclass(frozen=True)
class RestoreResult:
    restored: Path  # the database, now a copy of the backup
    backup: BackupInfo
    kept: list[Path]  # the replaced file and its -wal/-shm under their new names


def restore(
    backup: Path,
    db_path: Path,
    *,
    reason: str = "damaged",
    now: datetime | None = None,
) -> RestoreResult:
    """Put ``backup`` in place of the database at ``db_path`` and return what was done.

    The backup is checked in full first (:class:`~desktop.store.backup.BackupInvalidError`);
    the current file is kept beside as ``<name>.<reason>-YYYYMMDD-HHMMSS`` with its
    ``-wal``/``-shm``. No connection to ``db_path`` may be open (close the Store first).
    """
    info = check_backup(backup, full=True)
    db_path = Path(db_path)
    if not db_path.parent.is_dir():
        raise FolderMissingError(db_path)
    staged = db_path.with_name(db_path.name + RESTORING)
    source = open_read_only(info.path)
    try:
        copy_database(source, staged, journal_mode="WAL")
        new_device(staged, _("从备份恢复：{name}").format(name=info.path.name))
    except (sqlite3.Error, OSError) as exc:
        for suffix in ("", "-wal", "-shm"):
            _remove(Path(f"{staged}{suffix}"))
        raise _write_error(exc, db_path) from exc
    finally:
        source.close()
    kept = _move_aside(db_path, reason, now or datetime.now(UTC))
    os.replace(staged, db_path)
    fsync_folder(db_path.parent)
    _verify_restored(db_path)
    return RestoreResult(db_path, info, kept)


def new_device(path: Path, why: str) -> str:
    """Give the database at ``path`` a new device id (one transaction, everything in the main
    file afterwards) and return it; the old one is kept in meta ``previous_device_ids``.

    A restored backup needs one: the laptop's seal chain and document numbers continue from the
    backup, and the records it sealed after the backup (already sent to the office, perhaps)
    hold the same sequence numbers and document numbers. With a new id the restored database
    starts a chain and a number series of its own, so nothing it seals clashes with them."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        old = conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (PREVIOUS_DEVICES_KEY,))
        found = row.fetchone()
        previous = json.loads(found[0]) if found else []
        if old is not None:
            previous.append(old[0])
        device = new_id()
        conn.execute("UPDATE meta SET value = ? WHERE key = 'device_id'", (device,))
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (PREVIOUS_DEVICES_KEY, json.dumps(previous)),
        )
        has_log = conn.execute(  # a backup from before schema 3 has no audit log yet
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'"
        ).fetchone()
        if has_log:
            audit.append(
                conn, device_id=device, table="meta", record_id="device_id",
                action="new_device", details={"previous": old[0] if old else None, "why": why},
            )  # fmt: skip
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return device


def _write_error(exc: BaseException, path: Path) -> StoreError:
    if isinstance(exc, sqlite3.Error):
        return translate(exc, path) or DatabaseUnreadableError(path, str(exc))
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG):
        return DiskFullError(path)
    return DatabaseUnreadableError(path, str(exc))


def aside_name(db_path: Path, reason: str, moment: datetime) -> Path:
    """``<name>.<reason>-YYYYMMDD-HHMMSS`` (China time), ``-2``... if taken."""
    stamp = moment.astimezone(CHINA).strftime("%Y%m%d-%H%M%S")
    base = f"{db_path.name}.{reason}-{stamp}"
    candidate, seq = db_path.with_name(base), 1
    while any(Path(f"{candidate}{s}").exists() for s in ("", "-wal", "-shm")):
        seq += 1
        candidate = db_path.with_name(f"{base}-{seq}")
    return candidate


def _move_aside(db_path: Path, reason: str, moment: datetime) -> list[Path]:
    """Rename the database and its -wal/-shm to the kept name; never overwrite anything."""
    target = aside_name(db_path, reason, moment)
    kept = []
    for suffix in ("", "-wal", "-shm"):
        current = Path(f"{db_path}{suffix}")
        if current.exists():
            moved = Path(f"{target}{suffix}")
            os.rename(current, moved)  # the target was checked to be free
            kept.append(moved)
    fsync_folder(db_path.parent)
    return kept


def _verify_restored(db_path: Path) -> None:
    db = connect(db_path, role=Role.READER)
    try:
        check_ours(db, db_path)
        rows = [str(r[0]) for r in db.conn.execute("PRAGMA quick_check")]
    finally:
        db.close()
    if rows != ["ok"]:
        raise DatabaseDamagedError(db_path, _("恢复后的检查未通过：") + "; ".join(rows[:3]))


def set_aside_files(db_path: Path) -> list[Path]:
    """Files a restore set aside for ``db_path``: the ``.replaced-…`` and ``.damaged-…`` files
    newest first, then copies that failed their check."""
    db_path = Path(db_path)
    found: list[tuple[bool, float, Path]] = []
    with contextlib.suppress(OSError):
        for candidate in db_path.parent.glob(db_path.name + ".*"):
            name = candidate.name.removeprefix(db_path.name + ".")
            if not name.startswith(("replaced-", "damaged-", "restore-failed")):
                continue
            if name.endswith(("-wal", "-shm", "-journal")) or not candidate.is_file():
                continue
            original = not name.startswith("restore-failed")  # the files that held work
            found.append((original, candidate.stat().st_mtime, candidate))
    return [path for _original, _mtime, path in sorted(found, reverse=True)]


def put_back(aside: Path, db_path: Path) -> None:
    """Move a file set aside (and its ``-wal``/``-shm``) back under the database's name, after
    checking it; only while no file has that name (nothing is overwritten)."""
    aside, db_path = Path(aside), Path(db_path)
    if db_path.exists():
        raise StoreError(_("{path} 已存在，没有放回任何文件。").format(path=db_path), db_path)
    check_backup(aside)  # BackupInvalidError says why it cannot be used
    try:
        for suffix in ("-wal", "-shm", ""):  # the database file last: it is what counts
            current = Path(f"{aside}{suffix}")
            if current.exists():
                os.rename(current, Path(f"{db_path}{suffix}"))
    except OSError as exc:
        raise _write_error(exc, db_path) from exc
    fsync_folder(db_path.parent)


def leftover_restore(db_path: Path) -> Path | None:
    """A restored copy that was never moved into place (the app died between the renames)."""
    staged = Path(db_path).with_name(Path(db_path).name + RESTORING)
    with contextlib.suppress(OSError):
        if staged.is_file():
            return staged
    return None


def finish_leftover_restore(db_path: Path) -> str:
    """Finish or clean up a restore the app died in (run before anything opens the database).

    ``"finished"``: the database had been moved aside but the restored copy not yet moved in;
    the copy, whole (it was complete before anything was moved), takes its place. ``"removed"``:
    the database is still there (the app died while copying); the copy is deleted, the
    database is never touched. ``"kept"``: the database is gone and the copy is not sound; it
    is renamed ``.restore-failed`` and nothing is deleted. ``""``: nothing left over."""
    db_path = Path(db_path)
    staged = leftover_restore(db_path)
    if staged is None:
        return ""
    if db_path.exists():
        for suffix in ("", "-wal", "-shm", "-journal"):
            _remove(Path(f"{staged}{suffix}"))
        return "removed"
    try:
        check_backup(staged, full=True)
    except (StoreError, sqlite3.Error, OSError):
        failed = db_path.with_name(db_path.name + ".restore-failed")
        os.replace(staged, aside_name(failed, "kept", datetime.now(UTC)))
        fsync_folder(db_path.parent)
        return "kept"
    os.replace(staged, db_path)
    fsync_folder(db_path.parent)
    return "finished"


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
