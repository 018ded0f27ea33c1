"""Building a :class:`RuleResult`: unverified bases are said out loud, and judged or not as the
office's :class:`~checklists.rules.tables.Policy` says."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from checklists.basis import Basis
from checklists.i18n import _
from checklists.rules.result import RuleResult, Verdict
from checklists.rules.tables import Policy


def _unique(bases: Iterable[Basis]) -> tuple[Basis, ...]:
    seen: list[Basis] = []
    for basis in bases:
        if basis not in seen:
            seen.append(basis)
    return tuple(seen)


def unverified_warning(basis: Basis) -> str:
    return _("依据“{cite}”未经官方文本核实，按其判定的结果仅供参考。").format(cite=basis.cite())


def conclude(
    rule: str,
    verdict: Verdict,
    *,
    limit: Mapping[str, Any],
    numbers: Mapping[str, Any],
    basis: Iterable[Basis],
    warnings: Iterable[str] = (),
    explanation: str,
    policy: Policy,
) -> RuleResult:
    """The result, with a warning per unverified basis; with ``policy.judge_unverified`` off,
    a verdict that rests on one becomes indeterminate (the verdict it would have had is kept
    in ``numbers["verdict_if_judged"]``)."""
    bases = _unique(basis)
    notes = list(warnings)
    unverified = [b for b in bases if not b.verified]
    notes += [unverified_warning(b) for b in unverified]
    numbers = dict(numbers)
    if unverified and not policy.judge_unverified and verdict is not Verdict.INDETERMINATE:
        numbers["verdict_if_judged"] = verdict.value
        explanation = _("所用依据未经核实，按本单位设置不予判定。") + explanation
        verdict = Verdict.INDETERMINATE
    return RuleResult(
        rule=rule,
        verdict=verdict,
        limit=dict(limit),
        numbers=numbers,
        basis=bases,
        warnings=tuple(dict.fromkeys(notes)),
        explanation=explanation,
    )
