"""Reports from the store (no Qt): the input of the printed record built from a stored
inspection, PDF and Excel exports, and the evidence copy that finalizing stores.

One function per user action (STYLE.md): :func:`export_pdf`, :func:`export_xlsx`; the GUI runs
them in a worker with their own :class:`~desktop.store.Reader`, the CLI calls them directly.
``progress(done, total)`` is called as work advances; ``cancelled()`` is polled, and a
cancelled export raises :class:`ExportCancelledError` and leaves no file behind.

Finalizing (issue 8) calls :func:`evidence_pdf_bytes` once, stores the bytes and their SHA-256,
and from then on :func:`export_pdf` hands out that stored copy for the sealed record.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from checklists.catalogue import Catalogue, load_catalogue
from checklists.i18n import N_, _
from checklists.outcome import PublishedResult
from desktop import paths
from desktop.settings import OfficeSettings
from desktop.store import InspectionFilter, Reader
from desktop.store.loading import load_inspection
from desktop.store.reads import Reads
from desktop.store.records import AttachmentInfo, SignatureKind, SignatureRole, Status
from desktop.store.records import Signature as StoredSignature
from exports.pdf import PdfOptions, record_pdf_bytes
from exports.report_input import Office, Photo, ReportInput, Seal, Signature, from_record
from exports.xlsx import BatchInspection, XlsxOptions, write_batch_xlsx, write_inspection_xlsx

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class ExportCancelledError(Exception):
    """The user cancelled; nothing was written."""


def office_of(settings: OfficeSettings) -> Office:
    return Office(
        agency=settings.agency,
        inspecting_unit=settings.inspecting_unit,
        record_title=settings.record_title,
        notice_title=settings.notice_title,
        reconsideration_body=settings.reconsideration_body,
        court=settings.court,
    )


def _office_for(office: Office, unit: str) -> Office:
    """The record's own inspecting unit; it names the agency too when none is configured (a
    county bureau inspects in its own name)."""
    unit = unit or office.inspecting_unit
    return replace(office, inspecting_unit=unit, agency=office.agency or unit)


def _photos(reads: Reads, attachments: Iterable[AttachmentInfo], with_bytes: bool) -> list[Photo]:
    return [
        Photo(
            caption=a.caption,
            filename=a.filename,
            sha256=a.sha256,
            data=reads.attachment_bytes(a.id) if with_bytes else b"",
            mime=a.mime,
        )
        for a in attachments
        if a.mime.startswith("image/")
    ]


_ROLES = {
    SignatureRole.PARTY: N_("当事人"),
    SignatureRole.INSPECTOR: N_("执法人员"),
    SignatureRole.WITNESS: N_("见证人"),
}


def _signatures(signatures: Iterable[StoredSignature]) -> tuple[Signature, ...]:
    """One line per role; the two inspectors share theirs (names joined)."""
    by_role: dict[str, Signature] = {}
    for s in signatures:
        role = _(_ROLES[s.role])
        refused = s.kind is SignatureKind.REFUSED
        name = _("不在场") if s.kind is SignatureKind.ABSENT else s.name
        entry = by_role.get(role)
        if entry is not None:
            name = "、".join(n for n in (entry.name, name) if n)
        by_role[role] = Signature(role, name, s.signed_at, refused, s.note)
    return tuple(by_role.values())


def seal_from_store(reads: Reads, inspection_id: str) -> Seal | None:
    """What the store knows of finalizing: the seal (document number, hash, time), the
    signatures and the rectification deadline; None when there is none of it yet."""
    row = reads.get_inspection(inspection_id)
    stored = reads.seal_of(inspection_id)
    signatures = _signatures(reads.signatures_for(inspection_id))
    deadline = row.rectification_deadline or ""
    if stored is None and not signatures and not deadline:
        return None
    return Seal(
        document_no=stored.document_no if stored else "",
        seal_hash=stored.seal_hash if stored else "",
        sealed_at=stored.sealed_at if stored else "",
        signatures=signatures,
        rectification_deadline=deadline,
    )


def report_input(
    reads: Reads,
    inspection_id: str,
    *,
    catalogue: Catalogue | None = None,
    settings: OfficeSettings | None = None,
    seal: Seal | None = None,
    photos: bool = True,
) -> ReportInput:
    """The printed record's input for one stored inspection. ``seal`` (document number, seal
    hash, signatures, deadline) is read from the store unless given; without a document
    number the record prints as a draft."""
    catalogue = catalogue or load_catalogue(paths.overrides_dir())
    loaded = load_inspection(reads, catalogue, inspection_id)
    row = loaded.row
    settings = settings or reads.office_settings()
    office = _office_for(
        office_of(settings), loaded.record.header.inspecting_unit or row.inspecting_unit
    )
    data = from_record(
        loaded.record,
        inspection_id=row.id,
        office=office,
        subject_name=row.subject_name,
        credit_code=row.subject_credit_code or "",
        inspection_date=row.inspection_date,
        status=row.status.value,
        photos=_photos(reads, loaded.attachments, photos),
        seal=seal if seal is not None else seal_from_store(reads, inspection_id),
    )
    if row.status is Status.FINALIZED and row.outcome in set(PublishedResult):
        # Finalizing stored the outcome the inspectors confirmed: that is the record's.
        data = replace(data, outcome=PublishedResult(row.outcome).label, provisional=False)
    return data


def evidence_pdf_bytes(
    reads: Reads,
    inspection_id: str,
    seal: Seal | None = None,
    *,
    catalogue: Catalogue | None = None,
    settings: OfficeSettings | None = None,
) -> tuple[bytes, str]:
    """The evidence copy of a record being finalized: PDF bytes (record + notice when something
    failed) and their SHA-256 hex digest. Call it inside finalize's transaction with the
    writer (a Store is a Reads), after the seals row is inserted, so that the seal is read
    from the store (or pass ``seal``); store both. Rendering is deterministic: the same record
    and seal give the same bytes."""
    data = report_input(reads, inspection_id, catalogue=catalogue, settings=settings, seal=seal)
    pdf = record_pdf_bytes(data, PdfOptions())
    return pdf, hashlib.sha256(pdf).hexdigest()


def stored_evidence(reads: Reads, inspection_id: str) -> bytes | None:
    """The evidence copy stored at finalize, checked against its SHA-256
    (DatabaseDamagedError if it does not match); None for a record sealed before schema 4."""
    return reads.evidence_pdf(inspection_id)


def _atomic_write(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class PdfResult:
    path: Path
    evidence_copy: bool  # True: the copy stored at finalize was written
    notice: bool  # the file holds a 责令改正通知书 after the record


def export_pdf(
    reads: Reads,
    inspection_id: str,
    path: Path,
    options: PdfOptions | None = None,
    *,
    catalogue: Catalogue | None = None,
) -> PdfResult:
    """Write the record of one inspection (its evidence copy once it is sealed)."""
    row = reads.get_inspection(inspection_id)
    if row.status is Status.FINALIZED:
        stored = stored_evidence(reads, inspection_id)
        if stored is not None:
            _atomic_write(path, stored)
            return PdfResult(Path(path), True, row.outcome not in (None, "no_problem"))
    options = options or PdfOptions()
    data = report_input(reads, inspection_id, catalogue=catalogue)
    _atomic_write(path, record_pdf_bytes(data, options))
    return PdfResult(Path(path), False, options.notice and data.needs_notice)


def export_pdfs(
    db_path: Path,
    inspection_ids: list[str],
    folder: Path,
    options: PdfOptions | None = None,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> list[Path]:
    """One PDF per inspection into ``folder`` (named by date and subject); opens its own
    Reader, so it runs in a worker thread."""
    catalogue = load_catalogue(paths.overrides_dir())
    written: list[Path] = []
    with Reader.open(db_path) as reads:
        for done, inspection_id in enumerate(inspection_ids):
            if cancelled and cancelled():
                for p in written:
                    p.unlink(missing_ok=True)
                raise ExportCancelledError
            row = reads.get_inspection(inspection_id)
            path = Path(folder) / pdf_name(row.inspection_date, row.subject_name, row.id)
            export_pdf(reads, inspection_id, path, options, catalogue=catalogue)
            written.append(path)
            if progress:
                progress(done + 1, len(inspection_ids))
    return written


def pdf_name(day: str, subject: str, inspection_id: str) -> str:
    """``2026-11-27 某某加油站 现场笔录 0193f6e2.pdf`` with characters Windows refuses removed."""
    safe = "".join(c for c in subject if c not in '<>:"/\\|?*' and ord(c) >= 32).strip()
    title = _("现场笔录")
    return f"{day} {safe} {title} {inspection_id[:8]}.pdf"


# ---------------------------------------------------------------------------- Excel


def batch_rows(
    reads: Reads,
    where: InspectionFilter,
    catalogue: Catalogue,
    *,
    unit: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Iterator[BatchInspection]:
    """Every matching inspection with its findings and measurements, oldest first."""
    total = reads.count_inspections(where)
    rows = list(reads.iter_inspections(where))
    rows.reverse()
    settings = reads.office_settings()
    for done, row in enumerate(rows):
        if cancelled and cancelled():
            raise ExportCancelledError
        if unit is not None and row.inspecting_unit != unit:
            continue
        data = report_input(reads, row.id, catalogue=catalogue, settings=settings, photos=False)
        yield BatchInspection(
            data=data,
            township=row.township,
            checklist_id=row.checklist_id,
            outcome_code=row.outcome or "",
            status_label=row.status.label,
        )
        if progress and (done % 50 == 0 or done + 1 == total):
            progress(done + 1, total)


@dataclass(frozen=True)
class XlsxSelection:
    """One inspection, or every inspection matching the filter (and inspecting unit)."""

    inspection_id: str | None = None
    where: InspectionFilter = field(default_factory=InspectionFilter)
    unit: str | None = None


def export_xlsx(
    db_path: Path,
    selection: XlsxSelection,
    path: Path,
    options: XlsxOptions | None = None,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> int:
    """Write the workbook; returns how many inspections it holds. Opens its own Reader."""
    options = options or XlsxOptions()
    catalogue = load_catalogue(paths.overrides_dir())
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".~", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with Reader.open(db_path) as reads:
            if selection.inspection_id:
                data = report_input(
                    reads, selection.inspection_id, catalogue=catalogue, photos=False
                )
                write_inspection_xlsx(data, options, tmp)
                count = 1
            else:
                rows = batch_rows(
                    reads, selection.where, catalogue, unit=selection.unit,
                    progress=progress, cancelled=cancelled,
                )  # fmt: skip
                count = write_batch_xlsx(rows, options, tmp)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count
