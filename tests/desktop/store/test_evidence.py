"""The evidence copy (存证副本, schema 4): finalizing renders the PDF once through the caller's
callback, in the same transaction, and keeps it with its SHA-256; the database refuses to change
it; ``Reads.evidence_pdf`` and ``verify`` check it; a renderer that fails seals nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from checklists.catalogue import load_catalogue
from desktop.reports import evidence_pdf_bytes
from desktop.store import Reader, Status, Store
from desktop.store.errors import DatabaseDamagedError, StoreError
from desktop.store.finalize import EvidenceRenderError
from desktop.store.schema import EVIDENCE_TRIGGERS, SEAL_TRIGGERS, TRIGGERS
from desktop.store.verify import verify

HEADER = {"inspectors": [{"name": "王明", "certificate_no": "21010001"},
                         {"name": "李华", "certificate_no": "21010002"}]}  # fmt: skip
FAKE_PDF = b"%PDF-1.4\n% evidence of a test\n%%EOF\n"


def fake_render(store: Store, inspection_id: str) -> tuple[bytes, str]:
    """A stand-in renderer: the seal is already in the store when it is called."""
    seal = store.seal_of(inspection_id)
    assert seal is not None, "rendered before the seal row"
    pdf = FAKE_PDF + seal.seal_hash.encode("ascii")
    return pdf, hashlib.sha256(pdf).hexdigest()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "work.sqlite3") as opened:
        yield opened


def ready(store: Store, name: str = "大民屯加油站") -> str:
    subject = store.create_subject(name, "fuel_station")
    inspection = store.create_inspection(subject.id, "fuel_station", "2026.1", header=HEADER)
    store.save_answer(inspection.id, "mgmt_system", "", "yes")
    store.sign(inspection.id, "inspector", "paper", name="王明", position=1)
    store.sign(inspection.id, "inspector", "paper", name="李华", position=2)
    store.sign(inspection.id, "party", "paper", name="张站长")
    return inspection.id


def sealed(store: Store, name: str = "大民屯加油站") -> str:
    inspection_id = ready(store, name)
    store.finalize(inspection_id, outcome="no_problem", render_evidence=fake_render)
    return inspection_id


def _problems(store: Store) -> list[str]:
    return [p.line() for p in verify(store.db.conn).problems]


def _drop_triggers(store: Store) -> None:
    for name in SEAL_TRIGGERS:
        store.db.conn.execute(f"DROP TRIGGER IF EXISTS {name}")


def test_finalize_stores_the_rendered_copy_with_its_hash(store: Store) -> None:
    inspection_id = sealed(store)
    seal = store.seal_of(inspection_id)
    assert seal is not None
    pdf = store.evidence_pdf(inspection_id)
    assert pdf == FAKE_PDF + seal.seal_hash.encode("ascii")
    row = store.db.conn.execute(
        "SELECT sha256, size, device_id FROM evidence WHERE inspection_id = ?", (inspection_id,)
    ).fetchone()
    assert row == (hashlib.sha256(pdf).hexdigest(), len(pdf), store.device_id)
    entries = store.audit_for(inspection_id)
    assert [e.action for e in entries][-2:] == ["finalize", "evidence"]
    assert entries[-1].details == {"sha256": row[0], "size": len(pdf)}
    with Reader.open(store.path) as reader:
        assert reader.evidence_pdf(inspection_id) == pdf
    report = verify(store.db.conn)
    assert report.ok, [p.line() for p in report.problems]
    assert (report.evidence, report.notes) == (1, [])


def test_a_draft_and_a_record_sealed_without_renderer_have_no_copy(store: Store) -> None:
    draft = ready(store, "甲加油站")
    assert store.evidence_pdf(draft) is None
    plain = ready(store, "乙加油站")
    store.finalize(plain, outcome="no_problem")  # tools and tests: no renderer
    assert store.evidence_pdf(plain) is None
    report = verify(store.db.conn)
    assert report.ok
    assert [n.what for n in report.notes] == ["无存证副本（定稿时未生成）"]


@pytest.mark.parametrize("failure", ["raises", "wrong hash"])
def test_a_failing_renderer_seals_nothing(store: Store, failure: str) -> None:
    inspection_id = ready(store)
    audit_before = len(store.audit_for(inspection_id))

    def broken(s: Store, i: str) -> tuple[bytes, str]:
        if failure == "raises":
            raise RuntimeError("font missing")
        return b"%PDF", "0" * 64

    with pytest.raises(EvidenceRenderError, match="无法生成存证副本") as caught:
        store.finalize(inspection_id, outcome="no_problem", render_evidence=broken)
    assert isinstance(caught.value, StoreError)
    assert store.get_inspection(inspection_id).status is Status.DRAFT
    assert store.seal_of(inspection_id) is None
    assert store.evidence_pdf(inspection_id) is None
    assert len(store.audit_for(inspection_id)) == audit_before
    # Nothing half-done: the same record seals afterwards, as sequence 1.
    seal = store.finalize(inspection_id, outcome="no_problem", render_evidence=fake_render)
    assert seal.sequence == 1
    assert verify(store.db.conn).ok


def test_a_store_error_of_the_renderer_passes_unchanged(store: Store) -> None:
    inspection_id = ready(store)

    def missing(s: Store, i: str) -> tuple[bytes, str]:
        s.get_subject("nope")
        raise AssertionError

    with pytest.raises(StoreError) as caught:
        store.finalize(inspection_id, render_evidence=missing)
    assert not isinstance(caught.value, EvidenceRenderError)
    assert store.seal_of(inspection_id) is None


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE evidence SET data = x'00'",
        "UPDATE evidence SET sha256 = :zeros",
        "DELETE FROM evidence",
        (
            "INSERT INTO evidence (inspection_id, sha256, size, created_at, device_id, data) "
            "VALUES (:draft, :zeros, 1, '2026-01-01T00:00:00Z', 'x', x'00')"
        ),
    ],
)
def test_the_database_refuses_to_change_a_copy_or_add_one_to_a_draft(
    store: Store, sql: str
) -> None:
    sealed(store)
    draft = ready(store, "乙加油站")
    with pytest.raises(sqlite3.IntegrityError, match="evidence"), store.db.atomic():
        store.db.conn.execute(sql, {"draft": draft, "zeros": "0" * 64})
    assert set(EVIDENCE_TRIGGERS) <= set(TRIGGERS)
    assert verify(store.db.conn).ok


def test_verify_and_reads_detect_a_tampered_copy(store: Store) -> None:
    good, bad = sealed(store, "甲加油站"), sealed(store, "乙加油站")
    with store.db.atomic():
        _drop_triggers(store)
        store.db.conn.execute(
            "UPDATE evidence SET data = CAST(? AS BLOB) WHERE inspection_id = ?", (b"%PDF-x", bad)
        )
    problems = [p for p in verify(store.db.conn).problems if p.inspection_id]
    assert [p.inspection_id for p in problems] == [bad]
    assert "存证副本（PDF）的内容与其校验值不符" in problems[0].what
    assert "乙加油站" in problems[0].line()
    with pytest.raises(DatabaseDamagedError, match="存证副本"):
        store.evidence_pdf(bad)
    assert store.evidence_pdf(good) is not None


def test_verify_detects_a_replaced_and_a_deleted_copy(store: Store) -> None:
    replaced, deleted = sealed(store, "甲加油站"), sealed(store, "乙加油站")
    other = b"%PDF-1.4 another document"
    with store.db.atomic():
        _drop_triggers(store)
        store.db.conn.execute(
            "UPDATE evidence SET data = ?, sha256 = ?, size = ? WHERE inspection_id = ?",
            (other, hashlib.sha256(other).hexdigest(), len(other), replaced),
        )
        store.db.conn.execute("DELETE FROM evidence WHERE inspection_id = ?", (deleted,))
    by_record = {p.inspection_id: p.what for p in verify(store.db.conn).problems}
    assert "文件被替换" in by_record[replaced]
    assert "缺少存证副本" in by_record[deleted]
    assert store.evidence_pdf(replaced) == other  # consistent with its own hash: only the log


def test_the_real_renderer_draws_the_sealed_record_once(store: Store) -> None:
    catalogue = load_catalogue(None)
    render = partial(evidence_pdf_bytes, catalogue=catalogue)
    inspection_id = ready(store)
    store.finalize(inspection_id, outcome="no_problem", render_evidence=render)
    pdf = store.evidence_pdf(inspection_id)
    assert pdf is not None
    assert pdf.startswith(b"%PDF")
    again, digest = evidence_pdf_bytes(store, inspection_id, catalogue=catalogue)
    assert hashlib.sha256(pdf).hexdigest() == digest  # deterministic: same record, same bytes
    assert again == pdf
