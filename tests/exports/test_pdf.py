"""The printed record and notice: text in Chinese, the font embedded, stable bytes, the draft
mark, the seal, and the notice only where something failed."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from desktop.reports import evidence_pdf_bytes, report_input
from desktop.store import Reader
from exports.pdf import PdfOptions, record_pdf_bytes, render_notice_pdf, render_record_pdf
from exports.report_input import Office, Photo, ReportInput, Seal, Signature

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils")

SEAL = Seal(
    document_no="清原市监现〔2026〕0012号",
    notice_no="清原市监责改〔2026〕0012号",
    seal_hash="ab" * 32,
    sealed_at="2026-11-27T10:05",
    rectification_deadline="2026-12-11",
    signatures=(Signature("当事人", "段磊", "2026-11-27"),),
)


def _data(path: Path, inspection_id: str, **kw: object) -> ReportInput:
    with Reader.open(path) as reads:
        return report_input(reads, inspection_id, **kw)  # type: ignore[arg-type]


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True)
    return out.stdout.decode()


@needs_poppler
def test_record_shows_subject_findings_and_basis_in_chinese(
    report_db: Path, finding_id: str, tmp_path: Path
) -> None:
    data = replace(_data(report_db, finding_id), seal=None)  # as before it is finalized
    assert data.findings
    pdf = tmp_path / "record.pdf"
    render_record_pdf(data, PdfOptions(), pdf)
    text = "".join(_text(pdf).split())
    assert data.office.record_title in text
    assert data.party.name in text
    assert data.party.credit_code in text
    for finding in data.findings:
        assert "".join(finding.item.split())[:10] in text
        assert "".join(finding.basis[0].split())[:12] in text
    assert "责令改正通知书" in text
    assert "申请行政复议" in text
    assert "草稿" in text  # not finalized: marked as a draft


@needs_poppler
def test_font_is_embedded(report_db: Path, finding_id: str, tmp_path: Path) -> None:
    pdf = tmp_path / "record.pdf"
    render_record_pdf(_data(report_db, finding_id), PdfOptions(), pdf)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True)
    lines = [line for line in fonts.stdout.decode().splitlines() if "NotoSansCJK" in line]
    assert lines
    assert all(line.split()[-5] == "yes" for line in lines)  # emb


def test_same_input_gives_the_same_bytes(report_db: Path, finding_id: str) -> None:
    data = replace(_data(report_db, finding_id), seal=SEAL)
    assert record_pdf_bytes(data) == record_pdf_bytes(data)


@needs_poppler
def test_sealed_record_prints_number_hash_and_deadline(
    report_db: Path, finding_id: str, tmp_path: Path
) -> None:
    data = replace(_data(report_db, finding_id), seal=SEAL)
    pdf = tmp_path / "sealed.pdf"
    render_record_pdf(data, PdfOptions(), pdf)
    text = "".join(_text(pdf).split())
    assert SEAL.document_no in text
    assert SEAL.notice_no in text
    assert SEAL.seal_hash in text
    assert "2026年12月11日前" in text
    assert "草稿" not in text


@needs_poppler
def test_every_page_has_its_number_and_signature_lines(
    report_db: Path, finding_id: str, tmp_path: Path
) -> None:
    pdf = tmp_path / "record.pdf"
    render_record_pdf(_data(report_db, finding_id), PdfOptions(notice=False), pdf)
    pages = _text(pdf).split("\f")[:-1]
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        flat = "".join(page.split())
        assert f"第{number}页共{len(pages)}页" in flat
        assert "当事人（签名）" in flat
        assert "执法人员（签名）" in flat


@needs_poppler
def test_no_notice_without_findings(report_db: Path, clean_id: str, tmp_path: Path) -> None:
    data = _data(report_db, clean_id)
    pdf = tmp_path / "clean.pdf"
    render_record_pdf(data, PdfOptions(), pdf)
    assert "责令改正通知书" not in _text(pdf).replace(data.office.notice_title, "", 0)
    with pytest.raises(ValueError, match="no findings"):
        render_notice_pdf(data, PdfOptions(), tmp_path / "notice.pdf")


@needs_poppler
def test_notice_alone_names_the_reconsideration_body(
    report_db: Path, finding_id: str, tmp_path: Path
) -> None:
    data = _data(report_db, finding_id)
    office = Office(
        agency="清原满族自治县市场监督管理局",
        reconsideration_body="清原满族自治县人民政府",
        court="清原满族自治县人民法院",
    )
    pdf = tmp_path / "notice.pdf"
    render_notice_pdf(replace(data, office=office), PdfOptions(), pdf)
    text = "".join(_text(pdf).split())
    assert "六十日内向清原满族自治县人民政府申请行政复议" in text
    assert "清原满族自治县人民法院提起行政诉讼" in text
    pages = _text(pdf).count("\f")
    assert f"第{pages}页共{pages}页" in text


@needs_poppler
def test_photo_thumbnail_with_its_hash(report_db: Path, finding_id: str, tmp_path: Path) -> None:
    from PIL import Image

    picture = tmp_path / "p.jpg"
    Image.new("RGB", (1600, 1200), (200, 120, 40)).save(picture, "JPEG")
    data = picture.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    photo = Photo("1号加油机铅封", "p.jpg", digest, data, "image/jpeg")
    pdf = tmp_path / "photo.pdf"
    render_record_pdf(replace(_data(report_db, finding_id), photos=(photo,)), PdfOptions(), pdf)
    text = "".join(_text(pdf).split())
    assert digest in text
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, check=True)
    assert "jpeg" in images.stdout.decode() or "image" in images.stdout.decode()


def test_evidence_copy_is_bytes_and_their_hash(report_db: Path, finding_id: str) -> None:
    with Reader.open(report_db) as reads:
        pdf, digest = evidence_pdf_bytes(reads, finding_id, SEAL)
        again, _digest = evidence_pdf_bytes(reads, finding_id, SEAL)
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == digest
    assert again == pdf
