"""The loader: every kind of malformed definition names the file, the path and the problem."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checklists.definition_files import MAX_FILE_BYTES
from checklists.errors import DefinitionError
from checklists.loader import load_checklist, parse_checklist, parse_checklist_text
from checklists.schema import ItemKind, Measure, Severity, Stage

SOURCE = "demo.toml"


def _basis() -> list[dict[str, Any]]:
    return [{"doc": "law", "clause": "第九条", "verified": False}]


def valid() -> dict[str, Any]:
    """A small definition that uses every feature; each test breaks one thing."""
    return {
        "id": "demo",
        "version": "2026.1",
        "title": "演示检查",
        "applies_to": ["fuel_station"],
        "retired": ["old_item"],
        "documents": {"law": {"title": "《计量法》", "edition": "2018年修正"}},
        "sections": [
            {
                "id": "general",
                "title": "一般",
                "items": [
                    {
                        "id": "has_system",
                        "kind": "yes_no",
                        "text": "有制度",
                        "measure": "correct",
                        "basis": _basis(),
                    },
                    {"id": "notes", "kind": "text", "text": "说明", "required": False},
                    {
                        "id": "status",
                        "kind": "choice",
                        "text": "状态",
                        "options": [
                            {"value": "ok", "text": "正常"},
                            {"value": "bad", "text": "异常", "fails": True},
                        ],
                        "measure": ["stop_use", "investigate"],
                        "basis": _basis(),
                    },
                    {
                        "id": "count",
                        "kind": "number",
                        "text": "数量",
                        "unit": "%",
                        "min": Decimal(0),
                        "max": Decimal("0.30"),
                        "severity": "note",
                    },
                ],
            },
            {
                "id": "dispensers",
                "title": "加油机",
                "repeat": "dispenser",
                "items": [
                    {
                        "id": "sealed",
                        "kind": "yes_no",
                        "text": "铅封完好",
                        "when": {"item": "has_system", "is": ["yes", "na"]},
                        "measure": "stop_use",
                        "basis": _basis(),
                    }
                ],
            },
            {
                "id": "nozzles",
                "title": "加油枪",
                "repeat": "nozzle",
                "parent": "dispenser",
                "stage": "on_site",
                "items": [
                    {
                        "id": "error",
                        "kind": "measurement",
                        "text": "示值误差",
                        "rule": "scale",
                        "runs": 3,
                        "params": {"mode": "in-service"},
                        "when": [{"item": "sealed", "is": "yes"}, {"item": "status", "is": "ok"}],
                        "measure": "stop_use",
                        "basis": _basis(),
                    }
                ],
            },
        ],
    }


def error_of(data: dict[str, Any]) -> str:
    with pytest.raises(DefinitionError) as caught:
        parse_checklist(data, SOURCE)
    return str(caught.value)


def item(data: dict[str, Any], section: int = 0, index: int = 0) -> dict[str, Any]:
    result: dict[str, Any] = data["sections"][section]["items"][index]
    return result


def test_the_valid_definition_loads_with_every_feature() -> None:
    checklist = parse_checklist(valid(), SOURCE)
    assert checklist.id == "demo"
    assert [s.scope for s in checklist.sections] == [(), ("dispenser",), ("dispenser", "nozzle")]
    status = checklist.item("status")
    assert status.kind is ItemKind.CHOICE
    assert status.measures == (Measure.STOP_USE, Measure.INVESTIGATE)
    assert status.basis[0].document == "《计量法》"
    assert status.basis[0].edition == "2018年修正"
    assert checklist.item("count").maximum == Decimal("0.30")
    assert checklist.item("count").severity is Severity.NOTE
    assert checklist.item("error").runs == 3
    assert len(checklist.item("error").when) == 2
    assert checklist.sections[2].stage is Stage.ON_SITE
    assert checklist.sections[1].min_instances == 1


Mutation = Callable[[dict[str, Any]], None]


def _set(path: list[Any], value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _delete(path: list[Any]) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


def _duplicate_section(data: dict[str, Any]) -> None:
    data["sections"].append(copy.deepcopy(data["sections"][0]))


def _duplicate_item_across_sections(data: dict[str, Any]) -> None:
    item(data, 1)["id"] = "has_system"


S0 = ["sections", 0, "items"]
I0 = [*S0, 0]  # has_system (yes_no)
I1 = [*S0, 1]  # notes (text)
I2 = [*S0, 2]  # status (choice)
I3 = [*S0, 3]  # count (number)
DISP = ["sections", 1]
SEALED = [*DISP, "items", 0]
NOZZLES = ["sections", 2]
ERROR = [*NOZZLES, "items", 0]

CASES: list[tuple[str, Mutation, str, str]] = [
    ("unknown top-level key", _set(["titel"], "x"), "titel", "未知的键"),
    ("missing id", _delete(["id"]), "id", "缺少必填的键"),
    ("title not a string", _set(["title"], 3), "title", "应为字符串，实际为整数"),
    ("empty title", _set(["title"], "  "), "title", "不能为空"),
    ("bad id", _set(["id"], "Demo-1"), "id", "标识“Demo-1”无效"),
    ("bad version", _set(["version"], "2026"), "version", "版本“2026”无效"),
    ("version not a string", _set(["version"], Decimal("2026.1")), "version", "应为字符串"),
    (
        "unknown subject kind",
        _set(["applies_to", 0], "bakery"),
        "applies_to[0]",
        "未知的被检查单位类型",
    ),
    ("empty sections", _set(["sections"], []), "sections", "至少需要一个部分"),
    ("sections not an array", _set(["sections"], {"a": 1}), "sections", "应为数组，实际为表"),
    ("section not a table", _set(["sections", 0], "x"), "sections[0]", "应为表，实际为字符串"),
    ("section without items", _set([*S0], []), "sections[0].items", "至少需要一个检查项"),
    ("duplicate section id", _duplicate_section, "sections[3].id", "部分标识“general”重复"),
    (
        "duplicate item id",
        _duplicate_item_across_sections,
        "sections[1].items[0].id",
        "检查项标识“has_system”重复",
    ),
    ("retired id reused", _set([*I1, "id"], "old_item"), "sections[0].items[1].id", "已停用"),
    (
        "unknown kind",
        _set([*I0, "kind"], "yesno"),
        "sections[0].items[0].kind",
        "未知的类型“yesno”",
    ),
    ("missing kind", _delete([*I1, "kind"]), "sections[0].items[1].kind", "缺少必填的键"),
    ("typo in a key", _set([*I1, "requried"], True), "sections[0].items[1].requried", "未知的键"),
    (
        "key of another kind",
        _set([*I0, "unit"], "g"),
        "sections[0].items[0].unit",
        "不适用于 yes_no",
    ),
    (
        "required not a bool",
        _set([*I1, "required"], "yes"),
        "sections[0].items[1].required",
        "应为 true 或 false",
    ),
    (
        "unknown severity",
        _set([*I0, "severity"], "fatal"),
        "sections[0].items[0].severity",
        "未知的严重程度“fatal”",
    ),
    (
        "bad fail_on",
        _set([*I0, "fail_on"], "maybe"),
        "sections[0].items[0].fail_on",
        "未知的答案“maybe”",
    ),
    (
        "choice without options",
        _delete([*I2, "options"]),
        "sections[0].items[2].options",
        "至少需要两个选项",
    ),
    (
        "duplicate option",
        _set([*I2, "options", 1, "value"], "ok"),
        "sections[0].items[2].options[1].value",
        "选项值“ok”重复",
    ),
    (
        "option named na",
        _set([*I2, "options", 1, "value"], "na"),
        "sections[0].items[2].options[1].value",
        "allow_na",
    ),
    (
        "min above max",
        _set([*I3, "min"], Decimal(5)),
        "sections[0].items[3].min",
        "下限 5 大于上限 0.30",
    ),
    (
        "min not a number",
        _set([*I3, "min"], "five"),
        "sections[0].items[3].min",
        "应为数值，实际为字符串",
    ),
    (
        "measurement without rule",
        _delete([*ERROR, "rule"]),
        "sections[2].items[0].rule",
        "必须指定判定规则",
    ),
    (
        "unknown rule",
        _set([*ERROR, "rule"], "fuel"),
        "sections[2].items[0].rule",
        "未知的判定规则“fuel”",
    ),
    ("zero runs", _set([*ERROR, "runs"], 0), "sections[2].items[0].runs", "不能小于 1"),
    ("runs not an integer", _set([*ERROR, "runs"], True), "sections[2].items[0].runs", "应为整数"),
    (
        "nested rule parameter",
        _set([*ERROR, "params", "mode"], {"a": 1}),
        "sections[2].items[0].params.mode",
        "应为字符串，实际为表",
    ),
    (
        "condition on an unknown item",
        _set([*SEALED, "when", "item"], "nothing"),
        "sections[1].items[0].when.item",
        "“nothing”不存在或不在本项之前",
    ),
    (
        "condition on a later item",
        _set([*I0, "when"], {"item": "status", "is": "ok"}),
        "sections[0].items[0].when.item",
        "不存在或不在本项之前",
    ),
    (
        "condition on itself",
        _set([*I0, "when"], {"item": "has_system", "is": "yes"}),
        "sections[0].items[0].when.item",
        "不存在或不在本项之前",
    ),
    (
        "condition with an impossible answer",
        _set([*SEALED, "when", "is"], ["yes", "maybe"]),
        "sections[1].items[0].when.is[1]",
        "未知的答案“maybe”",
    ),
    (
        "condition on a text item",
        _set([*SEALED, "when", "item"], "notes"),
        "sections[1].items[0].when.item",
        "只能引用是否题或选择题",
    ),
    (
        "condition missing its answer",
        _delete([*SEALED, "when", "is"]),
        "sections[1].items[0].when.is",
        "缺少必填的键",
    ),
    (
        "second condition broken",
        _set([*ERROR, "when", 1, "is"], "gone"),
        "sections[2].items[0].when[1].is",
        "未知的答案“gone”",
    ),
    (
        "unknown repeat kind",
        _set([*DISP, "repeat"], "pump"),
        "sections[1].repeat",
        "未知的重复类型“pump”",
    ),
    (
        "parent not repeated before",
        _set([*NOZZLES, "parent"], "stall"),
        "sections[2].parent",
        "上级“stall”",
    ),
    (
        "parent is itself",
        _set([*NOZZLES, "parent"], "nozzle"),
        "sections[2].parent",
        "上级不能是其自身",
    ),
    (
        "parent without repeat",
        _set(["sections", 0, "parent"], "dispenser"),
        "sections[0].parent",
        "只有按器具重复",
    ),
    (
        "min_instances without repeat",
        _set(["sections", 0, "min_instances"], 1),
        "sections[0].min_instances",
        "只适用于按器具重复的部分",
    ),
    ("unknown stage", _set([*NOZZLES, "stage"], "later"), "sections[2].stage", "未知的阶段“later”"),
    (
        "failing item without basis",
        _delete([*I0, "basis"]),
        "sections[0].items[0].basis",
        "必须写明依据",
    ),
    (
        "failing item without measure",
        _delete([*I0, "measure"]),
        "sections[0].items[0].measure",
        "必须写明建议的处理措施",
    ),
    (
        "measure on a text item",
        _set([*I1, "measure"], "correct"),
        "sections[0].items[1].measure",
        "不需要处理措施",
    ),
    (
        "unknown measure",
        _set([*I0, "measure"], "fine"),
        "sections[0].items[0].measure",
        "未知的处理措施“fine”",
    ),
    (
        "unknown measure in a list",
        _set([*I2, "measure", 1], "jail"),
        "sections[0].items[2].measure[1]",
        "未知的处理措施“jail”",
    ),
    (
        "basis names an undefined document",
        _set([*I0, "basis", 0, "doc"], "jjg"),
        "sections[0].items[0].basis[0].doc",
        "文件“jjg”未在 [documents] 中定义",
    ),
    (
        "basis without verified",
        _delete([*I0, "basis", 0, "verified"]),
        "sections[0].items[0].basis[0].verified",
        "缺少必填的键",
    ),
    (
        "basis with verified as text",
        _set([*I0, "basis", 0, "verified"], "yes"),
        "sections[0].items[0].basis[0].verified",
        "应为 true 或 false",
    ),
    (
        "document without title",
        _delete(["documents", "law", "title"]),
        "documents.law.title",
        "缺少必填的键",
    ),
    (
        "bad document key",
        _set(["documents", "Law-1"], {"title": "x"}),
        "documents.Law-1",
        "文件标识“Law-1”无效",
    ),
    (
        "conclusion on a yes/no item",
        _set(["conclusion"], {"item": "has_system", "by_severity": {}}),
        "conclusion.item",
        "必须引用本清单中的选择题",
    ),
    (
        "conclusion missing a severity",
        _set(["conclusion"], {"item": "status", "by_severity": {"none": "ok", "general": "ok"}}),
        "conclusion.by_severity.serious",
        "缺少必填的键",
    ),
    (
        "conclusion with an unknown option",
        _set(
            ["conclusion"],
            {"item": "status", "by_severity": {"none": "ok", "general": "ok", "serious": "worst"}},
        ),
        "conclusion.by_severity.serious",
        "未知的选项“worst”",
    ),
    (
        "unknown rule parameter",
        _set([*ERROR, "params", "modus"], "in-service"),
        "sections[2].items[0].params.modus",
        "规则“scale”没有参数“modus”",
    ),
    (
        "misspelt rule parameter value",
        _set([*ERROR, "params", "mode"], "in-servce"),
        "sections[2].items[0].params.mode",
        "未知的参数值“in-servce”",
    ),
    (
        "rule parameter of a rule that takes none",
        _set([*ERROR, "rule"], "net_content"),
        "sections[2].items[0].params.mode",
        "规则“net_content”没有参数“mode”（可用：无）",
    ),
    (
        "condition on 不适用 of an item that does not allow it",
        _set([*I0, "allow_na"], False),
        "sections[1].items[0].when.is[1]",
        "未知的答案“na”",
    ),
    (
        "version with a leading zero",
        _set(["version"], "2026.01"),
        "version",
        "版本“2026.01”无效",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "path", "problem"),
    [pytest.param(m, p, problem, id=name) for name, m, p, problem in CASES],
)
def test_malformed_definition_names_file_path_and_problem(
    mutate: Mutation, path: str, problem: str
) -> None:
    data = valid()
    mutate(data)
    message = error_of(data)
    assert message.startswith(f"{SOURCE}：{path}："), message
    assert problem in message


def test_a_condition_on_another_instruments_item_is_refused() -> None:
    data = valid()
    data["sections"].append(
        {
            "id": "closing",
            "title": "结束",
            "items": [
                {
                    "id": "closing_note",
                    "kind": "text",
                    "text": "说明",
                    "when": {"item": "sealed", "is": "yes"},
                }
            ],
        }
    )
    assert "属于另一组重复器具" in error_of(data)
    assert error_of(data).startswith(f"{SOURCE}：sections[3].items[0].when.item：")


def test_a_repeat_kind_nested_differently_in_two_sections_is_refused() -> None:
    data = valid()
    data["sections"].append(
        {
            "id": "nozzles_flat",
            "title": "加油枪",
            "repeat": "nozzle",
            "items": [{"id": "flat_note", "kind": "text", "text": "说明"}],
        }
    )
    message = error_of(data)
    assert message.startswith(f"{SOURCE}：sections[3].parent：")
    assert "不同的上级" in message


# ------------------------------------------------------------------ rule parameters


def dispenser_data() -> dict[str, Any]:
    """valid() with the nozzle error judged by the dispenser rule, which takes the fuel and the
    measure's material from earlier choice items."""
    data = valid()
    data["sections"][0]["items"].append(
        {
            "id": "material",
            "kind": "choice",
            "text": "量器材质",
            "options": [
                {"value": "stainless", "text": "不锈钢"},
                {"value": "carbon", "text": "碳钢"},
            ],
        }
    )
    data["sections"][2]["items"].insert(
        0,
        {
            "id": "fuel",
            "kind": "choice",
            "text": "油品",
            "options": [{"value": "petrol", "text": "汽油"}, {"value": "diesel", "text": "柴油"}],
        },
    )
    error = data["sections"][2]["items"][1]
    error["rule"] = "dispenser"
    error["params"] = {"fuel_item": "fuel", "material_item": "material"}
    return data


