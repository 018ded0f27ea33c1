"""``liangheng export pdf|xlsx``: the printed record and the office's workbooks.

``export pdf --inspection ID -o FILE.pdf`` writes the 现场笔录; when something failed the
责令改正通知书 follows as the next pages of the same file (numbered on its own), so that one
file is printed, handed over and kept. ``--no-notice`` leaves it out. A sealed record gives
the evidence copy stored at finalize.

``export xlsx [--inspection ID | --from DATE --to DATE] [--checklist ID] [--township NAME]
[--unit NAME] -o FILE.xlsx`` writes one inspection, or a batch with its summary.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from checklists.i18n import _
from desktop.commands import CommandError


def _date(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("“{text}”不是日期（年-月-日，例如 2026-01-31）").format(text=text)
        ) from None


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = sub.add_parser("export", help=_("导出 PDF 现场笔录或 Excel 汇总"))
    what = parser.add_subparsers(dest="format", metavar=_("格式"), required=True)
    pdf = what.add_parser("pdf", help=_("一次检查的现场笔录（有问题时附责令改正通知书）"))
    pdf.add_argument("--inspection", required=True, metavar="ID", help=_("检查记录编号"))
    pdf.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.pdf")
    pdf.add_argument("--no-notice", action="store_true", help=_("不附责令改正通知书"))
    pdf.add_argument("--no-photos", action="store_true", help=_("不印照片缩略图"))
    pdf.add_argument("--db", type=Path, metavar="PATH", default=argparse.SUPPRESS)
    pdf.set_defaults(run=run_pdf)
    xlsx = what.add_parser("xlsx", help=_("Excel：一次检查，或按期间、检查表、乡镇汇总"))
    xlsx.add_argument("--inspection", metavar="ID", help=_("只导出这一次检查"))
    xlsx.add_argument("--from", dest="date_from", type=_date, metavar="DATE", help=_("起始日期"))
    xlsx.add_argument("--to", dest="date_to", type=_date, metavar="DATE", help=_("截止日期"))
    xlsx.add_argument("--checklist", metavar="ID", help=_("检查表编号，例如 fuel_station"))
    xlsx.add_argument("--township", metavar="NAME", help=_("乡镇（街道）"))
    xlsx.add_argument("--unit", metavar="NAME", help=_("检查单位"))
    xlsx.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.xlsx")
    xlsx.add_argument("--db", type=Path, metavar="PATH", default=argparse.SUPPRESS)
    xlsx.set_defaults(run=run_xlsx)
    return parser


def _db(args: argparse.Namespace) -> Path:
    from desktop import paths
    from desktop.store import Store

    path = Path(args.db) if getattr(args, "db", None) else paths.default_db()
    Store.open(path, create=False).close()  # brings an older schema up to date, creates nothing
    return path


def run_pdf(args: argparse.Namespace) -> int:
    from desktop.reports import export_pdf
    from desktop.store import Reader
    from exports.pdf import PdfOptions

    path = _db(args)
    options = PdfOptions(notice=not args.no_notice, photos=not args.no_photos)
    with Reader.open(path) as reads:
        result = export_pdf(reads, args.inspection, args.output, options)
    message = _("已导出：{path}").format(path=result.path)
    if result.notice:
        message += _("（含责令改正通知书）")
    if result.evidence_copy:
        message += _("（定稿时保存的证据副本）")
    print(message)
    return 0


def run_xlsx(args: argparse.Namespace) -> int:
    from desktop.reports import XlsxSelection, export_xlsx
    from desktop.store import InspectionFilter

    if args.inspection and (args.date_from or args.date_to or args.checklist or args.township):
        raise CommandError(_("--inspection 不能与 --from/--to/--checklist/--township 同用。"), 2)
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise CommandError(_("起始日期晚于截止日期。"), 2)
    path = _db(args)
    where = InspectionFilter(
        date_from=args.date_from,
        date_to=args.date_to,
        checklist_id=args.checklist,
        township=args.township,
    )
    selection = XlsxSelection(inspection_id=args.inspection, where=where, unit=args.unit)

    def progress(done: int, total: int) -> None:
        if total >= 2000 and (done % 1000 == 0 or done == total):
            print(
                _("已处理 {done}/{total} 条检查记录").format(done=done, total=total),
                file=sys.stderr,
            )

    count = export_xlsx(path, selection, args.output, progress=progress)
    print(_("已导出 {n} 条检查记录：{path}").format(n=count, path=args.output))
    return 0
