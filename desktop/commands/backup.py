"""``liangheng backup --db PATH [--to DIR] [--keep N]``: copy the database into the backup folder
(the office's setting, else the data folder's ``backups``), print the new backup's path.

The copy is made with SQLite's backup API while the GUI may be running (it only reads), checked,
and only then given its name; older backups of the same database beyond the number the office
keeps are deleted (desktop/store/backup.py).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from checklists.i18n import _
from desktop.commands import CommandError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = sub.add_parser("backup", help=_("备份数据库（检查备份后再命名，保留最近的若干份）"))
    parser.add_argument(
        "--to", type=Path, metavar="DIR", help=_("备份文件夹（默认：设置中的备份文件夹）")
    )
    parser.add_argument(
        "--keep", type=int, metavar="N", help=_("保留最近的备份份数（默认：设置中的份数）")
    )
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from desktop import paths
    from desktop.settings import OfficeSettings
    from desktop.store import Reader
    from desktop.store.backup import backup, folder_for, is_default_folder, kept_for
    from desktop.store.errors import SchemaOutdatedError

    db = Path(args.db) if args.db else paths.default_db()
    if args.keep is not None and args.keep < 1:
        raise CommandError(_("保留份数至少为 1。"), exit_code=2)
    try:
        with Reader.open(db) as reader:  # refuses a missing or foreign file plainly
            settings = reader.office_settings()
    except SchemaOutdatedError:
        settings = OfficeSettings()  # an older file is copied as it is
    folder = args.to or folder_for(settings)
    default = args.to is None and is_default_folder(settings)
    made = backup(db, folder, keep=args.keep or kept_for(settings), parents=default)
    print(made)
    return 0
