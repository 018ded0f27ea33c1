"""Signing, finalizing (sealing) and amending: the writes of issue 8, called through the
:class:`~desktop.store.store.Store` methods of the same names.

Finalizing is one transaction: the inspection must still be a draft; the signatures (and the
rectification deadline, when there are findings) are checked again (:mod:`signing`); the row
becomes ``finalized`` with its outcome and end time; the seal (document number, sequence and
hash chained to this device's previous seal, :mod:`seal`) and the audit line are written, then
the evidence copy (存证副本: the PDF, rendered by the caller's callback, and its SHA-256). From
then on the schema's triggers refuse any change to the record, its answers, attachments and
signatures. A correction is an amendment: the reason is required, the original stays, and the
amendment's hash chains to the seal (or the amendment before).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from checklists.errors import InputError
from checklists.i18n import _
from desktop.store import audit
from desktop.store import seal as sealing
from desktop.store.errors import NotReadyError, NotSealedError, StoreError
from desktop.store.ids import china_date, new_id, utc_now
from desktop.store.records import (
    Amendment,
    AnswerChange,
    Seal,
    Signature,
    SignatureKind,
    SignatureRole,
    Status,
    dumps,
)

if TYPE_CHECKING:
    from checklists.record import Issue
    from desktop.store.store import Store

MAX_SIGNATURE_BYTES = 2 * 1024 * 1024

# Makes the evidence copy (PDF bytes, their SHA-256 hex) of a record inside finalize's
# transaction; the store calls it back, it does not know how reports are drawn.
RenderEvidence = Callable[["Store", str], tuple[bytes, str]]


class EvidenceRenderError(StoreError):
    """The evidence copy (PDF) could not be made: nothing was sealed."""

    def __init__(self, inspection_id: str, reason: str) -> None:
        msg = _(
            "无法生成存证副本（PDF），记录未定稿，内容均未改动：{reason}。"
            "请重试；如仍失败，请把日志交给技术支持。"
        )
        super().__init__(msg.format(reason=reason))
        self.inspection_id = inspection_id


def _check_signature(
    role: SignatureRole, kind: SignatureKind, name: str, image: bytes | None, note: str
) -> None:
    if kind is SignatureKind.DRAWN and not image:
        raise InputError(_("请先在签名框内签名。"))
    if image is not None and len(image) > MAX_SIGNATURE_BYTES:
        raise InputError(_("签名图像太大。"))
    if kind in (SignatureKind.REFUSED, SignatureKind.ABSENT) and role is not SignatureRole.PARTY:
        raise InputError(_("只有当事人可以记为拒绝签名或不在场。"))
    if kind in (SignatureKind.DRAWN, SignatureKind.PAPER) and not name.strip():
        raise InputError(_("请填写签名人的姓名。"))
    if kind is SignatureKind.REFUSED and not note.strip():
        raise InputError(_("请注明当事人拒绝签名的情况。"))


def sign(
    store: Store,
    inspection_id: str,
    role: SignatureRole,
    kind: SignatureKind,
    *,
    name: str = "",
    position: int = 0,
    image: bytes | None = None,
    note: str = "",
) -> Signature:
    """Record (or replace) the signature of ``role`` at ``position`` of a draft."""
    role, kind = SignatureRole(role), SignatureKind(kind)
    if role is SignatureRole.INSPECTOR and position not in (1, 2):
        raise ValueError("an inspector signs at position 1 or 2")
    position = position if role is SignatureRole.INSPECTOR else 0
    _check_signature(role, kind, name, image, note)
    if kind is not SignatureKind.DRAWN:
        image = None
    digest = hashlib.sha256(image).hexdigest() if image is not None else None
    now = utc_now()
    row = {
        "id": new_id(), "revision": 1, "created_at": now, "updated_at": now,
        "device_id": store.device_id, "inspection_id": inspection_id, "role": role.value,
        "position": position, "name": name.strip(), "kind": kind.value, "image_sha256": digest,
        "note": note.strip(), "signed_at": now,
        "image": sqlite3.Binary(image) if image is not None else None,
    }  # fmt: skip
    with store.db.atomic():
        store._touch_draft(inspection_id)
        store.db.conn.execute(
            "INSERT INTO signatures (id, revision, created_at, updated_at, device_id, "
            "inspection_id, role, position, name, kind, image_sha256, note, signed_at, image) "
            "VALUES (:id, :revision, :created_at, :updated_at, :device_id, :inspection_id, "
            ":role, :position, :name, :kind, :image_sha256, :note, :signed_at, :image) "
            "ON CONFLICT (inspection_id, role, position) DO UPDATE SET "
            "name = excluded.name, kind = excluded.kind, image_sha256 = excluded.image_sha256, "
            "note = excluded.note, signed_at = excluded.signed_at, image = excluded.image, "
            "revision = signatures.revision + 1, updated_at = excluded.updated_at, "
            "device_id = excluded.device_id",
            row,
        )
        if role is SignatureRole.PARTY and kind is not SignatureKind.ABSENT:
            _delete_signature(store, inspection_id, SignatureRole.WITNESS, 0)  # no longer needed
        details = {"role": role.value, "position": position, "name": row["name"],
                   "kind": kind.value, "image_sha256": digest, "note": row["note"]}  # fmt: skip
        store._audit("signatures", inspection_id, "sign", details, inspection_id=inspection_id)
    mine = [
        s for s in store.signatures_for(inspection_id) if (s.role, s.position) == (role, position)
    ]
    return mine[0]


def _delete_signature(store: Store, inspection_id: str, role: SignatureRole, position: int) -> int:
    cursor = store.db.conn.execute(
        "DELETE FROM signatures WHERE inspection_id = ? AND role = ? AND position = ?",
        (inspection_id, role.value, position),
    )
    return cursor.rowcount


def remove_signature(
    store: Store, inspection_id: str, role: SignatureRole, position: int = 0
) -> None:
    """Take back a signature of a draft (signed by mistake, drawn again)."""
    role = SignatureRole(role)
    position = position if role is SignatureRole.INSPECTOR else 0
    with store.db.atomic():
        store._touch_draft(inspection_id)
        if _delete_signature(store, inspection_id, role, position):
            if role is SignatureRole.PARTY:
                _delete_signature(store, inspection_id, SignatureRole.WITNESS, 0)
            details = {"role": role.value, "position": position}
            store._audit(
                "signatures", inspection_id, "unsign", details, inspection_id=inspection_id
            )


def finalize(
    store: Store,
    inspection_id: str,
    *,
    outcome: str | None = None,
    missing: Sequence[Issue] = (),
    render_evidence: RenderEvidence | None = None,
) -> Seal:
    """Seal a draft: see the module docstring. ``missing`` are the record's own readiness
    issues (the caller knows the checklist); any of them, or a missing signature, refuses.
    ``render_evidence`` makes the evidence copy (:func:`_store_evidence`)."""
    if missing:
        raise NotReadyError(missing)
    settings = store.office_settings()
    pattern = sealing.check_number_pattern(settings.number_pattern)
    conn = store.db.conn
    # the signing rules need the record module, which start-up does without
    from desktop.store.signing import FINDING_OUTCOMES, signing_issues

    with store.db.atomic():
        store._touch_draft(inspection_id)
        inspection = store.get_inspection(inspection_id)
        outcome = outcome or inspection.outcome
        names = [str(p.get("name", "")) for p in inspection.header.get("inspectors", [])
                 if isinstance(p, dict)]  # fmt: skip
        issues = signing_issues(
            store.signatures_for(inspection_id),
            has_findings=outcome in FINDING_OUTCOMES,
            deadline=inspection.rectification_deadline,
            inspector_names=names,
        )
        if issues:
            raise NotReadyError(issues)
        now = utc_now()
        store._update(
            "inspections",
            inspection_id,
            {"status": Status.FINALIZED.value, "outcome": outcome,
             "ended_at": inspection.ended_at or now},
        )  # fmt: skip
        seal = _next_seal(store, conn, now, pattern, settings.agency, settings.inspecting_unit)
        seal["actor"] = "、".join(n for n in names if n)
        content = sealing.load_content(conn, inspection_id)
        assert content is not None
        prev = seal.pop("prev_seal_hash")
        digest = sealing.seal_hash(prev, content, seal)
        conn.execute(
            "INSERT INTO seals (inspection_id, device_id, sequence, prev_seal_hash, seal_hash, "
            "canonical_version, document_no, number_year, number_seq, sealed_at, actor) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (inspection_id, seal["device_id"], seal["sequence"], prev, digest,
             seal["canonical_version"], seal["document_no"], seal["number_year"],
             seal["number_seq"], seal["sealed_at"], seal["actor"]),
        )  # fmt: skip
        details = {"document_no": seal["document_no"], "seal_hash": digest,
                   "sequence": seal["sequence"], "outcome": outcome}  # fmt: skip
        store._audit("seals", inspection_id, "finalize", details, inspection_id=inspection_id)
        if render_evidence is not None:
            _store_evidence(store, inspection_id, render_evidence)
    sealed = store.seal_of(inspection_id)
    assert sealed is not None
    return sealed


def _store_evidence(store: Store, inspection_id: str, render: RenderEvidence) -> None:
    """Render the evidence copy of the record being sealed (the caller's transaction, after
    the seal row: the renderer reads the seal from the store) and keep it with its SHA-256.
    A renderer that fails fails the whole finalize: a sealed record always has its copy."""
    try:
        pdf, digest = render(store, inspection_id)
    except (StoreError, sqlite3.Error):
        raise
    except Exception as exc:
        raise EvidenceRenderError(inspection_id, repr(exc)) from exc
    if hashlib.sha256(pdf).hexdigest() != digest:
        raise EvidenceRenderError(inspection_id, "sha256 mismatch")
    row = {
        "inspection_id": inspection_id, "sha256": digest, "size": len(pdf),
        "created_at": utc_now(), "device_id": store.device_id, "data": sqlite3.Binary(pdf),
    }  # fmt: skip
    store._insert("evidence", row)
    details = {"sha256": digest, "size": len(pdf)}
    store._audit("evidence", inspection_id, "evidence", details, inspection_id=inspection_id)


def _next_seal(
    store: Store, conn: sqlite3.Connection, now: str, pattern: str, agency: str, unit: str
) -> dict[str, Any]:
    """Sequence, previous hash and document number of this device's next seal."""
    device = store.device_id
    last = conn.execute(
        "SELECT sequence, seal_hash FROM seals WHERE device_id = ? ORDER BY sequence DESC LIMIT 1",
        (device,),
    ).fetchone()
    year = int(china_date()[:4])
    (number_seq,) = conn.execute(
        "SELECT coalesce(max(number_seq), 0) + 1 FROM seals WHERE device_id = ? "
        "AND number_year = ?",
        (device, year),
    ).fetchone()
    number = sealing.document_no(
        pattern, year=year, device_id=device, seq=number_seq, agency=agency, unit=unit
    )
    return {
        "device_id": device, "sequence": (last[0] + 1) if last else 1,
        "prev_seal_hash": last[1] if last else sealing.GENESIS, "document_no": number,
        "number_year": year, "number_seq": number_seq, "sealed_at": now,
        "canonical_version": sealing.CANONICAL_VERSION,
    }  # fmt: skip


