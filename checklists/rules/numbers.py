"""Typed strings to exact decimals, and the rounding (修约) the rules use.

Every measured value enters the calculators as the string the inspector typed and stays a
``decimal.Decimal`` from there on: a binary float misjudges values that sit exactly on a band
edge (DESIGN.md, "Verdicts"). Nothing in ``checklists.rules`` converts to ``float``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal, localcontext

from checklists.errors import InputError
from checklists.i18n import _

# Digits, one optional decimal point, an optional leading sign. No exponent, no NaN/Infinity,
# no thousands separators (a comma in a Chinese number is ambiguous).
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
# No measurement an inspector types needs more significant digits than this; the limit keeps
# every later product and quotient exact within the default 28-digit context.
MAX_DIGITS = 15
# Separators accepted between the values of a sample (after NFKC: '，' -> ',', '；' -> ';').
_LIST_SEPARATORS = re.compile(r"[,;、\s]+")

Number = str | Decimal | int


def _normalise(text: str) -> str:
    """Full-width digits and points (１２．５) become ASCII; spaces around are removed."""
    text = unicodedata.normalize("NFKC", text).strip()
    return text.replace("。", ".").replace("−", "-")


def parse_decimal(
    value: Number, field: str, *, negative: bool = False, zero: bool = True
) -> Decimal:
    """The exact decimal for a typed value; ``field`` names it in the error message.

    Rejects letters, NaN, Infinity, an empty string, more than ``MAX_DIGITS`` digits, and a
    negative (unless ``negative``) or zero (unless ``zero``) value, with a message that says
    what to type instead.
    """
    if isinstance(value, bool):
        raise InputError(_("{field}必须是数字。").format(field=field))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InputError(
                _("{field}必须是有限的数字，收到“{value}”。").format(field=field, value=value)
            )
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    else:
        text = _normalise(value)
        if not text:
            raise InputError(_("{field}为空，请输入一个数字。").format(field=field))
        if not _NUMBER.fullmatch(text):
            raise InputError(
                _("{field}必须是数字，收到“{value}”。请只输入数字和小数点（例如 498.2）。").format(
                    field=field, value=value.strip()
                )
            )
        number = Decimal(text)
    return _check_range(number, field, negative=negative, zero=zero)


def _check_range(number: Decimal, field: str, *, negative: bool, zero: bool) -> Decimal:
    if len(number.as_tuple().digits) > MAX_DIGITS:
        raise InputError(
            _("{field}的位数过多（最多 {n} 位有效数字）。").format(field=field, n=MAX_DIGITS)
        )
    if number < 0 and not negative:
        raise InputError(_("{field}不能为负数，收到 {value}。").format(field=field, value=number))
    if number == 0 and not zero:
        raise InputError(_("{field}必须大于零，收到 {value}。").format(field=field, value=number))
    return number + 0  # drops a "-0" sign, keeps the typed exponent (500.0 stays 500.0)


def split_values(text: str) -> list[str]:
    """The parts of a typed list ("498.2, 501.0；499" or one per line), empty parts dropped."""
    return [part for part in _LIST_SEPARATORS.split(_normalise(text)) if part]


def parse_decimals(
    values: str | Iterable[Number], field: str, *, negative: bool = False
) -> list[Decimal]:
    """A sample typed as "498.2,501.0 ..." (or given as a list): each value parsed exactly."""
    if isinstance(values, str):
        parts: list[Number] = list(split_values(values))
    else:
        parts = list(values)
    if not parts:
        raise InputError(_("{field}为空，请至少输入一个数值。").format(field=field))
    return [
        parse_decimal(p, _("{field}第 {i} 个值").format(field=field, i=i), negative=negative)
        for i, p in enumerate(parts, start=1)
    ]


def parse_integer(value: Number, field: str, *, minimum: int = 0) -> int:
    """A whole number (a batch size, a count of units)."""
    number = parse_decimal(value, field)
    if number != number.to_integral_value():
        raise InputError(_("{field}必须是整数，收到 {value}。").format(field=field, value=number))
    if number < minimum:
        raise InputError(
            _("{field}至少为 {minimum}，收到 {value}。").format(
                field=field, minimum=minimum, value=number
            )
        )
    return int(number)


def round_gbt8170(value: Decimal, resolution: Decimal) -> Decimal:
    """数值修约 (GB/T 8170): to a multiple of ``resolution``, an exact 5 to the even digit."""
    with localcontext() as ctx:
        ctx.prec = 60
        steps = (value / resolution).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        return steps * resolution + 0


def is_tie(value: Decimal, resolution: Decimal) -> bool:
    """True when ``value`` lies exactly halfway between two multiples of ``resolution``."""
    remainder = (value / resolution) % 1
    return abs(remainder) == Decimal("0.5")


def ceil_integer(value: Decimal) -> Decimal:
    """Rounded up to the next whole number (count T: 'rounded up', REFERENCE §1.1)."""
    return value.to_integral_value(rounding=ROUND_CEILING)


def mean(values: Sequence[Decimal]) -> Decimal:
    """The arithmetic mean, exact to 50 significant digits."""
    with localcontext() as ctx:
        ctx.prec = 50
        return sum(values, Decimal(0)) / len(values)


def sample_std(values: Sequence[Decimal]) -> Decimal:
    """样本标准偏差 s with n − 1 in the denominator (Decimal.sqrt at 50 digits)."""
    if len(values) < 2:
        return Decimal(0)
    with localcontext() as ctx:
        ctx.prec = 50
        average = sum(values, Decimal(0)) / len(values)
        squares = sum(((v - average) ** 2 for v in values), Decimal(0))
        return (squares / (len(values) - 1)).sqrt()


def plain(value: Decimal) -> Decimal:
    """Trailing zeros removed, never in exponent form (400, not 4E+2; 0.5, not 0.500)."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value  # type: ignore[operator]


def shown(value: Decimal, places: int) -> Decimal:
    """A value for display, rounded half-even to ``places`` decimals (never used to judge)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
