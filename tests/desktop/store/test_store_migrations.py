"""Migrations: a new file gets the whole schema; every fixture (one per released schema
version) migrates to the latest with its data intact; a failed migration changes nothing; a
newer or foreign file is refused."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import sqlite3
from pathlib import Path
from types import ModuleType

import pytest
from sqlite_utils import Database

from desktop.store import SCHEMA_VERSION, Store
from desktop.store.connection import connect
from desktop.store.errors import InspectionClosedError, NotOurDatabaseError, SchemaTooNewError
from desktop.store.schema import (
    APPLICATION_ID,
    EVIDENCE_BEFORE_KEY,
    MIGRATIONS,
    TRIGGERS,
    application_id,
    migrate,
    user_version,
)
from desktop.store.verify import verify

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"


def _make_fixtures() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_fixtures", HERE / "make_fixtures.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MF = _make_fixtures()
VERSIONS = range(1, SCHEMA_VERSION + 1)


def _copy(version: int, tmp_path: Path) -> Path:
    target = tmp_path / f"from-v{version}.sqlite3"
    shutil.copyfile(FIXTURES / f"v{version}.sqlite3", target)
    return target


def test_a_fixture_exists_for_every_schema_version() -> None:
    for version in VERSIONS:
        conn = sqlite3.connect(f"file:{FIXTURES / f'v{version}.sqlite3'}?mode=ro", uri=True)
        try:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == version
        finally:
            conn.close()


def test_a_new_file_gets_the_latest_schema(tmp_path: Path) -> None:
    with Store.open(tmp_path / "new.sqlite3") as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert application_id(store.db) == APPLICATION_ID
        assert len(store.device_id) == 36
        assert not store.is_demo


@pytest.mark.parametrize("version", VERSIONS)
def test_fixture_migrates_to_latest_with_data_intact(version: int, tmp_path: Path) -> None:
    with Store.open(_copy(version, tmp_path), create=False) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.device_id == MF.DEVICE
        subject = store.get_subject(MF.SUBJECT["id"])
        assert subject.name == MF.SUBJECT["name"]
        assert subject.credit_code == MF.SUBJECT["credit_code"]
        instruments = store.instruments_of(subject.id)
        assert [i.label for i in instruments] == ["1号加油机", "1号枪"]
        assert instruments[0].seal_numbers == ("LN2101-000123", "LN2101-000124", "LN2101-000125")
        assert instruments[1].parent_id == MF.DISPENSER["id"]
        assert instruments[1].extra == {"fuel": "92号汽油"}
        assert [s.serial for s in store.list_standards()] == [MF.STANDARD["serial"]]
        inspection = store.get_inspection(MF.INSPECTION["id"])
        assert inspection.checklist_version == "2026.1"
        assert [p["name"] for p in inspection.header["inspectors"]] == ["王立新", "刘丽"]
        answers = store.answers_for(inspection.id)
        assert answers["mgmt_system", ""].value == "yes"
        assert answers["mgmt_system", ""].revision == 3
        measured = answers["nozzle_error", "dispenser:1/nozzle:1"]
        assert measured.value["result"]["verdict"] == "pass"
        assert measured.note == "油温 18 ℃"
        (photo,) = store.attachments_for(inspection.id)
        assert store.attachment_bytes(photo.id) == MF.PHOTO
        position = store.resume_position(inspection.id)
        assert position is not None
        assert position.instance_key == "dispenser:1"
        assert store.integrity_problems(full=True) == []


@pytest.mark.parametrize("version", VERSIONS)
def test_migrated_fixture_keeps_working(version: int, tmp_path: Path) -> None:
    """After migrating, the latest code writes to the old data: answers, search, lists."""
    with Store.open(_copy(version, tmp_path), create=False) as store:
        revision = store.save_answer(MF.INSPECTION["id"], "mgmt_system", "", "no")
        assert revision == 4
        assert [s.id for s in store.search_subjects("大民屯")] == [MF.SUBJECT["id"]]
        store.update_subject(MF.SUBJECT["id"], name="新民市大民屯加油站（更名）")
        assert [s.id for s in store.search_subjects("更名")] == [MF.SUBJECT["id"]]
        assert store.count_inspections() == (2 if version >= 3 else 1)


@pytest.mark.parametrize("version", VERSIONS)
def test_every_trigger_exists_after_migrating(version: int, tmp_path: Path) -> None:
    with Store.open(_copy(version, tmp_path), create=False) as store:
        rows = store.db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        found = {r[0] for r in rows}
        assert set(TRIGGERS) <= found


_AUDIT_LINES = (
    "SELECT id, at, device_id, actor, table_name, record_id, action, details FROM audit_log "
    "ORDER BY record_id, at, {tiebreak}"
)


@pytest.mark.parametrize("version", VERSIONS)
def test_the_audit_log_is_one_b_tree_clustered_by_record(version: int, tmp_path: Path) -> None:
    """Schema 6 dropped ``audit_log_at`` and schema 7 made the log one B-tree keyed by
    (record_id, at, id): each keystroke's line is written once, a record's history is a range
    of the key, and every line of the fixture is still there in its order."""
    source = _copy(version, tmp_path)
    with sqlite3.connect(source) as conn:  # as it was read: by time, then as written
        tiebreak = "id" if version >= 7 else "rowid"
        lines = _AUDIT_LINES.format(tiebreak=tiebreak)
        before = conn.execute(lines).fetchall() if version >= 3 else []
    with Store.open(source, create=False) as store:
        conn = store.db.conn
        rows = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_log'"
        )
        assert [r[0] for r in rows] == []  # the primary key is the table itself
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_log'").fetchone()[0]
        assert "WITHOUT ROWID" in sql
        assert "PRIMARY KEY (record_id, at, id)" in sql
        plan = conn.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM audit_log WHERE record_id = ? ORDER BY at, id",
            ("x",),
        ).fetchall()
        assert len(plan) == 1  # no sort step: the key's order is the history's
        assert "PRIMARY KEY (record_id=?)" in plan[0][-1]
        after = conn.execute(_AUDIT_LINES.format(tiebreak="id")).fetchall()
    assert [tuple(r) for r in after] == [tuple(r) for r in before]


def test_a_migration_that_fails_after_its_script_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A migration's script runs inside its transaction (``sqlite3``'s executescript would
    commit first): the audit log rebuilt by schema 7 and then an error before the version is
    written leave schema 6 with its rowid audit log whole."""
    from desktop.store import schema

    path = _copy(6, tmp_path)
    with sqlite3.connect(path) as conn:
        before = conn.execute("SELECT * FROM audit_log ORDER BY rowid").fetchall()

    def broken(db: Database, *, version: int | None = None) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(schema, "create_triggers", broken)
    with pytest.raises(RuntimeError, match="power cut"):
        Store.open(path, create=False)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 6
        assert conn.execute("SELECT * FROM audit_log ORDER BY rowid").fetchall() == before
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "audit_log_v7" not in names
    assert "inspections_drafts" not in names
    assert {"audit_log_no_update", "audit_log_no_delete", "audit_log_record"} <= names