def amend(
    store: Store, inspection_id: str, reason: str, changes: Sequence[AnswerChange]
) -> Amendment:
    """Correct answers of a sealed record (``reason`` required); the original stays."""
    reason = reason.strip()
    if not reason:
        raise InputError(_("更正必须填写理由。"))
    if not changes:
        raise InputError(_("没有要更正的内容。"))
    conn = store.db.conn
    with store.db.atomic():
        conn.execute("UPDATE meta SET value = value WHERE key = 'device_id'")  # the write lock
        seal = store.seal_of(inspection_id)
        if seal is None:
            store.get_inspection(inspection_id)  # RecordNotFoundError if absent
            raise NotSealedError(inspection_id)
        effective = store.effective_answers(inspection_id)
        resolved = []
        for change in changes:
            before = effective.get((change.item_id, change.instance_key))
            resolved.append(
                AnswerChange(change.item_id, change.instance_key, change.new,
                             old=before.value if before else None, note=change.note)
            )  # fmt: skip
        last = conn.execute(
            "SELECT sequence, hash FROM amendments WHERE inspection_id = ? "
            "ORDER BY sequence DESC LIMIT 1",
            (inspection_id,),
        ).fetchone()
        row: dict[str, Any] = {
            "id": new_id(), "inspection_id": inspection_id,
            "sequence": (last[0] + 1) if last else 1, "reason": reason,
            "changes": dumps([c.to_json() for c in resolved]), "created_at": utc_now(),
            "device_id": store.device_id, "actor": audit_actor(store, inspection_id),
            "prev_hash": last[1] if last else seal.seal_hash,
        }  # fmt: skip
        row["hash"] = sealing.amendment_hash(row["prev_hash"], row)
        store._insert("amendments", row)
        details = {"amendment_id": row["id"], "sequence": row["sequence"], "reason": reason,
                   "changes": [c.to_json() for c in resolved], "hash": row["hash"]}  # fmt: skip
        store._audit("amendments", inspection_id, "amend", details, inspection_id=inspection_id)
    return store.amendments_for(inspection_id)[-1]


def audit_actor(store: Store, inspection_id: str) -> str:
    return audit.actor_of(store.db.conn, inspection_id)
