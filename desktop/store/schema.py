"""The schema as numbered migrations, and the function that brings a database up to date.

``PRAGMA user_version`` holds the number of the last migration applied; ``PRAGMA
application_id`` marks the file as ours. Each migration runs in one transaction together with
the version bump, so a database is always at exactly one version. Never edit a released
migration: add the next one, add a fixture database for the new version
(``tests/desktop/store/make_fixtures.py``) and a test that migrates every older fixture.

Conventions of every record table (so that laptops merge, DESIGN.md "Storage rules"): ``id`` is
a UUID (text primary key), ``revision`` counts changes (starting at 1), ``created_at`` and
``updated_at`` are UTC ISO 8601 with ``Z``, ``device_id`` names the laptop that made the last
change. Tables are STRICT, JSON columns are checked with ``json_valid``.

sqlite-utils' ``table.transform()`` drops a table's triggers: a migration that uses it must call
:func:`create_triggers` again (a test checks that every trigger exists after migrating).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from desktop.store.connection import Database
from desktop.store.errors import NotOurDatabaseError, SchemaTooNewError
from desktop.store.ids import new_id, utc_now

APPLICATION_ID = 0x4C484E47  # "LHNG"

_RECORD = """
    id TEXT PRIMARY KEY NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    device_id TEXT NOT NULL"""

_V1 = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) STRICT;

-- 被检查单位
CREATE TABLE subjects ({_RECORD},
    name TEXT NOT NULL CHECK (name <> ''),
    credit_code TEXT CHECK (credit_code IS NULL OR credit_code <> ''),  -- 统一社会信用代码
    kind TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    county TEXT NOT NULL DEFAULT '',
    township TEXT NOT NULL DEFAULT '',
    contact_person TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    extra TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid(extra))
) STRICT;
CREATE UNIQUE INDEX subjects_credit_code ON subjects (credit_code) WHERE credit_code IS NOT NULL;
CREATE INDEX subjects_name ON subjects (name);
CREATE INDEX subjects_township ON subjects (township);

-- 计量器具 of a subject; a nozzle (枪) has its dispenser (加油机) as parent
CREATE TABLE instruments ({_RECORD},
    subject_id TEXT NOT NULL REFERENCES subjects (id),
    parent_id TEXT REFERENCES instruments (id),
    kind TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    manufacturer TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    serial TEXT NOT NULL DEFAULT '',
    seal_numbers TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(seal_numbers)),
    certificate_no TEXT NOT NULL DEFAULT '',
    valid_until TEXT,
    in_use INTEGER NOT NULL DEFAULT 1 CHECK (in_use IN (0, 1)),
    extra TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid(extra))
) STRICT;
CREATE INDEX instruments_subject ON instruments (subject_id, position);
CREATE INDEX instruments_parent ON instruments (parent_id);
CREATE INDEX instruments_serial ON instruments (serial);

-- the inspectors' own measuring standards (计量标准器 / 检测设备)
CREATE TABLE standards ({_RECORD},
    name TEXT NOT NULL CHECK (name <> ''),
    kind TEXT NOT NULL,
    model TEXT NOT NULL DEFAULT '',
    serial TEXT NOT NULL DEFAULT '',
    accuracy_class TEXT NOT NULL DEFAULT '',
    certificate_no TEXT NOT NULL DEFAULT '',
    valid_until TEXT,
    issued_by TEXT NOT NULL DEFAULT '',
    in_use INTEGER NOT NULL DEFAULT 1 CHECK (in_use IN (0, 1)),
    notes TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE inspections ({_RECORD},
    subject_id TEXT NOT NULL REFERENCES subjects (id),
    checklist_id TEXT NOT NULL,
    checklist_version TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'finalized', 'not_carried_out')),
    -- codes of checklists.outcome (NotCarriedOutReason, PublishedResult): the domain owns
    -- the vocabulary, so no CHECK here that a new code would need a table rebuild for
    not_carried_out_reason TEXT CHECK (not_carried_out_reason <> ''),
    outcome TEXT CHECK (outcome <> ''),
    inspection_date TEXT NOT NULL,
    started_at TEXT,
    ended_at TEXT,
    subject_name TEXT NOT NULL,
    subject_credit_code TEXT,
    township TEXT NOT NULL DEFAULT '',
    inspecting_unit TEXT NOT NULL DEFAULT '',
    header TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid(header)),
    note TEXT NOT NULL DEFAULT '',
    CHECK ((status = 'not_carried_out') = (not_carried_out_reason IS NOT NULL))
) STRICT;
CREATE INDEX inspections_date ON inspections (inspection_date);
CREATE INDEX inspections_checklist ON inspections (checklist_id, inspection_date);
CREATE INDEX inspections_township ON inspections (township, inspection_date);
CREATE INDEX inspections_status ON inspections (status, inspection_date);
CREATE INDEX inspections_outcome ON inspections (outcome, inspection_date);
CREATE INDEX inspections_subject ON inspections (subject_id, inspection_date);
CREATE INDEX inspections_subject_name ON inspections (subject_name);

CREATE TABLE answers ({_RECORD},
    inspection_id TEXT NOT NULL REFERENCES inspections (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    instance_key TEXT NOT NULL DEFAULT '',
    value TEXT NOT NULL CHECK (json_valid(value)),
    note TEXT,
    UNIQUE (inspection_id, item_id, instance_key)
) STRICT;

CREATE TABLE attachments ({_RECORD},
    inspection_id TEXT NOT NULL REFERENCES inspections (id) ON DELETE CASCADE,
    item_id TEXT,
    instance_key TEXT NOT NULL DEFAULT '',
    filename TEXT NOT NULL,
    mime TEXT NOT NULL,
    caption TEXT NOT NULL DEFAULT '',
    size INTEGER NOT NULL CHECK (size >= 0),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    data BLOB NOT NULL  -- last: listing attachments never reads the bytes
) STRICT;
CREATE INDEX attachments_inspection ON attachments (inspection_id);

-- where an unfinished inspection was left (one row per inspection; this laptop's own)
CREATE TABLE resume_positions (
    inspection_id TEXT PRIMARY KEY NOT NULL REFERENCES inspections (id) ON DELETE CASCADE,
    section TEXT NOT NULL DEFAULT '',
    item_id TEXT NOT NULL DEFAULT '',
    instance_key TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
) STRICT;
"""


