"""``liangheng verify``: is the database whole, and is every sealed record as it was sealed?

Checks, in order: SQLite's full ``integrity_check`` and ``foreign_key_check``; the protective
triggers of the schema exist (dropping them is the first step of tampering); every seal is
recomputed from the stored record (:mod:`desktop.store.seal`, by the seal's own canonical
version), with the bytes of its attachments and drawn signatures checked against their SHA-256;
each device's chain of seals has no gap and each ``prev_seal_hash`` is the hash before it (a
gap in another device's chain is a note, "not received yet", unless the audit log shows that
an import brought in one of the missing seals: then they were deleted);
every finalized inspection has a seal; every amendment chain is recomputed; every evidence
copy (存证副本, schema 4) belongs to a sealed record and matches its SHA-256 and the SHA-256
that its audit line (append-only) recorded when finalize stored it; a copy the audit log says
was stored must still exist. Read-only.

A sealed record without an evidence copy and without such an audit line is listed as a note,
not a problem: records sealed before schema 4 (meta ``evidence_before``: the last seal
sequence per device when the migration ran), the records of a demo database (``liangheng
demo`` seals thousands in bulk: drawing a PDF for each would take hours) and records sealed
through ``Store.finalize`` without a renderer (tools and tests; the app always passes one).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from checklists.i18n import _
from desktop.store import seal as sealing
from desktop.store.schema import EVIDENCE_BEFORE_KEY, PREVIOUS_DEVICES_KEY, TRIGGERS


@dataclass(frozen=True)
class Problem:
    """One thing broken; ``inspection_id`` etc. name the record when it is about one."""

    what: str
    inspection_id: str | None = None
    subject_name: str = ""
    document_no: str = ""

    def record(self) -> str:
        """The record it is about: subject, document number, id ("" if about none)."""
        if self.inspection_id is None:
            return ""
        who = self.subject_name or self.inspection_id
        number = f"（{self.document_no}）" if self.document_no else ""
        return f"{who}{number} [{self.inspection_id}]"

    def line(self) -> str:
        return f"{self.record()}：{self.what}" if self.inspection_id else self.what


@dataclass
class Report:
    integrity: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # worth knowing, not broken
    seals: int = 0
    amendments: int = 0
    devices: int = 0
    evidence: int = 0

    @property
    def ok(self) -> bool:
        return not self.integrity and not self.problems


@dataclass(frozen=True)
class _SealRow:
    inspection_id: str
    device_id: str
    sequence: int
    prev_seal_hash: str
    seal_hash: str
    canonical_version: int
    document_no: str
    seal: dict[str, object]
    subject_name: str
    status: str | None


def verify(conn: sqlite3.Connection) -> Report:
    """Check the database behind ``conn`` (see the module docstring)."""
    report = Report()
    rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
    report.integrity = [] if rows == ["ok"] else rows
    for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
        report.integrity.append(
            _("外键失效：{table} 第 {rowid} 行引用的 {parent} 记录不存在").format(
                table=table, rowid=rowid, parent=parent
            )
        )
    _triggers(conn, report)
    seals = list(_seals(conn))
    report.seals = len(seals)
    _chains(conn, seals, report)
    for row in seals:
        _seal(conn, row, report)
    _unsealed(conn, report)
    by_id = {s.inspection_id: s for s in seals}
    _amendments(conn, by_id, report)
    _evidence(conn, by_id, report)
    return report


def _triggers(conn: sqlite3.Connection, report: Report) -> None:
    found = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for name in sorted(set(TRIGGERS) - found):
        report.problems.append(
            Problem(_("保护触发器 {name} 不存在（数据库可能被绕过程序改动过）").format(name=name))
        )


def _seals(conn: sqlite3.Connection) -> Iterator[_SealRow]:
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    sql = (
        "SELECT s.*, i.subject_name, i.status FROM seals s "
        "LEFT JOIN inspections i ON i.id = s.inspection_id ORDER BY s.device_id, s.sequence"
    )
    for r in cursor.execute(sql):
        seal = {name: r[name] for name in sealing.SEAL_FIELDS}
        yield _SealRow(
            inspection_id=r["inspection_id"], device_id=r["device_id"], sequence=r["sequence"],
            prev_seal_hash=r["prev_seal_hash"], seal_hash=r["seal_hash"],
            canonical_version=r["canonical_version"], document_no=r["document_no"], seal=seal,
            subject_name=r["subject_name"] or "", status=r["status"],
        )  # fmt: skip


def _problem(row: _SealRow, what: str) -> Problem:
    return Problem(what, row.inspection_id, row.subject_name, row.document_no)


def _chains(conn: sqlite3.Connection, seals: list[_SealRow], report: Report) -> None:
    by_device: dict[str, list[_SealRow]] = defaultdict(list)
    for row in seals:
        by_device[row.device_id].append(row)
    report.devices = len(by_device)
    own = {_meta(conn, "device_id"), *json.loads(_meta(conn, PREVIOUS_DEVICES_KEY) or "[]")}
    for device, rows in by_device.items():
        expected, prev = 1, sealing.GENESIS
        for row in rows:
            if row.sequence != expected:
                _gap(conn, report, row, expected, own=device in own)
            elif row.prev_seal_hash != prev:
                report.problems.append(
                    _problem(row, _("封存链断开：前一条封存的校验值与记录的不一致"))
                )
            expected, prev = row.sequence + 1, row.seal_hash


def _gap(conn: sqlite3.Connection, report: Report, row: _SealRow, first: int, *, own: bool) -> None:
    """Seals ``first`` to ``row.sequence - 1`` of ``row``'s device are not here. On this
    device's own chain that means deleted. Another device's records arrive in bundles: a gap is
    "not received yet" unless the audit log says an import brought one of them in."""
    last = row.sequence - 1
    imported = conn.execute(
        "SELECT count(*) FROM audit_log WHERE table_name = 'seals' AND action = 'import' "
        "AND json_extract(details, '$.device_id') = ? "
        "AND json_extract(details, '$.sequence') BETWEEN ? AND ?",
        (row.device_id, first, last),
    ).fetchone()[0]
    code = sealing.device_code(row.device_id)
    if own or imported:
        text = _("设备 {device} 的封存序号跳过了 {first}–{last}（有封存记录被删除）")
        report.problems.append(_problem(row, text.format(device=code, first=first, last=last)))
    else:
        text = _("尚未收到设备 {device} 的第 {first}–{last} 号封存记录（相应的传输包尚未导入）")
        report.notes.append(_problem(row, text.format(device=code, first=first, last=last)))


def _seal(conn: sqlite3.Connection, row: _SealRow, report: Report) -> None:
    if row.status is None:
        report.problems.append(_problem(row, _("封存所属的检查记录不存在")))
        return
    if row.status != "finalized":
        report.problems.append(_problem(row, _("记录已封存，但状态不是“已完成”")))
    content = sealing.load_content(conn, row.inspection_id)
    assert content is not None
    try:
        digest = sealing.seal_hash(row.prev_seal_hash, content, row.seal)
    except ValueError:
        report.problems.append(
            _problem(row, _("未知的封存规则版本 {v}").format(v=row.canonical_version))
        )
        return
    if digest != row.seal_hash:
        report.problems.append(
            _problem(row, _("封存校验值不符：记录内容（答案、首部、附件或签名）在定稿后被改动"))
        )
    _bytes(conn, row, report)


def _bytes(conn: sqlite3.Connection, row: _SealRow, report: Report) -> None:
    queries = (
        ("SELECT filename, data, sha256 FROM attachments WHERE inspection_id = ?", _("附件")),
        (
            (
                "SELECT name, image, image_sha256 FROM signatures "
                "WHERE inspection_id = ? AND image IS NOT NULL"
            ),
            _("签名图像"),
        ),
    )
    for sql, what in queries:
        for name, data, digest in conn.execute(sql, (row.inspection_id,)):
            if hashlib.sha256(bytes(data)).hexdigest() != digest:
                report.problems.append(
                    _problem(
                        row, _("{what}“{name}”的内容与其校验值不符").format(what=what, name=name)
                    )
                )


def _unsealed(conn: sqlite3.Connection, report: Report) -> None:
    sql = (
        "SELECT id, subject_name FROM inspections WHERE status = 'finalized' "
        "AND id NOT IN (SELECT inspection_id FROM seals)"
    )
    for inspection_id, name in conn.execute(sql):
        report.problems.append(
            Problem(_("记录为“已完成”，却没有封存（封存被删除？）"), inspection_id, name)
        )


def _amendments(conn: sqlite3.Connection, seals: dict[str, _SealRow], report: Report) -> None:
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    expected: dict[str, tuple[int, str]] = {}
    for r in cursor.execute("SELECT * FROM amendments ORDER BY inspection_id, sequence"):
        report.amendments += 1
        seal = seals.get(r["inspection_id"])
        if seal is None:
            report.problems.append(Problem(_("更正所属的记录没有封存"), r["inspection_id"]))
            continue
        sequence, prev = expected.get(r["inspection_id"], (1, seal.seal_hash))
        if r["sequence"] != sequence:
            report.problems.append(
                _problem(seal, _("更正序号跳过了 {n}（有更正被删除）").format(n=sequence))
            )
        elif r["prev_hash"] != prev:
            report.problems.append(
                _problem(seal, _("更正链断开（第 {n} 次更正）").format(n=sequence))
            )
        elif sealing.amendment_hash(r["prev_hash"], dict(r)) != r["hash"]:
            report.problems.append(
                _problem(seal, _("第 {n} 次更正的校验值不符：更正内容被改动").format(n=sequence))
            )
        expected[r["inspection_id"]] = (r["sequence"] + 1, r["hash"])


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _evidence(conn: sqlite3.Connection, seals: dict[str, _SealRow], report: Report) -> None:
    """Each evidence copy against its SHA-256 and against the SHA-256 its audit line recorded
    when it was stored; a copy the audit log says was stored must still be there."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "evidence" not in tables:
        return
    logged: dict[str, str] = dict(
        conn.execute(
            "SELECT record_id, json_extract(details, '$.sha256') FROM audit_log "
            "WHERE table_name = 'evidence' AND action = 'evidence'"
        )
    )
    found: set[str] = set()
    for inspection_id, data, digest, size in conn.execute(
        "SELECT inspection_id, data, sha256, size FROM evidence"
    ):
        report.evidence += 1
        found.add(inspection_id)
        seal = seals.get(inspection_id)
        if seal is None:
            report.problems.append(Problem(_("存证副本所属的记录没有封存"), inspection_id))
            continue
        blob = bytes(data)
        if len(blob) != size or hashlib.sha256(blob).hexdigest() != digest:
            report.problems.append(
                _problem(seal, _("存证副本（PDF）的内容与其校验值不符：定稿时保存的文件被改动"))
            )
        elif logged.get(inspection_id, digest) != digest:
            report.problems.append(
                _problem(seal, _("存证副本（PDF）与定稿时操作记录中的校验值不符：文件被替换"))
            )
    before: dict[str, int] = json.loads(_meta(conn, EVIDENCE_BEFORE_KEY) or "{}")
    demo = _meta(conn, "is_demo") == "1"
    for inspection_id, seal in seals.items():
        if inspection_id in found or seal.status is None:
            continue
        if inspection_id in logged:
            report.problems.append(
                _problem(seal, _("缺少存证副本：定稿时保存的 PDF 已不存在（被删除）"))
            )
        elif seal.sequence <= before.get(seal.device_id, 0):
            report.notes.append(_problem(seal, _("无存证副本（v4 之前定稿）")))
        elif demo:
            report.notes.append(_problem(seal, _("无存证副本（演示数据批量封存）")))
        else:
            report.notes.append(_problem(seal, _("无存证副本（定稿时未生成）")))
