"""``liangheng bundle export/import``: the files written, what an import did, plain errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.cli import main
from desktop.store import Store


def _laptop(path: Path) -> Path:
    with Store.open(path) as store:
        subject = store.create_subject(
            "大民屯加油站", "fuel_station", credit_code="91210181MA0Y8K2L0C"
        )
        inspection = store.create_inspection(subject.id, "fuel_station", "2026.1")
        store.save_answer(inspection.id, "mgmt_system", "", "yes")
    return path


def test_export_then_import_by_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    laptop, office = _laptop(tmp_path / "a.sqlite3"), tmp_path / "office.sqlite3"
    bundle = tmp_path / "a.lhb"
    assert main(["bundle", "export", "--db", str(laptop), "-o", str(bundle)]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == str(bundle)
    assert "已导出检查记录 1 条（答案 1 条" in err
    assert main(["--db", str(office), "bundle", "import", str(bundle)]) == 0
    out, _err = capsys.readouterr()
    assert "新增：检查记录 1 条，答案 1 条" in out
    assert "被检查单位 1 个" in out
    with Store.open(office) as store:
        assert [s.name for s in store.list_subjects()] == ["大民屯加油站"]
    # nothing new: a plain message and exit 1
    assert main(["bundle", "export", "--db", str(laptop), "-o", str(tmp_path / "b.lhb")]) == 1
    assert "没有需要导出的记录" in capsys.readouterr().err
    assert not (tmp_path / "b.lhb").exists()


def test_export_options_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    laptop = _laptop(tmp_path / "a.sqlite3")
    args = ["bundle", "export", "--db", str(laptop), "-o", str(tmp_path / "a.lhb")]
    assert main([*args, "--since", "2026-13-01"]) == 2
    assert "日期“2026-13-01”无效" in capsys.readouterr().err
    assert main([*args, "--since", "2026-01-01", "--max-part-mb", "0"]) == 2
    assert main([*args, "--since", "2026-01-01"]) == 0


def test_a_missing_database_is_not_created_by_an_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.sqlite3"
    assert main(["bundle", "export", "--db", str(missing), "-o", str(tmp_path / "a.lhb")]) == 1
    assert "找不到数据库文件" in capsys.readouterr().err
    assert not missing.exists()


def test_an_existing_bundle_is_not_overwritten_unless_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    laptop = _laptop(tmp_path / "a.sqlite3")
    bundle = tmp_path / "a.lhb"
    bundle.write_bytes(b"a bundle not yet imported")
    args = ["bundle", "export", "--db", str(laptop), "-o", str(bundle)]
    assert main(args) == 1
    assert "传输包文件 a.lhb 已存在，没有导出" in capsys.readouterr().err
    assert bundle.read_bytes() == b"a bundle not yet imported"
    assert main([*args, "--overwrite"]) == 0  # nothing was marked sent by the refusal
    assert bundle.read_bytes() != b"a bundle not yet imported"
