"""The header every inspection record carries, whatever its checklist (现场笔录 header).

Defined once here, not in each checklist file: subject, the party's representative, time and
place, the inspectors and their certificates, recorder, inspecting unit, body-worn recorder,
the measuring standards used, and whether credentials were shown and the right to recusal was
stated (a precondition for finalizing). REFERENCE.md §8 gives the structure of 现场笔录; it is a
placeholder until checked against the SAMR 2021 form (UNVERIFIED there).

Values are plain strings (as typed) so that the record stays JSON-able; dates are ISO
(``YYYY-MM-DD``), times ISO local (``YYYY-MM-DDTHH:MM``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from checklists.i18n import N_

MIN_INSPECTORS = 2  # 行政强制法 art.18: at least two law-enforcement officers


@dataclass
class Subject:
    """被检查单位."""

    name: str = ""
    credit_code: str = ""  # 统一社会信用代码
    address: str = ""
    township: str = ""
    kind: str = ""  # one of checklists.schema.SUBJECT_KINDS


@dataclass
class Representative:
    """The party's representative present on site (当事人/现场负责人)."""

    name: str = ""
    id_number: str = ""
    phone: str = ""
    role: str = ""  # e.g. 站长, 法定代表人, 市场管理员


@dataclass
class Inspector:
    """执法人员 with the law-enforcement certificate number (执法证号)."""

    name: str = ""
    certificate_no: str = ""

    @property
    def complete(self) -> bool:
        return bool(self.name.strip() and self.certificate_no.strip())


@dataclass
class MeasuringStandard:
    """A measuring standard or test equipment used (计量标准器/检测设备)."""

    name: str = ""  # e.g. 二等标准金属量器 20 L, 砝码组
    certificate_no: str = ""  # 检定/校准证书编号
    valid_until: str = ""  # ISO date
    serial_no: str = ""
    # 准确度等级 (二等, M1, F2 ...): a weight's class decides whether it may check a scale
    # (核称 on the seller's own scale needs a weight error ≤ 1/3 of the negative deviation).
    accuracy_class: str = ""

    def expired_on(self, day: date) -> bool | None:
        """True if expired on ``day``, None if the date is missing or not a date."""
        try:
            until = date.fromisoformat(self.valid_until)
        except ValueError:
            return None
        return until < day


@dataclass
class Header:
    """The common header of every inspection record."""

    subject: Subject = field(default_factory=Subject)
    representative: Representative | None = None
    representative_absent_note: str = ""  # why nobody signs for the party (witness, refusal)
    started_at: str = ""
    ended_at: str = ""  # set when the record is finalized, if not typed before
    place: str = ""
    inspectors: list[Inspector] = field(default_factory=list)
    recorder: str = ""  # 记录人
    inspecting_unit: str = ""  # 县局 or 市场监管所
    bodycam_no: str = ""  # 执法记录仪编号, optional
    standards: list[MeasuringStandard] = field(default_factory=list)
    credentials_shown: bool = False  # 已出示执法证件并告知申请回避的权利

    def inspection_date(self) -> date | None:
        try:
            return date.fromisoformat(self.started_at[:10])
        except ValueError:
            return None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Header:
        values = dict(data)
        values["subject"] = Subject(**values.get("subject", {}))
        representative = values.get("representative")
        values["representative"] = Representative(**representative) if representative else None
        values["inspectors"] = [Inspector(**i) for i in values.get("inspectors", [])]
        values["standards"] = [MeasuringStandard(**s) for s in values.get("standards", [])]
        return cls(**values)


# Labels of header fields, by the location path readiness uses (reports and the GUI show them).
HEADER_LABELS: Mapping[str, str] = {
    "subject": N_("被检查单位"),
    "subject.name": N_("被检查单位名称"),
    "subject.credit_code": N_("统一社会信用代码"),
    "subject.address": N_("地址"),
    "subject.township": N_("所属乡镇（街道）"),
    "representative": N_("当事人（现场负责人）"),
    "representative.name": N_("姓名"),
    "representative.id_number": N_("身份证号码"),
    "representative.phone": N_("联系电话"),
    "representative.role": N_("职务"),
    "representative_absent_note": N_("当事人不在场的说明"),
    "started_at": N_("检查开始时间"),
    "ended_at": N_("检查结束时间"),
    "place": N_("检查地点"),
    "inspectors": N_("执法人员及执法证号"),
    "recorder": N_("记录人"),
    "inspecting_unit": N_("检查单位"),
    "bodycam_no": N_("执法记录仪编号"),
    "standards": N_("使用的计量标准器（检测设备）"),
    "standards.name": N_("名称"),
    "standards.certificate_no": N_("检定/校准证书编号"),
    "standards.valid_until": N_("有效期至"),
    "standards.serial_no": N_("出厂编号"),
    "standards.accuracy_class": N_("准确度等级"),
    "credentials_shown": N_("已出示执法证件并告知申请回避的权利"),
}
