"""What can go wrong with the database file, as typed errors with a message the user can act on.

Every error is a :class:`~checklists.errors.UserError`: the CLI prints it without a traceback
and the GUI shows it in its one error dialog. :func:`translate` turns the ``sqlite3`` exceptions
that mean "the file is damaged / locked / unreadable / full" into these; anything else (a
constraint the code should have prevented) stays a programming error and propagates unchanged.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Concatenate, NoReturn, ParamSpec, Protocol, TypeVar

from checklists.errors import InputError, UserError
from checklists.i18n import _


class StoreError(UserError):
    """A problem with the database file or a record in it; ``path`` names the file."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class DatabaseMissingError(StoreError):
    def __init__(self, path: Path) -> None:
        msg = _("找不到数据库文件：{path}。请检查路径是否正确。")
        super().__init__(msg.format(path=path), path)


class FolderMissingError(StoreError):
    def __init__(self, path: Path) -> None:
        msg = _("数据库所在的文件夹不存在：{folder}。请先创建该文件夹，或选择其他位置。")
        super().__init__(msg.format(folder=path.parent), path)


class DatabaseUnreadableError(StoreError):
    def __init__(self, path: Path, reason: str) -> None:
        msg = _(
            "无法打开数据库文件：{path}（{reason}）。"
            "请确认它是一个文件而不是文件夹，并且当前用户有读写权限。"
        )
        super().__init__(msg.format(path=path, reason=reason), path)


class DatabaseDamagedError(StoreError):
    def __init__(self, path: Path | None, reason: str) -> None:
        msg = _(
            "数据库文件已损坏或不是数据库：{path}（{reason}）。请不要再向它写入；"
            "从备份恢复（备份文件夹见“liangheng info”），或把该文件交给技术支持。"
        )
        super().__init__(msg.format(path=path, reason=reason), path)


class DatabaseBusyError(StoreError):
    def __init__(self, path: Path | None) -> None:
        msg = _(
            "数据库正被另一个程序占用：{path}。"
            "请关闭其他正在使用它的量衡窗口或命令，稍后重试；已保存的内容不受影响。"
        )
        super().__init__(msg.format(path=path), path)


class DatabaseReadOnlyError(StoreError):
    def __init__(self, path: Path | None) -> None:
        msg = _(
            "数据库文件或其所在文件夹是只读的：{path}。"
            "请把数据库放在可写的位置（例如本机硬盘上的文件夹）。"
        )
        super().__init__(msg.format(path=path), path)


class DiskFullError(StoreError):
    def __init__(self, path: Path | None) -> None:
        msg = _("磁盘已满，无法写入数据库：{path}。请释放磁盘空间后重试；已保存的内容不受影响。")
        super().__init__(msg.format(path=path), path)


class WriteFailedError(StoreError):
    """The system refused a write or an fsync of a file SQLite had open (a file size limit, a
    USB stick pulled out, a failing disk): nothing of the refused change was kept."""

    def __init__(self, path: Path | None, reason: str) -> None:
        msg = _(
            "写入失败：系统拒绝写入数据库文件 {path}（{reason}）。这次的修改没有保存，"
            "已保存的内容不受影响。请检查磁盘或 U 盘是否仍然连接、是否有写入限制，然后重试。"
        )
        super().__init__(msg.format(path=path, reason=reason), path)


class UnsupportedLocationError(StoreError):
    def __init__(self, path: Path, mode: str) -> None:
        msg = _(
            "此位置不支持数据库所需的预写日志（WAL，当前为 {mode}）：{path}。"
            "网络共享文件夹常有此问题；请把数据库放在本机磁盘上。"
        )
        super().__init__(msg.format(path=path, mode=mode), path)


class SchemaTooNewError(StoreError):
    def __init__(self, path: Path, found: int, known: int) -> None:
        msg = _(
            "此数据库由较新版本的量衡创建（结构版本 {found}，本程序最高支持 {known}）：{path}。"
            "请升级量衡后再打开；本程序不会改动它。"
        )
        super().__init__(msg.format(path=path, found=found, known=known), path)


class SchemaOutdatedError(StoreError):
    def __init__(self, path: Path, found: int, known: int) -> None:
        msg = _(
            "数据库结构版本较旧（{found}，当前为 {known}）：{path}。"
            "请先用量衡打开一次（会自动升级），再读取它。"
        )
        super().__init__(msg.format(path=path, found=found, known=known), path)


