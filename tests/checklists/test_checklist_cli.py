"""``liangheng checklist check FILE`` and ``checklist list``: exit codes, plain errors, no Qt."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from checklists.catalogue import OVERRIDES_SUBDIR

DEFINITIONS = Path(__file__).resolve().parents[2] / "checklists" / "definitions"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("name", sorted(p.name for p in DEFINITIONS.glob("*.toml")))
def test_check_accepts_every_shipped_definition(name: str) -> None:
    done = run_cli("checklist", "check", str(DEFINITIONS / name))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("定义有效：")
    assert "版本 2026.1" in done.stdout
    assert done.stderr == ""


def test_check_summarises_sections_and_items() -> None:
    done = run_cli("checklist", "check", str(DEFINITIONS / "fuel_station.toml"))
    assert "fuel_station" in done.stdout
    assert "6 个部分，30 个检查项" in done.stdout


def test_check_reports_the_place_of_an_error_and_exits_one(tmp_path: Path) -> None:
    text = (DEFINITIONS / "trade_market.toml").read_text(encoding="utf-8")
    bad = tmp_path / "market.toml"
    bad.write_text(text.replace('rule = "scale"', 'rule = "scales"'), encoding="utf-8")
    done = run_cli("checklist", "check", str(bad))
    assert done.returncode == 1
    assert done.stdout == ""
    assert f"{bad}：sections[2].items[4].rule：未知的判定规则“scales”" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'title = "x\n', "TOML 语法错误"),
        (b"\xff\xfe\x00", "不是 UTF-8"),
        (b"", "缺少必填的键"),
    ],
    ids=["syntax", "encoding", "empty"],
)
def test_check_never_crashes_on_a_malformed_file(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "x.toml"
    path.write_bytes(content)
    done = run_cli("checklist", "check", str(path))
    assert done.returncode == 1
    assert expected in done.stderr
    assert "Traceback" not in done.stderr


_MINIMAL = (Path(__file__).parent / "data" / "minimal.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"z = " + b"[" * 3000 + b"]" * 3000, "x.toml：数组或表嵌套层数过多"),
        (b"# " + b"x" * (3 * 1024 * 1024), "x.toml：文件过大"),
        (b'id = "x"\n\xff\n', "x.toml：第 2 行：文件不是 UTF-8 编码"),
        (b'id = "x\n', "x.toml：第 1 行第 "),
        (
            (
                _MINIMAL + '\n[[sections.items]]\nid = "e"\nkind = "measurement"\ntext = "秤"\n'
                'rule = "scale"\nparams = { mode = "使用中" }\nmeasure = "stop_use"\n'
                'basis = [{ doc = "jjg443", verified = false }]\n'
            ).encode(),
            "x.toml：sections[0].items[1].params.mode：未知的参数值“使用中”",
        ),
    ],
    ids=["deep nesting", "huge", "non-utf8 line", "syntax position", "rule parameter"],
)
def test_check_names_file_place_and_problem(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "x.toml"
    path.write_bytes(content)
    done = run_cli("checklist", "check", str(path))
    assert done.returncode == 1, done.stdout
    assert expected in done.stderr
    assert "Traceback" not in done.stderr


def test_check_of_a_folder_exits_one_in_plain_words(tmp_path: Path) -> None:
    done = run_cli("checklist", "check", str(tmp_path))
    assert done.returncode == 1
    assert "这是一个文件夹" in done.stderr
    assert "Traceback" not in done.stderr


def test_check_of_a_missing_file_exits_one(tmp_path: Path) -> None:
    done = run_cli("checklist", "check", str(tmp_path / "absent.toml"))
    assert done.returncode == 1
    assert "absent.toml：文件不存在" in done.stderr


def test_list_shows_shipped_and_office_checklists(home: Path) -> None:
    folder = home / "overrides" / OVERRIDES_SUBDIR
    folder.mkdir(parents=True)
    text = (DEFINITIONS / "honest_pledge.toml").read_text(encoding="utf-8")
    (folder / "pledge.toml").write_text(text.replace('"2026.1"', '"2026.2"'), encoding="utf-8")
    done = run_cli("checklist", "list", "--json")
    assert done.returncode == 0, done.stderr
    rows = {(r["id"], r["version"]): r["origin"] for r in json.loads(done.stdout)}
    assert rows[("honest_pledge", "2026.2")] == "override"
    assert rows[("honest_pledge", "2026.1")] == "shipped"
    assert rows[("fuel_station", "2026.1")] == "shipped"


def test_list_skips_and_reports_a_malformed_override(home: Path) -> None:
    folder = home / "overrides" / OVERRIDES_SUBDIR
    folder.mkdir(parents=True)
    (folder / "broken.toml").write_text('id = "x"\n', encoding="utf-8")
    done = run_cli("checklist", "list")
    assert done.returncode == 1
    assert "已跳过" in done.stderr
    assert "broken.toml" in done.stderr
    assert "Traceback" not in done.stderr
    assert "加油站计量专项检查" in done.stdout


@pytest.mark.parametrize("action", ["check", "list"])
def test_checklist_commands_never_import_qt(action: str) -> None:
    args = ["checklist", action] + (
        [str(DEFINITIONS / "fuel_station.toml")] if action == "check" else []
    )
    code = (
        "import sys\n"
        "from desktop.cli import main\n"
        f"code = main({args!r})\n"
        "assert code == 0, code\n"
        "assert not [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))], 'Qt'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
