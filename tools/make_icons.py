"""Render resources/icons/liangheng.svg to the PNG (Qt window icon) and ICO (Windows executable)
files. Run after changing the SVG: ``.venv/bin/python tools/make_icons.py``.

The ICO holds PNG images (supported since Windows Vista), written here directly so that no image
library is needed.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images.items():
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICO directory entry
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset + len(blobs))
        blobs += png
    return header + entries + blobs


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICONS / "liangheng.svg"))
    if not renderer.isValid():
        raise SystemExit("liangheng.svg is not a valid SVG")
    images = {size: render(renderer, size) for size in ICO_SIZES}
    (ICONS / "liangheng-256.png").write_bytes(images[256])
    (ICONS / "liangheng.ico").write_bytes(ico(images))
    print(f"wrote {ICONS / 'liangheng-256.png'} and {ICONS / 'liangheng.ico'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
