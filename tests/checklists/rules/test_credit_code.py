"""GB 32100 统一社会信用代码: the check character."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checklists.errors import InputError
from checklists.rules.credit_code import CHARSET, check_character, check_credit_code
from checklists.rules.result import Verdict

EXAMPLE = "91350100M000100Y43"  # the standard's example


def test_the_standards_example_is_valid() -> None:
    result = check_credit_code(EXAMPLE)
    assert result.verdict == Verdict.PASS
    assert result.numbers["expected_check"] == "3"
    assert result.verified


def test_lower_case_and_full_width_and_spaces_are_normalised() -> None:
    assert check_credit_code(" 91350100m000100y43 ").verdict == Verdict.PASS
    assert check_credit_code("９１３５０１００Ｍ０００１００Ｙ４３").verdict == Verdict.PASS


def test_a_wrong_check_character_fails_naming_the_right_one() -> None:
    result = check_credit_code("91350100M000100Y44")
    assert result.verdict == Verdict.FAIL
    assert "3" in result.explanation


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y4", "18 位"),
        ("91350100M000100Y433", "18 位"),
        ("91350100I000100Y43", "不允许的字符"),  # I is not used
        ("91350100O000100Y43", "不允许的字符"),
        ("91350100M0001-0Y43", "不允许的字符"),
    ],
)
def test_malformed_codes_fail_with_an_explanation(code: str, message: str) -> None:
    result = check_credit_code(code)
    assert result.verdict == Verdict.FAIL
    assert message in result.explanation


def test_empty_input_is_an_input_error() -> None:
    with pytest.raises(InputError, match="为空"):
        check_credit_code("  ")


@given(st.text(alphabet=CHARSET, min_size=17, max_size=17), st.sampled_from(CHARSET))
def test_exactly_one_check_character_is_valid(first17: str, last: str) -> None:
    verdict = check_credit_code(first17 + last).verdict
    assert (verdict == Verdict.PASS) == (last == check_character(first17))


def test_a_remainder_of_zero_gives_check_character_0() -> None:
    # Σ value × weight of the first 17 characters is 744 = 24 × 31: 31 − 0 = 31 stands for "0"
    # (computed by hand with the weights 3^i mod 31).
    assert check_character("91350100M00010022") == "0"
    assert check_credit_code("91350100M000100220").verdict == Verdict.PASS
    assert check_credit_code("91350100M00010022Y").verdict == Verdict.FAIL
