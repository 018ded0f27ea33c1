"""The result every calculator returns: verdict, limit, numbers, basis and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from checklists.basis import Basis


class Verdict(StrEnum):
    """判定: pass (合格), fail (不合格) or indeterminate (不予判定/无法判定)."""

    PASS = "pass"  # noqa: S105 - a verdict, not a password
    FAIL = "fail"
    INDETERMINATE = "indeterminate"


def _plain(value: Any) -> Any:
    """JSON-ready: Decimals become strings (exact, as typed), containers recurse."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Basis):
        return value.to_json()
    return value


@dataclass(frozen=True)
class RuleResult:
    """What a calculator decided and why.

    ``limit`` holds the limit(s) applied (e.g. {"mpe_percent": Decimal("0.30")}), ``numbers``
    the inputs and intermediate values that led to the verdict, ``basis`` every table or clause
    used (an unverified one says so), ``warnings`` plain-language notes in the user's language,
    ``explanation`` one sentence for the UI and reports.
    """

    rule: str
    verdict: Verdict
    limit: dict[str, Any] = field(default_factory=dict)
    numbers: dict[str, Any] = field(default_factory=dict)
    basis: tuple[Basis, ...] = ()
    warnings: tuple[str, ...] = ()
    explanation: str = ""

    @property
    def verified(self) -> bool:
        """True only if every basis used has been checked against the official text."""
        return all(b.verified for b in self.basis)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "verdict": self.verdict.value,
            "limit": _plain(self.limit),
            "numbers": _plain(self.numbers),
            "basis": [b.to_json() for b in self.basis],
            "verified": self.verified,
            "warnings": list(self.warnings),
            "explanation": self.explanation,
        }
