"""The seal (封存) of a finalized inspection: a canonical form of the record and a SHA-256 over it,
chained to the previous seal of the same device. No Qt, no writes: the store seals inside its
finalize transaction, ``verify`` recomputes with the same functions, the demo seals in batch.

Canonical form, version 1 (:data:`CANONICAL_VERSION`; never change what a released version
means: a new rule is a new version, and old seals are recomputed by their own version):

- one JSON document, ``sort_keys``, no whitespace (``separators=(",", ":")``), UTF-8 with
  Chinese as is (``ensure_ascii=False``), no NaN;
- ``{"v": 1, "inspection": {...}, "answers": [...], "attachments": [...],
  "signatures": [...], "seal": {...}}``;
- ``inspection``: the columns :data:`INSPECTION_FIELDS` of the row (not ``revision``,
  ``updated_at``, ``device_id``: bookkeeping); ``header`` is the stored JSON *text*, and
  answer values are covered as stored text too, so a number typed as "19.930" stays exactly
  that (Decimal as stored);
- ``answers``: ``[item_id, instance_key, SHA-256 of the value text, note]`` rows sorted by
  (item, instance): the digest stands for the stored JSON text byte for byte (hashing a
  measurement's 10 KB once is much cheaper than escaping it into the document);
- ``attachments``: :data:`ATTACHMENT_FIELDS` rows sorted by id (their SHA-256, not the bytes:
  ``verify`` checks the bytes against the SHA-256 separately);
- ``signatures``: :data:`SIGNATURE_FIELDS` rows sorted by (role, position), with the image's
  SHA-256 (checked against the bytes by ``verify``);
- ``seal``: :data:`SEAL_FIELDS` (device, sequence, document number, time, who).

``seal_hash = SHA-256(prev_seal_hash as ASCII hex || canonical bytes)``; the first seal of a
device has ``prev_seal_hash`` = 64 zeros (:data:`GENESIS`). An amendment's hash is
``SHA-256(prev_hash || canonical amendment)`` where ``prev_hash`` is the seal's hash for the first
amendment and the previous amendment's hash after that.

Document numbers: :func:`document_no` fills the office's ``number_pattern`` (settings) with the
placeholders of :data:`NUMBER_PLACEHOLDERS`; ``{device}`` (a short code derived from the device
id, :func:`device_code`) and ``{seq}`` (per device and year) are required, so two laptops never
issue the same number.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from checklists.errors import InputError
from checklists.i18n import _

CANONICAL_VERSION = 1
GENESIS = "0" * 64

INSPECTION_FIELDS = (
    "id", "subject_id", "checklist_id", "checklist_version", "status",
    "not_carried_out_reason", "outcome", "inspection_date", "started_at", "ended_at",
    "subject_name", "subject_credit_code", "township", "inspecting_unit", "header", "note",
    "created_at", "rectification_deadline",
)  # fmt: skip
ANSWER_FIELDS = ("item_id", "instance_key", "value", "note")
ATTACHMENT_FIELDS = ("id", "item_id", "instance_key", "filename", "mime", "caption", "size",
                     "sha256")  # fmt: skip
SIGNATURE_FIELDS = ("role", "position", "name", "kind", "image_sha256", "note", "signed_at")
SEAL_FIELDS = ("device_id", "sequence", "document_no", "number_year", "number_seq",
               "sealed_at", "actor", "canonical_version")  # fmt: skip
AMENDMENT_FIELDS = ("id", "inspection_id", "sequence", "reason", "changes", "created_at",
                    "device_id", "actor")  # fmt: skip

NUMBER_PLACEHOLDERS = {
    "year": "2026",
    "device": "K7Q2M",
    "seq": 1,
    "agency": "某县市场监督管理局",
    "unit": "某县市场监督管理局",
}
DEFAULT_NUMBER_PATTERN = "计检〔{year}〕{device}-{seq:04d}号"

Row = Sequence[Any]


@dataclass(frozen=True)
class Content:
    """What a seal covers, as stored: the inspection's columns (by name) and the rows of its
    answers, attachments and signatures, each in the field order of its ``*_FIELDS``."""

    inspection: Mapping[str, Any]
    answers: Sequence[Row]
    attachments: Sequence[Row]
    signatures: Sequence[Row]


_ENCODER = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
)


def _encode(document: Any) -> bytes:
    return _ENCODER.encode(document).encode("utf-8")


def canonical(content: Content, seal: Mapping[str, Any]) -> bytes:
    """The canonical bytes of a sealed record (version :data:`CANONICAL_VERSION`)."""
    version = seal.get("canonical_version", CANONICAL_VERSION)
    if version != CANONICAL_VERSION:
        raise ValueError(f"unknown canonical version {version}")
    document = {
        "v": CANONICAL_VERSION,
        "inspection": {name: content.inspection[name] for name in INSPECTION_FIELDS},
        "answers": sorted([r[0], r[1], _digest(r[2]), r[3]] for r in content.answers),
        "attachments": sorted((list(r) for r in content.attachments), key=lambda r: r[0]),
        "signatures": sorted((list(r) for r in content.signatures), key=lambda r: (r[0], r[1])),
        "seal": {name: seal[name] for name in SEAL_FIELDS},
    }
    return _encode(document)


def _digest(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def chain_hash(prev_hash: str, payload: bytes) -> str:
    """SHA-256 (hex) of the previous hash's ASCII hex followed by ``payload``."""
    return hashlib.sha256(prev_hash.encode("ascii") + payload).hexdigest()


