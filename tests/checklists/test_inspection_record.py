"""The inspection record: conditions, repetition, findings, readiness and outcome."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checklists.catalogue import shipped_checklists
from checklists.errors import InputError
from checklists.header import Header, Inspector, MeasuringStandard, Representative, Subject
from checklists.outcome import NotCarriedOutReason, PublishedResult
from checklists.record import (
    Inspection,
    Issue,
    Location,
    NotCarriedOut,
    Status,
    make_instance_key,
)
from checklists.schema import NEVER, YES, Checklist, Item, ItemKind, Measure, Severity

CHECKLISTS = {c.id: c for c in shipped_checklists()}
DAY = date(2026, 11, 20)
D1 = make_instance_key(("dispenser", 1))
D1N1 = make_instance_key(("dispenser", 1), ("nozzle", 1))
D1N2 = make_instance_key(("dispenser", 1), ("nozzle", 2))


def header() -> Header:
    return Header(
        subject=Subject(
            "某某加油站", "91350100M000100Y43", "某县某路1号", "城关镇", "fuel_station"
        ),
        representative=Representative("王站长", "350100198001010011", "13800000000", "站长"),
        started_at="2026-11-20T09:30",
        place="某某加油站加油区",
        inspectors=[Inspector("张三", "35010001"), Inspector("李四", "35010002")],
        recorder="李四",
        inspecting_unit="某县市场监督管理局",
        standards=[MeasuringStandard("二等标准金属量器 20 L", "JD-2026-001", "2027-06-30")],
        credentials_shown=True,
    )


def result(verdict: str, explanation: str = "", clause: str = "") -> dict[str, Any]:
    basis = [{"document": "JJG 443-2023", "edition": "2023", "clause": clause, "verified": True}]
    return {"rule": "x", "verdict": verdict, "basis": basis, "explanation": explanation}


def runs(*verdicts: str) -> dict[str, Any]:
    return {"runs": [{"inputs": {"n": i}, "result": result(v)} for i, v in enumerate(verdicts)]}


def passing_value(item: Item) -> Any:
    if item.kind is ItemKind.YES_NO:
        return "no" if item.fail_on == YES else "yes"
    if item.kind is ItemKind.CHOICE:
        return next(o.value for o in item.options if not o.fails)
    if item.kind is ItemKind.NUMBER:
        return str(item.minimum if item.minimum is not None else "0") if not item.integer else "50"
    if item.kind is ItemKind.DATE:
        return "2026-11-01"
    if item.kind is ItemKind.PHOTO:
        return ["photo-1"]
    if item.kind is ItemKind.MEASUREMENT:
        return runs(*["pass"] * item.runs)
    return "记录"


def answer_everything(inspection: Inspection, **overrides: Any) -> None:
    """Answer every visible item conformingly (repeat: answers reveal more items)."""
    changed = True
    while changed:
        changed = False
        for visible in list(inspection.visible_items()):
            key = (visible.item.id, visible.instance_key)
            if key in inspection.answers:
                continue
            value = overrides.get(visible.item.id, passing_value(visible.item))
            inspection.set_answer(visible.item.id, value, visible.instance_key)
            changed = True


def fuel(dispensers: int = 1, nozzles: int = 2) -> Inspection:
    inspection = Inspection(CHECKLISTS["fuel_station"], header=header())
    for d in range(1, dispensers + 1):
        inspection.add_instance(make_instance_key(("dispenser", d)), f"{d}号加油机")
        for n in range(1, nozzles + 1):
            key = make_instance_key(("dispenser", d), ("nozzle", n))
            inspection.add_instance(key, f"{n}号枪")
    return inspection


def codes(issues: tuple[Issue, ...]) -> list[str]:
    return [issue.code for issue in issues]


# ------------------------------------------------------------------ fully answered


def test_a_fully_answered_conforming_inspection_is_ready_with_no_problem() -> None:
    inspection = fuel()
    answer_everything(inspection)
    assert inspection.findings() == []
    readiness = inspection.readiness(today=DAY)
    assert readiness.ready, readiness.missing
    assert readiness.pending == ()
    outcome = inspection.outcome()
    assert outcome.result is PublishedResult.NO_PROBLEM
    assert outcome.result.label == "未发现问题"
    assert not outcome.provisional


@pytest.mark.parametrize("checklist_id", sorted(CHECKLISTS))
def test_every_shipped_checklist_can_be_completed(checklist_id: str) -> None:
    checklist = CHECKLISTS[checklist_id]
    inspection = Inspection(checklist, header=header())
    for section in checklist.sections:
        for depth in range(1, len(section.scope) + 1):
            key = make_instance_key(*[(kind, 1) for kind in section.scope[:depth]])
            if not any(i.key == key for i in inspection.instances):
                inspection.add_instance(key)
    answer_everything(inspection, lot_method="on_site")
    readiness = inspection.readiness(today=DAY)
    assert readiness.ready, readiness.missing
    assert inspection.outcome().result is PublishedResult.NO_PROBLEM


# ------------------------------------------------------------------ partly answered


def test_an_empty_record_lists_what_is_missing_with_locations() -> None:
    inspection = Inspection(CHECKLISTS["fuel_station"], header=header())
    readiness = inspection.readiness(today=DAY)
    assert not readiness.ready
    unanswered = [i for i in readiness.missing if i.code == "required_unanswered"]
    assert unanswered[0].location == Location(section_id="management", item_id="mgmt_system")
    no_dispenser = [i for i in readiness.missing if i.code == "no_instances"]
    assert [i.location.section_id for i in no_dispenser] == ["dispenser"]
    assert "至少需要 1 个加油机" in no_dispenser[0].message


def test_a_partly_answered_record_points_at_each_missing_nozzle_item() -> None:
    inspection = fuel()
    answer_everything(inspection)
    inspection.clear_answer("nozzle_error", D1N2)
    inspection.set_answer("nozzle_error", runs("pass", "pass"), D1N2)  # two of three runs
    missing = inspection.readiness(today=DAY).missing
    assert codes(missing) == ["required_unanswered"]
    assert missing[0].location == Location("nozzle", "nozzle_error", D1N2)
    assert "1号加油机 / 2号枪" in missing[0].message
    assert inspection.evaluate(inspection.checklist.item("nozzle_error"), D1N2).reason == (
        "已完成 2/3 次测量"
    )


def test_a_dispenser_without_nozzles_is_missing_its_nozzles() -> None:
    inspection = fuel(nozzles=0)
    answer_everything(inspection)
    missing = inspection.readiness(today=DAY).missing
    assert codes(missing) == ["no_instances"]
    assert missing[0].location.instance_key == D1


def test_optional_items_may_stay_empty() -> None:
    inspection = fuel()
    answer_everything(inspection)
    inspection.clear_answer("other_notes", "")
    assert inspection.readiness(today=DAY).ready


def test_an_invalid_typed_number_blocks_finalizing_but_is_kept() -> None:
    inspection = fuel()
    answer_everything(inspection)
    inspection.set_answer("nozzle_repeatability", "0,08", D1N1)
    missing = inspection.readiness(today=DAY).missing
    assert codes(missing) == ["invalid_answer"]
    assert "不是数值" in missing[0].message
    assert inspection.answer("nozzle_repeatability", D1N1).value == "0,08"  # type: ignore[union-attr]


# ------------------------------------------------------------------ header preconditions


def test_credentials_not_shown_blocks_finalizing() -> None:
    inspection = fuel()
    answer_everything(inspection)
    inspection.header.credentials_shown = False
    missing = inspection.readiness(today=DAY).missing
    assert codes(missing) == ["credentials_not_shown"]
    assert missing[0].location.field == "header.credentials_shown"


def test_two_inspectors_with_certificate_numbers_are_required() -> None:
    inspection = fuel()
    answer_everything(inspection)
    inspection.header.inspectors[1] = Inspector("李四", "")
    missing = inspection.readiness(today=DAY).missing
    assert codes(missing) == ["inspector_incomplete", "too_few_inspectors"]
    assert missing[0].location.field == "header.inspectors[1]"


def test_an_absent_representative_needs_a_note() -> None:
    inspection = fuel()
    answer_everything(inspection)
    inspection.header.representative = None
    assert codes(inspection.readiness(today=DAY).missing) == ["representative_missing"]
    inspection.header.representative_absent_note = "负责人外出，邀请见证人赵五在场"
    assert inspection.readiness(today=DAY).ready


def test_measurements_need_the_standards_used() -> None:
    inspection = fuel()
    answer_everything(inspection)
    inspection.header.standards = []
    assert codes(inspection.readiness(today=DAY).missing) == ["standards_missing"]


def test_an_expired_standard_is_a_warning_not_a_blocker() -> None:
    inspection = fuel()
    answer_everything(inspection)
    inspection.header.standards[0].valid_until = "2026-11-19"
    readiness = inspection.readiness(today=DAY)
    assert readiness.ready
    assert codes(readiness.warnings) == ["standard_expired"]
    assert "已于 2026-11-19 过期" in readiness.warnings[0].message


def test_the_extension_point_adds_finalize_checks() -> None:
    inspection = fuel()
    answer_everything(inspection)

    def signatures(_inspection: Inspection) -> list[Issue]:
        return [Issue("signature_missing", "当事人未签名", Location(field="signatures"))]

    readiness = inspection.readiness(today=DAY, extra_checks=[signatures])
    assert codes(readiness.missing) == ["signature_missing"]


# ------------------------------------------------------------------ findings


def test_a_failing_seal_on_one_dispenser_is_a_finding_with_basis_and_measures() -> None:
    inspection = fuel(dispensers=2)
    answer_everything(inspection)
    d2 = make_instance_key(("dispenser", 2))
    inspection.set_answer("seal_encoder", "no", d2)
    [finding] = inspection.findings()
    assert finding.key == ("seal_encoder", d2)
    assert finding.instance_label == "2号加油机"
    assert finding.reason == "回答为“否”"
    assert finding.severity is Severity.SERIOUS
    assert finding.measures == (Measure.STOP_USE, Measure.INVESTIGATE)
    assert [b.cite() for b in finding.basis] == [
        "JJG 443-2023《燃油加油机检定规程（试行）》",
        "《加油站计量监督管理办法》（原国家质检总局令第35号，经修订） 第五条第（七）项",
    ]
    assert "铅封" in finding.penalty


def test_a_failing_measurement_carries_the_rule_basis_and_explanation() -> None:
    inspection = fuel()
    answer_everything(inspection)
    value = runs("pass", "pass", "pass")
    value["runs"][1]["result"] = result("fail", "第2次误差 +0.33% 超出 ±0.30%", clause="表1")
    inspection.set_answer("nozzle_error", value, D1N1)
    [finding] = inspection.findings()
    assert finding.key == ("nozzle_error", D1N1)
    assert finding.reason == "第2次误差 +0.33% 超出 ±0.30%"
    assert finding.basis[-1].clause == "表1"
    assert finding.basis[0].document.startswith("JJG 443-2023")


def test_an_indeterminate_measurement_is_a_warning_not_a_finding() -> None:
    inspection = fuel()
    answer_everything(inspection)
    inspection.set_answer("nozzle_error", runs("pass", "indeterminate", "pass"), D1N1)
    readiness = inspection.readiness(today=DAY)
    assert inspection.findings() == []
    assert readiness.ready
    assert codes(readiness.warnings) == ["indeterminate"]


def test_a_failing_choice_is_a_finding_and_a_passing_one_is_not() -> None:
    inspection = fuel()
    answer_everything(inspection)
    inspection.set_answer("disp_verification", "overdue", D1)
    [finding] = inspection.findings()
    assert finding.reason == "超过检定周期"
    inspection.set_answer("disp_verification", "in_period", D1)
    assert inspection.findings() == []


def test_a_remark_is_recorded_but_never_a_finding() -> None:
    inspection = fuel()
    answer_everything(inspection)
    inspection.set_answer("nozzle_repeatability", "0.15", D1N1)
    assert inspection.findings() == []
    [remark] = inspection.remarks()
    assert remark.key == ("nozzle_repeatability", D1N1)
    assert remark.reason == "0.15% 超出允许范围 ～0.10%"
    assert inspection.outcome().result is PublishedResult.NO_PROBLEM


def test_a_negatively_phrased_question_fails_on_yes() -> None:
    market = Inspection(CHECKLISTS["trade_market"], header=header())
    market.add_instance("stall:1", "张三")
    answer_everything(market)
    market.set_answer("stall_price_tag_jin", "yes", "stall:1")
    assert [r.item.id for r in market.remarks()] == ["stall_price_tag_jin"]


def test_not_applicable_is_allowed_only_where_the_item_allows_it() -> None:
    inspection = fuel()
    answer_everything(inspection)
    inspection.set_not_applicable("disp_repair", D1)
    assert inspection.evaluate(inspection.checklist.item("disp_repair"), D1).status is (
        Status.NOT_APPLICABLE
    )
    with pytest.raises(InputError, match="不能选“不适用”"):
        inspection.set_not_applicable("nozzle_error", D1N1)


# ------------------------------------------------------------------ conditions


def test_a_conditional_item_appears_only_for_the_given_answer() -> None:
    market = Inspection(CHECKLISTS["trade_market"], header=header())
    item = market.checklist.item("fair_scale_check")
    assert not market.is_visible(item)
    market.set_answer("org_fair_scale", "yes")
    assert market.is_visible(item)
    market.set_answer("org_fair_scale", "no")
    assert not market.is_visible(item)


def test_answers_to_hidden_items_are_kept_but_ignored() -> None:
    market = Inspection(CHECKLISTS["trade_market"], header=header())
    market.add_instance("stall:1", "张三")
    answer_everything(market)
    market.set_answer("fair_scale_verification", "overdue")
    assert [f.item.id for f in market.findings()] == ["fair_scale_verification"]
    market.set_answer("org_fair_scale", "no")
    assert [f.item.id for f in market.findings()] == ["org_fair_scale"]
    assert market.answer("fair_scale_verification") is not None


def test_a_whole_section_follows_its_condition_per_instance() -> None:
    prepackaged = Inspection(CHECKLISTS["prepackaged"], header=header())
    prepackaged.add_instance("lot:1", "大米 5 kg")
    prepackaged.add_instance("lot:2", "食用油 1.8 L")
    prepackaged.set_answer("lot_method", "laboratory", "lot:1")
    prepackaged.set_answer("lot_method", "on_site", "lot:2")
    shown = {(v.section.id, v.instance_key) for v in prepackaged.visible_items()}
    assert ("sampling", "lot:1") in shown
    assert ("sampling", "lot:2") not in shown
    assert ("on_site_test", "lot:2") in shown
    assert ("on_site_test", "lot:1") not in shown


def test_all_conditions_must_hold() -> None:
    pledge = Inspection(CHECKLISTS["honest_pledge"], header=header())
    recommendation = pledge.checklist.item("demo_title_recommendation")
    pledge.set_answer("pledge_result", "broken")
    assert not pledge.is_visible(recommendation)
    pledge.set_answer("holds_demo_title", "yes")
    assert pledge.is_visible(recommendation)
    pledge.set_answer("pledge_result", "basically_kept")
    assert not pledge.is_visible(recommendation)


# ------------------------------------------------------------------ repetition


def test_instance_labels_follow_the_nesting_not_the_text_prefix() -> None:
    inspection = fuel(dispensers=10, nozzles=1)
    d10n1 = make_instance_key(("dispenser", 10), ("nozzle", 1))
    assert inspection.instance_label(d10n1) == "10号加油机 / 1号枪"


def test_instances_must_fit_the_checklist_and_have_their_parent() -> None:
    inspection = Inspection(CHECKLISTS["fuel_station"])
    with pytest.raises(InputError, match="请先添加“dispenser:1”"):
        inspection.add_instance(D1N1)
    with pytest.raises(InputError, match="没有按“stall:1”重复"):
        inspection.add_instance("stall:1")
    inspection.add_instance(D1)
    with pytest.raises(InputError, match="已存在"):
        inspection.add_instance(D1)


def test_answers_must_name_an_existing_instance_of_the_right_kind() -> None:
    inspection = fuel()
    with pytest.raises(InputError, match="不属于"):
        inspection.set_answer("seal_encoder", "yes")  # a dispenser item without its dispenser
    with pytest.raises(InputError, match="不属于"):
        inspection.set_answer("seal_encoder", "yes", make_instance_key(("dispenser", 9)))
    with pytest.raises(InputError, match="没有检查项"):
        inspection.set_answer("no_such_item", "yes")


@pytest.mark.parametrize(
    ("item_id", "value"),
    [
        ("mgmt_system", "maybe"),
        ("mgmt_system", True),
        ("other_notes", 3),
        ("site_photos", "photo-1"),
        ("nozzle_fuel", "hydrogen"),
        ("nozzle_error", [1, 2, 3]),
    ],
)
def test_a_wrongly_shaped_answer_is_refused(item_id: str, value: Any) -> None:
    inspection = fuel()
    key = D1N1 if inspection.checklist.section_of(item_id).scope else ""
    with pytest.raises(InputError):
        inspection.set_answer(item_id, value, key)


# ------------------------------------------------------------------ outcome


def test_findings_closed_by_an_order_to_correct_are_published_as_corrected() -> None:
    inspection = fuel()
    answer_everything(inspection)
    inspection.set_answer("metering_staff", "no")
    outcome = inspection.outcome()
    assert outcome.result is PublishedResult.CORRECTION_ORDERED
    assert outcome.findings == 1


def test_a_finding_that_opens_a_case_is_published_as_pending_follow_up() -> None:
    inspection = fuel()
    answer_everything(inspection)
    inspection.set_answer("metering_staff", "no")
    inspection.set_answer("disp_no_tampering", "no", D1)
    assert inspection.outcome().result is PublishedResult.FOLLOW_UP
    inspection.measures_taken[("disp_no_tampering", D1)] = (Measure.STOP_USE,)
    assert inspection.outcome().result is PublishedResult.CORRECTION_ORDERED
    inspection.measures_taken[("disp_no_tampering", D1)] = ()
    assert inspection.outcome().result is PublishedResult.FOLLOW_UP


def test_pending_laboratory_results_allow_finalizing_and_make_the_outcome_provisional() -> None:
    prepackaged = Inspection(CHECKLISTS["prepackaged"], header=header())
    prepackaged.add_instance("lot:1", "大米 5 kg")
    prepackaged.set_answer("lot_method", "laboratory", "lot:1")
    answer_everything(prepackaged)
    for item_id in ("lab_institute", "lab_report_no", "lab_report_date", "lab_net_content"):
        prepackaged.clear_answer(item_id, "lot:1")
    readiness = prepackaged.readiness(today=DAY)
    assert readiness.ready, readiness.missing
    assert codes(readiness.pending) == ["laboratory_pending"] * 4
    assert readiness.pending[-1].location == Location("laboratory", "lab_net_content", "lot:1")
    outcome = prepackaged.outcome()
    assert outcome.result is PublishedResult.NO_PROBLEM
    assert outcome.provisional

    prepackaged.set_answer("lab_institute", "某市计量测试所", "lot:1")
    prepackaged.set_answer("lab_report_no", "JL-2026-0815", "lot:1")
    prepackaged.set_answer("lab_report_date", "2026-12-02", "lot:1")
    prepackaged.set_answer("lab_net_content", runs("fail"), "lot:1")
    assert prepackaged.readiness(today=DAY).pending == ()
    outcome = prepackaged.outcome()
    assert outcome.result is PublishedResult.FOLLOW_UP
    assert not outcome.provisional


def test_the_pledge_conclusion_is_suggested_from_the_worst_finding() -> None:
    pledge = Inspection(CHECKLISTS["honest_pledge"], header=header())
    pledge.add_instance("instrument:1", "电子计价秤")
    answer_everything(pledge)
    assert pledge.suggested_conclusion() == "kept"
    pledge.set_answer("complaint_record", "no")
    assert pledge.suggested_conclusion() == "basically_kept"
    pledge.set_answer("instr_verification", "overdue", "instrument:1")
    assert pledge.suggested_conclusion() == "broken"
    assert Inspection(CHECKLISTS["fuel_station"]).suggested_conclusion() is None


# ------------------------------------------------------------------ not carried out


@pytest.mark.parametrize(
    ("reason", "published"),
    [
        (NotCarriedOutReason.CLOSED, "未发现开展本次抽查涉及的经营活动"),
        (NotCarriedOutReason.UNREACHABLE, "通过登记的住所（经营场所）无法联系"),
        (NotCarriedOutReason.REFUSED, "不配合检查情节严重"),
        (NotCarriedOutReason.DEREGISTERED, "已注销或被吊销营业执照"),
    ],
)
def test_an_inspection_not_carried_out_maps_to_the_published_category(
    reason: NotCarriedOutReason, published: str
) -> None:
    inspection = fuel()
    inspection.set_answer("mgmt_system", "no")  # answers are ignored
    inspection.not_carried_out = NotCarriedOut(reason, "到场时大门紧锁", ["photo-7"])
    outcome = inspection.outcome()
    assert outcome.result.label == published
    assert outcome.not_carried_out is reason
    assert inspection.findings() == []


def test_not_carried_out_needs_a_note_and_a_photo_but_no_answers() -> None:
    inspection = Inspection(CHECKLISTS["fuel_station"], header=header())
    inspection.header.credentials_shown = False
    inspection.header.representative = None
    inspection.not_carried_out = NotCarriedOut(NotCarriedOutReason.UNREACHABLE)
    missing = inspection.readiness(today=DAY).missing
    assert codes(missing) == ["reason_note_missing", "reason_photo_missing"]
    inspection.not_carried_out.note = "登记地址为空地，电话无人接听"
    inspection.not_carried_out.photos.append("photo-1")
    assert inspection.readiness(today=DAY).ready


def test_not_carried_out_still_needs_two_inspectors() -> None:
    inspection = Inspection(CHECKLISTS["fuel_station"], header=header())
    inspection.header.inspectors = [Inspector("张三", "35010001")]
    inspection.not_carried_out = NotCarriedOut(NotCarriedOutReason.REFUSED, "拒绝", ["p"])
    assert codes(inspection.readiness(today=DAY).missing) == ["too_few_inspectors"]


# ------------------------------------------------------------------ JSON


def test_the_record_round_trips_through_json() -> None:
    inspection = fuel()
    answer_everything(inspection)
    inspection.set_answer("seal_encoder", "no", D1)
    inspection.answers[("seal_encoder", D1)].note = "封线断开"
    inspection.measures_taken[("seal_encoder", D1)] = (Measure.STOP_USE,)
    data = json.loads(json.dumps(inspection.to_json(), ensure_ascii=False))
    assert data["checklist_version"] == "2026.1"
    again = Inspection.from_json(data, inspection.checklist)
    assert again.answers == inspection.answers
    assert again.header == inspection.header
    assert again.instances == inspection.instances
    assert again.findings() == inspection.findings()
    assert again.outcome() == inspection.outcome()


def test_a_record_is_read_only_with_the_version_it_was_made_with() -> None:
    data = fuel().to_json()
    data["checklist_version"] = "2025.1"
    with pytest.raises(InputError, match=r"2025\.1"):
        Inspection.from_json(data, CHECKLISTS["fuel_station"])


def test_not_carried_out_round_trips() -> None:
    inspection = fuel()
    inspection.not_carried_out = NotCarriedOut(NotCarriedOutReason.CLOSED, "停业装修", ["p1"])
    again = Inspection.from_json(inspection.to_json(), inspection.checklist)
    assert again.not_carried_out == inspection.not_carried_out


def test_never_failing_yes_no_items_record_a_fact() -> None:
    prepackaged: Checklist = CHECKLISTS["prepackaged"]
    sealed = prepackaged.item("sample_sealed")
    assert sealed.fail_on == NEVER
    assert not sealed.can_fail


# ------------------------------------------------------------------ review additions


def market() -> Inspection:
    inspection = Inspection(CHECKLISTS["trade_market"], header=header())
    inspection.add_instance("stall:1", "张三（12号摊位）")
    return inspection


def test_a_stall_that_uses_no_scale_needs_no_scale() -> None:
    inspection = market()
    answer_everything(inspection, stall_uses_instrument="no")
    missing = codes(inspection.readiness(DAY).missing)
    assert "no_instances" not in missing
    assert [f.item.id for f in inspection.findings()] == ["stall_uses_instrument"]


def test_a_stall_that_uses_a_scale_must_list_it() -> None:
    inspection = market()
    answer_everything(inspection)
    issues = [i for i in inspection.readiness(DAY).missing if i.code == "no_instances"]
    assert [(i.location.section_id, i.location.instance_key) for i in issues] == [
        ("scale", "stall:1")
    ]
    inspection.add_instance("stall:1/scale:1", "1号秤")
    answer_everything(inspection)
    assert inspection.readiness(DAY).ready


@pytest.mark.parametrize(
    "key", ["dispenser", "dispenser:", "dispenser:1:2", "Dispenser:1", "dispenser:1/", "/nozzle:1"]
)
def test_a_malformed_instance_key_is_refused(key: str) -> None:
    inspection = Inspection(CHECKLISTS["fuel_station"])
    with pytest.raises(InputError):
        inspection.add_instance(key)
    assert inspection.instances == []


def test_a_failing_run_is_a_finding_before_the_series_is_complete() -> None:
    inspection = fuel(nozzles=1)
    answer_everything(inspection, nozzle_error=runs("fail"))
    findings = inspection.findings()
    assert [(f.item.id, f.instance_key) for f in findings] == [("nozzle_error", D1N1)]
    assert findings[0].basis[-1].document == "JJG 443-2023"
    readiness = inspection.readiness(DAY)
    assert readiness.ready
    assert "runs_incomplete" in codes(readiness.warnings)
    assert "1/3" in next(w.message for w in readiness.warnings if w.code == "runs_incomplete")


def test_passing_runs_short_of_the_series_are_still_missing() -> None:
    inspection = fuel(nozzles=1)
    answer_everything(inspection, nozzle_error=runs("pass", "pass"))
    assert inspection.findings() == []
    missing = [i for i in inspection.readiness(DAY).missing if i.code == "required_unanswered"]
    assert [(i.location.item_id, i.location.instance_key) for i in missing] == [
        ("nozzle_error", D1N1)
    ]


def test_a_hidden_failing_answer_is_neither_required_nor_a_finding() -> None:
    inspection = market()
    inspection.add_instance("stall:1/scale:1", "1号秤")
    answer_everything(inspection)
    inspection.set_answer("scale_seal", "no", "stall:1/scale:1")
    assert [f.item.id for f in inspection.findings()] == ["scale_seal"]
    inspection.set_answer("stall_uses_instrument", "no", "stall:1")  # hides the scale section
    assert [f.item.id for f in inspection.findings()] == ["stall_uses_instrument"]
    inspection.clear_answer("scale_error", "stall:1/scale:1")
    assert inspection.readiness(DAY).ready
    assert inspection.answer("scale_seal", "stall:1/scale:1") is not None  # kept


def test_an_invalid_number_survives_the_round_trip_and_still_blocks() -> None:
    inspection = fuel(nozzles=1)
    answer_everything(inspection, nozzle_repeatability="0,08")
    again = Inspection.from_json(
        json.loads(json.dumps(inspection.to_json(), ensure_ascii=False)), inspection.checklist
    )
    assert again.answer("nozzle_repeatability", D1N1) is not None
    assert again.evaluate(again.checklist.item("nozzle_repeatability"), D1N1).status is (
        Status.INVALID
    )
    assert "invalid_answer" in codes(again.readiness(DAY).missing)


_FUEL = CHECKLISTS["fuel_station"]
_ANSWERABLE = [
    item.id
    for item in _FUEL.items()
    if item.kind in (ItemKind.YES_NO, ItemKind.TEXT, ItemKind.NUMBER, ItemKind.CHOICE)
]


def _key_for(item_id: str, draw: Any) -> str:
    scope = _FUEL.section_of(item_id).scope
    if not scope:
        return ""
    return str(draw(st.sampled_from([D1N1, D1N2] if scope[-1] == "nozzle" else [D1])))


def _value_for(item: Item, draw: Any) -> Any:
    if item.kind is ItemKind.YES_NO:
        return draw(st.sampled_from(["yes", "no"]))
    if item.kind is ItemKind.CHOICE:
        return draw(st.sampled_from([o.value for o in item.options]))
    return draw(st.text(max_size=8))


@st.composite
def fuel_records(draw: Any) -> Inspection:
    inspection = fuel(nozzles=2)
    for item_id in draw(st.lists(st.sampled_from(_ANSWERABLE), max_size=20)):
        item = _FUEL.item(item_id)
        key = _key_for(item_id, draw)
        answer = inspection.set_answer(item_id, _value_for(item, draw), key)
        answer.note = draw(st.text(max_size=5))
        answer.photos = draw(st.lists(st.text(min_size=1, max_size=4), max_size=2))
        if draw(st.booleans()) and item.allow_na:
            inspection.set_not_applicable(item_id, key)
        if draw(st.booleans()):
            inspection.measures_taken[(item_id, key)] = tuple(
                draw(st.lists(st.sampled_from(list(Measure)), max_size=2, unique=True))
            )
    if draw(st.booleans()):
        inspection.set_answer("nozzle_error", runs("pass", "fail", "indeterminate"), D1N2)
    return inspection


@settings(max_examples=60, deadline=None)
@given(fuel_records())
def test_any_record_round_trips_through_json_unchanged(inspection: Inspection) -> None:
    data = json.loads(json.dumps(inspection.to_json(), ensure_ascii=False))
    again = Inspection.from_json(data, inspection.checklist)
    assert again.answers == inspection.answers
    assert again.measures_taken == inspection.measures_taken
    assert again.findings() == inspection.findings()
    assert again.outcome() == inspection.outcome()
    assert again.readiness(DAY) == inspection.readiness(DAY)


def test_a_standards_accuracy_class_is_kept_and_old_records_still_load() -> None:
    inspection = fuel()
    inspection.header.standards.append(
        MeasuringStandard("砝码组 1 kg–10 kg", "JZ-2026-7", "2027-03-01", "W-01", "M1")
    )
    data = json.loads(json.dumps(inspection.to_json(), ensure_ascii=False))
    again = Inspection.from_json(data, inspection.checklist)
    assert again.header.standards[-1].accuracy_class == "M1"
    for standard in data["header"]["standards"]:
        del standard["accuracy_class"]  # a record saved before the field existed
    assert Inspection.from_json(data, inspection.checklist).header.standards[0].accuracy_class == ""
