"""``liangheng bundle export --db PATH -o FILE [--since DATE]`` and
``liangheng bundle import --db PATH FILE [FILE...]``: transfer by USB stick (issue 10).

Export writes everything not yet sent (or, with ``--since``, everything changed from that date
on) into ``FILE`` (``FILE-1of2.lhb``... if the photos need more than one file for a FAT32
stick) and prints the files written. Import checks each file completely before writing
anything, merges it in one transaction, and prints what was added and what conflicted; a
refused file is reported on stderr and in the log file, and the exit code is 1.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from datetime import date
from pathlib import Path

from checklists.i18n import _
from desktop.commands import CommandError

log = logging.getLogger("liangheng.bundle")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = sub.add_parser("bundle", help=_("传输包：从笔记本导出，在县局导入（U盘传递）"))
    actions = parser.add_subparsers(dest="action", metavar="{export,import}", required=True)
    export = actions.add_parser(
        "export", help=_("导出尚未传送的记录（或某日期以来改动的记录）到传输包文件")
    )
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE",
                        help=_("传输包文件（.lhb）"))  # fmt: skip
    export.add_argument(
        "--since",
        metavar="DATE",
        help=_("导出该日期（YYYY-MM-DD）以来改动的全部记录，不论是否已传送"),
    )
    export.add_argument("--db", type=Path, metavar="PATH", default=argparse.SUPPRESS)
    export.add_argument(
        "--overwrite", action="store_true", help=_("覆盖同名的传输包文件（默认不覆盖）")
    )
    export.add_argument("--max-part-mb", type=int, metavar="MB", help=argparse.SUPPRESS)
    export.set_defaults(run=run_export)
    imp = actions.add_parser("import", help=_("检查并导入传输包（可一次导入多个文件）"))
    imp.add_argument("--db", type=Path, metavar="PATH", default=argparse.SUPPRESS)
    imp.add_argument("files", type=Path, nargs="+", metavar="FILE", help=_("传输包文件"))
    imp.set_defaults(run=run_import)
    return parser


def _since(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise CommandError(
            _("日期“{text}”无效，应为 YYYY-MM-DD，例如 2026-11-01。").format(text=text),
            exit_code=2,
        ) from None


def run_export(args: argparse.Namespace) -> int:
    from checklists.catalogue import load_catalogue
    from desktop import paths
    from desktop.store import Store
    from desktop.store.bundle_format import MAX_PART_BYTES
    from desktop.store.bundles import export_bundle

    since = _since(args.since)
    limit = MAX_PART_BYTES
    if args.max_part_mb is not None:
        if args.max_part_mb < 1:
            raise CommandError(_("分卷大小至少为 1 MB。"), exit_code=2)
        limit = args.max_part_mb * 1024 * 1024
    db = Path(args.db) if args.db else paths.default_db()
    with Store.open(db, create=False) as store:
        result = export_bundle(
            store, Path(args.output), catalogue=load_catalogue(paths.overrides_dir()),
            since=since, max_part_bytes=limit, overwrite=args.overwrite,
        )  # fmt: skip
    for path in result.files:
        print(path)
    counts = result.counts
    message = _(
        "已导出检查记录 {i} 条（答案 {a} 条，照片 {p} 张，封存 {s} 条），被检查单位 {u} 个。"
    )
    print(
        message.format(
            i=counts["inspections"], a=counts["answers"], p=counts["attachments"],
            s=counts["seals"], u=counts["subjects"],
        ),
        file=sys.stderr,
    )  # fmt: skip
    return 0


def run_import(args: argparse.Namespace) -> int:
    from checklists.catalogue import load_catalogue
    from desktop import paths
    from desktop.logs import setup_logging
    from desktop.store import Store
    from desktop.store.bundles import BundleRefusedError, describe, import_bundle

    db = Path(args.db) if args.db else paths.default_db()
    with contextlib.suppress(OSError):  # no writable data folder: stderr says everything
        setup_logging()
    overrides = paths.overrides_dir()
    catalogue = load_catalogue(overrides)
    failed = 0
    with Store.open(db) as store:
        for path in args.files:
            try:
                done = import_bundle(store, path, catalogue=catalogue, overrides_dir=overrides)
            except BundleRefusedError as exc:
                failed += 1
                log.warning("bundle %s refused: %s", path, exc.reason)
                print(str(exc), file=sys.stderr)
                continue
            log.info("bundle %s imported: %s", path, done.result.summary())
            for line in describe(done):
                print(line)
    return 1 if failed else 0
