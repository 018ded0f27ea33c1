"""The office's settings: one typed schema with defaults (no Qt).

They name the agency and the people on every record, and the titles and wording of the printed
documents (provinces adapt the national forms, DESIGN.md), so they live in the database beside
the work they describe and the command line reads them too. UI state (window geometry, last
folders, the UI language) is Qt's business and stays in QSettings.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from checklists.errors import InputError
from checklists.i18n import _

MIN_INSPECTORS = 2  # 行政强制法 art.18: at least two law-enforcement officers on site


@dataclass(frozen=True)
class Inspector:
    """执法人员: name and law-enforcement certificate number (执法证号)."""

    name: str
    certificate_no: str

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InputError(_("执法人员姓名不能为空。"))
        if not self.certificate_no.strip():
            raise InputError(_("请填写{name}的执法证号。").format(name=self.name))


@dataclass(frozen=True)
class OfficeSettings:
    """What every record and notice of this office says about who inspects.

    ``agency`` is the 执法机关 (e.g. 某某县市场监督管理局), ``inspecting_unit`` the 检查单位
    that carries out the check (the bureau itself or a township 市场监管所),
    ``reconsideration_body`` and ``court`` the review bodies a 责令改正通知书 names
    (REFERENCE.md §8a), ``inspectors`` the officers usually sent out (chosen per inspection).

    ``number_pattern`` makes the 文书编号 a record receives when it is finalized (Python
    ``str.format``): ``{year}`` the year of sealing, ``{device}`` a 5-character code of this
    laptop, ``{seq}`` the laptop's count of records that year (``{seq:04d}`` pads it to 0001),
    ``{agency}`` and ``{unit}`` the names above. ``{device}`` and ``{seq}`` are required: two
    laptops then never issue the same number (``desktop.store.seal.check_number_pattern``).
    """

    agency: str = ""
    inspecting_unit: str = ""
    inspectors: tuple[Inspector, ...] = ()
    reconsideration_body: str = ""
    court: str = ""
    record_title: str = "现场笔录"
    notice_title: str = "责令改正通知书"
    judge_unverified: bool = True
    backups_kept: int = 10
    number_pattern: str = "计检〔{year}〕{device}-{seq:04d}号"
    # Where backups go; empty: paths.backup_dir(). May be a USB stick that is not plugged in.
    backup_dir: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def configured(self) -> bool:
        """Enough to start inspecting: the agency, the unit and two inspectors."""
        return bool(
            self.agency.strip()
            and self.inspecting_unit.strip()
            and len(self.inspectors) >= MIN_INSPECTORS
        )

    def missing(self) -> list[str]:
        """What the first-run dialog still has to ask for, in the user's language."""
        problems = []
        if not self.agency.strip():
            problems.append(_("执法机关名称"))
        if not self.inspecting_unit.strip():
            problems.append(_("检查单位"))
        if len(self.inspectors) < MIN_INSPECTORS:
            problems.append(_("至少两名执法人员及其执法证号"))
        return problems

    def to_json(self) -> str:
        data = asdict(self)
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> OfficeSettings:
        """Settings from their stored form; unknown keys are kept in ``extra`` (a newer app
        version wrote them), a value of the wrong type falls back to its default."""
        if not text:
            return cls()
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        defaults = cls()
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for name in known - {"inspectors", "extra"}:
            value = data.get(name, getattr(defaults, name))
            values[name] = (
                value
                if isinstance(value, type(getattr(defaults, name)))
                else (getattr(defaults, name))
            )
        values["inspectors"] = _inspectors(data.get("inspectors"))
        stored_extra = data.get("extra")
        extra: dict[str, Any] = stored_extra if isinstance(stored_extra, dict) else {}
        values["extra"] = {**extra, **{k: v for k, v in data.items() if k not in known}}
        return cls(**values)

    def with_inspectors(self, inspectors: list[Inspector]) -> OfficeSettings:
        return replace(self, inspectors=tuple(inspectors))


def _inspectors(value: Any) -> tuple[Inspector, ...]:
    if not isinstance(value, list):
        return ()
    found = []
    for entry in value:
        if isinstance(entry, dict):
            try:
                found.append(
                    Inspector(str(entry.get("name", "")), str(entry.get("certificate_no", "")))
                )
            except InputError:
                continue
    return tuple(found)
