"""Subcommands of ``liangheng``. Each module has ``register(subparsers)`` which adds its parser
and sets ``run`` (a function taking the parsed arguments and returning the exit code).

Handlers import what they need inside ``run`` so that ``liangheng --help`` stays fast.
"""

from __future__ import annotations

from types import ModuleType


class CommandError(Exception):
    """A subcommand failed in a way the user should read; message in the user's language."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def modules() -> list[ModuleType]:
    """The subcommands' modules, in the order of ``liangheng --help`` (imported when the
    parser is built: a plain GUI start never needs them)."""
    from desktop.commands import (
        backup,
        bundle,
        calc,
        checklist,
        demo,
        export,
        info,
        list_cmd,
        verify,
    )

    return [info, calc, checklist, demo, list_cmd, export, bundle, backup, verify]
