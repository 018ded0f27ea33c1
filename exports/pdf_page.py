"""The page of a printed document (GB/T 9704 as the SAMR forms require, REFERENCE.md §8): A4,
margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right; body text 3号 (16 pt), titles 2号
(22 pt); page numbers "— N —" in 4号 below the text block. A 笔录 is signed page by page, so
every page of the record carries the signature lines; every page also says "第 N 页 共 M 页"
(counted per document when the record and the notice share a file).

The only face we ship is Noto Sans CJK SC (TrueType outlines, embedded and subset by
ReportLab); GB/T 9704 asks for 仿宋, which no freely licensed font covers (STACK.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.lib import textsplit
from reportlab.lib.colors import Color, black
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, paragraph

import resources
from checklists.i18n import _

FONT = "LianghengSans"
FONT_BOLD = "LianghengSans-Bold"

PAGE_WIDTH, PAGE_HEIGHT = A4
TOP, BOTTOM, LEFT, RIGHT = 37 * mm, 35 * mm, 28 * mm, 26 * mm
TEXT_WIDTH = PAGE_WIDTH - LEFT - RIGHT

BODY_SIZE = 16  # 3号
TITLE_SIZE = 22  # 2号
PAGE_NO_SIZE = 14  # 4号
TABLE_SIZE = 10.5  # 5号: the smallest size a form's table is printed in and read on site
SMALL_SIZE = 9  # 小5号: the measurement details and hashes
GREY = Color(0.35, 0.35, 0.35)
WATERMARK = Color(0.82, 0.82, 0.82)
RECORD, NOTICE = "record", "notice"

_registered = False


def register_fonts() -> None:
    """Register the bundled faces once per process (~80 ms each)."""
    global _registered
    if _registered:
        return
    pdfmetrics.registerFont(TTFont(FONT, str(resources.path(*resources.FONT_REGULAR))))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(resources.path(*resources.FONT_BOLD))))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )
    # ReportLab's CJK line breaking knows Japanese closing marks but not the Chinese full-width
    # comma, colon, semicolon and quotes: without these a line may start with "，".
    for module in (paragraph, textsplit):
        extra = "".join(c for c in "，：；？！”’》〉、。）" if c not in module.ALL_CANNOT_START)
        module.ALL_CANNOT_START += extra
    _registered = True


def _style(name: str, size: float, leading: float, **kw: Any) -> ParagraphStyle:
    # CJK text breaks between any two characters: wordWrap "CJK".
    kw.setdefault("fontName", FONT)
    return ParagraphStyle(name, fontSize=size, leading=leading, wordWrap="CJK", **kw)


class Styles:
    """The paragraph styles of the documents (ReportLab styles are mutable: never change one)."""

    agency = _style("agency", BODY_SIZE, 24, alignment=TA_CENTER)
    title = _style("title", TITLE_SIZE, 32, alignment=TA_CENTER, fontName=FONT_BOLD, spaceAfter=2)
    number = _style("number", BODY_SIZE - 2, 22, alignment=TA_RIGHT)
    body = _style("body", BODY_SIZE, 28, alignment=TA_JUSTIFY)
    indented = _style(
        "indented", BODY_SIZE, 28, alignment=TA_JUSTIFY, firstLineIndent=2 * BODY_SIZE
    )
    heading = _style("heading", BODY_SIZE, 28, fontName=FONT_BOLD, spaceBefore=8, spaceAfter=2)
    cell = _style("cell", TABLE_SIZE, 14)
    cell_bold = _style("cell_bold", TABLE_SIZE, 14, fontName=FONT_BOLD)
    cell_centre = _style("cell_centre", TABLE_SIZE, 14, alignment=TA_CENTER)
    small = _style("small", SMALL_SIZE, 11.5)
    right = _style("right", BODY_SIZE, 28, alignment=TA_RIGHT)
    left = _style("left", BODY_SIZE, 28, alignment=TA_LEFT)


STYLES = Styles()


@dataclass(frozen=True)
class PageInfo:
    """What every page shows besides its content."""

    subject: str
    document_no: str  # "" while a draft
    draft: bool
    notice_no: str = ""
    record_signatures: bool = True


class _Doc(BaseDocTemplate):  # type: ignore[misc]  # ReportLab has no type hints
    def __init__(self, target: Any, info: PageInfo, first: str, **kw: Any) -> None:
        self.info = info
        self.page_in_doc: Counter[str] = Counter()
        super().__init__(
            target,
            pagesize=A4,
            leftMargin=LEFT,
            rightMargin=RIGHT,
            topMargin=TOP,
            bottomMargin=BOTTOM,
            invariant=1,
            initialFontName=FONT,
            **kw,
        )
        # No frame padding: the text block is exactly the GB/T 9704 one.
        frame, frame_notice = (
            Frame(LEFT, BOTTOM, TEXT_WIDTH, PAGE_HEIGHT - TOP - BOTTOM, id=name,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
            for name in ("text", "notice")
        )  # fmt: skip
        templates = [
            PageTemplate(RECORD, [frame], onPage=self._page(RECORD)),
            PageTemplate(NOTICE, [frame_notice], onPage=self._page(NOTICE)),
        ]
        if first == NOTICE:
            templates.reverse()
        self.addPageTemplates(templates)

    def _page(self, kind: str) -> Callable[[Canvas, BaseDocTemplate], None]:
        def draw(canvas: Canvas, _doc: BaseDocTemplate) -> None:
            self.page_in_doc[kind] += 1
            canvas.lh_kind = kind
            canvas.lh_number = self.page_in_doc[kind]
            _decorate(canvas, self.info, kind, self.page_in_doc[kind])

        return draw


def _decorate(canvas: Canvas, info: PageInfo, kind: str, number: int) -> None:
    canvas.saveState()
    if info.draft:
        canvas.setFillColor(WATERMARK)
        canvas.setFont(FONT_BOLD, 96)
        canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        canvas.rotate(35)
        canvas.drawCentredString(0, 0, _("草稿"))
        canvas.rotate(-35)
        canvas.translate(-PAGE_WIDTH / 2, -PAGE_HEIGHT / 2)
    # Running head: which record a loose page belongs to.
    canvas.setFillColor(GREY)
    canvas.setFont(FONT, SMALL_SIZE)
    head_y = PAGE_HEIGHT - TOP + 8 * mm
    canvas.drawString(LEFT, head_y, info.subject)
    if info.draft:
        canvas.drawRightString(PAGE_WIDTH - RIGHT, head_y, _("草稿 — 未定稿"))
    else:
        document = info.notice_no if kind == NOTICE and info.notice_no else info.document_no
        canvas.drawRightString(PAGE_WIDTH - RIGHT, head_y, document)
    canvas.setStrokeColor(GREY)
    canvas.setLineWidth(0.4)
    canvas.line(LEFT, head_y - 2.5 * mm, PAGE_WIDTH - RIGHT, head_y - 2.5 * mm)
    canvas.setFillColor(black)
    canvas.setStrokeColor(black)
    if kind == RECORD and info.record_signatures:
        _signature_lines(canvas)
    canvas.setFont(FONT, PAGE_NO_SIZE)
    canvas.drawCentredString(PAGE_WIDTH / 2, 12 * mm, f"— {number} —")
    canvas.restoreState()


def _signature_lines(canvas: Canvas) -> None:
    """当事人（签名）：____  执法人员（签名）：____ ____ in the bottom margin."""
    y = BOTTOM - 13 * mm
    canvas.setFont(FONT, TABLE_SIZE + 1)
    canvas.setLineWidth(0.6)
    x = LEFT
    party = _("当事人（签名）：")
    canvas.drawString(x, y, party)
    x += pdfmetrics.stringWidth(party, FONT, TABLE_SIZE + 1)
    canvas.line(x, y - 1.5, x + 36 * mm, y - 1.5)
    x += 42 * mm
    officers = _("执法人员（签名）：")
    canvas.drawString(x, y, officers)
    x += pdfmetrics.stringWidth(officers, FONT, TABLE_SIZE + 1)
    end = PAGE_WIDTH - RIGHT
    gap = 3 * mm
    width = (end - x - gap) / 2
    canvas.line(x, y - 1.5, x + width, y - 1.5)
    canvas.line(x + width + gap, y - 1.5, end, y - 1.5)


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """Draws "第 N 页 共 M 页" once the number of pages of each document is known."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._states: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._states.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        totals = Counter(state.get("lh_kind", RECORD) for state in self._states)
        for state in self._states:
            self.__dict__.update(state)
            kind = state.get("lh_kind", RECORD)
            text = _("第 {n} 页 共 {m} 页").format(n=state.get("lh_number", 1), m=totals[kind])
            self.setFont(FONT, TABLE_SIZE)
            self.drawRightString(PAGE_WIDTH - RIGHT, 12 * mm, text)
            super().showPage()
        super().save()


def build(target: Any, story: list[Any], info: PageInfo, title: str, first: str = RECORD) -> None:
    """Lay out ``story`` (flowables; switch documents with NextPageTemplate) into ``target``
    (a path or a binary file object). Byte-stable for the same input (invariant mode)."""
    register_fonts()
    doc = _Doc(target, info, first, title=title, author=info.subject, creator="Liangheng")
    doc.build(story, canvasmaker=_NumberedCanvas)