def test_the_dispenser_rule_takes_fuel_and_material_from_choice_items() -> None:
    checklist = parse_checklist(dispenser_data(), SOURCE)
    assert checklist.item("error").params == {"fuel_item": "fuel", "material_item": "material"}


def _dispenser_error(params: dict[str, Any]) -> str:
    data = dispenser_data()
    data["sections"][2]["items"][1]["params"] = params
    return error_of(data)


@pytest.mark.parametrize(
    ("params", "path", "problem"),
    [
        ({"fuel_item": "fuel"}, "material_item", "规则“dispenser”必须指定此参数"),
        ({"fuel_item": "notes", "material_item": "material"}, "fuel_item", "应为选择题"),
        ({"fuel_item": "status", "material_item": "material"}, "fuel_item", "不是规则可用的值"),
        ({"fuel_item": "fuel", "material_item": "fuel"}, "material_item", "“petrol、diesel”"),
        (
            {"fuel_item": "nothing", "material_item": "material"},
            "fuel_item",
            "不存在或不在本项之前",
        ),
        ({"fuel_item": 3, "material_item": "material"}, "fuel_item", "应为字符串，实际为整数"),
    ],
    ids=["missing", "not a choice", "unknown options", "wrong item", "unknown item", "not text"],
)
def test_a_dispenser_wiring_error_names_the_parameter(
    params: dict[str, Any], path: str, problem: str
) -> None:
    message = _dispenser_error(params)
    assert message.startswith(f"{SOURCE}：sections[2].items[1].params.{path}："), message
    assert problem in message