def _v1_core(db: Database) -> None:
    """Subjects, instruments, standards, inspections, answers, attachments, resume positions."""
    db.executescript(_V1)
    now = utc_now()
    db.conn.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?)",
        [("device_id", new_id()), ("created_at", now), ("is_demo", "0")],
    )
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


# Search on subject names, addresses and credit codes (issue 6 builds on it). The trigram
# tokenizer finds Chinese substrings of 3+ characters; shorter queries use LIKE. A standalone
# FTS table keyed by subject_id, not external content: rowids of a table with a text primary
# key may change on VACUUM.
_SUBJECTS_FTS = """
CREATE VIRTUAL TABLE subjects_fts USING fts5(
    subject_id UNINDEXED, name, address, credit_code, tokenize = 'trigram'
);
"""

TRIGGERS: dict[str, str] = {
    "subjects_fts_insert": """
        CREATE TRIGGER subjects_fts_insert AFTER INSERT ON subjects BEGIN
            INSERT INTO subjects_fts (subject_id, name, address, credit_code)
            VALUES (new.id, new.name, new.address, coalesce(new.credit_code, ''));
        END""",
    "subjects_fts_update": """
        CREATE TRIGGER subjects_fts_update AFTER UPDATE OF name, address, credit_code
        ON subjects BEGIN
            UPDATE subjects_fts SET name = new.name, address = new.address,
                credit_code = coalesce(new.credit_code, '')
            WHERE subject_id = old.id;
        END""",
    "subjects_fts_delete": """
        CREATE TRIGGER subjects_fts_delete AFTER DELETE ON subjects BEGIN
            DELETE FROM subjects_fts WHERE subject_id = old.id;
        END""",
}

