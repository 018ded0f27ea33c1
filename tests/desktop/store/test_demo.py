"""The demo database: deterministic, realistic, every state and outcome, real item ids whose
answers the checklist record accepts, and never mixed with real work."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from checklists.catalogue import shipped_checklists
from checklists.outcome import NotCarriedOutReason, PublishedResult
from checklists.record import Answer, Status, evaluate
from checklists.rules.credit_code import check_credit_code
from checklists.rules.result import Verdict
from desktop.cli import main
from desktop.store import InspectionFilter, Reader, Store
from desktop.store import Status as InspectionStatus
from desktop.store.codes import is_valid_credit_code
from desktop.store.demo import DemoOptions, make_demo
from desktop.store.demo_places import LIAONING

END = date(2026, 5, 20)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    make_demo(path, DemoOptions(inspections=1500, seed=7, end_date=END))
    return path


def _digest(path: Path) -> str:
    conn = sqlite3.connect(path)
    digest = hashlib.sha256()
    for table in ("subjects", "instruments", "standards", "inspections", "answers"):
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY id"):
            digest.update(repr(row).encode())
    conn.close()
    return digest.hexdigest()


def test_the_same_seed_makes_the_same_data(tmp_path: Path) -> None:
    paths = [tmp_path / f"{name}.sqlite3" for name in "abc"]
    for path, seed in zip(paths, (3, 3, 4), strict=True):
        make_demo(path, DemoOptions(inspections=60, seed=seed, end_date=END))
    assert _digest(paths[0]) == _digest(paths[1])
    assert _digest(paths[0]) != _digest(paths[2])


def test_it_is_marked_as_demo(demo: Path) -> None:
    with Reader.open(demo) as reader:
        assert reader.is_demo
        assert reader.count_inspections() == 1500
        assert reader.integrity_problems(full=True) == []


def test_subjects_are_in_real_places_with_valid_credit_codes(demo: Path) -> None:
    counties = {(city, c) for city, entries in LIAONING.items() for c, _, _ in entries}
    towns = {t for entries in LIAONING.values() for _, _, ts in entries for t in ts}
    with Reader.open(demo) as reader:
        subjects = reader.search_subjects(limit=10_000)
    assert len(subjects) == 250
    assert len({s.kind for s in subjects}) >= 6
    for s in subjects:
        assert (s.city, s.county) in counties
        assert s.township in towns
        assert s.address.startswith(f"辽宁省{s.city}{s.county}{s.township}")
        if s.credit_code is not None:
            assert is_valid_credit_code(s.credit_code), s.credit_code
            assert check_credit_code(s.credit_code).verdict is Verdict.PASS, s.credit_code


def test_stations_have_dispensers_with_nozzles_and_markets_scales(demo: Path) -> None:
    with Reader.open(demo) as reader:
        stations = [s for s in reader.search_subjects(limit=10_000) if s.kind == "fuel_station"]
        instruments = reader.instruments_of(stations[0].id)
        market = next(s for s in reader.search_subjects(limit=10_000) if s.kind == "market")
        scales = reader.instruments_of(market.id)
        assert len(reader.list_standards(include_retired=True)) == 6
    dispensers = [i for i in instruments if i.kind == "dispenser"]
    nozzles = [i for i in instruments if i.kind == "nozzle"]
    assert dispensers
    assert len(nozzles) == 2 * len(dispensers)
    assert {n.parent_id for n in nozzles} == {d.id for d in dispensers}
    assert all(len(d.seal_numbers) == 3 and d.certificate_no and d.serial for d in dispensers)
    assert sum(i.kind == "scale" for i in scales) >= 8
    assert sum(i.kind == "fair_scale" for i in scales) == 1


def test_every_state_and_outcome_is_there(demo: Path) -> None:
    with Reader.open(demo) as reader:
        rows = list(reader.iter_inspections())
        in_progress = reader.list_inspections(InspectionFilter(status=InspectionStatus.DRAFT))
        positions = [reader.resume_position(r.id) for r in in_progress if r.outcome is None]
    assert {r.status for r in rows} == set(InspectionStatus)
    assert {r.not_carried_out_reason for r in rows} - {None} == {
        reason.value for reason in NotCarriedOutReason
    }
    assert {r.outcome for r in rows} - {None} == {result.value for result in PublishedResult}
    assert {r.checklist_id for r in rows} == {c.id for c in shipped_checklists()}
    assert positions
    assert all(p is not None for p in positions)
    assert all(len(r.inspectors) == 2 for r in rows)
    assert min(r.inspection_date for r in rows) >= "2023-05-20"
    assert max(r.inspection_date for r in rows) <= END.isoformat()


def test_answers_use_real_items_and_the_record_accepts_them(demo: Path) -> None:
    checklists = {(c.id, c.version): c for c in shipped_checklists()}
    with Reader.open(demo) as reader:
        rows = reader.list_inspections(limit=300)
        verdicts: set[str] = set()
        for row in rows:
            checklist = checklists[row.checklist_id, row.checklist_version]
            for (item_id, _key), answer in reader.answers_for(row.id).items():
                item = checklist.item(item_id)  # KeyError for an id the checklist lacks
                status = evaluate(item, Answer(value=answer.value)).status
                assert status is not Status.INVALID, (item_id, answer.value)
                if isinstance(answer.value, dict):
                    verdicts |= {run["result"]["verdict"] for run in answer.value["runs"]}
    assert verdicts >= {"pass", "fail"}


def test_demo_command_refuses_real_work_and_replaces_a_demo(tmp_path: Path) -> None:
    real = tmp_path / "real.sqlite3"
    Store.open(real).close()
    assert main(["demo", "--db", str(real), "--inspections", "5"]) == 1
    with Reader.open(real) as reader:
        assert not reader.is_demo
    demo = tmp_path / "demo.sqlite3"
    assert main(["demo", "--db", str(demo), "--inspections", "5"]) == 0
    assert main(["demo", "--db", str(demo), "--inspections", "7", "--seed", "2"]) == 0
    with Reader.open(demo) as reader:
        assert reader.count_inspections() == 7
    assert not demo.with_name("demo.sqlite3.part").exists()


def test_demo_without_db_goes_to_its_own_file(home: Path) -> None:
    assert main(["demo", "--inspections", "3"]) == 0
    assert (home / "liangheng-demo.sqlite3").exists()
    assert not (home / "liangheng.sqlite3").exists()


def test_list_inspections_json(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "inspections", "--db", str(demo), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 1500
    first = rows[0]
    assert {"id", "date", "subject", "credit_code", "checklist_id", "checklist_version",
            "township", "status", "outcome", "inspectors"} <= set(first)  # fmt: skip
    assert [r["date"] for r in rows] == sorted((r["date"] for r in rows), reverse=True)


def test_list_inspections_text_and_limit(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(demo), "list", "inspections", "--limit", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("2026-05-")


def test_list_of_an_empty_database_is_an_empty_array(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "empty.sqlite3"
    Store.open(path).close()
    assert main(["list", "inspections", "--db", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


@pytest.mark.parametrize("problem", ["missing", "garbage", "folder"])
def test_list_reports_a_bad_file_plainly(
    problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = {"missing": tmp_path / "absent.sqlite3", "folder": tmp_path / "nope" / "x.sqlite3"}.get(
        problem, tmp_path / "garbage.sqlite3"
    )
    if problem == "garbage":
        path.write_bytes(b"not a database at all" * 100)
    assert main(["list", "inspections", "--db", str(path), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert str(path.parent if problem == "folder" else path) in captured.err
    assert "Traceback" not in captured.err


def test_finished_inspections_are_sealed_like_real_work(demo: Path) -> None:
    """Most finished records sealed with signatures (every alternative), some amended, an
    audit trail, and ``verify`` recomputes every seal and the device's chain."""
    from desktop.store.verify import verify

    with Reader.open(demo) as reader:
        conn = reader.db.conn
        finalized = reader.count_inspections(InspectionFilter(status=InspectionStatus.FINALIZED))
        assert finalized > 1000
        kinds = {r[0] for r in conn.execute("SELECT DISTINCT kind FROM signatures")}
        assert kinds == {"drawn", "paper", "refused", "absent"}
        assert conn.execute("SELECT count(*) FROM amendments").fetchone()[0] > 5
        actions = {r[0] for r in conn.execute("SELECT DISTINCT action FROM audit_log")}
        assert {"create", "finalize", "amend"} <= actions
        report = verify(conn)
        assert report.ok, [p.line() for p in report.problems[:5]]
        assert report.seals == finalized