def test_a_rule_parameter_item_of_another_instrument_is_refused() -> None:
    data = dispenser_data()
    data["sections"][1]["items"].append(
        {
            "id": "other_fuel",
            "kind": "choice",
            "text": "油品",
            "options": [{"value": "petrol", "text": "汽油"}, {"value": "diesel", "text": "柴油"}],
        }
    )
    data["sections"].append(
        {
            "id": "flat",
            "title": "其他",
            "items": [
                {
                    "id": "flat_error",
                    "kind": "measurement",
                    "text": "示值误差",
                    "rule": "dispenser",
                    "params": {"fuel_item": "other_fuel", "material_item": "material"},
                    "measure": "stop_use",
                    "basis": _basis(),
                }
            ],
        }
    )
    message = error_of(data)
    assert message.startswith(f"{SOURCE}：sections[3].items[0].params.fuel_item：")
    assert "属于另一组重复器具" in message


def test_the_conclusion_must_not_be_a_repeated_item() -> None:
    data = dispenser_data()
    data["conclusion"] = {
        "item": "fuel",
        "by_severity": {"none": "petrol", "general": "petrol", "serious": "diesel"},
    }
    message = error_of(data)
    assert message.startswith(f"{SOURCE}：conclusion.item：")
    assert "不按器具重复" in message


