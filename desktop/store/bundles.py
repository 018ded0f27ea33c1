"""Transfer by USB stick (issue 10): export a bundle from a laptop, import bundles at the office,
and the history of both. The file format is :mod:`desktop.store.bundle_format`, writing is
:mod:`desktop.store.bundle_write`, checking :mod:`desktop.store.bundle_read`, merging
:mod:`desktop.store.bundle_merge`.

An import checks the whole file first (nothing is written for a bad one), then merges it in one
transaction of the one writer. Checklist versions this app does not have are kept in the
``received`` folder of the overrides (they show old records; they are never offered for new
inspections); rule tables that differ from this app's are reported, never installed.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from checklists.catalogue import RECEIVED_SUBDIR, Catalogue
from checklists.i18n import N_, _
from desktop.store import bundle_format as fmt
from desktop.store.bundle_merge import ImportResult, merge
from desktop.store.bundle_read import BundleRefusedError, CheckedBundle, open_bundle
from desktop.store.bundle_rows import CONFLICT_KINDS, Conflict
from desktop.store.bundle_write import (
    BundleExistsError,
    BundleWriteError,
    ExportResult,
    NothingToSendError,
    mark_sent,
    write_bundles,
)
from desktop.store.errors import StoreError, translate
from desktop.store.ids import china_midnight, china_time
from desktop.store.seal import device_code
from desktop.store.store import Store

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@contextlib.contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[None]:
    """One transaction that takes the write lock at once (``BEGIN IMMEDIATE``): a deferred one
    that reads first fails at once with "database is locked" when another connection (the
    GUI saving an answer) commits in between, instead of waiting its busy timeout."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def export_bundle(
    store: Store,
    target: Path,
    *,
    catalogue: Catalogue | None,
    since: str | None = None,
    max_part_bytes: int = fmt.MAX_PART_BYTES,
    progress: Progress | None = None,
    overwrite: bool = False,
) -> ExportResult:
    """Write the bundle(s) for ``target`` and mark what they carry as sent. ``since``: a day
    (``YYYY-MM-DD``, China time) or a UTC timestamp, to send everything changed from then on,
    sent or not. An existing file of that name is not overwritten (BundleExistsError: it may
    be a bundle not yet imported, whose records would then not be sent again) unless
    ``overwrite``."""
    target = Path(target)
    if since is not None and len(since) == len("2026-11-01"):
        since = china_midnight(since)
    if not target.parent.is_dir():
        raise BundleWriteError(target, _("文件夹不存在"))
    reader = store.reader()
    try:
        result, tokens = write_bundles(
            reader.db.conn, target, device_id=store.device_id, catalogue=catalogue,
            since=since, max_part_bytes=max_part_bytes, overwrite=overwrite,
            progress=None if progress is None else (lambda d, t: progress("export", d, t)),
        )  # fmt: skip
    except sqlite3.Error as exc:
        raise translate(exc, store.path) or StoreError(str(exc), store.path) from exc
    finally:
        reader.close()
    try:
        with immediate(store.db.conn):
            mark_sent(store.db.conn, result, tokens, device_id=store.device_id)
    except sqlite3.Error as exc:
        raise translate(exc, store.path) or StoreError(str(exc), store.path) from exc
    return result


@dataclass(frozen=True)
class Imported:
    """What one bundle file did."""

    path: Path
    result: ImportResult
    created_at: str = ""  # when the bundle was written (the laptop's clock)
    received_checklists: tuple[str, ...] = ()  # "id@version" kept for showing old records
    missing_checklists: tuple[str, ...] = ()  # used by records, in neither app nor bundle
    different_rules: tuple[str, ...] = ()  # rule tables that differ from this app's


def check_bundle(path: Path) -> CheckedBundle:
    """Open and check a bundle without a database (``bundle import`` does this first)."""
    return open_bundle(Path(path))


