"""The net-content mark: legal unit for the range and minimum character height."""

from __future__ import annotations

from decimal import Decimal

import pytest

from checklists.errors import InputError
from checklists.rules.marking import check_char_height, check_unit_mark, minimum_char_height


@pytest.mark.parametrize(
    ("qn", "unit", "verdict"),
    [
        ("999", "g", "pass"),
        ("1000", "g", "fail"),  # from 1000 g the mark is in kg
        ("1500", "g", "fail"),
        ("1", "kg", "pass"),
        ("0.5", "kg", "fail"),
        ("999", "mL", "pass"),
        ("1000", "ml", "fail"),
        ("1.5", "L", "pass"),
        ("99", "cm", "pass"),
        ("990", "mm", "pass"),
        ("100", "cm", "fail"),
        ("1", "m", "pass"),
        ("99", "cm2", "pass"),
        ("100", "cm2", "fail"),
        ("1", "dm2", "pass"),
        ("99", "dm2", "pass"),
        ("100", "dm2", "fail"),
        ("1", "m2", "pass"),
        ("12", "个", "pass"),
    ],
)
def test_legal_unit_by_range(qn: str, unit: str, verdict: str) -> None:
    assert check_unit_mark(qn, unit).verdict.value == verdict


def test_an_illegal_unit_says_which_one_is_legal() -> None:
    result = check_unit_mark("1500", "g")
    assert result.limit["legal_units"] == ["kg"]
    assert "kg" in result.explanation
    assert not result.verified


@pytest.mark.parametrize(
    ("qn", "unit", "minimum"),
    [
        ("50", "g", "2"),
        ("50.1", "g", "3"),
        ("200", "mL", "3"),
        ("200.1", "mL", "4"),
        ("1000", "g", "4"),
        ("1", "kg", "4"),
        ("1000.1", "g", "6"),
        ("5", "L", "6"),
        ("10", "m", "2"),
        ("30", "count", "2"),
    ],
)
def test_minimum_character_height_edges(qn: str, unit: str, minimum: str) -> None:
    assert minimum_char_height(qn, unit)[0] == Decimal(minimum)


def test_character_height_exactly_at_the_minimum_passes() -> None:
    assert check_char_height("500", "g", "4").verdict == "pass"
    assert check_char_height("500", "g", "3.9").verdict == "fail"
    assert check_char_height("500", "g", "4.0").limit["min_height_mm"] == Decimal(4)


@pytest.mark.parametrize("height", ["0", "-1", "abc", ""])
def test_bad_heights(height: str) -> None:
    with pytest.raises(InputError, match="字符高度"):
        check_char_height("500", "g", height)