# Version 3 (issue 8): what a sealed record may never become. ``RAISE(ABORT)`` undoes the
# statement; the store's transaction then rolls back as a whole.
_SEALED = "(SELECT status FROM inspections WHERE id = {row}.inspection_id) = 'finalized'"
_APPEND_ONLY = ("audit_log", "seals", "amendments")
_FROZEN_CHILDREN = ("answers", "attachments", "signatures")
SEAL_TRIGGERS: dict[str, str] = {
    **{
        f"{table}_no_{action.lower()}": f"""
        CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} BEGIN
            SELECT RAISE(ABORT, '{table} is append-only');
        END"""
        for table in _APPEND_ONLY
        for action in ("UPDATE", "DELETE")
    },
    **{
        f"{table}_sealed_{action.lower()}": f"""
        CREATE TRIGGER {table}_sealed_{action.lower()} BEFORE {action} ON {table}
        WHEN {_SEALED.format(row="new" if action == "INSERT" else "old")} BEGIN
            SELECT RAISE(ABORT, 'the inspection is sealed');
        END"""
        for table in _FROZEN_CHILDREN
        for action in ("INSERT", "UPDATE", "DELETE")
    },
    "inspections_sealed_update": """
        CREATE TRIGGER inspections_sealed_update BEFORE UPDATE ON inspections
        WHEN old.status = 'finalized' BEGIN
            SELECT RAISE(ABORT, 'the inspection is sealed');
        END""",
    "inspections_sealed_delete": """
        CREATE TRIGGER inspections_sealed_delete BEFORE DELETE ON inspections
        WHEN old.status = 'finalized' BEGIN
            SELECT RAISE(ABORT, 'the inspection is sealed');
        END""",
    # A seal only for a finalized record: the store writes the status first, then the seal.
    "seals_only_finalized": """
        CREATE TRIGGER seals_only_finalized BEFORE INSERT ON seals
        WHEN (SELECT status FROM inspections WHERE id = new.inspection_id)
             IS NOT 'finalized' BEGIN
            SELECT RAISE(ABORT, 'only a finalized inspection is sealed');
        END""",
    "amendments_only_sealed": """
        CREATE TRIGGER amendments_only_sealed BEFORE INSERT ON amendments
        WHEN NOT EXISTS (SELECT 1 FROM seals WHERE inspection_id = new.inspection_id) BEGIN
            SELECT RAISE(ABORT, 'only a sealed inspection is amended');
        END""",
}
# Version 4 (issue 9): the evidence copy (存证副本) is written once, in finalize's transaction
# after the seal (so: only for a sealed record), and never changed or removed.
EVIDENCE_TRIGGERS: dict[str, str] = {
    **{
        f"evidence_no_{action.lower()}": f"""
        CREATE TRIGGER evidence_no_{action.lower()} BEFORE {action} ON evidence BEGIN
            SELECT RAISE(ABORT, 'the evidence copy is kept as sealed');
        END"""
        for action in ("UPDATE", "DELETE")
    },
    "evidence_only_sealed": """
        CREATE TRIGGER evidence_only_sealed BEFORE INSERT ON evidence
        WHEN NOT EXISTS (SELECT 1 FROM seals WHERE inspection_id = new.inspection_id) BEGIN
            SELECT RAISE(ABORT, 'only a sealed inspection has an evidence copy');
        END""",
}
# The tamper-proofing triggers (tests and ``verify`` treat them as one set).
SEAL_TRIGGERS.update(EVIDENCE_TRIGGERS)
TRIGGERS.update(SEAL_TRIGGERS)


def _trigger_since(name: str) -> int:
    """The schema version that added the table a trigger is on."""
    if name in EVIDENCE_TRIGGERS:
        return 4
    return 3 if name in SEAL_TRIGGERS else 2


def create_triggers(db: Database, *, version: int | None = None) -> None:
    """(Re)create every trigger of the schema (at ``version``, default: the latest); call it
    after any ``transform()``. A test checks that all exist after migrating every fixture."""
    version = len(MIGRATIONS) if version is None else version
    for name, sql in TRIGGERS.items():
        if _trigger_since(name) <= version:
            db.execute(f"DROP TRIGGER IF EXISTS {name}")
            db.execute(sql)