def import_bundle(
    store: Store,
    path: Path,
    *,
    catalogue: Catalogue | None = None,
    overrides_dir: Path | None = None,
    progress: Progress | None = None,
) -> Imported:
    """Check the bundle at ``path`` and merge it into ``store`` in one transaction.
    BundleRefusedError (nothing written) for a bundle that fails any check."""
    path = Path(path)
    checking = None if progress is None else (lambda d, t: progress("check", d, t))
    with open_bundle(path, progress=checking) as bundle:
        try:
            with immediate(store.db.conn):
                result = merge(
                    store.db.conn, bundle, device_id=store.device_id, file_name=path.name,
                    progress=None if progress is None else (lambda d, t: progress("merge", d, t)),
                )  # fmt: skip
        except sqlite3.IntegrityError as exc:
            raise BundleRefusedError(
                path,
                _("记录与本机数据库的约束不符（{e}）").format(e=exc),
                _("请在原电脑上重新导出；如仍失败，请把该文件交给技术支持。"),
            ) from exc
        except sqlite3.Error as exc:
            raise translate(exc, store.path) or StoreError(str(exc), store.path) from exc
        finally:
            store.drop_caches()
        received, missing, rules = _definitions(bundle, catalogue, overrides_dir)
        created = bundle.manifest.created_at
    return Imported(path, result, created, received, missing, rules)


def _definitions(
    bundle: CheckedBundle, catalogue: Catalogue | None, overrides_dir: Path | None
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    if catalogue is None:
        return (), (), ()
    have = {(c.id, c.version) for c in catalogue.checklists}
    received: list[str] = []
    for name, data in sorted(bundle.definitions.items()):
        match = fmt.MEMBER_NAME.match(name)
        if match is None or not match["checklist"]:
            continue
        key = (match["checklist"], match["version"])
        if key in have or overrides_dir is None:
            continue
        folder = overrides_dir / RECEIVED_SUBDIR
        try:
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{key[0]}@{key[1]}.toml"
            temporary = target.with_name(target.name + ".partial")
            temporary.write_bytes(data)
            os.replace(temporary, target)
        except OSError:
            continue  # the records are in; the definition can come again with the next bundle
        have.add(key)
        received.append(f"{key[0]}@{key[1]}")
    used = {(r["checklist_id"], r["checklist_version"]) for r in bundle.rows["inspections"]}
    missing = sorted(f"{i}@{v}" for i, v in used - have)
    rules = []
    shipped = resources.files("checklists.rules.data")
    for name, data in sorted(bundle.definitions.items()):
        match = fmt.MEMBER_NAME.match(name)
        if match is None or not match["rules"]:
            continue
        ours = shipped / f"{match['rules']}.toml"
        if not ours.is_file() or ours.read_bytes() != data:
            rules.append(match["rules"])
    return tuple(received), tuple(missing), tuple(rules)


_WHAT = {
    "inspections": N_("检查记录 {n} 条"),
    "answers": N_("答案 {n} 条"),
    "attachments": N_("照片 {n} 张"),
    "signatures": N_("签名 {n} 个"),
    "amendments": N_("更正 {n} 条"),
    "evidence": N_("存证副本 {n} 份"),
    "subjects": N_("被检查单位 {n} 个"),
    "instruments": N_("计量器具 {n} 台"),
    "standards": N_("计量标准器 {n} 台"),
}


def counts_text(counts: Mapping[str, int]) -> str:
    """``检查记录 3 条，答案 120 条`` for the nonzero counts (empty if none)."""
    return _("，").join(
        _(text).format(n=counts[table]) for table, text in _WHAT.items() if counts.get(table)
    )


def describe(done: Imported) -> list[str]:
    """What an import did, as lines for the command line and the result dialog."""
    r = done.result
    lines = [
        _("传输包 {file}：设备 {device}，导出于 {at}，第 {part}/{parts} 个文件。").format(
            file=done.path.name, device=device_code(r.peer_device_id),
            at=china_time(done.created_at),
            part=r.part, parts=r.parts,
        )
    ]  # fmt: skip
    added, updated = counts_text(r.added), counts_text(r.updated)
    if added:
        lines.append(_("新增：{what}。").format(what=added))
    if updated:
        lines.append(_("更新：{what}。").format(what=updated))
    if r.matched:
        lines.append(
            _("已与本机登记的对应：{what}（按统一社会信用代码、出厂编号）。").format(
                what=counts_text(r.matched)
            )
        )
    if r.unchanged:
        lines.append(_("本机已有相同内容的检查记录 {n} 条，未改变。").format(n=r.unchanged))
    if r.already_imported and not added and not updated:
        lines.append(_("该传输包此前已导入过，这次没有带来新内容。"))
    if r.conflicts:
        lines.append(_("冲突 {n} 处（详见“传输记录”）：").format(n=len(r.conflicts)))
        lines += [
            "  - "
            + (_("{label}：{note}").format(label=c.label, note=c.note) if c.note else c.label)
            for c in r.conflicts
        ]
    if r.known_conflicts:
        lines.append(
            _("此前的导入已记录的冲突 {n} 处，这次未重复记录（详见“传输记录”）。").format(
                n=len(r.known_conflicts)
            )
        )
    if done.received_checklists:
        lines.append(
            _("已保存本机没有的检查表版本（仅用于查看这些记录）：{names}").format(
                names=_("、").join(done.received_checklists)
            )
        )
    if done.missing_checklists:
        lines.append(
            _("缺少检查表版本 {names}：这些记录已导入，但需升级量衡后才能查看。").format(
                names=_("、").join(done.missing_checklists)
            )
        )
    if done.different_rules:
        lines.append(
            _(
                "导出方的规则表与本机不同：{names}（记录中的判定依据以导出方为准，本机规则表未改变）。"
            ).format(names=_("、").join(done.different_rules))
        )
    return lines


# ---------------------------------------------------------------------- history


@dataclass(frozen=True)
class Transfer:
    id: str
    direction: str
    bundle_id: str
    at: str
    peer_device_id: str
    file_name: str
    part: int
    parts: int
    summary: dict[str, Any]
    conflicts: int


@dataclass(frozen=True)
class ConflictRow:
    id: str
    transfer_id: str
    kind: str
    table: str
    record_id: str
    inspection_id: str | None
    subject_name: str
    kept: str
    note: str

    @property
    def label(self) -> str:
        return _(CONFLICT_KINDS.get(self.kind, self.kind))


def _read_errors(conn: sqlite3.Connection, exc: sqlite3.Error) -> StoreError:
    path = conn.execute("PRAGMA database_list").fetchone()[2]
    where = Path(path) if path else None
    return translate(exc, where) or StoreError(str(exc), where)


def transfers(conn: sqlite3.Connection, *, limit: int = 500) -> list[Transfer]:
    """The history of bundles written and read here, newest first."""
    try:
        return _transfers(conn, limit)
    except sqlite3.Error as exc:
        raise _read_errors(conn, exc) from exc


def _transfers(conn: sqlite3.Connection, limit: int) -> list[Transfer]:
    rows = conn.execute(
        "SELECT t.id, t.direction, t.bundle_id, t.at, t.peer_device_id, t.file_name, t.part, "
        "t.parts, t.summary, (SELECT count(*) FROM transfer_conflicts c "
        "WHERE c.transfer_id = t.id) FROM transfers t ORDER BY t.at DESC, t.id DESC LIMIT ?",
        (limit,),
    )
    return [
        Transfer(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], json.loads(r[8]), r[9])
        for r in rows
    ]