# ------------------------------------------------------------------ files


def test_toml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('id = "demo"\nversion = "2026.1"\ntitle = "未闭合\n', encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_checklist(path)
    message = str(caught.value)
    assert str(path) in message
    assert "TOML 语法错误" in message
    assert f"{path}：第 3 行第 " in message


def test_a_missing_file_is_a_definition_error(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match=r"absent\.toml：文件不存在"):
        load_checklist(tmp_path / "absent.toml")


def test_a_file_that_is_not_utf8_is_a_definition_error(tmp_path: Path) -> None:
    path = tmp_path / "gbk.toml"
    path.write_bytes('title = "加油站"\n'.encode("gbk"))
    with pytest.raises(DefinitionError, match="不是 UTF-8"):
        load_checklist(path)


def test_a_non_utf8_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "gbk.toml"
    path.write_bytes('id = "x"\n\ntitle = "加油站"\n'.encode("gbk"))
    with pytest.raises(DefinitionError, match=r"gbk.toml：第 3 行：文件不是 UTF-8 编码"):
        load_checklist(path)


def test_a_folder_is_a_definition_error(tmp_path: Path) -> None:
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    with pytest.raises(DefinitionError, match=r"folder\.toml：这是一个文件夹"):
        load_checklist(folder)


def test_a_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    path.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    with pytest.raises(DefinitionError, match=r"huge\.toml：文件过大"):
        load_checklist(path)


@pytest.mark.parametrize("opening", ["[", "{a = "], ids=["arrays", "inline tables"])
def test_deeply_nested_toml_is_a_definition_error(tmp_path: Path, opening: str) -> None:
    closing = "]" if opening == "[" else "}"
    inner = "1" if opening != "[" else ""
    path = tmp_path / "deep.toml"
    path.write_text(f"z = {opening * 5000}{inner}{closing * 5000}\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"deep\.toml：.*嵌套层数过多"):
        load_checklist(path)


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    text = (Path(__file__).parent / "data" / "minimal.toml").read_text(encoding="utf-8")
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_checklist(path).id == "minimal"


def test_toml_floats_become_exact_decimals() -> None:
    text = (Path(__file__).parent / "data" / "minimal.toml").read_text(encoding="utf-8")
    checklist = parse_checklist_text(text, "minimal.toml")
    assert checklist.item("repeatability").maximum == Decimal("0.10")
    assert str(checklist.item("repeatability").maximum) == "0.10"


# ------------------------------------------------------------------ robustness


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(_paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend(_paths(child, (*prefix, index)))
    return found


PATHS = _paths(valid())
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.sampled_from(["yes", "no", "na", "dispenser", "nozzle", "has_system", "status", "law"]),
    st.lists(st.text(max_size=3), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@given(path=st.sampled_from(PATHS), value=JUNK, delete=st.booleans())
def test_a_mutated_definition_loads_or_raises_a_precise_definition_error(
    path: tuple[Any, ...], value: Any, delete: bool
) -> None:
    data = valid()
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    try:
        parse_checklist(data, SOURCE)
    except DefinitionError as exc:
        message = str(exc)
    else:
        return
    # Never the catch-all: every problem is found by a specific check with its path.
    assert "无法读取定义" not in message
    assert message.startswith(f"{SOURCE}：")