def _v2_subject_search(db: Database) -> None:
    """Full-text search table for subjects, filled from the existing rows, kept by triggers."""
    db.executescript(_SUBJECTS_FTS)
    db.execute(
        "INSERT INTO subjects_fts (subject_id, name, address, credit_code) "
        "SELECT id, name, address, coalesce(credit_code, '') FROM subjects"
    )
    create_triggers(db, version=2)


# Signatures, seals, amendments and the audit log (issue 8; DESIGN.md data flow step 4).
_V3 = f"""
ALTER TABLE inspections ADD COLUMN rectification_deadline TEXT
    CHECK (rectification_deadline IS NULL OR date(rectification_deadline) IS NOT NULL);

-- 签名: role inspector (position 1, 2: the two 执法人员), party (当事人) or witness (见证人).
-- kind: drawn on screen (image = PNG, image_sha256), paper (signed on the printed record),
-- refused (the party refused: note says so, no image), absent (the party was not present:
-- a witness signs instead).
CREATE TABLE signatures ({_RECORD},
    inspection_id TEXT NOT NULL REFERENCES inspections (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('inspector', 'party', 'witness')),
    position INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
    name TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL CHECK (kind IN ('drawn', 'paper', 'refused', 'absent')),
    image_sha256 TEXT CHECK (image_sha256 IS NULL OR length(image_sha256) = 64),
    note TEXT NOT NULL DEFAULT '',
    signed_at TEXT NOT NULL,
    image BLOB,
    CHECK ((kind = 'drawn') = (image IS NOT NULL AND image_sha256 IS NOT NULL)),
    CHECK (kind NOT IN ('refused', 'absent') OR role = 'party'),
    UNIQUE (inspection_id, role, position)
) STRICT;

-- 封存: one per finalized inspection. ``sequence`` numbers the seals of one device (1, 2, ...)
-- and ``prev_seal_hash`` is the seal_hash of the one before (64 zeros for the first): a chain.
-- ``number_year``/``number_seq`` make the document number (per device and year).
CREATE TABLE seals (
    inspection_id TEXT PRIMARY KEY NOT NULL REFERENCES inspections (id),
    device_id TEXT NOT NULL,
    sequence INTEGER NOT NULL CHECK (sequence >= 1),
    prev_seal_hash TEXT NOT NULL CHECK (length(prev_seal_hash) = 64),
    seal_hash TEXT NOT NULL CHECK (length(seal_hash) = 64),
    canonical_version INTEGER NOT NULL,
    document_no TEXT NOT NULL UNIQUE CHECK (document_no <> ''),
    number_year INTEGER NOT NULL,
    number_seq INTEGER NOT NULL CHECK (number_seq >= 1),
    sealed_at TEXT NOT NULL,
    actor TEXT NOT NULL DEFAULT '',
    UNIQUE (device_id, sequence),
    UNIQUE (device_id, number_year, number_seq)
) STRICT;

-- 更正: a correction after sealing; the original answers stay. ``changes`` is a JSON list of
-- {{"item_id", "instance_key", "old", "new"}}; ``hash`` chains to the seal (sequence 1) or the
-- amendment before.
CREATE TABLE amendments (
    id TEXT PRIMARY KEY NOT NULL,
    inspection_id TEXT NOT NULL REFERENCES seals (inspection_id),
    sequence INTEGER NOT NULL CHECK (sequence >= 1),
    reason TEXT NOT NULL CHECK (trim(reason) <> ''),
    changes TEXT NOT NULL CHECK (json_valid(changes)),
    created_at TEXT NOT NULL,
    device_id TEXT NOT NULL,
    actor TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
    hash TEXT NOT NULL CHECK (length(hash) = 64),
    UNIQUE (inspection_id, sequence)
) STRICT;

-- 操作记录: every change, appended in the same transaction as the change itself.
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY NOT NULL,
    at TEXT NOT NULL,
    device_id TEXT NOT NULL,
    actor TEXT NOT NULL,
    table_name TEXT NOT NULL,
    record_id TEXT NOT NULL,
    action TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid(details))
) STRICT;
CREATE INDEX audit_log_record ON audit_log (record_id, at);
CREATE INDEX audit_log_at ON audit_log (at);
"""


