"""Every key a calculator puts in a result has a Chinese label for the UI and the reports."""

from __future__ import annotations

from typing import Any

from checklists.rules.credit_code import check_credit_code
from checklists.rules.dispenser import DispenserRun, judge_dispenser
from checklists.rules.labels import RESULT_LABELS, label
from checklists.rules.marking import check_char_height, check_unit_mark
from checklists.rules.net_content import judge_net_content
from checklists.rules.retail import judge_retail
from checklists.rules.scale import judge_fair_scale, judge_scale
from checklists.rules.tables import Policy


def keys(data: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            found |= {key} | keys(value)
    elif isinstance(data, list):
        for value in data:
            found |= keys(value)
    return found


def test_every_result_key_of_every_calculator_has_a_label() -> None:
    runs = [DispenserRun("20.00", "19.93", "24", "24"), DispenserRun("20.00", "19.96", "24", "25")]
    results = [
        judge_dispenser(runs, "petrol", "stainless"),
        judge_scale("5", "2000", "2010"),
        judge_scale("5", "2000", "2010", delta_l="2"),
        judge_fair_scale("5", "2000", ["2000", "2005", "2000"]),
        judge_retail("A", "1.50", "1.492"),
        judge_retail("B", "1.50", "1.492", method="own", test_weight_reading="1.49"),
        judge_net_content("500", "g", "200", ["498"] * 50),
        judge_net_content("500", "g", "8", ["498"] * 8),
        check_unit_mark("1500", "g"),
        check_char_height("500", "g", "3"),
        check_credit_code("91350100M000100Y43"),
        judge_scale("5", "2000", "2010", policy=Policy(judge_unverified=False)),
    ]
    used = set().union(
        *(keys(r.to_json()["limit"]) | keys(r.to_json()["numbers"]) for r in results)
    )
    assert used - set(RESULT_LABELS) == set()


def test_label_translates_known_keys_and_passes_unknown_ones_through() -> None:
    assert label("mpe") == "最大允许误差"
    assert label("no_such_key") == "no_such_key"
