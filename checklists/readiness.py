"""What a record still needs before it can be finalized (used by ``Inspection.readiness``).

Each issue is structured (``code``, message, :class:`~checklists.record.Location`) so that the
GUI can jump to the place and reports can list it. Codes:

- header: ``subject_missing``, ``credentials_not_shown``, ``too_few_inspectors``,
  ``inspector_incomplete``, ``recorder_missing``, ``unit_missing``, ``started_missing``,
  ``place_missing``, ``representative_missing``, ``standards_missing``;
- answers: ``required_unanswered``, ``invalid_answer``, ``no_instances``;
- not carried out: ``reason_note_missing``, ``reason_photo_missing``;
- pending (laboratory stage, allowed at on-site finalize): ``laboratory_pending``;
- warnings: ``standard_expired``, ``standard_validity_unknown``, ``indeterminate``,
  ``credit_code_missing``, ``runs_incomplete`` (a measurement failed before all its runs).
"""

from __future__ import annotations

from datetime import date

from checklists.header import MIN_INSPECTORS
from checklists.i18n import _
from checklists.record import Inspection, Issue, Location, Status, completed_runs
from checklists.schema import REPEAT_KINDS, ItemKind, Stage

Issues = list[Issue]


def _issue(code: str, message: str, **where: str) -> Issue:
    return Issue(code=code, message=message, location=Location(**where))


def collect(inspection: Inspection, today: date) -> tuple[Issues, Issues, Issues]:
    """(missing, pending, warnings)."""
    missing: Issues = []
    warnings: Issues = []
    _inspectors(inspection, missing)
    if inspection.not_carried_out is not None:
        _not_carried_out(inspection, missing)
        return missing, [], warnings
    _header(inspection, missing, warnings)
    day = inspection.header.inspection_date() or today
    pending = _answers(inspection, missing, warnings)
    _standards(inspection, day, missing, warnings)
    return missing, pending, warnings


def pending_items(inspection: Inspection) -> Issues:
    """The laboratory-stage entries still to come."""
    return _answers(inspection, [], [])


def _inspectors(inspection: Inspection, missing: Issues) -> None:
    header = inspection.header
    for index, inspector in enumerate(header.inspectors):
        if not inspector.complete:
            missing.append(
                _issue(
                    "inspector_incomplete",
                    _("第 {n} 名执法人员缺少姓名或执法证号").format(n=index + 1),
                    field=f"header.inspectors[{index}]",
                )
            )
    if sum(i.complete for i in header.inspectors) < MIN_INSPECTORS:
        missing.append(
            _issue(
                "too_few_inspectors",
                _("至少需要 {n} 名执法人员及其执法证号").format(n=MIN_INSPECTORS),
                field="header.inspectors",
            )
        )
    if not header.inspecting_unit.strip():
        missing.append(_issue("unit_missing", _("缺少检查单位"), field="header.inspecting_unit"))
    if not header.started_at.strip():
        missing.append(_issue("started_missing", _("缺少检查时间"), field="header.started_at"))


def _not_carried_out(inspection: Inspection, missing: Issues) -> None:
    reason = inspection.not_carried_out
    assert reason is not None
    if not reason.note.strip():
        missing.append(
            _issue(
                "reason_note_missing",
                _("未能实施检查（{reason}）：请写明情况").format(reason=reason.reason.label),
                field="not_carried_out.note",
            )
        )
    if not reason.photos:
        missing.append(
            _issue(
                "reason_photo_missing",
                _("未能实施检查（{reason}）：请拍摄现场照片").format(reason=reason.reason.label),
                field="not_carried_out.photos",
            )
        )


def _header(inspection: Inspection, missing: Issues, warnings: Issues) -> None:
    header = inspection.header
    if not header.subject.name.strip():
        missing.append(
            _issue("subject_missing", _("缺少被检查单位名称"), field="header.subject.name")
        )
    if not header.subject.credit_code.strip():
        warnings.append(
            _issue(
                "credit_code_missing",
                _("未填写统一社会信用代码"),
                field="header.subject.credit_code",
            )
        )
    if not header.credentials_shown:
        missing.append(
            _issue(
                "credentials_not_shown",
                _("未确认已出示执法证件并告知申请回避的权利"),
                field="header.credentials_shown",
            )
        )
    if not header.recorder.strip():
        missing.append(_issue("recorder_missing", _("缺少记录人"), field="header.recorder"))
    if not header.place.strip():
        missing.append(_issue("place_missing", _("缺少检查地点"), field="header.place"))
    representative = header.representative
    present = representative is not None and representative.name.strip()
    if not present and not header.representative_absent_note.strip():
        missing.append(
            _issue(
                "representative_missing",
                _("请填写在场的当事人（现场负责人），或说明其不在场的情况（见证人）"),
                field="header.representative",
            )
        )


