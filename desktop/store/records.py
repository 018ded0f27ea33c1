"""What the store hands out: frozen dataclasses, built from rows, independent of Qt and of the
checklist classes (answers are plain JSON data keyed by item id and instance key).

Glossary: subject 被检查单位; credit code 统一社会信用代码; instrument 计量器具 (dispenser 加油机,
nozzle 加油枪, scale 电子计价秤, fair-check scale 公平秤); standard 计量标准器; seal 铅封;
verification certificate 检定证书; inspection 检查; not carried out 未实施检查 (closed 停业,
unreachable 无法联系, refused 拒绝检查); township 乡镇/街道; inspecting unit 检查单位.

Outcome and not-carried-out codes are those of ``checklists.outcome`` (PublishedResult,
NotCarriedOutReason); the store keeps them as text and does not judge them.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from checklists.i18n import N_, _


class Status(StrEnum):
    DRAFT = "draft"  # 草稿: being recorded, answers may change
    FINALIZED = "finalized"  # 已完成 (定稿): sealed, read-only; corrections are amendments
    NOT_CARRIED_OUT = "not_carried_out"  # 未实施检查

    @property
    def label(self) -> str:
        return _(_STATUS_LABELS[self])


_STATUS_LABELS = {
    Status.DRAFT: N_("草稿"),
    Status.FINALIZED: N_("已完成"),
    Status.NOT_CARRIED_OUT: N_("未实施检查"),
}


@dataclass(frozen=True)
class Subject:
    id: str
    revision: int
    name: str
    credit_code: str | None
    kind: str
    address: str
    city: str
    county: str
    township: str
    contact_person: str
    phone: str
    notes: str
    extra: dict[str, Any]
    created_at: str
    updated_at: str
    device_id: str
    # set when this subject arrived in a bundle under the credit code of one registered here:
    # the id of that one, which lists show instead (issue 10)
    merged_into: str | None = None


@dataclass(frozen=True)
class Instrument:
    id: str
    revision: int
    subject_id: str
    parent_id: str | None
    kind: str
    label: str
    position: int
    manufacturer: str
    model: str
    serial: str
    seal_numbers: tuple[str, ...]
    certificate_no: str
    valid_until: str | None
    in_use: bool
    extra: dict[str, Any]
    created_at: str
    updated_at: str
    device_id: str


@dataclass(frozen=True)
class Standard:
    id: str
    revision: int
    name: str
    kind: str
    model: str
    serial: str
    accuracy_class: str
    certificate_no: str
    valid_until: str | None
    issued_by: str
    in_use: bool
    notes: str
    created_at: str
    updated_at: str
    device_id: str


@dataclass(frozen=True)
class InspectionRow:
    """One line of a list of inspections (no header, no answers)."""

    id: str
    inspection_date: str
    subject_id: str
    subject_name: str
    subject_credit_code: str | None
    checklist_id: str
    checklist_version: str
    township: str
    inspecting_unit: str
    status: Status
    not_carried_out_reason: str | None
    outcome: str | None
    inspectors: tuple[str, ...]
    updated_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "date": self.inspection_date,
            "subject": self.subject_name,
            "subject_id": self.subject_id,
            "credit_code": self.subject_credit_code,
            "checklist_id": self.checklist_id,
            "checklist_version": self.checklist_version,
            "township": self.township,
            "inspecting_unit": self.inspecting_unit,
            "status": self.status.value,
            "not_carried_out_reason": self.not_carried_out_reason,
            "outcome": self.outcome,
            "inspectors": list(self.inspectors),
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True)
class Inspection:
    """An inspection with its header. ``header`` is plain JSON data; the store reads only
    ``header["inspectors"]`` (a list of ``{"name": ..., "certificate_no": ...}``) for lists."""

    id: str
    revision: int
    subject_id: str
    subject_name: str
    subject_credit_code: str | None
    checklist_id: str
    checklist_version: str
    status: Status
    not_carried_out_reason: str | None
    outcome: str | None
    inspection_date: str
    started_at: str | None
    ended_at: str | None
    township: str
    inspecting_unit: str
    header: dict[str, Any]
    note: str
    created_at: str
    updated_at: str
    device_id: str
    rectification_deadline: str | None = None  # 整改期限 (schema 3), ISO date


class SignatureRole(StrEnum):
    INSPECTOR = "inspector"  # 执法人员 (position 1 and 2)
    PARTY = "party"  # 当事人
    WITNESS = "witness"  # 见证人 (the party absent)


class SignatureKind(StrEnum):
    DRAWN = "drawn"  # drawn on screen: a PNG with its SHA-256
    PAPER = "paper"  # signed on the printed record
    REFUSED = "refused"  # the party refused to sign (noted)
    ABSENT = "absent"  # the party was not present (a witness signs)


@dataclass(frozen=True)
class Signature:
    """A signature or its recorded alternative (REFERENCE.md §8); no image bytes here
    (read them with ``signature_image``)."""

    id: str
    inspection_id: str
    role: SignatureRole
    position: int
    name: str
    kind: SignatureKind
    image_sha256: str | None
    note: str
    signed_at: str

    @property
    def signed(self) -> bool:
        """Signed on screen or on paper (not a refusal or absence)."""
        return self.kind in (SignatureKind.DRAWN, SignatureKind.PAPER)


@dataclass(frozen=True)
class Seal:
    """封存: the record's hash, chained to the device's previous seal, and its 文书编号."""

    inspection_id: str
    device_id: str
    sequence: int
    prev_seal_hash: str
    seal_hash: str
    canonical_version: int
    document_no: str
    number_year: int
    number_seq: int
    sealed_at: str
    actor: str


@dataclass(frozen=True)
class AnswerChange:
    """One corrected answer of an amendment (``old`` is the effective value before it)."""

    item_id: str
    instance_key: str
    new: Any
    old: Any = None
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = {"item_id": self.item_id, "instance_key": self.instance_key, "old": self.old,
                "new": self.new}  # fmt: skip
        if self.note is not None:
            data["note"] = self.note
        return data


@dataclass(frozen=True)
class Amendment:
    """更正: a correction after sealing, with its required reason; the original stays."""

    id: str
    inspection_id: str
    sequence: int
    reason: str
    changes: tuple[AnswerChange, ...]
    created_at: str
    device_id: str
    actor: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class AuditEntry:
    """One line of the append-only audit log (操作记录)."""

    id: str
    at: str
    device_id: str
    actor: str
    table_name: str
    record_id: str
    action: str
    details: dict[str, Any]


@dataclass(frozen=True)
class Answer:
    item_id: str
    instance_key: str
    value: Any  # JSON data as the checklist record gave it
    note: str | None
    revision: int
    updated_at: str
    device_id: str


@dataclass(frozen=True)
class AttachmentInfo:
    """An attachment without its bytes (read them with ``attachment_bytes``)."""

    id: str
    inspection_id: str
    item_id: str | None
    instance_key: str
    filename: str
    mime: str
    caption: str
    size: int
    sha256: str
    created_at: str


@dataclass(frozen=True)
class ResumePosition:
    """Where an unfinished inspection was left."""

    inspection_id: str
    section: str
    item_id: str
    instance_key: str
    updated_at: str


@dataclass(frozen=True)
class InspectionFilter:
    """Filters of the list of inspections; None means "any". Dates are ``YYYY-MM-DD``,
    inclusive. ``text`` matches part of the subject's name or its credit code."""

    date_from: str | None = None
    date_to: str | None = None
    checklist_id: str | None = None
    township: str | None = None
    status: Status | None = None
    outcome: str | None = None
    subject_id: str | None = None
    text: str | None = None


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


