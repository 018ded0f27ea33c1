"""净含量标注 (the net-content mark): legal unit for the range (计量单位, Order 70 附件1) and
minimum character height (字符高度, 附件2). Values from the 2005 tables (REFERENCE §1.4)."""

from __future__ import annotations

from decimal import Decimal

from checklists.i18n import _
from checklists.rules.numbers import Number, parse_decimal
from checklists.rules.outcome import conclude
from checklists.rules.result import RuleResult, Verdict
from checklists.rules.tables import (
    DEFAULT_POLICY,
    Policy,
    Row,
    bands,
    find_band,
    section_unit,
    table,
)
from checklists.rules.units import Quantity, Unit, convert, parse_unit


def check_unit_mark(qn: Number, unit: str | Unit, policy: Policy = DEFAULT_POLICY) -> RuleResult:
    """Is ``unit`` the legal unit for a mark of ``qn`` (e.g. 1500 g should read 1.5 kg)?"""
    unit = parse_unit(unit) if isinstance(unit, str) else unit
    value = parse_decimal(qn, _("标注净含量 Qn"), zero=False)
    section = table("net_content_marking", policy).section("units").section(unit.quantity)
    base = section_unit(section, unit.quantity)
    band = find_band(bands(section.rows("bands")), convert(value, unit, base))
    if band is None:
        raise section.error(
            "bands", _("没有覆盖 {qn} {unit} 的档").format(qn=value, unit=unit.symbol)
        )
    legal = [str(symbol) for symbol in band.row.data.get("legal", [])]
    if not legal:
        raise band.row.error("legal", _("必须列出至少一个单位"))
    ok = unit.symbol in legal
    if ok:
        explanation = _("{qn} {unit} 使用了该范围的法定计量单位。").format(
            qn=value, unit=unit.symbol
        )
    else:
        explanation = _(
            "净含量 {qn} {unit} 的标注单位不符合规定：该范围（{band}）应使用 {legal}。"
        ).format(
            qn=value,
            unit=unit.symbol,
            band=band.describe("Qn", base.symbol),
            legal="、".join(legal),
        )
    return conclude(
        "legal_unit",
        Verdict.PASS if ok else Verdict.FAIL,
        limit={"legal_units": legal, "band": band.describe("Qn", base.symbol)},
        numbers={"qn": value, "unit": unit.symbol},
        basis=[band.row.basis()],
        explanation=explanation,
        policy=policy,
    )


def minimum_char_height(
    qn: Number, unit: str | Unit, policy: Policy = DEFAULT_POLICY
) -> tuple[Decimal, str, Row]:
    """最小字符高度 in mm for the net-content mark of ``qn`` ``unit``, the band and its row."""
    unit = parse_unit(unit) if isinstance(unit, str) else unit
    value = parse_decimal(qn, _("标注净含量 Qn"), zero=False)
    heights = table("net_content_marking", policy).section("height")
    if unit.quantity not in (Quantity.MASS, Quantity.VOLUME):
        other = heights.section("other")
        return other.dec("min_height_mm"), _("以长度、面积、计数标注"), other
    section = heights.section("mass_volume")
    base = section_unit(section, unit.quantity)
    band = find_band(bands(section.rows("bands")), convert(value, unit, base))
    if band is None:
        raise section.error(
            "bands", _("没有覆盖 {qn} {unit} 的档").format(qn=value, unit=unit.symbol)
        )
    return band.row.dec("min_height_mm"), band.describe("Qn", base.symbol), band.row


def check_char_height(
    qn: Number, unit: str | Unit, height_mm: Number, policy: Policy = DEFAULT_POLICY
) -> RuleResult:
    """字符高度: the measured height of the net-content characters is at least the minimum."""
    measured = parse_decimal(height_mm, _("字符高度（mm）"), zero=False)
    minimum, band, row = minimum_char_height(qn, unit, policy)
    ok = measured >= minimum
    explanation = (
        _("字符高度 {h} mm 不小于最小高度 {m} mm。")
        if ok
        else _("字符高度 {h} mm 小于最小高度 {m} mm，不符合规定。")
    ).format(h=measured, m=minimum)
    return conclude(
        "char_height",
        Verdict.PASS if ok else Verdict.FAIL,
        limit={"min_height_mm": minimum, "band": band},
        numbers={"qn": parse_decimal(qn, _("标注净含量 Qn")), "height_mm": measured},
        basis=[row.basis()],
        explanation=explanation,
        policy=policy,
    )
