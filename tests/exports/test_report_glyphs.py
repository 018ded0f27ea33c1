"""Every character the reports can print has a non-empty glyph in the bundled font: a missing
glyph prints as blank space with no error (STACK.md). Covered: every string literal of the
report templates, every text of the shipped checklists (titles, sections, items, options,
basis citations, penalties) and every label the reports take from the domain."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFontFile

import exports
import resources
from checklists.catalogue import shipped_checklists
from checklists.header import HEADER_LABELS
from checklists.outcome import _REASON_LABELS, _RESULT_LABELS
from checklists.rules.labels import RESULT_LABELS, VALUE_LABELS
from checklists.schema import _MEASURE_LABELS, _SEVERITY_LABELS, REPEAT_KINDS, SUBJECT_KINDS
from exports.report_input import STATUS_TEXT, VERDICT_TEXT

TEMPLATES = ("pdf.py", "pdf_page.py", "report_input.py", "xlsx.py")


def _literals(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def _checklist_texts() -> Iterator[str]:
    for checklist in shipped_checklists():
        yield checklist.title
        for section in checklist.sections:
            yield section.title
            for item in section.items:
                yield from (item.text, item.unit, item.penalty)
                yield from (option.text for option in item.options)
                yield from (basis.cite() + basis.note for basis in item.basis)


def _texts() -> Iterator[str]:
    folder = Path(exports.__file__).parent
    for name in TEMPLATES:
        yield from _literals(folder / name)
    yield from _checklist_texts()
    for table in (HEADER_LABELS, RESULT_LABELS, VALUE_LABELS, REPEAT_KINDS, SUBJECT_KINDS,
                  _REASON_LABELS, _RESULT_LABELS, _MEASURE_LABELS, _SEVERITY_LABELS,
                  STATUS_TEXT, VERDICT_TEXT):  # fmt: skip
        yield from (str(v) for v in table.values())
    # digits, Latin letters (codes, hashes, units) and the signs the numbers use
    yield "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+-−±×÷%‰.,:;/()[]|_—·℃°"


PRINTED = sorted({c for text in _texts() for c in text if not c.isspace() and c.isprintable()})


@pytest.fixture(scope="module", params=[resources.FONT_REGULAR, resources.FONT_BOLD],
                ids=["regular", "bold"])  # fmt: skip
def face(request: pytest.FixtureRequest) -> TTFontFile:
    return TTFontFile(str(resources.path(*request.param)))


def test_the_set_is_substantial() -> None:
    assert len(PRINTED) > 500  # the checklists alone use hundreds of distinct characters


def test_every_printable_character_has_an_outline(face: TTFontFile) -> None:
    missing = []
    for char in PRINTED:
        glyph = face.charToGlyph.get(ord(char))
        if glyph is None or face.glyphPos[glyph + 1] <= face.glyphPos[glyph]:
            missing.append(f"U+{ord(char):04X} {char}")
    assert not missing, "print blank: " + " ".join(missing)
