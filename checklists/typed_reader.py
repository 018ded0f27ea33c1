"""Typed access to parsed TOML data that names the file and the path inside it on any error.

The checklist loader builds on :class:`TypedReader`: every accessor either returns a value of
the expected type or raises :class:`~checklists.errors.DefinitionError` with a message such as
``market.toml：sections[2].items[4].rule：未知的判定规则“scales”（可用：…）``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NoReturn

from checklists.errors import DefinitionError
from checklists.i18n import _

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


def join(path: str, key: str | int) -> str:
    """``join("sections", 2)`` -> ``sections[2]``; ``join("sections[2]", "id")`` -> ``...id``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def type_name(value: Any) -> str:
    """The TOML name of a value's type, for messages."""
    names = {
        bool: _("布尔值"),
        int: _("整数"),
        Decimal: _("小数"),
        str: _("字符串"),
        list: _("数组"),
        dict: _("表"),
    }
    return names.get(type(value), type(value).__name__)


class TypedReader:
    """Reads one file's data, keeping the file name for every error."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, problem: str) -> NoReturn:
        where = path or _("（文件顶层）")
        raise DefinitionError(
            _("{file}：{path}：{problem}").format(file=self.source, path=where, problem=problem)
        )

    def table(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, _("应为表，实际为{type}").format(type=type_name(value)))
        return value

    def keys(self, table: dict[str, Any], path: str, allowed: set[str], required: set[str]) -> None:
        for key in table:
            if key not in allowed:
                self.fail(join(path, key), _("未知的键"))
        for key in sorted(required):
            if key not in table:
                self.fail(join(path, key), _("缺少必填的键"))

    def string(self, table: dict[str, Any], key: str, path: str, default: str = "") -> str:
        value = table.get(key, default)
        if not isinstance(value, str):
            self.fail(join(path, key), _("应为字符串，实际为{type}").format(type=type_name(value)))
        if key in table and not value.strip():
            self.fail(join(path, key), _("不能为空"))
        return value

    def boolean(self, table: dict[str, Any], key: str, path: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.fail(
                join(path, key),
                _("应为 true 或 false，实际为{type}").format(type=type_name(value)),
            )
        return value

    def integer(self, table: dict[str, Any], key: str, path: str, default: int, low: int) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(join(path, key), _("应为整数，实际为{type}").format(type=type_name(value)))
        if value < low:
            self.fail(join(path, key), _("不能小于 {low}").format(low=low))
        return value

    def number(self, table: dict[str, Any], key: str, path: str) -> Decimal | None:
        if key not in table:
            return None
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            self.fail(join(path, key), _("应为数值，实际为{type}").format(type=type_name(value)))
        number = Decimal(value)
        if not number.is_finite():
            self.fail(join(path, key), _("应为有限的数值"))
        return number

    def array(self, table: dict[str, Any], key: str, path: str) -> list[Any]:
        value = table.get(key, [])
        if not isinstance(value, list):
            self.fail(join(path, key), _("应为数组，实际为{type}").format(type=type_name(value)))
        return value

    def strings(self, table: dict[str, Any], key: str, path: str) -> list[str]:
        values = self.array(table, key, path)
        for index, value in enumerate(values):
            if not isinstance(value, str):
                self.fail(
                    join(join(path, key), index),
                    _("应为字符串，实际为{type}").format(type=type_name(value)),
                )
        return values

    def identifier(self, table: dict[str, Any], key: str, path: str) -> str:
        value = self.string(table, key, path)
        if not ID_PATTERN.match(value):
            self.fail(
                join(path, key),
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
