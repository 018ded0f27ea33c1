"""JJG 539 scales: MPE by load in e, in-service 2x, rounding warning, changeover, fair scale."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checklists.errors import InputError
from checklists.rules.result import Verdict
from checklists.rules.scale import judge_fair_scale, judge_scale, max_permissible_error


def test_design_example_in_service() -> None:
    # e = 5 g, L = 2000 g = 400 e: verification MPE 0.5 e, in service 1.0 e = 5 g; E = 10 g.
    result = judge_scale("5", "2000", "2010")
    assert result.limit["mpe"] == 5
    assert result.limit["mode"] == "in-service"
    assert result.numbers["error"] == 10
    assert result.verdict == Verdict.FAIL
    assert not result.verified  # JJG 539-2016 identical to 1997: MED


@pytest.mark.parametrize(
    ("cls", "load_e", "mpe_e"),
    [
        ("III", "0", "0.5"),
        ("III", "500", "0.5"),
        ("III", "500.5", "1.0"),
        ("III", "2000", "1.0"),
        ("III", "2001", "1.5"),
        ("III", "10000", "1.5"),
        ("IIII", "50", "0.5"),
        ("IIII", "51", "1.0"),
        ("IIII", "200", "1.0"),
        ("IIII", "201", "1.5"),
        ("IIII", "1000", "1.5"),
    ],
)
def test_verification_mpe_band_edges(cls: str, load_e: str, mpe_e: str) -> None:
    mpe = max_permissible_error("1", load_e, cls, "verification")
    assert mpe.mpe_e == Decimal(mpe_e)
    in_service = max_permissible_error("1", load_e, cls)
    assert in_service.mpe_e == 2 * Decimal(mpe_e)


@pytest.mark.parametrize(("cls", "load"), [("III", "10001"), ("IIII", "1000.5")])
def test_load_beyond_the_table_is_refused(cls: str, load: str) -> None:
    with pytest.raises(InputError, match="超出"):
        judge_scale("1", load, load, accuracy_class=cls)


def test_error_exactly_at_the_limit_passes_with_a_rounding_warning() -> None:
    at = judge_scale("1", "500", "501")  # in service 1.0 e
    assert at.verdict == Verdict.PASS
    assert any("闪变点" in w for w in at.warnings)
    over = judge_scale("1", "500", "502")
    assert over.verdict == Verdict.FAIL
    assert not any("闪变点" in w for w in over.warnings)  # 1 e beyond: no doubt
    clear = judge_scale("1", "500", "500")
    assert clear.verdict == Verdict.PASS
    assert not any("闪变点" in w for w in clear.warnings)


def test_rounding_warning_reaches_exactly_half_an_e_from_the_limit() -> None:
    # Verification, m = 3000 e: MPE 1.5 e. E = 1 e is exactly ½e inside: warned; E = 0 is not.
    edge = judge_scale("1", "3000", "3001", mode="verification")
    assert any("闪变点" in w for w in edge.warnings)
    assert edge.verdict == Verdict.PASS
    beyond = judge_scale("1", "3000", "3002", mode="verification")  # ½e outside: warned, fails
    assert beyond.verdict == Verdict.FAIL
    assert any("闪变点" in w for w in beyond.warnings)
    inside = judge_scale("1", "3000", "3000", mode="verification")
    assert not any("闪变点" in w for w in inside.warnings)


def test_verification_mode_halves_the_limit() -> None:
    assert judge_scale("1", "500", "501", mode="verification").verdict == Verdict.FAIL
    assert judge_scale("1", "500", "501", mode="检定").limit["mpe"] == Decimal("0.5")


def test_changeover_point_removes_the_rounding_uncertainty() -> None:
    # E = I + ½e − ΔL − L = 2005 + 2.5 − 2 − 2000 = 5.5 g > 5 g.
    fail = judge_scale("5", "2000", "2005", delta_l="2")
    assert fail.numbers["error"] == Decimal("5.5")
    assert fail.numbers["method"] == "changeover"
    assert fail.verdict == Verdict.FAIL
    # ΔL = 2.5 g: E = 5.0 g, exactly at the limit, passes without a rounding warning.
    at = judge_scale("5", "2000", "2005", delta_l="2.5")
    assert at.verdict == Verdict.PASS
    assert not any("闪变点" in w for w in at.warnings)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"e": "0", "load": "100", "indication": "100"}, "分度值"),
        ({"e": "5", "load": "-100", "indication": "100"}, "负数"),
        ({"e": "5", "load": "1oo", "indication": "100"}, "数字"),
        ({"e": "5", "load": "100", "indication": "NaN"}, "数字"),
        ({"e": "5", "load": "100", "indication": "100", "accuracy_class": "II"}, "准确度等级"),
        ({"e": "5", "load": "100", "indication": "100", "mode": "weekly"}, "检查方式"),
    ],
)
def test_bad_input(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        judge_scale(**kwargs)


@given(
    st.sampled_from(["1", "2", "5", "10", "0.5"]),
    st.integers(min_value=0, max_value=10000),
    st.integers(min_value=0, max_value=40),
    st.booleans(),
)
def test_verdict_is_symmetric_in_the_sign_of_the_error(
    e: str, load_e: int, error_tenths: int, changeover: bool
) -> None:
    interval = Decimal(e)
    load = interval * load_e
    error = interval * error_tenths / 10
    if error > load:
        return
    delta_l = str(interval / 2) if changeover else None
    up = judge_scale(e, str(load), str(load + error), delta_l=delta_l)
    down = judge_scale(e, str(load), str(load - error), delta_l=delta_l)
    assert up.verdict == down.verdict
    assert len(up.warnings) == len(down.warnings)


def test_fair_scale_three_weighings() -> None:
    ok = judge_fair_scale("5", "2000", ["2000", "2005", "2005"])
    assert ok.verdict == Verdict.PASS
    assert ok.numbers["repeatability"] == 5  # exactly the MPE
    assert ok.limit["repeatability"] == 5
    assert judge_fair_scale("5", "2000", ["2000", "2005", "2010"]).verdict == Verdict.FAIL


def test_fair_scale_fails_on_repeatability_alone() -> None:
    result = judge_fair_scale("5", "2000", ["1995", "2000", "2005"])  # each within ±5
    assert result.verdict == Verdict.FAIL
    assert "重复性" in result.explanation


def test_fair_scale_needs_three_weighings() -> None:
    with pytest.raises(InputError, match="3 次"):
        judge_fair_scale("5", "2000", ["2000", "2000"])
    with pytest.raises(InputError, match="3 次"):
        judge_fair_scale("5", "2000", [])


def test_fair_scale_fails_a_weighing_too_light() -> None:
    # In service MPE at 400 e is 1 e = 5 g: −10 g fails even though the spread is only 5 g.
    result = judge_fair_scale("5", "2000", ["1990", "1995", "1995"])
    assert result.verdict == Verdict.FAIL
    assert "第 1 次" in result.explanation


@pytest.mark.parametrize("delta_l", ["5.5", "10"])
def test_changeover_weights_beyond_one_e_are_refused(delta_l: str) -> None:
    # The changeover method adds weights until the indication moves up by one e: ΔL ≤ e.
    # A larger ΔL means the wrong I was written down; a verdict from it would be arbitrary.
    with pytest.raises(InputError, match="ΔL"):
        judge_scale("5", "2000", "2010", delta_l=delta_l)


def test_changeover_weight_of_exactly_one_e_is_accepted() -> None:
    result = judge_scale("5", "2000", "2005", delta_l="5")  # E = 2005 + 2.5 − 5 − 2000 = 2.5
    assert result.numbers["error"] == Decimal("2.5")
    assert result.verdict == Verdict.PASS