def test_migrating_step_by_step_equals_migrating_at_once(tmp_path: Path) -> None:
    def schema(db: Database) -> list[tuple[str, str]]:
        rows = db.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        return [tuple(r) for r in rows]

    stepwise = connect(tmp_path / "a.sqlite3", create=True)
    for version in VERSIONS:
        assert migrate(stepwise, target=version) == version
    direct = connect(tmp_path / "b.sqlite3", create=True)
    migrate(direct)
    assert schema(stepwise) == schema(direct)
    stepwise.close()
    direct.close()


@pytest.mark.parametrize("script", [False, True], ids=["statement", "script"])
def test_a_failing_migration_leaves_the_previous_version(tmp_path: Path, script: bool) -> None:
    def broken(db: Database) -> None:
        if script:  # sqlite3's own executescript would have committed this part
            db.executescript("CREATE TABLE half_done (x TEXT);\nCREATE INDEX hx ON half_done (x);")
        else:
            db.execute("CREATE TABLE half_done (x TEXT)")
        raise RuntimeError("boom")

    path = _copy(SCHEMA_VERSION, tmp_path)
    db = connect(path)
    with pytest.raises(RuntimeError, match="boom"):
        migrate(db, target=SCHEMA_VERSION + 1, migrations=(*MIGRATIONS, broken))
    assert user_version(db) == SCHEMA_VERSION
    assert "half_done" not in db.table_names()
    db.close()


