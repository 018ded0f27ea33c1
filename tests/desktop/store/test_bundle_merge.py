"""Bundles from laptops into the office database (issue 10): a round trip, the same bundle
twice, two laptops with overlapping subjects, drafts merged by revision, sealed records never
overwritten, amendments on their original, parts for a FAT32 stick, what "not yet sent" means,
checklist versions the office lacks, and ``verify`` on an office database."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from checklists.catalogue import Catalogue, load_catalogue
from desktop.store import InspectionFilter, Status, Store
from desktop.store.bundle_write import NothingToSendError
from desktop.store.bundles import (
    ExportResult,
    Imported,
    conflicts,
    describe,
    export_bundle,
    import_bundle,
    transfers,
)
from desktop.store.verify import verify

Laptops = Callable[[str], Any]
STATION_CODE = "91210181MA0Y8K2L0C"  # the laptop fixture's station
MARKET_CODE = "92210181MA0TEST01X"
RECORD_TABLES = ("inspections", "answers", "attachments", "signatures", "seals", "amendments",
                 "evidence")  # fmt: skip


def send(laptop: Any, path: Path, **options: Any) -> ExportResult:
    return export_bundle(laptop.store, path, catalogue=None, **options)


def take(office: Any, result: ExportResult) -> list[Imported]:
    return [import_bundle(office.store, file) for file in result.files]


def records(laptop: Any, dump_db: Callable[..., Any]) -> dict[str, list[Any]]:
    data: dict[str, list[Any]] = dump_db(laptop.store.db.conn, RECORD_TABLES)
    return data


def assert_verified(store: Store) -> None:
    report = verify(store.db.conn)
    assert report.ok, [p.line() for p in report.problems] + report.integrity


# ---------------------------------------------------------------- round trip


def test_a_laptops_work_arrives_whole_at_the_office(
    laptop: Laptops, dump_db: Callable[..., Any], tmp_path: Path
) -> None:
    a, office = laptop("a"), laptop("office")
    a.sealed(amended=True)
    a.sealed()
    a.draft(photos=2)
    a.store.add_standard("标准金属量器", "metal_measure", serial="BZ-20")
    [done] = take(office, send(a, tmp_path / "a.lhb"))
    assert records(office, dump_db) == records(a, dump_db)
    assert done.result.added["inspections"] == 3
    assert done.result.added["attachments"] == 4
    assert not done.result.conflicts
    assert [s.name for s in office.store.list_subjects()] == ["大民屯加油站"]
    assert len(office.store.list_standards()) == 1
    assert_verified(office.store)
    # the office can show the evidence copy and the amended answer as on the laptop
    sealed_id = next(r.id for r in a.store.list_inspections() if r.status is Status.FINALIZED)
    assert office.store.evidence_pdf(sealed_id) == a.store.evidence_pdf(sealed_id)
    assert office.store.effective_answers(sealed_id) == a.store.effective_answers(sealed_id)
    [history] = transfers(office.store.db.conn)
    assert history.direction == "import"
    assert history.peer_device_id == a.store.device_id
    assert any("新增：检查记录 3 条" in line for line in describe(done))


def test_the_same_bundle_twice_changes_nothing_but_the_history(
    laptop: Laptops, tmp_path: Path
) -> None:
    a, office = laptop("a"), laptop("office")
    a.sealed(amended=True)
    a.draft()
    result = send(a, tmp_path / "a.lhb")
    take(office, result)
    before = office.dump()
    [again] = take(office, result)
    after = office.dump()
    assert len(after.pop("transfers")) == len(before.pop("transfers")) + 1
    assert after == before
    assert again.result.already_imported
    assert not again.result.added
    assert not again.result.updated
    assert again.result.unchanged == 2
    assert any("此前已导入过" in line for line in describe(again))


# ---------------------------------------------------------------- two laptops


def test_two_laptops_with_the_same_station_make_one_subject_at_the_office(
    laptop: Laptops, tmp_path: Path
) -> None:
    a, b, office = laptop("a"), laptop("b"), laptop("office")
    a_station, b_station = a.station(), b.station(name="大民屯加油站（新民）")
    assert a_station != b_station  # registered on each laptop separately
    a.sealed(a_station)
    b.sealed(b_station)
    b.draft(b.station(name="新民农贸市场", code="92210181MA0TEST01X"))
    take(office, send(a, tmp_path / "a.lhb"))
    [done] = take(office, send(b, tmp_path / "b.lhb"))
    assert done.result.matched["subjects"] == 1
    names = sorted(s.name for s in office.store.list_subjects())
    assert names == ["大民屯加油站", "新民农贸市场"]
    assert office.store.count_subjects() == 2
    assert len(office.store.search_subjects("大民屯")) == 1
    # both laptops' inspections are under the one registered station
    station = office.store.list_subjects("大民屯")[0]
    assert station.id == a_station
    rows = office.store.list_inspections(InspectionFilter(subject_id=station.id))
    assert len(rows) == 2
    # the other laptop's subject stays (its sealed record names it) and points at the station
    alias = office.store.get_subject(b_station)
    assert alias.merged_into == a_station
    # the register shows each instrument once; each laptop's records keep their own numbering
    serials = [i.serial for i in office.store.instruments_of(station.id, merged=True)]
    assert sorted(serials) == ["D-001", "N-001"]
    assert [i.id for i in office.store.instruments_of(b_station)] == [
        i.id for i in b.store.instruments_of(b_station)
    ]
    assert [i.id for i in office.store.instruments_of(station.id)] == [
        i.id for i in a.store.instruments_of(station.id)
    ]
    assert_verified(office.store)


def test_importing_in_either_order_gives_the_same_data(
    laptop: Laptops, dump_db: Callable[..., Any], tmp_path: Path
) -> None:
    a, b = laptop("a"), laptop("b")
    a.sealed()
    a.draft()
    b.sealed(b.station(name="新民农贸市场", code="92210181MA0TEST01X"))
    bundle_a, bundle_b = send(a, tmp_path / "a.lhb"), send(b, tmp_path / "b.lhb")
    first, second = laptop("office1"), laptop("office2")
    take(first, bundle_a)
    take(first, bundle_b)
    take(second, bundle_b)
    take(second, bundle_a)
    assert records(first, dump_db) == records(second, dump_db)


# ---------------------------------------------------------------- drafts by revision


def test_a_draft_sent_twice_arrives_in_its_newer_state_without_conflicts(
    laptop: Laptops, tmp_path: Path
) -> None:
    a, office = laptop("a"), laptop("office")
    inspection_id = a.draft()
    first = send(a, tmp_path / "1.lhb")
    a.store.save_answer(inspection_id, "mgmt_system", "", "no", note="制度缺失")
    a.store.save_answer(inspection_id, "other_notes", "", "站长不在")
    second = send(a, tmp_path / "2.lhb")
    take(office, first)
    [done] = take(office, second)
    assert not done.result.conflicts
    assert office.store.answers_for(inspection_id) == a.store.answers_for(inspection_id)
    # the older bundle imported late changes nothing and is no conflict either
    [late] = take(office, first)
    assert not late.result.conflicts
    assert not late.result.updated
    assert office.store.answers_for(inspection_id) == a.store.answers_for(inspection_id)


def test_the_same_answer_changed_in_two_places_keeps_the_loser(
    laptop: Laptops, tmp_path: Path
) -> None:
    a, office = laptop("a"), laptop("office")
    inspection_id = a.draft()
    take(office, send(a, tmp_path / "1.lhb"))
    office.store.save_answer(inspection_id, "mgmt_system", "", "no", note="办公室改")
    a.store.save_answer(inspection_id, "mgmt_system", "", "na", note="现场改")
    a.store.save_answer(inspection_id, "mgmt_system", "", "yes", note="现场再改")
    [done] = take(office, send(a, tmp_path / "2.lhb"))
    # the laptop's answer has the higher revision (3 against 2) and wins; the office's is kept
    answer = office.store.answers_for(inspection_id)[("mgmt_system", "")]
    assert (answer.value, answer.note) == ("yes", "现场再改")
    [conflict] = done.result.conflicts
    assert (conflict.kind, conflict.kept) == ("concurrent_edit", "incoming")
    assert conflict.lost["row"]["note"] == "办公室改"
    [row] = conflicts(office.store.db.conn, done.result.transfer_id)
    assert row.subject_name == "大民屯加油站"
    assert "两处" in row.label


def test_equal_revisions_are_decided_the_same_way_in_either_order(
    laptop: Laptops, tmp_path: Path
) -> None:
    a = laptop("a")
    inspection_id = a.draft()
    b = _clone(a, laptop, tmp_path, "b")  # another laptop with a copy of this draft
    a.store.save_answer(inspection_id, "mgmt_system", "", "no", note="甲")
    b.store.save_answer(inspection_id, "mgmt_system", "", "na", note="乙")
    bundle_a, bundle_b = send(a, tmp_path / "a.lhb"), send(b, tmp_path / "b.lhb")
    results = []
    for order in ((bundle_a, bundle_b), (bundle_b, bundle_a)):
        office = laptop(f"office{len(results)}")
        for bundle in order:
            take(office, bundle)
        results.append(office.store.answers_for(inspection_id)[("mgmt_system", "")].note)
    assert results[0] == results[1]


def _clone(a: Any, laptop: Laptops, tmp_path: Path, name: str, device: str = "") -> Any:
    """Another laptop holding a copy of ``a``'s database under its own device id (or
    ``device``)."""
    a.store.db.conn.execute("PRAGMA wal_checkpoint(FULL)")
    target = tmp_path / f"{name}.sqlite3"
    shutil.copy(a.path, target)
    with sqlite3.connect(target) as conn:
        conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'device_id'", (device or f"device-{name}",)
        )
    conn.close()
    return laptop(name)


# ---------------------------------------------------------------- sealed records


def test_a_sealed_record_replaces_its_earlier_draft_at_the_office(
    laptop: Laptops, dump_db: Callable[..., Any], tmp_path: Path
) -> None:
    a, office = laptop("a"), laptop("office")
    inspection_id = a.draft()
    take(office, send(a, tmp_path / "1.lhb"))
    a.seal(inspection_id)
    [done] = take(office, send(a, tmp_path / "2.lhb"))
    assert not done.result.conflicts
    assert office.store.get_inspection(inspection_id).status is Status.FINALIZED
    assert records(office, dump_db) == records(a, dump_db)
    assert_verified(office.store)


def test_a_draft_arriving_after_its_sealed_version_changes_nothing(
    laptop: Laptops, tmp_path: Path
) -> None:
    a, office = laptop("a"), laptop("office")
    inspection_id = a.draft()
    early = send(a, tmp_path / "1.lhb")
    a.seal(inspection_id)
    take(office, send(a, tmp_path / "2.lhb"))
    before = office.dump()
    [done] = take(office, early)
    assert not done.result.conflicts
    assert done.result.unchanged == 1
    after = office.dump()
    after.pop("transfers"), before.pop("transfers")
    assert after == before


def test_a_sealed_record_arriving_with_other_content_is_a_conflict_not_an_overwrite(
    laptop: Laptops, tmp_path: Path
) -> None:
    a = laptop("a")
    inspection_id = a.draft()
    b = _clone(a, laptop, tmp_path, "b")
    a.seal(inspection_id)
    b.store.save_answer(inspection_id, "mgmt_system", "", "no", note="另一台电脑")
    b.seal(inspection_id)
    office = laptop("office")
    take(office, send(a, tmp_path / "a.lhb"))
    kept = office.dump()
    [done] = take(office, send(b, tmp_path / "b.lhb"))
    kinds = sorted(c.kind for c in done.result.conflicts)
    assert kinds == ["sealed_differs"]
    [conflict] = done.result.conflicts
    assert conflict.kept == "local"
    assert conflict.lost["inspection"]["id"] == inspection_id
    after = office.dump()
    for table in RECORD_TABLES:
        assert after[table] == kept[table], table
    assert_verified(office.store)
    # the same file again (or the record sent again): reported, not recorded a second time
    [again] = take(office, send(b, tmp_path / "b2.lhb", since="2000-01-01"))
    assert again.result.conflicts == []
    assert [c.kind for c in again.result.known_conflicts] == ["sealed_differs"]
    assert any("此前的导入已记录的冲突 1 处" in line for line in describe(again))
    same_file = import_bundle(office.store, tmp_path / "b.lhb")
    assert same_file.result.conflicts == []
    assert len(same_file.result.known_conflicts) == 1
    assert len(conflicts(office.store.db.conn)) == 1
    assert office.dump()["inspections"] == kept["inspections"]


def test_amendments_made_after_sending_follow_their_original(
    laptop: Laptops, tmp_path: Path
) -> None:
    a, office = laptop("a"), laptop("office")
    inspection_id = a.sealed()
    take(office, send(a, tmp_path / "1.lhb"))
    a.amend(inspection_id, "no")
    a.amend(inspection_id, "na")
    [done] = take(office, send(a, tmp_path / "2.lhb"))
    assert done.result.added["amendments"] == 2
    assert office.store.effective_answers(inspection_id) == a.store.effective_answers(inspection_id)
    assert_verified(office.store)


def test_an_amendment_that_does_not_continue_the_office_chain_is_a_conflict(
    laptop: Laptops, tmp_path: Path
) -> None:
    a = laptop("a")
    inspection_id = a.sealed()
    b = _clone(a, laptop, tmp_path, "b")
    a.amend(inspection_id, "no")
    b.amend(inspection_id, "na")
    office = laptop("office")
    take(office, send(a, tmp_path / "a.lhb"))
    [done] = take(office, send(b, tmp_path / "b.lhb"))
    assert [c.kind for c in done.result.conflicts] == ["amendment_differs"]
    assert office.store.effective_answers(inspection_id) == a.store.effective_answers(inspection_id)
    assert_verified(office.store)


def test_a_seal_that_clashes_with_the_office_chain_of_its_device_is_not_imported(
    laptop: Laptops, tmp_path: Path
) -> None:
    a = laptop("a")
    a.sealed()
    # a copied laptop that kept the device id: both now seal number 2 of the same chain
    b = _clone(a, laptop, tmp_path, "b", device=a.store.device_id)
    a.sealed()
    b.sealed(b.station(name="新民农贸市场", code="92210181MA0TEST01X"))
    office = laptop("office")
    take(office, send(a, tmp_path / "a.lhb"))
    [done] = take(office, send(b, tmp_path / "b.lhb", since="2000-01-01"))
    assert [c.kind for c in done.result.conflicts] == ["chain_clash"]
    assert_verified(office.store)


# ---------------------------------------------------------------- what is sent


def test_only_what_changed_since_the_last_export_is_sent_again(
    laptop: Laptops, tmp_path: Path
) -> None:
    a = laptop("a")
    kept = a.sealed()
    changed = a.draft()
    first = send(a, tmp_path / "1.lhb")
    assert first.counts["inspections"] == 2
    with pytest.raises(NothingToSendError):
        send(a, tmp_path / "nothing.lhb")
    assert not (tmp_path / "nothing.lhb").exists()
    a.store.save_answer(changed, "other_notes", "", "补充说明")
    second = send(a, tmp_path / "2.lhb")
    assert second.counts["inspections"] == 1
    office = laptop("office")
    take(office, second)
    assert {r.id for r in office.store.list_inspections()} == {changed}
    # --since sends everything changed from that date, sent or not
    again = send(a, tmp_path / "3.lhb", since="2000-01-01")
    assert again.counts["inspections"] == 2
    take(office, again)
    assert {r.id for r in office.store.list_inspections()} == {changed, kept}
    [a_history, *_rest] = transfers(a.store.db.conn)
    assert a_history.direction == "export"


def test_a_failed_export_leaves_no_file_and_sends_again(laptop: Laptops, tmp_path: Path) -> None:
    a = laptop("a")
    a.draft()
    with pytest.raises(Exception, match="文件夹不存在"):
        send(a, tmp_path / "missing" / "a.lhb")
    assert send(a, tmp_path / "a.lhb").counts["inspections"] == 1


def test_photos_beyond_a_part_go_into_further_files_each_importable_alone(
    laptop: Laptops, dump_db: Callable[..., Any], tmp_path: Path
) -> None:
    a = laptop("a")
    for _n in range(4):
        a.draft(photos=3)
    result = send(a, tmp_path / "big.lhb", max_part_bytes=150)
    assert len(result.files) > 1
    assert [f.name for f in result.files][:2] == [
        f"big-1of{len(result.files)}.lhb",
        f"big-2of{len(result.files)}.lhb",
    ]
    office = laptop("office")
    take(office, ExportResult(result.files[1:2], {}, result.bundle_ids[1:2], result.set_id))
    assert len(office.store.list_inspections()) >= 1
    take(office, result)
    assert records(office, dump_db) == records(a, dump_db)


# ---------------------------------------------------------------- definitions, verify


def test_a_checklist_version_the_office_lacks_is_kept_for_viewing_only(
    laptop: Laptops, tmp_path: Path
) -> None:
    shipped = load_catalogue()
    fuel = shipped.latest("fuel_station")
    older = replace(
        fuel,
        version="2025.9",
        source_text=fuel.source_text.replace('version = "2026.1"', 'version = "2025.9"'),
    )
    a = laptop("a")
    subject = a.station()
    old = a.store.create_inspection(subject, "fuel_station", "2025.9")
    catalogue = Catalogue((*shipped.checklists, older))
    result = export_bundle(a.store, tmp_path / "a.lhb", catalogue=catalogue)
    office = laptop("office")
    overrides = tmp_path / "overrides"
    done = import_bundle(office.store, result.files[0], catalogue=shipped, overrides_dir=overrides)
    assert done.received_checklists == ("fuel_station@2025.9",)
    assert any("2025.9" in line for line in describe(done))
    office_catalogue = load_catalogue(overrides)
    assert office_catalogue.get("fuel_station", "2025.9").version == "2025.9"
    assert office_catalogue.latest("fuel_station").version == "2026.1"
    assert [c.version for c in office_catalogue.current() if c.id == "fuel_station"] == ["2026.1"]
    assert office.store.get_inspection(old.id).checklist_version == "2025.9"


def test_verify_at_the_office_tells_not_received_from_deleted(
    laptop: Laptops, tmp_path: Path
) -> None:
    a = laptop("a")
    a.sealed()
    early = send(a, tmp_path / "1.lhb")
    a.sealed()
    a.sealed()
    late = send(a, tmp_path / "2.lhb")
    office = laptop("office")
    take(office, late)  # seals 2 and 3 of the laptop, without 1
    report = verify(office.store.db.conn)
    assert report.ok
    assert any("尚未收到" in note.what for note in report.notes)
    take(office, early)
    report = verify(office.store.db.conn)
    assert report.ok
    assert not any("尚未收到" in note.what for note in report.notes)


# ---------------------------------------------------------------- found in review


def test_a_subject_matched_by_credit_code_stays_matched_when_sent_again(
    laptop: Laptops, tmp_path: Path
) -> None:
    a, b, office = laptop("a"), laptop("b"), laptop("office")
    a.sealed(a.station())
    b_station = b.station(name="大民屯加油站（新民）")
    b.sealed(b_station)
    take(office, send(a, tmp_path / "a.lhb"))
    first = send(b, tmp_path / "b1.lhb")
    take(office, first)
    before = office.dump()
    [again] = take(office, first)
    assert again.result.conflicts == []
    after = office.dump()
    after.pop("transfers"), before.pop("transfers")
    assert after == before
    # the other laptop corrects its station's phone number and sends it again
    b.store.update_subject(b_station, phone="024-87654321")
    [edited] = take(office, send(b, tmp_path / "b2.lhb"))
    assert edited.result.conflicts == []
    alias = office.store.get_subject(b_station)
    assert alias.merged_into == a.station()  # still the registered station's other record
    assert alias.phone == "024-87654321"
    assert office.store.count_subjects() == 1


def test_a_signature_redone_on_the_laptop_is_no_lost_work_when_the_record_is_sealed(
    laptop: Laptops, tmp_path: Path
) -> None:
    a, office = laptop("a"), laptop("office")
    inspection_id = a.draft()
    a.store.sign(inspection_id, "party", "paper", name="张站长")
    take(office, send(a, tmp_path / "1.lhb"))
    a.store.remove_signature(inspection_id, "party")
    a.seal(inspection_id)  # signs the party again, then seals
    [done] = take(office, send(a, tmp_path / "2.lhb"))
    assert done.result.conflicts == []
    assert office.store.get_inspection(inspection_id).status is Status.FINALIZED


def test_office_edits_to_a_draft_are_kept_when_the_sealed_record_replaces_it(
    laptop: Laptops, tmp_path: Path
) -> None:
    a, office = laptop("a"), laptop("office")
    inspection_id = a.draft()
    take(office, send(a, tmp_path / "1.lhb"))
    office.store.save_answer(inspection_id, "other_notes", "", "办公室补记")
    a.seal(inspection_id)
    [done] = take(office, send(a, tmp_path / "2.lhb"))
    [conflict] = done.result.conflicts
    assert (conflict.kind, conflict.kept) == ("draft_superseded", "incoming")
    kept = {r["item_id"]: r for r in conflict.lost["rows"]["answers"]}
    assert kept["other_notes"]["value"] == '"办公室补记"'
    assert office.store.get_inspection(inspection_id).status is Status.FINALIZED
    assert_verified(office.store)


def test_a_conflict_says_which_answer_lost_and_what_it_was(laptop: Laptops, tmp_path: Path) -> None:
    a, office = laptop("a"), laptop("office")
    inspection_id = a.draft()
    take(office, send(a, tmp_path / "1.lhb"))
    office.store.save_answer(inspection_id, "mgmt_system", "", "no", note="办公室改")
    a.store.save_answer(inspection_id, "mgmt_system", "", "na")
    a.store.save_answer(inspection_id, "mgmt_system", "", "yes")
    [done] = take(office, send(a, tmp_path / "2.lhb"))
    [row] = conflicts(office.store.db.conn, done.result.transfer_id)
    assert row.note == "mgmt_system 未采用的答案：no；备注：办公室改"


def test_records_count_toward_a_part_as_well_as_photos(
    laptop: Laptops, dump_db: Callable[..., Any], tmp_path: Path
) -> None:
    a = laptop("a")
    for _n in range(6):
        a.draft(photos=0, answers=4)
    result = send(a, tmp_path / "lines.lhb", max_part_bytes=4000)
    assert len(result.files) > 1  # no photos at all, yet more than one part
    office = laptop("office")
    take(office, result)
    assert records(office, dump_db) == records(a, dump_db)


def test_a_part_that_cannot_be_written_takes_the_earlier_parts_with_it(
    laptop: Laptops, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.store import bundle_write

    a = laptop("a")
    for _n in range(3):
        a.draft(photos=2)
    original = bundle_write._Writer.write
    calls: list[Path] = []

    def write(self: Any, part: Any, path: Path, *args: Any) -> str:
        calls.append(path)
        if len(calls) == 2:
            raise bundle_write.BundleWriteError(path, "设备上没有空间")
        return original(self, part, path, *args)

    monkeypatch.setattr(bundle_write._Writer, "write", write)
    with pytest.raises(bundle_write.BundleWriteError):
        send(a, tmp_path / "big.lhb", max_part_bytes=150)
    assert list(tmp_path.glob("*.lhb*")) == []
    monkeypatch.undo()
    assert send(a, tmp_path / "big.lhb").counts["inspections"] == 3  # nothing was marked sent


def test_a_party_who_signs_on_screen_after_signing_on_paper_arrives(
    laptop: Laptops, tmp_path: Path
) -> None:
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010800000000"
        "3a7e9b550000000a49444154789c63686800000082008177cd72b60000000049454e44ae426082"
    )
    a, office = laptop("a"), laptop("office")
    inspection_id = a.draft()
    a.store.sign(inspection_id, "party", "paper", name="张站长")
    take(office, send(a, tmp_path / "1.lhb"))
    a.store.sign(inspection_id, "party", "drawn", name="张站长", image=png)
    [done] = take(office, send(a, tmp_path / "2.lhb"))
    assert done.result.conflicts == []
    [party] = [s for s in office.store.signatures_for(inspection_id) if s.role.value == "party"]
    assert party.kind.value == "drawn"


def test_an_instrument_registered_after_the_last_export_is_sent(
    laptop: Laptops, tmp_path: Path
) -> None:
    a, office = laptop("a"), laptop("office")
    station = a.station()
    a.draft(station)
    take(office, send(a, tmp_path / "1.lhb"))
    a.store.add_instrument(station, "dispenser", serial="D-002", label="2号机")
    take(office, send(a, tmp_path / "2.lhb"))
    assert sorted(i.serial for i in office.store.instruments_of(station)) == [
        "D-001", "D-002", "N-001",
    ]  # fmt: skip


def test_a_checklist_from_a_newer_app_does_not_stop_its_records(
    laptop: Laptops, tmp_path: Path
) -> None:
    shipped = load_catalogue()
    fuel = shipped.latest("fuel_station")
    newer_text = fuel.source_text.replace('version = "2026.1"', 'version = "2027.1"').replace(
        "[[sections]]", 'future_key = "a rule this app does not know"\n\n[[sections]]', 1
    )
    newer = replace(fuel, version="2027.1", source_text=newer_text)
    a = laptop("a")
    made = a.store.create_inspection(a.station(), "fuel_station", "2027.1")
    result = export_bundle(a.store, tmp_path / "a.lhb", catalogue=Catalogue((newer,)))
    office = laptop("office")
    done = import_bundle(
        office.store, result.files[0], catalogue=shipped, overrides_dir=tmp_path / "o"
    )
    assert done.missing_checklists == ("fuel_station@2027.1",)
    assert done.received_checklists == ()
    assert office.store.get_inspection(made.id).checklist_version == "2027.1"


def test_each_laptops_sealed_record_names_its_own_dispensers_at_the_office(
    laptop: Laptops, tmp_path: Path
) -> None:
    from desktop.store.loading import load_inspection

    a, b, office = laptop("a"), laptop("b"), laptop("office")
    a_station = a.station()
    b_station = b.station(name="大民屯加油站（新民）")
    b.store.add_instrument(b_station, "dispenser", serial="D-B2", label="B的2号机", position=5)
    a.store.add_instrument(a_station, "dispenser", serial="D-A0", label="A的0号机", position=-1)
    a.sealed(a_station)
    b_record = b.sealed(b_station)
    take(office, send(a, tmp_path / "a.lhb"))
    take(office, send(b, tmp_path / "b.lhb"))
    catalogue = load_catalogue()
    on_laptop = load_inspection(b.store, catalogue, b_record).record.instances
    at_office = load_inspection(office.store, catalogue, b_record).record.instances
    assert [(i.key, i.label) for i in at_office] == [(i.key, i.label) for i in on_laptop]


def test_a_laptop_restored_from_a_backup_seals_under_a_new_device(
    laptop: Laptops, tmp_path: Path
) -> None:
    from desktop.store.backup import backup
    from desktop.store.recovery import restore

    a, office = laptop("a"), laptop("office")
    a.sealed()
    made = backup(a.path, tmp_path / "backups", keep=3)
    a.sealed()  # sealed after the backup and sent ...
    take(office, send(a, tmp_path / "1.lhb"))
    old_device = a.store.device_id
    a.close()
    restore(made, a.path, reason="replaced")  # ... then the laptop goes back to the backup
    a.store = Store.open(a.path)
    assert a.store.device_id != old_device
    a.sealed()
    a.sealed()
    [done] = take(office, send(a, tmp_path / "2.lhb"))
    assert done.result.conflicts == []  # no clash with the chain the office already has
    numbers = [r[0] for r in office.store.db.conn.execute("SELECT document_no FROM seals")]
    assert len(numbers) == len(set(numbers)) == 4
    assert_verified(office.store)
    assert_verified(a.store)


def test_a_credit_code_added_later_on_a_laptop_merges_the_subject_then(
    laptop: Laptops, tmp_path: Path
) -> None:
    a, b, office = laptop("a"), laptop("b"), laptop("office")
    a_station = a.station()
    a.sealed(a_station)
    b_station = b.station(name="大民屯加油站（未登记代码）", code=None)
    b.sealed(b_station)
    take(office, send(a, tmp_path / "a.lhb"))
    take(office, send(b, tmp_path / "b1.lhb"))
    assert office.store.count_subjects() == 2
    b.store.update_subject(b_station, credit_code=STATION_CODE, phone="024-1")
    [done] = take(office, send(b, tmp_path / "b2.lhb"))
    assert done.result.conflicts == []
    merged = office.store.get_subject(b_station)
    assert (merged.merged_into, merged.phone) == (a_station, "024-1")
    assert office.store.count_subjects() == 1
    rows = office.store.list_inspections(InspectionFilter(subject_id=a_station))
    assert len(rows) == 2


def test_different_details_of_an_instrument_matched_by_serial_are_shown(
    laptop: Laptops, tmp_path: Path
) -> None:
    a, b, office = laptop("a"), laptop("b"), laptop("office")
    station = a.store.create_subject("新民农贸市场", "trade_market", credit_code=MARKET_CODE)
    a.store.create_inspection(station.id, "fuel_station", "2026.1")
    take(office, send(a, tmp_path / "a1.lhb"))
    import_bundle(
        b.store, export_bundle(office.store, tmp_path / "o.lhb", catalogue=None).files[0]
    )  # the second laptop gets the register from the office
    a.store.add_instrument(station.id, "scale", serial="S-9", certificate_no="甲-1")
    b.store.add_instrument(station.id, "scale", serial="S-9", certificate_no="乙-2")
    take(office, send(a, tmp_path / "a2.lhb"))
    [done] = take(office, send(b, tmp_path / "b.lhb"))
    assert done.result.matched["instruments"] == 1
    [conflict] = done.result.conflicts
    assert (conflict.kind, conflict.kept) == ("matched_differs", "local")
    assert conflict.lost["row"]["certificate_no"] == "乙-2"
    [scale] = office.store.instruments_of(station.id)
    assert scale.certificate_no == "甲-1"


def test_a_photo_added_at_the_office_does_not_make_the_laptops_header_a_conflict(
    laptop: Laptops, tmp_path: Path
) -> None:
    a, office = laptop("a"), laptop("office")
    inspection_id = a.draft()
    take(office, send(a, tmp_path / "1.lhb"))
    office.store.add_attachment(inspection_id, b"\x89PNG office", filename="补拍.png",
                                mime="image/png")  # fmt: skip
    a.store.save_header(inspection_id, {"place": "站房"})
    [done] = take(office, send(a, tmp_path / "2.lhb"))
    assert done.result.conflicts == []
    assert office.store.get_inspection(inspection_id).header == {"place": "站房"}


def test_checking_a_bundle_reports_the_bytes_read(laptop: Laptops, tmp_path: Path) -> None:
    a, office = laptop("a"), laptop("office")
    a.draft(photos=3)
    reports: list[tuple[str, int, int]] = []
    [path] = send(a, tmp_path / "a.lhb").files
    import_bundle(office.store, path, progress=lambda *r: reports.append(r))
    checked = [(done, total) for stage, done, total in reports if stage == "check"]
    assert len(checked) > 3
    assert checked[-1][0] == checked[-1][1] > 0  # every member, all of it
    assert [d for d, _t in checked] == sorted(d for d, _t in checked)
