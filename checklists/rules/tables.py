"""Rule tables: TOML files that name their document, edition, clause, source and ``verified``.

The tables ship in ``checklists/rules/data/``; an office may place a newer validated file of the
same name in an override folder (the app passes ``desktop.paths.overrides_dir()``), which then
takes precedence. Every number in a table is a TOML *string* ("0.848"), read as an exact
``Decimal``; a TOML float is refused, as is any other malformed entry, with a
:class:`~checklists.errors.DefinitionError` naming the file and the place inside it.

Format, every file::

    [table]
    id = "scale_mpe"                 # the file name without .toml
    document = "JJG 539《数字指示秤检定规程》"
    edition = "2016"
    clause = "最大允许误差"
    source = "https://..."
    verified = false                 # checked against the official text?
    confidence = "MED"               # REFERENCE.md's label: HIGH, MED, LOW, UNVERIFIED
    note = "..."

followed by sections and arrays of rows; a row may carry its own ``verified``, ``document``,
``edition``, ``clause``, ``note`` and ``source``, which override the table's for values read from
that row. A band (a row of a range table) has a lower bound ``above`` (exclusive) or ``from``
(inclusive) and an upper bound ``upto`` (inclusive) or ``below`` (exclusive), as printed in the
regulation; without an upper bound it is open-ended (only where the regulation says so).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

from checklists.basis import Basis
from checklists.errors import DefinitionError
from checklists.i18n import _
from checklists.rules.units import Quantity, Unit, table_unit

CONFIDENCE_LABELS = ("HIGH", "MED", "LOW", "UNVERIFIED")
# Keys whose values are text; every other string value in a table must be a number.
_TEXT_KEYS = frozenset(
    {
        "id",
        "document",
        "edition",
        "clause",
        "source",
        "note",
        "confidence",
        "label",
        "unit",
        "legal",
        "sample",
        "verified",
    }
)
# Arrays of bands, checked to be ascending and contiguous when the file is loaded.
_BAND_ARRAYS = frozenset({"bands", "rounding", "plan"})
_HEADER_TEXT = ("id", "document", "edition", "clause", "source", "confidence")
# Every number in the tables is a magnitude (bounds, limits, coefficients, counts): none is
# negative, and these ones divide or count, so they must be above zero.
_POSITIVE_KEYS = frozenset({"resolution", "test_weight_error_divisor", "weighings", "factor"})


@dataclass(frozen=True)
class Policy:
    """How the calculators judge: ``judge_unverified`` False makes every result that rests on a
    table not checked against the official text *indeterminate* (DESIGN.md, "Verdicts");
    ``overrides_dir`` is the folder whose tables take precedence over the shipped ones."""

    judge_unverified: bool = True
    overrides_dir: Path | None = None


DEFAULT_POLICY = Policy()


def _fail(origin: str, where: str, problem: str) -> DefinitionError:
    return DefinitionError(
        _("规则表 {file} 有误（{where}）：{problem}").format(
            file=origin, where=where, problem=problem
        )
    )


class Row:
    """One TOML table (a section or an element of an array of tables) with typed accessors."""

    def __init__(self, table: RuleTable, data: dict[str, Any], where: str) -> None:
        self._table = table
        self.data = data
        self.where = where

    def _path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def error(self, key: str, problem: str) -> DefinitionError:
        return _fail(self._table.origin, self._path(key), problem)

    def has(self, key: str) -> bool:
        return key in self.data

    def dec(self, key: str) -> Decimal:
        """A number written as a string ("0.848"): exact, finite."""
        if key not in self.data:
            raise self.error(key, _("缺少此项"))
        raw = self.data[key]
        if not isinstance(raw, str):
            raise self.error(
                key,
                _('数值必须写成带引号的字符串（例如 "0.848"），收到 {value!r}').format(value=raw),
            )
        try:
            number = Decimal(raw.strip())
        except InvalidOperation:
            raise self.error(key, _("不是数字：{value!r}").format(value=raw)) from None
        if not number.is_finite():
            raise self.error(key, _("不是有限的数字：{value!r}").format(value=raw))
        return number

    def opt_dec(self, key: str) -> Decimal | None:
        return self.dec(key) if key in self.data else None

    def text(self, key: str) -> str:
        raw = self.data.get(key)
        if not isinstance(raw, str) or not raw.strip():
            raise self.error(key, _("必须是非空的文字"))
        return raw

    def integer(self, key: str) -> int:
        number = self.dec(key)
        if number != number.to_integral_value() or number < 0:
            raise self.error(key, _("必须是非负整数"))
        return int(number)

    def section(self, key: str) -> Row:
        raw = self.data.get(key)
        if not isinstance(raw, dict):
            raise self.error(key, _("缺少此节"))
        return Row(self._table, raw, self._path(key))

    def rows(self, key: str) -> list[Row]:
        raw = self.data.get(key)
        if not isinstance(raw, list) or not raw or not all(isinstance(r, dict) for r in raw):
            raise self.error(key, _("必须是非空的表格数组 [[{key}]]").format(key=key))
        return [Row(self._table, r, f"{self._path(key)}[{i}]") for i, r in enumerate(raw)]

    def basis(self) -> Basis:
        """The table's basis, with this row's own ``verified``, ``document``, ``edition``,
        ``clause``, ``note`` or ``source`` where it has them."""
        basis = self._table.table_basis
        changes: dict[str, Any] = {}
        if "verified" in self.data:
            if not isinstance(self.data["verified"], bool):
                raise self.error("verified", _("必须是 true 或 false"))
            changes["verified"] = self.data["verified"]
        for key in ("document", "edition", "clause", "note", "source"):
            if key in self.data:
                changes[key] = self.text(key)
        return replace(basis, **changes) if changes else basis


class RuleTable(Row):
    """A whole rule file: its :class:`Basis`, REFERENCE.md's confidence label, and its rows."""

    def __init__(self, name: str, origin: str, data: dict[str, Any]) -> None:
        self.name = name
        self.origin = origin
        super().__init__(self, data, "")
        header = self.section("table")
        for key in _HEADER_TEXT:
            header.text(key)
        if header.data["id"] != name:
            raise header.error("id", _("应为 {name}").format(name=name))
        if header.data["confidence"] not in CONFIDENCE_LABELS:
            raise header.error("confidence", ", ".join(CONFIDENCE_LABELS))
        if not isinstance(header.data.get("verified"), bool):
            raise header.error("verified", _("必须是 true 或 false"))
        self.confidence: str = header.data["confidence"]
        _validate_row(self)
        self.table_basis = Basis(
            document=header.data["document"],
            edition=header.data["edition"],
            clause=header.data["clause"],
            verified=header.data["verified"],
            note=str(header.data.get("note", "")),
            source=header.data["source"],
        )


