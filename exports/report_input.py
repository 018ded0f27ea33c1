"""What the printed record, the notice and the workbooks show: plain frozen dataclasses.

The writers (:mod:`exports.pdf`, :mod:`exports.xlsx`) take a :class:`ReportInput` (one
inspection) or :class:`BatchInspection` rows; they know nothing of the store or the GUI. The
application builds the input from a stored inspection (``desktop.reports``); :func:`from_record`
does the part that only needs the domain record (items, measurements, findings, outcome).

The seal fields (``seal``) are optional: a record that is not finalized prints as a draft
("草稿 — 未定稿") with blanks where the document number and the deadline go.

Glossary: 现场笔录 on-site record; 责令改正通知书 rectification notice; 文书编号 document
number; 当事人 party; 执法人员 law-enforcement officer; 记录人 recorder; 依据 basis;
行政复议 administrative reconsideration; 行政诉讼 administrative litigation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from checklists.answers import Status
from checklists.basis import Basis
from checklists.header import Header
from checklists.i18n import N_, _, join
from checklists.record import Finding, Inspection
from checklists.rules.labels import label, value_label
from checklists.rules.result import Verdict
from checklists.schema import NO, YES, Item, ItemKind

VERDICT_TEXT: Mapping[str, str] = {
    Verdict.PASS: N_("合格"),
    Verdict.FAIL: N_("不合格"),
    Verdict.INDETERMINATE: N_("不予判定"),
}
STATUS_TEXT: Mapping[str, str] = {
    Status.PASS: N_("符合"),
    Status.FAIL: N_("不符合"),
    Status.NOT_APPLICABLE: N_("不适用"),
    Status.MISSING: N_("未填写"),
    Status.INVALID: N_("填写有误"),
    Status.INDETERMINATE: N_("不予判定"),
}
# The quantity a measurement row shows as its number (the first one a result has).
PRIMARY_KEYS = ("error_percent", "error", "shortage", "deviation_g", "mean", "height_mm", "q")


@dataclass(frozen=True)
class Party:
    """当事人: the inspected subject and who represented it on site."""

    name: str
    credit_code: str = ""
    address: str = ""
    township: str = ""
    representative: str = ""
    representative_role: str = ""
    representative_phone: str = ""
    representative_id_number: str = ""
    absent_note: str = ""  # nobody signs for the party: why (refusal, witness)


@dataclass(frozen=True)
class Officer:
    name: str
    certificate_no: str = ""


@dataclass(frozen=True)
class StandardUsed:
    name: str
    serial_no: str = ""
    accuracy_class: str = ""
    certificate_no: str = ""
    valid_until: str = ""


@dataclass(frozen=True)
class ItemLine:
    """One checklist item as answered. ``status`` is a :class:`checklists.answers.Status`
    value; ``result`` the answer in words."""

    section: str
    instance: str
    text: str
    result: str
    status: str
    note: str = ""


@dataclass(frozen=True)
class MeasurementLine:
    """One run of one measurement: its verdict, the limit, the numbers and the basis used.
    ``value`` is the main quantity (``value_label``), exact as stored, None if none."""

    item: str
    instance: str
    run: int
    verdict: str  # a Verdict value
    limit: str
    numbers: str
    basis: str
    explanation: str = ""
    value_label: str = ""
    value: Decimal | None = None


@dataclass(frozen=True)
class FindingLine:
    item: str
    instance: str
    reason: str
    basis: tuple[str, ...]
    measures: str
    severity: str
    penalty: str = ""


@dataclass(frozen=True)
class Photo:
    """A photo as evidence: shown as a thumbnail with its SHA-256 (``data`` may be empty when a
    list of photos without images is wanted)."""

    caption: str
    filename: str
    sha256: str
    data: bytes = field(default=b"", repr=False)
    mime: str = ""


@dataclass(frozen=True)
class Signature:
    """Who signed (issue 8): role 当事人 / 执法人员 / 见证人, or a refusal noted."""

    role: str
    name: str
    signed_at: str = ""
    refused: bool = False
    note: str = ""


@dataclass(frozen=True)
class Seal:
    """What finalizing adds. Every field is optional so that a partly sealed record prints."""

    document_no: str = ""
    notice_no: str = ""
    seal_hash: str = ""
    sealed_at: str = ""
    signatures: tuple[Signature, ...] = ()
    rectification_deadline: str = ""  # YYYY-MM-DD


@dataclass(frozen=True)
class Office:
    """From the office's settings: who issues the documents and what they are called."""

    agency: str = ""
    inspecting_unit: str = ""
    record_title: str = "现场笔录"
    notice_title: str = "责令改正通知书"
    reconsideration_body: str = ""
    court: str = ""


