"""Units of the net-content mark (计量单位): what an inspector may type, and exact conversion.

Each unit converts to its quantity's base (g, mL, mm, mm², one unit of count) by a power of ten,
so conversions stay exact. This is SI arithmetic, not a rule table; which unit is *legal* for a
given Qn is in ``data/net_content_marking.toml``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from checklists.errors import InputError
from checklists.i18n import _


class Quantity(StrEnum):
    """The kind of nominal quantity: 质量, 体积, 长度, 面积, 计数."""

    MASS = "mass"
    VOLUME = "volume"
    LENGTH = "length"
    AREA = "area"
    COUNT = "count"


@dataclass(frozen=True)
class Unit:
    symbol: str  # canonical: g kg mL L mm cm m mm2 cm2 dm2 m2 count
    quantity: Quantity
    factor: Decimal  # base units per one of this unit


_CANONICAL = (
    Unit("g", Quantity.MASS, Decimal(1)),
    Unit("kg", Quantity.MASS, Decimal(1000)),
    Unit("mL", Quantity.VOLUME, Decimal(1)),
    Unit("L", Quantity.VOLUME, Decimal(1000)),
    Unit("mm", Quantity.LENGTH, Decimal(1)),
    Unit("cm", Quantity.LENGTH, Decimal(10)),
    Unit("m", Quantity.LENGTH, Decimal(1000)),
    Unit("mm2", Quantity.AREA, Decimal(1)),
    Unit("cm2", Quantity.AREA, Decimal(100)),
    Unit("dm2", Quantity.AREA, Decimal(10000)),
    Unit("m2", Quantity.AREA, Decimal(1000000)),
    Unit("count", Quantity.COUNT, Decimal(1)),
)
UNITS = {unit.symbol: unit for unit in _CANONICAL}

# Other spellings, looked up in lower case after NFKC (which turns ² into 2).
_ALIASES = {
    **{unit.symbol.lower(): unit.symbol for unit in _CANONICAL},
    "克": "g",
    "千克": "kg",
    "毫升": "mL",
    "升": "L",
    "毫米": "mm",
    "厘米": "cm",
    "米": "m",
    "平方毫米": "mm2",
    "平方厘米": "cm2",
    "平方分米": "dm2",
    "平方米": "m2",
    **dict.fromkeys(("个", "件", "只", "支", "片", "袋", "包", "张", "粒", "块", "pcs"), "count"),
}


def parse_unit(text: str) -> Unit:
    """The unit for what was typed ("g", "KG", "ml", "L", "cm²", "平方米", "个" ...)."""
    key = unicodedata.normalize("NFKC", text).strip().lower()
    symbol = _ALIASES.get(key)
    if symbol is None:
        known = ", ".join(UNITS)
        raise InputError(
            _("未知的计量单位“{unit}”。可用：{known}（计数用 count 或“个”“件”等）。").format(
                unit=text.strip(), known=known
            )
        )
    return UNITS[symbol]


def convert(value: Decimal, source: Unit, target: Unit) -> Decimal:
    """``value`` in ``source`` expressed in ``target`` (same quantity; exact)."""
    if source.quantity is not target.quantity:
        raise ValueError(f"cannot convert {source.symbol} to {target.symbol}")
    return value * source.factor / target.factor


def table_unit(symbol: str, quantity: Quantity) -> Unit | None:
    """The unit a rule table names for its bands ("g" serves for mass and volume alike), or
    None if ``symbol`` is not a unit of ``quantity``."""
    unit = UNITS.get(symbol)
    if unit is None:
        return None
    if unit.quantity is quantity:
        return unit
    if {unit.quantity, quantity} == {Quantity.MASS, Quantity.VOLUME}:
        return next(u for u in _CANONICAL if u.quantity is quantity and u.factor == unit.factor)
    return None
