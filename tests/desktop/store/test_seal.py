"""Issue 8 in the store: signatures and their alternatives, finalizing (seal, chain, document
number), the triggers that keep sealed rows and the audit log unchanged, the audit trail of
every write, amendments, and ``verify``."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from checklists.errors import InputError
from checklists.record import Issue, Location
from desktop.settings import OfficeSettings
from desktop.store import Status, Store
from desktop.store import seal as sealing
from desktop.store.errors import (
    InspectionClosedError,
    NotReadyError,
    NotSealedError,
    SealedRecordError,
)
from desktop.store.records import AnswerChange, SignatureKind, SignatureRole
from desktop.store.schema import SEAL_TRIGGERS
from desktop.store.verify import verify

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010800000000"
    "3a7e9b550000000a49444154789c63686800000082008177cd72b60000000049454e44ae426082"
)
HEADER = {"inspectors": [{"name": "王明", "certificate_no": "21010001"},
                         {"name": "李华", "certificate_no": "21010002"}]}  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "work.sqlite3") as opened:
        yield opened


def draft(store: Store, name: str = "大民屯加油站") -> str:
    subject = store.create_subject(name, "fuel_station")
    inspection = store.create_inspection(subject.id, "fuel_station", "2026.1", header=HEADER)
    store.save_answer(inspection.id, "mgmt_system", "", "yes", note="制度齐全")
    store.add_attachment(inspection.id, PNG, filename="现场.png", mime="image/png")
    return inspection.id


def sign_inspectors(store: Store, inspection_id: str) -> None:
    store.sign(inspection_id, "inspector", "drawn", name="王明", position=1, image=PNG)
    store.sign(inspection_id, "inspector", "paper", name="李华", position=2)


def sealed(store: Store, name: str = "大民屯加油站") -> str:
    inspection_id = draft(store, name)
    sign_inspectors(store, inspection_id)
    store.sign(inspection_id, "party", "paper", name="张站长")
    store.finalize(inspection_id, outcome="no_problem")
    return inspection_id


def codes(error: NotReadyError) -> list[str]:
    return [issue.code for issue in error.issues]


# ---------------------------------------------------------------- signing and finalizing


def test_finalize_says_what_signatures_are_missing(store: Store) -> None:
    inspection_id = draft(store)
    with pytest.raises(NotReadyError, match="王明尚未签名") as caught:
        store.finalize(inspection_id, outcome="correction_ordered")
    assert codes(caught.value) == [
        "inspector_signature_missing", "inspector_signature_missing",
        "party_signature_missing", "rectification_deadline_missing",
    ]  # fmt: skip
    assert caught.value.issues[0].location.field == "finalize.inspector.1"
    assert store.get_inspection(inspection_id).status is Status.DRAFT
    assert store.seal_of(inspection_id) is None


def test_the_records_own_missing_items_refuse_too(store: Store) -> None:
    inspection_id = draft(store)
    issue = Issue("required_unanswered", "缺少必答项", Location("s", "i"))
    with pytest.raises(NotReadyError, match="缺少必答项"):
        store.finalize(inspection_id, missing=[issue])
    assert store.get_inspection(inspection_id).status is Status.DRAFT


@pytest.mark.parametrize("party", ["drawn", "paper", "refused", "absent"])
def test_each_signing_alternative_finalizes(store: Store, party: str) -> None:
    inspection_id = draft(store)
    sign_inspectors(store, inspection_id)
    if party == "drawn":
        store.sign(inspection_id, "party", "drawn", name="张站长", image=PNG)
    elif party == "paper":
        store.sign(inspection_id, "party", "paper", name="张站长")
    elif party == "refused":
        store.sign(inspection_id, "party", "refused", note="当事人拒绝签名")
    else:
        store.sign(inspection_id, "party", "absent", note="负责人外出")
        with pytest.raises(NotReadyError) as caught:
            store.finalize(inspection_id)
        assert codes(caught.value) == ["witness_signature_missing"]
        store.sign(inspection_id, "witness", "drawn", name="赵见证", image=PNG)
    seal = store.finalize(inspection_id, outcome="no_problem")
    row = store.get_inspection(inspection_id)
    assert row.status is Status.FINALIZED
    assert row.outcome == "no_problem"
    assert row.ended_at is not None
    assert seal.document_no.endswith("-0001号")
    assert verify(store.db.conn).ok


def test_signature_rules(store: Store) -> None:
    inspection_id = draft(store)
    with pytest.raises(InputError, match="签名框"):
        store.sign(inspection_id, "party", "drawn", name="张站长")
    with pytest.raises(InputError, match="拒绝签名的情况"):
        store.sign(inspection_id, "party", "refused")
    with pytest.raises(InputError, match="只有当事人"):
        store.sign(inspection_id, "witness", "refused", note="x")
    with pytest.raises(InputError, match="姓名"):
        store.sign(inspection_id, "inspector", "paper", position=1)
    store.sign(inspection_id, "party", "absent")
    store.sign(inspection_id, "witness", "paper", name="赵见证")
    store.sign(inspection_id, "party", "paper", name="张站长")  # came back: no witness needed
    roles = [(s.role, s.kind) for s in store.signatures_for(inspection_id)]
    assert roles == [(SignatureRole.PARTY, SignatureKind.PAPER)]
    store.sign(inspection_id, "inspector", "drawn", name="王明", position=1, image=PNG)
    (first,) = [s for s in store.signatures_for(inspection_id) if s.role == "inspector"]
    assert store.signature_image(first.id) == PNG
    store.remove_signature(inspection_id, "inspector", 1)
    assert len(store.signatures_for(inspection_id)) == 1


def test_a_deadline_is_needed_only_with_findings(store: Store) -> None:
    inspection_id = draft(store)
    sign_inspectors(store, inspection_id)
    store.sign(inspection_id, "party", "paper", name="张站长")
    with pytest.raises(NotReadyError, match="整改期限"):
        store.finalize(inspection_id, outcome="follow_up")
    with pytest.raises(ValueError, match="Invalid isoformat"):
        store.set_rectification_deadline(inspection_id, "下周")
    store.set_rectification_deadline(inspection_id, "2026-12-15")
    store.finalize(inspection_id, outcome="follow_up")
    assert store.get_inspection(inspection_id).rectification_deadline == "2026-12-15"


def test_seals_chain_per_device_and_numbers_never_repeat(store: Store) -> None:
    first, second = sealed(store, "甲加油站"), sealed(store, "乙加油站")
    a, b = store.seal_of(first), store.seal_of(second)
    assert a is not None
    assert b is not None
    assert (a.sequence, b.sequence) == (1, 2)
    assert a.prev_seal_hash == sealing.GENESIS
    assert b.prev_seal_hash == a.seal_hash
    code = sealing.device_code(store.device_id)
    assert a.document_no == f"计检〔{a.number_year}〕{code}-0001号"
    assert b.document_no == f"计检〔{a.number_year}〕{code}-0002号"
    assert a.actor == "王明、李华"
    assert sealing.device_code("another laptop") != code


def test_the_number_pattern_is_a_setting(store: Store) -> None:
    store.save_office_settings(
        OfficeSettings(number_pattern="辽{unit}检〔{year}〕{device}{seq:03d}")
    )
    inspection_id = sealed(store)
    seal = store.seal_of(inspection_id)
    assert seal is not None
    assert seal.document_no.endswith(f"{sealing.device_code(store.device_id)}001")
    for bad, message in (("〔{year}〕{seq}号", "必须包含"), ("{device}{seq}{nope}", "无效")):
        store.save_office_settings(OfficeSettings(number_pattern=bad))
        other = draft(store, "丙加油站")
        sign_inspectors(store, other)
        store.sign(other, "party", "paper", name="张站长")
        with pytest.raises(InputError, match=message):
            store.finalize(other)


# ---------------------------------------------------------------- sealed means read-only


def test_the_store_refuses_changes_to_a_sealed_record(store: Store) -> None:
    inspection_id = sealed(store)
    with pytest.raises(InspectionClosedError):
        store.save_answer(inspection_id, "mgmt_system", "", "no")
    with pytest.raises(InspectionClosedError):
        store.save_header(inspection_id, {})
    with pytest.raises(InspectionClosedError):
        store.sign(inspection_id, "party", "refused", note="x")
    with pytest.raises(InspectionClosedError):
        store.finalize(inspection_id)
    with pytest.raises(InspectionClosedError):
        store.add_attachment(inspection_id, b"x", filename="x", mime="x/x")


SQL_REFUSED = [
    "UPDATE answers SET value = '\"no\"' WHERE inspection_id = :id",
    "DELETE FROM answers WHERE inspection_id = :id",
    (
        "INSERT INTO answers (id, created_at, updated_at, device_id, inspection_id, item_id, "
        "value) VALUES ('x', '', '', '', :id, 'new', '1')"
    ),
    "UPDATE attachments SET caption = 'x' WHERE inspection_id = :id",
    "DELETE FROM attachments WHERE inspection_id = :id",
    "UPDATE signatures SET name = 'x' WHERE inspection_id = :id",
    "DELETE FROM signatures WHERE inspection_id = :id",
    "UPDATE inspections SET note = 'x' WHERE id = :id",
    "UPDATE inspections SET status = 'draft' WHERE id = :id",
    "DELETE FROM inspections WHERE id = :id",
    "UPDATE seals SET document_no = 'x' WHERE inspection_id = :id",
    "DELETE FROM seals WHERE inspection_id = :id",
    "UPDATE audit_log SET actor = 'x'",
    "DELETE FROM audit_log",
]


@pytest.mark.parametrize("sql", SQL_REFUSED)
def test_the_database_itself_refuses_changes_to_sealed_rows_and_the_log(
    store: Store, sql: str
) -> None:
    inspection_id = sealed(store)
    with pytest.raises(sqlite3.IntegrityError, match=r"sealed|append-only"), store.db.atomic():
        store.db.conn.execute(sql, {"id": inspection_id})
    assert verify(store.db.conn).ok


def test_a_refused_write_reads_as_a_user_error() -> None:
    from desktop.store.errors import translate

    error = translate(sqlite3.IntegrityError("the inspection is sealed"), None)
    assert isinstance(error, SealedRecordError)
    assert "更正" in str(error)


# ---------------------------------------------------------------- audit


def test_every_write_leaves_an_audit_line_in_the_same_transaction(store: Store) -> None:
    def count() -> int:
        return int(store.db.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])

    before = count()
    inspection_id = sealed(store)
    actions = [e.action for e in store.audit_for(inspection_id)]
    assert actions == ["create", "answer", "attach", "sign", "sign", "sign", "finalize"]
    answer = store.audit_for(inspection_id)[1]
    assert answer.actor == "王明、李华"
    assert answer.details["value"] == "yes"
    assert answer.details["item_id"] == "mgmt_system"
    assert count() == before + 1 + len(actions)  # and the subject's "create"
    with pytest.raises(InspectionClosedError):
        store.save_answer(inspection_id, "mgmt_system", "", "no")
    assert count() == before + 1 + len(actions)  # a refused write leaves no line
    store.amend(inspection_id, "笔误", [AnswerChange("mgmt_system", "", "no")])
    assert store.audit_for(inspection_id)[-1].action == "amend"


def test_an_answers_audit_line_says_what_was_saved(store: Store) -> None:
    inspection_id = draft(store)
    store.save_answer(inspection_id, "scale_seal", "", {"runs": [1.5, "量"]}, note='说明"引号"\\')
    store.save_answer(inspection_id, "scale_seal", "", None)  # note None: the note is kept
    lines = store.audit_for(inspection_id)
    first, second = (e for e in lines if e.details.get("item_id") == "scale_seal")
    assert (first.record_id, first.actor) == (inspection_id, "王明、李华")
    assert first.details == {
        "item_id": "scale_seal", "instance_key": "", "value": {"runs": [1.5, "量"]},
        "note": '说明"引号"\\', "revision": 1,
    }  # fmt: skip
    assert second.details == {
        "item_id": "scale_seal", "instance_key": "", "value": None, "note": None, "revision": 2,
    }  # fmt: skip
    answer = store.answers_for(inspection_id)[("scale_seal", "")]
    assert first.at <= second.at == answer.updated_at  # the change's own timestamp


def test_lines_written_in_the_same_millisecond_keep_their_order(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The log is read ordered by (at, id); ids of one process increase, so a burst of
    keystrokes within one millisecond reads back in the order it was typed."""
    import desktop.store.audit
    import desktop.store.store

    inspection_id = draft(store)
    for module in (desktop.store.store, desktop.store.audit):
        monkeypatch.setattr(module, "utc_now", lambda: "2026-05-11T01:02:03.004Z")
    for n in range(30):
        store.save_answer(inspection_id, "scale_seal", "", "量" * n)
    store.set_outcome(inspection_id, "compliant")
    lines = [e for e in store.audit_for(inspection_id) if e.at == "2026-05-11T01:02:03.004Z"]
    assert [e.details.get("revision") for e in lines[:30]] == list(range(1, 31))
    assert lines[-1].action == "outcome"


