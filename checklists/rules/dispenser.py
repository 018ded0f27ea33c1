"""燃油加油机 (fuel dispenser), JJG 443: the error of a run against a standard metal measure.

Glossary: V_J 加油机示值 (dispenser indication); V_B 标准金属量器示值 (the measure's reading,
nominal ± neck scale, referred to 20 °C); t_J 加油机出口油温; t_B 量器内油温; β_Y 油品体膨胀系数;
β_B 量器材质体膨胀系数; E_V 示值误差; 重复性 (repeatability); 最大允许误差 (MPE).

    V_Bt = V_B · [1 + β_Y·(t_J − t_B) + β_B·(t_B − 20)]
    E_V  = (V_J − V_Bt) / V_Bt × 100 %

Each run is judged against ±0.30 %. With two or more runs the repeatability (max − min of the
runs' errors) is computed and reported against 0.10 %, a verification requirement that never
fails an in-service check (CHECKLISTS.md). A fuel temperature difference over the historical
4 °C is a warning, not a verdict.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from checklists.errors import InputError
from checklists.i18n import _
from checklists.rules.numbers import Number, parse_decimal, shown
from checklists.rules.outcome import conclude
from checklists.rules.result import RuleResult, Verdict
from checklists.rules.tables import DEFAULT_POLICY, Policy, Row, RuleTable, table

FUELS = {
    "petrol": "petrol",
    "gasoline": "petrol",
    "汽油": "petrol",
    "diesel": "diesel",
    "柴油": "diesel",
    "轻柴油": "diesel",
    "kerosene": "kerosene",
    "煤油": "kerosene",
}
MATERIALS = {"stainless": "stainless", "不锈钢": "stainless", "carbon": "carbon", "碳钢": "carbon"}
_PLACES = 2  # errors are shown in 0.01 %


@dataclass(frozen=True)
class DispenserRun:
    """One draw into the measure: the four readings as typed."""

    indicated: Number
    measure_volume: Number
    t_nozzle: Number
    t_measure: Number


def _choice(value: str, choices: dict[str, str], section: Row, what: str) -> Row:
    key = choices.get(unicodedata.normalize("NFKC", value).strip().lower())
    if key is None or not section.has(key):
        known = "、".join(sorted(set(choices.values())))
        raise InputError(
            _("未知的{what}“{value}”。可用：{known}。").format(what=what, value=value, known=known)
        )
    return section.section(key)


def _run_numbers(
    run: DispenserRun, beta_y: Decimal, beta_b: Decimal, t_ref: Decimal
) -> dict[str, Any]:
    v_j = parse_decimal(run.indicated, _("加油机示值 V_J"), zero=False)
    v_b = parse_decimal(run.measure_volume, _("量器示值 V_B"), zero=False)
    t_j = parse_decimal(run.t_nozzle, _("加油机油温 t_J"), negative=True)
    t_b = parse_decimal(run.t_measure, _("量器内油温 t_B"), negative=True)
    with localcontext() as ctx:
        ctx.prec = 50
        v_bt = v_b * (1 + beta_y * (t_j - t_b) + beta_b * (t_b - t_ref))
        if v_bt <= 0:
            raise InputError(_("修正后的量器体积不为正，请检查油温与量器示值。"))
        error = (v_j - v_bt) / v_bt * 100
    return {"v_j": v_j, "v_b": v_b, "t_j": t_j, "t_b": t_b, "v_bt": v_bt, "error": error}


def judge_dispenser(
    runs: Sequence[DispenserRun],
    fuel: str,
    material: str,
    policy: Policy = DEFAULT_POLICY,
) -> RuleResult:
    """示值误差 of each run within ±MPE; repeatability reported, temperature difference warned."""
    if not runs:
        raise InputError(_("没有测量数据：请至少输入一次加油机示值与量器示值。"))
    rules = table("dispenser", policy)
    fuel_row = _choice(fuel, FUELS, rules.section("fuel"), _("油品"))
    material_row = _choice(material, MATERIALS, rules.section("material"), _("量器材质"))
    formula = rules.section("formula")
    mpe_row = rules.section("mpe")
    mpe = mpe_row.dec("percent")
    measured = [
        _run_numbers(
            run,
            fuel_row.dec("beta"),
            material_row.dec("beta"),
            formula.dec("reference_temperature"),
        )
        for run in runs
    ]
    warnings: list[str] = []
    failed = [i for i, m in enumerate(measured, start=1) if abs(m["error"]) > mpe]
    for i, m in enumerate(measured, start=1):
        warnings += _run_warnings(i, m, mpe, rules)
    numbers: dict[str, Any] = {
        "fuel": fuel_row.text("label"),
        "beta_fuel": fuel_row.dec("beta"),
        "measure_material": material_row.text("label"),
        "beta_measure": material_row.dec("beta"),
        "runs": [_shown_run(i, m, mpe) for i, m in enumerate(measured, start=1)],
    }
    limit: dict[str, Any] = {"mpe_percent": mpe}
    basis = [mpe_row.basis(), formula.basis()]
    if len(measured) >= 2:
        warnings += _repeatability(measured, rules, numbers, limit)
        basis.append(rules.section("repeatability").basis())
    verdict = Verdict.FAIL if failed else Verdict.PASS
    return conclude(
        "dispenser",
        verdict,
        limit=limit,
        numbers=numbers,
        basis=basis,
        warnings=warnings,
        explanation=_explain(measured, failed, mpe),
        policy=policy,
    )


def _shown_run(index: int, m: dict[str, Any], mpe: Decimal) -> dict[str, Any]:
    return {
        "index": index,
        "v_j": m["v_j"],
        "v_b": m["v_b"],
        "t_j": m["t_j"],
        "t_b": m["t_b"],
        "v_bt": shown(m["v_bt"], 6),
        "error_percent": shown(m["error"], _PLACES),
        "error_percent_exact": shown(m["error"], 6),
        "verdict": "pass" if abs(m["error"]) <= mpe else "fail",
    }


def _run_warnings(index: int, m: dict[str, Any], mpe: Decimal, rules: RuleTable) -> list[str]:
    notes = []
    rounded = shown(m["error"], _PLACES)
    if (abs(rounded) <= mpe) != (abs(m["error"]) <= mpe):
        notes.append(
            _(
                "第 {i} 次：误差修约后为 {r}%，未修约值为 {e}%；"
                "本程序按未修约值与限值比较（规程的修约规则未核实）。"
            ).format(i=index, r=rounded, e=shown(m["error"], 6))
        )
    condition = rules.section("temperature_difference")
    difference = abs(m["t_j"] - m["t_b"])
    if difference > condition.dec("max_celsius"):
        notes.append(
            _(
                "第 {i} 次：加油机与量器内油温相差 {d} °C，超过 {max} °C（{cite}，未经核实）："
                "测量条件可能不满足，建议重测；此项不作判定。"
            ).format(
                i=index,
                d=difference,
                max=condition.dec("max_celsius"),
                cite=condition.basis().cite(),
            )
        )
    return notes


def _repeatability(
    measured: list[dict[str, Any]], rules: RuleTable, numbers: dict[str, Any], limit: dict[str, Any]
) -> list[str]:
    """重复性 = max(E) − min(E) over the runs; reported, never a verdict in service."""
    errors = [m["error"] for m in measured]
    spread = max(errors) - min(errors)
    allowed = rules.section("repeatability").dec("percent")
    numbers["repeatability_percent"] = shown(spread, _PLACES)
    limit["repeatability_percent"] = allowed
    if spread <= allowed:
        return []
    return [
        _("重复性 {r}% 超过检定要求 {limit}%：请记录；使用中检查不据此判定不合格。").format(
            r=shown(spread, _PLACES), limit=allowed
        )
    ]


def _explain(measured: list[dict[str, Any]], failed: list[int], mpe: Decimal) -> str:
    errors = "、".join(f"{shown(m['error'], _PLACES)}%" for m in measured)
    if failed:
        runs = "、".join(str(i) for i in failed)
        return _("示值误差 {errors}；第 {runs} 次超出最大允许误差 ±{mpe}%，不合格。").format(
            errors=errors, runs=runs, mpe=mpe
        )
    return _("示值误差 {errors}，均在最大允许误差 ±{mpe}% 以内。").format(errors=errors, mpe=mpe)
