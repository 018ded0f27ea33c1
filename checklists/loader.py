"""Read and validate checklist definitions (TOML), shipped and office overrides.

Every problem becomes a :class:`~checklists.errors.DefinitionError` whose message names the
file, the path inside it (``sections[2].items[5].kind``, indices counted from 0) and what is
wrong. Nothing else escapes: a malformed file never crashes the app or the CLI.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

from checklists.basis import Basis
from checklists.errors import DefinitionError
from checklists.i18n import _
from checklists.rules import RULE_NAMES
from checklists.schema import (
    NA,
    NEVER,
    NO,
    REPEAT_KINDS,
    SUBJECT_KINDS,
    YES,
    Checklist,
    Conclusion,
    Condition,
    Item,
    ItemKind,
    Measure,
    Option,
    Section,
    Severity,
    Stage,
)

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
VERSION_PATTERN = re.compile(r"^[0-9]{4}\.[0-9]{1,3}$")
# The subfolder of the office overrides folder (desktop.paths.overrides_dir()) for checklists.
OVERRIDES_SUBDIR = "checklists"
_DEFINITIONS_PACKAGE = "checklists.definitions"

_TOP_KEYS = {
    "id",
    "version",
    "title",
    "title_en",
    "description",
    "applies_to",
    "retired",
    "documents",
    "sections",
    "conclusion",
}
_SECTION_KEYS = {
    "id",
    "title",
    "title_en",
    "help",
    "repeat",
    "parent",
    "stage",
    "when",
    "min_instances",
    "items",
}
_ITEM_COMMON = {
    "id",
    "kind",
    "text",
    "text_en",
    "help",
    "required",
    "severity",
    "allow_na",
    "when",
    "basis",
    "measure",
    "penalty",
}
_ITEM_KIND_KEYS: Mapping[ItemKind, set[str]] = {
    ItemKind.YES_NO: {"fail_on"},
    ItemKind.NUMBER: {"unit", "min", "max", "integer"},
    ItemKind.TEXT: set(),
    ItemKind.CHOICE: {"options"},
    ItemKind.DATE: set(),
    ItemKind.PHOTO: set(),
    ItemKind.MEASUREMENT: {"rule", "params", "runs"},
}
_ALL_KIND_KEYS = set().union(*_ITEM_KIND_KEYS.values())
_SEVERITY_KEYS = ("none", "general", "serious")


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _type_name(value: Any) -> str:
    names = {
        bool: _("布尔值"),
        int: _("整数"),
        Decimal: _("小数"),
        str: _("字符串"),
        list: _("数组"),
        dict: _("表"),
    }
    return names.get(type(value), type(value).__name__)


class _Reader:
    """Reads one definition, keeping the file name for every error."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.documents: dict[str, tuple[str, str, str]] = {}
        self.repeat_scopes: dict[str, tuple[str, ...]] = {}
        self.seen_items: dict[str, tuple[Item, tuple[str, ...]]] = {}

    def fail(self, path: str, problem: str) -> NoReturn:
        where = path or _("（文件顶层）")
        raise DefinitionError(
            _("{file}：{path}：{problem}").format(file=self.source, path=where, problem=problem)
        )

    # ------------------------------------------------------------ typed access

    def table(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, _("应为表，实际为{type}").format(type=_type_name(value)))
        return value

    def keys(self, table: dict[str, Any], path: str, allowed: set[str], required: set[str]) -> None:
        for key in table:
            if key not in allowed:
                self.fail(_join(path, key), _("未知的键"))
        for key in sorted(required):
            if key not in table:
                self.fail(_join(path, key), _("缺少必填的键"))

    def string(self, table: dict[str, Any], key: str, path: str, default: str = "") -> str:
        value = table.get(key, default)
        if not isinstance(value, str):
            self.fail(
                _join(path, key), _("应为字符串，实际为{type}").format(type=_type_name(value))
            )
        if key in table and not value.strip():
            self.fail(_join(path, key), _("不能为空"))
        return value

    def boolean(self, table: dict[str, Any], key: str, path: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.fail(
                _join(path, key),
                _("应为 true 或 false，实际为{type}").format(type=_type_name(value)),
            )
        return value

    def integer(self, table: dict[str, Any], key: str, path: str, default: int, low: int) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(_join(path, key), _("应为整数，实际为{type}").format(type=_type_name(value)))
        if value < low:
            self.fail(_join(path, key), _("不能小于 {low}").format(low=low))
        return value

    def number(self, table: dict[str, Any], key: str, path: str) -> Decimal | None:
        if key not in table:
            return None
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            self.fail(_join(path, key), _("应为数值，实际为{type}").format(type=_type_name(value)))
        number = Decimal(value)
        if not number.is_finite():
            self.fail(_join(path, key), _("应为有限的数值"))
        return number

    def array(self, table: dict[str, Any], key: str, path: str) -> list[Any]:
        value = table.get(key, [])
        if not isinstance(value, list):
            self.fail(_join(path, key), _("应为数组，实际为{type}").format(type=_type_name(value)))
        return value

    def strings(self, table: dict[str, Any], key: str, path: str) -> list[str]:
        values = self.array(table, key, path)
        for index, value in enumerate(values):
            if not isinstance(value, str):
                self.fail(
                    _join(_join(path, key), index),
                    _("应为字符串，实际为{type}").format(type=_type_name(value)),
                )
        return values

    def identifier(self, table: dict[str, Any], key: str, path: str) -> str:
        value = self.string(table, key, path)
        if not ID_PATTERN.match(value):
            self.fail(
                _join(path, key),
                _("标识“{value}”无效：只能用小写英文字母、数字和下划线，并以字母开头").format(
                    value=value
                ),
            )
        return value

    def choice(self, value: str, allowed: Iterable[str], path: str, what: str) -> str:
        names = [str(a) for a in allowed]
        if value not in names:
            self.fail(
                path,
                _("未知的{what}“{value}”（可用：{allowed}）").format(
                    what=what, value=value, allowed="、".join(names)
                ),
            )
        return value

    # ------------------------------------------------------------ the checklist

    def checklist(self, data: dict[str, Any], text: str) -> Checklist:
        self.keys(data, "", _TOP_KEYS, {"id", "version", "title", "sections"})
        checklist_id = self.identifier(data, "id", "")
        version = self.string(data, "version", "")
        if not VERSION_PATTERN.match(version):
            self.fail(
                "version",
                _("版本“{value}”无效：应为“年份.序号”，例如 2026.1").format(value=version),
            )
        applies_to = self.strings(data, "applies_to", "")
        for index, kind in enumerate(applies_to):
            self.choice(kind, SUBJECT_KINDS, _join("applies_to", index), _("被检查单位类型"))
        retired = self.strings(data, "retired", "")
        self.read_documents(data)
        sections = self.read_sections(data, set(retired))
        checklist = Checklist(
            id=checklist_id,
            version=version,
            title=self.string(data, "title", ""),
            title_en=self.string(data, "title_en", ""),
            description=self.string(data, "description", ""),
            applies_to=tuple(applies_to),
            retired=tuple(retired),
            sections=sections,
            source_name=self.source,
            source_text=text,
        )
        conclusion = self.read_conclusion(data, checklist)
        if conclusion is None:
            return checklist
        return replace(checklist, conclusion=conclusion)

    def read_documents(self, data: dict[str, Any]) -> None:
        documents = self.table(data.get("documents", {}), "documents")
        for key, value in documents.items():
            path = _join("documents", key)
            if not ID_PATTERN.match(key):
                self.fail(path, _("文件标识“{value}”无效").format(value=key))
            entry = self.table(value, path)
            self.keys(entry, path, {"title", "edition", "source"}, {"title"})
            self.documents[key] = (
                self.string(entry, "title", path),
                self.string(entry, "edition", path),
                self.string(entry, "source", path),
            )

    def read_sections(self, data: dict[str, Any], retired: set[str]) -> tuple[Section, ...]:
        raw = self.array(data, "sections", "")
        if not raw:
            self.fail("sections", _("至少需要一个部分"))
        sections: list[Section] = []
        for index, value in enumerate(raw):
            path = _join("sections", index)
            sections.append(self.read_section(self.table(value, path), path, retired, sections))
        return tuple(sections)

    def read_section(
        self, table: dict[str, Any], path: str, retired: set[str], before: list[Section]
    ) -> Section:
        self.keys(table, path, _SECTION_KEYS, {"id", "title", "items"})
        section_id = self.identifier(table, "id", path)
        if any(s.id == section_id for s in before):
            self.fail(_join(path, "id"), _("部分标识“{id}”重复").format(id=section_id))
        repeat, scope = self.read_scope(table, path)
        stage = Stage(
            self.choice(
                self.string(table, "stage", path, "on_site"), Stage, _join(path, "stage"), _("阶段")
            )
        )
        when = self.read_when(table, path, scope)
        min_default = 1 if repeat else 0
        min_instances = self.integer(table, "min_instances", path, min_default, 0)
        if min_instances and not repeat:
            self.fail(_join(path, "min_instances"), _("只适用于按器具重复的部分（repeat）"))
        raw_items = self.array(table, "items", path)
        if not raw_items:
            self.fail(_join(path, "items"), _("部分中至少需要一个检查项"))
        items = []
        for index, value in enumerate(raw_items):
            item_path = _join(_join(path, "items"), index)
            item = self.read_item(self.table(value, item_path), item_path, scope, retired)
            self.seen_items[item.id] = (item, scope)
            items.append(item)
        return Section(
            id=section_id,
            title=self.string(table, "title", path),
            title_en=self.string(table, "title_en", path),
            help=self.string(table, "help", path),
            repeat=repeat,
            scope=scope,
            stage=stage,
            when=when,
            min_instances=min_instances,
            items=tuple(items),
        )

    def read_scope(self, table: dict[str, Any], path: str) -> tuple[str | None, tuple[str, ...]]:
        if "repeat" not in table:
            if "parent" in table:
                self.fail(_join(path, "parent"), _("只有按器具重复的部分（repeat）才能指定上级"))
            return None, ()
        repeat = self.choice(
            self.string(table, "repeat", path), REPEAT_KINDS, _join(path, "repeat"), _("重复类型")
        )
        scope: tuple[str, ...] = (repeat,)
        if "parent" in table:
            parent = self.string(table, "parent", path)
            if parent == repeat:
                self.fail(_join(path, "parent"), _("上级不能是其自身"))
            if parent not in self.repeat_scopes:
                self.fail(
                    _join(path, "parent"),
                    _("上级“{parent}”必须是前面某个部分的重复类型").format(parent=parent),
                )
            scope = (*self.repeat_scopes[parent], repeat)
        known = self.repeat_scopes.setdefault(repeat, scope)
        if known != scope:
            self.fail(
                _join(path, "parent"),
                _("重复类型“{repeat}”在前面的部分中有不同的上级").format(repeat=repeat),
            )
        return repeat, scope

    def read_item(
        self, table: dict[str, Any], path: str, scope: tuple[str, ...], retired: set[str]
    ) -> Item:
        kind_name = self.string(table, "kind", path) if "kind" in table else ""
        if not kind_name:
            self.fail(_join(path, "kind"), _("缺少必填的键"))
        kind = ItemKind(self.choice(kind_name, ItemKind, _join(path, "kind"), _("类型")))
        for key in table:
            if key in _ALL_KIND_KEYS and key not in _ITEM_KIND_KEYS[kind]:
                self.fail(
                    _join(path, key), _("该键不适用于 {kind} 类型的检查项").format(kind=kind.value)
                )
        self.keys(table, path, _ITEM_COMMON | _ITEM_KIND_KEYS[kind], {"id", "text"})
        item_id = self.identifier(table, "id", path)
        if item_id in self.seen_items:
            self.fail(_join(path, "id"), _("检查项标识“{id}”重复").format(id=item_id))
        if item_id in retired:
            self.fail(
                _join(path, "id"),
                _("检查项标识“{id}”已停用（retired），不得再次使用").format(id=item_id),
            )
        severity = Severity(
            self.choice(
                self.string(table, "severity", path, "general"),
                Severity,
                _join(path, "severity"),
                _("严重程度"),
            )
        )
        fields: dict[str, Any] = {
            "id": item_id,
            "kind": kind,
            "text": self.string(table, "text", path),
            "text_en": self.string(table, "text_en", path),
            "help": self.string(table, "help", path),
            "required": self.boolean(table, "required", path, True),
            "severity": severity,
            "allow_na": self.boolean(table, "allow_na", path, kind is ItemKind.YES_NO),
            "when": self.read_when(table, path, scope),
            "basis": self.read_basis(table, path),
            "measures": self.read_measures(table, path),
            "penalty": self.string(table, "penalty", path),
        }
        fields.update(self.read_kind_fields(kind, table, path))
        item = Item(**fields)
        self.check_failing(item, table, path)
        return item

    def read_kind_fields(self, kind: ItemKind, table: dict[str, Any], path: str) -> dict[str, Any]:
        if kind is ItemKind.YES_NO:
            fail_on = self.string(table, "fail_on", path, NO)
            allowed = (YES, NO, NEVER)
            return {"fail_on": self.choice(fail_on, allowed, _join(path, "fail_on"), _("答案"))}
        if kind is ItemKind.NUMBER:
            return self.read_number_fields(table, path)
        if kind is ItemKind.CHOICE:
            return {"options": self.read_options(table, path)}
        if kind is ItemKind.MEASUREMENT:
            return self.read_measurement_fields(table, path)
        return {}

    def read_number_fields(self, table: dict[str, Any], path: str) -> dict[str, Any]:
        minimum = self.number(table, "min", path)
        maximum = self.number(table, "max", path)
        if minimum is not None and maximum is not None and minimum > maximum:
            self.fail(
                _join(path, "min"),
                _("下限 {min} 大于上限 {max}").format(min=minimum, max=maximum),
            )
        return {
            "unit": self.string(table, "unit", path),
            "minimum": minimum,
            "maximum": maximum,
            "integer": self.boolean(table, "integer", path, False),
        }

    def read_options(self, table: dict[str, Any], path: str) -> tuple[Option, ...]:
        raw = self.array(table, "options", path)
        if len(raw) < 2:
            self.fail(_join(path, "options"), _("选择题至少需要两个选项"))
        options: list[Option] = []
        for index, value in enumerate(raw):
            option_path = _join(_join(path, "options"), index)
            entry = self.table(value, option_path)
            self.keys(entry, option_path, {"value", "text", "text_en", "fails"}, {"value", "text"})
            option_value = self.identifier(entry, "value", option_path)
            if option_value == NA:
                self.fail(_join(option_path, "value"), _("“na”保留给“不适用”，请用 allow_na"))
            if any(o.value == option_value for o in options):
                self.fail(
                    _join(option_path, "value"),
                    _("选项值“{value}”重复").format(value=option_value),
                )
            options.append(
                Option(
                    value=option_value,
                    text=self.string(entry, "text", option_path),
                    text_en=self.string(entry, "text_en", option_path),
                    fails=self.boolean(entry, "fails", option_path, False),
                )
            )
        return tuple(options)

    def read_measurement_fields(self, table: dict[str, Any], path: str) -> dict[str, Any]:
        if "rule" not in table:
            self.fail(_join(path, "rule"), _("测量项必须指定判定规则"))
        rule = self.choice(
            self.string(table, "rule", path), RULE_NAMES, _join(path, "rule"), _("判定规则")
        )
        params = self.table(table.get("params", {}), _join(path, "params"))
        for key, value in params.items():
            if not isinstance(value, str | int | Decimal | bool):
                self.fail(
                    _join(_join(path, "params"), key),
                    _("规则参数应为字符串、数值或布尔值，实际为{type}").format(
                        type=_type_name(value)
                    ),
                )
        return {"rule": rule, "params": params, "runs": self.integer(table, "runs", path, 1, 1)}

    def read_when(
        self, table: dict[str, Any], path: str, scope: tuple[str, ...]
    ) -> tuple[Condition, ...]:
        if "when" not in table:
            return ()
        raw = table["when"]
        entries = raw if isinstance(raw, list) else [raw]
        when_path = _join(path, "when")
        conditions = []
        for index, value in enumerate(entries):
            cond_path = _join(when_path, index) if isinstance(raw, list) else when_path
            conditions.append(self.read_condition(self.table(value, cond_path), cond_path, scope))
        if not conditions:
            self.fail(when_path, _("条件不能为空"))
        return tuple(conditions)

    def read_condition(self, table: dict[str, Any], path: str, scope: tuple[str, ...]) -> Condition:
        self.keys(table, path, {"item", "is"}, {"item", "is"})
        target_id = self.string(table, "item", path)
        if target_id not in self.seen_items:
            self.fail(
                _join(path, "item"),
                _("条件引用的检查项“{id}”不存在或不在本项之前").format(id=target_id),
            )
        target, target_scope = self.seen_items[target_id]
        if scope[: len(target_scope)] != target_scope:
            self.fail(
                _join(path, "item"),
                _("条件引用的检查项“{id}”属于另一组重复器具，无法对应").format(id=target_id),
            )
        raw = table["is"]
        values = [raw] if isinstance(raw, str) else self.strings(table, "is", path)
        if not values:
            self.fail(_join(path, "is"), _("条件至少需要一个答案"))
        if target.kind is ItemKind.YES_NO:
            allowed = [YES, NO, NA]
        elif target.kind is ItemKind.CHOICE:
            allowed = [o.value for o in target.options] + ([NA] if target.allow_na else [])
        else:
            self.fail(
                _join(path, "item"),
                _("条件只能引用是否题或选择题，“{id}”是 {kind}").format(
                    id=target_id, kind=target.kind.value
                ),
            )
        for index, value in enumerate(values):
            value_path = (
                _join(_join(path, "is"), index) if isinstance(raw, list) else _join(path, "is")
            )
            self.choice(value, allowed, value_path, _("答案"))
        return Condition(item_id=target_id, values=tuple(values))

    def read_basis(self, table: dict[str, Any], path: str) -> tuple[Basis, ...]:
        result = []
        for index, value in enumerate(self.array(table, "basis", path)):
            basis_path = _join(_join(path, "basis"), index)
            entry = self.table(value, basis_path)
            self.keys(entry, basis_path, {"doc", "clause", "verified", "note"}, {"doc", "verified"})
            doc = self.string(entry, "doc", basis_path)
            if doc not in self.documents:
                self.fail(
                    _join(basis_path, "doc"),
                    _("文件“{doc}”未在 [documents] 中定义").format(doc=doc),
                )
            title, edition, source = self.documents[doc]
            result.append(
                Basis(
                    document=title,
                    edition=edition,
                    clause=self.string(entry, "clause", basis_path),
                    verified=self.boolean(entry, "verified", basis_path, False),
                    note=self.string(entry, "note", basis_path),
                    source=source,
                )
            )
        return tuple(result)

    def read_measures(self, table: dict[str, Any], path: str) -> tuple[Measure, ...]:
        if "measure" not in table:
            return ()
        raw = table["measure"]
        values = [raw] if isinstance(raw, str) else self.strings(table, "measure", path)
        result = []
        for index, value in enumerate(values):
            value_path = (
                _join(_join(path, "measure"), index)
                if isinstance(raw, list)
                else _join(path, "measure")
            )
            result.append(Measure(self.choice(value, Measure, value_path, _("处理措施"))))
        return tuple(result)

    def check_failing(self, item: Item, table: dict[str, Any], path: str) -> None:
        if item.is_remark or not item.can_fail:
            for key in ("measure", "penalty"):
                if key in table:
                    self.fail(_join(path, key), _("不会判为不符合的检查项不需要处理措施"))
            return
        if not item.basis:
            self.fail(_join(path, "basis"), _("可能判为不符合的检查项必须写明依据"))
        if not item.measures:
            self.fail(_join(path, "measure"), _("可能判为不符合的检查项必须写明建议的处理措施"))

    def read_conclusion(self, data: dict[str, Any], checklist: Checklist) -> Conclusion | None:
        if "conclusion" not in data:
            return None
        table = self.table(data["conclusion"], "conclusion")
        self.keys(table, "conclusion", {"item", "by_severity"}, {"item", "by_severity"})
        item_id = self.string(table, "item", "conclusion")
        if not checklist.has_item(item_id) or checklist.item(item_id).kind is not ItemKind.CHOICE:
            self.fail("conclusion.item", _("结论必须引用本清单中的选择题"))
        item = checklist.item(item_id)
        mapping = self.table(table["by_severity"], "conclusion.by_severity")
        self.keys(mapping, "conclusion.by_severity", set(_SEVERITY_KEYS), set(_SEVERITY_KEYS))
        for key in _SEVERITY_KEYS:
            value_path = _join("conclusion.by_severity", key)
            value = self.string(mapping, key, "conclusion.by_severity")
            self.choice(value, [o.value for o in item.options], value_path, _("选项"))
        return Conclusion(item_id=item_id, by_severity=dict(mapping))


# ---------------------------------------------------------------- entry points


def parse_checklist(data: Mapping[str, Any], source: str, text: str = "") -> Checklist:
    """Validate already-parsed TOML data; ``source`` names it in error messages."""
    reader = _Reader(source)
    try:
        return reader.checklist(dict(data), text)
    except DefinitionError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError) as exc:  # a gap in the checks above
        raise DefinitionError(
            _("{file}：无法读取定义：{error}").format(file=source, error=exc)
        ) from exc


