"""``liangheng list inspections --db PATH [--json]``: the inspections in a database, newest first.

JSON: an array of objects (id, date, subject, credit_code, checklist_id, checklist_version,
township, status, outcome, inspectors, ...), streamed so that 100,000 rows need little memory.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from checklists.i18n import _

if TYPE_CHECKING:
    from desktop.store import InspectionRow


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = sub.add_parser("list", help=_("列出数据库中的记录"))
    what = parser.add_subparsers(dest="what", metavar=_("对象"), required=True)
    inspections = what.add_parser("inspections", help=_("列出检查记录（最新的在前）"))
    inspections.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    inspections.add_argument("--limit", type=int, metavar="N", help=_("最多列出 N 条"))
    # --db after "list inspections" too (the top-level parser adds it to "list" only)
    inspections.add_argument("--db", type=Path, metavar="PATH", default=argparse.SUPPRESS)
    inspections.set_defaults(run=run)
    return parser


def _rows(args: argparse.Namespace) -> Iterator[InspectionRow]:
    from desktop import paths
    from desktop.store import Reader, Store

    path = Path(args.db) if args.db else paths.default_db()
    Store.open(path, create=False).close()  # brings an older schema up to date, creates nothing
    reader = Reader.open(path)
    try:
        rows = reader.iter_inspections()
        for number, row in enumerate(rows):
            if args.limit is not None and number >= args.limit:
                break
            yield row
    finally:
        reader.close()


def _line(row: InspectionRow) -> str:
    return "  ".join(
        [
            row.inspection_date,
            row.status.label,
            row.checklist_id,
            row.township or "-",
            row.subject_name,
            row.outcome or "-",
            "、".join(row.inspectors) or "-",
        ]
    )


def _json(row: InspectionRow) -> str:
    return json.dumps(row.to_json(), ensure_ascii=False)


def run(args: argparse.Namespace) -> int:
    rows = _rows(args)
    first = next(rows, None)  # an error in opening surfaces before any output
    out = sys.stdout
    if not args.json:
        for row in [first] if first else []:
            out.write(_line(row) + "\n")
        for row in rows:
            out.write(_line(row) + "\n")
        return 0
    if first is None:
        out.write("[]\n")
        return 0
    out.write("[\n" + _json(first))
    for row in rows:
        out.write(",\n" + _json(row))
    out.write("\n]\n")
    return 0
