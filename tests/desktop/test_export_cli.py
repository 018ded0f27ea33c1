"""``liangheng export pdf|xlsx``: files written, plain errors, no Qt."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import date
from functools import partial
from pathlib import Path

import pytest
from openpyxl import load_workbook

from checklists.catalogue import load_catalogue
from desktop.cli import main
from desktop.reports import evidence_pdf_bytes, export_pdf
from desktop.store import Reader, Store
from desktop.store.demo import DemoOptions, make_demo


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.sqlite3"
    make_demo(path, DemoOptions(inspections=60, seed=3, end_date=date(2026, 11, 27)))
    return path


def _ids(db: Path) -> tuple[str, str]:
    with Reader.open(db) as reads:
        rows = list(reads.iter_inspections())
    failed = next(r.id for r in rows if r.outcome in ("correction_ordered", "follow_up"))
    clean = next(r.id for r in rows if r.outcome == "no_problem")
    return failed, clean


def test_pdf_with_notice(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    failed, clean = _ids(db)
    out = tmp_path / "记录.pdf"
    assert main(["export", "pdf", "--db", str(db), "--inspection", failed, "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert "责令改正通知书" in capsys.readouterr().out
    plain = tmp_path / "clean.pdf"
    assert main(["--db", str(db), "export", "pdf", "--inspection", clean, "-o", str(plain)]) == 0
    assert "责令改正通知书" not in capsys.readouterr().out


def test_pdf_unknown_inspection_is_a_plain_error(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.pdf"
    assert main(["export", "pdf", "--db", str(db), "--inspection", "nope", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "nope" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_xlsx_batch_by_period_and_checklist(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "batch.xlsx"
    args = ["export", "xlsx", "--db", str(db), "--from", "2024-01-01", "--to", "2026-12-31",
            "--checklist", "fuel_station", "-o", str(out)]  # fmt: skip
    assert main(args) == 0
    sheet = load_workbook(out)["检查记录"]
    dates = [r[0].date() for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert dates
    assert all(date(2024, 1, 1) <= d <= date(2026, 12, 31) for d in dates)


def test_xlsx_one_inspection(db: Path, tmp_path: Path) -> None:
    failed, _clean = _ids(db)
    out = tmp_path / "one.xlsx"
    assert main(["export", "xlsx", "--db", str(db), "--inspection", failed, "-o", str(out)]) == 0
    assert "基本信息" in load_workbook(out).sheetnames


def test_xlsx_bad_date_is_a_usage_error(db: Path, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["export", "xlsx", "--db", str(db), "--from", "2026-13-01", "-o", str(tmp_path / "x")])
    assert exit_info.value.code == 2


def test_export_never_imports_qt(db: Path, tmp_path: Path) -> None:
    failed, _clean = _ids(db)
    out = tmp_path / "x.pdf"
    code = (
        "import sys\n"
        "from desktop.cli import main\n"
        f"assert main(['export', 'pdf', '--db', {str(db)!r}, '--inspection', {failed!r},"
        f" '-o', {str(out)!r}]) == 0\n"
        "assert not [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))], 'Qt'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    assert out.exists()


def test_a_sealed_record_exports_its_evidence_copy_byte_for_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What finalize stored is what ``export pdf`` writes (and what its hash says), every time."""
    header = {"inspectors": [{"name": "王明", "certificate_no": "1"},
                             {"name": "李华", "certificate_no": "2"}]}  # fmt: skip
    path = tmp_path / "work.sqlite3"
    with Store.open(path) as store:
        subject = store.create_subject("大民屯加油站", "fuel_station")
        inspection = store.create_inspection(subject.id, "fuel_station", "2026.1", header=header)
        store.save_answer(inspection.id, "mgmt_system", "", "no")
        store.set_rectification_deadline(inspection.id, "2026-12-15")
        store.sign(inspection.id, "inspector", "paper", name="王明", position=1)
        store.sign(inspection.id, "inspector", "paper", name="李华", position=2)
        store.sign(inspection.id, "party", "refused", note="拒签")
        render = partial(evidence_pdf_bytes, catalogue=load_catalogue(None))
        store.finalize(inspection.id, outcome="correction_ordered", render_evidence=render)
        stored, digest = store.db.conn.execute(
            "SELECT data, sha256 FROM evidence WHERE inspection_id = ?", (inspection.id,)
        ).fetchone()
    for n in (1, 2):
        out = tmp_path / f"sealed-{n}.pdf"
        args = ["export", "pdf", "--db", str(path), "--inspection", inspection.id, "-o", str(out)]
        assert main(args) == 0
        said = capsys.readouterr().out
        assert "责令改正通知书" in said
        assert "定稿时保存的证据副本" in said
        written = out.read_bytes()
        assert written == bytes(stored)
        assert hashlib.sha256(written).hexdigest() == digest
    with Reader.open(path) as reads:
        result = export_pdf(reads, inspection.id, tmp_path / "api.pdf")
    assert result.evidence_copy
    assert (tmp_path / "api.pdf").read_bytes() == bytes(stored)