def test_other_records_are_audited_with_the_device_user(store: Store) -> None:
    subject = store.create_subject("某超市", "supermarket")
    store.update_subject(subject.id, phone="024-1234567")
    entries = store.audit_for(subject.id)
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].details == {"phone": "024-1234567"}
    assert entries[0].actor


# ---------------------------------------------------------------- amendments


def test_an_amendment_keeps_the_original_and_verifies(store: Store) -> None:
    inspection_id = sealed(store)
    with pytest.raises(InputError, match="理由"):
        store.amend(inspection_id, "  ", [AnswerChange("mgmt_system", "", "no")])
    first = store.amend(inspection_id, "笔误：实为未建立", [AnswerChange("mgmt_system", "", "no")])
    second = store.amend(
        inspection_id, "补记", [AnswerChange("mgmt_system", "", "no", note="见整改通知")]
    )
    seal = store.seal_of(inspection_id)
    assert seal is not None
    assert first.prev_hash == seal.seal_hash
    assert second.prev_hash == first.hash
    assert first.changes[0].old == "yes"
    assert second.changes[0].old == "no"
    assert store.answers_for(inspection_id)["mgmt_system", ""].value == "yes"  # the original
    effective = store.effective_answers(inspection_id)["mgmt_system", ""]
    assert (effective.value, effective.note) == ("no", "见整改通知")
    assert [a.reason for a in store.amendments_for(inspection_id)] == ["笔误：实为未建立", "补记"]
    report = verify(store.db.conn)
    assert report.ok
    assert report.amendments == 2