def _v3_seals(db: Database) -> None:
    """Signatures, seals, amendments, the audit log and the triggers that keep them."""
    db.executescript(_V3)
    create_triggers(db, version=3)


# 存证副本 (issue 9): the PDF rendered once when the record was finalized, with its SHA-256;
# exporting a sealed record hands out these bytes. Records sealed before version 4 have none:
# meta ``evidence_before`` keeps, per device, the last seal sequence that existed when this
# migration ran, so ``verify`` tells "sealed before v4" from "evidence copy missing".
_V4 = """
CREATE TABLE evidence (
    inspection_id TEXT PRIMARY KEY NOT NULL REFERENCES inspections (id),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    size INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    device_id TEXT NOT NULL,
    data BLOB NOT NULL  -- last: reading the hash never reads the bytes
) STRICT;
"""
EVIDENCE_BEFORE_KEY = "evidence_before"
# meta: the device ids this database had before a restore gave it a new one (recovery.py)
PREVIOUS_DEVICES_KEY = "previous_device_ids"


def _v4_evidence(db: Database) -> None:
    """The evidence copies of finalized records, and where the records without one end."""
    db.executescript(_V4)
    last = dict(db.conn.execute("SELECT device_id, max(sequence) FROM seals GROUP BY device_id"))
    db.conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?)",
        (EVIDENCE_BEFORE_KEY, json.dumps(last, sort_keys=True)),
    )
    create_triggers(db, version=4)


# Transfer by USB (issue 10). ``subjects.merged_into``: a subject that arrived in a bundle with
# the 统一社会信用代码 of one already registered here stays as a row (its sealed inspections
# name it; the seal covers ``subject_id``) but points at the registered one, which lists and
# searches show instead. ``transfers``: the history of bundles written and read;
# ``transfer_conflicts``: what an import did not take (the losing version, kept for the office);
# ``sent``: per inspection, the state it was last exported in (what "not yet sent" compares).
_V5 = """
ALTER TABLE subjects ADD COLUMN merged_into TEXT REFERENCES subjects (id);
DROP INDEX subjects_credit_code;
CREATE UNIQUE INDEX subjects_credit_code ON subjects (credit_code)
    WHERE credit_code IS NOT NULL AND merged_into IS NULL;
CREATE INDEX subjects_merged_into ON subjects (merged_into) WHERE merged_into IS NOT NULL;

CREATE TABLE transfers (
    id TEXT PRIMARY KEY NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('export', 'import')),
    bundle_id TEXT NOT NULL,
    at TEXT NOT NULL,
    device_id TEXT NOT NULL,
    peer_device_id TEXT NOT NULL DEFAULT '',
    file_name TEXT NOT NULL DEFAULT '',
    part INTEGER NOT NULL DEFAULT 1 CHECK (part >= 1),
    parts INTEGER NOT NULL DEFAULT 1 CHECK (parts >= part),
    summary TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(summary))
) STRICT;
CREATE INDEX transfers_at ON transfers (at);
CREATE INDEX transfers_bundle ON transfers (bundle_id);

CREATE TABLE transfer_conflicts (
    id TEXT PRIMARY KEY NOT NULL,
    transfer_id TEXT NOT NULL REFERENCES transfers (id),
    kind TEXT NOT NULL,
    table_name TEXT NOT NULL,
    record_id TEXT NOT NULL,
    inspection_id TEXT,
    kept TEXT NOT NULL CHECK (kept IN ('local', 'incoming')),
    lost TEXT NOT NULL CHECK (json_valid(lost)),
    note TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX transfer_conflicts_transfer ON transfer_conflicts (transfer_id);

CREATE TABLE sent (
    inspection_id TEXT PRIMARY KEY NOT NULL REFERENCES inspections (id) ON DELETE CASCADE,
    token TEXT NOT NULL,
    transfer_id TEXT NOT NULL REFERENCES transfers (id)
) STRICT;
"""


def _v5_transfers(db: Database) -> None:
    """Subject aliases, the transfer history, its conflicts and what was sent."""
    db.executescript(_V5)


