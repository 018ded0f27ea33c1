"""Excel workbooks for the office (openpyxl): one inspection, or a batch by period, checklist,
township or inspecting unit.

A batch workbook has a summary sheet (汇总: counts by checklist, township, unit and outcome,
with a bar chart over literal values, since formulas carry no cached values until Excel
recalculates), then every inspection (检查记录), every finding (不符合项) and every
measurement run (测量数据). It is written in openpyxl's write-only mode and takes an iterable,
so a million measurement rows stream through without being held in memory.

Cells: dates as dates, counts as integers, measured values as numbers keeping the decimals they
were typed with (``0.59`` -> format ``0.00``); text that starts with = + - @ (or a tab or a
carriage return) is written as text with Excel's quote prefix, never as a formula.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from checklists.i18n import _
from exports.report_input import STATUS_TEXT, VERDICT_TEXT, ReportInput

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")


@dataclass(frozen=True)
class XlsxOptions:
    """``chart``: the bar chart on the summary sheet."""

    chart: bool = True


@dataclass(frozen=True)
class BatchInspection:
    """One inspection of a batch: its report input and the codes the summary groups by."""

    data: ReportInput
    township: str = ""
    checklist_id: str = ""
    outcome_code: str = ""
    status_label: str = ""


# ---------------------------------------------------------------------------- cells


def number_format(value: Decimal) -> str:
    """``0.59`` -> ``0.00``; ``20`` -> ``0``: shown with the decimals it was typed with."""
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return "0." + "0" * places if places else "0"


class _Sheet:
    """A write-only sheet with a bold header row, widths, frozen header and a filter."""

    def __init__(self, book: Workbook, title: str, columns: Sequence[tuple[str, float]]) -> None:
        # Any: openpyxl's stubs lack the attributes a write-only sheet gets at run time.
        self.ws: Any = book.create_sheet(title)
        self.rows = 1
        self.width = len(columns)
        for n, (_name, width) in enumerate(columns, 1):
            self.ws.column_dimensions[get_column_letter(n)].width = width
        self.ws.freeze_panes = "A2"
        header = []
        for name, _width in columns:
            cell = WriteOnlyCell(self.ws, name)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            header.append(cell)
        self.ws.append(header)

    def text(self, value: str) -> Any:
        if value.startswith(FORMULA_STARTS):
            cell = WriteOnlyCell(self.ws)
            cell.value = value
            cell.data_type = "s"
            cell.quotePrefix = True
            return cell
        return value

    def number(self, value: Decimal | None) -> Any:
        if value is None:
            return None
        cell = WriteOnlyCell(self.ws, cast(Any, value))  # openpyxl writes a Decimal exactly
        cell.number_format = number_format(value)
        return cell

    def append(self, row: Sequence[Any]) -> None:
        self.ws.append([self.text(v) if isinstance(v, str) else v for v in row])
        self.rows += 1

    def finish(self) -> None:
        last = get_column_letter(self.width)
        self.ws.auto_filter.ref = f"A1:{last}{self.rows}"


def _day(text: str) -> date | str:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return text


def _officers(data: ReportInput) -> str:
    return "、".join(o.name for o in data.officers)


# ---------------------------------------------------------------------------- sheets

_INSPECTION_COLUMNS = (
    ("检查日期", 12), ("被检查单位", 30), ("统一社会信用代码", 21), ("乡镇（街道）", 14),
    ("检查单位", 26), ("检查表", 22), ("状态", 10), ("检查结论", 22), ("不符合项数", 11),
    ("测量次数", 10), ("执法人员", 16), ("文书编号", 22), ("记录编号", 38),
)  # fmt: skip
_FINDING_COLUMNS = (
    ("检查日期", 12), ("被检查单位", 30), ("统一社会信用代码", 21), ("乡镇（街道）", 14),
    ("检查单位", 26), ("检查表", 22), ("器具", 16), ("检查项目", 40), ("情况", 40),
    ("严重程度", 10), ("依据", 50), ("措施", 14), ("记录编号", 38),
)  # fmt: skip
_MEASUREMENT_COLUMNS = (
    ("检查日期", 12), ("被检查单位", 30), ("乡镇（街道）", 14), ("检查单位", 26),
    ("检查表", 22), ("器具", 16), ("测量项目", 30), ("次", 5), ("判定", 9), ("结果量", 18),
    ("结果值", 11), ("限值", 30), ("测量数据", 60), ("依据", 50), ("记录编号", 38),
)  # fmt: skip
_ITEM_COLUMNS = (
    ("部分", 22), ("器具", 16), ("检查项目", 50), ("结果", 22), ("判定", 10), ("说明", 40),
)  # fmt: skip


def _columns(columns: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
    return [(_(name), width) for name, width in columns]


def _inspection_row(sheet: _Sheet, b: BatchInspection) -> list[Any]:
    d = b.data
    return [
        _day(d.inspection_date), d.party.name, d.party.credit_code, b.township or d.party.township,
        d.office.inspecting_unit, d.checklist_title, b.status_label, d.outcome, len(d.findings),
        len(d.measurements), _officers(d), d.seal.document_no if d.seal else "", d.inspection_id,
    ]  # fmt: skip


def _finding_rows(b: BatchInspection) -> Iterable[list[Any]]:
    d = b.data
    for f in d.findings:
        yield [
            _day(d.inspection_date), d.party.name, d.party.credit_code,
            b.township or d.party.township, d.office.inspecting_unit, d.checklist_title,
            f.instance, f.item, f.reason, f.severity, "；".join(f.basis), f.measures,
            d.inspection_id,
        ]  # fmt: skip


def _measurement_rows(sheet: _Sheet, b: BatchInspection) -> Iterable[list[Any]]:
    d = b.data
    day = _day(d.inspection_date)
    township = b.township or d.party.township
    for m in d.measurements:
        yield [
            day, d.party.name, township, d.office.inspecting_unit, d.checklist_title,
            m.instance, m.item, m.run, _(VERDICT_TEXT.get(m.verdict, m.verdict)), m.value_label,
            sheet.number(m.value), m.limit, m.numbers, m.basis, d.inspection_id,
        ]  # fmt: skip


@dataclass
class _Counts:
    checklist: Counter[str]
    township: Counter[str]
    unit: Counter[str]
    outcome: Counter[str]

    @classmethod
    def empty(cls) -> _Counts:
        return cls(Counter(), Counter(), Counter(), Counter())

    def add(self, b: BatchInspection) -> None:
        d = b.data
        self.checklist[d.checklist_title] += 1
        self.township[b.township or d.party.township or _("（未填写）")] += 1
        self.unit[d.office.inspecting_unit or _("（未填写）")] += 1
        self.outcome[d.outcome or _("（未得出）")] += 1


def _summary(ws: Any, counts: _Counts, total: int, options: XlsxOptions) -> None:
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 10

    def bold(text: str) -> Any:
        cell = WriteOnlyCell(ws, text)
        cell.font = HEADER_FONT
        return cell

    ws.append([bold(_("检查记录汇总")), None])
    ws.append([_("检查记录总数"), total])
    row = 3
    outcome_rows = (0, 0)
    groups = (
        (_("按检查结论"), counts.outcome),
        (_("按检查表"), counts.checklist),
        (_("按乡镇（街道）"), counts.township),
        (_("按检查单位"), counts.unit),
    )
    for title, counter in groups:
        ws.append([])
        ws.append([bold(title), bold(_("数量"))])
        row += 2
        first = row + 1
        for name, count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
            ws.append([name, count])
            row += 1
        if counter is counts.outcome:
            outcome_rows = (first, row)
    if options.chart and outcome_rows[1] >= outcome_rows[0]:
        chart = BarChart()
        chart.type = "bar"
        chart.title = _("按检查结论")
        chart.legend = None
        chart.height, chart.width = 7.5, 16
        values = Reference(ws, min_col=2, min_row=outcome_rows[0], max_row=outcome_rows[1])
        labels = Reference(ws, min_col=1, min_row=outcome_rows[0], max_row=outcome_rows[1])
        chart.add_data(values, titles_from_data=False)
        chart.set_categories(labels)
        ws.add_chart(chart, "D2")


def write_batch_xlsx(
    inspections: Iterable[BatchInspection],
    options: XlsxOptions,
    path: Path,
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the batch workbook to ``path``; returns the number of inspections written."""
    book = Workbook(write_only=True)
    summary = book.create_sheet(_("汇总"))
    records = _Sheet(book, _("检查记录"), _columns(_INSPECTION_COLUMNS))
    findings = _Sheet(book, _("不符合项"), _columns(_FINDING_COLUMNS))
    measurements = _Sheet(book, _("测量数据"), _columns(_MEASUREMENT_COLUMNS))
    counts = _Counts.empty()
    total = 0
    try:
        for b in inspections:
            total += 1
            counts.add(b)
            records.append(_inspection_row(records, b))
            for row in _finding_rows(b):
                findings.append(row)
            for row in _measurement_rows(measurements, b):
                measurements.append(row)
            if progress:
                progress(total)
    except BaseException:
        _discard(book)  # cancelled or failed: close the sheets' temporary files now
        raise
    _summary(summary, counts, total, options)
    for sheet in (records, findings, measurements):
        sheet.finish()
    book.save(path)
    return total


