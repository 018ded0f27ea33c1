"""The 计量计算器 page: values typed like a user would, verdicts shown live."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from desktop.ui.calculator_page import CALCULATORS, CalculatorPage

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot: QtBot) -> CalculatorPage:
    widget = CalculatorPage()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def type_into(qtbot: QtBot, page: CalculatorPage, calculator: str, **values: str) -> None:
    form = page.forms[calculator]
    page.tabs.setCurrentWidget(form)
    for key, text in values.items():
        widget = form.inputs[key]
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(widget.findData(text))
        else:
            widget.clear()
            qtbot.keyClicks(widget, text)


def verdict(page: CalculatorPage, calculator: str) -> str:
    return page.forms[calculator].result.verdict_label.text()


def details(page: CalculatorPage, calculator: str) -> str:
    return page.forms[calculator].result.details.text()


def test_reference_dispenser_example_fails_at_plus_0_33_percent(
    qtbot: QtBot, page: CalculatorPage
) -> None:
    type_into(
        qtbot,
        page,
        "dispenser",
        indicated="20.00",
        measure_volume="19.93",
        t_nozzle="24",
        t_measure="24",
        fuel="petrol",
        material="stainless",
    )
    assert verdict(page, "dispenser").startswith("不合格")
    assert "0.33" in details(page, "dispenser")
    assert "JJG 443" in details(page, "dispenser")


def test_verdict_follows_every_keystroke(qtbot: QtBot, page: CalculatorPage) -> None:
    type_into(
        qtbot,
        page,
        "scale",
        e="5",
        load="2000",
        indication="2005",
        mode="in-service",
        **{"class": "III"},
    )
    assert verdict(page, "scale").startswith("合格")
    qtbot.keyClick(page.forms["scale"].inputs["indication"], Qt.Key.Key_Backspace)
    qtbot.keyClicks(page.forms["scale"].inputs["indication"], "9")  # 2009: beyond 1 e = 5
    assert verdict(page, "scale").startswith("不合格")


def test_a_letter_in_a_number_says_what_to_fix(qtbot: QtBot, page: CalculatorPage) -> None:
    type_into(qtbot, page, "retail", category="A", billed="1.5O", actual="1.49", method="higher")
    assert verdict(page, "retail") == "请检查输入"
    assert "Traceback" not in details(page, "retail")
    assert details(page, "retail")


def test_empty_fields_are_named_not_judged(qtbot: QtBot, page: CalculatorPage) -> None:
    type_into(qtbot, page, "credit_code", code="")
    assert verdict(page, "credit_code") == ""
    assert "代码" in details(page, "credit_code")


def test_net_content_sample_pasted_as_an_excel_column(qtbot: QtBot, page: CalculatorPage) -> None:
    form = page.forms["net_content"]
    type_into(qtbot, page, "net_content", qn="500", unit="g", batch_size="30")
    form.inputs["values"].setText("\n".join(["501.2"] * 9 + ["470.0"]))  # paste: 10 units
    assert verdict(page, "net_content").startswith("不合格")  # 30 g short > 2T (2 × 15 g)


@pytest.mark.parametrize("calculator", [c.key for c in CALCULATORS])
def test_every_calculator_judges_its_placeholder_example(
    qtbot: QtBot, page: CalculatorPage, calculator: str
) -> None:
    """The grey examples in the empty fields are valid inputs: typed in, they give a verdict."""
    form = page.forms[calculator]
    examples = {
        f.key: f.placeholder
        for f in form.calculator.fields
        if f.placeholder and not f.choices and not f.optional
    }
    if calculator == "dispenser":
        examples.update(indicated="20.00", measure_volume="19.96")
    if calculator == "fair_scale":
        examples["indications"] = "2000, 2005, 2000"
    if calculator == "net_content":
        examples["values"] = ",".join(["500"] * 50)
    type_into(qtbot, page, calculator, **examples)
    assert verdict(page, calculator).split()[0] in ("合格", "不合格", "不予判定")
