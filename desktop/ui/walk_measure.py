"""The measurement item of the walk-through: a small table of runs judged live by the
calculator the item names (``desktop.ui.walk_rules``), with the result beside it.

A nozzle has three rows of V_J, V_B, t_J, t_B; a scale a row of load and indication; a fair
scale three indications; a net-content sample one column of up to 125 values, pasted straight
from an Excel column (one value per line). Each row shows its own verdict, and the
:class:`~desktop.ui.result_view.ResultView` shows the limit, the numbers and the basis (an
unverified basis and an indeterminate verdict are shown as such).

The widget emits ``value_changed({"shared": {...}, "rows": [...]})`` with the typed text on
every keystroke; the page judges and saves it (``WalkState.measure``) and calls
:meth:`MeasurementWidget.after_save` to show the stored runs. ``Enter`` moves to the next cell,
and from the last cell to the next item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from checklists.i18n import _
from checklists.rules.labels import label
from checklists.rules.result import Verdict
from desktop.ui import walk_rules
from desktop.ui.result_view import VERDICT_COLOUR, VERDICT_TEXT, ResultView
from desktop.ui.walk_items import ItemWidget

if TYPE_CHECKING:
    from desktop.ui.walk_state import WalkState

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class _Cell(QLineEdit):
    """A cell of the table: ``Enter`` moves on (handled here, not by an event filter)."""

    enter_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in _ENTER and not event.modifiers():
            self.enter_pressed.emit()
            return
        super().keyPressEvent(event)


class _Choice(QComboBox):
    enter_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in _ENTER and not event.modifiers():
            self.enter_pressed.emit()
            return
        super().keyPressEvent(event)


Input = _Cell | _Choice


def _split_column(text: str) -> list[str]:
    """Values pasted from an Excel column (or a row: tabs), one per line."""
    for sep in ("\r\n", "\r", "\t", ";", "；", ",", "，"):
        text = text.replace(sep, "\n")
    return [part.strip() for part in text.split("\n") if part.strip()]


def _make_input(field: walk_rules.Field) -> Input:
    if field.choices:
        combo = _Choice()
        combo.addItem("", "")
        for value, text in field.choices:
            combo.addItem(_(text), value)
        return combo
    line = _Cell()
    line.setMaximumWidth(130)
    return line


def _text(widget: Input) -> str:
    if isinstance(widget, QComboBox):
        return str(widget.currentData() or "")
    return widget.text()


def _set(widget: Input, value: str) -> None:
    if isinstance(widget, QComboBox):
        widget.setCurrentIndex(max(0, widget.findData(value)))
    else:
        widget.setText(value)


class MeasurementWidget(ItemWidget):
    """Rows of runs, judged as they are typed."""

    def build_editor(self) -> QWidget:
        form = walk_rules.form_for(self.item.rule)
        assert form is not None, self.item.rule  # the loader knows only these rules
        self.form = form
        self.shared: dict[str, Input] = {}
        self.cells: list[dict[str, Input]] = []
        self.row_verdicts: list[QLabel] = []
        self.column: QPlainTextEdit | None = None
        self.result = ResultView(label)
        self.result.setObjectName("result")
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color:#b71c1c;")
        box = QWidget()
        inputs = QVBoxLayout(box)
        inputs.setContentsMargins(0, 0, 0, 0)
        if form.shared:
            inputs.addLayout(self._shared_row())
        if form.max_rows > 3:
            inputs.addWidget(self._column_box())
        else:
            inputs.addLayout(self._grid())
        inputs.addWidget(self.problem)
        # The verdict, limit, numbers and basis below the table, scrolled within a fixed
        # height so that the next item stays in reach.
        scroll = QScrollArea()
        scroll.setObjectName("result_scroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.result)
        scroll.setFixedHeight(260)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        inputs.addWidget(scroll)
        return box

    def _shared_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        for field in self.form.shared:
            widget = self._watch(_make_input(field))
            widget.setObjectName(f"shared_{field.key}")
            self.shared[field.key] = widget
            row.addWidget(QLabel(_(field.label)))
            row.addWidget(widget)
        row.addStretch(1)
        return row

    def _grid(self) -> QGridLayout:
        grid = QGridLayout()
        for c, field in enumerate(self.form.columns, 1):
            grid.addWidget(QLabel(_(field.label)), 0, c)
        for r in range(self.form.rows(self.item.runs)):
            grid.addWidget(QLabel(_("第 {n} 次").format(n=r + 1)), r + 1, 0)
            cells: dict[str, Input] = {}
            for c, field in enumerate(self.form.columns, 1):
                widget = self._watch(_make_input(field))
                widget.setObjectName(f"cell_{r}_{field.key}")
                cells[field.key] = widget
                grid.addWidget(widget, r + 1, c)
            verdict = QLabel()
            verdict.setObjectName(f"verdict_{r}")
            self.row_verdicts.append(verdict)
            grid.addWidget(verdict, r + 1, len(self.form.columns) + 1)
            self.cells.append(cells)
        grid.setColumnStretch(len(self.form.columns) + 2, 1)
        return grid

    def _column_box(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        hint = _("{what}：每行一个值，可从 Excel 整列复制粘贴（最多 {n} 个）").format(
            what=_(self.form.columns[0].label), n=self.form.max_rows
        )
        column.addWidget(QLabel(hint))
        self.column = QPlainTextEdit()
        self.column.setObjectName("column")
        self.column.setMaximumHeight(160)
        self.column.setTabChangesFocus(True)
        self.column.textChanged.connect(self._on_input_changed)
        self.count = QLabel()
        column.addWidget(self.column)
        column.addWidget(self.count)
        return box

    def _watch(self, widget: Input) -> Input:
        if isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self._on_input_changed)
        else:
            widget.textChanged.connect(self._on_input_changed)
        widget.enter_pressed.connect(lambda w=widget: self._on_cell_enter(w))
        return widget

    def _order(self) -> list[Input]:
        return [*self.shared.values(), *(w for row in self.cells for w in row.values())]

    def _on_cell_enter(self, cell: QWidget) -> None:
        order: list[QWidget] = list(self._order())
        if cell in order and cell is not order[-1]:
            order[order.index(cell) + 1].setFocus(Qt.FocusReason.TabFocusReason)
        else:
            self.advance.emit()

    def focus_target(self) -> QWidget:
        order = self._order()
        for widget in order:
            if not _text(widget):
                return widget
        return self.column or (order[0] if order else self.editor)

    # values ---------------------------------------------------------------
    def typed(self) -> dict[str, Any]:
        shared = {key: _text(w) for key, w in self.shared.items()}
        if self.column is not None:
            column = self.form.columns[0].key
            values = _split_column(self.column.toPlainText())
            self.count.setText(_("已输入 {n} 个值").format(n=len(values)))
            return {"shared": shared, "rows": [{column: v} for v in values]}
        rows = [{key: _text(w) for key, w in cells.items()} for cells in self.cells]
        return {"shared": shared, "rows": rows}

    def _on_input_changed(self) -> None:
        self.emit_value(self.typed())

    def show_value(self, value: Any, not_applicable: bool) -> None:
        shared, rows = walk_rules.typed_back(self.item.rule, value)
        for key, widget in self.shared.items():
            _set(widget, shared.get(key, ""))
        if self.column is not None:
            column = self.form.columns[0].key
            self.column.setPlainText("\n".join(row.get(column, "") for row in rows))
            self.typed()
            return
        for r, cells in enumerate(self.cells):
            for key, widget in cells.items():
                _set(widget, rows[r].get(key, "") if r < len(rows) else "")

    def after_save(self, state: WalkState) -> None:
        """Show what the store now holds: each row's verdict and the overall result."""
        answer = state.record.answer(self.item.id, self.instance_key)
        value = answer.value if answer else None
        runs = value.get("runs", []) if isinstance(value, dict) else []
        for r, verdict in enumerate(self.row_verdicts):
            run = runs[r] if r < len(runs) and isinstance(runs[r], dict) else {}
            result = run.get("result")
            if isinstance(result, dict) and result.get("verdict") in tuple(Verdict):
                code = Verdict(result["verdict"])
                numbers = result.get("numbers", {}).get("runs") or [{}]
                error = numbers[0].get("error_percent", "") if isinstance(numbers, list) else ""
                shown = f"{error}%  " if error else ""
                verdict.setText(shown + _(VERDICT_TEXT[code]))
                verdict.setStyleSheet(f"color:{VERDICT_COLOUR[code]}; font-weight:bold;")
            else:
                verdict.setText(_("无法计算") if run.get("error") else "")
                verdict.setStyleSheet("color:#6d5d00;")
        self.problem.setText(walk_rules.first_error(value))
        params = state.rule_params(self.item, self.instance_key)
        summary = walk_rules.summary(self.item.rule, value, params, state.policy)
        if summary is not None:
            self.result.show_result(summary)
        elif self.problem.text():
            self.result.show_problem(self.problem.text())
        else:
            self.result.clear(_("输入测量数据后即时判定"))