class NotOurDatabaseError(StoreError):
    def __init__(self, path: Path) -> None:
        msg = _("{path} 是一个 SQLite 数据库，但不是量衡的数据库。请选择正确的文件。")
        super().__init__(msg.format(path=path), path)


class RecordNotFoundError(StoreError):
    def __init__(self, what: str, record_id: str) -> None:
        msg = _("找不到{what}（编号 {id}）。它可能已被删除，或数据库不是同一个。")
        super().__init__(msg.format(what=what, id=record_id))
        self.record_id = record_id


class InspectionClosedError(StoreError):
    def __init__(self, inspection_id: str, status: str) -> None:
        msg = _("该检查已不是草稿（状态：{status}），不能再修改其记录内容。")
        super().__init__(msg.format(status=status))
        self.inspection_id = inspection_id


class DuplicateCreditCodeError(StoreError, InputError):
    def __init__(self, credit_code: str, existing_name: str) -> None:
        msg = _("统一社会信用代码 {code} 已登记为“{name}”。请打开已登记的单位，不要重复登记。")
        super().__init__(msg.format(code=credit_code, name=existing_name))
        self.credit_code = credit_code


class AttachmentTooLargeError(StoreError, InputError):
    def __init__(self, size: int, limit: int) -> None:
        msg = _("附件太大（{size} MB，上限 {limit} MB）。请压缩图片或选择较小的文件。")
        mib = 1024 * 1024
        super().__init__(msg.format(size=round(size / mib, 1), limit=limit // mib))


# SQLite's primary result codes (sqlite3.Error.sqlite_errorcode & 0xFF).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT = 5, 6, 8, 10, 11
_FULL, _CANTOPEN, _NOTADB = 13, 14, 26
# Extended codes of a write the system refused: IOERR_WRITE, _FSYNC, _DIR_FSYNC, _TRUNCATE.
_WRITE_REFUSED = {_IOERR | 3 << 8, _IOERR | 4 << 8, _IOERR | 5 << 8, _IOERR | 6 << 8}


def translate(exc: sqlite3.Error, path: Path | None) -> StoreError | None:
    """The user-facing error for ``exc``, or None if it is a programming error."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc)
    if "inspection is sealed" in text or "is append-only" in text:
        return SealedRecordError()  # the schema's triggers (version 3)
    if primary in (_BUSY, _LOCKED) or "database is locked" in text:
        return DatabaseBusyError(path)
    if primary in (_CORRUPT, _NOTADB) or "malformed" in text or "not a database" in text:
        return DatabaseDamagedError(path, text)
    if primary == _FULL:
        return DiskFullError(path)
    if primary == _READONLY:
        return DatabaseReadOnlyError(path)
    if code in _WRITE_REFUSED:
        return WriteFailedError(path, getattr(exc, "sqlite_errorname", text))
    if primary in (_CANTOPEN, _IOERR) and path is not None:
        return DatabaseUnreadableError(path, text)
    return None


class _HasPath(Protocol):
    @property
    def path(self) -> Path: ...


S = TypeVar("S", bound=_HasPath)
P = ParamSpec("P")
R = TypeVar("R")


def guarded(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Let a store method raise :class:`StoreError` (not ``sqlite3`` errors) for a damaged,
    locked, unreadable or full database file."""

    @functools.wraps(method)
    def wrapper(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise_translated(exc, self.path)

    return wrapper


def raise_translated(exc: sqlite3.Error, path: Path | None) -> NoReturn:
    """Raise the :class:`StoreError` for ``exc`` (:func:`translate`), or ``exc`` itself if it
    is a programming error; for an ``except sqlite3.Error`` clause (:func:`guarded`)."""
    error = translate(exc, path)
    if error is None:
        raise exc
    raise error from exc


class NotReadyError(StoreError):
    """Finalizing was refused: ``issues`` (checklists.record.Issue) say what is missing."""

    def __init__(self, issues: Sequence[Any]) -> None:
        msg = _("还不能定稿，尚缺：{what}。请补全后再定稿。")
        super().__init__(msg.format(what=_("；").join(str(i.message) for i in issues)))
        self.issues = tuple(issues)


class NotSealedError(StoreError):
    def __init__(self, inspection_id: str) -> None:
        super().__init__(_("该记录尚未定稿，不能“更正”：草稿可以直接修改。"))
        self.inspection_id = inspection_id


class SealedRecordError(StoreError):
    """A write that a sealed record refuses (the database's triggers said no)."""

    def __init__(self) -> None:
        super().__init__(_("该记录已定稿封存，不能修改或删除。如需纠正，请使用“更正”并填写理由。"))
