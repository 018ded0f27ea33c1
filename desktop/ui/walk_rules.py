"""How a measurement item of a checklist is typed and judged in the walk-through (no Qt).

Each rule of ``checklists.rules`` gets a :class:`RuleForm`: the values typed once for the item
(``shared``: e, Qn, batch size ...), the columns of one row of the table, and whether each row
is a run of its own (a nozzle's three draws, a scale's load and indication, a re-weighing) or
all rows together make one run (a fair scale's three weighings of one weight, the up to 125
units of a net-content sample). Values that are facts of the instrument rather than of a run
(the nozzle's fuel, the measure's material) come from other items through the rule's params
(``checklists.rule_params``) and are passed in as ``params``.

:func:`judge` turns what is typed into the stored answer ``{"runs": [...]}`` (the convention
of ``checklists.record``): each run keeps its typed ``inputs`` exactly, plus the calculator's
``result`` when it could judge them or its ``error`` (plain words) when it refused them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from checklists.errors import UserError
from checklists.i18n import N_, _
from checklists.rules.dispenser import DispenserRun, judge_dispenser
from checklists.rules.marking import check_char_height
from checklists.rules.net_content import judge_net_content
from checklists.rules.result import RuleResult
from checklists.rules.retail import judge_retail
from checklists.rules.scale import judge_fair_scale, judge_scale
from checklists.rules.tables import Policy

Values = Mapping[str, str]
Choices = tuple[tuple[str, str], ...]

NET_UNITS: Choices = (("g", "g"), ("kg", "kg"), ("mL", "mL"), ("L", "L"))
CATEGORIES: Choices = (
    ("A", N_("A 类")),
    ("B", N_("B 类")),
    ("C", N_("C 类")),
    ("D", N_("D 类")),
    ("gold", N_("金饰品")),
    ("silver", N_("银饰品")),
)
METHODS: Choices = (
    ("higher", N_("高准确度秤核称")),
    ("own", N_("原计量器具核称")),
    ("equal", N_("等准确度秤核称")),
)


@dataclass(frozen=True)
class Field:
    """One typed value: a line edit, or a combo box when ``choices`` are given."""

    key: str
    label: str
    choices: Choices = ()
    optional: bool = False


@dataclass(frozen=True)
class RuleForm:
    rule: str
    shared: tuple[Field, ...]
    columns: tuple[Field, ...]
    pooled: str = ""  # the input name of the list all rows make together ("" = a run per row)
    max_rows: int = 0  # 0: the item's ``runs``

    def rows(self, runs: int) -> int:
        return self.max_rows or max(runs, 1)


Judge = Callable[[Values, Mapping[str, str], Policy], RuleResult]


def _dispenser(v: Values, p: Mapping[str, str], policy: Policy) -> RuleResult:
    run = DispenserRun(v["indicated"], v["measure_volume"], v["t_nozzle"], v["t_measure"])
    return judge_dispenser([run], p.get("fuel", ""), p.get("material", ""), policy)


def _scale(v: Values, p: Mapping[str, str], policy: Policy) -> RuleResult:
    return judge_scale(
        v["e"],
        v["load"],
        v["indication"],
        mode=p.get("mode", "in-service"),
        accuracy_class=p.get("accuracy_class", "III"),
        delta_l=v.get("delta_l") or None,
        policy=policy,
    )


def _retail(v: Values, p: Mapping[str, str], policy: Policy) -> RuleResult:
    return judge_retail(
        v["category"],
        v["billed"],
        v["actual"],
        method=p.get("method") or v.get("method") or "higher",
        unit=p.get("unit", "kg"),
        policy=policy,
    )


def _char_height(v: Values, p: Mapping[str, str], policy: Policy) -> RuleResult:
    return check_char_height(v["qn"], v["unit"], v["height_mm"], policy)


def _fair_scale(v: Mapping[str, Any], p: Mapping[str, str], policy: Policy) -> RuleResult:
    return judge_fair_scale(
        v["e"],
        v["load"],
        v["indications"],
        accuracy_class=p.get("accuracy_class", "III"),
        mode=p.get("mode", "in-service"),
        policy=policy,
    )


def _net_content(v: Mapping[str, Any], p: Mapping[str, str], policy: Policy) -> RuleResult:
    return judge_net_content(v["qn"], v["unit"], v["batch_size"], v["values"], policy)


FORMS: dict[str, tuple[RuleForm, Callable[..., RuleResult]]] = {
    "dispenser": (
        RuleForm(
            "dispenser",
            (),
            (
                Field("indicated", N_("加油机示值 V_J（L）")),
                Field("measure_volume", N_("量器示值 V_B（L）")),
                Field("t_nozzle", N_("枪口油温 t_J（℃）")),
                Field("t_measure", N_("量器油温 t_B（℃）")),
            ),
        ),
        _dispenser,
    ),
    "scale": (
        RuleForm(
            "scale",
            (Field("e", N_("检定分度值 e")),),
            (
                Field("load", N_("载荷 L")),
                Field("indication", N_("示值 I")),
                Field("delta_l", N_("附加砝码 ΔL（可空）"), optional=True),
            ),
        ),
        _scale,
    ),
    "retail": (
        RuleForm(
            "retail",
            (Field("method", N_("核称方法"), METHODS),),
            (
                Field("category", N_("商品类别"), CATEGORIES),
                Field("billed", N_("结算重量（kg）")),
                Field("actual", N_("核称重量（kg）")),
            ),
        ),
        _retail,
    ),
    "char_height": (
        RuleForm(
            "char_height",
            (),
            (
                Field("qn", N_("标注净含量 Qn")),
                Field("unit", N_("单位"), NET_UNITS),
                Field("height_mm", N_("字符高度（mm）")),
            ),
        ),
        _char_height,
    ),
    "fair_scale": (
        RuleForm(
            "fair_scale",
            (Field("e", N_("检定分度值 e")), Field("load", N_("标准砝码 L"))),
            (Field("indication", N_("示值 I")),),
            pooled="indications",
            max_rows=3,
        ),
        _fair_scale,
    ),
    "net_content": (
        RuleForm(
            "net_content",
            (
                Field("qn", N_("标注净含量 Qn")),
                Field("unit", N_("单位"), NET_UNITS),
                Field("batch_size", N_("批量 N")),
            ),
            (Field("value", N_("实际含量")),),
            pooled="values",
            max_rows=125,
        ),
        _net_content,
    ),
}


def form_for(rule: str) -> RuleForm | None:
    entry = FORMS.get(rule)
    return entry[0] if entry else None


def _filled(values: Mapping[str, str], fields: Sequence[Field]) -> bool:
    return all(values.get(f.key, "").strip() for f in fields if not f.optional)


def _run(
    inputs: dict[str, Any], compute: Callable[[], RuleResult], index: int = 0
) -> dict[str, Any]:
    try:
        result = compute().to_json()
    except UserError as error:
        return {"inputs": inputs, "error": str(error)}
    if result["rule"] == "dispenser":
        _number_the_run(result, index)
    return {"inputs": inputs, "result": result}


def _number_the_run(result: dict[str, Any], index: int) -> None:
    """A nozzle's run is judged on its own, so the calculator calls it run 1: give it its
    number in the series, in the index and in the explanation the record shows."""
    runs = result["numbers"].get("runs") or []
    if len(runs) != 1:
        return
    runs[0]["index"] = index + 1
    values = {"n": index + 1, "error": runs[0].get("error_percent", "")}
    if result["verdict"] == "fail":
        values["mpe"] = result["limit"].get("mpe_percent", "")
        text = _("第 {n} 次示值误差 {error}%，超出最大允许误差 ±{mpe}%，不合格。")
    elif result["verdict"] == "pass":
        text = _("第 {n} 次示值误差 {error}%，合格。")
    else:
        return
    result["explanation"] = text.format(**values)


def judge(
    rule: str,
    shared: Values,
    rows: Sequence[Values],
    params: Mapping[str, str],
    policy: Policy,
) -> dict[str, Any]:
    """The answer value for what is typed: ``{"runs": [...]}`` (see the module docstring).
    Rows after the last one with any text are dropped; an incomplete row keeps its inputs."""
    form, compute = FORMS[rule]
    last = max(
        (n for n, row in enumerate(rows) if any(v.strip() for v in row.values())), default=-1
    )
    rows = [dict(row) for row in rows[: last + 1]]
    shared_inputs = {f.key: shared.get(f.key, "") for f in form.shared}
    if form.pooled:
        column = form.columns[0].key
        listed = [row.get(column, "").strip() for row in rows]
        listed = [v for v in listed if v]
        inputs: dict[str, Any] = {**shared_inputs, form.pooled: listed}
        if not listed and not any(shared_inputs.values()):
            return {"runs": []}
        if not listed or not _filled(shared, form.shared):
            return {"runs": [{"inputs": inputs}]}
        return {"runs": [_run(inputs, lambda: compute(inputs, params, policy))]}
    runs = []
    for index, row in enumerate(rows):
        values = {**shared_inputs, **{f.key: row.get(f.key, "") for f in form.columns}}
        inputs = {**values, **params}
        if not _filled(values, (*form.shared, *form.columns)):
            runs.append({"inputs": inputs})
            continue
        runs.append(_run(inputs, lambda v=values: compute(v, params, policy), index))  # type: ignore[misc]
    return {"runs": runs}


def typed_back(rule: str, value: Any) -> tuple[dict[str, str], list[dict[str, str]]]:
    """(shared, rows) as they were typed, from a stored answer value."""
    form = form_for(rule)
    runs = value.get("runs") if isinstance(value, dict) else None
    if form is None or not isinstance(runs, list) or not runs:
        return {}, []
    first = runs[0].get("inputs", {}) if isinstance(runs[0], dict) else {}
    shared = {f.key: str(first.get(f.key, "")) for f in form.shared}
    if form.pooled:
        listed = first.get(form.pooled, [])
        column = form.columns[0].key
        return shared, [{column: str(v)} for v in listed if isinstance(listed, list)]
    rows = []
    for run in runs:
        inputs = run.get("inputs", {}) if isinstance(run, dict) else {}
        rows.append({f.key: str(inputs.get(f.key, "")) for f in form.columns})
    return shared, rows


def summary(rule: str, value: Any, params: Mapping[str, str], policy: Policy) -> RuleResult | None:
    """One result to show beside the table: for a nozzle, all complete runs judged together
    (so the repeatability shows); otherwise the last judged run."""
    runs = value.get("runs") if isinstance(value, dict) else None
    if not isinstance(runs, list):
        return None
    judged = [r for r in runs if isinstance(r, dict) and isinstance(r.get("result"), dict)]
    if not judged:
        return None
    if rule == "dispenser":
        draws = [
            DispenserRun(
                r["inputs"]["indicated"],
                r["inputs"]["measure_volume"],
                r["inputs"]["t_nozzle"],
                r["inputs"]["t_measure"],
            )
            for r in judged
        ]
        try:
            return judge_dispenser(
                draws, params.get("fuel", ""), params.get("material", ""), policy
            )
        except UserError:
            return None
    _form, compute = FORMS[rule]
    inputs = judged[-1]["inputs"]
    try:
        return compute(inputs, params, policy)
    except UserError:
        return None


def first_error(value: Any) -> str:
    runs = value.get("runs") if isinstance(value, dict) else None
    for n, run in enumerate(runs or [], 1):
        if isinstance(run, dict) and run.get("error"):
            return _("第 {n} 行：{error}").format(n=n, error=run["error"])
    return ""