@dataclass(frozen=True)
class ReportInput:
    """One inspection, ready to print."""

    inspection_id: str
    office: Office
    party: Party
    checklist_title: str
    checklist_version: str = ""
    inspection_date: str = ""
    started_at: str = ""
    ended_at: str = ""
    place: str = ""
    officers: tuple[Officer, ...] = ()
    recorder: str = ""
    bodycam_no: str = ""
    credentials_shown: bool = False
    standards: tuple[StandardUsed, ...] = ()
    items: tuple[ItemLine, ...] = ()
    measurements: tuple[MeasurementLine, ...] = ()
    photos: tuple[Photo, ...] = ()
    findings: tuple[FindingLine, ...] = ()
    remarks: tuple[FindingLine, ...] = ()
    outcome: str = ""
    provisional: bool = False
    not_carried_out: str = ""  # reason and note when the inspection could not be carried out
    status: str = "draft"  # the store's status value
    seal: Seal | None = None

    @property
    def sealed(self) -> bool:
        return self.seal is not None and bool(self.seal.document_no)

    @property
    def needs_notice(self) -> bool:
        """A 责令改正通知书 goes with the record when something failed."""
        return bool(self.findings)


# ---------------------------------------------------------------------------- from the record


def cite(basis: Iterable[Basis]) -> tuple[str, ...]:
    unverified = _("［未核实］")
    return tuple(b.cite() + ("" if b.verified else unverified) for b in basis)


def _answer_text(item: Item, value: Any) -> str:
    if item.kind is ItemKind.YES_NO:
        return {YES: _("是"), NO: _("否")}.get(value, str(value))
    if item.kind is ItemKind.CHOICE:
        option = item.option(value) if isinstance(value, str) else None
        return option.text if option else str(value)
    if item.kind is ItemKind.NUMBER:
        return f"{value}{item.unit}"
    if item.kind is ItemKind.PHOTO:
        return _("照片 {n} 张").format(n=len(value)) if isinstance(value, list) else ""
    if item.kind is ItemKind.MEASUREMENT:
        runs = value.get("runs", []) if isinstance(value, dict) else []
        return _("测量 {n} 次，见测量记录").format(n=len(runs))
    return str(value)


def item_lines(record: Inspection) -> tuple[ItemLine, ...]:
    lines = []
    for visible in record.visible_items():
        item, key = visible.item, visible.instance_key
        answer = record.answer(item.id, key)
        evaluation = record.evaluate(item, key)
        status = evaluation.status
        if answer is None or status is Status.MISSING:
            result = _(STATUS_TEXT[Status.MISSING])
        elif answer.not_applicable:
            result = _("不适用")
        else:
            result = _answer_text(item, answer.value)
        lines.append(
            ItemLine(
                section=visible.section.title,
                instance=record.instance_label(key),
                text=item.text,
                result=result,
                status=status.value,
                note=answer.note if answer else "",
            )
        )
    return tuple(lines)


def _scalar(key: str, value: Any) -> str:
    if key.endswith("verdict") and value in tuple(Verdict):
        return _(VERDICT_TEXT[value])
    if key in ("shortage_class", "mean_test", "unit_mark") and isinstance(value, str):
        if value in tuple(Verdict):
            return _(VERDICT_TEXT[value])
        return value_label(value)
    if isinstance(value, list):
        return join(str(v) for v in value)
    return str(value)


def describe(values: Mapping[str, Any]) -> str:
    """``label：value；...`` of a result's limit or numbers; per-run records in brackets."""
    parts = []
    for key, value in values.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            records = [
                "，".join(f"{label(k)} {_scalar(k, v)}" for k, v in r.items() if k != "index")
                for r in value
            ]
            parts.append(f"{label(key)}：" + " | ".join(records))
        elif not isinstance(value, dict):
            parts.append(f"{label(key)}：{_scalar(key, value)}")
    return "；".join(parts)


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _primary(numbers: Mapping[str, Any]) -> tuple[str, Decimal | None]:
    flat = dict(numbers)
    runs = numbers.get("runs")
    if isinstance(runs, list) and len(runs) == 1 and isinstance(runs[0], dict):
        flat.update(runs[0])
    for key in PRIMARY_KEYS:
        number = _decimal(flat.get(key))
        if number is not None:
            return label(key), number
    return "", None


