"""``liangheng checklist check FILE`` and ``liangheng checklist list [--json]``.

``check`` validates a definition an office prepares before it places it in the overrides
folder: a short summary and exit 0, or the error (file, place in the file, what is wrong) on
stderr and exit 1. ``list`` shows the shipped checklists and the office's overrides; a malformed
override is reported on stderr and skipped (exit 1), never a crash. Nothing here imports Qt.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from checklists.i18n import _

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(sub: Subparsers) -> argparse.ArgumentParser:
    parser = sub.add_parser("checklist", help=_("检查表定义：校验、列出"))
    actions = parser.add_subparsers(dest="checklist_action", metavar=_("操作"), required=True)
    check = actions.add_parser(
        "check",
        help=_("校验检查表定义文件；有错误时说明位置并以 1 退出"),
        description=_("校验检查表定义文件（TOML）；有错误时说明文件、位置和问题，并以 1 退出。"),
    )
    check.add_argument("file", type=Path, metavar=_("文件"))
    check.set_defaults(run=run_check)
    listing = actions.add_parser("list", help=_("列出随附的和本局更新的检查表"))
    listing.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    listing.set_defaults(run=run_list)
    return parser


def run_check(args: argparse.Namespace) -> int:
    from checklists.loader import load_checklist

    checklist = load_checklist(args.file)  # DefinitionError: the CLI prints it, exit 1
    items = sum(1 for _item in checklist.items())
    print(
        _("定义有效：{id} 版本 {version}《{title}》，{sections} 个部分，{items} 个检查项").format(
            id=checklist.id,
            version=checklist.version,
            title=checklist.title,
            sections=len(checklist.sections),
            items=items,
        )
    )
    return 0


def run_list(args: argparse.Namespace) -> int:
    from checklists.catalogue import load_catalogue
    from desktop.paths import overrides_dir

    catalogue = load_catalogue(overrides_dir())
    rows = [
        {
            "id": c.id,
            "version": c.version,
            "title": c.title,
            "items": sum(1 for _item in c.items()),
            "origin": "override" if catalogue.is_override(c) else "shipped",
            "source": c.source_name,
        }
        for c in catalogue.checklists
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        origins = {"override": _("本局更新"), "shipped": _("随附")}
        for row in rows:
            print(f"{row['id']}\t{row['version']}\t{row['title']}\t{origins[str(row['origin'])]}")
    for problem in catalogue.problems:
        print(_("已跳过：{error}").format(error=problem), file=sys.stderr)
    return 1 if catalogue.problems else 0
