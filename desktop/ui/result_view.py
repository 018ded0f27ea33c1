"""Shows a calculator's RuleResult: the verdict, the limit and numbers it used, its basis (an
unverified one marked as such) and its warnings. Used by the calculator page and, later, beside
every measurement item of the walk-through."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from checklists.i18n import N_, _, join
from checklists.rules.labels import value_label
from checklists.rules.result import RuleResult, Verdict

VERDICT_TEXT = {
    Verdict.PASS: N_("合格"),
    Verdict.FAIL: N_("不合格"),
    Verdict.INDETERMINATE: N_("不予判定"),
}
VERDICT_COLOUR = {
    Verdict.PASS: "#1b6e20",
    Verdict.FAIL: "#b71c1c",
    Verdict.INDETERMINATE: "#6d5d00",
}

Labeller = Callable[[str], str]


def _rows(values: Mapping[str, Any], label: Labeller) -> str:
    """Scalars as label/value rows; lists of scalars joined; lists of records (per run, per
    unit) as tables after the rows."""
    cells, tables = [], []
    for key, value in values.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables.append(f"<p>{escape(label(key))}</p>" + _records(value, label))
            continue
        if isinstance(value, list):
            value = join(str(v) for v in value)
        elif isinstance(value, dict):
            continue
        cells.append(f"<tr><td>{escape(label(key))}</td><td><b>{escape(str(value))}</b></td></tr>")
    return "<table cellspacing='0' cellpadding='2'>" + "".join(cells) + "</table>" + "".join(tables)


def _heading(text: str) -> str:
    return f"<h4>{escape(_(text))}</h4>"


def _cell(key: str, value: Any) -> str:
    if key.endswith("verdict") and value in tuple(Verdict):
        return _(VERDICT_TEXT[Verdict(value)])
    if key == "shortage_class":
        return value_label(str(value))
    return str(value)


def _records(records: list[dict[str, Any]], label: Labeller) -> str:
    keys = list(records[0])
    head = "".join(f"<th>{escape(label(k))}</th>" for k in keys)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(_cell(k, r.get(k, '')))}</td>" for k in keys) + "</tr>"
        for r in records
    )
    return f"<table border='1' cellspacing='0' cellpadding='3'><tr>{head}</tr>{body}</table>"


class ResultView(QWidget):
    """Read-only, selectable text so an inspector can copy a figure into a note."""

    def __init__(self, label: Labeller | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._label = label or (lambda key: key)
        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("verdict")
        self.verdict_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.details = QLabel()
        self.details.setObjectName("details")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.verdict_label)
        layout.addWidget(self.details, 1)
        self.clear()

    def clear(self, message: str = "") -> None:
        self.verdict_label.setText("")
        self.verdict_label.setStyleSheet("")
        self.details.setText(escape(message))

    def show_problem(self, message: str) -> None:
        """An input the calculator cannot judge: say what to fix instead of a verdict."""
        self.verdict_label.setText(_("请检查输入"))
        self.verdict_label.setStyleSheet("font-size: 16pt; font-weight: bold; color: #6d5d00;")
        self.details.setText(escape(message))

    def show_result(self, result: RuleResult) -> None:
        colour = VERDICT_COLOUR[result.verdict]
        text = _(VERDICT_TEXT[result.verdict])
        if not result.verified:
            text += "  " + _("（依据未经核实）")
        self.verdict_label.setText(text)
        self.verdict_label.setStyleSheet(f"font-size: 18pt; font-weight: bold; color: {colour};")
        self.details.setText(self.to_html(result))

    def to_html(self, result: RuleResult) -> str:
        data = result.to_json()
        parts = [f"<p>{escape(result.explanation)}</p>"] if result.explanation else []
        if data["limit"]:
            parts += [_heading(N_("限值")), _rows(data["limit"], self._label)]
        if data["numbers"]:
            parts += [_heading(N_("数据")), _rows(data["numbers"], self._label)]
        if result.warnings:
            items = "".join(f"<li>{escape(w)}</li>" for w in result.warnings)
            parts += [_heading(N_("提示")), f"<ul style='color:#6d5d00'>{items}</ul>"]
        if result.basis:
            lines = []
            unverified = escape(_("未核实"))
            for basis in result.basis:
                flag = (
                    "" if basis.verified else f" <span style='color:#b71c1c'>[{unverified}]</span>"
                )
                note = f"<br/><small>{escape(basis.note)}</small>" if basis.note else ""
                lines.append(f"<li>{escape(basis.cite())}{flag}{note}</li>")
            parts += [_heading(N_("依据")), f"<ul>{''.join(lines)}</ul>"]
        return "".join(parts)
