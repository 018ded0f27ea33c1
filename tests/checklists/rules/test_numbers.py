"""Typed strings to exact decimals: what is accepted, what is refused and how it is said."""

from __future__ import annotations

from decimal import Decimal

import pytest

from checklists.errors import InputError
from checklists.rules.numbers import (
    is_tie,
    parse_decimal,
    parse_decimals,
    parse_integer,
    plain,
    round_gbt8170,
    sample_std,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("498.2", "498.2"),
        (" 500 ", "500"),
        ("500.0", "500.0"),
        ("０．１００", "0.100"),  # full-width digits and point
        ("+1.5", "1.5"),
        (".5", "0.5"),
        ("-0", "0"),
    ],
)
def test_typed_numbers_are_exact(typed: str, expected: str) -> None:
    assert str(parse_decimal(typed, "x")) == expected


def test_the_float_trap_is_avoided() -> None:
    # 0.100 − 0.095 kg is exactly 5 g, which a float would make 5.0000000000000044 g.
    shortage = parse_decimal("0.100", "x") - parse_decimal("0.095", "x")
    assert shortage * 1000 == Decimal(5)


@pytest.mark.parametrize(
    "typed",
    ["abc", "12a", "NaN", "nan", "Infinity", "inf", "1e3", "1,5", "", "   ", "1.2.3", "--1"],
)
def test_non_numbers_are_refused_naming_the_field(typed: str) -> None:
    with pytest.raises(InputError, match="重量"):
        parse_decimal(typed, "重量")


def test_negative_and_zero_are_refused_unless_allowed() -> None:
    with pytest.raises(InputError, match="负数"):
        parse_decimal("-1", "重量")
    assert parse_decimal("-1", "油温", negative=True) == -1
    with pytest.raises(InputError, match="大于零"):
        parse_decimal("0", "Qn", zero=False)


def test_decimal_nan_and_too_many_digits_are_refused() -> None:
    with pytest.raises(InputError):
        parse_decimal(Decimal("NaN"), "x")
    with pytest.raises(InputError, match="位数"):
        parse_decimal("1234567890.1234567", "x")


def test_lists_split_on_commas_chinese_commas_and_spaces() -> None:
    assert parse_decimals("498.2,501.0，499 500；501", "样本") == [
        Decimal("498.2"),
        Decimal("501.0"),
        Decimal(499),
        Decimal(500),
        Decimal(501),
    ]
    with pytest.raises(InputError, match="为空"):
        parse_decimals(" , ", "样本")
    with pytest.raises(InputError, match="第 2 个"):
        parse_decimals("1,x,3", "样本")


def test_integers() -> None:
    assert parse_integer("200", "N", minimum=1) == 200
    with pytest.raises(InputError, match="整数"):
        parse_integer("200.5", "N")
    with pytest.raises(InputError, match="至少"):
        parse_integer("0", "N", minimum=1)


@pytest.mark.parametrize(
    ("value", "step", "expected", "tie"),
    [
        ("22.5", "1", "22", True),  # an exact 5 goes to the even digit
        ("23.5", "1", "24", True),
        ("22.51", "1", "23", False),  # more than half: up
        ("5.85", "0.1", "5.8", True),
        ("5.95", "0.1", "6.0", True),
        ("4.4991", "0.1", "4.5", False),
        ("15", "0.1", "15.0", False),
    ],
)
def test_gbt8170_rounding(value: str, step: str, expected: str, tie: bool) -> None:
    assert str(round_gbt8170(Decimal(value), Decimal(step))) == expected
    assert is_tie(Decimal(value), Decimal(step)) is tie


def test_sample_standard_deviation_uses_n_minus_one() -> None:
    # Values 1 and 3: mean 2, Σ(d²) = 2, divided by n − 1 = 1: s = √2 (not √1 with n).
    assert abs(sample_std([Decimal(1), Decimal(3)]) - Decimal("1.41421356237309504880")) < Decimal(
        "1e-20"
    )
    assert sample_std([Decimal(5)] * 4) == 0


def test_plain_has_no_exponent() -> None:
    assert str(plain(Decimal("4E+2"))) == "400"
    assert str(plain(Decimal("0.500"))) == "0.5"
