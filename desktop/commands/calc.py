"""``liangheng calc ...``: the metrology calculators from the command line, JSON out.

Every value is passed on as the typed string (the calculators parse it exactly). Any verdict
exits 0, with the result as JSON on stdout; bad input raises ``InputError``, which the CLI prints
on stderr and exits 2. Nothing here imports Qt.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checklists.i18n import _

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(sub: Subparsers) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        "calc",
        help=_("按规程计算并判定测量结果（JSON 输出）"),
        description=_(
            "按规程计算并判定：输出 JSON（verdict 为 pass / fail / indeterminate，"
            "以及所用限值、数值、依据 basis 和提示 warnings）。"
            "输入有误时在标准错误输出说明并以 2 退出。"
        ),
    )
    calcs = parser.add_subparsers(dest="calc", metavar=_("计算"), required=True)
    _net_content(calcs)
    _unit_mark(calcs)
    _char_height(calcs)
    _dispenser(calcs)
    _scale(calcs)
    _fair_scale(calcs)
    _retail(calcs)
    _credit_code(calcs)
    return parser


def _add(calcs: Subparsers, name: str, help_text: str, epilog: str = "") -> argparse.ArgumentParser:
    child = calcs.add_parser(
        name,
        help=help_text,
        description=help_text,
        epilog=epilog or None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    child.add_argument(
        "--unverified",
        choices=("judge", "indeterminate"),
        default="judge",
        help=_("依据未经核实的表格时：judge 照常判定并提示（默认），indeterminate 不予判定"),
    )
    child.add_argument(
        "--rules-dir",
        type=Path,
        metavar="DIR",
        help=_("优先使用此文件夹中的规则表（默认：数据文件夹中的 overrides）"),
    )
    child.add_argument(
        "--db", type=Path, metavar="PATH", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    return child


def _net_content(calcs: Subparsers) -> None:
    p = _add(
        calcs,
        "net-content",
        _("定量包装商品净含量：单件允许短缺量、抽样方案与批的判定（JJF 1070）"),
        _(
            "例：liangheng calc net-content --qn 500 --unit g --batch-size 200 "
            "--values 498.2,501.0,..."
        ),
    )
    p.add_argument("--qn", required=True, help=_("标注净含量 Qn"))
    p.add_argument(
        "--unit",
        required=True,
        help=_("Qn 与实际含量的单位：g kg mL L mm cm m mm2 cm2 dm2 m2 count"),
    )
    p.add_argument("--batch-size", required=True, help=_("批量 N"))
    p.add_argument(
        "--values",
        required=True,
        help=_("样本各件的实际含量（已去皮），逗号分隔，件数须等于抽样方案的样本量"),
    )
    p.set_defaults(run=_run, calc_run=_run_net_content)


def _unit_mark(calcs: Subparsers) -> None:
    p = _add(
        calcs, "unit-mark", _("净含量标注是否使用该范围的法定计量单位（例如 1500 g 应标为 1.5 kg）")
    )
    p.add_argument("--qn", required=True, help=_("标注的数值"))
    p.add_argument("--unit", required=True, help=_("标注的单位"))
    p.set_defaults(run=_run, calc_run=_run_unit_mark)


def _char_height(calcs: Subparsers) -> None:
    p = _add(calcs, "char-height", _("净含量标注的字符高度是否达到最小高度"))
    p.add_argument("--qn", required=True, help=_("标注净含量 Qn"))
    p.add_argument("--unit", required=True, help=_("Qn 的单位"))
    p.add_argument("--height", required=True, help=_("实测字符高度（mm）"))
    p.set_defaults(run=_run, calc_run=_run_char_height)


def _dispenser(calcs: Subparsers) -> None:
    p = _add(
        calcs,
        "dispenser",
        _("燃油加油机示值误差（标准金属量器法，JJG 443），多次测量时计算重复性"),
        _(
            "每次测量给出一组 --indicated 与 --measure-volume（可重复给出，或用逗号分隔多次）；\n"
            "油温 --t-nozzle / --t-measure 给一个值时用于每一次，否则须与次数相同。\n"
            "两次及以上时报告重复性（各次误差的最大值 − 最小值），不据此判定不合格。\n"
            "例：liangheng calc dispenser --indicated 20.00 --measure-volume 19.93 --fuel petrol "
            "--t-nozzle 24 --t-measure 24 --measure-material stainless"
        ),
    )
    p.add_argument("--indicated", action="append", required=True, help=_("加油机示值 V_J（L）"))
    p.add_argument(
        "--measure-volume",
        action="append",
        required=True,
        help=_("量器示值 V_B（L，标称容量 ± 颈部刻度读数）"),
    )
    p.add_argument("--t-nozzle", action="append", required=True, help=_("加油机出口油温 t_J（°C）"))
    p.add_argument("--t-measure", action="append", required=True, help=_("量器内油温 t_B（°C）"))
    p.add_argument(
        "--fuel", required=True, help=_("油品：petrol（汽油）、diesel（柴油）、kerosene（煤油）")
    )
    p.add_argument(
        "--measure-material", required=True, help=_("量器材质：stainless（不锈钢）、carbon（碳钢）")
    )
    p.set_defaults(run=_run, calc_run=_run_dispenser)


def _scale_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--e", required=True, help=_("检定分度值 e（与载荷、示值同一单位，如 g）"))
    p.add_argument("--load", required=True, help=_("载荷 L（砝码的质量）"))
    p.add_argument(
        "--mode",
        default="in-service",
        help=_("in-service：使用中检查，2 倍检定最大允许误差（默认）；verification：检定"),
    )
    p.add_argument(
        "--class", dest="accuracy_class", default="III", help=_("准确度等级 III（默认）或 IIII")
    )


def _scale(calcs: Subparsers) -> None:
    p = _add(
        calcs,
        "scale",
        _("数字指示秤在一个载荷下的示值误差（JJG 539）"),
        _(
            "仅凭示值时误差 E = I − L，距限值不足 ½e 时给出修约提示；\n"
            "给出 --delta-l 时按闪变点法 E = I + ½e − ΔL − L。"
        ),
    )
    _scale_options(p)
    p.add_argument("--indication", required=True, help=_("示值 I"))
    p.add_argument("--delta-l", help=_("闪变点法的附加砝码 ΔL"))
    p.set_defaults(run=_run, calc_run=_run_scale)


def _fair_scale(calcs: Subparsers) -> None:
    p = _add(
        calcs, "fair-scale", _("公平秤核查：同一砝码称量三次，误差与重复性均不超过最大允许误差")
    )
    _scale_options(p)
    p.add_argument(
        "--indications", action="append", required=True, help=_("三次示值，逗号分隔（或重复给出）")
    )
    p.set_defaults(run=_run, calc_run=_run_fair_scale)


def _retail(calcs: Subparsers) -> None:
    p = _add(
        calcs,
        "retail",
        _("零售商品称重核称：短缺不超过负偏差"),
        _(
            "方法：higher 高准确度核称法（默认）；"
            "own 原计量器具核称法（须给 --test-weight-reading）；\n"
            "equal 等准确度核称法（允许 2 倍负偏差）。"
        ),
    )
    p.add_argument("--category", required=True, help=_("商品类别：A B C D gold silver"))
    p.add_argument("--billed", required=True, help=_("结算重量"))
    p.add_argument("--actual", required=True, help=_("核称重量"))
    p.add_argument("--method", default="higher", help=_("核称方法：higher（默认）、own、equal"))
    p.add_argument(
        "--test-weight-reading", help=_("原计量器具核称法：等于核称值的砝码在该器具上的示值")
    )
    p.add_argument("--unit", default="kg", help=_("重量单位：kg（默认）或 g"))
    p.set_defaults(run=_run, calc_run=_run_retail)


def _credit_code(calcs: Subparsers) -> None:
    p = _add(calcs, "credit-code", _("统一社会信用代码校验（GB 32100）"))
    p.add_argument("code", help=_("18 位统一社会信用代码"))
    p.set_defaults(run=_run, calc_run=_run_credit_code)


def _run(args: argparse.Namespace) -> int:
    from checklists.rules.tables import Policy
    from desktop.paths import overrides_dir

    policy = Policy(
        judge_unverified=args.unverified == "judge",
        overrides_dir=args.rules_dir or overrides_dir(),
    )
    result = args.calc_run(args, policy)
    print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    return 0


def _split(values: list[str]) -> list[str]:
    from checklists.rules.numbers import split_values

    return [part for value in values for part in split_values(value)]


def _run_net_content(args: argparse.Namespace, policy: Any) -> Any:
    from checklists.rules.net_content import judge_net_content

    return judge_net_content(args.qn, args.unit, args.batch_size, args.values, policy)


def _run_unit_mark(args: argparse.Namespace, policy: Any) -> Any:
    from checklists.rules.marking import check_unit_mark

    return check_unit_mark(args.qn, args.unit, policy)


def _run_char_height(args: argparse.Namespace, policy: Any) -> Any:
    from checklists.rules.marking import check_char_height

    return check_char_height(args.qn, args.unit, args.height, policy)


def _run_dispenser(args: argparse.Namespace, policy: Any) -> Any:
    from checklists.errors import InputError
    from checklists.rules.dispenser import DispenserRun, judge_dispenser

    indicated, volumes = _split(args.indicated), _split(args.measure_volume)
    if len(indicated) != len(volumes):
        raise InputError(
            _("加油机示值有 {a} 个、量器示值有 {b} 个：每次测量须各有一个。").format(
                a=len(indicated), b=len(volumes)
            )
        )
    nozzle = _per_run(_split(args.t_nozzle), len(indicated), _("加油机油温"))
    measure = _per_run(_split(args.t_measure), len(indicated), _("量器内油温"))
    runs = [DispenserRun(*run) for run in zip(indicated, volumes, nozzle, measure, strict=True)]
    return judge_dispenser(runs, args.fuel, args.measure_material, policy)


def _per_run(values: list[str], runs: int, what: str) -> list[str]:
    from checklists.errors import InputError

    if len(values) == 1:
        return values * runs
    if len(values) != runs:
        raise InputError(
            _("{what}给了 {n} 个值：请给一个（用于每次）或每次一个（共 {runs} 个）。").format(
                what=what, n=len(values), runs=runs
            )
        )
    return values


def _run_scale(args: argparse.Namespace, policy: Any) -> Any:
    from checklists.rules.scale import judge_scale

    return judge_scale(
        args.e,
        args.load,
        args.indication,
        mode=args.mode,
        accuracy_class=args.accuracy_class,
        delta_l=args.delta_l,
        policy=policy,
    )


def _run_fair_scale(args: argparse.Namespace, policy: Any) -> Any:
    from checklists.rules.scale import judge_fair_scale

    return judge_fair_scale(
        args.e,
        args.load,
        _split(args.indications),
        mode=args.mode,
        accuracy_class=args.accuracy_class,
        policy=policy,
    )


def _run_retail(args: argparse.Namespace, policy: Any) -> Any:
    from checklists.rules.retail import judge_retail

    return judge_retail(
        args.category,
        args.billed,
        args.actual,
        method=args.method,
        test_weight_reading=args.test_weight_reading,
        unit=args.unit,
        policy=policy,
    )


def _run_credit_code(args: argparse.Namespace, policy: Any) -> Any:
    from checklists.rules.credit_code import check_credit_code

    return check_credit_code(args.code, policy)
