"""零售商品称重 (retail goods sold by weight): 核称 (re-weighing) of goods sold.

Glossary: 结算（标称）值 billed weight; 核称值 re-weighed (actual) weight; 负偏差 allowed short
weight (附表1 food by category A–D and weight band, 附表2 gold and silver jewellery); 核称方法
art.6: 高准确度核称法 (``higher``: on a more accurate instrument, 1× the deviation),
原计量器具核称法 (``own``: on the seller's own instrument, 1× the deviation, plus a test
weight equal to the re-weighed value whose reading must be within the deviation of it),
等准确度核称法 (``equal``: on another instrument of the same accuracy, 2× the deviation).

The band is chosen by the billed weight; heavier goods than the table's top are not judged by
it (the last band is not open-ended). Goods heavier than billed always pass.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from checklists.basis import Basis
from checklists.errors import InputError
from checklists.i18n import _
from checklists.rules.numbers import Number, parse_decimal, shown
from checklists.rules.outcome import conclude
from checklists.rules.result import RuleResult, Verdict
from checklists.rules.tables import DEFAULT_POLICY, Policy, Row, bands, find_band, table

HIGHER, OWN, EQUAL = "higher", "own", "equal"
_CATEGORIES = {
    "a": "A",
    "b": "B",
    "c": "C",
    "d": "D",
    "gold": "gold",
    "金": "gold",
    "黄金": "gold",
    "金饰品": "gold",
    "silver": "silver",
    "银": "silver",
    "白银": "silver",
    "银饰品": "silver",
}
_METHODS = {
    "higher": HIGHER,
    "高准确度": HIGHER,
    "高准确度核称法": HIGHER,
    "own": OWN,
    "原计量器具": OWN,
    "原计量器具核称法": OWN,
    "equal": EQUAL,
    "等准确度": EQUAL,
    "等准确度核称法": EQUAL,
}
_UNITS = {"kg": "kg", "千克": "kg", "公斤": "kg", "g": "g", "克": "g"}
_GRAMS = {"kg": Decimal(1000), "g": Decimal(1)}


@dataclass(frozen=True)
class Deviation:
    """负偏差 for one category and billed weight, in g, with the band and its basis."""

    category: str
    label: str
    deviation_g: Decimal
    band: str
    basis: Basis


def _key(value: str, choices: dict[str, str], what: str) -> str:
    key = choices.get(unicodedata.normalize("NFKC", value).strip().lower())
    if key is None:
        known = "、".join(dict.fromkeys(choices.values()))
        raise InputError(
            _("未知的{what}“{value}”。可用：{known}。").format(what=what, value=value, known=known)
        )
    return key


def allowed_deviation(
    category: str, billed_kg: Decimal, policy: Policy = DEFAULT_POLICY
) -> Deviation:
    """负偏差 (附表1/附表2) for ``category`` at the billed weight (in kg)."""
    key = _key(category, _CATEGORIES, _("商品类别"))
    section = table("retail", policy).section("categories").section(key)
    found = bands(section.rows("bands"))
    band = find_band(found, billed_kg)
    if band is None:
        raise InputError(
            _(
                "结算重量 {w} kg 超出{label}的负偏差表范围（最大 {top} kg）："
                "表不适用，不能按此判定。"
            ).format(w=billed_kg, label=section.text("label"), top=found[-1].high)
        )
    return Deviation(
        key,
        section.text("label"),
        band.row.dec("max_shortage_g"),
        band.describe("m", "kg"),
        band.row.basis(),
    )


def judge_retail(
    category: str,
    billed: Number,
    actual: Number,
    *,
    method: str = HIGHER,
    test_weight_reading: Number | None = None,
    unit: str = "kg",
    policy: Policy = DEFAULT_POLICY,
) -> RuleResult:
    """核称: the shortage billed − actual within the (method's multiple of the) 负偏差."""
    unit = _key(unit, _UNITS, _("重量单位"))
    to_g = _GRAMS[unit]
    billed_value = parse_decimal(billed, _("结算重量"), zero=False)
    actual_value = parse_decimal(actual, _("核称重量"))
    method = _key(method, _METHODS, _("核称方法"))
    if actual_value > billed_value * 2:
        # Plausibility, not a rule: grams typed where kilograms are expected would pass any
        # shortage. No seller hands over more than twice the billed weight.
        raise InputError(
            _("核称重量 {a} 超过结算重量 {b} 的 2 倍：请确认两者使用同一单位（{unit}）。").format(
                a=actual_value, b=billed_value, unit=unit
            )
        )
    deviation = allowed_deviation(category, billed_value * to_g / 1000, policy)
    way = table("retail", policy).section("methods").section(method)
    allowed = deviation.deviation_g * way.dec("factor") / to_g
    shortage = billed_value - actual_value
    numbers: dict[str, Any] = {
        "category": deviation.label,
        "billed": billed_value,
        "actual": actual_value,
        "unit": unit,
        "shortage": shortage,
        "method": method,
    }
    limit: dict[str, Any] = {
        "deviation_g": deviation.deviation_g,
        "factor": way.dec("factor"),
        "allowed_shortage": allowed,
        "band": deviation.band,
    }
    problems = []
    if shortage > allowed:
        problems.append(_("短缺 {s} 超过允许的 {a}").format(s=shortage, a=allowed))
    verdict = Verdict.FAIL if problems else Verdict.PASS
    warnings: list[str] = []
    if method == OWN:
        verdict = _own_method(
            way,
            actual_value,
            test_weight_reading,
            allowed,
            verdict,
            numbers,
            limit,
            problems,
            warnings,
        )
    return conclude(
        "retail",
        verdict,
        limit=limit,
        numbers=numbers,
        basis=[deviation.basis, way.basis()],
        warnings=warnings,
        explanation=_explain(verdict, problems, shortage, allowed),
        policy=policy,
    )


def _own_method(
    way: Row,
    actual: Decimal,
    reading: Number | None,
    allowed: Decimal,
    verdict: Verdict,
    numbers: dict[str, Any],
    limit: dict[str, Any],
    problems: list[str],
    warnings: list[str],
) -> Verdict:
    """原计量器具核称法: a test weight equal to the re-weighed value, read on the same
    instrument, must read within the deviation of it (and itself err ≤ ⅓ of it)."""
    with localcontext() as ctx:
        ctx.prec = 50
        weight_error = shown(allowed / way.dec("test_weight_error_divisor"), 7)
    limit["test_weight_max_error"] = weight_error
    warnings.append(
        _("所用砝码的最大允许误差应不大于负偏差的 1/3（约 {e}）。").format(e=weight_error)
    )
    if reading is None:
        if verdict is Verdict.FAIL:
            return verdict
        problems.append(_("原计量器具核称法还需输入等于核称值的砝码在该器具上的示值"))
        return Verdict.INDETERMINATE
    value = parse_decimal(reading, _("砝码示值"))
    difference = value - actual
    numbers.update(test_weight_reading=value, test_weight_difference=difference)
    if abs(difference) > allowed:
        problems.append(_("砝码示值与核称值相差 {d}，超过 {a}").format(d=difference, a=allowed))
        return Verdict.FAIL
    return verdict


def _explain(verdict: Verdict, problems: list[str], shortage: Decimal, allowed: Decimal) -> str:
    if verdict is Verdict.PASS:
        return _("短缺 {s} 不超过允许的 {a}，合格。").format(s=shortage, a=allowed)
    if verdict is Verdict.INDETERMINATE:
        return "；".join(problems) + _("，暂不判定。")
    return "；".join(problems) + _("，不合格。")
