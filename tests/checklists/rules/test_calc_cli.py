"""``liangheng calc``: the command lines of DESIGN.md, JSON out, plain errors, no Qt."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SAMPLE_50 = ",".join(["498.2", "501.0"] * 25)


def calc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", "calc", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def ok_json(*args: str) -> dict[str, Any]:
    done = calc(*args)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    assert result["verdict"] in {"pass", "fail", "indeterminate"}
    assert isinstance(result["warnings"], list)
    for basis in result["basis"]:
        assert {"document", "edition", "clause", "verified"} <= basis.keys()
    assert result["limit"]
    assert result["numbers"]
    return result


def test_net_content_as_in_design() -> None:
    result = ok_json(
        "net-content", "--qn", "500", "--unit", "g", "--batch-size", "200", "--values", SAMPLE_50
    )
    assert result["verdict"] == "pass"
    assert result["limit"]["t"] == "15.0"
    assert result["numbers"]["sample_size"] == 50
    assert result["verified"] is False


def test_dispenser_as_in_design_gives_plus_0_33_percent_fail() -> None:
    result = ok_json(
        "dispenser", "--indicated", "20.00", "--measure-volume", "19.93", "--fuel", "petrol",
        "--t-nozzle", "24", "--t-measure", "24", "--measure-material", "stainless",
    )  # fmt: skip
    assert result["verdict"] == "fail"
    assert result["numbers"]["runs"][0]["error_percent"] == "0.33"
    assert result["limit"]["mpe_percent"] == "0.30"


def test_dispenser_with_three_runs_reports_repeatability() -> None:
    result = ok_json(
        "dispenser", "--indicated", "20.02", "--indicated", "19.99", "--indicated", "20.00",
        "--measure-volume", "20,20,20", "--fuel", "diesel", "--t-nozzle", "20",
        "--t-measure", "20", "--measure-material", "carbon",
    )  # fmt: skip
    assert len(result["numbers"]["runs"]) == 3
    assert result["numbers"]["repeatability_percent"] == "0.15"
    assert result["verdict"] == "pass"


def test_scale_as_in_design_defaults_to_in_service() -> None:
    result = ok_json("scale", "--e", "5", "--load", "2000", "--indication", "2010")
    assert result["limit"]["mode"] == "in-service"
    assert result["limit"]["mpe"] == "5.0"
    assert result["verdict"] == "fail"
    changeover = ok_json(
        "scale", "--e", "5", "--load", "2000", "--indication", "2005", "--delta-l", "2.5",
        "--mode", "verification", "--class", "IIII",
    )  # fmt: skip
    assert changeover["limit"]["class"] == "IIII"
    assert changeover["numbers"]["error"] == "5.0"


def test_fair_scale() -> None:
    result = ok_json("fair-scale", "--e", "5", "--load", "2000", "--indications", "2000,2005,2005")
    assert result["verdict"] == "pass"


def test_retail_as_in_design() -> None:
    result = ok_json("retail", "--category", "B", "--billed", "1.50", "--actual", "1.492")
    assert result["verdict"] == "fail"
    assert result["limit"]["allowed_shortage"] == "0.005"
    own = ok_json(
        "retail", "--category", "A", "--billed", "1", "--actual", "0.99", "--method", "own",
        "--test-weight-reading", "1.0",
    )  # fmt: skip
    assert own["verdict"] == "pass"


def test_credit_code_valid_and_invalid_both_exit_zero() -> None:
    assert ok_json("credit-code", "91350100M000100Y43")["verdict"] == "pass"
    assert ok_json("credit-code", "91350100M000100Y44")["verdict"] == "fail"


def test_marking_checks() -> None:
    assert ok_json("unit-mark", "--qn", "1500", "--unit", "g")["verdict"] == "fail"
    assert (
        ok_json("char-height", "--qn", "500", "--unit", "g", "--height", "4")["verdict"] == "pass"
    )


def test_unverified_tables_can_be_left_undecided() -> None:
    result = ok_json(
        "scale", "--e", "5", "--load", "2000", "--indication", "2000", "--unverified",
        "indeterminate",
    )  # fmt: skip
    assert result["verdict"] == "indeterminate"
    assert result["numbers"]["verdict_if_judged"] == "pass"


BAD = [
    (["scale", "--e", "5", "--load", "2ooo", "--indication", "2000"], "数字"),
    (["retail", "--category", "A", "--billed", "-1", "--actual", "1"], "负数"),
    (["scale", "--e", "5", "--load", "NaN", "--indication", "2000"], "数字"),
    (["net-content", "--qn", "500", "--unit", "g", "--batch-size", "200", "--values", ""], "为空"),
    (["net-content", "--qn", "500", "--unit", "g", "--batch-size", "200", "--values", "1,2"],
     "应抽取 50 件"),
    (["net-content", "--qn", "500", "--unit", "oz", "--batch-size", "5", "--values", "1"],
     "未知的计量单位"),
    (["retail", "--category", "Z", "--billed", "1", "--actual", "1"], "商品类别"),
    (["retail", "--category", "B", "--billed", "16", "--actual", "16"], "超出"),
    (["net-content", "--qn", "60", "--unit", "kg", "--batch-size", "5", "--values", "60"], "50 kg"),
    (["scale", "--e", "1", "--load", "10001", "--indication", "10001"], "超出"),
    (["dispenser", "--indicated", "20", "--indicated", "20", "--measure-volume", "20",
      "--fuel", "petrol", "--t-nozzle", "20", "--t-measure", "20", "--measure-material",
      "stainless"], "量器示值"),
    (["dispenser", "--indicated", "20", "--measure-volume", "20", "--fuel", "jet",
      "--t-nozzle", "20", "--t-measure", "20", "--measure-material", "stainless"], "油品"),
    (["credit-code", " "], "为空"),
    (["fair-scale", "--e", "5", "--load", "2000", "--indications", "2000,2000"], "3 次"),
    (["scale", "--e", "5", "--load", "2000", "--indication", "2010", "--delta-l", "6"], "ΔL"),
    (["retail", "--category", "B", "--billed", "1.50", "--actual", "1492"], "同一单位"),
    (["net-content", "--qn", "1.5", "--unit", "kg", "--batch-size", "3", "--values",
      "1478,1510,1500"], "同一单位"),
    (["net-content", "--qn", "500", "--unit", "g", "--batch-size", "5", "--values",
      "500g,500,500,500,500"], "数字"),
    (["net-content", "--qn", "1e3", "--unit", "g", "--batch-size", "5", "--values", "1"], "数字"),
    (["net-content", "--qn", "inf", "--unit", "g", "--batch-size", "5", "--values", "1"], "数字"),
    (["net-content", "--qn", "1" + "0" * 400, "--unit", "g", "--batch-size", "5", "--values",
      "1"], "位数过多"),
    (["net-content", "--qn", "-0", "--unit", "g", "--batch-size", "5", "--values", "1"],
     "大于零"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a[:3]) for a, _ in BAD])
def test_bad_input_is_a_plain_message_and_exit_2(args: list[str], message: str) -> None:
    done = calc(*args)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert message in done.stderr
    assert done.stdout == ""


def test_missing_option_is_a_usage_error() -> None:
    done = calc("scale", "--e", "5")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "参数错误" in done.stderr


def test_a_malformed_office_table_is_named(tmp_path: Path) -> None:
    (tmp_path / "retail.toml").write_text('[table]\nid = "retail"\n', encoding="utf-8")
    done = calc(
        "retail", "--category", "A", "--billed", "1", "--actual", "1",
        "--rules-dir", str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "retail.toml" in done.stderr


def test_help_lists_the_calculators() -> None:
    done = calc("--help")
    assert done.returncode == 0
    for name in ("net-content", "dispenser", "scale", "fair-scale", "retail", "credit-code"):
        assert name in done.stdout


def test_calc_never_imports_qt() -> None:
    args = ["calc", "scale", "--e", "5", "--load", "2000", "--indication", "2010"]
    code = (
        "import sys\n"
        "from desktop.cli import main\n"
        f"assert main({args!r}) == 0\n"
        "assert not [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))], 'Qt'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr


def test_full_width_digits_and_chinese_commas_are_read() -> None:
    result = ok_json(
        "net-content", "--qn", "５００", "--unit", "g", "--batch-size", "５",
        "--values", "４９８．２，５０１，500、500；500",
    )  # fmt: skip
    assert [u["q"] for u in result["numbers"]["units"]] == ["498.2", "501", "500", "500", "500"]
    assert result["verdict"] == "pass"