def _v6_audit_index(db: Database) -> None:
    """Drop ``audit_log_at``: no query reads the log by time alone (the history of a record
    goes through ``audit_log_record``), and every change (each keystroke of an answer)
    paid for a fourth B-tree in the same transaction."""
    db.execute("DROP INDEX IF EXISTS audit_log_at")


# Schema 7: the audit log as one B-tree, clustered by record. Each saved keystroke appends a
# line; as a rowid table with its UUID key and the record index, that line was written into
# three B-trees. Keyed by (record_id, at, id) and WITHOUT ROWID it is one, and a record's
# history (the only way the log is read) is a range of that key. A bundle bringing a line again
# meets the same key (INSERT OR IGNORE). Ids stay unique by how they are made (UUIDv7, 74
# random bits) and within a bundle (bundle_check), but no longer by an index of their own: a
# damaged bundle re-using a known id with another time or record adds a line instead of being
# ignored; the log only ever grows. Lines of one record with the same ``at`` are read in id
# order: since this version the order they were written in (ids made by one process
# increase, ids.py); lines written before it in the same millisecond may read swapped.
_AUDIT_LOG_V7 = """
CREATE TABLE audit_log_v7 (
    id TEXT NOT NULL,
    at TEXT NOT NULL,
    device_id TEXT NOT NULL,
    actor TEXT NOT NULL,
    table_name TEXT NOT NULL,
    record_id TEXT NOT NULL,
    action TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details)),
    PRIMARY KEY (record_id, at, id)
) STRICT, WITHOUT ROWID;
INSERT INTO audit_log_v7 (id, at, device_id, actor, table_name, record_id, action, details)
    SELECT id, at, device_id, actor, table_name, record_id, action, details FROM audit_log
    ORDER BY record_id, at, rowid;
DROP TRIGGER audit_log_no_update;
DROP TRIGGER audit_log_no_delete;
DROP TABLE audit_log;
ALTER TABLE audit_log_v7 RENAME TO audit_log;
-- Saving an answer checks that its inspection is a draft: this index answers that alone.
CREATE INDEX inspections_drafts ON inspections (id) WHERE status = 'draft';
"""


def _v7_audit_clustered(db: Database) -> None:
    """The audit log clustered by record (one B-tree per line written), and the index of
    drafts that saving an answer reads."""
    db.executescript(_AUDIT_LOG_V7)
    create_triggers(db, version=7)


Migration = Callable[[Database], None]

# Append only. The position (1-based) is the schema version the migration produces.
MIGRATIONS: tuple[Migration, ...] = (
    _v1_core,
    _v2_subject_search,
    _v3_seals,
    _v4_evidence,
    _v5_transfers,
    _v6_audit_index,
    _v7_audit_clustered,
)
SCHEMA_VERSION = len(MIGRATIONS)


def user_version(db: Database) -> int:
    version: int = db.conn.execute("PRAGMA user_version").fetchone()[0]
    return version


def application_id(db: Database) -> int:
    app_id: int = db.conn.execute("PRAGMA application_id").fetchone()[0]
    return app_id


def is_empty(db: Database) -> bool:
    count: int = db.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    return count == 0


def migrate(
    db: Database, *, target: int = SCHEMA_VERSION, migrations: Sequence[Migration] = MIGRATIONS
) -> int:
    """Apply the missing migrations up to ``target``, each in its own transaction together with
    its version number; return the version reached. The caller has checked that the file is
    ours and not newer (:func:`desktop.store.store.Store.open`)."""
    for number in range(user_version(db) + 1, target + 1):
        with db.atomic():
            # Re-read inside the transaction: another process may have migrated meanwhile.
            if user_version(db) >= number:
                continue
            migrations[number - 1](db)
            db.execute(f"PRAGMA user_version = {number}")
    return user_version(db)


def check_ours(db: Database, path: Path) -> int:
    """The schema version of an app database at ``path``; refuse a foreign or newer file."""
    app_id, version = application_id(db), user_version(db)
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and not is_empty(db)):
        raise NotOurDatabaseError(path)
    if version > SCHEMA_VERSION:
        raise SchemaTooNewError(path, version, SCHEMA_VERSION)
    return version
