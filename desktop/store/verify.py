"""``liangheng verify``: is the database whole, and is every sealed record as it was sealed?

Checks, in order: SQLite's full ``integrity_check`` and ``foreign_key_check``; the protective
triggers of the schema exist (dropping them is the first step of tampering); every seal is
recomputed from the stored record (:mod:`desktop.store.seal`, by the seal's own canonical
version), with the bytes of its attachments and drawn signatures checked against their SHA-256;
each device's chain of seals has no gap and each ``prev_seal_hash`` is the hash before it;
every finalized inspection has a seal; every amendment chain is recomputed. Read-only.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from checklists.i18n import _
from desktop.store import seal as sealing
from desktop.store.schema import TRIGGERS


@dataclass(frozen=True)
class Problem:
    """One thing broken; ``inspection_id`` etc. name the record when it is about one."""

    what: str
    inspection_id: str | None = None
    subject_name: str = ""
    document_no: str = ""

    def line(self) -> str:
        if self.inspection_id is None:
            return self.what
        who = self.subject_name or self.inspection_id
        number = f"（{self.document_no}）" if self.document_no else ""
        return f"{who}{number} [{self.inspection_id}]：{self.what}"


@dataclass
class Report:
    integrity: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seals: int = 0
    amendments: int = 0
    devices: int = 0

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
    _chains(seals, report)
    for row in seals:
        _seal(conn, row, report)
    _unsealed(conn, report)
    _amendments(conn, {s.inspection_id: s for s in seals}, report)
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


def _chains(seals: list[_SealRow], report: Report) -> None:
    by_device: dict[str, list[_SealRow]] = defaultdict(list)
    for row in seals:
        by_device[row.device_id].append(row)
    report.devices = len(by_device)
    for device, rows in by_device.items():
        expected, prev = 1, sealing.GENESIS
        for row in rows:
            if row.sequence != expected:
                report.problems.append(
                    _problem(
                        row,
                        _(
                            "设备 {device} 的封存序号跳过了 {first}–{last}（有封存记录被删除）"
                        ).format(
                            device=sealing.device_code(device),
                            first=expected,
                            last=row.sequence - 1,
                        ),
                    )
                )
            elif row.prev_seal_hash != prev:
                report.problems.append(
                    _problem(row, _("封存链断开：前一条封存的校验值与记录的不一致"))
                )
            expected, prev = row.sequence + 1, row.seal_hash


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
