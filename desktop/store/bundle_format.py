"""The bundle file (传输包) that carries work from a laptop to the county office by USB stick.

A bundle is a ZIP file (``.lhb``) with these members and nothing else:

- ``manifest.json``: :data:`FORMAT`, :data:`FORMAT_VERSION`, the bundle's id, the set it belongs
  to and its part number, the device that wrote it, when, the app and schema version, the count
  of records per table, and the size and SHA-256 of every other member;
- ``records/<table>.jsonl``: one JSON array per line, the columns of :data:`COLUMNS` in that
  order (deflated);
- ``blobs/<sha256>``: the bytes of photos, drawn signatures and evidence copies, named by their
  own SHA-256 (stored as is: they are compressed already), referred to from the records by the
  ``sha256`` / ``image_sha256`` column;
- ``definitions/checklists/<id>@<version>.toml`` and ``definitions/rules/<table>.toml``: the
  checklist versions the inspections were made with and the rule tables of the app that wrote
  the bundle.

What may be in a member is bounded (:data:`LIMITS`), so a file that claims to be a bundle cannot
make the importer read without end. Photos are kept as stored (their SHA-256 is sealed); they
are at most 50 MB each when attached, so a part is cut between inspections to stay under
:data:`MAX_PART_BYTES` (a FAT32 stick takes files under 4 GiB); every part is a bundle of its
own that imports alone.

Format version 1 is this module. Never change what a released version means: a change is a new
version, and the importer refuses versions it does not know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

FORMAT = "liangheng-bundle"
FORMAT_VERSION = 1
SUFFIX = ".lhb"
MANIFEST = "manifest.json"

# FAT32 takes files of at most 4 GiB - 1 byte; leave room for the ZIP directory and records.
MAX_PART_BYTES = 3_800_000_000

Row = dict[str, Any]  # a record line read back, by column name

# Column names per table, in the order of a record line. ``None`` marks a blob column: it is
# not in the line; its bytes are the member ``blobs/<the row's SHA-256 column>``.
COLUMNS: dict[str, tuple[str, ...]] = {
    "subjects": (
        "id", "revision", "created_at", "updated_at", "device_id", "name", "credit_code",
        "kind", "address", "city", "county", "township", "contact_person", "phone", "notes",
        "extra", "merged_into",
    ),
    "instruments": (
        "id", "revision", "created_at", "updated_at", "device_id", "subject_id", "parent_id",
        "kind", "label", "position", "manufacturer", "model", "serial", "seal_numbers",
        "certificate_no", "valid_until", "in_use", "extra",
    ),
    "standards": (
        "id", "revision", "created_at", "updated_at", "device_id", "name", "kind", "model",
        "serial", "accuracy_class", "certificate_no", "valid_until", "issued_by", "in_use",
        "notes",
    ),
    "inspections": (
        "id", "revision", "created_at", "updated_at", "device_id", "subject_id",
        "checklist_id", "checklist_version", "status", "not_carried_out_reason", "outcome",
        "inspection_date", "started_at", "ended_at", "subject_name", "subject_credit_code",
        "township", "inspecting_unit", "header", "note", "rectification_deadline",
    ),
    "answers": (
        "id", "revision", "created_at", "updated_at", "device_id", "inspection_id", "item_id",
        "instance_key", "value", "note",
    ),
    "attachments": (
        "id", "revision", "created_at", "updated_at", "device_id", "inspection_id", "item_id",
        "instance_key", "filename", "mime", "caption", "size", "sha256",
    ),
    "signatures": (
        "id", "revision", "created_at", "updated_at", "device_id", "inspection_id", "role",
        "position", "name", "kind", "image_sha256", "note", "signed_at",
    ),
    "seals": (
        "inspection_id", "device_id", "sequence", "prev_seal_hash", "seal_hash",
        "canonical_version", "document_no", "number_year", "number_seq", "sealed_at", "actor",
    ),
    "amendments": (
        "id", "inspection_id", "sequence", "reason", "changes", "created_at", "device_id",
        "actor", "prev_hash", "hash",
    ),
    "evidence": ("inspection_id", "sha256", "size", "created_at", "device_id"),
    "audit_log": (
        "id", "at", "device_id", "actor", "table_name", "record_id", "action", "details",
    ),
}  # fmt: skip
TABLES = tuple(COLUMNS)

# The blob column of a table and the column naming its SHA-256 (and the size column, if any).
BLOBS: dict[str, tuple[str, str]] = {
    "attachments": ("data", "sha256"),
    "signatures": ("image", "image_sha256"),
    "evidence": ("data", "sha256"),
}

# Value types per column: "s" text, "s?" text or null, "i" integer, "i?" integer or null.
_INT = {"revision", "position", "in_use", "size", "sequence", "canonical_version",
        "number_year", "number_seq"}  # fmt: skip
_NULLABLE = {
    "credit_code", "merged_into", "parent_id", "valid_until", "not_carried_out_reason",
    "outcome", "started_at", "ended_at", "subject_credit_code", "rectification_deadline",
    "note", "item_id", "image_sha256",
}  # fmt: skip
# ``note`` is NOT NULL in most tables; only answers.note may be null.
_NOT_NULL = {("inspections", "note"), ("signatures", "note"), ("standards", "notes")}


def column_type(table: str, column: str) -> tuple[type, bool]:
    """(Python type, may be None) of a column in a record line."""
    nullable = column in _NULLABLE and (table, column) not in _NOT_NULL
    return (int if column in _INT else str), nullable


MEMBER_NAME = re.compile(
    r"\A(?:manifest\.json"
    r"|records/(?P<table>[a-z_]+)\.jsonl"
    r"|blobs/(?P<blob>[0-9a-f]{64})"
    r"|definitions/checklists/(?P<checklist>[a-z0-9_]+)@(?P<version>[0-9A-Za-z._-]+)\.toml"
    r"|definitions/rules/(?P<rules>[a-z0-9_]+)\.toml)\Z"
)

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one member may hold, uncompressed, and how much it may have been compressed."""

    manifest: int = 64 * MIB  # about 100 bytes a member: 600,000 photos
    records: int = 2048 * MIB
    blob: int = 256 * MIB  # photos are at most 50 MB, signatures 2 MB, evidence PDFs less
    definition: int = 4 * MIB
    total: int = 4096 * MIB  # a part is under 4 GiB
    # deflate shrinks our JSON lines 5-20 times; far more means a crafted "zip bomb"
    ratio: int = 200
    members: int = 2_000_000


LIMITS = Limits()


def blob_name(sha256: str) -> str:
    return f"blobs/{sha256}"


def records_name(table: str) -> str:
    return f"records/{table}.jsonl"


def checklist_name(checklist_id: str, version: str) -> str:
    return f"definitions/checklists/{checklist_id}@{version}.toml"


def rules_name(table_id: str) -> str:
    return f"definitions/rules/{table_id}.toml"


def part_file_name(stem: str, part: int, parts: int) -> str:
    """``stem.lhb`` for a single part, ``stem-2of3.lhb`` for the second of three."""
    return f"{stem}{SUFFIX}" if parts == 1 else f"{stem}-{part}of{parts}{SUFFIX}"
