"""Sealing for the demo database: signatures, seals chained per device with their document
numbers, a few amendments and the audit trail, computed in Python by the same rules as
``Store.finalize`` (:mod:`desktop.store.seal`) and written in the demo's batch transactions.

Signatures: the inspectors sign on paper (one in ten on screen: a tiny PNG), the party on paper
(80 %), refuses with a note (12 %) or is absent and a witness signs (8 %). One sealed record in
fifty gets an amendment (a yes/no answer corrected, with its reason). Audit lines: the record's
creation, its finalizing and each amendment, by its two inspectors.

No evidence copies (存证副本, schema 4): ``Store.finalize`` draws each record's PDF once, but
at ~0.1 s a record that would make the 100,000-record demo take hours. Demo records therefore
have no ``evidence`` row and no "evidence" audit line; ``liangheng verify`` lists them as a
note ("无存证副本（演示数据批量封存）", told apart by meta ``is_demo``), not as a problem, and
``export pdf`` draws them afresh like drafts.
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from operator import itemgetter
from typing import Any

from desktop.settings import OfficeSettings
from desktop.store import seal as sealing
from desktop.store.ids import CHINA, format_utc
from desktop.store.records import dumps

SIGNATURE_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010800000000"
    "3a7e9b550000000a49444154789c63686800000082008177cd72b60000000049454e44ae426082"
)
_PNG_SHA = hashlib.sha256(SIGNATURE_PNG).hexdigest()
_INSPECTION_COLUMNS = (
    "id", "revision", "created_at", "updated_at", "device_id", "subject_id", "checklist_id",
    "checklist_version", "status", "not_carried_out_reason", "outcome", "inspection_date",
    "started_at", "ended_at", "subject_name", "subject_credit_code", "township",
    "inspecting_unit", "header", "note", "rectification_deadline",
)  # fmt: skip
_SIGNATURE_SQL = (
    "INSERT INTO signatures (id, revision, created_at, updated_at, device_id, inspection_id,"
    " role, position, name, kind, image_sha256, note, signed_at, image)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
_SEAL_SQL = (
    "INSERT INTO seals (inspection_id, device_id, sequence, prev_seal_hash, seal_hash,"
    " canonical_version, document_no, number_year, number_seq, sealed_at, actor)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?)"
)
_AMENDMENT_SQL = (
    "INSERT INTO amendments (id, inspection_id, sequence, reason, changes, created_at,"
    " device_id, actor, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)"
)
_AUDIT_SQL = (
    "INSERT INTO audit_log (id, at, device_id, actor, table_name, record_id, action, details)"
    " VALUES (?,?,?,?,?,?,?,?)"
)
_NO_ANSWERS = b'{"answers":[]'  # how sealing.canonical starts a record without answers
_ITEM_KEY = itemgetter(6, 7)
_REASONS = ("笔误：现场记录勾选有误，经双方核对更正。", "复核现场照片后更正。")
_WITNESSES = ("村委会工作人员", "市场管理员", "社区网格员")

Sink = dict[str, list[Any]]


class Sealer:
    """Seals the demo's finished inspections in the order they are made (one device)."""

    def __init__(self, rng: random.Random, device: str, settings: OfficeSettings) -> None:
        self.rng = rng
        self.device = device
        self.pattern = sealing.check_number_pattern(settings.number_pattern)
        self.prev = sealing.GENESIS
        self.sequence = 0
        self.numbers: dict[int, int] = {}
        self.names: tuple[str, str] = ("", "")
        # sealing.document_no checks the pattern on every call: checked once above instead
        self.device_code = sealing.device_code(device)
        bits = rng.getrandbits
        self.make_id: Callable[[], str] = lambda: _uuid(bits(128))
        self.digests: dict[str, str] = {}  # answer value text -> SHA-256 (values repeat)
        self.cells: dict[tuple[str, str], str] = {}  # (item, key) -> '["item","key","'

    def canonical(self, content: sealing.Content, seal: dict[str, Any]) -> bytes:
        """``sealing.canonical(content, seal)`` with ``content.answers`` given as the demo's
        answer rows, made fast: the record without its answers is encoded by
        ``sealing.canonical`` itself and the answer rows (``[item, key, SHA-256 of the value
        text, null]`` sorted by item and key, which are unique in a record) are spliced in,
        each value hashed once per distinct text. A test compares it with
        ``sealing.canonical``; ``verify`` recomputes every demo seal with the latter."""
        bare = sealing.canonical(replace(content, answers=()), seal)
        if not bare.startswith(_NO_ANSWERS):  # a canonical form this splice does not know
            rows = [(a[6], a[7], a[8], None) for a in content.answers]
            return sealing.canonical(replace(content, answers=rows), seal)
        digests, cells = self.digests, self.cells
        if len(digests) > 200_000:  # bounded: most repeats are pool measurements and yes/no
            digests.clear()
        parts = []
        for a in sorted(content.answers, key=_ITEM_KEY):
            value = a[8]
            digest = digests.get(value)
            if digest is None:
                digest = digests[value] = hashlib.sha256(value.encode("utf-8")).hexdigest()
            cell = cells.get((a[6], a[7]))
            if cell is None:
                cell = cells[a[6], a[7]] = dumps([a[6], a[7]])[:-1] + ',"'
            parts.append(f'{cell}{digest}",null]')
        spliced = '{"answers":[' + ",".join(parts) + "]"
        return spliced.encode("utf-8") + bare[len(_NO_ANSWERS) :]

    def created(self, row: Sequence[Any], names: tuple[str, str], sink: Sink) -> None:
        """The audit line of a new inspection (row: the demo's inspections tuple; names: its
        two inspectors, as in its header)."""
        self.names = names
        details = dumps({"checklist_id": row[6], "subject_name": row[14]})
        sink["audit"].append(
            (self.make_id(), row[2], self.device, self.actor, "inspections", row[0], "create",
             details)
        )  # fmt: skip

    @property
    def actor(self) -> str:
        return "、".join(n for n in self.names if n) or "system"

    def seal(
        self,
        row: Sequence[Any],
        answers: Sequence[Sequence[Any]],
        header: str,
        party: str,
        ended: datetime,
        sink: Sink,
    ) -> None:
        inspection = dict(zip(_INSPECTION_COLUMNS, row, strict=True))
        inspection_id = inspection["id"]
        signed_at = format_utc(ended)
        signatures = self._signatures(party, signed_at)
        for sig in signatures:
            image = SIGNATURE_PNG if sig[3] == "drawn" else None
            sink["signatures"].append(
                (self.make_id(), 1, signed_at, signed_at, self.device, inspection_id, *sig[:6],
                 signed_at, image)
            )  # fmt: skip
        content = sealing.Content(
            inspection=inspection,
            answers=answers,  # the demo's answer rows: item, key and value at 6, 7, 8
            attachments=(),
            signatures=[(*sig[:6], signed_at) for sig in signatures],
        )
        year = ended.astimezone(CHINA).year
        number = self.numbers[year] = self.numbers.get(year, 0) + 1
        self.sequence += 1
        seal = {
            "device_id": self.device, "sequence": self.sequence,
            "document_no": self.pattern.format(
                year=year, device=self.device_code, seq=number, agency="", unit=""
            ),
            "number_year": year, "number_seq": number,
            "sealed_at": format_utc(ended + timedelta(minutes=1)), "actor": self.actor,
            "canonical_version": sealing.CANONICAL_VERSION,
        }  # fmt: skip
        digest = sealing.chain_hash(self.prev, self.canonical(content, seal))
        sink["seals"].append(
            (inspection_id, self.device, self.sequence, self.prev, digest,
             sealing.CANONICAL_VERSION, seal["document_no"], year, number, seal["sealed_at"],
             seal["actor"])
        )  # fmt: skip
        self.prev = digest
        details = dumps({"document_no": seal["document_no"], "seal_hash": digest,
                         "sequence": self.sequence, "outcome": inspection["outcome"]})  # fmt: skip
        sink["audit"].append(
            (self.make_id(), seal["sealed_at"], self.device, self.actor, "seals", inspection_id,
             "finalize", details)
        )  # fmt: skip
        if self.rng.random() < 0.02:
            self._amend(inspection_id, answers, digest, ended, sink)

    def _signatures(self, party: str, signed_at: str) -> list[tuple[Any, ...]]:
        """(role, position, name, kind, image_sha256, note) of each signature."""
        rng = self.rng
        rows: list[tuple[Any, ...]] = []
        for position, name in enumerate(self.names, 1):
            drawn = rng.random() < 0.1
            kind, digest = ("drawn", _PNG_SHA) if drawn else ("paper", None)
            rows.append(("inspector", position, name, kind, digest, ""))
        roll = rng.random()
        if roll < 0.8:
            rows.append(("party", 0, party, "paper", None, ""))
        elif roll < 0.92:
            rows.append(("party", 0, "", "refused", None, "当事人拒绝签名，已告知其法律后果。"))
        else:
            rows.append(("party", 0, "", "absent", None, "负责人不在现场。"))
            rows.append(("witness", 0, rng.choice(_WITNESSES), "paper", None, ""))
        return rows

    def _amend(
        self,
        inspection_id: str,
        answers: Sequence[Sequence[Any]],
        prev: str,
        ended: datetime,
        sink: Sink,
    ) -> None:
        picked = next((a for a in answers if a[8] in ('"yes"', '"no"')), None)
        if picked is None:
            return
        old = json.loads(picked[8])
        change = {"item_id": picked[6], "instance_key": picked[7], "old": old,
                  "new": "no" if old == "yes" else "yes"}  # fmt: skip
        amendment = {
            "id": self.make_id(), "inspection_id": inspection_id, "sequence": 1,
            "reason": self.rng.choice(_REASONS), "changes": dumps([change]),
            "created_at": format_utc(ended + timedelta(days=2)), "device_id": self.device,
            "actor": self.actor,
        }  # fmt: skip
        digest = sealing.amendment_hash(prev, amendment)
        sink["amendments"].append((*amendment.values(), prev, digest))
        details = dumps({
            "amendment_id": amendment["id"], "sequence": 1, "reason": amendment["reason"],
            "changes": [change], "hash": digest,
        })  # fmt: skip
        sink["audit"].append(
            (self.make_id(), amendment["created_at"], self.device, self.actor, "amendments",
             inspection_id, "amend", details)
        )  # fmt: skip

    @staticmethod
    def write(conn: sqlite3.Connection, sink: Sink) -> None:
        conn.executemany(_SIGNATURE_SQL, sink["signatures"])
        conn.executemany(_SEAL_SQL, sink["seals"])
        conn.executemany(_AMENDMENT_SQL, sink["amendments"])
        conn.executemany(_AUDIT_SQL, sink["audit"])


def _uuid(bits: int) -> str:
    """A random (version 4 shaped) id from the demo's seeded generator."""
    value = (bits & ~(0xF << 76) | 0x4 << 76) & ~(0x3 << 62) | 0x2 << 62
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