def _discard(book: Workbook) -> None:
    for ws in book.worksheets:
        with contextlib.suppress(Exception):
            ws.close()
        writer = getattr(ws, "_writer", None)
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.cleanup()


def _info_rows(d: ReportInput) -> list[tuple[str, Any]]:
    return [
        (_("被检查单位"), d.party.name),
        (_("统一社会信用代码"), d.party.credit_code),
        (_("住所（经营场所）"), d.party.address),
        (_("乡镇（街道）"), d.party.township),
        (_("现场负责人"), d.party.representative),
        (_("联系电话"), d.party.representative_phone),
        (_("检查开始时间"), d.started_at.replace("T", " ")),
        (_("检查结束时间"), d.ended_at.replace("T", " ")),
        (_("检查地点"), d.place),
        (_("执法人员"), "、".join(f"{o.name}（{o.certificate_no}）" for o in d.officers)),
        (_("记录人"), d.recorder),
        (_("检查单位"), d.office.inspecting_unit),
        (_("检查表"), f"{d.checklist_title} {d.checklist_version}"),
        (_("检查结论"), d.outcome),
        (_("未实施检查"), d.not_carried_out),
        (_("文书编号"), d.seal.document_no if d.seal else ""),
        (_("记录编号"), d.inspection_id),
    ]


def write_inspection_xlsx(data: ReportInput, options: XlsxOptions, path: Path) -> None:
    """One inspection: its header (基本信息), items (检查记录), findings and measurements."""
    book = Workbook(write_only=True)
    info = _Sheet(book, _("基本信息"), [(_("项目"), 22), (_("内容"), 60)])
    for name, value in _info_rows(data):
        info.append([name, value])
    items = _Sheet(book, _("检查记录"), _columns(_ITEM_COLUMNS))
    for line in data.items:
        status = _(STATUS_TEXT.get(line.status, line.status))
        items.append([line.section, line.instance, line.text, line.result, status, line.note])
    batch = BatchInspection(data=data)
    findings = _Sheet(book, _("不符合项"), _columns(_FINDING_COLUMNS))
    for row in _finding_rows(batch):
        findings.append(row)
    measurements = _Sheet(book, _("测量数据"), _columns(_MEASUREMENT_COLUMNS))
    for row in _measurement_rows(measurements, batch):
        measurements.append(row)
    for sheet in (info, items, findings, measurements):
        sheet.finish()
    book.save(path)
