"""A checklist as data: the frozen objects the loader builds from a definition file.

A :class:`Checklist` has :class:`Section` s, each with :class:`Item` s. Items are identified by
their ``id`` forever: stored answers refer to it, so an id is never reused for a different
meaning. A new version of a checklist may add items and retire old ones (listing their ids in
``retired`` so nobody reuses them). See ``checklists/definitions/README.md`` for the file format
and ``checklists.glossary`` for the Chinese term behind each identifier.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from checklists.basis import Basis
from checklists.i18n import N_, _

# Answers of a yes/no item; "na" is 不适用.
YES = "yes"
NO = "no"
NA = "na"
NEVER = "none"  # fail_on of a yes/no item that records a fact and never fails


class ItemKind(StrEnum):
    """The kind of answer an item takes."""

    YES_NO = "yes_no"  # 是/否/不适用
    NUMBER = "number"  # a typed number, kept as the exact text
    TEXT = "text"
    CHOICE = "choice"  # one of the listed options
    DATE = "date"  # YYYY-MM-DD
    PHOTO = "photo"  # references to stored photos
    MEASUREMENT = "measurement"  # inputs judged by a named rule (checklists.rules)


class Severity(StrEnum):
    """How serious a non-conformity is. ``note`` items are remarks: recorded, never a finding."""

    SERIOUS = "serious"
    GENERAL = "general"
    NOTE = "note"

    @property
    def label(self) -> str:
        return _(_SEVERITY_LABELS[self])


_SEVERITY_LABELS = {
    Severity.SERIOUS: N_("严重"),
    Severity.GENERAL: N_("一般"),
    Severity.NOTE: N_("记录事项"),
}


class Measure(StrEnum):
    """A measure an inspector takes (or proposes) when an item fails."""

    CORRECT = "correct"  # 责令改正
    STOP_USE = "stop_use"  # 责令停止使用
    INVESTIGATE = "investigate"  # 立案调查
    TRANSFER = "transfer"  # 移送（有关部门、公安机关）

    @property
    def label(self) -> str:
        return _(_MEASURE_LABELS[self])

    @property
    def follow_up(self) -> bool:
        """True when the matter is not closed on site (a case is opened or handed over)."""
        return self in (Measure.INVESTIGATE, Measure.TRANSFER)


_MEASURE_LABELS = {
    Measure.CORRECT: N_("责令改正"),
    Measure.STOP_USE: N_("责令停止使用"),
    Measure.INVESTIGATE: N_("立案调查"),
    Measure.TRANSFER: N_("移送"),
}


class Stage(StrEnum):
    """When a section is filled: on site, or later from a metrology institute's report."""

    ON_SITE = "on_site"
    LABORATORY = "laboratory"


# The things a section may be repeated for (per-instrument repetition), with their labels.
REPEAT_KINDS: Mapping[str, str] = {
    "dispenser": N_("加油机"),
    "nozzle": N_("加油枪"),
    "stall": N_("经营户（摊位）"),
    "scale": N_("衡器"),
    "lot": N_("批次"),
    "instrument": N_("计量器具"),
}

# The kinds of subject (被检查单位) a checklist may apply to.
SUBJECT_KINDS: Mapping[str, str] = {
    "fuel_station": N_("加油站"),
    "market": N_("集贸市场"),
    "producer": N_("定量包装商品生产者"),
    "distributor": N_("定量包装商品销售者"),
    "supermarket": N_("商场超市"),
    "restaurant": N_("餐饮场所"),
    "optician": N_("眼镜制配场所"),
    "service": N_("其他服务业经营者"),
}


@dataclass(frozen=True)
class Option:
    """One option of a choice item; ``fails`` marks a non-conforming option."""

    value: str
    text: str
    text_en: str = ""
    fails: bool = False


@dataclass(frozen=True)
class Condition:
    """Shown only when item ``item_id`` (same or enclosing instance) has one of ``values``."""

    item_id: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    """One question, value or measurement of a checklist."""

    id: str
    kind: ItemKind
    text: str
    text_en: str = ""
    help: str = ""
    required: bool = True
    severity: Severity = Severity.GENERAL
    allow_na: bool = False
    fail_on: str = NO  # yes_no: the non-conforming answer ("yes", "no", or "none": never)
    unit: str = ""  # number
    minimum: Decimal | None = None  # number: conforming range, inclusive
    maximum: Decimal | None = None
    integer: bool = False  # number: only whole numbers are valid
    options: tuple[Option, ...] = ()  # choice
    rule: str = ""  # measurement: one of checklists.rules.RULE_NAMES
    params: Mapping[str, Any] = field(default_factory=dict)  # measurement: rule parameters
    runs: int = 1  # measurement: how many runs make a complete answer
    when: tuple[Condition, ...] = ()  # all must hold
    basis: tuple[Basis, ...] = ()
    measures: tuple[Measure, ...] = ()  # suggested when it fails
    penalty: str = ""  # penalty note citing the article

    @property
    def is_remark(self) -> bool:
        """A remark is recorded and shown, never a finding."""
        return self.severity is Severity.NOTE

    @property
    def can_fail(self) -> bool:
        """True if some answer to this item is non-conforming (ignoring remarks)."""
        if self.kind is ItemKind.YES_NO:
            return self.fail_on != NEVER
        if self.kind is ItemKind.MEASUREMENT:
            return True
        if self.kind is ItemKind.CHOICE:
            return any(option.fails for option in self.options)
        if self.kind is ItemKind.NUMBER:
            return self.minimum is not None or self.maximum is not None
        return False

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True)
class Section:
    """A group of items, possibly repeated per instrument (``scope`` names the nesting)."""

    id: str
    title: str
    items: tuple[Item, ...]
    title_en: str = ""
    help: str = ""
    repeat: str | None = None
    scope: tuple[str, ...] = ()  # e.g. ("dispenser", "nozzle"); () when not repeated
    stage: Stage = Stage.ON_SITE
    when: tuple[Condition, ...] = ()
    min_instances: int = 0


@dataclass(frozen=True)
class Conclusion:
    """A choice item whose answer an inspector gives, suggested from the worst finding."""

    item_id: str
    by_severity: Mapping[str, str]  # "none" / "general" / "serious" -> option value


@dataclass(frozen=True)
class Checklist:
    """One version of one checklist, as loaded from its definition file."""

    id: str
    version: str
    title: str
    sections: tuple[Section, ...]
    title_en: str = ""
    description: str = ""
    applies_to: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()
    conclusion: Conclusion | None = None
    source_name: str = ""  # the file it came from
    source_text: str = field(default="", repr=False, compare=False)  # keep with the records
    _items: Mapping[str, tuple[Section, Item]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        index = {item.id: (section, item) for section in self.sections for item in section.items}
        object.__setattr__(self, "_items", index)

    @property
    def version_key(self) -> tuple[int, ...]:
        return version_key(self.version)

    def items(self) -> Iterator[Item]:
        for section in self.sections:
            yield from section.items

    def item(self, item_id: str) -> Item:
        """The item ``item_id``; KeyError if this version has no such item."""
        return self._items[item_id][1]

    def section_of(self, item_id: str) -> Section:
        return self._items[item_id][0]

    def has_item(self, item_id: str) -> bool:
        return item_id in self._items

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)


def version_key(version: str) -> tuple[int, ...]:
    """ "2026.1" -> (2026, 1): versions compare numerically, part by part."""
    return tuple(int(part) for part in version.split("."))
