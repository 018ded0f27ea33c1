"""The English message catalogue: extract, merge and compile (Babel, a development tool only;
the app reads the compiled ``.mo`` with the standard library's gettext).

    .venv/bin/python tools/i18n.py update    # new msgids from the code into en/liangheng.po
    .venv/bin/python tools/i18n.py compile   # en/liangheng.po -> en/liangheng.mo (committed)

Msgids are the Chinese source strings (checklists/i18n.py explains why). Translators edit the
``msgstr`` lines of ``resources/locale/en/LC_MESSAGES/liangheng.po``; an empty msgstr falls
back to the Chinese text. tests/resources/test_catalogue.py keeps the files in step with the code.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("checklists", "desktop", "exports", "resources")
LOCALE_DIR = ROOT / "resources" / "locale"
DOMAIN = "liangheng"
LANGUAGES = ("en",)
KEYWORDS = {"_": None, "N_": None}


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


def extract() -> Iterator[tuple[str, str]]:
    """(msgid, "file:line") for every ``_()`` and ``N_()`` call with a literal in our code."""
    for package in SOURCES:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / package, keywords=KEYWORDS
        ):
            if isinstance(message, str) and message:
                yield message, f"{package}/{filename}:{lineno}"


def read(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(
            locale=language,
            domain=DOMAIN,
            project="liangheng",
            version=None,
            copyright_holder="the Liangheng developers",
            fuzzy=False,
        )
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    catalog.fuzzy = False  # the header: a fuzzy header would be left out of the .mo
    return catalog


def update(language: str) -> tuple[int, int]:
    """Add new msgids, mark vanished ones obsolete; returns (new, obsolete)."""
    catalog = read(language)
    found: dict[str, list[str]] = {}
    for message, where in extract():
        found.setdefault(message, []).append(where)
    new = 0
    for message in found:
        if message not in catalog:
            catalog.add(message, "")
            new += 1
    obsolete = [m.id for m in catalog if m.id and m.id not in found]
    for message_id in obsolete:
        catalog.delete(message_id)
    po_path(language).parent.mkdir(parents=True, exist_ok=True)
    with po_path(language).open("wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True, width=100, no_location=True)
    return new, len(obsolete)


def compiled(language: str) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, read(language))
    return buffer.getvalue()


def compile_catalogue(language: str) -> None:
    mo_path(language).write_bytes(compiled(language))


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    for language in LANGUAGES:
        if command == "update":
            new, obsolete = update(language)
            print(f"{po_path(language)}: {new} new, {obsolete} removed")
        elif command == "compile":
            compile_catalogue(language)
            print(f"{mo_path(language)} written")
        else:
            print(__doc__)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
