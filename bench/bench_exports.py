"""Benchmarks of the report writers (not part of the test run).

    .venv/bin/python bench/bench_exports.py [--rows 1000000] [--store 10000]

1. PDF of a 60-item inspection with 4 photos (4000x3000 JPEG), warm (fonts registered):
   target under 0.5 s.
2. Batch workbook of 10,000 inspections beside bare openpyxl (write-only, plain values)
   writing the same cells in the same run: target within 1.5x.
3. Whether 1,000,000 measurement rows export (time, peak memory, file size).
4. Optional (--store N): the same batch end to end from a demo database of N inspections.
"""

from __future__ import annotations

import argparse
import io
import resource
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from PIL import Image, ImageDraw

from exports.pdf import PdfOptions, record_pdf_bytes
from exports.report_input import (
    FindingLine,
    ItemLine,
    MeasurementLine,
    Office,
    Officer,
    Party,
    Photo,
    ReportInput,
    Seal,
)
from exports.xlsx import (
    BatchInspection,
    XlsxOptions,
    _finding_rows,
    _inspection_row,
    _measurement_rows,
    write_batch_xlsx,
)

BASIS = "JJG 443《燃油加油机检定规程（试行）》（2023） 计量性能要求：最大允许误差"


def _photo(k: int) -> Photo:
    image = Image.new("RGB", (4000, 3000), (80 + 30 * k, 120, 150))
    draw = ImageDraw.Draw(image)
    draw.rectangle([800, 600, 3200, 2400], fill=(230, 200, 80))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return Photo(f"{k + 1}号加油机铅封", f"IMG_{k}.jpg", "ab" * 32, out.getvalue(), "image/jpeg")


def sample(photos: int = 4, items: int = 60, runs: int = 6, n: int = 0) -> ReportInput:
    lines = tuple(
        ItemLine(
            f"第{i // 15 + 1}部分",
            f"{i // 15 + 1}号加油机" if i >= 15 else "",
            f"检查项目 {i + 1}：计量器具经检定合格并在有效期内",
            "是",
            "pass",
            "",
        )
        for i in range(items)
    )
    measurements = tuple(
        MeasurementLine(
            "三次测量的示值误差均不超过 ±0.30%",
            f"{r % 4 + 1}号加油机 / {r + 1}号枪",
            1 + r % 3,
            "pass" if r % 5 else "fail",
            "最大允许误差（%）：0.30",
            "加油机示值 V_J（L） 20.00，量器示值 V_B（L） 19.95，示值误差（%） 0.25",
            BASIS,
            "",
            "示值误差（%）",
            Decimal("0.25") + r,
        )
        for r in range(runs)
    )
    findings = (
        (
            FindingLine(
                "流量计调整装置处铅封完好", "1号加油机", "回答为“否”", (BASIS,), "责令改正", "一般"
            ),
        )
        if n % 3 == 0
        else ()
    )
    return ReportInput(
        inspection_id=f"0193f6e2-d0c0-7fb4-ad7e-{n:012d}",
        office=Office("清原满族自治县市场监督管理局", "清原满族自治县市场监督管理局"),
        party=Party(
            "红透山鑫源加油站",
            "91210423MAWUTE9D2F",
            "辽宁省抚顺市清原满族自治县红透山镇",
            "红透山镇",
            "段磊",
            "负责人",
            "19072505428",
        ),
        checklist_title="加油站计量专项检查",
        checklist_version="2026.1",
        inspection_date=f"2026-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
        started_at="2026-11-27T09:30",
        ended_at="2026-11-27T11:05",
        place="辽宁省抚顺市清原满族自治县红透山镇",
        officers=(Officer("邹敏", "210115821"), Officer("冯永刚", "210182201")),
        recorder="冯永刚",
        credentials_shown=True,
        items=lines,
        measurements=measurements,
        photos=tuple(_photo(k) for k in range(photos)),
        findings=findings,
        outcome="发现问题已责令改正" if findings else "未发现问题",
        seal=Seal(
            "清原市监现〔2026〕0012号",
            "清原市监责改〔2026〕0012号",
            "ab" * 32,
            "2026-11-27T11:10",
            (),
            "2026-12-11",
        ),
    )


