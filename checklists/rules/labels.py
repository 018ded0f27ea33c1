"""Chinese labels for the keys of a RuleResult's ``limit`` and ``numbers``, for the UI and the
reports (msgids; translate with ``_()`` where shown). A test keeps every key the calculators
emit in this table."""

from __future__ import annotations

from checklists.i18n import N_, _

RESULT_LABELS: dict[str, str] = {
    # fuel dispensers (JJG 443)
    "mpe_percent": N_("最大允许误差（%）"),
    "repeatability_percent": N_("重复性（%）"),
    "fuel": N_("油品"),
    "beta_fuel": N_("油品体膨胀系数 β_Y（/℃）"),
    "measure_material": N_("量器材质"),
    "beta_measure": N_("量器体膨胀系数 β_B（/℃）"),
    "runs": N_("各次测量"),
    "index": N_("序号"),
    "v_j": N_("加油机示值 V_J（L）"),
    "v_b": N_("量器示值 V_B（L）"),
    "t_j": N_("加油机油温 t_J（℃）"),
    "t_b": N_("量器油温 t_B（℃）"),
    "v_bt": N_("修正后量器体积 V_Bt（L）"),
    "error_percent": N_("示值误差（%）"),
    "error_percent_exact": N_("示值误差（%，未修约）"),
    "verdict": N_("判定"),
    # scales (JJG 539) and fair scales
    "mpe": N_("最大允许误差"),
    "mpe_e": N_("最大允许误差（e）"),
    "band": N_("载荷区间"),
    "class": N_("准确度等级"),
    "mode": N_("检查类别"),
    "e": N_("检定分度值 e"),
    "load": N_("载荷 L"),
    "load_in_e": N_("载荷（e）"),
    "indication": N_("示值 I"),
    "method": N_("方法"),
    "error": N_("示值误差 E"),
    "error_in_e": N_("示值误差（e）"),
    "delta_l": N_("附加砝码 ΔL"),
    "repeatability": N_("重复性（最大值 − 最小值）"),
    "indications": N_("各次示值"),
    "errors": N_("各次误差"),
    # retail weighed goods (零售商品称重)
    "deviation_g": N_("负偏差（g）"),
    "factor": N_("倍数"),
    "allowed_shortage": N_("允许短缺量"),
    "category": N_("商品类别"),
    "billed": N_("结算（标称）重量"),
    "actual": N_("实际重量"),
    "unit": N_("单位"),
    "shortage": N_("短缺量"),
    "test_weight_max_error": N_("砝码最大允许误差"),
    "test_weight_reading": N_("砝码在该秤上的示值"),
    "test_weight_difference": N_("砝码示值差"),
    # net content (JJF 1070)
    "t": N_("允许短缺量 T"),
    "two_t": N_("2T"),
    "allowed_over_t": N_("允许 T < 短缺 ≤ 2T 的件数"),
    "allowed_over_2t": N_("允许短缺 > 2T 的件数"),
    "lambda": N_("修正因子 λ"),
    "mean_limit": N_("平均实际含量下限 Qn − λ·s"),
    "qn": N_("标注净含量 Qn"),
    "batch_size": N_("批量 N"),
    "sample_size": N_("样本量 n"),
    "t_band": N_("Qn 所在区间"),
    "t_unrounded": N_("T（修约前）"),
    "units": N_("各单位"),
    "q": N_("实际含量 q"),
    "count_over_t": N_("短缺 > T 的件数"),
    "shortage_class": N_("短缺类别"),
    "count_over_2t": N_("短缺 > 2T 的件数"),
    "mean": N_("平均实际含量"),
    "std_dev": N_("样本标准偏差 s"),
    "mean_test": N_("平均值判定"),
    "unit_mark": N_("计量单位判定"),
    "legal_units": N_("法定计量单位"),
    "min_height_mm": N_("最小字符高度（mm）"),
    "height_mm": N_("字符高度（mm）"),
    # credit code (GB 32100)
    "length": N_("位数"),
    "charset": N_("代码字符集"),
    "code": N_("代码"),
    "expected_check": N_("应有校验码"),
    "given_check": N_("实际校验码"),
    # policy
    "verdict_if_judged": N_("若判定则为"),
}


# Values of "shortage_class" (per unit of a net-content sample).
VALUE_LABELS: dict[str, str] = {
    "within": N_("不超过 T"),
    "over_t": N_("超过 T"),
    "over_2t": N_("超过 2T"),
}


def value_label(value: str) -> str:
    """The translated label of a coded result value (the value itself if none is known)."""
    text = VALUE_LABELS.get(value)
    return _(text) if text else value


def label(key: str) -> str:
    """The translated label of a result key (the key itself if none is known)."""
    text = RESULT_LABELS.get(key)
    return _(text) if text else key