def measurement_lines(record: Inspection) -> tuple[MeasurementLine, ...]:
    lines = []
    for visible in record.visible_items():
        if visible.item.kind is not ItemKind.MEASUREMENT:
            continue
        answer = record.answer(visible.item.id, visible.instance_key)
        value = answer.value if answer else None
        runs = value.get("runs", []) if isinstance(value, dict) else []
        for number, run in enumerate(runs, 1):
            lines.append(_run_line(record, visible.item, visible.instance_key, number, run))
    return tuple(line for line in lines if line is not None)


def _run_line(
    record: Inspection, item: Item, key: str, number: int, run: Any
) -> MeasurementLine | None:
    result = run.get("result") if isinstance(run, dict) else None
    if not isinstance(result, dict) or result.get("verdict") not in tuple(Verdict):
        return None  # a run the calculator refused: nothing judged to print
    numbers = result.get("numbers") or {}
    basis_data = result.get("basis") or []
    basis = [
        Basis(**{k: v for k, v in b.items() if k in Basis.__dataclass_fields__})
        for b in basis_data
        if isinstance(b, dict) and isinstance(b.get("document"), str)
    ]
    value_label_, value = _primary(numbers if isinstance(numbers, dict) else {})
    return MeasurementLine(
        item=item.text,
        instance=record.instance_label(key),
        run=number,
        verdict=str(result["verdict"]),
        limit=describe(result.get("limit") or {}),
        numbers=describe(numbers if isinstance(numbers, dict) else {}),
        basis="；".join(cite(basis)),
        explanation=str(result.get("explanation") or ""),
        value_label=value_label_,
        value=value,
    )


def finding_line(finding: Finding) -> FindingLine:
    return FindingLine(
        item=finding.item.text,
        instance=finding.instance_label,
        reason=finding.reason,
        basis=cite(finding.basis),
        measures=join(m.label for m in finding.measures_taken),
        severity=finding.severity.label,
        penalty=finding.penalty,
    )


def _party(header: Header, name: str, credit_code: str) -> Party:
    rep = header.representative
    return Party(
        name=header.subject.name or name,
        credit_code=header.subject.credit_code or credit_code,
        address=header.subject.address,
        township=header.subject.township,
        representative=rep.name if rep else "",
        representative_role=rep.role if rep else "",
        representative_phone=rep.phone if rep else "",
        representative_id_number=rep.id_number if rep else "",
        absent_note=header.representative_absent_note,
    )


def from_record(
    record: Inspection,
    *,
    inspection_id: str,
    office: Office,
    subject_name: str = "",
    credit_code: str = "",
    inspection_date: str = "",
    status: str = "draft",
    photos: Iterable[Photo] = (),
    seal: Seal | None = None,
) -> ReportInput:
    """The report input of a domain record; the caller adds what the store knows (photos,
    office settings, the seal)."""
    header = record.header
    outcome = record.outcome()
    nco = record.not_carried_out
    return ReportInput(
        inspection_id=inspection_id,
        office=office,
        party=_party(header, subject_name, credit_code),
        checklist_title=record.checklist.title,
        checklist_version=record.checklist.version,
        inspection_date=inspection_date or header.started_at[:10],
        started_at=header.started_at,
        ended_at=header.ended_at,
        place=header.place,
        officers=tuple(Officer(i.name, i.certificate_no) for i in header.inspectors),
        recorder=header.recorder,
        bodycam_no=header.bodycam_no,
        credentials_shown=header.credentials_shown,
        standards=tuple(
            StandardUsed(s.name, s.serial_no, s.accuracy_class, s.certificate_no, s.valid_until)
            for s in header.standards
        ),
        items=() if nco else item_lines(record),
        measurements=() if nco else measurement_lines(record),
        photos=tuple(photos),
        findings=tuple(finding_line(f) for f in record.findings()),
        remarks=tuple(finding_line(f) for f in record.remarks()),
        outcome=outcome.result.label,
        provisional=outcome.provisional,
        not_carried_out=f"{nco.reason.label}：{nco.note}" if nco else "",
        status=status,
        seal=seal,
    )
