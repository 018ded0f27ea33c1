"""Reading the store: the queries shared by the writer (:class:`~desktop.store.store.Store`)
and by :class:`Reader`, a query-only connection for lists, exports and statistics.

A Reader belongs to the thread that opened it; open one per worker thread. In WAL mode it sees
the last committed state when each query starts and never blocks the writer.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from checklists.i18n import _
from desktop.settings import OfficeSettings
from desktop.store.connection import DEFAULT_BUSY_TIMEOUT_MS, Database, Role, connect
from desktop.store.errors import (
    DatabaseDamagedError,
    RecordNotFoundError,
    SchemaOutdatedError,
    guarded,
    translate,
)
from desktop.store.records import (
    Amendment,
    Answer,
    AttachmentInfo,
    AuditEntry,
    Inspection,
    InspectionFilter,
    InspectionRow,
    Instrument,
    ResumePosition,
    Seal,
    Signature,
    Standard,
    Subject,
    amendment_from,
    answer_from,
    attachment_from,
    audit_from,
    inspection_from,
    inspection_row_from,
    instrument_from,
    resume_from,
    seal_from,
    signature_from,
    standard_from,
    subject_from,
)
from desktop.store.schema import SCHEMA_VERSION, check_ours, user_version

_LIST_COLUMNS = """
    id, inspection_date, subject_id, subject_name, subject_credit_code, checklist_id,
    checklist_version, township, inspecting_unit, status, not_carried_out_reason, outcome,
    json_extract(header, '$.inspectors') AS inspectors, updated_at"""

_ATTACHMENT_COLUMNS = """
    id, inspection_id, item_id, instance_key, filename, mime, caption, size, sha256, created_at"""

# Subject search: FTS (trigram) from this many characters on, LIKE below it.
_TRIGRAM = 3


def like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards escaped (use with ``ESCAPE '\\'``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(f: InspectionFilter) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    simple = (
        ("inspection_date >= ?", f.date_from),
        ("inspection_date <= ?", f.date_to),
        ("checklist_id = ?", f.checklist_id),
        ("township = ?", f.township),
        ("status = ?", f.status.value if f.status else None),
        ("outcome = ?", f.outcome),
    )
    for clause, value in simple:
        if value is not None:
            clauses.append(clause)
            params.append(value)
    if f.subject_id is not None:
        # with the inspections of subjects merged into this one (bundles, issue 10)
        clauses.append(
            "(subject_id = ? OR subject_id IN (SELECT id FROM subjects WHERE merged_into = ?))"
        )
        params += [f.subject_id, f.subject_id]
    if f.text:
        clauses.append(
            "(subject_name LIKE ? ESCAPE '\\' OR subject_credit_code LIKE ? ESCAPE '\\')"
        )
        params += [like_pattern(f.text), like_pattern(f.text.upper())]
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _subject_where(text: str) -> tuple[str, list[Any]]:
    """Subjects matching every word of ``text`` (split at spaces) in their name, address or
    credit code: a word of 3+ characters through the trigram index, a shorter one by LIKE on
    the name and address (as :meth:`Reads.search_subjects` matches a single word)."""
    clauses: list[str] = ["merged_into IS NULL"]
    params: list[Any] = []
    for word in text.split():
        if len(word) >= _TRIGRAM:
            clauses.append("id IN (SELECT subject_id FROM subjects_fts WHERE subjects_fts MATCH ?)")
            params.append('"' + word.replace('"', '""') + '"')
        else:
            clauses.append("(name LIKE ? ESCAPE '\\' OR address LIKE ? ESCAPE '\\')")
            params += [like_pattern(word)] * 2
    return " WHERE " + " AND ".join(clauses), params


OFFICE_SETTINGS_KEY = "office_settings"


class Reads:
    """Read operations over ``self.db``; every one raises StoreError, not sqlite3 errors."""

    db: Database
    _path: Path

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def path(self) -> Path:
        return self._path

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        cursor = self.db.conn.cursor()
        cursor.row_factory = sqlite3.Row
        return list(cursor.execute(sql, params))

    def _one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        cursor = self.db.conn.cursor()
        cursor.row_factory = sqlite3.Row
        row: sqlite3.Row | None = cursor.execute(sql, params).fetchone()
        return row

    def _must(self, what: str, record_id: str, sql: str) -> sqlite3.Row:
        row = self._one(sql, (record_id,))
        if row is None:
            raise RecordNotFoundError(what, record_id)
        return row

    # ------------------------------------------------------------------ database
    @guarded
    def meta(self, key: str) -> str | None:
        row = self.db.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @property
    def device_id(self) -> str:
        return self.meta("device_id") or ""

    def office_settings(self) -> OfficeSettings:
        """The office's settings kept with this database (defaults when none were saved)."""
        return OfficeSettings.from_json(self.meta(OFFICE_SETTINGS_KEY))

    @property
    def is_demo(self) -> bool:
        """A demo database (``liangheng demo``): the GUI says so in its title."""
        return self.meta("is_demo") == "1"

    @guarded
    def schema_version(self) -> int:
        return user_version(self.db)

    @guarded
    def integrity_problems(self, *, full: bool = False) -> list[str]:
        """Empty if the file is sound. ``quick_check`` by default (start-up); the full
        ``integrity_check`` takes seconds on a large file (run it off the UI thread)."""
        pragma = "integrity_check" if full else "quick_check"
        rows = [str(r[0]) for r in self.db.conn.execute(f"PRAGMA {pragma}")]
        fk = self.db.conn.execute("PRAGMA foreign_key_check").fetchall()
        problems = [] if rows == ["ok"] else rows
        return problems + [f"foreign key: {tuple(r)}" for r in fk]

    # ------------------------------------------------------------------ subjects
    @guarded
    def get_subject(self, subject_id: str) -> Subject:
        row = self._must(_("被检查单位"), subject_id, "SELECT * FROM subjects WHERE id = ?")
        return subject_from(row)

    @guarded
    def subject_by_credit_code(self, credit_code: str) -> Subject | None:
        row = self._one(
            "SELECT * FROM subjects WHERE credit_code = ? AND merged_into IS NULL",
            (credit_code.strip().upper(),),
        )
        return None if row is None else subject_from(row)

    @guarded
    def search_subjects(self, text: str = "", *, limit: int = 50) -> list[Subject]:
        """Subjects whose name, address or credit code contains ``text`` (all if empty)."""
        text = text.strip()
        params: list[Any]
        if not text:
            sql = "SELECT * FROM subjects WHERE merged_into IS NULL ORDER BY name LIMIT ?"
            params = [limit]
        elif len(text) >= _TRIGRAM:
            sql = (
                "SELECT s.* FROM subjects_fts f JOIN subjects s ON s.id = f.subject_id "
                "WHERE subjects_fts MATCH ? AND s.merged_into IS NULL ORDER BY s.name LIMIT ?"
            )
            params = ['"' + text.replace('"', '""') + '"', limit]
        else:
            pattern = like_pattern(text)
            sql = (
                "SELECT * FROM subjects WHERE (name LIKE ?1 ESCAPE '\\' "
                "OR address LIKE ?1 ESCAPE '\\') AND merged_into IS NULL ORDER BY name LIMIT ?2"
            )
            params = [pattern, limit]
        return [subject_from(r) for r in self._all(sql, params)]

    @guarded
    def list_subjects(self, text: str = "", *, limit: int = 200, offset: int = 0) -> list[Subject]:
        """Subjects matching every word of ``text`` (all if empty), by name, ``limit`` rows
        from ``offset``: the pages of the register of subjects, which fetches them lazily."""
        clause, params = _subject_where(text)
        sql = f"SELECT * FROM subjects{clause} ORDER BY name, id LIMIT ? OFFSET ?"  # noqa: S608
        return [subject_from(r) for r in self._all(sql, [*params, limit, offset])]

    @guarded
    def count_subjects(self, text: str = "") -> int:
        """How many subjects :meth:`list_subjects` finds for ``text``."""
        clause, params = _subject_where(text)
        row = self.db.conn.execute(f"SELECT count(*) FROM subjects{clause}", params)  # noqa: S608
        count: int = row.fetchone()[0]
        return count

    @guarded
    def instruments_of(
        self, subject_id: str, *, include_retired: bool = False, merged: bool = False
    ) -> list[Instrument]:
        """A subject's instruments, in their order; nozzles refer to their dispenser.

        A subject that arrived from another laptop under a registered credit code keeps its own
        instruments (its records number their dispensers from them, as on that laptop).
        ``merged``: for the register of the subject, also those of the subjects merged into it,
        each serial number once (the registered subject's own first)."""
        sql = "SELECT * FROM instruments WHERE subject_id = ?"
        sql += "" if include_retired else " AND in_use = 1"
        own = [instrument_from(r) for r in self._all(sql + " ORDER BY position, label, id",
                                                      (subject_id,))]  # fmt: skip
        if not merged:
            return own
        others_sql = (
            "SELECT i.* FROM instruments i JOIN subjects s ON s.id = i.subject_id "
            "WHERE s.merged_into = ?"
        )
        others_sql += "" if include_retired else " AND i.in_use = 1"
        others = [instrument_from(r) for r in self._all(
            others_sql + " ORDER BY s.id, i.position, i.label, i.id", (subject_id,))]  # fmt: skip
        seen = {(i.kind, i.serial) for i in own if i.serial.strip()}
        for instrument in others:
            key = (instrument.kind, instrument.serial)
            if instrument.serial.strip() and key in seen:
                continue
            seen.add(key)
            own.append(instrument)
        return own

    @guarded
    def get_instrument(self, instrument_id: str) -> Instrument:
        row = self._must(_("计量器具"), instrument_id, "SELECT * FROM instruments WHERE id = ?")
        return instrument_from(row)

    @guarded
    def list_standards(self, *, include_retired: bool = False) -> list[Standard]:
        where = "" if include_retired else " WHERE in_use = 1"
        sql = f"SELECT * FROM standards{where} ORDER BY kind, name, serial"  # noqa: S608
        return [standard_from(r) for r in self._all(sql)]

    @guarded
    def get_standard(self, standard_id: str) -> Standard:
        row = self._must(_("计量标准器"), standard_id, "SELECT * FROM standards WHERE id = ?")
        return standard_from(row)

    # ------------------------------------------------------------------ inspections
    @guarded
    def get_inspection(self, inspection_id: str) -> Inspection:
        sql = "SELECT * FROM inspections WHERE id = ?"
        return inspection_from(self._must(_("检查记录"), inspection_id, sql))

    @guarded
    def list_inspections(
        self, where: InspectionFilter | None = None, *, limit: int = 100, offset: int = 0
    ) -> list[InspectionRow]:
        """Newest first (by inspection date), ``limit`` rows from ``offset``."""
        clause, params = _where(where or InspectionFilter())
        sql = f"SELECT {_LIST_COLUMNS} FROM inspections{clause} "  # noqa: S608 - fixed columns
        sql += "ORDER BY inspection_date DESC, id DESC LIMIT ? OFFSET ?"
        return [inspection_row_from(r) for r in self._all(sql, [*params, limit, offset])]

    def iter_inspections(self, where: InspectionFilter | None = None) -> Iterator[InspectionRow]:
        """All matching inspections, newest first, fetched in pages (exports, the CLI)."""
        offset, page = 0, 1000
        while True:
            rows = self.list_inspections(where, limit=page, offset=offset)
            yield from rows
            if len(rows) < page:
                return
            offset += page

    @guarded
    def townships(self) -> list[str]:
        """Every township (乡镇/街道) that has inspections, for the list's filter."""
        rows = self._all(
            "SELECT DISTINCT township FROM inspections WHERE township != '' ORDER BY township"
        )
        return [str(r[0]) for r in rows]

    def count_inspections(self, where: InspectionFilter | None = None) -> int:
        clause, params = _where(where or InspectionFilter())
        row = self.db.conn.execute(f"SELECT count(*) FROM inspections{clause}", params)  # noqa: S608
        count: int = row.fetchone()[0]
        return count

    @guarded
    def answers_for(self, inspection_id: str) -> dict[tuple[str, str], Answer]:
        """The answers of an inspection keyed by (item_id, instance_key)."""
        rows = self._all(
            "SELECT item_id, instance_key, value, note, revision, updated_at, device_id "
            "FROM answers WHERE inspection_id = ?",
            (inspection_id,),
        )
        return {(r["item_id"], r["instance_key"]): answer_from(r) for r in rows}

    @guarded
    def attachments_for(self, inspection_id: str) -> list[AttachmentInfo]:
        rows = self._all(
            f"SELECT {_ATTACHMENT_COLUMNS} FROM attachments "  # noqa: S608 - fixed columns
            "WHERE inspection_id = ? ORDER BY created_at, id",
            (inspection_id,),
        )
        return [attachment_from(r) for r in rows]

    @guarded
    def attachment_bytes(self, attachment_id: str) -> bytes:
        """The stored bytes, checked against their SHA-256."""
        sql = "SELECT data, sha256 FROM attachments WHERE id = ?"
        row = self._must(_("附件"), attachment_id, sql)
        data = bytes(row["data"])
        if hashlib.sha256(data).hexdigest() != row["sha256"]:
            raise DatabaseDamagedError(self.path, _("附件内容与其校验值不符"))
        return data

    # ------------------------------------------------------------------ seals (schema 3)
    _SIGNATURE_COLUMNS = (
        "id, inspection_id, role, position, name, kind, image_sha256, note, signed_at"
    )

    @guarded
    def signatures_for(self, inspection_id: str) -> list[Signature]:
        """Signatures and their alternatives, inspectors first (by position)."""
        rows = self._all(
            f"SELECT {self._SIGNATURE_COLUMNS} FROM signatures "  # noqa: S608 - fixed columns
            "WHERE inspection_id = ? ORDER BY role = 'witness', role = 'party', position",
            (inspection_id,),
        )
        return [signature_from(r) for r in rows]

    @guarded
    def signature_image(self, signature_id: str) -> bytes | None:
        """The PNG of a signature drawn on screen, checked against its SHA-256."""
        sql = "SELECT image, image_sha256 FROM signatures WHERE id = ?"
        row = self._must(_("签名"), signature_id, sql)
        if row["image"] is None:
            return None
        data = bytes(row["image"])
        if hashlib.sha256(data).hexdigest() != row["image_sha256"]:
            raise DatabaseDamagedError(self.path, _("签名图像与其校验值不符"))
        return data

    @guarded
    def seal_of(self, inspection_id: str) -> Seal | None:
        """The seal of a finalized inspection (None for a draft)."""
        row = self._one("SELECT * FROM seals WHERE inspection_id = ?", (inspection_id,))
        return None if row is None else seal_from(row)

    @guarded
    def evidence_pdf(self, inspection_id: str) -> bytes | None:
        """The evidence copy (存证副本) stored when the record was finalized, checked against
        its SHA-256; None when there is none (a draft, or sealed before schema 4)."""
        sql = "SELECT data, sha256, size FROM evidence WHERE inspection_id = ?"
        row = self._one(sql, (inspection_id,))
        if row is None:
            return None
        data = bytes(row["data"])
        if len(data) != row["size"] or hashlib.sha256(data).hexdigest() != row["sha256"]:
            raise DatabaseDamagedError(self.path, _("存证副本（PDF）与其校验值不符"))
        return data

    @guarded
    def amendments_for(self, inspection_id: str) -> list[Amendment]:
        """The corrections of a sealed record, oldest first (its history)."""
        rows = self._all(
            "SELECT * FROM amendments WHERE inspection_id = ? ORDER BY sequence", (inspection_id,)
        )
        return [amendment_from(r) for r in rows]

    def effective_answers(self, inspection_id: str) -> dict[tuple[str, str], Answer]:
        """The answers as they stand: the sealed originals with every amendment applied in
        order (an amended answer carries the amendment's time and device)."""
        answers = self.answers_for(inspection_id)
        for amendment in self.amendments_for(inspection_id):
            for change in amendment.changes:
                key = (change.item_id, change.instance_key)
                before = answers.get(key)
                note = change.note if change.note is not None else (before.note if before else None)
                if change.new is None and not note:
                    answers.pop(key, None)
                    continue
                answers[key] = Answer(
                    item_id=change.item_id, instance_key=change.instance_key, value=change.new,
                    note=note, revision=(before.revision if before else 0) + 1,
                    updated_at=amendment.created_at, device_id=amendment.device_id,
                )  # fmt: skip
        return answers

    @guarded
    def audit_for(self, record_id: str, *, limit: int = 1000) -> list[AuditEntry]:
        """The audit lines of a record (an inspection: everything done to it), oldest first."""
        rows = self._all(
            "SELECT * FROM audit_log WHERE record_id = ? ORDER BY at, id LIMIT ?",
            (record_id, limit),
        )
        return [audit_from(r) for r in rows]

    @guarded
    def resume_position(self, inspection_id: str) -> ResumePosition | None:
        row = self._one("SELECT * FROM resume_positions WHERE inspection_id = ?", (inspection_id,))
        return None if row is None else resume_from(row)


class Reader(Reads):
    """A query-only connection for one thread (lists, exports, statistics)."""

    def __init__(self, db: Database, path: Path) -> None:
        self.db = db
        self._path = path

    @classmethod
    def open(cls, path: Path, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> Reader:
        """Open an existing, up-to-date database for reading (the writer migrates it)."""
        db = connect(path, role=Role.READER, busy_timeout_ms=busy_timeout_ms)
        try:
            version = check_ours(db, path)
            if version < SCHEMA_VERSION:
                raise SchemaOutdatedError(path, version, SCHEMA_VERSION)
        except sqlite3.Error as exc:
            db.close()
            raise translate(exc, path) or DatabaseDamagedError(path, str(exc)) from exc
        except BaseException:
            db.close()
            raise
        return cls(db, path)
