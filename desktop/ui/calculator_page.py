"""计量计算器: every calculator of ``checklists.rules`` on one page, judged live as values are
typed. For the office lab and for a quick check on site outside an inspection record."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from checklists.errors import UserError
from checklists.i18n import N_, _, join
from checklists.rules.credit_code import check_credit_code
from checklists.rules.dispenser import DispenserRun, judge_dispenser
from checklists.rules.labels import label
from checklists.rules.marking import check_char_height
from checklists.rules.net_content import judge_net_content
from checklists.rules.numbers import split_values
from checklists.rules.result import RuleResult
from checklists.rules.retail import judge_retail
from checklists.rules.scale import judge_fair_scale, judge_scale
from desktop.ui.result_view import ResultView

Values = Mapping[str, str]


@dataclass(frozen=True)
class Field:
    """One input: a line edit, or a combo box when ``choices`` (value, label) are given."""

    key: str
    label: str
    placeholder: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    optional: bool = False


@dataclass(frozen=True)
class Calculator:
    key: str
    title: str
    fields: tuple[Field, ...]
    compute: Callable[[Values], RuleResult]


def _dispenser(v: Values) -> RuleResult:
    indicated, volumes = split_values(v["indicated"]), split_values(v["measure_volume"])
    if len(indicated) != len(volumes):
        raise UserError(_("加油机示值与量器示值的次数不同，请逐次成对输入。"))
    runs = [
        DispenserRun(shown, volume, v["t_nozzle"], v["t_measure"])
        for shown, volume in zip(indicated, volumes, strict=True)
    ]
    return judge_dispenser(runs, v["fuel"], v["material"])


def _scale(v: Values) -> RuleResult:
    return judge_scale(
        v["e"],
        v["load"],
        v["indication"],
        mode=v["mode"],
        accuracy_class=v["class"],
        delta_l=v["delta_l"] or None,
    )


def _fair_scale(v: Values) -> RuleResult:
    return judge_fair_scale(
        v["e"], v["load"], split_values(v["indications"]), accuracy_class=v["class"]
    )


def _retail(v: Values) -> RuleResult:
    return judge_retail(
        v["category"],
        v["billed"],
        v["actual"],
        method=v["method"],
        test_weight_reading=v["test_weight_reading"] or None,
    )


def _net_content(v: Values) -> RuleResult:
    return judge_net_content(v["qn"], v["unit"], v["batch_size"], split_values(v["values"]))


def _char_height(v: Values) -> RuleResult:
    return check_char_height(v["qn"], v["unit"], v["height"])


def _credit_code(v: Values) -> RuleResult:
    return check_credit_code(v["code"])


CLASS = Field("class", N_("准确度等级"), choices=(("III", "III"), ("IIII", "IIII")))
NET_UNITS = (
    ("g", "g"),
    ("kg", "kg"),
    ("mL", "mL"),
    ("L", "L"),
    ("mm", "mm"),
    ("cm", "cm"),
    ("m", "m"),
    ("cm2", "cm²"),
    ("dm2", "dm²"),
    ("m2", "m²"),
    ("count", N_("个（计数）")),
)

CALCULATORS: tuple[Calculator, ...] = (
    Calculator(
        "dispenser",
        N_("加油机"),
        (
            Field(
                "indicated", N_("加油机示值 V_J（L）"), N_("每次一个值，逗号分隔，如 20.00, 20.01")
            ),
            Field("measure_volume", N_("量器示值 V_B（L）"), N_("与示值逐次对应，如 19.93, 19.95")),
            Field("t_nozzle", N_("加油机油温 t_J（℃）"), "24"),
            Field("t_measure", N_("量器油温 t_B（℃）"), "24"),
            Field(
                "fuel",
                N_("油品"),
                choices=(("petrol", N_("汽油")), ("diesel", N_("柴油")), ("kerosene", N_("煤油"))),
            ),
            Field(
                "material",
                N_("量器材质"),
                choices=(("stainless", N_("不锈钢")), ("carbon", N_("碳钢"))),
            ),
        ),
        _dispenser,
    ),
    Calculator(
        "scale",
        N_("秤（使用中检查）"),
        (
            Field("e", N_("检定分度值 e"), "5"),
            Field("load", N_("载荷 L（与 e 同单位）"), "2000"),
            Field("indication", N_("示值 I"), "2005"),
            Field("delta_l", N_("附加砝码 ΔL（闪变点法，可空）"), optional=True),
            Field(
                "mode",
                N_("检查类别"),
                choices=(("in-service", N_("使用中检查")), ("verification", N_("检定"))),
            ),
            CLASS,
        ),
        _scale,
    ),
    Calculator(
        "fair_scale",
        N_("公平秤"),
        (
            Field("e", N_("检定分度值 e"), "5"),
            Field("load", N_("标准砝码 L"), "2000"),
            Field("indications", N_("三次示值"), N_("如 2000, 2005, 2000")),
            CLASS,
        ),
        _fair_scale,
    ),
    Calculator(
        "retail",
        N_("零售商品核称"),
        (
            Field(
                "category",
                N_("商品类别"),
                choices=(
                    ("A", N_("A 类：粮食、蔬菜、水果等")),
                    ("B", N_("B 类：肉、蛋、禽、水产、糕点等")),
                    ("C", N_("C 类：干菜、山海产品等")),
                    ("D", N_("D 类：高于 100 元/kg 的食品")),
                    ("gold", N_("金饰品")),
                    ("silver", N_("银饰品")),
                ),
            ),
            Field("billed", N_("结算重量（kg）"), "1.50"),
            Field("actual", N_("核称重量（kg）"), "1.492"),
            Field(
                "method",
                N_("核称方法"),
                choices=(
                    ("higher", N_("高准确度秤核称")),
                    ("own", N_("原计量器具核称")),
                    ("equal", N_("等准确度秤核称")),
                ),
            ),
            Field("test_weight_reading", N_("砝码在原秤上的示值（kg，原秤核称时）"), optional=True),
        ),
        _retail,
    ),
    Calculator(
        "net_content",
        N_("定量包装净含量"),
        (
            Field("qn", N_("标注净含量 Qn"), "500"),
            Field("unit", N_("单位"), choices=NET_UNITS),
            Field("batch_size", N_("批量 N"), "200"),
            Field("values", N_("各单位实际含量"), N_("可从 Excel 整列粘贴")),
        ),
        _net_content,
    ),
    Calculator(
        "char_height",
        N_("净含量标注字符高度"),
        (
            Field("qn", N_("标注净含量 Qn"), "500"),
            Field("unit", N_("单位"), choices=NET_UNITS),
            Field("height", N_("字符高度（mm）"), "4"),
        ),
        _char_height,
    ),
    Calculator(
        "credit_code",
        N_("统一社会信用代码"),
        (Field("code", N_("代码（18 位）"), "91350100M000100Y43"),),
        _credit_code,
    ),
)


class CalculatorForm(QWidget):
    """The inputs of one calculator and its live result."""

    def __init__(self, calculator: Calculator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calculator = calculator
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        form = QFormLayout()
        for field in calculator.fields:
            widget = self._make_input(field)
            widget.setObjectName(field.key)
            self.inputs[field.key] = widget
            form.addRow(_(field.label), widget)
        self.result = ResultView(label)
        inputs = QWidget()
        inputs.setLayout(form)
        inputs.setMinimumWidth(380)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.result)
        layout = QHBoxLayout(self)
        layout.addWidget(inputs, 2)
        layout.addWidget(scroll, 3)
        self.recompute()

    def _make_input(self, field: Field) -> QLineEdit | QComboBox:
        if field.choices:
            combo = QComboBox()
            for value, text in field.choices:
                combo.addItem(_(text), value)
            combo.currentIndexChanged.connect(self.recompute)
            return combo
        edit = QLineEdit()
        edit.setPlaceholderText(_(field.placeholder))
        edit.setClearButtonEnabled(True)
        edit.textChanged.connect(self.recompute)
        return edit

    def values(self) -> dict[str, str]:
        return {
            key: (w.currentData() if isinstance(w, QComboBox) else w.text().strip())
            for key, w in self.inputs.items()
        }

    def recompute(self) -> None:
        values = self.values()
        empty = [f for f in self.calculator.fields if not f.optional and not values[f.key]]
        if empty:
            self.result.clear(_("请输入：{fields}").format(fields=join(_(f.label) for f in empty)))
            return
        try:
            outcome = self.calculator.compute(values)
        except UserError as error:
            self.result.show_problem(str(error))
            return
        self.result.show_result(outcome)


class CalculatorPage(QWidget):
    """Tabs, one per calculator; Ctrl+Tab moves between them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calculator_page")
        self.tabs = QTabWidget()
        self.forms: dict[str, CalculatorForm] = {}
        for calculator in CALCULATORS:
            form = CalculatorForm(calculator)
            self.forms[calculator.key] = form
            self.tabs.addTab(form, _(calculator.title))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
