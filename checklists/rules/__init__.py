"""Metrology calculators: verdicts by the regulations, thresholds read from data files.

Every calculator is a pure function from typed strings (exact ``decimal.Decimal`` from the
string on) to a :class:`~checklists.rules.result.RuleResult`. A checklist's measurement item
names its rule by one of ``RULE_NAMES``.

Modules (each a few pure functions; the regulation's terms are in their docstrings):
``net_content`` (JJF 1070: 允许短缺量 T, 抽样方案, 批的判定), ``marking`` (法定计量单位 and
字符高度 of the net-content mark), ``dispenser`` (JJG 443), ``scale`` (JJG 539 and 公平秤),
``retail`` (零售商品称重 核称), ``credit_code`` (GB 32100). ``numbers`` turns typed strings into
exact decimals; ``tables`` loads the rule tables in ``data/`` (or an office's override folder)
and holds the :class:`~checklists.rules.tables.Policy`; ``outcome`` builds the results.
"""

from __future__ import annotations

# The names a checklist definition may give a measurement item's ``rule``.
RULE_NAMES: tuple[str, ...] = (
    "net_content",  # JJF 1070: a lot of prepackaged goods (定量包装商品净含量)
    "char_height",  # Order 70 附件2 / JJF 1070: height of the net-content mark (标注字符高度)
    "legal_unit",  # Order 70 附件1: the net-content mark uses the legal unit for its range
    "dispenser",  # JJG 443: one run of a fuel dispenser against a standard metal measure
    "scale",  # JJG 539: a scale's error at one load (in-service by default)
    "fair_scale",  # 公平秤: three weighings of one reference weight
    "retail",  # 零售商品称重: re-weighing of goods sold (核称)
    "credit_code",  # GB 32100: 统一社会信用代码 check digit
)
