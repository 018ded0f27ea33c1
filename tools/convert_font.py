"""Convert Noto Sans CJK SC from CFF (PostScript) outlines to TrueType (glyf) outlines.

Why: ReportLab embeds only TrueType outlines and rejects the CFF fonts that Debian's
``fonts-noto-cjk`` ships; the built-in CID font ``STSong-Light`` is not embedded and prints blank
in many viewers. One TrueType family serves both the Qt UI and the PDF records.

Provenance of ``resources/fonts/NotoSansCJKsc-{Regular,Bold}.ttf``::

    apt-get install fonts-noto-cjk           # Debian 12: 1:20220127+repack1-1, Noto CJK 2.004
    pip install fonttools==4.68.0
    python tools/convert_font.py             # about a minute per face

The SC face is taken from the collection by its family name. Cubic curves become quadratic ones
with cu2qu (max error 1 font unit of 1000); glyph names are dropped (post format 3) as in most
shipped CJK TrueType fonts. The SIL Open Font License 1.1 allows modified versions; the fonts
declare no Reserved Font Name, so the family name is kept. OFL.txt sits beside the fonts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

SOURCE_DIR = Path("/usr/share/fonts/opentype/noto")
TARGET_DIR = Path(__file__).resolve().parent.parent / "resources" / "fonts"
FAMILY = "Noto Sans CJK SC"
FACES = {"Regular": "NotoSansCJK-Regular.ttc", "Bold": "NotoSansCJK-Bold.ttc"}
MAX_ERR = 1.0  # font units (em = 1000): far below what any printer or screen resolves


def pick_face(collection_path: Path, family: str) -> TTFont:
    collection = TTCollection(str(collection_path))
    for font in collection.fonts:
        if font["name"].getDebugName(1) == family:
            return font
    raise SystemExit(f"{family!r} not found in {collection_path}")


def to_quadratic(font: TTFont) -> dict[str, object]:
    glyph_set = font.getGlyphSet()
    result = {}
    for name in font.getGlyphOrder():
        tt_pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(tt_pen, MAX_ERR, reverse_direction=True))
        result[name] = tt_pen.glyph()
    return result


def cff_to_glyf(font: TTFont) -> None:
    order = font.getGlyphOrder()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = to_quadratic(font)
    del font["CFF "]
    if "VORG" in font:  # vertical origins belong to CFF fonts only
        del font["VORG"]
    glyf.compile(font)

    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)

    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    maxp.compile(font)

    post = font["post"]
    post.formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"
    font["head"].glyphDataFormat = 0


def convert(face: str, source_dir: Path, target_dir: Path) -> Path:
    font = pick_face(source_dir / FACES[face], FAMILY)
    cff_to_glyf(font)
    target = target_dir / f"NotoSansCJKsc-{face}.ttf"
    font.save(str(target))
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("faces", nargs="*", default=list(FACES), choices=list(FACES))
    parser.add_argument("--source-dir", type=Path, default=SOURCE_DIR)
    parser.add_argument("--target-dir", type=Path, default=TARGET_DIR)
    args = parser.parse_args(argv)
    for face in args.faces:
        path = convert(face, args.source_dir, args.target_dir)
        print(f"{path} {path.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
