"""Measurement answers for demo data, judged by the real calculators (checklists.rules).

Calling a calculator for each of a million demo answers would take minutes, so a pool of runs is
judged once per demo (inputs drawn from the seed) and demo answers pick from it. Every stored
result is therefore exactly what the calculator says for its stored inputs.

A pooled run is JSON text ``{"inputs": {...}, "result": <RuleResult.to_json()>}``; a measurement
answer is ``{"runs": [run, ...]}`` (checklists.record).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from checklists.errors import UserError
from checklists.rules.dispenser import DispenserRun, judge_dispenser
from checklists.rules.marking import check_char_height
from checklists.rules.net_content import judge_net_content, sampling_plan
from checklists.rules.result import RuleResult, Verdict
from checklists.rules.retail import judge_retail
from checklists.rules.scale import judge_fair_scale, judge_scale
from desktop.store.records import dumps

VARIANTS = 24  # inputs tried per rule


@dataclass
class Pool:
    """Judged runs of one rule, by verdict."""

    passing: list[str] = field(default_factory=list)
    failing: list[str] = field(default_factory=list)

    def pick(self, rng: random.Random, *, fail: bool) -> str | None:
        choices = (self.failing or self.passing) if fail else self.passing
        return rng.choice(choices) if choices else None


def _dec(rng: random.Random, low: float, high: float, places: int) -> str:
    return str(Decimal(str(rng.uniform(low, high))).quantize(Decimal(1).scaleb(-places)))


def _dispenser(rng: random.Random) -> tuple[dict[str, Any], RuleResult]:
    fuel = rng.choice(["petrol", "petrol", "diesel"])
    temp = rng.randint(-5, 28)
    inputs = {
        "indicated": "20.00",
        "measure_volume": _dec(rng, 19.90, 20.07, 2),
        "t_nozzle": str(temp),
        "t_measure": str(temp + rng.choice([0, 0, 1, -1, 2])),
        "fuel": fuel,
        "material": "stainless",
    }
    run = DispenserRun(
        indicated=inputs["indicated"],
        measure_volume=inputs["measure_volume"],
        t_nozzle=inputs["t_nozzle"],
        t_measure=inputs["t_measure"],
    )
    return inputs, judge_dispenser([run], fuel, "stainless")


def _scale(rng: random.Random) -> tuple[dict[str, Any], RuleResult]:
    load = rng.choice(["500", "1000", "2000", "5000"])
    inputs = {"e": "5", "load": load, "indication": str(int(load) + rng.choice([0, 0, 5, -5, 15]))}
    return inputs, judge_scale(inputs["e"], inputs["load"], inputs["indication"])


def _fair_scale(rng: random.Random) -> tuple[dict[str, Any], RuleResult]:
    readings = [str(2000 + rng.choice([0, 0, 0, 0, 5, -5, 10])) for _ in range(3)]
    inputs = {"e": "5", "load": "2000", "indications": readings}
    return inputs, judge_fair_scale("5", "2000", readings)


def _retail(rng: random.Random) -> tuple[dict[str, Any], RuleResult]:
    billed = _dec(rng, 0.4, 3.0, 2)
    actual = str(Decimal(billed) - Decimal(rng.choice(["0", "0.002", "0.004", "0.010", "0.030"])))
    inputs = {"category": rng.choice("ABCD"), "billed": billed, "actual": actual, "unit": "kg"}
    return inputs, judge_retail(inputs["category"], billed, actual)


def _char_height(rng: random.Random) -> tuple[dict[str, Any], RuleResult]:
    qn, unit = rng.choice([("500", "g"), ("5", "kg"), ("250", "mL"), ("80", "g")])
    inputs = {"qn": qn, "unit": unit, "height_mm": rng.choice(["2.5", "3", "4", "4.5", "6", "6.5"])}
    return inputs, check_char_height(qn, unit, inputs["height_mm"])


def _net_content(rng: random.Random) -> tuple[dict[str, Any], RuleResult]:
    batch = rng.choice([100, 200, 500])
    n = sampling_plan(str(batch)).sample_size
    short = rng.choice([0.0, 0.0, 0.3, 2.0])
    values = [_dec(rng, 499.0 - short, 503.0 - short, 1) for _ in range(n)]
    inputs = {"qn": "500", "unit": "g", "batch_size": str(batch), "values": values}
    return inputs, judge_net_content("500", "g", str(batch), values)


MAKERS: dict[str, Callable[[random.Random], tuple[dict[str, Any], RuleResult]]] = {
    "dispenser": _dispenser,
    "scale": _scale,
    "fair_scale": _fair_scale,
    "retail": _retail,
    "char_height": _char_height,
    "net_content": _net_content,
}


def build_pools(rng: random.Random) -> dict[str, Pool]:
    """Judged runs for every rule the demo knows; a rule whose calculator refuses the drawn
    inputs simply gets fewer variants."""
    pools: dict[str, Pool] = {}
    for rule, make in MAKERS.items():
        pool = pools.setdefault(rule, Pool())
        for _ in range(VARIANTS):
            try:
                inputs, result = make(rng)
            except UserError:
                continue
            text = dumps({"inputs": inputs, "result": result.to_json()})
            (pool.failing if result.verdict is Verdict.FAIL else pool.passing).append(text)
    return pools


def measurement_value(pool: Pool, runs: int, rng: random.Random, *, fail: bool) -> str | None:
    """JSON text of a measurement answer with ``runs`` runs (one failing run if ``fail``)."""
    picked = [pool.pick(rng, fail=fail and i == 0) for i in range(runs)]
    if any(run is None for run in picked):
        return None
    return '{"runs":[' + ",".join(run for run in picked if run) + "]}"