def parse_checklist_text(text: str, source: str) -> Checklist:
    """Parse and validate a definition's TOML text (e.g. the copy kept with a record)."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError(
            _("{file}：TOML 语法错误：{error}").format(file=source, error=exc)
        ) from exc
    return parse_checklist(data, source, text)


def load_checklist(path: Path | str) -> Checklist:
    """Load and validate one definition file."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise DefinitionError(
            _("{file}：无法读取文件：{error}").format(file=path, error=exc.strerror or exc)
        ) from exc
    except UnicodeDecodeError as exc:
        raise DefinitionError(
            _("{file}：文件不是 UTF-8 编码（第 {position} 字节）").format(
                file=path, position=exc.start
            )
        ) from exc
    return parse_checklist_text(text.removeprefix("\ufeff"), str(path))


def shipped_checklists() -> tuple[Checklist, ...]:
    """Every checklist shipped with the app (from source, an install or a frozen bundle)."""
    folder = resources.files(_DEFINITIONS_PACKAGE)
    result = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml") and entry.is_file():
            text = entry.read_bytes().decode("utf-8")
            result.append(parse_checklist_text(text, entry.name))
    return tuple(result)


@dataclass(frozen=True)
class Catalogue:
    """The checklists available: shipped ones, overridden by valid office files.

    An override with the same id and version replaces the shipped one; a newer version is added
    beside it. ``problems`` lists override files that were skipped because they are malformed.
    """

    checklists: tuple[Checklist, ...]
    problems: tuple[DefinitionError, ...] = ()
    from_overrides: frozenset[tuple[str, str]] = frozenset()  # (id, version) from the office

    def is_override(self, checklist: Checklist) -> bool:
        return (checklist.id, checklist.version) in self.from_overrides

    def latest(self, checklist_id: str) -> Checklist:
        """The newest version of ``checklist_id`` (for new inspections); KeyError if none."""
        candidates = [c for c in self.checklists if c.id == checklist_id]
        if not candidates:
            raise KeyError(checklist_id)
        return max(candidates, key=lambda c: c.version_key)

    def get(self, checklist_id: str, version: str) -> Checklist:
        for checklist in self.checklists:
            if checklist.id == checklist_id and checklist.version == version:
                return checklist
        raise KeyError((checklist_id, version))

    def current(self) -> tuple[Checklist, ...]:
        """The newest version of each checklist, in the shipped order."""
        ids = list(dict.fromkeys(c.id for c in self.checklists))
        return tuple(self.latest(checklist_id) for checklist_id in ids)


def load_catalogue(overrides_dir: Path | None = None) -> Catalogue:
    """Shipped checklists plus ``overrides_dir/checklists/*.toml`` (the app passes
    ``desktop.paths.overrides_dir()``). Malformed overrides are skipped and reported."""
    by_key = {(c.id, c.version): c for c in shipped_checklists()}
    problems: list[DefinitionError] = []
    overridden: set[tuple[str, str]] = set()
    folder = overrides_dir / OVERRIDES_SUBDIR if overrides_dir is not None else None
    if folder is not None and folder.is_dir():
        for path in sorted(folder.glob("*.toml")):
            try:
                checklist = load_checklist(path)
            except DefinitionError as exc:
                problems.append(exc)
                continue
            by_key[(checklist.id, checklist.version)] = checklist
            overridden.add((checklist.id, checklist.version))
    ordered = sorted(by_key.values(), key=lambda c: (c.id, c.version_key))
    return Catalogue(tuple(ordered), tuple(problems), frozenset(overridden))