def seal_hash(prev_hash: str, content: Content, seal: Mapping[str, Any]) -> str:
    return chain_hash(prev_hash, canonical(content, seal))


def amendment_hash(prev_hash: str, amendment: Mapping[str, Any]) -> str:
    """``changes`` is the stored JSON text of the amendment's changes."""
    return chain_hash(prev_hash, _encode({name: amendment[name] for name in AMENDMENT_FIELDS}))


def load_content(conn: sqlite3.Connection, inspection_id: str) -> Content | None:
    """The stored content of an inspection (None if there is no such inspection)."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    row = cursor.execute("SELECT * FROM inspections WHERE id = ?", (inspection_id,)).fetchone()
    if row is None:
        return None
    inspection = dict(row)
    inspection.setdefault("rectification_deadline", None)

    def rows(table: str, names: Sequence[str]) -> list[Row]:
        sql = f"SELECT {', '.join(names)} FROM {table} WHERE inspection_id = ?"  # noqa: S608
        return [tuple(r) for r in conn.execute(sql, (inspection_id,))]

    return Content(
        inspection=inspection,
        answers=rows("answers", ANSWER_FIELDS),
        attachments=rows("attachments", ATTACHMENT_FIELDS),
        signatures=rows("signatures", SIGNATURE_FIELDS),
    )


def device_code(device_id: str) -> str:
    """A short stable code of a device (5 characters of base32 of its id's SHA-256: A-Z, 2-7),
    for document numbers."""
    digest = hashlib.sha256(device_id.encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii")[:5]


def check_number_pattern(pattern: str) -> str:
    """``pattern`` if it makes document numbers, else InputError saying what is wrong."""
    names = set()
    try:
        for _text, name, _spec, _conv in string.Formatter().parse(pattern):
            if name is not None:
                names.add(name)
        pattern.format(**NUMBER_PLACEHOLDERS)
    except (ValueError, KeyError, IndexError) as exc:
        known = "、".join("{" + n + "}" for n in NUMBER_PLACEHOLDERS)
        raise InputError(
            _("文书编号格式“{pattern}”无效（{error}）。可用的占位符：{known}。").format(
                pattern=pattern, error=exc, known=known
            )
        ) from exc
    if not {"device", "seq"} <= names:
        raise InputError(
            _("文书编号格式“{pattern}”必须包含 {{device}}（本机代码）和 {{seq}}（序号），"
              "否则两台电脑可能出具相同的编号。").format(pattern=pattern)
        )  # fmt: skip
    return pattern


def document_no(
    pattern: str, *, year: int, device_id: str, seq: int, agency: str = "", unit: str = ""
) -> str:
    """The 文书编号 for the ``seq``-th record of ``year`` sealed on ``device_id``."""
    check_number_pattern(pattern or DEFAULT_NUMBER_PATTERN)
    return (pattern or DEFAULT_NUMBER_PATTERN).format(
        year=year, device=device_code(device_id), seq=seq, agency=agency, unit=unit
    )
