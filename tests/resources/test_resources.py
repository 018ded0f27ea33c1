"""resources.path(): the one helper that finds bundled files from source, installed and frozen.

The installed and frozen layouts are proven end to end in tests/test_packaging.py; here the
helper's own logic, including the frozen branch against a fake bundle folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import resources

SHIPPED = [
    resources.FONT_REGULAR,
    resources.FONT_BOLD,
    resources.ICON_PNG,
    resources.ICON_SVG,
    ("icons", "liangheng.ico"),
    ("fonts", "OFL.txt"),
]


@pytest.mark.parametrize("parts", SHIPPED, ids=lambda p: "/".join(p))
def test_every_shipped_file_is_found_from_source(parts: tuple[str, ...]) -> None:
    found = resources.path(*parts)
    assert found.is_file()
    assert found.stat().st_size > 0
    assert found.parent.parent == Path(resources.__file__).resolve().parent


def test_a_missing_file_raises_a_typed_error_naming_it() -> None:
    with pytest.raises(resources.MissingResourceError, match=r"nope\.ttf"):
        resources.path("fonts", "nope.ttf")


@pytest.mark.parametrize("parts", [(), ("..", "pyproject.toml"), ("fonts/../x",), ("",), (".",)])
def test_parts_cannot_escape_the_resource_folder(parts: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="plain names"):
        resources.path(*parts)


def test_frozen_bundle_files_are_found_under_meipass(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bundled = tmp_path / "resources" / "fonts" / "NotoSansCJKsc-Regular.ttf"
    bundled.parent.mkdir(parents=True)
    bundled.write_bytes(b"font")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.root() == tmp_path / "resources"
    assert resources.path(*resources.FONT_REGULAR) == bundled
    with pytest.raises(resources.MissingResourceError):
        resources.path(*resources.FONT_BOLD)
