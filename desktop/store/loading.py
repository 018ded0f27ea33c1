"""A stored inspection as a :class:`checklists.record.Inspection`, without Qt and without a
writer: exports and the command line read a record the way the walk-through shows it.

This follows the conventions :mod:`desktop.ui.walk_state` fixes for what the store keeps
(不适用 stored as ``"na"``; instances rebuilt from the subject's registered instruments in
register order, then from the instance keys of answers, attachments and the resume position).
``WalkState`` builds its record here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from checklists.answers import Answer
from checklists.catalogue import Catalogue
from checklists.errors import InputError
from checklists.header import Header
from checklists.i18n import _
from checklists.outcome import NotCarriedOutReason
from checklists.record import Inspection, NotCarriedOut, make_instance_key
from checklists.schema import NA, REPEAT_KINDS, Checklist
from desktop.store.reads import Reads
from desktop.store.records import AttachmentInfo, Instrument
from desktop.store.records import Inspection as InspectionRecord
from desktop.store.records import Status as RecordStatus

_KEY_PART = re.compile(r"^([a-z_]+):(\d+)$")


@dataclass(frozen=True)
class LoadedInspection:
    """What a report needs of one stored inspection: its row, the record rebuilt from its
    answers, its attachments (without bytes) and instrument ids by instance key."""

    row: InspectionRecord
    record: Inspection
    attachments: tuple[AttachmentInfo, ...]
    instrument_ids: dict[str, str] = field(default_factory=dict)


def header_from(data: dict[str, Any]) -> Header:
    """The header as stored; fields a newer app wrote that this one does not know are dropped."""
    try:
        return Header.from_json(data)
    except TypeError:
        known = set(Header().to_json())
        return Header.from_json({k: v for k, v in data.items() if k in known})


def _sort_key(key: str) -> tuple[tuple[str, int], ...]:
    parts = []
    for part in key.split("/"):
        match = _KEY_PART.match(part)
        parts.append((match[1], int(match[2])) if match else (part, 0))
    return tuple(parts)


def default_label(key: str) -> str:
    """The label of an instance nobody named: 摊位 3."""
    kind, _sep, number = key.rsplit("/", 1)[-1].partition(":")
    return _("{kind} {n}").format(kind=_(REPEAT_KINDS.get(kind, kind)), n=number)


class _Builder:
    def __init__(self, reads: Reads, checklist: Checklist, row: InspectionRecord) -> None:
        self.reads = reads
        self.checklist = checklist
        self.row = row
        self.record = Inspection(checklist, header=header_from(row.header))
        self.instrument_ids: dict[str, str] = {}
        self.attachments = tuple(reads.attachments_for(row.id))

    def build(self) -> Inspection:
        # A sealed record shows its answers as amended (the originals stay in the store).
        stored = self.reads.effective_answers(self.row.id)
        self._instances({key for _item, key in stored})
        for (item_id, key), answer in stored.items():
            if not self.checklist.has_item(item_id):
                continue
            if key and not any(i.key == key for i in self.record.instances):
                continue
            if answer.value == NA:
                self.record.answers[(item_id, key)] = Answer(
                    not_applicable=True, note=answer.note or ""
                )
            else:
                self.record.answers[(item_id, key)] = Answer(answer.value, note=answer.note or "")
        self._not_carried_out()
        return self.record

    def _instances(self, keys: set[str]) -> None:
        scopes = {s.scope for s in self.checklist.sections if s.scope}
        if ("dispenser",) in scopes:
            instruments = self.reads.instruments_of(self.row.subject_id)
            self._dispensers(instruments, with_nozzles=("dispenser", "nozzle") in scopes)
        keys = keys | {a.instance_key for a in self.attachments}
        position = self.reads.resume_position(self.row.id)
        if position is not None:
            keys.add(position.instance_key)
        for key in sorted((k for k in keys if k), key=_sort_key):
            self._ensure(key, scopes)

    def _dispensers(self, instruments: list[Instrument], *, with_nozzles: bool) -> None:
        dispensers = [i for i in instruments if i.kind == "dispenser"]
        for d, dispenser in enumerate(dispensers, 1):
            key = make_instance_key(("dispenser", d))
            self._register(key, dispenser, _("{n}号加油机").format(n=d))
            if not with_nozzles:
                continue
            nozzles = [i for i in instruments if i.parent_id == dispenser.id]
            for n, nozzle in enumerate(nozzles, 1):
                child = make_instance_key(("dispenser", d), ("nozzle", n))
                self._register(child, nozzle, _("{n}号枪").format(n=n))

    def _register(self, key: str, instrument: Instrument, fallback: str) -> None:
        self.record.add_instance(key, instrument.label or fallback, instrument.serial)
        self.instrument_ids[key] = instrument.id

    def _ensure(self, key: str, scopes: set[tuple[str, ...]]) -> None:
        parts = key.split("/")
        for depth in range(1, len(parts) + 1):
            partial = "/".join(parts[:depth])
            kinds = tuple(p.split(":", 1)[0] for p in parts[:depth])
            if kinds not in scopes or any(i.key == partial for i in self.record.instances):
                continue
            try:
                self.record.add_instance(partial, default_label(partial))
            except InputError:
                return  # a malformed key in old data: its answers stay in the store

    def _not_carried_out(self) -> None:
        reason = self.row.not_carried_out_reason
        if self.row.status is not RecordStatus.NOT_CARRIED_OUT or not reason:
            return
        try:
            code = NotCarriedOutReason(reason)
        except ValueError:
            return
        photos = [a.id for a in self.attachments if a.item_id is None]
        self.record.not_carried_out = NotCarriedOut(code, self.row.note, photos)


def load_inspection(reads: Reads, catalogue: Catalogue, inspection_id: str) -> LoadedInspection:
    """Rebuild one stored inspection with the checklist version it was made with.
    RecordNotFoundError if there is no such inspection; KeyError if its checklist version is
    not in ``catalogue``."""
    row = reads.get_inspection(inspection_id)
    checklist = catalogue.get(row.checklist_id, row.checklist_version)
    builder = _Builder(reads, checklist, row)
    record = builder.build()
    return LoadedInspection(row, record, builder.attachments, builder.instrument_ids)
