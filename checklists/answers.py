"""One answer and its judgement against its item (used by :mod:`checklists.record`).

Answer values are plain JSON data (see the table in :mod:`checklists.record`). Judging never runs
a calculator: a measurement's verdict, basis and explanation are read from the rule results
stored with its runs, so an old record keeps the judgement made at the time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from checklists.basis import Basis
from checklists.errors import InputError
from checklists.i18n import _
from checklists.rules.result import Verdict
from checklists.schema import NO, YES, Item, ItemKind


@dataclass
class Answer:
    """One answer; every answer may carry a note and photos as evidence."""

    value: Any = None
    not_applicable: bool = False
    note: str = ""
    photos: list[str] = field(default_factory=list)


class Status(StrEnum):
    """The state of one answer against its item."""

    MISSING = "missing"
    INVALID = "invalid"
    NOT_APPLICABLE = "na"
    PASS = "pass"  # noqa: S105 - a status, not a password
    FAIL = "fail"
    INDETERMINATE = "indeterminate"


@dataclass(frozen=True)
class Evaluation:
    status: Status
    reason: str = ""
    basis: tuple[Basis, ...] = ()  # from the rule results of a measurement


def check_shape(item: Item, value: Any) -> None:
    """Refuse a value of the wrong shape for its item (InputError); a well-shaped but
    unacceptable value, such as "1,5" for a number, is kept and judged invalid instead."""
    kind = item.kind
    if kind is ItemKind.YES_NO and value not in (YES, NO):
        raise InputError(_("是否题的答案应为“yes”或“no”"))
    if kind is ItemKind.CHOICE and item.option(value) is None:
        raise InputError(_("“{value}”不是本题的选项").format(value=value))
    if kind in (ItemKind.NUMBER, ItemKind.TEXT, ItemKind.DATE) and not isinstance(value, str):
        raise InputError(_("答案应为文字（数值也按输入的文字保存）"))
    if kind is ItemKind.PHOTO and not (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    ):
        raise InputError(_("照片答案应为照片编号的列表"))
    if kind is ItemKind.MEASUREMENT and not (
        isinstance(value, dict) and isinstance(value.get("runs"), list)
    ):
        raise InputError(_('测量答案应为 {"runs": [...]}'))


def evaluate(item: Item, answer: Answer | None) -> Evaluation:
    """Judge one answer against its item."""
    if answer is None:
        return Evaluation(Status.MISSING)
    if answer.not_applicable:
        if item.allow_na:
            return Evaluation(Status.NOT_APPLICABLE)
        return Evaluation(Status.INVALID, _("该项不能选“不适用”"))
    value = answer.value
    if value is None or value == "" or value == []:
        return Evaluation(Status.MISSING)
    judge = _JUDGES.get(item.kind, _judge_present)
    return judge(item, value)


def _judge_present(item: Item, value: Any) -> Evaluation:
    if not isinstance(value, str | list):
        return Evaluation(Status.INVALID, _("答案格式不正确"))
    return Evaluation(Status.PASS)


def _judge_yes_no(item: Item, value: Any) -> Evaluation:
    if value not in (YES, NO):
        return Evaluation(Status.INVALID, _("答案应为“是”或“否”"))
    if value == item.fail_on:
        answer = _("是") if value == YES else _("否")
        return Evaluation(Status.FAIL, _("回答为“{answer}”").format(answer=answer))
    return Evaluation(Status.PASS)


def _judge_number(item: Item, value: Any) -> Evaluation:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return Evaluation(Status.INVALID, _("“{value}”不是数值").format(value=value))
    if not number.is_finite():
        return Evaluation(Status.INVALID, _("“{value}”不是数值").format(value=value))
    if item.integer and number != number.to_integral_value():
        return Evaluation(Status.INVALID, _("应为整数"))
    low, high = item.minimum, item.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        bounds = f"{'' if low is None else low}～{'' if high is None else high}{item.unit}"
        return Evaluation(
            Status.FAIL,
            _("{value}{unit} 超出允许范围 {bounds}").format(
                value=value, unit=item.unit, bounds=bounds
            ),
        )
    return Evaluation(Status.PASS)


def _judge_choice(item: Item, value: Any) -> Evaluation:
    option = item.option(value) if isinstance(value, str) else None
    if option is None:
        return Evaluation(Status.INVALID, _("“{value}”不是本题的选项").format(value=value))
    if option.fails:
        return Evaluation(Status.FAIL, option.text)
    return Evaluation(Status.PASS)


def _judge_date(item: Item, value: Any) -> Evaluation:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return Evaluation(Status.INVALID, _("“{value}”不是日期（年-月-日）").format(value=value))
    return Evaluation(Status.PASS)


def _basis_from(data: Any) -> tuple[Basis, ...]:
    known = {f.name for f in fields(Basis)}
    if not isinstance(data, list):
        return ()
    return tuple(
        Basis(**{k: v for k, v in entry.items() if k in known})
        for entry in data
        if isinstance(entry, dict) and isinstance(entry.get("document"), str)
    )


def _judged_results(value: Any) -> list[dict[str, Any]] | None:
    """The stored rule results that carry a verdict; None if not measurement-shaped."""
    runs = value.get("runs") if isinstance(value, dict) else None
    if not isinstance(runs, list):
        return None
    results = [run.get("result") for run in runs if isinstance(run, dict)]
    verdicts = {v.value for v in Verdict}
    return [r for r in results if isinstance(r, dict) and r.get("verdict") in verdicts]


def completed_runs(answer: Answer | None) -> int:
    """How many runs of a measurement answer have a verdict."""
    results = _judged_results(answer.value) if answer is not None else None
    return len(results or [])


def _judge_measurement(item: Item, value: Any) -> Evaluation:
    results = _judged_results(value)
    if results is None:
        return Evaluation(Status.INVALID, _("测量答案格式不正确"))
    # A failing run is a non-conformity as soon as it is measured, even before the planned
    # runs are all done (an inspector may stop drawing fuel from a nozzle 1 % out); readiness
    # warns that the series is short.
    failing = [r for r in results if r["verdict"] == Verdict.FAIL]
    if failing:
        reasons = [str(r.get("explanation") or "") for r in failing]
        reason = "；".join(r for r in reasons if r) or _("测量结果不合格")
        basis = tuple(b for r in failing for b in _basis_from(r.get("basis")))
        return Evaluation(Status.FAIL, reason, basis)
    verdicts = [Verdict(r["verdict"]) for r in results]
    if len(verdicts) < item.runs:
        return Evaluation(
            Status.MISSING,
            _("已完成 {done}/{runs} 次测量").format(done=len(verdicts), runs=item.runs),
        )
    if Verdict.INDETERMINATE in verdicts:
        return Evaluation(Status.INDETERMINATE, _("测量结果无法判定"))
    return Evaluation(Status.PASS)


_JUDGES: dict[ItemKind, Callable[[Item, Any], Evaluation]] = {
    ItemKind.YES_NO: _judge_yes_no,
    ItemKind.NUMBER: _judge_number,
    ItemKind.CHOICE: _judge_choice,
    ItemKind.DATE: _judge_date,
    ItemKind.MEASUREMENT: _judge_measurement,
}
