"""The ``liangheng`` command: the GUI by default, subcommands for headless work.

The command line is stable (scripts and the county office rely on it, DESIGN.md). Nothing here
imports PySide6 unless the GUI is started, so ``--version``, ``--help``, ``calc`` and the other
subcommands start fast and run on machines without a display.

Errors: a :class:`~checklists.errors.UserError` prints its message on stderr (exit 2 for bad
input, 1 otherwise); anything unexpected is written with its traceback to the log file and the
user is told where it is (exit 70). No traceback reaches the terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from checklists.errors import InputError, UserError
from checklists.i18n import _
from desktop import __version__
from desktop.commands import CommandError, modules

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70  # EX_SOFTWARE

log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in plain words and exits 2, as argparse does."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        label = _("参数错误")
        self.exit(EXIT_USAGE, f"{self.prog}: {label}: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="liangheng",
        description=_("量衡：计量监督检查（离线）。不带子命令时打开图形界面。"),
    )
    parser.add_argument("--version", action="version", version=f"liangheng {__version__}")
    db_help = _("数据库文件（默认：用户数据文件夹中的 liangheng.sqlite3）")
    parser.add_argument("--db", type=Path, metavar="PATH", help=db_help)
    parser.add_argument(
        "--startup-check",
        action="store_true",
        help=_("打开主窗口，待其显示并填充后打印耗时（毫秒）并退出"),
    )
    sub = parser.add_subparsers(dest="command", metavar=_("子命令"), parser_class=_Parser)
    for command in modules():
        child = command.register(sub)
        # --db works before or after the subcommand; SUPPRESS keeps an earlier value.
        child.add_argument(
            "--db", type=Path, metavar="PATH", default=argparse.SUPPRESS, help=db_help
        )
    return parser


def _gui_arguments(argv: list[str]) -> argparse.Namespace | None:
    """The arguments of a plain GUI start (nothing, ``--db PATH``, ``--startup-check``), read
    without building the full parser: that imports every subcommand's module, which the GUI
    does not need (start-up time). None for anything else, which the full parser reads."""
    db: Path | None = None
    startup_check = False
    rest = list(argv)
    while rest:
        word = rest.pop(0)
        if word == "--startup-check":
            startup_check = True
        elif word == "--db" and rest and not rest[0].startswith("-"):
            db = Path(rest.pop(0))
        elif word.startswith("--db=") and len(word) > len("--db="):
            db = Path(word.removeprefix("--db="))
        else:
            return None
    return argparse.Namespace(command=None, db=db, startup_check=startup_check)


def _utf8_streams() -> None:
    """Windows consoles and pipes default to the ANSI code page (cp936): print UTF-8."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(encoding="utf-8", errors="replace")


def _internal_error(exc: BaseException) -> int:
    from desktop.logs import log_exception

    where = log_exception(exc)
    print(
        _("内部错误：{error}。详细信息已写入日志：{path}").format(error=exc, path=where),
        file=sys.stderr,
    )
    return EXIT_INTERNAL


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_streams()
    from desktop import language

    language.apply()
    args = _gui_arguments(sys.argv[1:] if argv is None else list(argv))
    if args is None:
        args = build_parser().parse_args(argv)
    try:
        if args.command is None:
            from desktop.ui.app import run_gui

            return run_gui(db=args.db, startup_check=args.startup_check)
        result: int = args.run(args)
        return result
    except CommandError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except InputError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except UserError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(_("已中断。"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`liangheng list ... | head`): not an error.
        # Point stdout at devnull so the interpreter's final flush does not fail again.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        return _internal_error(exc)
