"""``liangheng verify --db PATH``: integrity check, foreign keys, every seal and each device's
chain of seals recomputed, every amendment chain, every evidence copy (存证副本) against its
hash; lists what is broken and exits 1 if anything is (0: "全部完好"). Records without an
evidence copy by design (sealed before schema 4, or demo data) are counted as notes. See
:mod:`desktop.store.verify` for what is checked.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from checklists.i18n import _

if TYPE_CHECKING:
    from desktop.store.verify import Problem


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        "verify", help=_("检查数据库完整性，并逐条重新计算封存校验值与封存链；有问题时退出码为 1")
    )
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from desktop import paths
    from desktop.store import SCHEMA_VERSION, Reader, Role, Store, connect
    from desktop.store.schema import check_ours
    from desktop.store.verify import verify

    path = Path(args.db) if args.db else paths.default_db()
    began = time.perf_counter()
    probe = connect(path, role=Role.READER)
    try:
        version = check_ours(probe, path)
    finally:
        probe.close()
    if version < SCHEMA_VERSION:
        Store.open(path, create=False).close()  # bring an older schema up to date first
    with Reader.open(path) as reader:
        report = verify(reader.db.conn)
    out = sys.stdout
    out.write(_("数据库：{path}").format(path=path) + "\n")
    out.write(
        _("完整性检查：{result}").format(result=_("通过") if not report.integrity else _("未通过"))
        + "\n"
    )
    for line in report.integrity:
        out.write(f"  - {line}\n")
    out.write(
        _("已重新计算封存 {seals} 条（{devices} 台设备的封存链），更正 {amendments} 条。").format(
            seals=report.seals, devices=report.devices, amendments=report.amendments
        )
        + "\n"
    )
    out.write(_("存证副本（PDF）已核对 {n} 份。").format(n=report.evidence) + "\n")
    _notes(out, report.notes)
    seconds = time.perf_counter() - began
    if report.ok:
        out.write(_("全部完好。（用时 {s:.1f} 秒）").format(s=seconds) + "\n")
        return 0
    out.write(_("发现 {n} 处问题：").format(n=len(report.problems) + len(report.integrity)) + "\n")
    for problem in report.problems:
        out.write(f"  - {problem.line()}\n")
    return 1


_NOTES_SHOWN = 10


def _notes(out: TextIO, notes: list[Problem]) -> None:
    """What is worth knowing but not broken (records without an evidence copy by design),
    grouped by what it says: a count and the first few records of each."""
    groups: dict[str, list[Problem]] = {}
    for note in notes:
        groups.setdefault(note.what, []).append(note)
    for what, members in groups.items():
        out.write(_("说明：{what}，共 {n} 条（不属于问题）。").format(what=what, n=len(members)))
        out.write("\n")
        for note in members[:_NOTES_SHOWN]:
            out.write(f"  · {note.record() or note.what}\n")
        if len(members) > _NOTES_SHOWN:
            more = _("……另有 {n} 条").format(n=len(members) - _NOTES_SHOWN)
            out.write(f"  · {more}\n")
