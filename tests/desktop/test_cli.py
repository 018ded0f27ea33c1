"""The command line: --version and --help without Qt, plain errors, --db anywhere."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import __version__
from desktop.cli import main


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def test_version_prints_version_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"liangheng {__version__}"


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["info", "--json"]])
def test_headless_commands_never_import_qt(args: list[str]) -> None:
    code = (
        "import sys\n"
        "from desktop.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
        "assert not [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))], 'Qt'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr


def test_help_is_chinese_and_lists_subcommands() -> None:
    done = run_cli("--help")
    assert done.returncode == 0
    assert "量衡" in done.stdout
    assert "info" in done.stdout


def test_unknown_subcommand_is_a_usage_error_without_traceback() -> None:
    done = run_cli("frobnicate")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "参数错误" in done.stderr


@pytest.mark.parametrize("position", ["before", "after"])
def test_db_option_works_before_and_after_the_subcommand(position: str, tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite3"
    args = (
        ["--db", str(db), "info", "--json"]
        if position == "before"
        else ["info", "--json", "--db", str(db)]
    )
    done = run_cli(*args)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["database"] == str(db)


def test_unexpected_error_goes_to_the_log_not_the_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    from desktop.commands import info

    def explode(_args: object) -> dict[str, object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(info, "collect", explode)
    assert main(["info"]) == 70
    err = capsys.readouterr().err
    assert "Traceback" not in err
    log = (home / "logs" / "liangheng.log").read_text(encoding="utf-8")
    assert "Traceback" in log
    assert "RuntimeError: boom" in log


def test_output_cut_short_by_the_reader_is_not_an_error(tmp_path: Path) -> None:
    """`liangheng list inspections | head -1` must not end in an internal error."""
    db = tmp_path / "demo.sqlite3"
    assert run_cli("demo", "--db", str(db), "--inspections", "200", "--seed", "3").returncode == 0
    reader = subprocess.Popen(
        ["head", "-c", "10"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL
    )
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "list", "inspections", "--db", str(db), "--json"],
        stdout=reader.stdin,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        check=False,
    )
    assert reader.stdin is not None
    reader.stdin.close()
    reader.wait(timeout=10)
    assert "内部错误" not in done.stderr
    assert done.returncode == 0


def test_lianghengs_lang_switches_the_command_line_to_english(tmp_path: Path) -> None:
    import os

    env = dict(os.environ, LIANGHENG_LANG="en", LIANGHENG_HOME=str(tmp_path))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop",
            "calc",
            "scale",
            "--e",
            "x",
            "--load",
            "1",
            "--indication",
            "1",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip()
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in done.stderr), done.stderr


@pytest.mark.parametrize(
    ("argv", "db", "check"),
    [
        ([], None, False),
        (["--db", "x.sqlite3"], Path("x.sqlite3"), False),
        (["--db=x.sqlite3", "--startup-check"], Path("x.sqlite3"), True),
        (["--startup-check", "--db", "x.sqlite3"], Path("x.sqlite3"), True),
    ],
)
def test_a_plain_gui_start_is_read_without_the_subcommands(
    argv: list[str], db: Path | None, check: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import desktop.ui.app

    seen: list[tuple[Path | None, bool]] = []

    def run_gui(db: Path | None, startup_check: bool = False) -> int:
        seen.append((db, startup_check))
        return 0

    monkeypatch.setattr(desktop.ui.app, "run_gui", run_gui)
    monkeypatch.setattr("desktop.cli.build_parser", lambda: pytest.fail("full parser built"))
    assert main(argv) == 0
    assert seen == [(db, check)]


@pytest.mark.parametrize("argv", [["--db"], ["--db", "--startup-check"], ["--bogus"], ["list"]])
def test_anything_else_goes_through_the_full_parser(argv: list[str]) -> None:
    from desktop.cli import _gui_arguments

    assert _gui_arguments(argv) is None
