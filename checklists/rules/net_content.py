"""定量包装商品净含量 (net content of prepackaged goods), JJF 1070.

Glossary: Qn 标注净含量 (nominal quantity); q 实际含量 (actual content of one unit, after
tare); T 允许短缺量 (allowed shortage of one unit); N 批量 (batch size); n 样本量 (sample size);
λ 修正因子 (mean-test factor); s 样本标准偏差; q̄ 平均实际含量.

The decision (REFERENCE §1.2): each unit's shortage Qn − q is classed as within T, over T (up to
2T) or over 2T, and the counts are compared with the plan; for N > 10 the mean must also satisfy
q̄ ≥ Qn − λ·s. The tables are the 2005 values, applied under JJF 1070-2023 (unverified).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from checklists.basis import Basis
from checklists.errors import InputError
from checklists.i18n import _
from checklists.rules import marking
from checklists.rules.numbers import (
    Number,
    ceil_integer,
    is_tie,
    mean,
    parse_decimal,
    parse_decimals,
    parse_integer,
    round_gbt8170,
    sample_std,
    shown,
)
from checklists.rules.outcome import conclude
from checklists.rules.result import RuleResult, Verdict
from checklists.rules.tables import (
    DEFAULT_POLICY,
    Policy,
    Row,
    bands,
    find_band,
    section_unit,
    table,
)
from checklists.rules.units import Quantity, Unit, convert, parse_unit

WITHIN, OVER_T, OVER_2T = "within", "over_t", "over_2t"
_T_SECTION = {
    Quantity.MASS: "mass_volume",
    Quantity.VOLUME: "mass_volume",
    Quantity.LENGTH: "length",
    Quantity.AREA: "area",
    Quantity.COUNT: "count",
}
_SHOWN_PLACES = 6
# Plausibility, not a rule: a unit holding more than twice its Qn is a value typed in another
# unit (grams for a kilogram Qn), which would otherwise pass; a sample averaging under half of
# Qn fails anyway, but the warning says why it may be a typing slip.
_IMPLAUSIBLE_RATIO = 2


@dataclass(frozen=True)
class AllowedShortage:
    """允许短缺量 T for one Qn, in Qn's unit, with the band and rounding that gave it."""

    qn: Decimal
    unit: Unit
    t: Decimal
    unrounded: Decimal
    band: str
    basis: tuple[Basis, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class SamplingPlan:
    """抽样方案 for a batch size: n, λ (None: no mean test) and the allowed counts."""

    batch_size: int
    sample_size: int
    lam: Decimal | None
    allowed_over_t: int
    allowed_over_2t: int
    band: str
    basis: Basis


def _parse_qn(qn: Number, unit: Unit) -> Decimal:
    value = parse_decimal(qn, _("标注净含量 Qn"), zero=False)
    if unit.quantity is Quantity.COUNT and value != value.to_integral_value():
        raise InputError(_("计数商品的标注净含量 Qn 必须是整数，收到 {qn}。").format(qn=value))
    return value


def allowed_shortage(
    qn: Number, unit: str | Unit, policy: Policy = DEFAULT_POLICY
) -> AllowedShortage:
    """允许短缺量 T by Qn (JJF 1070 / Order 70 附件3), rounded as the table's note says."""
    unit = parse_unit(unit) if isinstance(unit, str) else unit
    value = _parse_qn(qn, unit)
    rules = table("net_content_t", policy)
    section = rules.section(_T_SECTION[unit.quantity])
    base = section_unit(section, unit.quantity)
    in_table = convert(value, unit, base)
    band = find_band(bands(section.rows("bands")), in_table)
    if band is None:
        raise InputError(
            _(
                "标注净含量 {qn} {unit} 超出允许短缺量表的范围"
                "（表只到 50 kg 或 50 L，更大的 Qn 无依据）。"
            ).format(qn=value, unit=unit.symbol)
        )
    row = band.row
    raw = row.dec("fixed") if row.has("fixed") else row.dec("percent") * in_table / 100
    t, notes, basis = raw, list[str](), [row.basis()]
    if row.has("round_up"):
        t = ceil_integer(raw)
    elif section.has("rounding"):
        t, notes, basis = _rounded(section, in_table, raw, basis)
    return AllowedShortage(
        qn=value,
        unit=unit,
        t=convert(t, base, unit) + 0,
        unrounded=convert(raw, base, unit) + 0,
        band=band.describe("Qn", base.symbol),
        basis=tuple(basis),
        warnings=tuple(notes),
    )


def _rounded(
    section: Row, in_table: Decimal, raw: Decimal, basis: list[Basis]
) -> tuple[Decimal, list[str], list[Basis]]:
    step = find_band(bands(section.rows("rounding")), in_table)
    if step is None:
        raise section.error("rounding", _("没有覆盖 Qn={qn} 的修约档").format(qn=in_table))
    resolution = step.row.dec("resolution")
    t = round_gbt8170(raw, resolution)
    if not is_tie(raw, resolution):
        return t, [], basis
    note = _(
        "T 的计算值 {raw} 恰为修约间隔 {step} 的一半，"
        "按 GB/T 8170 逢五取偶修约为 {t}；该修约方法未经核实。"
    ).format(raw=raw, step=resolution, t=t)
    return t, [note], [*basis, section.section("rounding_method").basis()]


def sampling_plan(batch_size: Number, policy: Policy = DEFAULT_POLICY) -> SamplingPlan:
    """抽样方案 for batch size N: sample size n, λ and the allowed counts (as published)."""
    size = parse_integer(batch_size, _("批量 N"), minimum=1)
    rules = table("net_content_plan", policy)
    band = find_band(bands(rules.rows("plan")), Decimal(size))
    if band is None:
        raise InputError(_("批量 N={n} 不在抽样方案表中。").format(n=size))
    row = band.row
    every = row.data.get("sample") == "all"
    return SamplingPlan(
        batch_size=size,
        sample_size=size if every else row.integer("sample"),
        lam=None if every else row.dec("lambda"),
        allowed_over_t=row.integer("allowed_over_t"),
        allowed_over_2t=row.integer("allowed_over_2t"),
        band=band.describe("N"),
        basis=row.basis(),
    )


def classify(qn: Decimal, t: Decimal, q: Decimal) -> str:
    """One unit: shortage Qn − q within T, over T (T < shortage ≤ 2T) or over 2T."""
    shortage = qn - q
    if shortage <= t:
        return WITHIN
    return OVER_T if shortage <= 2 * t else OVER_2T


def judge_net_content(
    qn: Number,
    unit: str,
    batch_size: Number,
    values: str | Iterable[Number],
    policy: Policy = DEFAULT_POLICY,
) -> RuleResult:
    """批的净含量判定: ``values`` are the sample's actual contents q (after tare) in ``unit``."""
    shortage = allowed_shortage(qn, unit, policy)
    plan = sampling_plan(batch_size, policy)
    sample = _sample(values, shortage.unit, plan)
    qn_value, t = shortage.qn, shortage.t
    _check_magnitude(qn_value, shortage.unit, sample)
    classes = [classify(qn_value, t, q) for q in sample]
    over_t, over_2t = classes.count(OVER_T), classes.count(OVER_2T)
    failures = _count_failures(over_t, over_2t, plan)
    numbers: dict[str, Any] = {
        "qn": qn_value,
        "unit": shortage.unit.symbol,
        "batch_size": plan.batch_size,
        "sample_size": plan.sample_size,
        "t_band": shortage.band,
        "t_unrounded": shortage.unrounded,
        "units": [
            {"index": i, "q": q, "shortage": qn_value - q, "shortage_class": c}
            for i, (q, c) in enumerate(zip(sample, classes, strict=True), start=1)
        ],
        "count_over_t": over_t,
        "count_over_2t": over_2t,
    }
    limit: dict[str, Any] = {
        "t": t,
        "two_t": 2 * t,
        "allowed_over_t": plan.allowed_over_t,
        "allowed_over_2t": plan.allowed_over_2t,
    }
    failures += _mean_test(qn_value, sample, plan, numbers, limit)
    legal = marking.check_unit_mark(qn_value, shortage.unit, policy)
    numbers["unit_mark"] = legal.verdict.value
    warnings = [*shortage.warnings]
    if mean(sample) * _IMPLAUSIBLE_RATIO < qn_value:
        warnings.append(
            _(
                "样本平均实际含量不到标注净含量 {qn} {unit} 的一半："
                "请确认实际含量与 Qn 使用同一单位（{unit}）。"
            ).format(qn=qn_value, unit=shortage.unit.symbol)
        )
    if legal.verdict is Verdict.FAIL:
        warnings.append(legal.explanation)
    verdict = Verdict.FAIL if failures else Verdict.PASS
    explanation = (
        "；".join(failures) if failures else _("样本的单件短缺与平均实际含量均符合要求，批合格。")
    )
    return conclude(
        "net_content",
        verdict,
        limit=limit,
        numbers=numbers,
        basis=[*shortage.basis, plan.basis],
        warnings=warnings,
        explanation=explanation,
        policy=policy,
    )


def _sample(values: str | Iterable[Number], unit: Unit, plan: SamplingPlan) -> list[Decimal]:
    sample = parse_decimals(values, _("样本实际含量"))
    if unit.quantity is Quantity.COUNT and any(q != q.to_integral_value() for q in sample):
        raise InputError(_("计数商品的实际含量必须是整数。"))
    if len(sample) != plan.sample_size:
        raise InputError(
            _(
                "批量 N={n} 按抽样方案应抽取 {expected} 件，输入了 {got} 个数值。"
                "请输入全部 {expected} 件的实际含量。"
            ).format(n=plan.batch_size, expected=plan.sample_size, got=len(sample))
        )
    return sample


def _check_magnitude(qn: Decimal, unit: Unit, sample: list[Decimal]) -> None:
    for i, q in enumerate(sample, start=1):
        if q > qn * _IMPLAUSIBLE_RATIO:
            raise InputError(
                _(
                    "第 {i} 件的实际含量 {q} 超过标注净含量 {qn} {unit} 的 2 倍："
                    "请确认实际含量与 Qn 使用同一单位（{unit}），并已去皮。"
                ).format(i=i, q=q, qn=qn, unit=unit.symbol)
            )


def _count_failures(over_t: int, over_2t: int, plan: SamplingPlan) -> list[str]:
    failures = []
    if over_t > plan.allowed_over_t:
        failures.append(
            _("短缺量大于 T 且不大于 2T 的有 {count} 件，允许 {allowed} 件").format(
                count=over_t, allowed=plan.allowed_over_t
            )
        )
    if over_2t > plan.allowed_over_2t:
        failures.append(
            _("短缺量大于 2T 的有 {count} 件，允许 {allowed} 件").format(
                count=over_2t, allowed=plan.allowed_over_2t
            )
        )
    return failures


def _mean_test(
    qn: Decimal,
    sample: list[Decimal],
    plan: SamplingPlan,
    numbers: dict[str, Any],
    limit: dict[str, Any],
) -> list[str]:
    """平均实际含量的判定 q̄ ≥ Qn − λ·s (N > 10 only); records the numbers it used."""
    if plan.lam is None:
        numbers["mean_test"] = "skipped"
        return []
    average, s = mean(sample), sample_std(sample)
    with localcontext() as ctx:
        ctx.prec = 50
        mean_limit = qn - plan.lam * s
    passed = average >= mean_limit
    numbers.update(
        mean=shown(average, _SHOWN_PLACES),
        std_dev=shown(s, _SHOWN_PLACES),
        mean_test="pass" if passed else "fail",
    )
    limit.update(**{"lambda": plan.lam, "mean_limit": shown(mean_limit, _SHOWN_PLACES)})
    if passed:
        return []
    return [
        _("平均实际含量 {mean} 小于 Qn − λ·s = {limit}").format(
            mean=shown(average, _SHOWN_PLACES), limit=shown(mean_limit, _SHOWN_PLACES)
        )
    ]
