"""Laptops with real work on them, for the bundle tests (issue 10): subjects with credit codes,
instruments, standards, drafts with answers and photos, and sealed records with signatures,
an evidence copy and an amendment, all made through the store's own API."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.store import Store
from desktop.store.records import AnswerChange

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010800000000"
    "3a7e9b550000000a49444154789c63686800000082008177cd72b60000000049454e44ae426082"
)
HEADER = {"inspectors": [{"name": "王明", "certificate_no": "21010001"},
                         {"name": "李华", "certificate_no": "21010002"}]}  # fmt: skip
STATION_CODE = "91210181MA0Y8K2L0C"
MARKET_CODE = "92210181MA0TEST01X"

# Tables whose rows make up the data (not the history of transfers and audit lines).
DATA_TABLES = ("subjects", "instruments", "standards", "inspections", "answers", "attachments",
               "signatures", "seals", "amendments", "evidence", "resume_positions", "sent",
               "transfer_conflicts", "transfers", "audit_log", "meta")  # fmt: skip


def fake_evidence(store: Store, inspection_id: str) -> tuple[bytes, str]:
    """A stand-in evidence copy (the real one is rendered by desktop.reports)."""
    pdf = f"%PDF-1.4\n% evidence of {inspection_id}\n%%EOF\n".encode("ascii")
    return pdf, hashlib.sha256(pdf).hexdigest()


class Laptop:
    """One inspector's laptop database, with helpers to make work on it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.store = Store.open(path)

    def close(self) -> None:
        self.store.close()

    def station(self, name: str = "大民屯加油站", code: str | None = STATION_CODE) -> str:
        existing = self.store.subject_by_credit_code(code) if code else None
        if existing is not None:
            return existing.id
        subject = self.store.create_subject(name, "fuel_station", credit_code=code,
                                            township="大民屯镇", county="新民市")  # fmt: skip
        dispenser = self.store.add_instrument(subject.id, "dispenser", serial="D-001",
                                              label="1号机")  # fmt: skip
        self.store.add_instrument(subject.id, "nozzle", parent_id=dispenser.id, serial="N-001")
        return subject.id

    def draft(self, subject_id: str | None = None, *, photos: int = 1, answers: int = 3) -> str:
        subject_id = subject_id or self.station()
        inspection = self.store.create_inspection(subject_id, "fuel_station", "2026.1",
                                                  header=HEADER)  # fmt: skip
        items = ["mgmt_system", "metering_staff", "instruments_registered", "legal_units"]
        for item in items[:answers]:
            self.store.save_answer(inspection.id, item, "", "yes", note="制度齐全")
        for n in range(photos):
            self.store.add_attachment(inspection.id, PNG + bytes([n]) * (n + 1),
                                      filename=f"现场{n}.png", mime="image/png")  # fmt: skip
        return inspection.id

    def seal(self, inspection_id: str) -> str:
        store = self.store
        store.sign(inspection_id, "inspector", "drawn", name="王明", position=1, image=PNG)
        store.sign(inspection_id, "inspector", "paper", name="李华", position=2)
        store.sign(inspection_id, "party", "paper", name="张站长")
        store.finalize(inspection_id, outcome="no_problem", render_evidence=fake_evidence)
        return inspection_id

    def sealed(self, subject_id: str | None = None, *, amended: bool = False) -> str:
        inspection_id = self.seal(self.draft(subject_id))
        if amended:
            self.amend(inspection_id)
        return inspection_id

    def amend(self, inspection_id: str, value: str = "no") -> None:
        self.store.amend(inspection_id, "笔误更正",
                         [AnswerChange("mgmt_system", "", value, old="yes")])  # fmt: skip

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        return dump(self.store.db.conn)


def dump(conn: sqlite3.Connection, tables: tuple[str, ...] = DATA_TABLES) -> dict[str, list[Any]]:
    """Every row of ``tables``, sorted: two dumps are equal when the data is."""
    return {
        table: sorted(tuple(r) for r in conn.execute(f"SELECT * FROM {table}")) for table in tables
    }


@pytest.fixture
def laptop(tmp_path: Path) -> Iterator[Callable[[str], Laptop]]:
    """``laptop("a")`` opens (or creates) the database ``a.sqlite3`` in the test's folder."""
    made: dict[str, Laptop] = {}

    def get(name: str) -> Laptop:
        if name not in made:
            made[name] = Laptop(tmp_path / f"{name}.sqlite3")
        return made[name]

    yield get
    for one in made.values():
        one.close()


@pytest.fixture
def dump_db() -> Callable[..., dict[str, list[Any]]]:
    """The :func:`dump` function (test modules cannot import this conftest)."""
    return dump
