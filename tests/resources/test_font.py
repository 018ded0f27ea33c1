"""The bundled CJK font: TrueType outlines that ReportLab embeds, with real glyphs for what our
records print. A missing glyph prints as blank space with no error (STACK.md), so test it."""

from __future__ import annotations

import pytest
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile

import resources


@pytest.fixture(
    scope="module", params=[resources.FONT_REGULAR, resources.FONT_BOLD], ids=["regular", "bold"]
)
def face(request: pytest.FixtureRequest) -> TTFontFile:
    return TTFontFile(str(resources.path(*request.param)))


def has_outline(face: TTFontFile, char: str) -> bool:
    glyph = face.charToGlyph.get(ord(char))
    return glyph is not None and face.glyphPos[glyph + 1] > face.glyphPos[glyph]


# Regulatory vocabulary, units and symbols our records use, plus rare name characters
# (CJK Extension A: 㐂 䶮) that appear in people's and place names.
SAMPLES = (
    "量衡度万物量天地衡公平 加油站计量专项检查 集贸市场 定量包装商品净含量 诚信计量自我承诺 "
    "现场笔录 责令改正通知书 统一社会信用代码 喀喇沁左翼蒙古族自治县 岫岩满族自治县 "
    "℃ ① ② ③ 《》 （） ± × ÷ ≤ ≥ Δ λ μ ‰ ％ ㎏ ㎜ mL kg 0123456789 ABCXYZ abcxyz — · 、。，；："
    "㐂 䶮"
)


@pytest.mark.parametrize("char", sorted(set(SAMPLES) - {" "}))
def test_every_sample_character_has_a_non_empty_glyph(face: TTFontFile, char: str) -> None:
    assert has_outline(face, char), f"U+{ord(char):04X} {char} prints blank"


def test_font_is_truetype_outlines_that_reportlab_accepts() -> None:
    # ReportLab raises "postscript outlines are not supported" for CFF fonts.
    font = TTFont("LianghengTest", str(resources.path(*resources.FONT_REGULAR)))
    assert font.face.name


def test_font_covers_the_cjk_unified_block_and_extension_a(face: TTFontFile) -> None:
    covered = set(face.charToGlyph)
    unified = sum(1 for cp in range(0x4E00, 0x9FA6) if cp in covered)
    extension_a = sum(1 for cp in range(0x3400, 0x4DC0) if cp in covered)
    assert unified == 0x9FA6 - 0x4E00  # every character of the basic CJK block
    assert extension_a > 6000
