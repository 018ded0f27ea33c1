"""``liangheng info [--json]``: version, where data, backups and logs live, bundled resources.

Support asks for this first; the frozen-bundle test uses it to prove resources are found.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from typing import Any

from checklists.i18n import N_, _


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = sub.add_parser("info", help=_("显示版本、数据与日志位置、随附资源"))
    parser.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    parser.set_defaults(run=run)
    return parser


def collect(args: argparse.Namespace) -> dict[str, Any]:
    import resources
    from desktop import __version__, logs, paths

    def resource(*parts: str) -> str | None:
        try:
            return str(resources.path(*parts))
        except resources.MissingResourceError:
            return None

    return {
        "version": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "frozen": bool(getattr(sys, "frozen", False)),
        "database": str(args.db or paths.default_db()),
        "data_dir": str(paths.data_dir()),
        "backup_dir": str(paths.backup_dir()),
        "log_file": str(logs.log_file()),
        "resource_dir": str(resources.root()),
        "fonts": {
            "regular": resource(*resources.FONT_REGULAR),
            "bold": resource(*resources.FONT_BOLD),
        },
        "icon": resource(*resources.ICON_PNG),
    }


LABELS = {
    "version": N_("版本"),
    "python": N_("Python"),
    "platform": N_("系统"),
    "frozen": N_("打包版"),
    "database": N_("数据库"),
    "data_dir": N_("数据文件夹"),
    "backup_dir": N_("备份文件夹"),
    "log_file": N_("日志文件"),
    "resource_dir": N_("资源文件夹"),
    "fonts": N_("字体"),
    "icon": N_("图标"),
}


def run(args: argparse.Namespace) -> int:
    facts = collect(args)
    if args.json:
        print(json.dumps(facts, ensure_ascii=False, indent=2))
        return 0
    for key, value in facts.items():
        print(f"{_(LABELS[key])}: {value}")
    return 0
