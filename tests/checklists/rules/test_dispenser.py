"""JJG 443 fuel dispensers: the §3.2 formula, ±0.30 % at the edge, repeatability reported."""

from __future__ import annotations

from decimal import Decimal

import pytest

from checklists.errors import InputError
from checklists.rules.dispenser import DispenserRun, judge_dispenser
from checklists.rules.result import Verdict
from checklists.rules.tables import Policy


def run(indicated: str, volume: str, t_j: str = "20", t_b: str = "20") -> DispenserRun:
    return DispenserRun(indicated, volume, t_j, t_b)


def test_reference_worked_example_is_plus_0_33_percent_and_fails() -> None:
    # REFERENCE §3.2: V_B = 20.00 − 35 × 0.002 = 19.930 L; 24 °C in nozzle and measure.
    volume = str(Decimal("20.00") - 35 * Decimal("0.002"))
    result = judge_dispenser([run("20.00", volume, "24", "24")], "petrol", "stainless")
    first = result.numbers["runs"][0]
    assert first["v_bt"] == Decimal("19.933986")  # 19.930 × (1 + 4 × 50e-6)
    assert first["error_percent"] == Decimal("0.33")
    assert result.verdict == Verdict.FAIL
    assert result.limit["mpe_percent"] == Decimal("0.30")


@pytest.mark.parametrize(
    ("indicated", "verdict"),
    [
        ("20.06", "pass"),  # exactly +0.30 %
        ("20.0601", "fail"),
        ("19.94", "pass"),  # exactly −0.30 %
        ("19.9399", "fail"),
        ("20.00", "pass"),
    ],
)
def test_the_limit_is_inclusive_on_both_sides(indicated: str, verdict: str) -> None:
    result = judge_dispenser([run(indicated, "20")], "petrol", "stainless")
    assert result.verdict.value == verdict


def test_fuel_and_measure_temperature_corrections() -> None:
    # Petrol 5 °C warmer at the nozzle: V_Bt = 20 × (1 + 0.0012 × 5) = 20.12 L.
    petrol = judge_dispenser([run("20.12", "20", "25", "20")], "petrol", "stainless")
    assert petrol.numbers["runs"][0]["v_bt"] == Decimal("20.120000")
    assert petrol.numbers["runs"][0]["error_percent"] == 0
    # Carbon-steel measure at 30 °C: V_Bt = 20 × (1 + 33e-6 × 10) = 20.0066 L.
    carbon = judge_dispenser([run("20", "20", "30", "30")], "diesel", "carbon")
    assert carbon.numbers["runs"][0]["v_bt"] == Decimal("20.006600")
    assert carbon.numbers["beta_fuel"] == Decimal("0.0009")


def test_temperature_difference_over_4_degrees_warns_but_does_not_judge() -> None:
    warm = judge_dispenser([run("20.00", "20.00", "25", "20.9")], "diesel", "stainless")
    assert any("4 °C" in w for w in warm.warnings)
    exactly = judge_dispenser([run("20.00", "20.00", "24", "20")], "diesel", "stainless")
    assert not any("4 °C" in w for w in exactly.warnings)
    assert exactly.verdict == Verdict.FAIL  # −0.36 %: the correction still applies


def test_repeatability_is_reported_and_never_fails() -> None:
    runs = [run("20.02", "20"), run("19.99", "20"), run("20.00", "20")]  # +0.10, −0.05, 0
    result = judge_dispenser(runs, "petrol", "stainless")
    assert result.numbers["repeatability_percent"] == Decimal("0.15")
    assert result.limit["repeatability_percent"] == Decimal("0.10")
    assert result.verdict == Verdict.PASS
    assert any("重复性" in w for w in result.warnings)
    single = judge_dispenser(runs[:1], "petrol", "stainless")
    assert "repeatability_percent" not in single.numbers


def test_one_failing_run_fails_the_nozzle() -> None:
    runs = [run("20.00", "20"), run("20.07", "20"), run("20.01", "20")]
    result = judge_dispenser(runs, "petrol", "stainless")
    assert result.verdict == Verdict.FAIL
    assert [r["verdict"] for r in result.numbers["runs"]] == ["pass", "fail", "pass"]


def test_a_result_that_rounds_to_the_limit_is_judged_unrounded_with_a_warning() -> None:
    result = judge_dispenser([run("20.0608", "20")], "petrol", "stainless")  # +0.304 %
    assert result.numbers["runs"][0]["error_percent"] == Decimal("0.30")
    assert result.verdict == Verdict.FAIL
    assert any("修约" in w for w in result.warnings)


def test_basis_marks_the_formula_unverified() -> None:
    result = judge_dispenser([run("20.00", "20")], "汽油", "不锈钢")
    editions = {b.edition: b.verified for b in result.basis}
    assert editions == {"2023": True, "2006": False}
    strict = judge_dispenser([run("20.00", "20")], "petrol", "stainless", Policy(False))
    assert strict.verdict == Verdict.INDETERMINATE


@pytest.mark.parametrize(
    ("runs", "fuel", "material", "message"),
    [
        ([], "petrol", "stainless", "没有测量数据"),
        ([run("20", "20")], "water", "stainless", "油品"),
        ([run("20", "20")], "petrol", "glass", "量器材质"),
        ([run("-20", "20")], "petrol", "stainless", "负数"),
        ([run("20", "0")], "petrol", "stainless", "大于零"),
        ([run("20", "abc")], "petrol", "stainless", "数字"),
        ([run("20", "20", "NaN")], "petrol", "stainless", "数字"),
    ],
)
def test_bad_input(runs: list[DispenserRun], fuel: str, material: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        judge_dispenser(runs, fuel, material)


def test_winter_temperatures_may_be_negative() -> None:
    result = judge_dispenser([run("20.00", "20.00", "-5", "-5")], "diesel", "stainless")
    assert result.verdict == Verdict.PASS


def test_the_error_is_relative_to_the_corrected_volume() -> None:
    # REFERENCE §3.2: E = (20.00 − 19.933986) / 19.933986 = 0.331163 % (not / V_B = 0.331234 %).
    result = judge_dispenser([run("20.00", "19.930", "24", "24")], "petrol", "stainless")
    assert result.numbers["runs"][0]["error_percent_exact"] == Decimal("0.331163")


def test_kerosene_expands_like_light_diesel() -> None:
    # β_Y = 9e-4 for kerosene and light diesel: 5 °C warmer at the nozzle gives V_Bt = 20.09 L.
    kerosene = judge_dispenser([run("20.09", "20", "25", "20")], "kerosene", "stainless")
    assert kerosene.numbers["beta_fuel"] == Decimal("0.0009")
    assert kerosene.numbers["runs"][0]["v_bt"] == Decimal("20.090000")
    assert kerosene.numbers["runs"][0]["error_percent_exact"] == 0
