"""Typed errors that every layer raises and the CLI and GUI show in one way."""

from __future__ import annotations


class UserError(Exception):
    """Something the user can act on. ``str(error)`` is the message in the user's language,
    saying what happened and what to do; it never contains a traceback."""


class InputError(UserError, ValueError):
    """A typed or passed value is not acceptable (a letter in a number, a negative mass ...)."""


class DefinitionError(UserError):
    """A checklist definition or rule table file is malformed; the message names the file and
    the place inside it."""