def conflicts(conn: sqlite3.Connection, transfer_id: str | None = None) -> list[ConflictRow]:
    """The conflicts of one import (all if None), with the inspection's subject name."""
    sql = (
        "SELECT c.id, c.transfer_id, c.kind, c.table_name, c.record_id, c.inspection_id, "
        "coalesce(i.subject_name, json_extract(c.lost, '$.inspection.subject_name'), "
        "json_extract(c.lost, '$.row.name'), ''), c.kept, c.note "
        "FROM transfer_conflicts c LEFT JOIN inspections i ON i.id = c.inspection_id "
        "WHERE ?1 IS NULL OR c.transfer_id = ?1 ORDER BY c.rowid"
    )
    try:
        return [ConflictRow(*r) for r in conn.execute(sql, (transfer_id,))]
    except sqlite3.Error as exc:
        raise _read_errors(conn, exc) from exc


__all__ = [
    "BundleExistsError",
    "BundleRefusedError",
    "BundleWriteError",
    "Conflict",
    "ConflictRow",
    "ExportResult",
    "ImportResult",
    "Imported",
    "NothingToSendError",
    "Transfer",
    "check_bundle",
    "conflicts",
    "counts_text",
    "describe",
    "export_bundle",
    "import_bundle",
    "transfers",
]