def test_a_newer_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = _copy(SCHEMA_VERSION, tmp_path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(SchemaTooNewError, match="较新版本"):
        Store.open(path)
    assert path.read_bytes() == before


def test_someone_elses_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(NotOurDatabaseError, match="不是量衡的数据库"):
        Store.open(path)


@pytest.mark.parametrize("version", VERSIONS)
def test_migrated_fixture_finalizes_seals_and_verifies(version: int, tmp_path: Path) -> None:
    """Schema 3 on old data: a draft is signed and sealed, chained after any older seal, the
    audit log records it and ``verify`` recomputes every seal (also the fixture's own)."""
    with Store.open(_copy(version, tmp_path), create=False) as store:
        inspection_id = MF.INSPECTION["id"]
        store.sign(inspection_id, "inspector", "paper", name="王立新", position=1)
        store.sign(inspection_id, "inspector", "paper", name="刘丽", position=2)
        store.sign(inspection_id, "party", "absent", note="负责人外出")
        store.sign(inspection_id, "witness", "paper", name="村委会李主任")
        seal = store.finalize(inspection_id, outcome="no_problem", render_evidence=_render)
        assert seal.sequence == (2 if version >= 3 else 1)
        assert [e.action for e in store.audit_for(inspection_id)][-2:] == ["finalize", "evidence"]
        assert store.evidence_pdf(inspection_id) == b"%PDF " + seal.seal_hash.encode()
        report = verify(store.db.conn)
        assert report.ok, [p.line() for p in report.problems]
        assert report.seals == (2 if version >= 3 else 1)
        assert report.evidence == (2 if version >= 4 else 1)
        # the fixture's own sealed record: before schema 4 it has no copy, and that is fine
        assert [n.what for n in report.notes] == (
            ["无存证副本（v4 之前定稿）"] if version == 3 else []
        )


def _render(store: Store, inspection_id: str) -> tuple[bytes, str]:
    seal = store.seal_of(inspection_id)
    assert seal is not None
    pdf = b"%PDF " + seal.seal_hash.encode()
    return pdf, hashlib.sha256(pdf).hexdigest()


@pytest.mark.parametrize("version", VERSIONS)
def test_schema_4_knows_which_seals_came_before_it(version: int, tmp_path: Path) -> None:
    with Store.open(_copy(version, tmp_path), create=False) as store:
        before = json.loads(store.meta(EVIDENCE_BEFORE_KEY) or "null")
        assert before == ({MF.DEVICE: 1} if version == 3 else {})
        assert store.evidence_pdf(MF.SEALED["id"]) == (MF.EVIDENCE_PDF if version >= 4 else None)


def test_the_v4_fixture_keeps_its_evidence_copy_unchangeable(tmp_path: Path) -> None:
    with Store.open(_copy(4, tmp_path), create=False) as store:
        assert store.evidence_pdf(MF.SEALED["id"]) == MF.EVIDENCE_PDF
        for sql in ("UPDATE evidence SET data = x'00'", "DELETE FROM evidence"):
            with pytest.raises(sqlite3.IntegrityError, match="evidence"), store.db.atomic():
                store.db.conn.execute(sql)
        report = verify(store.db.conn)
        assert report.ok, [p.line() for p in report.problems]
        assert (report.evidence, report.notes) == (1, [])


def test_the_v3_fixture_keeps_its_seal_amendment_and_history(tmp_path: Path) -> None:
    with Store.open(_copy(3, tmp_path), create=False) as store:
        sealed = MF.SEALED["id"]
        seal = store.seal_of(sealed)
        assert seal is not None
        assert seal.document_no == MF.SEAL["document_no"]
        assert store.answers_for(sealed)["mgmt_system", ""].value == "no"
        assert store.effective_answers(sealed)["mgmt_system", ""].value == "yes"
        kinds = [s.kind.value for s in store.signatures_for(sealed)]
        assert kinds == ["drawn", "paper", "refused"]
        assert len(store.audit_for(sealed)) == 5
        with pytest.raises(InspectionClosedError):
            store.save_answer(sealed, "mgmt_system", "", "yes")
