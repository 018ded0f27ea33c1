"""The English message catalogue stays in step with the code: every string the code marks is
in it and translated, placeholders match, and the compiled .mo is the compiled .po."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

import resources
from checklists import i18n

REPO = Path(__file__).resolve().parent.parent.parent
_spec = importlib.util.spec_from_file_location("i18n_tool", REPO / "tools" / "i18n.py")
assert _spec is not None
assert _spec.loader is not None
tool = importlib.util.module_from_spec(_spec)
sys.modules["i18n_tool"] = tool
_spec.loader.exec_module(tool)

FIELD = re.compile(r"\{[^{}]*\}")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return tool.read("en")  # type: ignore[no-any-return]


def messages(catalog: Catalog) -> Iterator[tuple[str, str]]:
    for message in catalog:
        if message.id and isinstance(message.id, str) and isinstance(message.string, str):
            yield message.id, message.string


def test_every_marked_string_of_the_code_is_in_the_catalogue(catalog: Catalog) -> None:
    missing = sorted({m for m, _where in tool.extract() if m not in catalog})
    assert not missing, f"run: python tools/i18n.py update  ({len(missing)} new: {missing[:5]})"


def test_every_message_has_an_english_translation(catalog: Catalog) -> None:
    untranslated = [m for m, text in messages(catalog) if not text.strip()]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"


def test_translations_keep_the_placeholders(catalog: Catalog) -> None:
    wrong = [
        (m, t)
        for m, t in messages(catalog)
        if t and sorted(FIELD.findall(m)) != sorted(FIELD.findall(t))
    ]
    assert not wrong, wrong[:5]


def test_compiled_catalogue_is_up_to_date() -> None:
    assert tool.mo_path("en").read_bytes() == tool.compiled("en"), (
        "run: python tools/i18n.py compile"
    )


def test_switching_language_translates_and_falls_back_to_chinese() -> None:
    localedir = resources.root() / "locale"
    try:
        i18n.set_language("en", localedir)
        assert i18n.language() == "en"
        assert i18n._("合格") != "合格"
        assert i18n._("一句从未登记的话") == "一句从未登记的话"
        i18n.set_language("fr", localedir)  # no catalogue: Chinese, the complete language
        assert i18n.language() == "zh_CN"
        assert i18n._("合格") == "合格"
    finally:
        i18n.set_language("zh_CN")


def test_no_translation_call_hides_inside_an_f_string() -> None:
    """Babel cannot see _() inside an f-string (Python 3.11 tokenizes it as one string): such
    text would stay Chinese in English mode."""
    pattern = re.compile(r"""f(["']).*\{(escape\()?_\(["']""")
    hidden = [
        f"{path.relative_to(REPO)}:{number}"
        for package in ("checklists", "desktop", "exports", "resources")
        for path in (REPO / package).rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not hidden, hidden
