"""Backups of the database file with SQLite's backup API (no Qt): made on close, daily and on
request (``liangheng backup``), checked before they count, rotated, and checked again before a
restore (:mod:`desktop.store.recovery`).

A backup is one self-contained file ``<stem>-YYYYMMDD-HHMMSS.sqlite3`` (``-2``, ``-3`` ... if
two are made in the same second) in the backup folder, named after the database it copies
(``liangheng.sqlite3`` -> ``liangheng-20261103-161530.sqlite3``) so that backups of the demo and
of real work can share a folder without being mistaken for each other. The time in the name is
China time (UTC+08:00, as on the inspectors' clocks and in the folder they look at).

How a backup is made, so that a dying battery or a pulled USB stick never leaves a bad file
under a backup's name:

1. a read connection opened by :func:`desktop.store.connection.connect` (the app's pragmas)
   copies the whole file in one backup step: one read transaction, a consistent snapshot even
   while the writer saves answers;
2. the copy goes to ``.<final name>.partial`` in the backup folder, is switched to a rollback
   journal (``journal_mode=DELETE``: the backup is one file, nothing beside it) and fsynced;
3. it is checked (``quick_check``, our ``application_id``, a schema version this program knows);
4. only then is it renamed to its final name (atomic in one folder) and the folder fsynced;
5. older backups of the same database beyond ``keep`` are deleted, newest kept.

A backup file is never written after step 4; checks open it read-only.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from checklists.i18n import _
from desktop import paths
from desktop.settings import OfficeSettings
from desktop.store.connection import Role, connect
from desktop.store.errors import DatabaseBusyError, DatabaseDamagedError, StoreError, translate
from desktop.store.ids import CHINA
from desktop.store.schema import APPLICATION_ID, SCHEMA_VERSION

if TYPE_CHECKING:
    from desktop.store.reads import Reads

SUFFIX = ".sqlite3"
PARTIAL = ".partial"
DAY = timedelta(days=1)
# A .partial file this old belongs to no backup still running (a killed one): removed.
STALE_PARTIAL = DAY
_NAME = re.compile(r"^(?P<stem>.+)-(?P<date>\d{8})-(?P<time>\d{6})(?:-(?P<seq>\d+))?\.sqlite3$")


class BackupFolderMissingError(StoreError):
    def __init__(self, folder: Path) -> None:
        msg = _(
            "备份文件夹不存在或无法访问：{folder}。如果它在 U 盘上，请插入 U 盘后重试，"
            "或在设置中选择其他备份文件夹。数据库本身不受影响。"
        )
        super().__init__(msg.format(folder=folder), folder)
        self.folder = folder


class BackupFailedError(StoreError):
    def __init__(self, folder: Path, reason: str) -> None:
        msg = _(
            "未能在 {folder} 中完成备份（{reason}）。请检查该位置是否已满或只读；"
            "数据库本身不受影响，之前的备份仍然保留。"
        )
        super().__init__(msg.format(folder=folder, reason=reason), folder)
        self.folder = folder


class BackupInvalidError(StoreError):
    def __init__(self, path: Path, reason: str) -> None:
        msg = _("{path} 不是可用的量衡备份（{reason}）。请选择另一个备份文件。")
        super().__init__(msg.format(path=path, reason=reason), path)
        self.reason = reason


@dataclass(frozen=True)
class BackupInfo:
    """A backup file that passed :func:`check_backup`."""

    path: Path
    created: datetime  # aware; from the name, else the file's modification time
    schema_version: int
    size: int

    @property
    def label(self) -> str:
        """``2026-11-03 16:15`` in China time, for buttons and messages."""
        return self.created.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


# ---------------------------------------------------------------------- names
def backup_name(stem: str, moment: datetime, seq: int = 1) -> str:
    local = moment.astimezone(CHINA).strftime("%Y%m%d-%H%M%S")
    return f"{stem}-{local}{'' if seq <= 1 else f'-{seq}'}{SUFFIX}"


def _parse(name: str) -> tuple[str, datetime, int] | None:
    match = _NAME.match(name)
    if match is None:
        return None
    try:
        moment = datetime.strptime(match["date"] + match["time"] + "+0800", "%Y%m%d%H%M%S%z")
    except ValueError:
        return None
    return match["stem"], moment, int(match["seq"] or 1)


def list_backups(folder: Path, stem: str | None = None) -> list[Path]:
    """Backup files in ``folder`` (of the database named ``stem``, or of any), newest first.
    Unchecked: :func:`latest_good_backup` checks them."""
    found: list[tuple[datetime, int, Path]] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return []
    for entry in entries:
        parsed = _parse(entry.name)
        if parsed is None or (stem is not None and parsed[0] != stem) or not entry.is_file():
            continue
        found.append((parsed[1], parsed[2], entry))
    found.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [path for _, _, path in found]


def backup_time(path: Path) -> datetime:
    parsed = _parse(path.name)
    if parsed is not None:
        return parsed[1]
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


# ---------------------------------------------------------------------- checking
def open_read_only(path: Path) -> sqlite3.Connection:
    # A backup is a rollback-journal file (nothing beside it) that must not change when
    # checked: mode=ro. Not connect(): its WAL pragma would rewrite the file's header.
    uri = "file:" + quote(str(Path(path).resolve()).replace("\\", "/"), safe="/:") + "?mode=ro"
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


def check_backup(path: Path, *, full: bool = False) -> BackupInfo:
    """``path`` as a :class:`BackupInfo` if it is a sound backup of a 量衡 database this
    program can open; :class:`BackupInvalidError` with the reason otherwise.

    ``quick_check`` by default (what a new backup must pass); ``full=True`` runs the whole
    ``integrity_check`` (before a restore)."""
    path = Path(path)
    if not path.is_file():
        raise BackupInvalidError(path, _("文件不存在"))
    try:
        conn = open_read_only(path)
    except sqlite3.Error as exc:
        raise BackupInvalidError(path, str(exc)) from exc
    try:
        app_id, version = _identity(conn)
        if app_id != APPLICATION_ID:
            raise BackupInvalidError(path, _("不是量衡的数据库"))
        if version > SCHEMA_VERSION:
            reason = _("由较新版本的量衡创建（结构版本 {found}，本程序最高支持 {known}）")
            raise BackupInvalidError(path, reason.format(found=version, known=SCHEMA_VERSION))
        problems = _problems(conn, full=full)
        if problems:
            raise BackupInvalidError(path, _("已损坏：") + "; ".join(problems[:3]))
    except sqlite3.Error as exc:
        raise BackupInvalidError(path, str(exc)) from exc
    finally:
        conn.close()
    return BackupInfo(path, backup_time(path), version, path.stat().st_size)


def _identity(conn: sqlite3.Connection) -> tuple[int, int]:
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    return app_id, version


def _problems(conn: sqlite3.Connection, *, full: bool) -> list[str]:
    pragma = "integrity_check" if full else "quick_check"
    rows = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}")]
    return [] if rows == ["ok"] else rows


def latest_good_backup(folder: Path, stem: str | None = None) -> BackupInfo | None:
    """The newest backup in ``folder`` (of the database named ``stem``) that passes
    :func:`check_backup`, or None."""
    for path in list_backups(folder, stem):
        with contextlib.suppress(BackupInvalidError, OSError):
            return check_backup(path)
    return None


def backup_due(
    folder: Path, stem: str, *, now: datetime | None = None, every: timedelta = DAY
) -> bool:
    """True if the newest backup of ``stem`` in ``folder`` is older than ``every`` (or none)."""
    now = now or datetime.now(UTC)
    newest = list_backups(folder, stem)
    return not newest or now - backup_time(newest[0]) >= every


# ---------------------------------------------------------------------- making
def backup(
    source: Path | Reads,
    folder: Path,
    *,
    keep: int,
    now: datetime | None = None,
    parents: bool = False,
) -> Path:
    """Copy the database (a path, or the file of an open Store or Reader) into ``folder`` and
    return the new backup's path; keep the ``keep`` newest backups of that database.

    ``folder`` is created if its parent exists, or with all its parents if ``parents`` (the
    default folder in the data folder); a configured folder on a USB stick that is not
    plugged in gives :class:`BackupFolderMissingError`. The source is read through its
    own connection, so this may run in any thread while the writer keeps saving.
    """
    if keep < 1:
        raise ValueError("keep must be at least 1")
    db_path = Path(source if isinstance(source, (str, Path)) else source.path)
    folder = Path(folder)
    _ensure_folder(folder, parents=parents)
    stem = db_path.name.removesuffix(SUFFIX) if db_path.name.endswith(SUFFIX) else db_path.stem
    final = _free_name(folder, stem, now or datetime.now(UTC))
    partial = folder / f".{final.name}{PARTIAL}"
    reader = connect(db_path, role=Role.READER)  # StoreError: missing, locked, damaged...
    try:
        copy_database(reader.conn, partial, journal_mode="DELETE")
        reader.close()
        check_backup(partial)
        os.replace(partial, final)
        fsync_folder(folder)
    except BackupInvalidError as exc:
        # The copy is page for page: a copy that fails its check means the database is damaged.
        remove_with_journals(partial)
        raise DatabaseDamagedError(db_path, exc.reason) from exc
    except (sqlite3.Error, OSError) as exc:
        remove_with_journals(partial)
        busy = isinstance(exc, sqlite3.Error) and translate(exc, db_path)
        if isinstance(busy, DatabaseBusyError):
            raise busy from exc
        raise BackupFailedError(folder, _reason(exc)) from exc
    finally:
        reader.close()
    rotate(folder, stem, keep=keep)
    return final


def _ensure_folder(folder: Path, *, parents: bool) -> None:
    try:
        folder.mkdir(parents=parents, exist_ok=True)
    except OSError as exc:
        raise BackupFolderMissingError(folder) from exc
    if not folder.is_dir():
        raise BackupFolderMissingError(folder)


def _free_name(folder: Path, stem: str, moment: datetime) -> Path:
    seq = 1
    while True:
        candidate = folder / backup_name(stem, moment, seq)
        partial = folder / f".{candidate.name}{PARTIAL}"
        taken = [candidate, partial, *(Path(f"{partial}{j}") for j in JOURNALS)]
        if not any(p.exists() for p in taken):
            return candidate
        seq += 1


def copy_database(source: sqlite3.Connection, target: Path, *, journal_mode: str) -> None:
    """Copy the database of ``source`` into a new file ``target`` with the backup API, in
    ``journal_mode``, fsynced."""
    remove_with_journals(target)  # a journal left by a killed copy must not be replayed
    dest = sqlite3.connect(target)
    try:
        # One step (pages=-1): a single read transaction, so writes made meanwhile by the
        # writer neither restart nor tear the copy.
        source.backup(dest)
        mode = dest.execute(f"PRAGMA journal_mode = {journal_mode}").fetchone()[0]
        if str(mode).lower() != journal_mode.lower():
            raise sqlite3.OperationalError(f"journal_mode {mode}")
    finally:
        dest.close()
    _fsync_file(target)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows has no directory handles to fsync."""
    if sys.platform == "win32":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


JOURNALS = ("-journal", "-wal", "-shm")


def remove_with_journals(path: Path) -> None:
    for suffix in ("", *JOURNALS):
        _remove(Path(f"{path}{suffix}"))


def rotate(folder: Path, stem: str, *, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest backups of ``stem`` (and stale partial files);
    return what was deleted. A file that cannot be deleted is left for next time."""
    deleted = []
    for old in list_backups(folder, stem)[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()
            deleted.append(old)
    cutoff = time.time() - STALE_PARTIAL.total_seconds()
    for partial in Path(folder).glob(f".{stem}-*{SUFFIX}{PARTIAL}*"):
        with contextlib.suppress(OSError):
            if partial.stat().st_mtime < cutoff:
                partial.unlink()
                deleted.append(partial)
    return deleted


def folder_for(settings: OfficeSettings) -> Path:
    """The backup folder the office chose, or the default one in the data folder."""
    return Path(settings.backup_dir) if settings.backup_dir.strip() else paths.backup_dir()


def is_default_folder(settings: OfficeSettings) -> bool:
    return not settings.backup_dir.strip()


def kept_for(settings: OfficeSettings) -> int:
    return max(1, settings.backups_kept)