def test_a_draft_is_not_amended(store: Store) -> None:
    with pytest.raises(NotSealedError):
        store.amend(draft(store), "x", [AnswerChange("mgmt_system", "", "no")])


# ---------------------------------------------------------------- verify


def _drop_triggers(store: Store) -> None:
    for name in SEAL_TRIGGERS:
        store.db.conn.execute(f"DROP TRIGGER IF EXISTS {name}")


def _problems(store: Store) -> list[str]:
    return [p.line() for p in verify(store.db.conn).problems]


def test_verify_names_a_record_changed_behind_the_apps_back(store: Store) -> None:
    good, bad = sealed(store, "甲加油站"), sealed(store, "乙加油站")
    with store.db.atomic():
        _drop_triggers(store)
        store.db.conn.execute("UPDATE answers SET value = '\"no\"' WHERE inspection_id = ?", (bad,))
    problems = [p for p in verify(store.db.conn).problems if p.inspection_id]
    assert [p.inspection_id for p in problems] == [bad]
    assert "乙加油站" in problems[0].line()
    assert "封存校验值不符" in problems[0].what
    assert good != bad
    assert any("保护触发器" in line for line in _problems(store))


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("DELETE FROM seals WHERE sequence = 1", "封存序号跳过了 1–1"),
        ("UPDATE seals SET prev_seal_hash = seal_hash WHERE sequence = 2", "封存链断开"),
        ("UPDATE attachments SET data = x'00'", "附件“现场.png”的内容与其校验值不符"),
        ("UPDATE signatures SET image = x'00' WHERE kind = 'drawn'", "签名图像"),
        ("UPDATE amendments SET reason = '另一理由'", "更正的校验值不符"),
        ("DELETE FROM amendments", "更正"),  # nothing left to check: see below
    ],
)
def test_verify_finds_each_kind_of_break(store: Store, sql: str, message: str) -> None:
    sealed(store, "甲加油站")
    second = sealed(store, "乙加油站")
    store.amend(second, "笔误", [AnswerChange("mgmt_system", "", "no")])
    with store.db.atomic():
        _drop_triggers(store)
        store.db.conn.execute(sql)
        store.db.conn.execute("DELETE FROM inspections WHERE status = 'x'")
    problems = _problems(store)
    if sql == "DELETE FROM amendments":  # a deleted last amendment leaves no trace but triggers
        assert all("保护触发器" in p for p in problems)
        return
    assert any(message in p for p in problems), problems


