"""The writer: every change to the database goes through one :class:`Store`.

Threading: a Store (its sqlite3 connection) belongs to the thread that opened it; the GUI owns
one, on its UI thread, and each operation is one short transaction (``db.atomic()``), so the
window never waits on the disk for long. Long reads (lists of 100,000 rows, exports,
statistics) open their own :class:`~desktop.store.reads.Reader` in their worker thread.

One method per user action (STYLE.md): create a subject, add an instrument, save one answer...
Every method that writes more than one row does it in one transaction; saving an answer is the
hot path: one UPSERT and one
commit with ``synchronous=FULL``: when ``save_answer`` returns, the answer is on disk.
Every write also appends its line to the audit log in the same transaction
(:mod:`desktop.store.audit`); only the resume position (where the cursor is) is not audited.
It is a single INSERT ... SELECT ... ON CONFLICT statement that also checks that the inspection
is still a draft; the inspection row itself is not rewritten on every answer (its
``updated_at`` changes with the header, the outcome and the status).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from checklists.i18n import N_, _
from desktop.settings import OfficeSettings
from desktop.store import audit, finalize
from desktop.store.connection import DEFAULT_BUSY_TIMEOUT_MS, Database, Role, connect
from desktop.store.errors import (
    AttachmentTooLargeError,
    DatabaseDamagedError,
    DuplicateCreditCodeError,
    InspectionClosedError,
    RecordNotFoundError,
    guarded,
    raise_translated,
    translate,
)
from desktop.store.ids import check_date, china_date, new_id, utc_now
from desktop.store.reads import OFFICE_SETTINGS_KEY, Reader, Reads
from desktop.store.records import (
    Amendment,
    AnswerChange,
    AttachmentInfo,
    Inspection,
    Instrument,
    Seal,
    Signature,
    SignatureKind,
    SignatureRole,
    Standard,
    Status,
    Subject,
    dumps,
    loads,
)
from desktop.store.schema import check_ours, migrate

if TYPE_CHECKING:
    from checklists.record import Issue

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024

_WHAT = {
    "subjects": N_("被检查单位"),
    "instruments": N_("计量器具"),
    "standards": N_("计量标准器"),
    "inspections": N_("检查记录"),
}

# Columns a caller may change with update_*; everything else is the store's bookkeeping.
SUBJECT_FIELDS = frozenset(
    {"name", "credit_code", "kind", "address", "city", "county", "township",
     "contact_person", "phone", "notes", "extra"}
)  # fmt: skip
INSTRUMENT_FIELDS = frozenset(
    {"parent_id", "kind", "label", "position", "manufacturer", "model", "serial",
     "seal_numbers", "certificate_no", "valid_until", "in_use", "extra"}
)  # fmt: skip
STANDARD_FIELDS = frozenset(
    {"name", "kind", "model", "serial", "accuracy_class", "certificate_no", "valid_until",
     "issued_by", "in_use", "notes"}
)  # fmt: skip
_JSON_FIELDS = frozenset({"extra", "seal_numbers", "header"})


def _normalize_code(code: str | None) -> str | None:
    code = (code or "").strip().upper()
    return code or None


def _column_value(name: str, value: Any) -> Any:
    if name in _JSON_FIELDS:
        return dumps(list(value) if name == "seal_numbers" else value)
    if name == "credit_code":
        return _normalize_code(value)
    if name == "valid_until" and value is not None:
        return check_date(value)
    if name == "in_use":
        return int(bool(value))
    return value


class Store(Reads):
    """The one writer of a database file. See the module docstring for threading."""

    def __init__(self, db: Database, path: Path) -> None:
        self.db = db
        self._path = path
        self._device_id = self.meta("device_id") or ""
        self._actors: dict[str, str] = {}  # inspection id -> actor (see _actor)
        self._actors_version = -1

    # ------------------------------------------------------------------ lifecycle
    @classmethod
    def open(
        cls,
        path: Path,
        *,
        create: bool = True,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    ) -> Store:
        """Open (and create, if allowed and missing) the database at ``path`` and bring its
        schema up to date. Raises a StoreError the user can act on."""
        path = Path(path)
        db = connect(path, role=Role.WRITER, create=create, busy_timeout_ms=busy_timeout_ms)
        try:
            check_ours(db, path)
            migrate(db)
        except sqlite3.Error as exc:
            db.close()
            raise translate(exc, path) or DatabaseDamagedError(path, str(exc)) from exc
        except BaseException:
            db.close()
            raise
        return cls(db, path)

    def reader(self) -> Reader:
        """A new read-only connection to the same file, for another thread."""
        return Reader.open(self.path)

    @property
    def device_id(self) -> str:
        return self._device_id

    def _stamp(self) -> dict[str, Any]:
        now = utc_now()
        return {"revision": 1, "created_at": now, "updated_at": now, "device_id": self._device_id}

    def _insert(self, table: str, row: Mapping[str, Any]) -> None:
        names = ", ".join(row)
        marks = ", ".join(f":{name}" for name in row)
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - our column names
        self.db.conn.execute(sql, dict(row))

    def _update(self, table: str, record_id: str, changes: Mapping[str, Any]) -> None:
        """Change columns of one row, bumping its revision; RecordNotFoundError if absent."""
        if table == "inspections" and "header" in changes:
            self._actors.pop(record_id, None)
        values = dict(changes)
        values.update(_id=record_id, _now=utc_now(), _device=self._device_id)
        sets = "".join(f"{name} = :{name}, " for name in changes)
        sql = (
            f"UPDATE {table} SET {sets}revision = revision + 1, "  # noqa: S608 - our columns
            "updated_at = :_now, device_id = :_device WHERE id = :_id"
        )
        if self.db.conn.execute(sql, values).rowcount != 1:
            raise RecordNotFoundError(_(_WHAT[table]), record_id)

    def _audit(
        self,
        table: str,
        record_id: str,
        action: str,
        details: Mapping[str, Any] | None = None,
        *,
        inspection_id: str | None = None,
        at: str | None = None,
    ) -> None:
        actor = None if inspection_id is None else self._actor(inspection_id)
        audit.append(
            self.db.conn, device_id=self._device_id, table=table, record_id=record_id,
            action=action, details=details, actor=actor, at=at,
        )  # fmt: skip

    def _actor(self, inspection_id: str) -> str:
        """The actor of a change to an inspection (its inspectors' names, audit.py), cached:
        working out the names from the header JSON for every keystroke's audit line is a good
        part of what saving an answer costs. The cache is dropped when this connection changes
        a header and when any other connection has written (``PRAGMA data_version``)."""
        version = self.db.conn.execute("PRAGMA data_version").fetchone()[0]
        if version != self._actors_version:
            self._actors.clear()
            self._actors_version = version
        actor = self._actors.get(inspection_id)
        if actor is None:
            actor = self._actors[inspection_id] = audit.actor_of(self.db.conn, inspection_id)
        return actor

    def drop_caches(self) -> None:
        """Forget what is cached about records (after writing them with other means, as an
        import of a bundle does)."""
        self._actors.clear()

    @staticmethod
    def _checked(changes: Mapping[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"not updatable: {sorted(unknown)}")
        return {name: _column_value(name, value) for name, value in changes.items()}

    @guarded
    def mark_demo(self) -> None:
        """Mark this database as demo data (never mixed with real work)."""
        with self.db.atomic():
            self.db.conn.execute("UPDATE meta SET value = '1' WHERE key = 'is_demo'")
            self._audit("meta", "is_demo", "mark_demo")

    def save_office_settings(self, settings: OfficeSettings) -> None:
        """Keep the office's settings with this database (one row of meta)."""
        with self.db.atomic():
            self.db.conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (OFFICE_SETTINGS_KEY, settings.to_json()),
            )
            self._audit("meta", OFFICE_SETTINGS_KEY, "settings", loads(settings.to_json()))

    # ------------------------------------------------------------------ subjects
    def _refuse_duplicate_code(self, code: str | None, subject_id: str | None) -> None:
        if code is None:
            return
        row = self.db.conn.execute(
            "SELECT name FROM subjects WHERE credit_code = ? AND id IS NOT ? "
            "AND merged_into IS NULL",
            (code, subject_id),
        ).fetchone()
        if row is not None:
            raise DuplicateCreditCodeError(code, row[0])

    @guarded
    def create_subject(self, /, name: str, kind: str, **fields: Any) -> Subject:
        """Register a 被检查单位. ``fields``: any of SUBJECT_FIELDS (credit_code, address,
        city, county, township, contact_person, phone, notes, extra)."""
        row = {"id": new_id(), **self._stamp(), "name": name.strip(), "kind": kind}
        row.update(self._checked(fields, SUBJECT_FIELDS - {"name", "kind"}))
        with self.db.atomic():
            self._refuse_duplicate_code(row.get("credit_code"), None)
            self._insert("subjects", row)
            self._audit("subjects", row["id"], "create", _details(row))
        return self.get_subject(row["id"])

    @guarded
    def update_subject(self, /, subject_id: str, **changes: Any) -> Subject:
        values = self._checked(changes, SUBJECT_FIELDS)
        with self.db.atomic():
            if "credit_code" in values:
                self._refuse_duplicate_code(values["credit_code"], subject_id)
            self._update("subjects", subject_id, values)
            self._audit("subjects", subject_id, "update", _details(values))
        return self.get_subject(subject_id)

    # ------------------------------------------------------------------ instruments, standards
    @guarded
    def add_instrument(self, /, subject_id: str, kind: str, **fields: Any) -> Instrument:
        """Register an instrument of a subject. ``fields``: any of INSTRUMENT_FIELDS; a nozzle
        gives its dispenser as ``parent_id``; ``seal_numbers`` is a list of strings."""
        row = {"id": new_id(), **self._stamp(), "subject_id": subject_id, "kind": kind}
        row.update(self._checked(fields, INSTRUMENT_FIELDS - {"kind"}))
        with self.db.atomic():
            self.get_subject(subject_id)  # a clear error instead of a foreign-key failure
            self._insert("instruments", row)
            self._audit("instruments", row["id"], "create", _details(row))
        return self.get_instrument(row["id"])

    @guarded
    def update_instrument(self, /, instrument_id: str, **changes: Any) -> Instrument:
        with self.db.atomic():
            values = self._checked(changes, INSTRUMENT_FIELDS)
            self._update("instruments", instrument_id, values)
            self._audit("instruments", instrument_id, "update", _details(values))
        return self.get_instrument(instrument_id)

    @guarded
    def add_standard(self, /, name: str, kind: str, **fields: Any) -> Standard:
        """Register one of the inspectors' measuring standards (20 L measure, thermometer,
        test weights). ``fields``: any of STANDARD_FIELDS."""
        row = {"id": new_id(), **self._stamp(), "name": name.strip(), "kind": kind}
        row.update(self._checked(fields, STANDARD_FIELDS - {"name", "kind"}))
        with self.db.atomic():
            self._insert("standards", row)
            self._audit("standards", row["id"], "create", _details(row))
        return self.get_standard(row["id"])

    @guarded
    def update_standard(self, /, standard_id: str, **changes: Any) -> Standard:
        with self.db.atomic():
            values = self._checked(changes, STANDARD_FIELDS)
            self._update("standards", standard_id, values)
            self._audit("standards", standard_id, "update", _details(values))
        return self.get_standard(standard_id)

    # ------------------------------------------------------------------ inspections
    @guarded
    def create_inspection(
        self,
        subject_id: str,
        checklist_id: str,
        checklist_version: str,
        *,
        inspection_date: str | None = None,
        started_at: str | None = None,
        inspecting_unit: str = "",
        header: Mapping[str, Any] | None = None,
    ) -> Inspection:
        """A new draft for a subject; it keeps the checklist version it was made with and a copy
        of the subject's name, credit code and township as they are today."""
        stamp = self._stamp()
        with self.db.atomic():
            subject = self.get_subject(subject_id)
            row = {
                "id": new_id(),
                **stamp,
                "subject_id": subject_id,
                "checklist_id": checklist_id,
                "checklist_version": str(checklist_version),
                "status": Status.DRAFT.value,
                "inspection_date": check_date(inspection_date or china_date()),
                "started_at": started_at or stamp["created_at"],
                "subject_name": subject.name,
                "subject_credit_code": subject.credit_code,
                "township": subject.township,
                "inspecting_unit": inspecting_unit,
                "header": dumps(dict(header or {})),
            }
            self._insert("inspections", row)
            self._audit("inspections", row["id"], "create", _details(row), inspection_id=row["id"])
        return self.get_inspection(row["id"])

    def _touch_draft(
        self, inspection_id: str, *, allow: Iterable[Status] = (Status.DRAFT,)
    ) -> None:
        """Stamp the inspection as changed now; refuse if it is not in an ``allow``ed state.
        Must run inside the caller's transaction (the UPDATE takes the write lock first)."""
        states = [s.value for s in allow]
        marks = ", ".join("?" * len(states))
        # Not device_id: that names the device that last changed the row's own content (what
        # a bundle's merge compares); stamping it here made a photo added at the office look
        # like an edit of the header there.
        done = self.db.conn.execute(
            f"UPDATE inspections SET updated_at = ? "  # noqa: S608 - marks only
            f"WHERE id = ? AND status IN ({marks})",
            (utc_now(), inspection_id, *states),
        )
        if done.rowcount != 1:
            self._refuse_closed(inspection_id)

    def _refuse_closed(self, inspection_id: str) -> NoReturn:
        status = self.get_inspection(inspection_id).status  # RecordNotFoundError if absent
        raise InspectionClosedError(inspection_id, status.label)

    def save_answer(
        self,
        inspection_id: str,
        item_id: str,
        instance_key: str,
        value: Any,
        note: str | None = None,
    ) -> int:
        """Save one answer (JSON-able plain data; None clears it) in one short transaction and
        return its revision. ``note=None`` keeps the answer's existing note; "" removes it.
        Refused (InspectionClosedError) unless the inspection is a draft.

        This runs for every keystroke, so it spells out what ``db.atomic()`` and ``@guarded``
        do rather than going through them: BEGIN ... COMMIT (a savepoint, through atomic(),
        inside a caller's transaction), ROLLBACK on any failure including the COMMIT's, and
        sqlite3 errors translated into StoreErrors. Those two layers cost about a tenth of a
        save (bench/bench_store.py); the SQL and what lands in the file are the same."""
        text = dumps(value)
        now = utc_now()
        conn = self.db.conn
        try:
            nested = conn.in_transaction
            if nested:
                with self.db.atomic():
                    return self._put_answer(inspection_id, item_id, instance_key, text, note, now)
            conn.execute("BEGIN")
            try:
                revision = self._put_answer(inspection_id, item_id, instance_key, text, note, now)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            return revision
        except sqlite3.Error as exc:
            raise_translated(exc, self.path)

    def _put_answer(
        self, inspection_id: str, item_id: str, instance_key: str, text: str, note: str | None,
        now: str,
    ) -> int:  # fmt: skip
        """The answer's row and its audit line, inside the caller's transaction."""
        conn = self.db.conn
        # One statement: it takes the write lock, checks the inspection is a draft (the SELECT
        # finds no row otherwise: the small index of drafts answers that), inserts or updates
        # the answer and returns its revision.
        row = conn.execute(
            "INSERT INTO answers (id, revision, created_at, updated_at, device_id, "
            "inspection_id, item_id, instance_key, value, note) "
            "SELECT ?, 1, ?, ?, ?, id, ?, ?, ?, ? "
            "FROM inspections INDEXED BY inspections_drafts WHERE id = ? AND status = 'draft' "
            "ON CONFLICT (inspection_id, item_id, instance_key) DO UPDATE SET "
            "value = excluded.value, note = coalesce(excluded.note, answers.note), "
            "revision = answers.revision + 1, updated_at = excluded.updated_at, "
            "device_id = excluded.device_id "
            "RETURNING revision",
            (new_id(), now, now, self._device_id, item_id, instance_key, text, note,
             inspection_id),
        ).fetchone()  # fmt: skip
        if row is None:
            self._refuse_closed(inspection_id)
        revision = row[0]
        conn.execute(
            audit.ANSWER_SQL,
            (new_id(), now, self._device_id, self._actor(inspection_id), inspection_id,
             item_id, instance_key, text, note, revision),
        )  # fmt: skip
        return int(revision)

    @guarded
    def save_header(self, /, inspection_id: str, header: Mapping[str, Any], **columns: Any) -> int:
        """Replace the header (representative, inspectors, recorder, place, standards used...)
        and optionally ``inspecting_unit``, ``inspection_date``, ``started_at``, ``ended_at``,
        ``note``; return the inspection's revision."""
        allowed = {"inspecting_unit", "inspection_date", "started_at", "ended_at", "note"}
        values = self._checked(columns, frozenset(allowed))
        if "inspection_date" in values:
            values["inspection_date"] = check_date(values["inspection_date"])
        values["header"] = dumps(dict(header))
        return self._change_inspection(inspection_id, values, "header")

    @guarded
    def set_outcome(self, inspection_id: str, outcome: str | None) -> int:
        """The overall outcome code (vocabulary of the published results) of a draft."""
        return self._change_inspection(inspection_id, {"outcome": outcome}, "outcome")

    @guarded
    def set_rectification_deadline(self, inspection_id: str, deadline: str | None) -> int:
        """整改期限 (``YYYY-MM-DD`` or None) of a draft; required to finalize with findings."""
        value = check_date(deadline) if deadline else None
        return self._change_inspection(inspection_id, {"rectification_deadline": value}, "deadline")

    def _change_inspection(self, inspection_id: str, values: Mapping[str, Any], action: str) -> int:
        with self.db.atomic():
            self._touch_draft(inspection_id)
            self._update("inspections", inspection_id, values)
            self._audit(
                "inspections", inspection_id, action, _details(values),
                inspection_id=inspection_id,
            )  # fmt: skip
            return self.get_inspection(inspection_id).revision

    @guarded
    def mark_not_carried_out(
        self,
        inspection_id: str,
        reason: str,
        *,
        outcome: str | None = None,
        note: str = "",
    ) -> int:
        """Record that a draft inspection could not be carried out (``reason``: a code of
        checklists.outcome.NotCarriedOutReason, e.g. closed 停业, unreachable 无法联系, refused
        拒绝检查): a recorded outcome, not an abandoned draft. Photos may still be attached."""
        if not str(reason):
            raise ValueError("a reason is required")
        values = {
            "status": Status.NOT_CARRIED_OUT.value,
            "not_carried_out_reason": str(reason),
            "outcome": outcome,
            "note": note,
            "ended_at": utc_now(),
        }
        return self._change_inspection(inspection_id, values, "not_carried_out")

    @guarded
    def reopen(self, inspection_id: str) -> int:
        """Undo "not carried out" (a mistaken tap): the inspection is a draft again."""
        values = {"status": Status.DRAFT.value, "not_carried_out_reason": None, "ended_at": None}
        with self.db.atomic():
            self._touch_draft(inspection_id, allow=(Status.NOT_CARRIED_OUT,))
            self._update("inspections", inspection_id, values)
            self._audit("inspections", inspection_id, "reopen", inspection_id=inspection_id)
            return self.get_inspection(inspection_id).revision

    # ------------------------------------------------------------------ signatures, seal, amend
    @guarded
    def sign(
        self,
        inspection_id: str,
        role: SignatureRole | str,
        kind: SignatureKind | str,
        *,
        name: str = "",
        position: int = 0,
        image: bytes | None = None,
        note: str = "",
    ) -> Signature:
        """Record (or replace) a signature of a draft: an inspector (position 1 or 2), the party
        or the witness; drawn (``image``: PNG bytes), on paper, or for the party refused (a
        ``note`` is required) or absent (then a witness signs)."""
        return finalize.sign(
            self, inspection_id, SignatureRole(role), SignatureKind(kind), name=name,
            position=position, image=image, note=note,
        )  # fmt: skip

    @guarded
    def remove_signature(
        self, inspection_id: str, role: SignatureRole | str, position: int = 0
    ) -> None:
        """Take back a signature of a draft (the party's also removes the witness's)."""
        finalize.remove_signature(self, inspection_id, SignatureRole(role), position)

    @guarded
    def finalize(
        self,
        inspection_id: str,
        *,
        outcome: str | None = None,
        missing: Sequence[Issue] = (),
        render_evidence: Callable[[Store, str], tuple[bytes, str]] | None = None,
    ) -> Seal:
        """Seal a draft in one transaction: signatures checked, status ``finalized``, outcome,
        document number, seal hash chained to this device's previous seal, audit line.
        ``missing``: the record's own readiness issues (``Inspection.readiness``); NotReadyError
        if there are any or a signature is missing. Read-only from then on.

        ``render_evidence(store, inspection_id) -> (pdf, sha256)`` makes the evidence copy
        (``desktop.reports.evidence_pdf_bytes``; the store does not draw reports): called in
        the same transaction after the seal row, stored with its hash (:meth:`evidence_pdf`).
        If it fails, nothing is sealed (EvidenceRenderError)."""
        return finalize.finalize(
            self, inspection_id, outcome=outcome, missing=missing, render_evidence=render_evidence
        )

    @guarded
    def amend(self, inspection_id: str, reason: str, changes: Sequence[AnswerChange]) -> Amendment:
        """更正 a sealed record: new values for answers, with a required reason; the original
        answers stay (``effective_answers`` applies the amendments, ``amendments_for`` lists
        them)."""
        return finalize.amend(self, inspection_id, reason, changes)

    # ------------------------------------------------------------------ attachments, position
    @guarded
    def add_attachment(
        self,
        inspection_id: str,
        data: bytes,
        *,
        filename: str,
        mime: str,
        item_id: str | None = None,
        instance_key: str = "",
        caption: str = "",
    ) -> AttachmentInfo:
        """Store a photo or document with its SHA-256 (drafts and not-carried-out records)."""
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise AttachmentTooLargeError(len(data), MAX_ATTACHMENT_BYTES)
        row = {
            "id": new_id(),
            **self._stamp(),
            "inspection_id": inspection_id,
            "item_id": item_id,
            "instance_key": instance_key,
            "filename": filename,
            "mime": mime,
            "caption": caption,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "data": sqlite3.Binary(data),
        }
        with self.db.atomic():
            self._touch_draft(inspection_id, allow=(Status.DRAFT, Status.NOT_CARRIED_OUT))
            self._insert("attachments", row)
            details = {k: row[k] for k in ("id", "item_id", "instance_key", "filename", "mime",
                                           "caption", "size", "sha256")}  # fmt: skip
            self._audit("attachments", inspection_id, "attach", details,
                        inspection_id=inspection_id)  # fmt: skip
        return next(a for a in self.attachments_for(inspection_id) if a.id == row["id"])

    @guarded
    def set_resume_position(
        self, inspection_id: str, section: str, item_id: str = "", instance_key: str = ""
    ) -> None:
        """Remember where the inspector is in an unfinished inspection (survives a crash)."""
        with self.db.atomic():
            self.db.conn.execute(
                "INSERT INTO resume_positions (inspection_id, section, item_id, instance_key, "
                "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (inspection_id) DO UPDATE SET "
                "section = excluded.section, item_id = excluded.item_id, "
                "instance_key = excluded.instance_key, updated_at = excluded.updated_at",
                (inspection_id, section, item_id, instance_key, utc_now()),
            )


def _details(row: Mapping[str, Any]) -> dict[str, Any]:
    """What an audit line says about a row: its columns without the bookkeeping, JSON columns
    as data."""
    skip = {"revision", "created_at", "updated_at", "device_id", "data"}
    return {
        name: loads(value) if name in _JSON_FIELDS and isinstance(value, str) else value
        for name, value in row.items()
        if name not in skip
    }
