"""The parameters a measurement item may give its rule (``params`` in a definition).

A parameter is either a fixed value (``mode = "in-service"`` for a scale) or, for a value that
the inspector records once for an instrument rather than on every run, the id of a choice item
whose answer the rule takes (``fuel_item = "nozzle_fuel"``: the fuel of this nozzle). The loader
checks names, values and references against this table, so a misspelt ``mode`` or a fuel the
calculator does not know is an error in the definition, not a crash at the pump.

The values are the calculators' canonical spellings (checklists/rules/*.py); the calculators
accept a few aliases more, which definitions do not need.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from checklists.rules.dispenser import FUELS, MATERIALS

_SCALE_MODES = ("in-service", "verification")
_SCALE_CLASSES = ("III", "IIII")


@dataclass(frozen=True)
class ItemParam:
    """A parameter that names an earlier choice item of the same or an enclosing instrument;
    every option value of that item must be one the rule accepts."""

    accepts: frozenset[str]


@dataclass(frozen=True)
class RuleParams:
    """What a rule's ``params`` may hold: fixed values by name, item references, and which
    parameters a definition must give because the rule cannot run without them."""

    values: Mapping[str, tuple[str, ...]]
    items: Mapping[str, ItemParam]
    required: frozenset[str] = frozenset()

    def names(self) -> list[str]:
        return [*self.values, *self.items]


_NONE = RuleParams(values={}, items={})
_SCALE = RuleParams(values={"mode": _SCALE_MODES, "accuracy_class": _SCALE_CLASSES}, items={})

RULE_PARAMS: Mapping[str, RuleParams] = {
    "net_content": _NONE,
    "char_height": _NONE,
    "legal_unit": _NONE,
    # judge_dispenser(runs, fuel, material): both are facts of the nozzle and the measure,
    # recorded once, not typed again for every run.
    "dispenser": RuleParams(
        values={},
        items={
            "fuel_item": ItemParam(frozenset(FUELS)),
            "material_item": ItemParam(frozenset(MATERIALS)),
        },
        required=frozenset({"fuel_item", "material_item"}),
    ),
    "scale": _SCALE,
    "fair_scale": _SCALE,
    "retail": RuleParams(
        values={"method": ("higher", "own", "equal"), "unit": ("kg", "g")}, items={}
    ),
    "credit_code": _NONE,
}
