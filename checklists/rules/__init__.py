"""Metrology calculators: verdicts by the regulations, thresholds read from data files.

Every calculator is a pure function from typed strings (exact ``decimal.Decimal`` from the
string on) to a :class:`~checklists.rules.result.RuleResult`. A checklist's measurement item
names its rule by one of ``RULE_NAMES``.
"""

from __future__ import annotations

# The names a checklist definition may give a measurement item's ``rule``.
RULE_NAMES: tuple[str, ...] = (
    "net_content",  # JJF 1070: a lot of prepackaged goods (定量包装商品净含量)
    "char_height",  # Order 70 附件2 / JJF 1070: height of the net-content mark (标注字符高度)
    "dispenser",  # JJG 443: one run of a fuel dispenser against a standard metal measure
    "scale",  # JJG 539: a scale's error at one load (in-service by default)
    "fair_scale",  # 公平秤: three weighings of one reference weight
    "retail",  # 零售商品称重: re-weighing of goods sold (核称)
    "credit_code",  # GB 32100: 统一社会信用代码 check digit
)
