"""零售商品称重 re-weighing: deviation by category and band, the three methods."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checklists.errors import InputError
from checklists.rules.result import Verdict
from checklists.rules.retail import allowed_deviation, judge_retail
from checklists.rules.tables import Policy


def test_design_example() -> None:
    result = judge_retail("B", "1.50", "1.492")  # 8 g short, 5 g allowed
    assert result.verdict == Verdict.FAIL
    assert result.numbers["shortage"] == Decimal("0.008")
    assert result.limit["allowed_shortage"] == Decimal("0.005")
    assert result.verified


@pytest.mark.parametrize(
    ("category", "billed", "grams", "verified"),
    [
        ("A", "0.001", "20", True),
        ("A", "1", "20", True),
        ("A", "1.001", "40", True),
        ("A", "2", "40", True),
        ("A", "2.001", "80", True),
        ("A", "4", "80", True),
        ("A", "4.001", "100", True),
        ("A", "25", "100", True),
        ("B", "2.5", "5", True),
        ("B", "2.501", "10", True),
        ("B", "10", "10", True),
        ("B", "10.001", "15", False),  # upper band: 15 kg vs 25 kg in the sources
        ("B", "15", "15", False),
        ("C", "1", "2", True),
        ("C", "1.001", "4", True),
        ("C", "4", "4", True),
        ("C", "4.001", "6", False),
        ("C", "6", "6", False),
        ("D", "0.5", "1", True),
        ("D", "0.501", "2", True),
        ("D", "2", "2", True),
        ("D", "2.001", "3", True),
        ("D", "5", "3", True),
        ("gold", "0.1", "0.01", True),
        ("silver", "0.1", "0.1", True),
    ],
)
def test_deviation_band_edges(category: str, billed: str, grams: str, verified: bool) -> None:
    deviation = allowed_deviation(category, Decimal(billed))
    assert deviation.deviation_g == Decimal(grams)
    assert deviation.basis.verified is verified


@pytest.mark.parametrize(
    ("category", "billed"),
    [("A", "25.001"), ("B", "15.001"), ("C", "6.001"), ("D", "5.001"), ("gold", "0.1001")],
)
def test_weight_beyond_the_table_is_refused(category: str, billed: str) -> None:
    with pytest.raises(InputError, match="超出"):
        judge_retail(category, billed, billed)


def test_shortage_exactly_at_the_deviation_passes() -> None:
    assert judge_retail("A", "1.000", "0.980").verdict == Verdict.PASS
    assert judge_retail("A", "1.000", "0.9799").verdict == Verdict.FAIL
    # The float trap of DESIGN.md: 0.100 − 0.099 kg is exactly D's 1 g.
    assert judge_retail("D", "0.100", "0.099").verdict == Verdict.PASS


def test_equal_accuracy_method_allows_twice_the_deviation() -> None:
    assert judge_retail("A", "1", "0.960", method="equal").verdict == Verdict.PASS
    assert judge_retail("A", "1", "0.9599", method="equal").verdict == Verdict.FAIL


def test_own_scale_method_needs_the_test_weight_reading() -> None:
    pending = judge_retail("A", "1", "0.990", method="own")
    assert pending.verdict == Verdict.INDETERMINATE
    assert "砝码" in pending.explanation
    ok = judge_retail("A", "1", "0.990", method="own", test_weight_reading="1.010")
    assert ok.verdict == Verdict.PASS
    off = judge_retail("A", "1", "0.990", method="own", test_weight_reading="1.0101")
    assert off.verdict == Verdict.FAIL
    short = judge_retail("A", "1", "0.970", method="own")
    assert short.verdict == Verdict.FAIL  # already short: no need for the weight
    assert not ok.verified  # the own-scale method is MED-HIGH in REFERENCE


def test_jewellery_in_grams() -> None:
    assert judge_retail("gold", "5.00", "4.99", unit="g").verdict == Verdict.PASS
    assert judge_retail("gold", "5.00", "4.989", unit="g").verdict == Verdict.FAIL
    with pytest.raises(InputError, match="100"):
        judge_retail("silver", "100.5", "100.5", unit="g")


def test_unverified_band_can_be_left_undecided() -> None:
    assert judge_retail("B", "12", "11.990").verdict == Verdict.PASS
    strict = Policy(judge_unverified=False)
    assert judge_retail("B", "12", "11.990", policy=strict).verdict == Verdict.INDETERMINATE
    assert judge_retail("A", "12", "11.990", policy=strict).verdict == Verdict.PASS


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"category": "E", "billed": "1", "actual": "1"}, "商品类别"),
        ({"category": "A", "billed": "-1", "actual": "1"}, "负数"),
        ({"category": "A", "billed": "0", "actual": "0"}, "大于零"),
        ({"category": "A", "billed": "1", "actual": "NaN"}, "数字"),
        ({"category": "A", "billed": "1", "actual": "x"}, "数字"),
        ({"category": "A", "billed": "1", "actual": "1", "method": "guess"}, "核称方法"),
        ({"category": "A", "billed": "1", "actual": "1", "unit": "斤"}, "重量单位"),
    ],
)
def test_bad_input(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        judge_retail(**kwargs)


weights = st.decimals(min_value="0.001", max_value="4", places=3)


@given(weights, st.integers(min_value=0, max_value=500), st.sampled_from(["A", "B", "C", "D"]))
def test_goods_heavier_than_billed_always_pass(billed: Decimal, extra: int, category: str) -> None:
    actual = billed + billed * extra / 500  # up to twice the billed weight (more is refused)
    for method in ("higher", "equal"):
        assert judge_retail(category, str(billed), str(actual), method=method).verdict == "pass"


@given(weights, st.integers(min_value=0, max_value=60), st.sampled_from(["A", "B", "C", "D"]))
def test_own_scale_test_weight_check_is_symmetric(
    actual: Decimal, grams: int, category: str
) -> None:
    def verdict(reading: Decimal) -> str:
        return judge_retail(
            category, str(actual), str(actual), method="own", test_weight_reading=str(reading)
        ).verdict.value

    offset = Decimal(grams) / 1000
    if actual - offset >= 0:
        assert verdict(actual + offset) == verdict(actual - offset)


def test_own_scale_test_weight_may_err_by_a_third_of_the_deviation() -> None:
    result = judge_retail("A", "1", "0.990", method="own", test_weight_reading="0.990")
    assert result.limit["test_weight_max_error"] == Decimal("0.0066667")  # 20 g / 3, in kg


def test_the_band_is_chosen_by_the_billed_weight() -> None:
    # Billed 1.010 kg (A: 1 < m ≤ 2 kg, 40 g) and 35 g short: the actual 0.975 kg would lie in
    # the 20 g band, but the band follows the billed weight.
    result = judge_retail("A", "1.010", "0.975")
    assert result.limit["deviation_g"] == Decimal(40)
    assert result.verdict == Verdict.PASS


@pytest.mark.parametrize(("billed", "actual"), [("1.50", "1492"), ("0.5", "1.0001")])
def test_an_actual_weight_over_twice_the_billed_is_refused(billed: str, actual: str) -> None:
    # Typing grams where kilograms are expected would otherwise pass any shortage.
    with pytest.raises(InputError, match="单位"):
        judge_retail("B", billed, actual)


def test_an_actual_weight_of_exactly_twice_the_billed_is_judged() -> None:
    assert judge_retail("B", "0.5", "1.0").verdict == Verdict.PASS
