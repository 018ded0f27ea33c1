"""Read and validate checklist definitions (TOML); :mod:`checklists.catalogue` gathers the
shipped ones, the office's and those received in bundles.

Every problem becomes a :class:`~checklists.errors.DefinitionError` whose message names the
file, the path inside it (``sections[2].items[5].kind``, indices counted from 0) and what is
wrong. Nothing else escapes: a malformed file never crashes the app or the CLI.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from checklists.basis import Basis
from checklists.definition_files import read_definition_text, syntax_error
from checklists.errors import DefinitionError
from checklists.i18n import _
from checklists.rule_params import RULE_PARAMS, ItemParam
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
from checklists.typed_reader import ID_PATTERN, TypedReader, join

# YEAR.N without leading zeros: "2026.01" and "2026.1" would compare equal but be two files.
VERSION_PATTERN = re.compile(r"^[0-9]{4}\.(0|[1-9][0-9]{0,2})$")

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


class _Reader(TypedReader):
    """Reads one definition, keeping the file name for every error."""

    def __init__(self, source: str) -> None:
        super().__init__(source)
        self.documents: dict[str, tuple[str, str, str]] = {}
        self.repeat_scopes: dict[str, tuple[str, ...]] = {}
        self.seen_items: dict[str, tuple[Item, tuple[str, ...]]] = {}

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
            self.choice(kind, SUBJECT_KINDS, join("applies_to", index), _("被检查单位类型"))
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
            path = join("documents", key)
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
            path = join("sections", index)
            sections.append(self.read_section(self.table(value, path), path, retired, sections))
        return tuple(sections)

    def read_section(
        self, table: dict[str, Any], path: str, retired: set[str], before: list[Section]
    ) -> Section:
        self.keys(table, path, _SECTION_KEYS, {"id", "title", "items"})
        section_id = self.identifier(table, "id", path)
        if any(s.id == section_id for s in before):
            self.fail(join(path, "id"), _("部分标识“{id}”重复").format(id=section_id))
        repeat, scope = self.read_scope(table, path)
        stage = Stage(
            self.choice(
                self.string(table, "stage", path, "on_site"), Stage, join(path, "stage"), _("阶段")
            )
        )
        when = self.read_when(table, path, scope)
        min_default = 1 if repeat else 0
        min_instances = self.integer(table, "min_instances", path, min_default, 0)
        if min_instances and not repeat:
            self.fail(join(path, "min_instances"), _("只适用于按器具重复的部分（repeat）"))
        raw_items = self.array(table, "items", path)
        if not raw_items:
            self.fail(join(path, "items"), _("部分中至少需要一个检查项"))
        items = []
        for index, value in enumerate(raw_items):
            item_path = join(join(path, "items"), index)
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
                self.fail(join(path, "parent"), _("只有按器具重复的部分（repeat）才能指定上级"))
            return None, ()
        repeat = self.choice(
            self.string(table, "repeat", path), REPEAT_KINDS, join(path, "repeat"), _("重复类型")
        )
        scope: tuple[str, ...] = (repeat,)
        if "parent" in table:
            parent = self.string(table, "parent", path)
            if parent == repeat:
                self.fail(join(path, "parent"), _("上级不能是其自身"))
            if parent not in self.repeat_scopes:
                self.fail(
                    join(path, "parent"),
                    _("上级“{parent}”必须是前面某个部分的重复类型").format(parent=parent),
                )
            scope = (*self.repeat_scopes[parent], repeat)
        known = self.repeat_scopes.setdefault(repeat, scope)
        if known != scope:
            self.fail(
                join(path, "parent"),
                _("重复类型“{repeat}”在前面的部分中有不同的上级").format(repeat=repeat),
            )
        return repeat, scope

    def read_item(
        self, table: dict[str, Any], path: str, scope: tuple[str, ...], retired: set[str]
    ) -> Item:
        kind_name = self.string(table, "kind", path) if "kind" in table else ""
        if not kind_name:
            self.fail(join(path, "kind"), _("缺少必填的键"))
        kind = ItemKind(self.choice(kind_name, ItemKind, join(path, "kind"), _("类型")))
        for key in table:
            if key in _ALL_KIND_KEYS and key not in _ITEM_KIND_KEYS[kind]:
                self.fail(
                    join(path, key), _("该键不适用于 {kind} 类型的检查项").format(kind=kind.value)
                )
        self.keys(table, path, _ITEM_COMMON | _ITEM_KIND_KEYS[kind], {"id", "text"})
        item_id = self.identifier(table, "id", path)
        if item_id in self.seen_items:
            self.fail(join(path, "id"), _("检查项标识“{id}”重复").format(id=item_id))
        if item_id in retired:
            self.fail(
                join(path, "id"),
                _("检查项标识“{id}”已停用（retired），不得再次使用").format(id=item_id),
            )
        severity = Severity(
            self.choice(
                self.string(table, "severity", path, "general"),
                Severity,
                join(path, "severity"),
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
        fields.update(self.read_kind_fields(kind, table, path, scope))
        item = Item(**fields)
        self.check_failing(item, table, path)
        return item

    def read_kind_fields(
        self, kind: ItemKind, table: dict[str, Any], path: str, scope: tuple[str, ...]
    ) -> dict[str, Any]:
        if kind is ItemKind.YES_NO:
            fail_on = self.string(table, "fail_on", path, NO)
            allowed = (YES, NO, NEVER)
            return {"fail_on": self.choice(fail_on, allowed, join(path, "fail_on"), _("答案"))}
        if kind is ItemKind.NUMBER:
            return self.read_number_fields(table, path)
        if kind is ItemKind.CHOICE:
            return {"options": self.read_options(table, path)}
        if kind is ItemKind.MEASUREMENT:
            return self.read_measurement_fields(table, path, scope)
        return {}

    def read_number_fields(self, table: dict[str, Any], path: str) -> dict[str, Any]:
        minimum = self.number(table, "min", path)
        maximum = self.number(table, "max", path)
        if minimum is not None and maximum is not None and minimum > maximum:
            self.fail(
                join(path, "min"),
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
            self.fail(join(path, "options"), _("选择题至少需要两个选项"))
        options: list[Option] = []
        for index, value in enumerate(raw):
            option_path = join(join(path, "options"), index)
            entry = self.table(value, option_path)
            self.keys(entry, option_path, {"value", "text", "text_en", "fails"}, {"value", "text"})
            option_value = self.identifier(entry, "value", option_path)
            if option_value == NA:
                self.fail(join(option_path, "value"), _("“na”保留给“不适用”，请用 allow_na"))
            if any(o.value == option_value for o in options):
                self.fail(
                    join(option_path, "value"),
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

    def read_measurement_fields(
        self, table: dict[str, Any], path: str, scope: tuple[str, ...]
    ) -> dict[str, Any]:
        if "rule" not in table:
            self.fail(join(path, "rule"), _("测量项必须指定判定规则"))
        rule = self.choice(
            self.string(table, "rule", path), RULE_NAMES, join(path, "rule"), _("判定规则")
        )
        params = self.read_params(rule, table, join(path, "params"), scope)
        return {"rule": rule, "params": params, "runs": self.integer(table, "runs", path, 1, 1)}

    def read_params(
        self, rule: str, table: dict[str, Any], path: str, scope: tuple[str, ...]
    ) -> dict[str, Any]:
        params = self.table(table.get("params", {}), path)
        spec = RULE_PARAMS[rule]
        for key in params:
            if key not in spec.values and key not in spec.items:
                allowed = "、".join(spec.names()) or _("无")
                self.fail(
                    join(path, key),
                    _("规则“{rule}”没有参数“{key}”（可用：{allowed}）").format(
                        rule=rule, key=key, allowed=allowed
                    ),
                )
        for key in sorted(spec.required):
            if key not in params:
                self.fail(join(path, key), _("规则“{rule}”必须指定此参数").format(rule=rule))
        for key, allowed_values in spec.values.items():
            if key in params:
                value = self.string(params, key, path)
                self.choice(value, allowed_values, join(path, key), _("参数值"))
        for key, item_param in spec.items.items():
            if key in params:
                self.check_item_param(
                    self.string(params, key, path), item_param, join(path, key), scope
                )
        return params

    def check_item_param(
        self, item_id: str, param: ItemParam, path: str, scope: tuple[str, ...]
    ) -> None:
        """The rule takes this value from the answer to an earlier choice item."""
        target = self.earlier_item(item_id, path, scope)
        if target.kind is not ItemKind.CHOICE:
            self.fail(
                path,
                _("“{id}”应为选择题，实际为 {kind}").format(id=item_id, kind=target.kind.value),
            )
        unknown = [o.value for o in target.options if o.value not in param.accepts]
        if unknown:
            self.fail(
                path,
                _("“{id}”的选项“{values}”不是规则可用的值（可用：{allowed}）").format(
                    id=item_id, values="、".join(unknown), allowed="、".join(sorted(param.accepts))
                ),
            )

    def earlier_item(self, item_id: str, path: str, scope: tuple[str, ...]) -> Item:
        """An item defined before ``path`` in the same or an enclosing instrument."""
        if item_id not in self.seen_items:
            self.fail(path, _("引用的检查项“{id}”不存在或不在本项之前").format(id=item_id))
        target, target_scope = self.seen_items[item_id]
        if scope[: len(target_scope)] != target_scope:
            self.fail(
                path,
                _("引用的检查项“{id}”属于另一组重复器具，无法对应").format(id=item_id),
            )
        return target

    def read_when(
        self, table: dict[str, Any], path: str, scope: tuple[str, ...]
    ) -> tuple[Condition, ...]:
        if "when" not in table:
            return ()
        raw = table["when"]
        entries = raw if isinstance(raw, list) else [raw]
        when_path = join(path, "when")
        conditions = []
        for index, value in enumerate(entries):
            cond_path = join(when_path, index) if isinstance(raw, list) else when_path
            conditions.append(self.read_condition(self.table(value, cond_path), cond_path, scope))
        if not conditions:
            self.fail(when_path, _("条件不能为空"))
        return tuple(conditions)

    def read_condition(self, table: dict[str, Any], path: str, scope: tuple[str, ...]) -> Condition:
        self.keys(table, path, {"item", "is"}, {"item", "is"})
        target_id = self.string(table, "item", path)
        target = self.earlier_item(target_id, join(path, "item"), scope)
        raw = table["is"]
        values = [raw] if isinstance(raw, str) else self.strings(table, "is", path)
        if not values:
            self.fail(join(path, "is"), _("条件至少需要一个答案"))
        # "na" only where the target item can be answered 不适用: otherwise the condition
        # could never hold and the item would silently never be asked.
        not_applicable = [NA] if target.allow_na else []
        if target.kind is ItemKind.YES_NO:
            allowed = [YES, NO, *not_applicable]
        elif target.kind is ItemKind.CHOICE:
            allowed = [o.value for o in target.options] + not_applicable
        else:
            self.fail(
                join(path, "item"),
                _("条件只能引用是否题或选择题，“{id}”是 {kind}").format(
                    id=target_id, kind=target.kind.value
                ),
            )
        for index, value in enumerate(values):
            value_path = (
                join(join(path, "is"), index) if isinstance(raw, list) else join(path, "is")
            )
            self.choice(value, allowed, value_path, _("答案"))
        return Condition(item_id=target_id, values=tuple(values))

    def read_basis(self, table: dict[str, Any], path: str) -> tuple[Basis, ...]:
        result = []
        for index, value in enumerate(self.array(table, "basis", path)):
            basis_path = join(join(path, "basis"), index)
            entry = self.table(value, basis_path)
            self.keys(entry, basis_path, {"doc", "clause", "verified", "note"}, {"doc", "verified"})
            doc = self.string(entry, "doc", basis_path)
            if doc not in self.documents:
                self.fail(
                    join(basis_path, "doc"),
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
                join(join(path, "measure"), index)
                if isinstance(raw, list)
                else join(path, "measure")
            )
            result.append(Measure(self.choice(value, Measure, value_path, _("处理措施"))))
        return tuple(result)

    def check_failing(self, item: Item, table: dict[str, Any], path: str) -> None:
        if item.is_remark or not item.can_fail:
            for key in ("measure", "penalty"):
                if key in table:
                    self.fail(join(path, key), _("不会判为不符合的检查项不需要处理措施"))
            return
        if not item.basis:
            self.fail(join(path, "basis"), _("可能判为不符合的检查项必须写明依据"))
        if not item.measures:
            self.fail(join(path, "measure"), _("可能判为不符合的检查项必须写明建议的处理措施"))

    def read_conclusion(self, data: dict[str, Any], checklist: Checklist) -> Conclusion | None:
        if "conclusion" not in data:
            return None
        table = self.table(data["conclusion"], "conclusion")
        self.keys(table, "conclusion", {"item", "by_severity"}, {"item", "by_severity"})
        item_id = self.string(table, "item", "conclusion")
        if not checklist.has_item(item_id) or checklist.item(item_id).kind is not ItemKind.CHOICE:
            self.fail("conclusion.item", _("结论必须引用本清单中的选择题"))
        if checklist.section_of(item_id).scope:
            self.fail("conclusion.item", _("结论只能引用不按器具重复的部分中的选择题"))
        item = checklist.item(item_id)
        mapping = self.table(table["by_severity"], "conclusion.by_severity")
        self.keys(mapping, "conclusion.by_severity", set(_SEVERITY_KEYS), set(_SEVERITY_KEYS))
        for key in _SEVERITY_KEYS:
            value_path = join("conclusion.by_severity", key)
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
        raise syntax_error(source, exc) from exc
    except RecursionError as exc:  # tomllib recurses once per nested array or inline table
        raise DefinitionError(
            _("{file}：数组或表嵌套层数过多，不是有效的检查表定义").format(file=source)
        ) from exc
    return parse_checklist(data, source, text)


def load_checklist(path: Path | str) -> Checklist:
    """Load and validate one definition file."""
    path = Path(path)
    return parse_checklist_text(read_definition_text(path), str(path))