def test_the_demo_schema_is_the_apps(demo: Path, tmp_path: Path) -> None:
    """The demo builds some indexes after loading and loads without checks: it ends with
    exactly the schema, version and pragmas of a file the app makes."""
    fresh = tmp_path / "fresh.sqlite3"
    Store.open(fresh).close()

    def schema(path: Path) -> tuple[object, ...]:
        conn = sqlite3.connect(path)
        sql = (
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%'"
        )
        rows = sorted(conn.execute(sql).fetchall())
        pragmas = [conn.execute(f"PRAGMA {p}").fetchone()[0]
                   for p in ("user_version", "application_id", "journal_mode")]  # fmt: skip
        conn.close()
        return (rows, pragmas)

    assert schema(demo) == schema(fresh)


def test_the_sealers_fast_canonical_form_is_the_stores() -> None:
    import random

    from desktop.settings import OfficeSettings
    from desktop.store import seal as sealing
    from desktop.store.demo_seal import Sealer

    sealer = Sealer(random.Random(1), "dev", OfficeSettings())
    rows = [("id", 1, "c", "u", "d", "i", item, key, value)
            for item, key, value in (("b", "x:1", '"yes"'), ("a", "x:2/y:1", '{"runs":[]}'),
                                     ("a", "x:10", '"中文\\n"'), ("a", "", "1.50"))]  # fmt: skip
    content = sealing.Content(
        inspection={name: f"{name}值" for name in sealing.INSPECTION_FIELDS},
        answers=rows,
        attachments=(),
        signatures=[("party", 0, "某", "paper", None, "", "t")],
    )
    seal = dict.fromkeys(sealing.SEAL_FIELDS, 1)
    expected = sealing.canonical(
        sealing.Content(
            content.inspection, [(r[6], r[7], r[8], None) for r in rows], (), content.signatures
        ),
        seal,
    )
    assert sealer.canonical(content, seal) == expected
    assert sealer.canonical(content, seal) == expected  # again, from its caches
