"""Writing bundles (:mod:`desktop.store.bundle_format`): what goes in, and the file itself.

What goes in: the inspections chosen (by default every one whose state differs from the state
it was last sent in; with ``since``, every one changed on or after that date), with their
answers, photos, signatures, seals, amendments, evidence copies and audit lines; the subjects
they refer to with all their instruments; the subjects and standards registered or changed here
since the last export; the checklist versions used and this app's rule tables.

The file is written beside its final name as ``….partial``, flushed to disk and then renamed,
so a stick pulled out mid-write never leaves a file that looks complete. Only after every part
is on disk are the inspections marked as sent (one transaction), so a failed export sends them
again next time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import IO, Any

from checklists.catalogue import Catalogue
from checklists.i18n import _
from desktop import __version__
from desktop.store import bundle_format as fmt
from desktop.store.backup import fsync_folder
from desktop.store.errors import StoreError
from desktop.store.ids import new_id, utc_now
from desktop.store.records import dumps
from desktop.store.schema import SCHEMA_VERSION

Progress = Callable[[int, int], None]  # (done, total) inspections


class BundleWriteError(StoreError):
    def __init__(self, path: Path, reason: str) -> None:
        msg = _(
            "无法写入传输包 {path}（{reason}）。请检查U盘是否已插好、未写保护且有足够空间，"
            "然后重试；本机数据没有改变，下次导出仍会包含这些记录。"
        )
        super().__init__(msg.format(path=path, reason=reason), path)


class BundleExistsError(StoreError):
    def __init__(self, path: Path) -> None:
        msg = _(
            "传输包文件 {name} 已存在，没有导出。它可能还没有在县局导入：请换一个文件名，"
            "或确认它已导入后再覆盖。"
        )
        super().__init__(msg.format(name=path.name), path)


class NothingToSendError(StoreError):
    def __init__(self, since: str | None = None) -> None:
        if since is None:
            msg = _("没有需要导出的记录：所有检查记录都已导出过，且之后没有改动。")
        else:
            msg = _("所选日期以来没有改动的记录，没有导出任何文件。")
        super().__init__(msg)


@dataclass(frozen=True)
class ExportResult:
    files: tuple[Path, ...]
    counts: dict[str, int]
    bundle_ids: tuple[str, ...]
    set_id: str
    # when the export read the database: a change made after it is sent next time
    read_at: str = ""


# A token of everything about an inspection that an export carries: when it changes, the
# inspection is "not yet sent" again. Revisions only grow and every change stamps updated_at.
_STATE_SQL = """
SELECT i.id, json_array(
    i.revision, i.updated_at, i.status,
    (SELECT json_array(count(*), total(revision), max(updated_at))
     FROM answers WHERE inspection_id = i.id),
    (SELECT json_array(count(*), max(updated_at)) FROM attachments WHERE inspection_id = i.id),
    (SELECT json_array(count(*), total(revision), max(updated_at))
     FROM signatures WHERE inspection_id = i.id),
    (SELECT count(*) FROM amendments WHERE inspection_id = i.id),
    (SELECT count(*) FROM evidence WHERE inspection_id = i.id)
) FROM inspections i
"""


def _tokens(conn: sqlite3.Connection, where: str = "", params: Any = ()) -> dict[str, str]:
    return {row[0]: row[1] for row in conn.execute(_STATE_SQL + where, params)}


def _select(conn: sqlite3.Connection, since: str | None) -> dict[str, str]:
    """Inspection id -> token of the inspections to send."""
    if since is not None:
        changed = (
            " WHERE i.updated_at >= :since OR i.id IN ("
            "SELECT inspection_id FROM answers WHERE updated_at >= :since UNION "
            "SELECT inspection_id FROM signatures WHERE updated_at >= :since UNION "
            "SELECT inspection_id FROM amendments WHERE created_at >= :since)"
        )
        return _tokens(conn, changed, {"since": since})
    tokens = _tokens(conn)
    sent = dict(conn.execute("SELECT inspection_id, token FROM sent"))
    return {i: t for i, t in tokens.items() if sent.get(i) != t}


def _order(conn: sqlite3.Connection, ids: Iterable[str]) -> list[str]:
    """Sealed records in the order of their device's chain, then the others by creation."""
    wanted = set(ids)
    rows = conn.execute(
        "SELECT i.id FROM inspections i LEFT JOIN seals s ON s.inspection_id = i.id "
        "ORDER BY s.device_id IS NULL, s.device_id, s.sequence, i.created_at, i.id"
    )
    return [r[0] for r in rows if r[0] in wanted]