# One encoder for every call: json.dumps builds a new one for each call with these options.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def dumps(value: Any) -> str:
    """Compact JSON, Chinese kept readable; TypeError for anything that is not plain data."""
    return _ENCODER.encode(value)


def subject_from(row: sqlite3.Row) -> Subject:
    data = dict(row)
    data["extra"] = loads(data["extra"])
    return Subject(**data)


def instrument_from(row: sqlite3.Row) -> Instrument:
    data = dict(row)
    data["extra"] = loads(data["extra"])
    data["seal_numbers"] = tuple(loads(data["seal_numbers"]))
    data["in_use"] = bool(data["in_use"])
    return Instrument(**data)


def standard_from(row: sqlite3.Row) -> Standard:
    data = dict(row)
    data["in_use"] = bool(data["in_use"])
    return Standard(**data)


def inspection_from(row: sqlite3.Row) -> Inspection:
    data = dict(row)
    data["header"] = loads(data["header"])
    data["status"] = Status(data["status"])
    return Inspection(**data)


def inspection_row_from(row: sqlite3.Row) -> InspectionRow:
    data = dict(row)
    people = loads(data.pop("inspectors")) or []
    data["inspectors"] = tuple(
        str(p.get("name", "")) if isinstance(p, dict) else str(p) for p in people
    )
    data["status"] = Status(data["status"])
    return InspectionRow(**data)


def answer_from(row: sqlite3.Row) -> Answer:
    data = dict(row)
    data["value"] = loads(data["value"])
    return Answer(**data)


def attachment_from(row: sqlite3.Row) -> AttachmentInfo:
    return AttachmentInfo(**dict(row))


def resume_from(row: sqlite3.Row) -> ResumePosition:
    return ResumePosition(**dict(row))


def signature_from(row: sqlite3.Row) -> Signature:
    data = dict(row)
    data["role"] = SignatureRole(data["role"])
    data["kind"] = SignatureKind(data["kind"])
    return Signature(**data)


def seal_from(row: sqlite3.Row) -> Seal:
    return Seal(**dict(row))


def change_from(data: dict[str, Any]) -> AnswerChange:
    return AnswerChange(
        item_id=data["item_id"], instance_key=data.get("instance_key", ""), new=data.get("new"),
        old=data.get("old"), note=data.get("note"),
    )  # fmt: skip


def amendment_from(row: sqlite3.Row) -> Amendment:
    data = dict(row)
    data["changes"] = tuple(change_from(c) for c in loads(data["changes"]))
    return Amendment(**data)


def audit_from(row: sqlite3.Row) -> AuditEntry:
    data = dict(row)
    data["details"] = loads(data["details"])
    return AuditEntry(**data)
