"""Check characters of the 统一社会信用代码 (GB 32100-2015) and of the organization code inside
it (GB 11714-1997), for making realistic demo data. (Validating typed codes is the calculators'
job: ``liangheng calc credit-code``.)
"""

from __future__ import annotations

CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}


def credit_check_char(first17: str) -> str:
    """The 18th character of a credit code whose first 17 characters are ``first17``."""
    if len(first17) != len(_CREDIT_WEIGHTS):
        raise ValueError(f"17 characters expected: {first17!r}")
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def org_check_char(body8: str) -> str:
    """The 9th character of an organization code (GB 11714) with body ``body8``."""
    if len(body8) != len(_ORG_WEIGHTS):
        raise ValueError(f"8 characters expected: {body8!r}")
    total = sum(_ORG_VALUES[c] * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def credit_code(authority_kind: str, division: str, org_body8: str) -> str:
    """A complete credit code: registration authority and kind (e.g. "91" enterprise, "92"
    individual business), the 6-digit administrative division, an organization code body."""
    first17 = authority_kind + division + org_body8 + org_check_char(org_body8)
    return first17 + credit_check_char(first17)


def is_valid_credit_code(code: str) -> bool:
    return (
        len(code) == len(_CREDIT_WEIGHTS) + 1
        and all(c in CREDIT_CHARSET for c in code)
        and credit_check_char(code[:17]) == code[17]
    )
