"""JJF 1070 net content: T by Qn at every band edge, the sampling plan, the lot decision."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checklists.errors import InputError
from checklists.rules.net_content import (
    OVER_2T,
    OVER_T,
    WITHIN,
    allowed_shortage,
    classify,
    judge_net_content,
    sampling_plan,
)
from checklists.rules.result import Verdict
from checklists.rules.tables import Policy

# (Qn, unit, T): every band edge of REFERENCE §1.1 on both sides, T rounded to 0.1 g up to
# 1 kg and to 1 g above.
MASS_EDGES = [
    ("49.9", "g", "4.5"),  # 9 % of 49.9 = 4.491
    ("50", "g", "4.5"),
    ("50.1", "g", "4.5"),
    ("99.9", "g", "4.5"),
    ("100", "g", "4.5"),
    ("100.1", "g", "4.5"),  # 4.5045
    ("199.9", "g", "9.0"),  # 8.9955
    ("200", "g", "9.0"),
    ("200.1", "g", "9"),
    ("299.9", "g", "9"),
    ("300", "g", "9"),
    ("300.1", "g", "9.0"),  # 9.003
    ("499.9", "g", "15.0"),  # 14.997
    ("500", "g", "15.0"),
    ("500.1", "g", "15"),
    ("1000", "g", "15"),
    ("1000.1", "g", "15"),  # 15.0015 rounded to 1 g
    ("9999", "g", "150"),  # 149.985
    ("10000", "g", "150"),
    ("10001", "g", "150"),
    ("15000", "g", "150"),
    ("15001", "g", "150"),  # 150.01
    ("49999", "g", "500"),  # 499.99
    ("50000", "g", "500"),
]
INTERIOR = [
    ("30", "g", "2.7"),
    ("400", "g", "12.0"),
    ("2000", "g", "30"),
    ("20000", "g", "200"),
    ("1", "kg", "0.015"),  # 1 kg is the ≤ 1 kg band: 15 g
    ("2", "L", "0.030"),
    ("250", "mL", "9"),
]


@pytest.mark.parametrize(("qn", "unit", "t"), MASS_EDGES + INTERIOR)
def test_allowed_shortage_by_band(qn: str, unit: str, t: str) -> None:
    assert allowed_shortage(qn, unit).t == Decimal(t)


def test_an_exact_five_rounds_to_even_and_says_the_method_is_unverified() -> None:
    # 4.5 % of 130 g = 5.85 g: GB/T 8170 gives 5.8 (half-up would give 5.9).
    shortage = allowed_shortage("130", "g")
    assert shortage.t == Decimal("5.8")
    assert shortage.unrounded == Decimal("5.85")
    assert any("GB/T 8170" in w for w in shortage.warnings)
    assert any("GB/T 8170" in b.document and not b.verified for b in shortage.basis)
    # 1.5 % of 1500 g = 22.5 g -> 22 g; in kg the same.
    assert allowed_shortage("1.5", "kg").t == Decimal("0.022")
    assert not allowed_shortage("500", "g").warnings


@pytest.mark.parametrize(
    ("qn", "unit", "t"),
    [
        ("5", "m", "0"),
        ("500", "cm", "0"),
        ("5.01", "m", "0.1002"),
        ("501", "cm", "10.02"),
        ("2", "m2", "0.06"),
        ("50", "count", "0"),
        ("51", "个", "1"),  # 0.51 rounded up
        ("100", "count", "1"),
        ("101", "count", "2"),  # 1.01 rounded up: more than 1 % is intended
        ("150", "count", "2"),
    ],
)
def test_length_area_and_count(qn: str, unit: str, t: str) -> None:
    assert allowed_shortage(qn, unit).t == Decimal(t)


@pytest.mark.parametrize(
    ("qn", "unit", "message"),
    [
        ("50000.1", "g", "50 kg"),
        ("51", "kg", "50 kg"),
        ("0", "g", "大于零"),
        ("-5", "g", "负数"),
        ("abc", "g", "数字"),
        ("500", "lb", "未知的计量单位"),
        ("500", "斤", "未知的计量单位"),
        ("10.5", "count", "整数"),
    ],
)
def test_bad_qn_or_unit(qn: str, unit: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        allowed_shortage(qn, unit)


@pytest.mark.parametrize(
    ("batch", "n", "lam", "over_t"),
    [
        ("1", 1, None, 0),
        ("10", 10, None, 0),
        ("11", 10, "1.028", 0),
        ("50", 10, "1.028", 0),
        ("51", 13, "0.848", 1),  # the published 0.848, not the recomputed 0.8472
        ("99", 13, "0.848", 1),
        ("100", 50, "0.379", 3),
        ("500", 50, "0.379", 3),
        ("501", 80, "0.295", 5),
        ("3200", 80, "0.295", 5),
        ("3201", 125, "0.234", 7),
        ("1000000", 125, "0.234", 7),
    ],
)
def test_sampling_plan_edges(batch: str, n: int, lam: str | None, over_t: int) -> None:
    plan = sampling_plan(batch)
    assert plan.sample_size == n
    assert plan.lam == (None if lam is None else Decimal(lam))
    assert plan.allowed_over_t == over_t
    assert plan.allowed_over_2t == 0


@pytest.mark.parametrize("batch", ["0", "-3", "2.5", "x", ""])
def test_bad_batch_size(batch: str) -> None:
    with pytest.raises(InputError, match="批量"):
        sampling_plan(batch)


def test_unit_classes_at_t_and_2t() -> None:
    qn, t = Decimal(500), Decimal(15)
    assert classify(qn, t, Decimal(485)) == WITHIN  # shortage exactly T is not "more than T"
    assert classify(qn, t, Decimal("484.9")) == OVER_T
    assert classify(qn, t, Decimal(470)) == OVER_T  # exactly 2T
    assert classify(qn, t, Decimal("469.9")) == OVER_2T
    assert classify(qn, t, Decimal(520)) == WITHIN


def lot(values: list[str], batch: str = "60", qn: str = "500", unit: str = "g") -> str:
    return judge_net_content(qn, unit, batch, values).verdict.value


def test_small_batch_judges_units_only() -> None:
    # N = 5: every unit, no allowance, no mean test (a mean below Qn is not judged).
    result = judge_net_content("500", "g", "5", ["490", "490", "490", "490", "485"])
    assert result.verdict == Verdict.PASS
    assert result.numbers["mean_test"] == "skipped"
    assert lot(["490", "490", "490", "490", "484.9"], batch="5") == "fail"


def test_allowed_counts_from_the_plan() -> None:
    full = ["501"] * 12
    assert lot([*full, "480"]) == "pass"  # one unit over T allowed for N = 51..99
    assert lot([*full[:11], "480", "480"]) == "fail"
    assert lot([*full, "469.9"]) == "fail"  # none over 2T


def test_mean_test_fails_a_lot_whose_units_all_pass() -> None:
    # 50 units of 499 g: each 1 g short (well within T = 15 g) but s = 0 and 499 < 500.
    result = judge_net_content("500", "g", "200", ["499"] * 50)
    assert result.verdict == Verdict.FAIL
    assert result.numbers["mean_test"] == "fail"
    assert result.numbers["count_over_t"] == 0


def test_mean_exactly_at_the_limit_passes() -> None:
    # s = 0, so the limit is Qn itself: a mean equal to it passes, 0.1 g below fails.
    assert lot(["500"] * 13) == "pass"
    assert lot(["499.9"] * 13) == "fail"


def test_mean_test_uses_lambda_times_s() -> None:
    values = ["490", "510"] * 25  # mean 500, s ≈ 10.1
    result = judge_net_content("505", "g", "200", values)
    # s = 10·√(50/49) = 10.101525; Qn − λ·s = 505 − 0.379 × 10.101525 = 501.171522 > 500.
    assert result.numbers["count_over_t"] == 0
    assert result.verdict == Verdict.FAIL
    assert Decimal(result.limit["mean_limit"]) == Decimal("501.171522")
    assert judge_net_content("503", "g", "200", values).verdict == Verdict.PASS


def test_result_carries_numbers_limit_basis_and_unverified_warning() -> None:
    result = judge_net_content("500", "g", "200", ["498.2", "501.0"] * 25).to_json()
    assert result["verdict"] == "pass"
    assert result["limit"]["t"] == "15.0"
    assert result["limit"]["lambda"] == "0.379"
    assert result["numbers"]["units"][0] == {
        "index": 1,
        "q": "498.2",
        "shortage": "1.8",
        "shortage_class": "within",
    }
    assert result["verified"] is False
    assert any("2005" in b["clause"] and b["edition"] == "2023" for b in result["basis"])
    assert any("未经官方文本核实" in w for w in result["warnings"])


def test_unverified_tables_can_be_left_undecided() -> None:
    result = judge_net_content("500", "g", "200", ["499"] * 50, Policy(judge_unverified=False))
    assert result.verdict == Verdict.INDETERMINATE
    assert result.numbers["verdict_if_judged"] == "fail"


def test_kilogram_lots_convert_exactly() -> None:
    # Qn 1.5 kg, T = 22 g = 0.022 kg: a shortage of exactly 0.022 kg is within T.
    values = ["1.478"] + ["1.51"] * 12
    result = judge_net_content("1.5", "kg", "60", values)
    assert result.numbers["units"][0]["shortage_class"] == WITHIN
    assert result.verdict == Verdict.PASS


def test_an_illegal_unit_mark_is_warned() -> None:
    result = judge_net_content("1500", "g", "5", ["1500"] * 5)
    assert result.numbers["unit_mark"] == "fail"
    assert any("kg" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ("", "为空"),
        ("498,501", "应抽取 13 件"),
        (",".join(["500"] * 14), "应抽取 13 件"),
        ("500,abc" + ",500" * 11, "第 2 个"),
        ("500,-1" + ",500" * 11, "负数"),
        ("500,NaN" + ",500" * 11, "数字"),
    ],
)
def test_bad_samples(values: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        judge_net_content("500", "g", "60", values)


# ---------------------------------------------------------------- properties

qn_grams = st.decimals(min_value="0.01", max_value="50000", places=2)


@given(qn_grams, qn_grams)
def test_t_is_monotonic_and_continuous_across_bands(a: Decimal, b: Decimal) -> None:
    low, high = min(a, b), max(a, b)
    t_low, t_high = allowed_shortage(low, "g"), allowed_shortage(high, "g")
    assert 0 <= t_low.unrounded <= t_high.unrounded
    # No jumps: the steepest band is 9 %, so T never changes faster than that.
    assert t_high.unrounded - t_low.unrounded <= Decimal("0.09") * (high - low)


@given(qn_grams)
def test_rounded_t_is_never_negative_and_within_half_a_step(qn: Decimal) -> None:
    shortage = allowed_shortage(qn, "g")
    step = Decimal("0.1") if qn <= 1000 else Decimal(1)
    assert shortage.t >= 0
    assert abs(shortage.t - shortage.unrounded) <= step / 2


offsets = st.lists(st.integers(min_value=-400, max_value=150), min_size=13, max_size=13)


@given(offsets, st.integers(min_value=1, max_value=300))
def test_shifting_a_sample_down_never_helps_and_up_never_hurts(
    offsets: list[int], shift: int
) -> None:
    def verdict(delta: int) -> str:
        values = [str(Decimal(500) + Decimal(o + delta) / 10) for o in offsets]
        return lot(values)

    before = verdict(0)
    if before == "fail":
        assert verdict(-shift) == "fail"
    else:
        assert verdict(shift) == "pass"


def test_mean_exactly_at_qn_minus_lambda_s_with_a_spread() -> None:
    # n = 13: six units at m + 5, six at m − 5, one at m gives s = 5 exactly
    # (Σ(q − q̄)² = 12 × 25, divided by n − 1 = 12). Limit 500 − 0.848 × 5 = 495.76.
    def sample(m: str) -> list[str]:
        centre = Decimal(m)
        return [str(centre + 5)] * 6 + [str(centre - 5)] * 6 + [m]

    at = judge_net_content("500", "g", "60", sample("495.76"))
    assert at.numbers["std_dev"] == Decimal(5)
    assert at.numbers["count_over_t"] == 0
    assert at.verdict == Verdict.PASS  # with the recomputed λ = 0.8472 it would fail
    assert judge_net_content("500", "g", "60", sample("495.75")).verdict == Verdict.FAIL


@pytest.mark.parametrize(
    ("qn", "unit", "values"),
    [
        ("1.5", "kg", ["1478"] + ["1510"] * 12),  # grams typed for a kilogram Qn
        ("500", "g", ["500"] * 12 + ["1000.1"]),
    ],
)
def test_a_unit_over_twice_qn_is_refused(qn: str, unit: str, values: list[str]) -> None:
    with pytest.raises(InputError, match="单位"):
        judge_net_content(qn, unit, "60", values)


def test_a_unit_of_exactly_twice_qn_is_judged() -> None:
    assert lot(["500"] * 12 + ["1000"]) == "pass"


def test_a_sample_far_below_qn_is_judged_with_a_unit_warning() -> None:
    # Kilograms typed for a gram Qn: every unit is over 2T, which fails, but say why it may be.
    result = judge_net_content("500", "g", "5", ["0.498"] * 5)
    assert result.verdict == Verdict.FAIL
    assert any("单位" in w for w in result.warnings)
    assert not any("单位" in w for w in judge_net_content("500", "g", "5", ["300"] * 5).warnings)
