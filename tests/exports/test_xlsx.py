"""Workbooks: they reload with their values, Chinese sheet names, frozen headers, filters,
numbers as numbers, a chart over literal values, and typed text never becomes a formula."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from desktop.reports import XlsxSelection, export_xlsx, report_input
from desktop.store import Reader
from exports.report_input import FindingLine, MeasurementLine
from exports.xlsx import BatchInspection, XlsxOptions, number_format, write_batch_xlsx


def test_batch_workbook_reloads_with_its_sheets_and_values(report_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "batch.xlsx"
    count = export_xlsx(report_db, XlsxSelection(), out)
    book = load_workbook(out)
    assert book.sheetnames == ["汇总", "检查记录", "不符合项", "测量数据"]
    records = book["检查记录"]
    assert records.max_row == count + 1
    for name in ("检查记录", "不符合项", "测量数据"):
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        assert (
            sheet.auto_filter.ref
            == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
        )
    assert isinstance(records["A2"].value, datetime)
    assert isinstance(records["I2"].value, int)  # 不符合项数
    summary = book["汇总"]
    assert summary["B2"].value == count
    assert len(summary._charts) == 1
    outcome_total = 0
    for row in summary.iter_rows(min_row=5, values_only=True):
        if row[0] is None:
            break
        outcome_total += row[1]
    assert outcome_total == count  # literal counts: the chart needs no recalculation
    values = [c.value for c in book["测量数据"]["K"][1:] if c.value is not None]
    assert values
    assert all(isinstance(v, int | float) for v in values)


def test_filters_choose_the_inspections(report_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "fuel.xlsx"
    where = __import__("desktop.store", fromlist=["InspectionFilter"]).InspectionFilter(
        checklist_id="fuel_station"
    )
    count = export_xlsx(report_db, XlsxSelection(where=where), out)
    sheet = load_workbook(out)["检查记录"]
    assert sheet.max_row == count + 1
    assert {r[5] for r in sheet.iter_rows(min_row=2, values_only=True)} == {"加油站计量专项检查"}


def test_one_inspection(report_db: Path, finding_id: str, tmp_path: Path) -> None:
    out = tmp_path / "one.xlsx"
    export_xlsx(report_db, XlsxSelection(inspection_id=finding_id), out)
    book = load_workbook(out)
    assert book.sheetnames == ["基本信息", "检查记录", "不符合项", "测量数据"]
    assert book["不符合项"].max_row >= 2
    assert book["检查记录"].max_row > 10


def test_typed_text_is_never_a_formula(report_db: Path, finding_id: str, tmp_path: Path) -> None:
    with Reader.open(report_db) as reads:
        data = report_input(reads, finding_id, photos=False)
    evil = FindingLine('=HYPERLINK("http://x","y")', "+1号枪", "-1+2", ("@SUM(A1)",), "", "一般")
    data = replace(data, findings=(evil,))
    out = tmp_path / "evil.xlsx"
    write_batch_xlsx([BatchInspection(data)], XlsxOptions(), out)
    sheet = load_workbook(out)["不符合项"]
    cells = [sheet.cell(2, col) for col in (7, 8, 9, 11)]
    assert [c.value for c in cells] == ["+1号枪", '=HYPERLINK("http://x","y")', "-1+2", "@SUM(A1)"]
    assert all(c.data_type == "s" for c in cells)
    assert all(c.quotePrefix for c in cells)


def test_measured_values_keep_their_decimals() -> None:
    assert number_format(Decimal("0.59")) == "0.00"
    assert number_format(Decimal("-0.005000")) == "0.000000"
    assert number_format(Decimal(20)) == "0"


def test_measurement_numbers_are_numbers(report_db: Path, finding_id: str, tmp_path: Path) -> None:
    with Reader.open(report_db) as reads:
        data = report_input(reads, finding_id, photos=False)
    line = MeasurementLine("示值误差", "1号枪", 1, "fail", "", "", "", value_label="示值误差（%）",
                           value=Decimal("0.59"))  # fmt: skip
    out = tmp_path / "m.xlsx"
    write_batch_xlsx([BatchInspection(replace(data, measurements=(line,)))], XlsxOptions(), out)
    cell = load_workbook(out)["测量数据"]["K2"]
    assert cell.value == 0.59
    assert cell.number_format == "0.00"