def test_verify_finds_a_finalized_record_without_seal(store: Store) -> None:
    inspection_id = sealed(store)
    with store.db.atomic():
        _drop_triggers(store)
        store.db.conn.execute("DELETE FROM seals")
    assert any("没有封存" in p and inspection_id in p for p in _problems(store))


def test_canonical_form_is_deterministic_and_versioned() -> None:
    content = sealing.Content(
        inspection=dict.fromkeys(sealing.INSPECTION_FIELDS),
        answers=[("b", "", '"yes"', None), ("a", "x:1", '{"v":"19.930"}', "量")],
        attachments=[],
        signatures=[],
    )
    seal = dict.fromkeys(sealing.SEAL_FIELDS, 1)
    reordered = sealing.Content(content.inspection, list(reversed(content.answers)), [], [])
    assert sealing.canonical(content, seal) == sealing.canonical(reordered, seal)
    text = sealing.canonical(content, seal).decode("utf-8")
    typed = hashlib.sha256(b'{"v":"19.930"}').hexdigest()
    assert typed in text  # the value covered as the typed text, as stored
    assert "量" in text
    assert " " not in text
    with pytest.raises(ValueError, match="unknown canonical version"):
        sealing.canonical(content, {**seal, "canonical_version": 99})


def test_the_actor_follows_the_header_written_here_or_by_another_connection(
    store: Store, tmp_path: Path
) -> None:
    inspection_id = draft(store)
    store.save_answer(inspection_id, "metering_staff", "", "yes")
    assert store.audit_for(inspection_id)[-1].actor == "王明、李华"
    store.save_header(inspection_id, {"inspectors": [{"name": "赵强", "certificate_no": "1"}]})
    store.save_answer(inspection_id, "metering_staff", "", "no")
    assert store.audit_for(inspection_id)[-1].actor == "赵强"
    with Store.open(store.path) as other:  # e.g. an import running beside the GUI
        other.save_header(inspection_id, {"inspectors": [{"name": "钱进", "certificate_no": "2"}]})
    store.save_answer(inspection_id, "metering_staff", "", "na")
    assert store.audit_for(inspection_id)[-1].actor == "钱进"
