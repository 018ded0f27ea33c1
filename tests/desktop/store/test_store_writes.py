"""The writer's operations: one per user action, each one transaction, revisions counted."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.store import InspectionFilter, Status, Store
from desktop.store.errors import (
    AttachmentTooLargeError,
    DatabaseDamagedError,
    DuplicateCreditCodeError,
    InspectionClosedError,
    RecordNotFoundError,
)
from desktop.store.store import MAX_ATTACHMENT_BYTES

CODE = "91210181MA0Y8K2L0C"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "work.sqlite3") as opened:
        yield opened


def _station(store: Store, name: str = "新民市大民屯加油站", **fields: object) -> str:
    return store.create_subject(name, "fuel_station", township="大民屯镇", **fields).id


def _draft(store: Store, subject_id: str | None = None, day: str = "2026-05-11") -> str:
    subject_id = subject_id or _station(store)
    header = {"inspectors": [{"name": "王立新", "certificate_no": "1"}, {"name": "刘丽"}]}
    inspection = store.create_inspection(
        subject_id, "fuel_station", "2026.1", inspection_date=day, header=header
    )
    return inspection.id


def test_subject_is_stamped_with_uuid_revision_utc_and_device(store: Store) -> None:
    subject = store.create_subject(" 大民屯加油站 ", "fuel_station", credit_code=" " + CODE.lower())
    assert len(subject.id) == 36
    assert subject.id[14] == "7"  # UUID version 7
    assert subject.name == "大民屯加油站"
    assert subject.credit_code == CODE
    assert subject.revision == 1
    assert subject.created_at.endswith("Z")
    assert subject.updated_at == subject.created_at
    assert subject.device_id == store.device_id
    changed = store.update_subject(subject.id, phone="024-87654321")
    assert (changed.revision, changed.phone) == (2, "024-87654321")
    assert changed.updated_at >= subject.updated_at


def test_a_credit_code_registers_one_subject_only(store: Store) -> None:
    first = _station(store, credit_code=CODE)
    with pytest.raises(DuplicateCreditCodeError, match="已登记为“新民市大民屯加油站”"):
        _station(store, "另一个名字", credit_code=CODE)
    other = _station(store, "无代码的个体户")
    with pytest.raises(DuplicateCreditCodeError):
        store.update_subject(other, credit_code=CODE)
    store.update_subject(first, credit_code=CODE)  # its own code is no conflict
    assert store.subject_by_credit_code(CODE.lower()) is not None
    assert len(store.search_subjects()) == 2


def test_unknown_columns_are_refused(store: Store) -> None:
    subject_id = _station(store)
    with pytest.raises(ValueError, match="revision"):
        store.update_subject(subject_id, revision=99)


def test_instruments_keep_order_parents_and_seals(store: Store) -> None:
    subject_id = _station(store)
    dispenser = store.add_instrument(
        subject_id,
        "dispenser",
        label="1号加油机",
        position=1,
        serial="ZX-1",
        seal_numbers=["A1", "A2", "A3"],
        valid_until="2026-10-31",
    )
    nozzle = store.add_instrument(
        subject_id, "nozzle", parent_id=dispenser.id, label="1号枪", position=2
    )
    assert [i.id for i in store.instruments_of(subject_id)] == [dispenser.id, nozzle.id]
    assert dispenser.seal_numbers == ("A1", "A2", "A3")
    store.update_instrument(nozzle.id, in_use=False)
    assert [i.id for i in store.instruments_of(subject_id)] == [dispenser.id]
    assert len(store.instruments_of(subject_id, include_retired=True)) == 2
    with pytest.raises(RecordNotFoundError, match="被检查单位"):
        store.add_instrument("no-such-subject", "scale")
    with pytest.raises(ValueError, match="Invalid isoformat"):
        store.add_instrument(subject_id, "scale", valid_until="明年")


def test_standards_register(store: Store) -> None:
    measure = store.add_standard("二等标准金属量器 20 L", "measure_20l", serial="JL-1")
    store.add_standard("数字温度计", "thermometer", valid_until="2026-01-01")
    assert len(store.list_standards()) == 2
    store.update_standard(measure.id, in_use=False)
    assert [s.kind for s in store.list_standards()] == ["thermometer"]


def test_inspection_copies_the_subject_as_it_is_today(store: Store) -> None:
    subject_id = _station(store, credit_code=CODE)
    inspection = store.get_inspection(_draft(store, subject_id))
    store.update_subject(subject_id, name="改名后的加油站", township="新柳街道")
    again = store.get_inspection(inspection.id)
    assert (again.subject_name, again.township) == ("新民市大民屯加油站", "大民屯镇")
    assert again.subject_credit_code == CODE
    assert again.status is Status.DRAFT
    assert again.checklist_version == "2026.1"


def test_save_answer_counts_revisions_and_keeps_notes(store: Store) -> None:
    inspection_id = _draft(store)
    assert store.save_answer(inspection_id, "mgmt_system", "", "yes", "制度齐全") == 1
    assert store.save_answer(inspection_id, "mgmt_system", "", "no") == 2
    key = "dispenser:1/nozzle:2"
    value = {"inputs": {"indicated": "20.00"}, "result": {"verdict": "pass", "limit": {}}}
    assert store.save_answer(inspection_id, "nozzle_error", key, value) == 1
    answers = store.answers_for(inspection_id)
    assert answers["mgmt_system", ""].value == "no"
    assert answers["mgmt_system", ""].note == "制度齐全"  # None keeps the note
    assert answers["nozzle_error", key].value == value
    store.save_answer(inspection_id, "mgmt_system", "", None, "")
    cleared = store.answers_for(inspection_id)["mgmt_system", ""]
    assert (cleared.value, cleared.note, cleared.revision) == (None, "", 3)


def test_an_answer_is_stamped_with_time_and_device(store: Store) -> None:
    inspection_id = _draft(store)
    store.save_answer(inspection_id, "mgmt_system", "", "yes")
    first = store.answers_for(inspection_id)["mgmt_system", ""]
    store.save_answer(inspection_id, "mgmt_system", "", "no")
    again = store.answers_for(inspection_id)["mgmt_system", ""]
    assert first.updated_at.endswith("Z")
    assert again.updated_at >= first.updated_at
    assert again.device_id == store.device_id


def test_answers_of_non_json_data_are_refused_and_nothing_is_saved(store: Store) -> None:
    inspection_id = _draft(store)
    with pytest.raises(TypeError):
        store.save_answer(inspection_id, "x", "", {1.5j})
    with pytest.raises(ValueError, match="Out of range float"):
        store.save_answer(inspection_id, "x", "", float("nan"))
    assert store.answers_for(inspection_id) == {}


def test_an_answer_whose_audit_line_fails_is_not_saved_and_the_next_one_is(
    store: Store,
) -> None:
    inspection_id = _draft(store)
    store.save_answer(inspection_id, "mgmt_system", "", "yes")
    store.db.conn.execute(
        "CREATE TEMP TRIGGER fail BEFORE INSERT ON main.audit_log "
        "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
    )
    with pytest.raises(sqlite3.IntegrityError, match="disk trouble"):
        store.save_answer(inspection_id, "mgmt_system", "", "no")
    assert not store.db.conn.in_transaction
    assert store.answers_for(inspection_id)["mgmt_system", ""].value == "yes"
    store.db.conn.execute("DROP TRIGGER temp.fail")
    assert store.save_answer(inspection_id, "mgmt_system", "", "no") == 2


def test_an_answer_saved_inside_a_callers_transaction_goes_with_it(store: Store) -> None:
    inspection_id = _draft(store)

    def give_up() -> None:
        with store.db.atomic():
            store.save_answer(inspection_id, "mgmt_system", "", "yes")
            raise RuntimeError("the caller gives up")

    with pytest.raises(RuntimeError):
        give_up()
    assert store.answers_for(inspection_id) == {}
    with store.db.atomic():
        assert store.save_answer(inspection_id, "mgmt_system", "", "yes") == 1
        assert store.db.conn.in_transaction  # still the caller's
    assert store.answers_for(inspection_id)["mgmt_system", ""].value == "yes"


def test_answers_to_a_missing_inspection_are_refused(store: Store) -> None:
    with pytest.raises(RecordNotFoundError):
        store.save_answer("missing", "x", "", "yes")


def test_not_carried_out_is_an_outcome_and_closes_the_answers(store: Store) -> None:
    inspection_id = _draft(store)
    store.save_answer(inspection_id, "mgmt_system", "", "yes")
    store.mark_not_carried_out(inspection_id, "refused", outcome="obstructed", note="拒绝签字")
    done = store.get_inspection(inspection_id)
    assert (done.status, done.not_carried_out_reason) == (Status.NOT_CARRIED_OUT, "refused")
    assert (done.outcome, done.note) == ("obstructed", "拒绝签字")
    assert done.ended_at is not None
    with pytest.raises(InspectionClosedError, match="未实施检查"):
        store.save_answer(inspection_id, "mgmt_system", "", "no")
    with pytest.raises(InspectionClosedError):
        store.mark_not_carried_out(inspection_id, "closed")
    assert store.answers_for(inspection_id)["mgmt_system", ""].revision == 1
    photo = store.add_attachment(inspection_id, b"jpeg", filename="门口.jpg", mime="image/jpeg")
    assert photo.size == 4
    store.reopen(inspection_id)
    assert store.get_inspection(inspection_id).status is Status.DRAFT
    assert store.save_answer(inspection_id, "mgmt_system", "", "no") == 2


def test_header_and_outcome(store: Store) -> None:
    inspection_id = _draft(store)
    header = {"inspectors": [{"name": "赵强", "certificate_no": "21"}], "credentials_shown": True}
    revision = store.save_header(inspection_id, header, inspecting_unit="新民市市场监督管理局")
    assert revision == 2
    assert store.set_outcome(inspection_id, "no_problem") == 3
    saved = store.get_inspection(inspection_id)
    assert saved.header == header
    assert (saved.inspecting_unit, saved.outcome) == ("新民市市场监督管理局", "no_problem")
    assert store.list_inspections()[0].inspectors == ("赵强",)


def test_attachments_keep_bytes_and_sha256(store: Store) -> None:
    inspection_id = _draft(store)
    data = bytes(range(256)) * 100
    info = store.add_attachment(
        inspection_id, data, filename="铅封.jpg", mime="image/jpeg", item_id="seal_numbers"
    )
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert info.size == len(data)
    assert store.attachments_for(inspection_id) == [info]
    assert store.attachment_bytes(info.id) == data
    store.db.conn.execute("UPDATE attachments SET data = x'00' WHERE id = ?", (info.id,))
    with pytest.raises(DatabaseDamagedError, match="校验值"):
        store.attachment_bytes(info.id)


def test_attachments_have_a_size_limit(store: Store) -> None:
    inspection_id = _draft(store)
    with pytest.raises(AttachmentTooLargeError, match="附件太大"):
        store.add_attachment(
            inspection_id, b"\0" * (MAX_ATTACHMENT_BYTES + 1), filename="x", mime="x"
        )


def test_resume_position_is_kept_per_inspection(store: Store) -> None:
    inspection_id = _draft(store)
    assert store.resume_position(inspection_id) is None
    store.set_resume_position(inspection_id, "management", "mgmt_system")
    store.set_resume_position(inspection_id, "dispenser", "seal_adjustment", "dispenser:2")
    position = store.resume_position(inspection_id)
    assert position is not None
    assert (position.section, position.item_id, position.instance_key) == (
        "dispenser",
        "seal_adjustment",
        "dispenser:2",
    )


def test_lists_filter_count_and_page(store: Store) -> None:
    market = store.create_subject("大民屯农贸市场", "market", township="大民屯镇").id
    station = _station(store, "新柳加油站", credit_code=CODE)
    store.update_subject(station, township="新柳街道")
    ids = [_draft(store, station, f"2026-05-{day:02d}") for day in range(1, 11)]
    market_id = store.create_inspection(market, "trade_market", "1", inspection_date="2026-04-30")
    store.mark_not_carried_out(ids[0], "closed", outcome="no_activity")
    assert store.count_inspections() == 11
    rows = store.list_inspections(limit=3)
    assert [r.inspection_date for r in rows] == ["2026-05-10", "2026-05-09", "2026-05-08"]
    assert [r.id for r in store.list_inspections(limit=3, offset=9)] == [ids[0], market_id.id]
    checks = {
        InspectionFilter(checklist_id="trade_market"): 1,
        InspectionFilter(township="新柳街道"): 10,
        InspectionFilter(status=Status.NOT_CARRIED_OUT): 1,
        InspectionFilter(outcome="no_activity"): 1,
        InspectionFilter(date_from="2026-05-03", date_to="2026-05-05"): 3,
        InspectionFilter(text="农贸"): 1,
        InspectionFilter(text=CODE[:8].lower()): 10,
        InspectionFilter(text="%"): 0,
        InspectionFilter(subject_id=market): 1,
    }
    for where, expected in checks.items():
        assert store.count_inspections(where) == expected, where
        assert len(store.list_inspections(where)) == expected, where
    assert len(list(store.iter_inspections())) == 11


def test_subject_search_uses_trigrams_and_like(store: Store) -> None:
    station = _station(store, "沈阳市和平区太原街加油站", address="和平区太原北街 1 号")
    _station(store, "大连市瓦房店复州城加油站")
    assert [s.id for s in store.search_subjects("太原街")] == [station]
    assert [s.id for s in store.search_subjects("太原北街")] == [station]  # address
    assert [s.id for s in store.search_subjects("和平")] == [station]  # 2 characters: LIKE
    assert len(store.search_subjects("加油站")) == 2
    assert store.search_subjects('"引号') == []


def test_a_reader_sees_committed_answers_and_cannot_write(store: Store) -> None:
    inspection_id = _draft(store)
    with store.reader() as reader:
        store.save_answer(inspection_id, "mgmt_system", "", "yes")
        assert reader.answers_for(inspection_id)["mgmt_system", ""].value == "yes"
        with pytest.raises(Exception, match="readonly"):
            reader.db.conn.execute("DELETE FROM answers")


def test_demo_mark(store: Store) -> None:
    assert not store.is_demo
    store.mark_demo()
    assert store.is_demo


def test_office_settings_are_kept_with_the_database(tmp_path: Path) -> None:
    from desktop.settings import Inspector, OfficeSettings

    path = tmp_path / "office.sqlite3"
    settings = OfficeSettings(
        agency="法库县市场监督管理局",
        inspecting_unit="法库县市场监督管理局",
        inspectors=(Inspector("王明", "1"), Inspector("李华", "2")),
    )
    with Store.open(path) as store:
        assert store.office_settings() == OfficeSettings()
        store.save_office_settings(settings)
        store.save_office_settings(settings)  # replacing is idempotent
    with Store.open(path) as store:
        assert store.office_settings() == settings
        assert store.reader().office_settings() == settings