def _rows(
    conn: sqlite3.Connection, table: str, where: str, params: Sequence[Any]
) -> list[tuple[Any, ...]]:
    names = ", ".join(fmt.COLUMNS[table])
    sql = f"SELECT {names} FROM {table} WHERE {where}"  # noqa: S608 - our names
    return [tuple(r) for r in conn.execute(sql, params)]


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join('?' * len(values))})"


def _select_in(what: str, table: str, ids: Sequence[str]) -> str:
    return f"SELECT {what} FROM {table} WHERE {_in('id', ids)}"  # noqa: S608 - our names


def _chunks(values: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _Part:
    """The rows and blobs of one part, gathered before the file is written."""

    def __init__(self) -> None:
        self.rows: dict[str, list[tuple[Any, ...]]] = {t: [] for t in fmt.TABLES}
        self.blobs: dict[str, tuple[str, str, str]] = {}  # sha -> (table, key column, key)
        self.sizes: dict[str, int] = {}  # sha -> bytes
        self.blob_bytes = 0
        self.inspections: list[str] = []

    def add_blob(self, sha: str, size: int, table: str, key_column: str, key: str) -> None:
        if sha not in self.blobs:
            self.blobs[sha] = (table, key_column, key)
            self.sizes[sha] = size
            self.blob_bytes += size


_BLOB_SQL = {
    "attachments": "SELECT data FROM attachments WHERE id = ?",
    "signatures": "SELECT image FROM signatures WHERE id = ?",
    "evidence": "SELECT data FROM evidence WHERE inspection_id = ?",
}


class _Gatherer:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def inspection(self, part: _Part, inspection_id: str) -> None:
        """Add one inspection's rows (and its blobs' keys and sizes) to ``part``."""
        conn, key = self.conn, (inspection_id,)
        part.inspections.append(inspection_id)
        part.rows["inspections"] += _rows(conn, "inspections", "id = ?", key)
        for table in ("answers", "seals", "amendments"):
            part.rows[table] += _rows(conn, table, "inspection_id = ?", key)
        attachments = _rows(conn, "attachments", "inspection_id = ?", key)
        part.rows["attachments"] += attachments
        names = fmt.COLUMNS["attachments"]
        at_id, at_size, at_sha = names.index("id"), names.index("size"), names.index("sha256")
        for row in attachments:
            part.add_blob(row[at_sha], row[at_size], "attachments", "id", row[at_id])
        part.rows["signatures"] += _rows(conn, "signatures", "inspection_id = ?", key)
        for signature_id, sha, size in conn.execute(
            "SELECT id, image_sha256, length(image) FROM signatures "
            "WHERE inspection_id = ? AND image IS NOT NULL",
            key,
        ):
            part.add_blob(sha, size, "signatures", "id", signature_id)
        evidence = _rows(self.conn, "evidence", "inspection_id = ?", key)
        part.rows["evidence"] += evidence
        for _inspection, sha, size, *_rest in evidence:  # COLUMNS["evidence"]
            part.add_blob(sha, size, "evidence", "inspection_id", inspection_id)
        part.rows["audit_log"] += _rows(conn, "audit_log", "record_id = ?", key)

    def registers(self, part: _Part, extra_subjects: Iterable[str], standards: bool) -> None:
        """The subjects the part's inspections refer to (and those they were merged into), with
        every instrument of each; ``extra_subjects`` and, if asked, the changed standards."""
        subject_ids: set[str] = set(extra_subjects)
        for chunk in _chunks(part.inspections):
            subject_ids.update(
                r[0]
                for r in self.conn.execute(
                    _select_in("DISTINCT subject_id", "inspections", chunk), chunk
                )
            )
        while True:  # follow merged_into to the registered subject
            ids = sorted(subject_ids)
            targets: set[str] = set()
            for chunk in _chunks(ids):
                targets.update(
                    r[0]
                    for r in self.conn.execute(_select_in("merged_into", "subjects", chunk), chunk)
                    if r[0] is not None
                )
            if targets <= subject_ids:
                break
            subject_ids |= targets
        ids = sorted(subject_ids)
        for chunk in _chunks(ids):
            part.rows["subjects"] += _rows(self.conn, "subjects", _in("id", chunk), chunk)
            part.rows["instruments"] += _rows(
                self.conn, "instruments", _in("subject_id", chunk), chunk
            )
            part.rows["audit_log"] += _rows(self.conn, "audit_log", _in("record_id", chunk), chunk)
        # registered subjects first, a merged one after the one it points at
        part.rows["subjects"].sort(key=lambda r: (r[-1] is not None, r[0]))
        # dispensers before their nozzles
        part.rows["instruments"].sort(key=lambda r: (r[6] is not None, r[0]))
        if standards:
            part.rows["standards"] += _rows(self.conn, "standards", "1 = 1", ())


class _HashingWriter:
    """Counts and hashes what is written to a ZIP member."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.digest.update(data)
        self.size += len(data)
        self.target.write(data)


def _definitions(catalogue: Catalogue | None, used: set[tuple[str, str]]) -> dict[str, bytes]:
    members: dict[str, bytes] = {}
    if catalogue is not None:
        for checklist_id, version in sorted(used):
            try:
                checklist = catalogue.get(checklist_id, version)
            except KeyError:
                continue
            if checklist.source_text and fmt.MEMBER_NAME.match(
                fmt.checklist_name(checklist_id, version)
            ):
                members[fmt.checklist_name(checklist_id, version)] = checklist.source_text.encode(
                    "utf-8"
                )
    folder = resources.files("checklists.rules.data")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml") and entry.is_file():
            members[fmt.rules_name(entry.name.removesuffix(".toml"))] = entry.read_bytes()
    return members


class _Writer:
    def __init__(self, conn: sqlite3.Connection, device_id: str) -> None:
        self.conn = conn
        self.device_id = device_id

    def write(
        self, part: _Part, path: Path, manifest: dict[str, Any], defs: dict[str, bytes]
    ) -> str:
        """Write ``part`` to ``path`` (through a ``.partial`` file); return the bundle id."""
        temporary = path.with_name(path.name + ".partial")
        members: list[dict[str, Any]] = []
        try:
            with (
                open(temporary, "wb") as raw,
                zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
            ):
                members += [self._records(zf, t, part.rows[t]) for t in fmt.TABLES]
                for sha, (table, key_column, key) in sorted(part.blobs.items()):
                    members.append(self._blob(zf, sha, table, key_column, key))
                for name, data in defs.items():
                    zf.writestr(name, data)
                    members.append(_member(name, data))
                counts = {t: len(part.rows[t]) for t in fmt.TABLES}
                document = {**manifest, "counts": counts, "members": members}
                zf.writestr(fmt.MANIFEST, dumps(document).encode("utf-8"))
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(temporary, path)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise BundleWriteError(path, exc.strerror or str(exc)) from exc
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        with contextlib.suppress(OSError):  # the file is whole; only the rename's durability
            fsync_folder(path.parent)
        return str(manifest["bundle_id"])

    @staticmethod
    def _records(zf: zipfile.ZipFile, table: str, rows: list[tuple[Any, ...]]) -> dict[str, Any]:
        name = fmt.records_name(table)
        with zf.open(name, "w", force_zip64=True) as member:
            writer = _HashingWriter(member)
            buffer: list[str] = []
            for row in rows:
                buffer.append(dumps(list(row)))
                if len(buffer) >= 1000:
                    writer.write(("\n".join(buffer) + "\n").encode("utf-8"))
                    buffer.clear()
            if buffer:
                writer.write(("\n".join(buffer) + "\n").encode("utf-8"))
        return {"name": name, "size": writer.size, "sha256": writer.digest.hexdigest()}

    def _blob(
        self, zf: zipfile.ZipFile, sha: str, table: str, key_column: str, key: str
    ) -> dict[str, Any]:
        row = self.conn.execute(_BLOB_SQL[table], (key,)).fetchone()
        data = bytes(row[0])
        if hashlib.sha256(data).hexdigest() != sha:
            raise StoreError(
                _(
                    "导出中止：一个附件或签名图像的内容与其校验值不符（数据库可能已损坏）。"
                    "请先运行“liangheng verify”检查数据库。"
                )
            )
        name = fmt.blob_name(sha)
        zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data,
                    compress_type=zipfile.ZIP_STORED)  # fmt: skip
        return {"name": name, "size": len(data), "sha256": sha}


def _member(name: str, data: bytes) -> dict[str, Any]:
    return {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _last_export(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT max(at) FROM transfers WHERE direction = 'export'").fetchone()
    return None if row is None else row[0]


def _changed_registers(conn: sqlite3.Connection, after: str | None) -> tuple[list[str], bool]:
    """Subjects registered or changed after ``after`` (all if None), or whose instruments were,
    and whether any standard was."""
    if after is None:
        subjects = [r[0] for r in conn.execute("SELECT id FROM subjects")]
        return subjects, conn.execute("SELECT count(*) FROM standards").fetchone()[0] > 0
    subjects = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM subjects WHERE updated_at > ?1 UNION "
            "SELECT subject_id FROM instruments WHERE updated_at > ?1",  # instruments go with it
            (after,),
        )
    ]
    standards = conn.execute(
        "SELECT count(*) FROM standards WHERE updated_at > ?", (after,)
    ).fetchone()[0]
    return subjects, standards > 0


def write_bundles(
    conn: sqlite3.Connection,
    target: Path,
    *,
    device_id: str,
    catalogue: Catalogue | None,
    since: str | None = None,
    max_part_bytes: int = fmt.MAX_PART_BYTES,
    progress: Progress | None = None,
    overwrite: bool = False,
) -> tuple[ExportResult, dict[str, str]]:
    """Write the bundle file(s) for ``target`` (``x.lhb``, or ``x-1of2.lhb``... when the records
    and photos need more than one part) from ``conn`` (a reader; read in one snapshot). Return
    the result and the tokens of the inspections written, for :func:`mark_sent`.

    Two passes, so that only one part is in memory at a time: the first measures each
    inspection (its photos and its record lines as written) and cuts the parts; the second
    gathers and writes one part after the other. If a part cannot be written, the parts already
    written are removed again."""
    conn.execute("BEGIN")  # one snapshot for the whole export
    read_at = utc_now()
    files: list[Path] = []
    try:
        tokens = _select(conn, since)
        after = since if since is not None else _last_export(conn)
        subjects, standards = _changed_registers(conn, after)
        if not tokens and not subjects and not standards:
            raise NothingToSendError(since)
        plan = _plan(conn, _order(conn, tokens), max_part_bytes, progress)
        stem = Path(target).name.removesuffix(fmt.SUFFIX)
        for number in range(1, len(plan) + 1):
            existing = Path(target).with_name(fmt.part_file_name(stem, number, len(plan)))
            if existing.exists() and not overwrite:
                raise BundleExistsError(existing)  # a bundle not yet imported, perhaps
        counts: dict[str, int] = dict.fromkeys((*fmt.TABLES, "blobs"), 0)
        set_id, bundle_ids = new_id(), []
        gatherer = _Gatherer(conn)
        for number, ids in enumerate(plan, 1):
            part = _Part()
            for inspection_id in ids:
                gatherer.inspection(part, inspection_id)
            first = number == 1
            gatherer.registers(part, subjects if first else (), standards and first)
            path, bundle_id = _write_part(
                conn, part, Path(target), (number, len(plan)), set_id, device_id, catalogue, since
            )
            files.append(path)
            bundle_ids.append(bundle_id)
            for table in fmt.TABLES:
                counts[table] += len(part.rows[table])
            counts["blobs"] += len(part.blobs)
    except BaseException:
        for path in files:
            path.unlink(missing_ok=True)
        raise
    finally:
        conn.execute("COMMIT")
    return ExportResult(tuple(files), counts, tuple(bundle_ids), set_id, read_at), tokens


# A part's record lines stay well under what a member may hold (fmt.Limits.records).
MAX_PART_RECORD_BYTES = 1024 * 1024 * 1024


def _plan(
    conn: sqlite3.Connection, order: list[str], limit: int, progress: Progress | None
) -> list[list[str]]:
    """The inspections of each part: a part's photos and record lines stay under ``limit``
    (and its record lines under MAX_PART_RECORD_BYTES); an inspection is never split."""
    gatherer = _Gatherer(conn)
    parts: list[list[str]] = [[]]
    size = records = 0
    seen: set[str] = set()  # blobs already counted in the current part
    for done, inspection_id in enumerate(order, 1):
        probe = _Part()
        gatherer.inspection(probe, inspection_id)
        blob_bytes = sum(size for sha, size in probe.sizes.items() if sha not in seen)
        lines = sum(_line_bytes(row) for rows in probe.rows.values() for row in rows)
        if parts[-1] and (size + blob_bytes + lines > limit
                          or records + lines > MAX_PART_RECORD_BYTES):  # fmt: skip
            parts.append([])
            size = records = 0
            seen = set()
            blob_bytes = probe.blob_bytes
        parts[-1].append(inspection_id)
        seen.update(probe.blobs)
        size += blob_bytes + lines
        records += lines
        if progress is not None:
            progress(done, len(order))
    return parts


def _line_bytes(row: tuple[Any, ...]) -> int:
    return len(dumps(list(row)).encode("utf-8")) + 1


def _write_part(
    conn: sqlite3.Connection,
    part: _Part,
    target: Path,
    numbering: tuple[int, int],
    set_id: str,
    device_id: str,
    catalogue: Catalogue | None,
    since: str | None,
) -> tuple[Path, str]:
    number, parts = numbering
    stem = target.name.removesuffix(fmt.SUFFIX)
    used = {(r[6], r[7]) for r in part.rows["inspections"]}
    manifest: dict[str, Any] = {
        "format": fmt.FORMAT,
        "format_version": fmt.FORMAT_VERSION,
        "bundle_id": new_id(),
        "set_id": set_id,
        "part": number,
        "parts": parts,
        "created_at": utc_now(),
        "device_id": device_id,
        "app_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "since": since,
    }
    path = target.with_name(fmt.part_file_name(stem, number, parts))
    bundle_id = _Writer(conn, device_id).write(part, path, manifest, _definitions(catalogue, used))
    return path, bundle_id


def mark_sent(
    conn: sqlite3.Connection,
    result: ExportResult,
    tokens: Mapping[str, str],
    *,
    device_id: str,
) -> None:
    """Record the export and the state each inspection was sent in (the caller's transaction)."""
    at = result.read_at or utc_now()  # "changed since the last export" compares with this
    transfer_ids = []
    for number, (path, bundle_id) in enumerate(
        zip(result.files, result.bundle_ids, strict=True), 1
    ):
        transfer_id = new_id()
        transfer_ids.append(transfer_id)
        summary = {"counts": result.counts, "set_id": result.set_id}
        conn.execute(
            "INSERT INTO transfers (id, direction, bundle_id, at, device_id, file_name, part, "
            "parts, summary) VALUES (?, 'export', ?, ?, ?, ?, ?, ?, ?)",
            (transfer_id, bundle_id, at, device_id, path.name, number, len(result.files),
             json.dumps(summary, ensure_ascii=False)),
        )  # fmt: skip
    conn.executemany(
        "INSERT INTO sent (inspection_id, token, transfer_id) VALUES (?, ?, ?) "
        "ON CONFLICT (inspection_id) DO UPDATE SET token = excluded.token, "
        "transfer_id = excluded.transfer_id",
        [(inspection_id, token, transfer_ids[0]) for inspection_id, token in tokens.items()],
    )


__all__ = [
    "BundleExistsError",
    "BundleWriteError",
    "ExportResult",
    "NothingToSendError",
    "mark_sent",
    "write_bundles",
]
