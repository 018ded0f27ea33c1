"""数字指示秤 (digital indicating scales), JJG 539: error at one load, and the 公平秤 check.

Glossary: e 检定分度值 (verification scale interval); L 载荷 (load, the reference weights);
I 示值 (indication); ΔL 闪变点法附加砝码 (the small weights added at the changeover point);
E 误差; m = L/e the load in e; 最大允许误差 MPE; 首次/后续检定 (verification); 使用中检查
(in-service inspection, twice the verification MPE); 中准确度级 III, 普通准确度级 IIII.

Error from the indication alone: E = I − L, which carries a rounding uncertainty of ±½e, so a
result within ½e of the limit gets a warning. With the changeover-point method (闪变点法):
E = I + ½e − ΔL − L, without that uncertainty.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from checklists.basis import Basis
from checklists.errors import InputError
from checklists.i18n import _
from checklists.rules.numbers import Number, parse_decimal, plain
from checklists.rules.outcome import conclude
from checklists.rules.result import RuleResult, Verdict
from checklists.rules.tables import DEFAULT_POLICY, Policy, bands, find_band, table

IN_SERVICE, VERIFICATION = "in-service", "verification"
_MODES = {
    "in-service": IN_SERVICE,
    "in_service": IN_SERVICE,
    "inservice": IN_SERVICE,
    "使用中": IN_SERVICE,
    "使用中检查": IN_SERVICE,
    "verification": VERIFICATION,
    "检定": VERIFICATION,
    "首次检定": VERIFICATION,
    "后续检定": VERIFICATION,
}
_CLASSES = {"iii": "III", "3": "III", "iiii": "IIII", "iv": "IIII", "4": "IIII"}


@dataclass(frozen=True)
class Mpe:
    """最大允许误差 at one load: in e and absolute, the band and mode that gave it."""

    accuracy_class: str
    mode: str
    load_in_e: Decimal
    mpe_e: Decimal
    mpe: Decimal
    band: str
    basis: tuple[Basis, ...]


def _key(value: str, choices: dict[str, str], what: str) -> str:
    key = choices.get(unicodedata.normalize("NFKC", value).strip().lower())
    if key is None:
        known = "、".join(dict.fromkeys(choices.values()))
        raise InputError(
            _("未知的{what}“{value}”。可用：{known}。").format(what=what, value=value, known=known)
        )
    return key


def max_permissible_error(
    e: Number,
    load: Number,
    accuracy_class: str = "III",
    mode: str = IN_SERVICE,
    policy: Policy = DEFAULT_POLICY,
) -> Mpe:
    """最大允许误差 for ``load`` on a scale of interval ``e`` (both in the same unit, e.g. g)."""
    interval = parse_decimal(e, _("检定分度值 e"), zero=False)
    weight = parse_decimal(load, _("载荷 L"))
    cls = _key(accuracy_class, _CLASSES, _("准确度等级"))
    mode = _key(mode, _MODES, _("检查方式"))
    rules = table("scale_mpe", policy)
    found = bands(rules.section("classes").section(cls).rows("bands"))
    with localcontext() as ctx:
        ctx.prec = 50
        m = weight / interval
    band = find_band(found, m)
    if band is None:
        top = found[-1].high
        raise InputError(
            _(
                "载荷 {load} 为 {m}e，超出 {cls} 级最大允许误差表的范围（最大 {top}e）："
                "不能按此表判定。"
            ).format(load=weight, m=plain(m), cls=cls, top=top)
        )
    mpe_e, basis = band.row.dec("mpe_e"), [band.row.basis()]
    if mode == IN_SERVICE:
        in_service = rules.section("in_service")
        mpe_e *= in_service.dec("factor")
        basis.append(in_service.basis())
    return Mpe(cls, mode, m, mpe_e, mpe_e * interval, band.describe("m", "e"), tuple(basis))


def _error(
    interval: Decimal, load: Decimal, indication: Decimal, delta_l: Decimal | None
) -> Decimal:
    if delta_l is None:
        return indication - load
    return indication + interval / 2 - delta_l - load


def _rounding_warning(error: Decimal, mpe: Decimal, interval: Decimal, label: str) -> list[str]:
    if abs(abs(error) - mpe) > interval / 2:
        return []
    return [
        _(
            "{label}误差 {error} 仅由示值得出，含 ±½e（±{half}）的修约误差，"
            "且距限值 ±{mpe} 不足 ½e：结论可能因修约而不同，建议用闪变点法复核。"
        ).format(label=label, error=error, half=interval / 2, mpe=mpe)
    ]


def judge_scale(
    e: Number,
    load: Number,
    indication: Number,
    *,
    mode: str = IN_SERVICE,
    accuracy_class: str = "III",
    delta_l: Number | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> RuleResult:
    """秤的示值误差 at one load within the MPE (使用中检查 by default: 2× the verification MPE)."""
    limit = max_permissible_error(e, load, accuracy_class, mode, policy)
    interval = parse_decimal(e, _("检定分度值 e"), zero=False)
    weight = parse_decimal(load, _("载荷 L"))
    shown_value = parse_decimal(indication, _("示值 I"))
    added = None if delta_l is None else parse_decimal(delta_l, _("附加砝码 ΔL"))
    if added is not None and added > interval:
        # Weights are added until the indication moves up by one e, so ΔL never exceeds e:
        # a larger ΔL means the wrong I was noted, and E = I + ½e − ΔL − L would be arbitrary.
        raise InputError(
            _(
                "附加砝码 ΔL={d} 大于一个分度值 e={e}：闪变点法加放的小砝码不超过 1e。"
                "请核对：I 为加放小砝码前的示值，ΔL 为示值增加一个 e 时所加小砝码之和。"
            ).format(d=added, e=interval)
        )
    error = _error(interval, weight, shown_value, added)
    warnings = [] if added is not None else _rounding_warning(error, limit.mpe, interval, "")
    ok = abs(error) <= limit.mpe
    explanation = (
        _("误差 {error}（{error_e}e）在最大允许误差 ±{mpe}（±{mpe_e}e）以内。")
        if ok
        else _("误差 {error}（{error_e}e）超出最大允许误差 ±{mpe}（±{mpe_e}e），不合格。")
    ).format(error=error, error_e=plain(error / interval), mpe=limit.mpe, mpe_e=limit.mpe_e)
    numbers: dict[str, Any] = {
        "e": interval,
        "load": weight,
        "load_in_e": plain(limit.load_in_e),
        "indication": shown_value,
        "method": "indication" if added is None else "changeover",
        "error": error,
        "error_in_e": plain(error / interval),
    }
    if added is not None:
        numbers["delta_l"] = added
    return conclude(
        "scale",
        Verdict.PASS if ok else Verdict.FAIL,
        limit=_limit(limit),
        numbers=numbers,
        basis=limit.basis,
        warnings=warnings,
        explanation=explanation,
        policy=policy,
    )


def _limit(limit: Mpe) -> dict[str, Any]:
    return {
        "mpe": limit.mpe,
        "mpe_e": limit.mpe_e,
        "band": limit.band,
        "class": limit.accuracy_class,
        "mode": limit.mode,
    }


def judge_fair_scale(
    e: Number,
    load: Number,
    indications: Sequence[Number],
    *,
    accuracy_class: str = "III",
    mode: str = IN_SERVICE,
    policy: Policy = DEFAULT_POLICY,
) -> RuleResult:
    """公平秤核查: three weighings of one reference weight; each error within the MPE and the
    spread of the indications (重复性) within the absolute MPE at that load."""
    limit = max_permissible_error(e, load, accuracy_class, mode, policy)
    check = table("scale_mpe", policy).section("fair_scale")
    expected = check.integer("weighings")
    if len(indications) != expected:
        raise InputError(
            _("公平秤核查需要对同一砝码称量 {n} 次，输入了 {got} 个示值。").format(
                n=expected, got=len(indications)
            )
        )
    interval = parse_decimal(e, _("检定分度值 e"), zero=False)
    weight = parse_decimal(load, _("载荷 L"))
    values = [
        parse_decimal(v, _("第 {i} 次示值").format(i=i)) for i, v in enumerate(indications, start=1)
    ]
    errors = [v - weight for v in values]
    spread = max(values) - min(values)
    warnings = [
        w
        for i, err in enumerate(errors, start=1)
        for w in _rounding_warning(err, limit.mpe, interval, _("第 {i} 次").format(i=i))
    ]
    problems = [
        _("第 {i} 次误差 {err} 超出 ±{mpe}").format(i=i, err=err, mpe=limit.mpe)
        for i, err in enumerate(errors, start=1)
        if abs(err) > limit.mpe
    ]
    if spread > limit.mpe:
        problems.append(
            _("重复性（最大示值 − 最小示值）{r} 超过 {mpe}").format(r=spread, mpe=limit.mpe)
        )
    explanation = (
        "；".join(problems) + _("，不合格。")
        if problems
        else _("三次称量的误差与重复性均在最大允许误差 {mpe} 以内。").format(mpe=limit.mpe)
    )
    return conclude(
        "fair_scale",
        Verdict.FAIL if problems else Verdict.PASS,
        limit={**_limit(limit), "repeatability": limit.mpe},
        numbers={
            "e": interval,
            "load": weight,
            "indications": values,
            "errors": errors,
            "repeatability": spread,
        },
        basis=[*limit.basis, check.basis()],
        warnings=warnings,
        explanation=explanation,
        policy=policy,
    )