@dataclass(frozen=True)
class Band:
    """One range of a table: ``low`` < (or ≤) value ≤ (or <) ``high``; ``high`` None is open."""

    low: Decimal
    low_inclusive: bool
    high: Decimal | None
    high_inclusive: bool
    row: Row

    def contains(self, value: Decimal) -> bool:
        above = value >= self.low if self.low_inclusive else value > self.low
        if self.high is None:
            return above
        below = value <= self.high if self.high_inclusive else value < self.high
        return above and below

    def describe(self, name: str = "m", unit: str = "") -> str:
        """The band as printed, e.g. "500 < m ≤ 2000" (for the limit shown to the user)."""
        unit = f" {unit}" if unit else ""
        low = f"{self.low}{unit} {'≤' if self.low_inclusive else '<'} {name}"
        if self.high is None:
            return low
        return f"{low} {'≤' if self.high_inclusive else '<'} {self.high}{unit}"


def _band(row: Row) -> Band:
    if row.has("above") == row.has("from"):
        raise row.error("above", _("每一档须有且只有 above（不含）或 from（含）之一"))
    if row.has("upto") and row.has("below"):
        raise row.error("upto", _("upto（含）与 below（不含）只能有一个"))
    low_inclusive = row.has("from")
    low = row.dec("from" if low_inclusive else "above")
    high = row.opt_dec("upto") if row.has("upto") else row.opt_dec("below")
    if high is not None and high <= low:
        raise row.error("upto", _("上限必须大于下限"))
    return Band(low, low_inclusive, high, row.has("upto"), row)


def bands(rows: list[Row]) -> list[Band]:
    """The bands of a range table, checked to be ascending and contiguous without overlap."""
    found = [_band(row) for row in rows]
    for before, after in pairwise(found):
        if before.high is None:
            raise after.row.error("above", _("前一档没有上限，此档多余"))
        joined = before.high == after.low and before.high_inclusive != after.low_inclusive
        if not joined:
            raise after.row.error(
                "above",
                _("必须紧接前一档的上限 {high}（一边含、一边不含）").format(high=before.high),
            )
    return found


def find_band(found: list[Band], value: Decimal) -> Band | None:
    """The band containing ``value``, or None when it lies outside every band."""
    return next((band for band in found if band.contains(value)), None)


def section_unit(section: Row, quantity: Quantity) -> Unit:
    """The unit a section's ``unit`` key names for its bands, checked against ``quantity``."""
    unit = table_unit(section.text("unit"), quantity)
    if unit is None:
        raise section.error("unit", _("不是{quantity}的单位").format(quantity=quantity))
    return unit


def _validate_row(row: Row) -> None:
    """Every value of the file is checked on load, not only those a calculation reads."""
    for key, value in row.data.items():
        if isinstance(value, dict):
            _validate_row(row.section(key))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            found = row.rows(key)
            for child in found:
                _validate_row(child)
            if key in _BAND_ARRAYS:
                bands(found)
        elif key == "verified":
            if not isinstance(value, bool):
                raise row.error(key, _("必须是 true 或 false"))
        elif key == "sample":
            if value != "all":
                row.integer(key)
        elif key == "legal":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise row.error(key, _("必须是单位符号的列表"))
        elif key in _TEXT_KEYS:
            row.text(key)
        else:
            _check_magnitude(row, key)


def _check_magnitude(row: Row, key: str) -> None:
    number = row.dec(key)
    if number < 0:
        raise row.error(key, _("不能为负数：{value}").format(value=number))
    if number == 0 and key in _POSITIVE_KEYS:
        raise row.error(key, _("必须大于零"))


def _read(name: str, overrides_dir: Path | None) -> tuple[str, str]:
    filename = f"{name}.toml"
    if overrides_dir is not None and (overrides_dir / filename).is_file():
        path = overrides_dir / filename
        try:
            return str(path), path.read_text(encoding="utf-8")
        except (OSError, UnicodeError) as exc:
            raise _fail(str(path), "-", str(exc)) from exc
    shipped = resources.files("checklists.rules.data").joinpath(filename)
    return f"checklists/rules/data/{filename}", shipped.read_text(encoding="utf-8")


@lru_cache(maxsize=64)
def load_table(name: str, overrides_dir: Path | None = None) -> RuleTable:
    """The rule table ``name`` (an override file first, else the shipped one), validated."""
    origin, text = _read(name, overrides_dir)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(origin, "TOML", str(exc)) from exc
    return RuleTable(name, origin, data)


def table(name: str, policy: Policy) -> RuleTable:
    return load_table(name, policy.overrides_dir)


def clear_cache() -> None:
    """Forget loaded tables (after an office replaced an override file)."""
    load_table.cache_clear()
