"""``liangheng demo --db PATH [--inspections N] [--seed S]``: make a separate demo database.

Demo data never mixes with real work: without ``--db`` it goes to its own file in the data
folder, an existing demo database is replaced, and any other file is refused.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from checklists.i18n import _
from desktop.commands import CommandError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        "demo", help=_("生成演示数据库（辽宁的示例单位与检查，不与真实数据混合）")
    )
    parser.add_argument(
        "--inspections", type=int, default=300, metavar="N", help=_("检查记录数（默认 300）")
    )
    parser.add_argument("--seed", type=int, default=1, metavar="S", help=_("随机种子（默认 1）"))
    parser.set_defaults(run=run)
    return parser


def _replaceable(path: Path) -> None:
    """Refuse to overwrite anything but an earlier demo database."""
    from desktop.store import Reader, StoreError

    if not path.exists():
        return
    try:
        with Reader.open(path) as reader:
            is_demo = reader.is_demo
    except StoreError:
        is_demo = False
    if not is_demo:
        raise CommandError(
            _("{path} 已存在且不是演示数据库，不会覆盖它。请指定另一个文件。").format(path=path)
        )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _today() -> date:
    from desktop.store.ids import china_date

    return date.fromisoformat(china_date())


def run(args: argparse.Namespace) -> int:
    from desktop import paths
    from desktop.store.demo import DemoOptions, make_demo

    if args.inspections < 0:
        raise CommandError(_("检查记录数不能为负数。"), exit_code=2)
    path = Path(args.db) if args.db else paths.demo_db()
    if not args.db:
        path.parent.mkdir(parents=True, exist_ok=True)
    _replaceable(path)
    options = DemoOptions(inspections=args.inspections, seed=args.seed, end_date=_today())

    def progress(done: int, total: int) -> None:
        print(_("已生成 {done}/{total} 条检查记录").format(done=done, total=total), file=sys.stderr)

    summary = make_demo(path, options, progress if args.inspections >= 10000 else None)
    print(
        _(
            "演示数据库：{path}\n被检查单位 {subjects} 个，计量器具 {instruments} 台，"
            "检查记录 {inspections} 条，答案 {answers} 条，用时 {seconds:.1f} 秒。"
        ).format(path=path, **vars(summary))
    )
    return 0