def bench_pdf() -> None:
    data = sample()
    record_pdf_bytes(data, PdfOptions())  # cold: fonts registered, caches warm
    times = []
    for _ in range(5):
        start = time.perf_counter()
        pdf = record_pdf_bytes(data, PdfOptions())
        times.append(time.perf_counter() - start)
    times.sort()
    print(
        f"PDF 60 items + 4 photos: median {times[2]:.3f} s, best {times[0]:.3f} s, "
        f"{len(pdf) / 1024:.0f} KiB (target < 0.5 s warm)"
    )


def batch(count: int, runs: int) -> Iterator[BatchInspection]:
    base = sample(photos=0, runs=runs)
    for n in range(count):
        data = replace(
            base,
            inspection_id=f"id-{n:08d}",
            inspection_date=f"2026-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
            findings=base.findings if n % 3 == 0 else (),
        )
        yield BatchInspection(data, f"镇{n % 17}", "fuel_station", "", "草稿")


class _Plain:
    """Stands in for a sheet: numbers as they are, no number format."""

    def number(self, value: Decimal | None) -> Decimal | None:
        return value


def bare(items: list[BatchInspection], path: Path) -> None:
    """The same cells with plain openpyxl: write-only, values only, no styles, no guard."""
    book = Workbook(write_only=True)
    book.create_sheet("汇总")
    sheets = [book.create_sheet(n) for n in ("检查记录", "不符合项", "测量数据")]
    helper: Any = _Plain()
    for b in items:
        sheets[0].append(_inspection_row(helper, b))
        for row in _finding_rows(b):
            sheets[1].append(row)
        for row in _measurement_rows(helper, b):
            sheets[2].append(row)
    book.save(path)


def bench_batch(folder: Path, count: int = 10_000) -> None:
    items = list(batch(count, runs=6))
    start = time.perf_counter()
    bare(items, folder / "bare.xlsx")
    t_bare = time.perf_counter() - start
    start = time.perf_counter()
    write_batch_xlsx(items, XlsxOptions(), folder / "ours.xlsx")
    t_ours = time.perf_counter() - start
    print(
        f"Batch of {count} inspections ({count * 6} measurement rows): ours {t_ours:.2f} s, "
        f"bare openpyxl {t_bare:.2f} s, ratio {t_ours / t_bare:.2f}x (target <= 1.5x)"
    )


def bench_million(folder: Path, rows: int) -> None:
    per = 10
    start = time.perf_counter()
    path = folder / "million.xlsx"
    count = write_batch_xlsx(batch(rows // per, runs=per), XlsxOptions(), path)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{count * per:,} measurement rows ({count:,} inspections): {elapsed:.1f} s, "
        f"{path.stat().st_size / 2**20:.0f} MiB file, peak RSS {peak:.0f} MiB "
        f"(Excel's sheet limit is 1,048,576 rows)"
    )


def bench_store(folder: Path, count: int) -> None:
    from desktop.reports import XlsxSelection, export_xlsx
    from desktop.store.demo import DemoOptions, make_demo

    db = folder / "demo.sqlite3"
    make_demo(db, DemoOptions(inspections=count, seed=1, end_date=date(2026, 11, 27)))
    start = time.perf_counter()
    written = export_xlsx(db, XlsxSelection(), folder / "store.xlsx")
    print(
        f"From the store: {written} inspections in {time.perf_counter() - start:.1f} s "
        f"(loading and judging every record included)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--store", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench_pdf()
        bench_batch(folder)
        if args.store:
            bench_store(folder, args.store)
        if args.rows:
            bench_million(folder, args.rows)


if __name__ == "__main__":
    main()
