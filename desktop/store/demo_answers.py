"""Answers for a demo inspection, for the real item ids of the shipped checklist definitions.

Each item kind gets a plausible value (checklists.record describes the shapes): yes/no, the
option of a choice, text and dates from the subject's instruments, typed numbers, and
measurements judged by the real calculators (:mod:`desktop.store.demo_measure`). Conditions
(``when``) are honoured; photo items are left to the few demo attachments.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from json.encoder import encode_basestring
from typing import Any

from checklists.schema import NEVER, Checklist, Condition, Item, ItemKind, Section
from desktop.store.demo_measure import Pool, measurement_value
from desktop.store.records import dumps

_YES_NO_JSON = {"yes": '"yes"', "no": '"no"'}


@dataclass(frozen=True)
class Unit:
    """One repeated instance (an instrument, a stall, a lot) with what the demo knows of it."""

    key: str
    facts: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Context:
    """What the answers of one inspection are made from."""

    rng: random.Random
    day: date
    subject_kind: str
    units: Mapping[str, Sequence[Unit]]  # scope kind path ("dispenser/nozzle") -> instances
    people: Sequence[str]
    pools: Mapping[str, Pool]
    fail_rate: float = 0.0  # chance that an item that can fail does
    values: dict[tuple[str, str], Any] = field(default_factory=dict)


def _yes_no(item: Item, ctx: Context, fail: bool) -> str:
    if item.fail_on == NEVER:
        return ctx.rng.choice(["yes", "no", "no"])
    good = "no" if item.fail_on == "yes" else "yes"
    return item.fail_on if fail else good


def _choice(item: Item, unit: Unit, ctx: Context, fail: bool) -> str:
    wanted = {
        "nozzle_fuel": unit.facts.get("fuel"),
        "site_role": "producer" if ctx.subject_kind == "producer" else "seller",
        "pledge_result": "broken" if fail else "kept",
    }.get(item.id)
    if wanted and item.option(wanted):
        return wanted
    failing = [o.value for o in item.options if o.fails]
    passing = [o.value for o in item.options if not o.fails]
    if fail and failing:
        return ctx.rng.choice(failing)
    return passing[0] if failing else ctx.rng.choice(passing)


_TEXTS = {
    "disp_certificate_no": "certificate_no",
    "seal_numbers": "seals",
    "stall_number": "label",
    "stall_goods": "goods",
    "instr_name": "name",
    "lot_product": "product",
    "lot_specification": "specification",
    "lot_producer": "producer",
}


def _text(item: Item, unit: Unit, ctx: Context) -> str | None:
    if item.id in _TEXTS and unit.facts.get(_TEXTS[item.id]):
        return unit.facts[_TEXTS[item.id]]
    made = _made_text(item.id, unit, ctx)
    if made is not None:
        return made or None
    return "见现场照片及笔录" if item.required else None


def _made_text(item_id: str, unit: Unit, ctx: Context) -> str | None:
    rng, day = ctx.rng, ctx.day
    if item_id == "stall_operator":
        return rng.choice(ctx.people)
    if item_id == "sampler":
        return ctx.people[0]
    if item_id == "lot_batch":
        return f"{day:%Y%m%d}{rng.randint(1, 9):02d}"
    if item_id == "lot_brand":
        return unit.facts.get("brand", "")
    if item_id == "lab_institute":
        return "辽宁省计量科学研究院"
    if item_id == "lab_report_no":
        return f"LNJL{day:%Y}-{rng.randint(1000, 9999)}"
    if item_id == "sample_seal_no":
        return f"FY{rng.randint(100000, 999999)}"
    return None


def _number(item: Item, ctx: Context) -> str:
    known = {"nozzle_repeatability": f"0.{ctx.rng.randint(1, 9):02d}", "sample_size": "50"}
    if item.id in known:
        return known[item.id]
    if item.id == "sample_batch_size":
        return "200"
    low = item.minimum if item.minimum is not None else 1
    return str(low)


def _date(item: Item, unit: Unit, ctx: Context) -> str:
    if item.id == "disp_verified_on" and unit.facts.get("valid_until"):
        return (date.fromisoformat(unit.facts["valid_until"]) - timedelta(days=182)).isoformat()
    if item.id == "lab_report_date":
        return (ctx.day + timedelta(days=ctx.rng.randint(10, 30))).isoformat()
    return (ctx.day - timedelta(days=ctx.rng.randint(20, 150))).isoformat()


def value_of(item: Item, unit: Unit, ctx: Context, fail: bool) -> tuple[Any, str | None]:
    """(plain value, JSON text) of one answer; (None, None) to leave it unanswered."""
    kind = item.kind
    if kind is ItemKind.MEASUREMENT:
        pool = ctx.pools.get(item.rule)
        text = measurement_value(pool, item.runs, ctx.rng, fail=fail) if pool else None
        return text, text
    if kind is ItemKind.PHOTO:
        return None, None
    plain: Any
    if kind is ItemKind.YES_NO:
        plain = _yes_no(item, ctx, fail)
        return plain, _YES_NO_JSON[plain]
    if kind is ItemKind.CHOICE:
        plain = _choice(item, unit, ctx, fail)
    elif kind is ItemKind.TEXT:
        plain = _text(item, unit, ctx)
    elif kind is ItemKind.NUMBER:
        plain = _number(item, ctx)
    else:
        plain = _date(item, unit, ctx)
    if isinstance(plain, str):
        return plain, str(encode_basestring(plain))
    return plain, None if plain is None else dumps(plain)


def _holds(conditions: Sequence[Condition], key: str, ctx: Context) -> bool:
    for condition in conditions:
        parts = key.split("/") if key else []
        found = next(
            (
                ctx.values[condition.item_id, "/".join(parts[:depth])]
                for depth in range(len(parts), -1, -1)
                if (condition.item_id, "/".join(parts[:depth])) in ctx.values
            ),
            None,
        )
        if found not in condition.values:
            return False
    return True


def _units(section: Section, ctx: Context) -> Sequence[Unit]:
    if not section.scope:
        return (Unit(""),)
    return ctx.units.get("/".join(section.scope)) or (Unit(f"{section.scope[0]}:1"),)


def _fixed(item: Item) -> str | None:
    """The JSON of the conforming answer of an item whose answer never varies, else None."""
    if item.kind is ItemKind.YES_NO and item.fail_on != NEVER:
        return _YES_NO_JSON["no" if item.fail_on == "yes" else "yes"]
    return None


def answers(
    checklist: Checklist, ctx: Context, *, stop_after: float = 1.0
) -> Iterator[tuple[str, str, str, str]]:
    """(section_id, item_id, instance_key, value JSON) for each answer, in checklist order;
    ``stop_after`` < 1 stops part-way (an unfinished inspection)."""
    sections = _plan(checklist)
    last = max(1, round(len(sections) * stop_after))
    rng, rate = ctx.rng, ctx.fail_rate
    values = ctx.values
    for section, items in sections[:last]:
        section_id = section.id
        for unit in _units(section, ctx):
            key = unit.key
            if section.when and not _holds(section.when, key, ctx):
                continue
            for item, item_id, when, can_fail, fixed in items:
                if when and not _holds(when, key, ctx):
                    continue
                fail = rate > 0 and can_fail and rng.random() < rate
                if fixed is not None and not fail:
                    yield section_id, item_id, key, fixed  # the common case, made fast
                    continue
                plain, text = value_of(item, unit, ctx, fail)
                if text is None:
                    continue
                values[item_id, key] = plain
                yield section_id, item_id, key, text


_Step = tuple[Item, str, Sequence[Condition], bool, str | None]
_PLANS: dict[tuple[str, str], list[tuple[Section, list[_Step]]]] = {}


def _plan(checklist: Checklist) -> list[tuple[Section, list[_Step]]]:
    """Each section with, per item: the item, its id, its conditions, whether it can fail and
    its fixed answer (:func:`_fixed`, None for items that conditions look at: their values are
    remembered). Worked out once per checklist, not for each of millions of answers."""
    key = (checklist.id, checklist.version)
    if key not in _PLANS:
        conditions = [c for s in checklist.sections for c in s.when]
        conditions += [c for i in checklist.items() for c in i.when]
        referenced = {c.item_id for c in conditions}
        _PLANS[key] = [
            (section, [
                (item, item.id, item.when, item.can_fail,
                 None if item.id in referenced else _fixed(item))
                for item in section.items
            ])
            for section in checklist.sections
        ]  # fmt: skip
    return _PLANS[key]
