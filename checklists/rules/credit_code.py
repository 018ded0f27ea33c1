"""统一社会信用代码 (unified social credit code), GB 32100: the 18th character, 校验码.

The code has 18 characters from 0-9 and the capitals without I, O, Z, S, V. Each of the first
17 characters has a value (its index in ``CHARSET``) and a weight; the check value is
31 − (Σ value × weight mod 31), with 31 meaning 0. The algorithm is fixed by the standard (no
table to override); a malformed code is a *fail* (it is the thing being checked), only an empty
one is bad input.
"""

from __future__ import annotations

import unicodedata

from checklists.basis import Basis
from checklists.errors import InputError
from checklists.i18n import _
from checklists.rules.outcome import conclude
from checklists.rules.result import RuleResult, Verdict
from checklists.rules.tables import DEFAULT_POLICY, Policy

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18
BASIS = Basis(
    document="GB 32100《法人和其他组织统一社会信用代码编码规则》",
    edition="2015",
    clause="代码结构：第18位校验码",
    verified=True,
    note="校验算法（字符集与加权因子）为公开的标准算法；以标准示例代码 91350100M000100Y43 校验。",
    source="GB 32100-2015",
)


def check_character(first17: str) -> str:
    """The check character (校验码) for the first 17 characters (all from ``CHARSET``)."""
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def check_credit_code(code: str, policy: Policy = DEFAULT_POLICY) -> RuleResult:
    """Is ``code`` a well-formed 统一社会信用代码 with the right check character?"""
    text = unicodedata.normalize("NFKC", code).strip().upper().replace(" ", "")
    if not text:
        raise InputError(_("统一社会信用代码为空，请输入 18 位代码。"))
    numbers: dict[str, object] = {"code": text, "length": len(text)}
    invalid = [f"{i}:{c}" for i, c in enumerate(text, start=1) if c not in CHARSET]
    problem = ""
    if len(text) != LENGTH:
        problem = _("代码应为 18 位，输入了 {n} 位。").format(n=len(text))
    elif invalid:
        numbers["invalid_characters"] = invalid
        problem = _(
            "代码含有不允许的字符（位置:字符）{chars}；"
            "代码只由数字和除 I、O、Z、S、V 以外的大写字母组成。"
        ).format(chars="、".join(invalid))
    else:
        expected = check_character(text[:17])
        numbers.update(expected_check=expected, given_check=text[17])
        if expected != text[17]:
            problem = _(
                "校验码错误：第 18 位应为 {expected}，输入为 {given}。请核对营业执照。"
            ).format(expected=expected, given=text[17])
    return conclude(
        "credit_code",
        Verdict.FAIL if problem else Verdict.PASS,
        limit={"length": LENGTH, "charset": CHARSET},
        numbers=numbers,
        basis=[BASIS],
        explanation=problem or _("统一社会信用代码格式与校验码正确。"),
        policy=policy,
    )
