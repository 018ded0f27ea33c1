"""The checklists available: those shipped with the app, the office's newer or corrected
versions (``overrides/checklists``), and versions received in bundles from other laptops
(``overrides/received``: they show the records made with them, never offered for new
inspections). Each file is read by :mod:`checklists.loader`.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from checklists.errors import DefinitionError
from checklists.loader import load_checklist, parse_checklist_text
from checklists.schema import Checklist

# The subfolder of the office overrides folder (desktop.paths.overrides_dir()) for checklists.
OVERRIDES_SUBDIR = "checklists"
RECEIVED_SUBDIR = "received"  # checklist versions that came in bundles (issue 10)
_DEFINITIONS_PACKAGE = "checklists.definitions"


def shipped_checklists() -> tuple[Checklist, ...]:
    """Every checklist shipped with the app (from source, an install or a frozen bundle)."""
    folder = resources.files(_DEFINITIONS_PACKAGE)
    result = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml") and entry.is_file():
            text = entry.read_bytes().decode("utf-8")
            result.append(parse_checklist_text(text, entry.name))
    return tuple(result)


@dataclass(frozen=True)
class Catalogue:
    """The checklists available: shipped ones, overridden by valid office files.

    An override with the same id and version replaces the shipped one; a newer version is added
    beside it. ``problems`` lists override files that were skipped because they are malformed.
    """

    checklists: tuple[Checklist, ...]
    problems: tuple[DefinitionError, ...] = ()
    from_overrides: frozenset[tuple[str, str]] = frozenset()  # (id, version) from the office
    # (id, version) that came in bundles from other laptops: they show the records made with
    # them and are never offered for new inspections
    received: frozenset[tuple[str, str]] = frozenset()

    def is_override(self, checklist: Checklist) -> bool:
        return (checklist.id, checklist.version) in self.from_overrides

    def latest(self, checklist_id: str) -> Checklist:
        """The newest version of ``checklist_id`` (for new inspections); KeyError if none."""
        candidates = [
            c
            for c in self.checklists
            if c.id == checklist_id and (c.id, c.version) not in self.received
        ]
        if not candidates:
            raise KeyError(checklist_id)
        return max(candidates, key=lambda c: c.version_key)

    def get(self, checklist_id: str, version: str) -> Checklist:
        for checklist in self.checklists:
            if checklist.id == checklist_id and checklist.version == version:
                return checklist
        raise KeyError((checklist_id, version))

    def current(self) -> tuple[Checklist, ...]:
        """The newest version of each checklist, in the shipped order."""
        ids = list(
            dict.fromkeys(c.id for c in self.checklists if (c.id, c.version) not in self.received)
        )
        return tuple(self.latest(checklist_id) for checklist_id in ids)


def _folder(
    overrides_dir: Path | None, subdir: str, problems: list[DefinitionError]
) -> list[Checklist]:
    """The valid definitions in ``overrides_dir/subdir/*.toml``; the others go to ``problems``."""
    folder = overrides_dir / subdir if overrides_dir is not None else None
    if folder is None or not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.toml")):
        try:
            found.append(load_checklist(path))
        except DefinitionError as exc:
            problems.append(exc)
    return found


def load_catalogue(overrides_dir: Path | None = None) -> Catalogue:
    """Shipped checklists plus ``overrides_dir/checklists/*.toml`` (the app passes
    ``desktop.paths.overrides_dir()``), plus versions received in bundles
    (``overrides_dir/received/*.toml``) that neither has. Malformed files are skipped and
    reported."""
    by_key = {(c.id, c.version): c for c in shipped_checklists()}
    problems: list[DefinitionError] = []
    overridden: set[tuple[str, str]] = set()
    for checklist in _folder(overrides_dir, OVERRIDES_SUBDIR, problems):
        by_key[(checklist.id, checklist.version)] = checklist
        overridden.add((checklist.id, checklist.version))
    received: set[tuple[str, str]] = set()
    for checklist in _folder(overrides_dir, RECEIVED_SUBDIR, problems):
        if (checklist.id, checklist.version) not in by_key:
            by_key[(checklist.id, checklist.version)] = checklist
            received.add((checklist.id, checklist.version))
    ordered = sorted(by_key.values(), key=lambda c: (c.id, c.version_key))
    return Catalogue(tuple(ordered), tuple(problems), frozenset(overridden), frozenset(received))