def _answers(inspection: Inspection, missing: Issues, warnings: Issues) -> Issues:
    pending: Issues = []
    for visible in inspection.visible_items():
        item, key, section = visible.item, visible.instance_key, visible.section
        evaluation = inspection.evaluate(item, key)
        where = {"section_id": section.id, "item_id": item.id, "instance_key": key}
        label = inspection.instance_label(key)
        text = f"{label}：{item.text}" if label else item.text
        if evaluation.status is Status.INVALID:
            message = _("{item}：{reason}").format(item=text, reason=evaluation.reason)
            missing.append(_issue("invalid_answer", message, **where))
        elif evaluation.status is Status.MISSING and item.required:
            if section.stage is Stage.LABORATORY:
                message = _("待录入检测机构结果：{item}").format(item=text)
                pending.append(_issue("laboratory_pending", message, **where))
            else:
                message = _("未填写：{item}").format(item=text)
                missing.append(_issue("required_unanswered", message, **where))
        elif evaluation.status is Status.INDETERMINATE:
            message = _("{item}：{reason}").format(item=text, reason=evaluation.reason)
            warnings.append(_issue("indeterminate", message, **where))
        if evaluation.status is Status.FAIL and item.kind is ItemKind.MEASUREMENT:
            done = completed_runs(inspection.answer(item.id, key))
            if done < item.runs:
                message = _("{item}：不合格，但只完成了 {done}/{runs} 次测量").format(
                    item=text, done=done, runs=item.runs
                )
                warnings.append(_issue("runs_incomplete", message, **where))
    _instances(inspection, missing)
    return pending


def _instances(inspection: Inspection, missing: Issues) -> None:
    reported: set[tuple[tuple[str, ...], str]] = set()
    for section in inspection.checklist.sections:
        if not section.scope or not section.min_instances:
            continue
        parent_scope = section.scope[:-1]
        parents = (
            [""]
            if not parent_scope
            else [i.key for i in inspection.instances if i.kinds == parent_scope]
        )
        for parent in parents:
            if not inspection.section_visible(section, parent):
                continue
            count = len(inspection.instances_for(section, parent))
            if count < section.min_instances and (section.scope, parent) not in reported:
                reported.add((section.scope, parent))
                kind = _(REPEAT_KINDS[section.scope[-1]])
                label = inspection.instance_label(parent)
                missing.append(
                    _issue(
                        "no_instances",
                        _("{where}“{section}”至少需要 {n} 个{kind}").format(
                            where=f"{label}：" if label else "",
                            section=section.title,
                            n=section.min_instances,
                            kind=kind,
                        ),
                        section_id=section.id,
                        instance_key=parent,
                    )
                )


def _standards(inspection: Inspection, day: date, missing: Issues, warnings: Issues) -> None:
    header = inspection.header
    measured = any(
        v.item.kind is ItemKind.MEASUREMENT
        and inspection.evaluate(v.item, v.instance_key).status
        in (Status.PASS, Status.FAIL, Status.INDETERMINATE)
        for v in inspection.visible_items()
    )
    if measured and not header.standards:
        missing.append(
            _issue(
                "standards_missing",
                _("有测量结果，但未登记使用的计量标准器（检测设备）"),
                field="header.standards",
            )
        )
    for index, standard in enumerate(header.standards):
        expired = standard.expired_on(day)
        where = f"header.standards[{index}]"
        if expired is None:
            message = _("计量标准器“{name}”缺少有效期").format(name=standard.name)
            warnings.append(_issue("standard_validity_unknown", message, field=where))
        elif expired:
            message = _(
                "计量标准器“{name}”（证书 {cert}）已于 {until} 过期，用其取得的数据可能被质疑"
            ).format(name=standard.name, cert=standard.certificate_no, until=standard.valid_until)
            warnings.append(_issue("standard_expired", message, field=where))
