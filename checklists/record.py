"""The inspection record in memory: header, answers, findings, readiness and outcome.

No Qt, no SQL: the store persists :meth:`Inspection.to_json` and the GUI edits an
:class:`Inspection` through :meth:`Inspection.set_answer` and friends.

Answers are keyed by ``(item_id, instance_key)``. ``instance_key`` is ``""`` for an item of a
section that is not repeated, else the path of the instrument it belongs to, e.g.
``"dispenser:2/nozzle:3"`` (see :func:`make_instance_key`). Answer values are plain JSON data:

=============  ==============================================================================
kind           value
=============  ==============================================================================
yes_no         ``"yes"`` or ``"no"`` (不适用 is ``Answer.not_applicable``)
number         the typed text, e.g. ``"19.93"`` (kept exact; judged as ``Decimal``)
text, choice   a string (choice: the option's ``value``)
date           ``"YYYY-MM-DD"``
photo          a list of photo references (the store's attachment ids)
measurement    ``{"runs": [{"inputs": {...}, "result": <RuleResult.to_json()>}, ...]}``
=============  ==============================================================================

The record never runs a calculator: it reads ``verdict``, ``basis`` and ``explanation`` from the
stored result, so an old record keeps the judgement made at the time (see
:mod:`checklists.answers`). Answers to items that are hidden by a condition are kept but ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime
from typing import Any

from checklists.answers import Answer, Evaluation, Status, check_shape, completed_runs, evaluate
from checklists.basis import Basis
from checklists.errors import InputError
from checklists.header import Header
from checklists.i18n import _
from checklists.outcome import NotCarriedOutReason, PublishedResult
from checklists.schema import (
    NA,
    Checklist,
    Condition,
    Item,
    Measure,
    Section,
    Severity,
)

AnswerKey = tuple[str, str]  # (item_id, instance_key)
# One level of an instance key: a repeat kind and the instrument's number or label ("nozzle:3").
# ":" and "/" are the separators, so they cannot appear in the label.
_INSTANCE_PART = re.compile(r"^[a-z][a-z_]*:[^:/]+$")


def make_instance_key(*parts: tuple[str, int | str]) -> str:
    """``make_instance_key(("dispenser", 2), ("nozzle", 3))`` -> ``"dispenser:2/nozzle:3"``."""
    return "/".join(f"{kind}:{number}" for kind, number in parts)


def _parts(instance_key: str) -> list[str]:
    return instance_key.split("/") if instance_key else []


def _kinds(instance_key: str) -> tuple[str, ...]:
    return tuple(part.split(":", 1)[0] for part in _parts(instance_key))


def _prefix(instance_key: str, depth: int) -> str:
    return "/".join(_parts(instance_key)[:depth])


@dataclass(frozen=True)
class Instance:
    """One repeated instrument or unit (a dispenser, a nozzle of it, a stall, a lot ...)."""

    key: str
    label: str = ""  # e.g. "2号加油机", "3号枪", "张三（12号摊位）"
    serial_no: str = ""  # 出厂编号, matches the instrument register

    @property
    def kinds(self) -> tuple[str, ...]:
        return _kinds(self.key)

    @property
    def parent_key(self) -> str:
        return _prefix(self.key, len(self.kinds) - 1)


@dataclass
class NotCarriedOut:
    """The inspection could not be carried out; a note and at least one photo are required."""

    reason: NotCarriedOutReason
    note: str = ""
    photos: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Location:
    """Where the GUI jumps to fix an issue: an item in an instance, or a header field."""

    section_id: str = ""
    item_id: str = ""
    instance_key: str = ""
    field: str = ""  # a header path such as "header.inspectors[1].certificate_no"


@dataclass(frozen=True)
class Issue:
    """One thing missing (or to warn about) before the record can be finalized."""

    code: str
    message: str
    location: Location = Location()


@dataclass(frozen=True)
class Readiness:
    """``missing`` blocks finalizing; ``pending`` are laboratory results that may follow
    later; ``warnings`` are shown but do not block."""

    missing: tuple[Issue, ...] = ()
    pending: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()

    @property
    def ready(self) -> bool:
        return not self.missing


# An extra finalize check (issue 8 adds signatures): returns the issues that block finalizing.
ReadinessCheck = Callable[["Inspection"], Iterable[Issue]]


@dataclass(frozen=True)
class Finding:
    """A non-conforming item (or, from :meth:`Inspection.remarks`, a remark)."""

    section: Section
    item: Item
    instance_key: str
    instance_label: str
    reason: str
    basis: tuple[Basis, ...]
    measures: tuple[Measure, ...]  # suggested by the checklist
    measures_taken: tuple[Measure, ...]  # what the inspectors decided (default: suggested)
    penalty: str

    @property
    def key(self) -> AnswerKey:
        return (self.item.id, self.instance_key)

    @property
    def severity(self) -> Severity:
        return self.item.severity


@dataclass(frozen=True)
class Outcome:
    """The overall result; ``provisional`` while laboratory results are pending."""

    result: PublishedResult
    provisional: bool = False
    not_carried_out: NotCarriedOutReason | None = None
    findings: int = 0


@dataclass(frozen=True)
class VisibleItem:
    section: Section
    instance_key: str
    item: Item


@dataclass
class Inspection:
    """One inspection made with one version of one checklist."""

    checklist: Checklist
    header: Header = field(default_factory=Header)
    instances: list[Instance] = field(default_factory=list)
    answers: dict[AnswerKey, Answer] = field(default_factory=dict)
    measures_taken: dict[AnswerKey, tuple[Measure, ...]] = field(default_factory=dict)
    not_carried_out: NotCarriedOut | None = None

    @property
    def checklist_id(self) -> str:
        return self.checklist.id

    @property
    def checklist_version(self) -> str:
        return self.checklist.version

    # ------------------------------------------------------------ instances

    def add_instance(self, key: str, label: str = "", serial_no: str = "") -> Instance:
        """Add a repeated instrument; its parent (a nozzle's dispenser) must exist first."""
        if not all(_INSTANCE_PART.match(part) for part in _parts(key)):
            raise InputError(
                _("器具编号“{key}”格式不正确，应为“种类:编号”，例如 dispenser:1/nozzle:2").format(
                    key=key
                )
            )
        kinds = _kinds(key)
        if not kinds or kinds not in {s.scope for s in self.checklist.sections}:
            raise InputError(_("本检查表没有按“{key}”重复的部分").format(key=key))
        if any(instance.key == key for instance in self.instances):
            raise InputError(_("“{key}”已存在").format(key=key))
        instance = Instance(key=key, label=label, serial_no=serial_no)
        if len(kinds) > 1 and not self._has_instance(instance.parent_key):
            raise InputError(_("请先添加“{key}”").format(key=instance.parent_key))
        self.instances.append(instance)
        return instance

    def _has_instance(self, key: str) -> bool:
        return key == "" or any(instance.key == key for instance in self.instances)

    def instances_for(self, section: Section, parent_key: str | None = None) -> list[str]:
        """Instance keys a section is filled for (``[""]`` when it is not repeated)."""
        if not section.scope:
            return [""]
        return [
            i.key
            for i in self.instances
            if i.kinds == section.scope and (parent_key is None or i.parent_key == parent_key)
        ]

    def instance_label(self, key: str) -> str:
        labels = [
            i.label or i.key for i in self.instances if i.key == key or key.startswith(f"{i.key}/")
        ]
        return " / ".join(labels)

    # ------------------------------------------------------------ answers

    def set_answer(self, item_id: str, value: Any, instance_key: str = "") -> Answer:
        """Record an answer (keeping its note and photos); raises InputError on a wrong shape."""
        item = self._item_for(item_id, instance_key)
        check_shape(item, value)
        answer = self.answers.setdefault((item_id, instance_key), Answer())
        answer.value, answer.not_applicable = value, False
        return answer

    def set_not_applicable(self, item_id: str, instance_key: str = "") -> Answer:
        item = self._item_for(item_id, instance_key)
        if not item.allow_na:
            raise InputError(_("“{text}”不能选“不适用”").format(text=item.text))
        answer = self.answers.setdefault((item_id, instance_key), Answer())
        answer.value, answer.not_applicable = None, True
        return answer

    def clear_answer(self, item_id: str, instance_key: str = "") -> None:
        self.answers.pop((item_id, instance_key), None)

    def answer(self, item_id: str, instance_key: str = "") -> Answer | None:
        return self.answers.get((item_id, instance_key))

    def _item_for(self, item_id: str, instance_key: str) -> Item:
        if not self.checklist.has_item(item_id):
            raise InputError(_("检查表中没有检查项“{id}”").format(id=item_id))
        section = self.checklist.section_of(item_id)
        if _kinds(instance_key) != section.scope or not self._has_instance(instance_key):
            raise InputError(
                _("检查项“{id}”不属于“{key}”").format(id=item_id, key=instance_key or "-")
            )
        return self.checklist.item(item_id)

    # ------------------------------------------------------------ conditions

    def _holds(self, condition: Condition, instance_key: str) -> bool:
        section = self.checklist.section_of(condition.item_id)
        depth = len(section.scope)
        if depth > len(_parts(instance_key)):
            return True  # counting instances of a section: judged per instance instead
        key = _prefix(instance_key, depth)
        target = self.checklist.item(condition.item_id)
        if not self.is_visible(target, key):
            return False
        answer = self.answers.get((condition.item_id, key))
        if answer is None:
            return False
        value = NA if answer.not_applicable else answer.value
        return value in condition.values

    def section_visible(self, section: Section, instance_key: str = "") -> bool:
        return all(self._holds(c, instance_key) for c in section.when)

    def is_visible(self, item: Item, instance_key: str = "") -> bool:
        """Whether ``item`` is asked for this instance, given the answers so far."""
        section = self.checklist.section_of(item.id)
        if not self.section_visible(section, instance_key):
            return False
        return all(self._holds(c, instance_key) for c in item.when)

    def visible_items(self) -> Iterator[VisibleItem]:
        """Every item to ask, in walk-through order: section, instance, item."""
        for section in self.checklist.sections:
            for key in self.instances_for(section):
                if not self.section_visible(section, key):
                    continue
                for item in section.items:
                    if all(self._holds(c, key) for c in item.when):
                        yield VisibleItem(section, key, item)

    # ------------------------------------------------------------ judgement

    def evaluate(self, item: Item, instance_key: str = "") -> Evaluation:
        return evaluate(item, self.answers.get((item.id, instance_key)))

    def _judged(self, *, remarks: bool) -> list[Finding]:
        result = []
        for visible in self.visible_items():
            item, key = visible.item, visible.instance_key
            if item.is_remark != remarks:
                continue
            evaluation = self.evaluate(item, key)
            if evaluation.status is not Status.FAIL:
                continue
            basis = tuple(dict.fromkeys((*item.basis, *evaluation.basis)))
            result.append(
                Finding(
                    section=visible.section,
                    item=item,
                    instance_key=key,
                    instance_label=self.instance_label(key),
                    reason=evaluation.reason,
                    basis=basis,
                    measures=item.measures,
                    measures_taken=self.measures_taken.get((item.id, key), item.measures),
                    penalty=item.penalty,
                )
            )
        return result

    def findings(self) -> list[Finding]:
        """Every non-conforming visible item, with its basis, measures and severity."""
        if self.not_carried_out is not None:
            return []
        return self._judged(remarks=False)

    def remarks(self) -> list[Finding]:
        """Items recorded as remarks (severity "note") whose answer would otherwise fail."""
        if self.not_carried_out is not None:
            return []
        return self._judged(remarks=True)

    def suggested_conclusion(self) -> str | None:
        """The conclusion option suggested by the worst finding (e.g. the pledge result)."""
        conclusion = self.checklist.conclusion
        if conclusion is None:
            return None
        findings = [f for f in self.findings() if f.item.id != conclusion.item_id]
        if any(f.severity is Severity.SERIOUS for f in findings):
            return conclusion.by_severity["serious"]
        return conclusion.by_severity["general" if findings else "none"]

    # ------------------------------------------------------------ readiness and outcome

    def readiness(
        self, today: date | None = None, extra_checks: Iterable[ReadinessCheck] = ()
    ) -> Readiness:
        """What is missing before finalizing. ``extra_checks`` is the extension point for
        checks added later (signatures, issue 8)."""
        from checklists import readiness

        missing, pending, warnings = readiness.collect(self, today or _local_today())
        for check in extra_checks:
            missing.extend(check(self))
        return Readiness(tuple(missing), tuple(pending), tuple(warnings))

    def outcome(self) -> Outcome:
        """The published result (see :mod:`checklists.outcome` for the mapping)."""
        if self.not_carried_out is not None:
            reason = self.not_carried_out.reason
            return Outcome(result=reason.result, not_carried_out=reason)
        from checklists import readiness

        provisional = bool(readiness.pending_items(self))
        findings = self.findings()
        if not findings:
            result = PublishedResult.NO_PROBLEM
        elif any(
            not f.measures_taken or any(m.follow_up for m in f.measures_taken) for f in findings
        ):
            result = PublishedResult.FOLLOW_UP
        else:
            result = PublishedResult.CORRECTION_ORDERED
        return Outcome(result=result, provisional=provisional, findings=len(findings))

    # ------------------------------------------------------------ JSON

    def to_json(self) -> dict[str, Any]:
        return {
            "checklist_id": self.checklist.id,
            "checklist_version": self.checklist.version,
            "header": self.header.to_json(),
            "instances": [asdict(i) for i in self.instances],
            "answers": [
                {"item": item_id, "instance": key, **asdict(answer)}
                for (item_id, key), answer in self.answers.items()
            ],
            "measures_taken": [
                {"item": item_id, "instance": key, "measures": [m.value for m in measures]}
                for (item_id, key), measures in self.measures_taken.items()
            ],
            "not_carried_out": asdict(self.not_carried_out) if self.not_carried_out else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], checklist: Checklist) -> Inspection:
        """Rebuild a record; ``checklist`` must be the version it was made with."""
        wanted = (data.get("checklist_id"), data.get("checklist_version"))
        if wanted != (checklist.id, checklist.version):
            raise InputError(
                _("记录使用的检查表是 {wanted}，而不是 {given}").format(
                    wanted=" ".join(map(str, wanted)), given=f"{checklist.id} {checklist.version}"
                )
            )
        answer_fields = {f.name for f in fields(Answer)}
        nco = data.get("not_carried_out")
        return cls(
            checklist=checklist,
            header=Header.from_json(data.get("header", {})),
            instances=[Instance(**i) for i in data.get("instances", [])],
            answers={
                (a["item"], a["instance"]): Answer(
                    **{k: v for k, v in a.items() if k in answer_fields}
                )
                for a in data.get("answers", [])
            },
            measures_taken={
                (m["item"], m["instance"]): tuple(Measure(x) for x in m["measures"])
                for m in data.get("measures_taken", [])
            },
            not_carried_out=(
                NotCarriedOut(
                    reason=NotCarriedOutReason(nco["reason"]),
                    note=nco.get("note", ""),
                    photos=list(nco.get("photos", [])),
                )
                if nco
                else None
            ),
        )


# ---------------------------------------------------------------- evaluating one answer


def _local_today() -> date:
    return datetime.now(UTC).astimezone().date()


__all__ = [
    "Answer",
    "AnswerKey",
    "Evaluation",
    "Finding",
    "Inspection",
    "Instance",
    "Issue",
    "Location",
    "NotCarriedOut",
    "Outcome",
    "Readiness",
    "ReadinessCheck",
    "Status",
    "VisibleItem",
    "completed_runs",
    "evaluate",
    "make_instance_key",
]
