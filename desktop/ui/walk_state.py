"""The walk-through's controller: one inspection loaded from the store into a
:class:`checklists.record.Inspection`, changed through one call that updates record and store
together. No widgets here (Qt is not imported), so it is tested without a QApplication.

Conventions this module fixes for what the store keeps (exports read the same way):

- 不适用 is stored as the answer value ``"na"`` (``checklists.schema.NA``); the record keeps it
  as ``Answer.not_applicable``. A note without an answer is stored with the value ``null``.
- Instances (per-instrument repetition) are not stored as such; they are rebuilt on every open:
  1. from the subject's registered instruments, numbered by their order in the register
     (``Store.instruments_of``: position, label, id): the n-th dispenser is ``dispenser:n``, the
     m-th nozzle registered under it ``dispenser:n/nozzle:m``. An instrument added on the spot
     is registered with the next position, so earlier numbers never move while a record is open;
  2. from the instance keys of stored answers, attachments and the resume position (stalls,
     lots and anything added on the spot that is not a registered instrument; also old records
     whose instruments were renumbered since). A stall added and left without any answer is
     therefore not kept, which is what an inspector expects of an empty page.
- A measurement answer is ``{"runs": [{"inputs": {...}, "result": {...}}]}``; a run whose inputs
  the calculator refused keeps its typed ``inputs`` and an ``"error"`` instead of a result, so
  nothing typed is lost (:mod:`desktop.ui.walk_rules`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from checklists.answers import Answer, Status
from checklists.catalogue import Catalogue
from checklists.header import Header
from checklists.i18n import _
from checklists.outcome import NotCarriedOutReason
from checklists.record import NotCarriedOut, Readiness
from checklists.rule_params import RULE_PARAMS
from checklists.rules.tables import DEFAULT_POLICY, Policy
from checklists.schema import NA, REPEAT_KINDS, Checklist, Item, ItemKind, Section, Stage
from desktop.reports import evidence_pdf_bytes
from desktop.store import Store
from desktop.store.errors import NotReadyError
from desktop.store.loading import default_label, load_inspection
from desktop.store.records import Amendment, AnswerChange, Instrument, Seal, Signature
from desktop.store.records import Status as RecordStatus
from desktop.store.signing import signature_check
from desktop.ui import walk_rules

HEADER = "header"  # the page of the common header
FINDINGS = "findings"  # the page of findings and readiness, at the end

# Instrument kinds of the register that pre-fill a repeated section of this scope.
_PREFILLED = {("dispenser",): "dispenser", ("dispenser", "nozzle"): "nozzle"}
_KEY_PART = re.compile(r"^([a-z_]+):(\d+)$")


@dataclass(frozen=True)
class Page:
    """One page of the walk-through: a section for one instance (or the header, findings)."""

    section_id: str
    instance_key: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.section_id, self.instance_key)


@dataclass(frozen=True)
class Place:
    """A page and an item on it (item ``""``: the top of the page)."""

    page: Page
    item_id: str = ""


@dataclass(frozen=True)
class Saved:
    """What one change did: the store's revision, when, and whether other items may have
    appeared or disappeared (an answer that a condition looks at)."""

    revision: int
    at: datetime
    layout_changed: bool = False


@dataclass
class Progress:
    answered: int = 0
    required: int = 0
    failing: int = 0

    @property
    def done(self) -> bool:
        return self.answered >= self.required


@dataclass
class _Numbering:
    """Next free number per instance path prefix (for instances added on the spot)."""

    used: dict[str, set[int]] = field(default_factory=dict)

    def take(self, parent_key: str, kind: str) -> int:
        numbers = self.used.setdefault(f"{parent_key}|{kind}", set())
        number = max(numbers, default=0) + 1
        numbers.add(number)
        return number

    def note(self, key: str) -> None:
        parts = key.split("/")
        match = _KEY_PART.match(parts[-1])
        if match:
            parent = "/".join(parts[:-1])
            self.used.setdefault(f"{parent}|{match[1]}", set()).add(int(match[2]))


def stored_value(answer: Answer | None) -> Any:
    """The value as the store keeps it (不适用 -> "na")."""
    if answer is None:
        return None
    return NA if answer.not_applicable else answer.value


class WalkState:
    """One inspection being walked through; every change goes through here."""

    def __init__(
        self,
        store: Store,
        catalogue: Catalogue,
        inspection_id: str,
        policy: Policy = DEFAULT_POLICY,
    ) -> None:
        self.store = store
        self.catalogue = catalogue
        self.policy = policy
        self.inspection_id = inspection_id
        # The record as exports see it too: one loader for both (desktop.store.loading).
        loaded = load_inspection(store, catalogue, inspection_id)
        self.row = loaded.row
        self.checklist: Checklist = loaded.record.checklist
        self.record = loaded.record
        self.instrument_ids: dict[str, str] = dict(loaded.instrument_ids)  # key -> instrument
        self._numbering = _Numbering()
        for instance in self.record.instances:
            self._numbering.note(instance.key)

    # ------------------------------------------------------------------ loading
    @property
    def subject_id(self) -> str:
        return self.row.subject_id

    @property
    def editable(self) -> bool:
        return self.row.status is RecordStatus.DRAFT

    # ------------------------------------------------------------------ pages
    def pages(self) -> list[Page]:
        """Every page in walk-through order: header, sections (per instance), findings.

        A repeated section with no instance yet under a parent (no stall registered at a
        market, a dispenser without nozzles) gets one empty page keyed by the parent, from
        which the first one is added: otherwise there would be nowhere to add it."""
        result = [Page(HEADER)]
        for section in self.checklist.sections:
            if not section.scope:
                result.append(Page(section.id))
                continue
            for parent in self._parents(section):
                keys = self.record.instances_for(section, parent)
                result += [Page(section.id, key) for key in keys] or [Page(section.id, parent)]
        result.append(Page(FINDINGS))
        return result

    def _parents(self, section: Section) -> list[str]:
        if len(section.scope) == 1:
            return [""]
        kinds = section.scope[:-1]
        return [i.key for i in self.record.instances if i.kinds == kinds]

    def is_placeholder(self, page: Page) -> bool:
        """The empty page of a repeated section that has no instance under its parent yet."""
        section = self.section(page)
        if section is None or not section.scope:
            return False
        return len([p for p in page.instance_key.split("/") if p]) < len(section.scope)

    def section(self, page: Page) -> Section | None:
        if page.section_id in (HEADER, FINDINGS):
            return None
        return self.checklist.section(page.section_id)

    def page_visible(self, page: Page) -> bool:
        section = self.section(page)
        return section is None or self.record.section_visible(section, page.instance_key)

    def page_title(self, page: Page) -> str:
        if page.section_id == HEADER:
            return _("记录首部")
        if page.section_id == FINDINGS:
            return _("检查结果")
        section = self.checklist.section(page.section_id)
        if self.is_placeholder(page):
            kind = _(REPEAT_KINDS.get(section.scope[-1], section.scope[-1]))
            return _("{title}（尚无{kind}）").format(title=section.title, kind=kind)
        label = self.record.instance_label(page.instance_key)
        return f"{section.title} · {label}" if label else section.title

    def visible_items(self, page: Page) -> list[Item]:
        section = self.section(page)
        if section is None or self.is_placeholder(page) or not self.page_visible(page):
            return []
        return [i for i in section.items if self.record.is_visible(i, page.instance_key)]

    def progress(self, page: Page) -> Progress:
        """答 x / 必答 y of one page: required items answered, and failing answers."""
        result = Progress()
        for item in self.visible_items(page):
            status = self.record.evaluate(item, page.instance_key).status
            if item.required:
                result.required += 1
                result.answered += status is not Status.MISSING
            result.failing += status is Status.FAIL and not item.is_remark
        return result

    def unanswered_required(self) -> Iterator[Place]:
        """Required on-site items still unanswered, in walk-through order."""
        for visible in self.record.visible_items():
            if not visible.item.required or visible.section.stage is Stage.LABORATORY:
                continue
            status = self.record.evaluate(visible.item, visible.instance_key).status
            if status is Status.MISSING:
                page = Page(visible.section.id, visible.instance_key)
                yield Place(page, visible.item.id)

    def next_unanswered(self, after: Place | None) -> Place | None:
        """The first unanswered required item after ``after`` (wrapping round), or None."""
        places = list(self.unanswered_required())
        if not places:
            return None
        if after is None:
            return places[0]
        order = {p.key: n for n, p in enumerate(self.pages())}
        current = self._rank(after, order)
        later = [p for p in places if self._rank(p, order) > current]
        return (later or places)[0]

    def _rank(self, place: Place, order: dict[tuple[str, str], int]) -> tuple[int, int]:
        section = self.section(place.page)
        index = -1
        if section is not None and place.item_id:
            ids = [i.id for i in section.items]
            index = ids.index(place.item_id) if place.item_id in ids else -1
        return (order.get(place.page.key, len(order)), index)

    # ------------------------------------------------------------------ changes
    def _saved(self, revision: int, *, layout: bool = False) -> Saved:
        return Saved(revision, datetime.now().astimezone(), layout)

    def _referenced(self) -> set[str]:
        ids = {c.item_id for s in self.checklist.sections for c in s.when}
        return ids | {c.item_id for i in self.checklist.items() for c in i.when}

    def set_value(self, item_id: str, instance_key: str, value: Any) -> Saved:
        """Record an answer (``"na"``: 不适用; None, "" or []: clear) in the record and the
        store. InputError for a wrong shape; on a store error the record is left unchanged."""
        key = (item_id, instance_key)
        before = copy.deepcopy(self.record.answers.get(key))
        note = before.note if before else ""
        if value == NA:
            self.record.set_not_applicable(item_id, instance_key)
        elif value is None or value == "" or value == []:
            if note:
                self.record.answers[key] = Answer(note=note)
            else:
                self.record.clear_answer(item_id, instance_key)
            value = None
        else:
            self.record.set_answer(item_id, value, instance_key)
        try:
            revision = self.store.save_answer(self.inspection_id, item_id, instance_key, value)
        except Exception:
            self._restore(key, before)
            raise
        return self._saved(revision, layout=item_id in self._referenced())

    def set_note(self, item_id: str, instance_key: str, note: str) -> Saved:
        key = (item_id, instance_key)
        answer = self.record.answers.get(key)
        before = copy.deepcopy(answer)
        if answer is None:
            answer = self.record.answers[key] = Answer()
        answer.note = note
        try:
            revision = self.store.save_answer(
                self.inspection_id, item_id, instance_key, stored_value(before), note=note
            )
        except Exception:
            self._restore(key, before)
            raise
        return self._saved(revision)

    def _restore(self, key: tuple[str, str], before: Answer | None) -> None:
        if before is None:
            self.record.answers.pop(key, None)
        else:
            self.record.answers[key] = before

    def save_header(self, header: Header) -> Saved:
        revision = self.store.save_header(self.inspection_id, header.to_json())
        self.record.header = header
        return self._saved(revision)

    def add_photo(
        self, item_id: str, instance_key: str, data: bytes, filename: str, mime: str
    ) -> Saved:
        """Store a photo's original bytes (with their SHA-256) and list it in the answer."""
        info = self.store.add_attachment(
            self.inspection_id,
            data,
            filename=filename,
            mime=mime,
            item_id=item_id,
            instance_key=instance_key,
        )
        answer = self.record.answer(item_id, instance_key)
        photos = list(answer.value) if answer and isinstance(answer.value, list) else []
        return self.set_value(item_id, instance_key, [*photos, info.id])

    def remember(self, place: Place) -> None:
        """Where the inspector is (the store keeps it across a crash)."""
        if self.editable:
            self.store.set_resume_position(
                self.inspection_id, place.page.section_id, place.item_id, place.page.instance_key
            )

    def resume_place(self) -> Place | None:
        position = self.store.resume_position(self.inspection_id)
        if position is None:
            return None
        page = Page(position.section, position.instance_key)
        if page not in self.pages():
            return None
        return Place(page, position.item_id)

    def add_instance(self, section: Section, parent_key: str = "", label: str = "") -> str:
        """Add one instance of a repeated section on the spot; a dispenser or nozzle is also
        registered as the subject's instrument. Returns the new instance key."""
        kind = section.scope[-1]
        number = self._numbering.take(parent_key, kind)
        key = "/".join(p for p in (parent_key, f"{kind}:{number}") if p)
        if kind in _PREFILLED.values():
            label = label or (_("{n}号加油机") if kind == "dispenser" else _("{n}号枪")).format(
                n=number
            )
            parent_id = self.instrument_ids.get(parent_key)
            position = max((i.position for i in self._instruments()), default=0) + 1
            fields: dict[str, Any] = {"label": label, "position": position}
            if parent_id:
                fields["parent_id"] = parent_id
            instrument = self.store.add_instrument(self.subject_id, kind, **fields)
            self.instrument_ids[key] = instrument.id
        self.record.add_instance(key, label or default_label(key))
        self.remember(Place(Page(section.id, key)))
        return key

    def _instruments(self) -> list[Instrument]:
        return self.store.instruments_of(self.subject_id, include_retired=True)

    def mark_not_carried_out(
        self, reason: NotCarriedOutReason, note: str, photo: tuple[bytes, str, str] | None
    ) -> Saved:
        """停业 / 无法联系 / 拒绝检查 ...: the recorded outcome, with a note and a photo."""
        revision = self.store.mark_not_carried_out(
            self.inspection_id, reason.value, outcome=reason.result.value, note=note
        )
        photos = []
        if photo is not None:
            data, filename, mime = photo
            info = self.store.add_attachment(
                self.inspection_id, data, filename=filename, mime=mime, caption=reason.label
            )
            photos.append(info.id)
        self.row = self.store.get_inspection(self.inspection_id)
        self.record.not_carried_out = NotCarriedOut(reason, note, photos)
        return self._saved(revision)

    # ------------------------------------------------------------------ measurements
    def rule_params(self, item: Item, instance_key: str) -> dict[str, str]:
        """The rule's parameters for this instance: fixed values as given, and the answers of
        the items they name (``fuel_item`` -> ``fuel``: this nozzle's fuel)."""
        spec = RULE_PARAMS.get(item.rule)
        result: dict[str, str] = {}
        for name, value in item.params.items():
            if spec is None or name not in spec.items:
                result[name] = str(value)
                continue
            depth = len(self.checklist.section_of(str(value)).scope)
            prefix = "/".join(instance_key.split("/")[:depth]) if depth else ""
            answer = self.record.answer(str(value), prefix)
            found = answer.value if answer and isinstance(answer.value, str) else ""
            result[name.removesuffix("_item")] = found
        return result

    def measure(
        self,
        item_id: str,
        instance_key: str,
        shared: dict[str, str],
        rows: list[dict[str, str]],
    ) -> Saved:
        """Judge what is typed in a measurement table and save it (runs, results, errors)."""
        item = self.checklist.item(item_id)
        params = self.rule_params(item, instance_key)
        value = walk_rules.judge(item.rule, shared, rows, params, self.policy)
        return self.set_value(item_id, instance_key, value if value["runs"] else None)

    def dependents(self, item_id: str) -> list[Item]:
        """Measurement items whose rule takes this item's answer as a parameter."""
        return [
            i
            for i in self.checklist.items()
            if i.kind is ItemKind.MEASUREMENT and item_id in map(str, i.params.values())
        ]

    def rejudge_dependents(self, item_id: str) -> list[tuple[str, str]]:
        """Judge again the stored measurements that depend on ``item_id`` (the fuel or the
        measure's material changed); returns the (item, instance) keys changed."""
        changed = []
        for item in self.dependents(item_id):
            for (answer_item, key), answer in list(self.record.answers.items()):
                if answer_item != item.id or not isinstance(answer.value, dict):
                    continue
                shared, rows = walk_rules.typed_back(item.rule, answer.value)
                self.measure(item.id, key, shared, rows)
                changed.append((item.id, key))
        return changed

    # ------------------------------------------------------------------ signing and sealing
    def signatures(self) -> list[Signature]:
        return self.store.signatures_for(self.inspection_id)

    def readiness(self) -> Readiness:
        """What the record still needs, signatures and the rectification deadline included."""
        check = signature_check(self.signatures, lambda: self.row.rectification_deadline)
        return self.record.readiness(extra_checks=[check])

    def sign(self, role: str, kind: str, **fields: Any) -> Signature:
        """A signature or its alternative (``Store.sign``)."""
        return self.store.sign(self.inspection_id, role, kind, **fields)

    def unsign(self, role: str, position: int = 0) -> None:
        self.store.remove_signature(self.inspection_id, role, position)

    def set_deadline(self, deadline: str | None) -> Saved:
        revision = self.store.set_rectification_deadline(self.inspection_id, deadline)
        self.row = self.store.get_inspection(self.inspection_id)
        return self._saved(revision)

    @property
    def seal(self) -> Seal | None:
        return self.store.seal_of(self.inspection_id)

    def finalize(self) -> Seal:
        """Seal the record (NotReadyError with the issues if anything is missing)."""
        readiness = self.readiness()
        if readiness.missing:
            raise NotReadyError(readiness.missing)
        outcome = self.record.outcome().result.value
        # The evidence copy (存证副本) is drawn inside the sealing transaction, once.
        render = partial(evidence_pdf_bytes, catalogue=self.catalogue)
        seal = self.store.finalize(self.inspection_id, outcome=outcome, render_evidence=render)
        self.row = self.store.get_inspection(self.inspection_id)
        return seal

    def amendments(self) -> list[Amendment]:
        return self.store.amendments_for(self.inspection_id)

    def amend(self, reason: str, item_id: str, instance_key: str, value: Any) -> Amendment:
        """更正 one answer of the sealed record; the record shows the amended value."""
        change = AnswerChange(item_id, instance_key, value)
        amendment = self.store.amend(self.inspection_id, reason, [change])
        if value == NA:
            self.record.answers[(item_id, instance_key)] = Answer(not_applicable=True)
        elif value is None:
            self.record.answers.pop((item_id, instance_key), None)
        else:
            self.record.answers[(item_id, instance_key)] = Answer(value=value)
        return amendment
