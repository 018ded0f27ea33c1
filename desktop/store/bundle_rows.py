"""How two versions of a bundle's row compare, what a losing version said, and the conflicts
an import keeps (for :mod:`desktop.store.bundle_merge`, whose docstring gives the rules).

``content`` is a row without its bookkeeping (revision, times, device); of two versions the
higher revision wins, at equal revisions the higher SHA-256 of the content (:func:`wins`); a
losing version is lost work unless it is an older state written by the same device
(:func:`is_lost`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from checklists.i18n import N_, _
from desktop.store import bundle_format as fmt
from desktop.store.bundle_format import Row

_BOOKKEEPING = {"revision", "created_at", "updated_at", "device_id"}


@dataclass(frozen=True)
class Conflict:
    kind: str
    table: str
    record_id: str
    inspection_id: str | None
    kept: str  # "local" or "incoming"
    lost: dict[str, Any]
    note: str = ""

    @property
    def label(self) -> str:
        return _(CONFLICT_KINDS.get(self.kind, self.kind))


CONFLICT_KINDS = {
    "sealed_differs": N_("同一记录的封存内容不同（未导入）"),
    "chain_clash": N_("与本机已有的封存链冲突（未导入）"),
    "document_no_clash": N_("文书编号与本机已有记录重复（未导入）"),
    "amendment_differs": N_("更正记录与本机的不同（未导入）"),
    "draft_superseded": N_("草稿被已定稿的记录取代（草稿内容已保留）"),
    "draft_behind_sealed": N_("收到的草稿晚于本机已定稿的记录（未导入，已保留）"),
    "concurrent_edit": N_("同一内容在两处被修改（采用修订号较高者，另一版本已保留）"),
    "credit_code_clash": N_("统一社会信用代码与本机另一单位重复（保留本机版本）"),
    "matched_differs": N_("与本机同一器具（按出厂编号对应）的登记信息不同（保留本机版本）"),
}


def split_known(
    conn: sqlite3.Connection, conflicts: list[Conflict]
) -> tuple[list[tuple[Conflict, str]], list[Conflict]]:
    """The conflicts no earlier import recorded, each with its ``lost`` as stored JSON, and
    those one did: the same kind, record and kept side with the same losing content, from
    whichever bundle it came (the same file again, or the same record sent again)."""
    fresh: list[tuple[Conflict, str]] = []
    known: list[Conflict] = []
    for conflict in conflicts:
        lost = json.dumps(conflict.lost, ensure_ascii=False, default=_bytes_text)
        if _recorded(conn, conflict, lost):
            known.append(conflict)
        else:
            fresh.append((conflict, lost))
    return fresh, known


def _recorded(conn: sqlite3.Connection, conflict: Conflict, lost: str) -> bool:
    rows = conn.execute(
        "SELECT lost FROM transfer_conflicts WHERE kind = ? AND table_name = ? "
        "AND record_id = ? AND kept = ?",
        (conflict.kind, conflict.table, conflict.record_id, conflict.kept),
    )
    this = json.loads(lost)
    this.pop("bundle_id", None)
    for (text,) in rows:
        earlier = json.loads(text)
        earlier.pop("bundle_id", None)
        if earlier == this:
            return True
    return False


def _bytes_text(value: object) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(type(value).__name__)


def content(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in _BOOKKEEPING}


def _digest(row: Mapping[str, Any]) -> str:
    text = json.dumps(content(row), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def wins(incoming: Mapping[str, Any], local: Mapping[str, Any]) -> bool:
    return (incoming["revision"], _digest(incoming)) > (local["revision"], _digest(local))


def is_lost(loser: Mapping[str, Any], winner: Mapping[str, Any] | None) -> bool:
    """Whether ``loser`` holds work that ``winner`` does not (see the module docstring)."""
    if winner is None:
        return True
    if content(loser) == content(winner):
        return False
    older = loser.get("revision", 0) < winner.get("revision", 0)
    return not (older and loser.get("device_id") == winner.get("device_id"))


def has_work(
    draft: Row,
    draft_rows: Mapping[str, list[Row]],
    sealed: Row,
    sealed_rows: Mapping[str, list[Row]],
    sealer: str,
) -> bool:
    """Whether a draft version of an inspection holds work its sealed version lacks. A row last
    written by the sealing device never does: that device had it, and whatever it did with it
    afterwards (changed, removed, signed again) is what it sealed. A row another device wrote
    (the office, a second laptop) does if the sealed version has no equal of it."""
    if draft["device_id"] != sealer and content(inspection_fields(draft)) != content(
        inspection_fields(sealed)
    ):
        return True
    keys = {"answers": ("item_id", "instance_key"), "signatures": ("role", "position"),
            "attachments": ("sha256",)}  # fmt: skip
    for table, key in keys.items():
        theirs = {tuple(r[k] for k in key): r for r in sealed_rows.get(table, ())}
        for row in draft_rows.get(table, ()):
            if row["device_id"] == sealer or (table == "answers" and row["value"] == "null"):
                continue
            counterpart = theirs.get(tuple(row[k] for k in key))
            if counterpart is None or (
                table != "attachments" and _without_id(row) != _without_id(counterpart)
            ):
                return True
    return False


def _without_id(row: Row) -> Row:
    return {k: v for k, v in content(row).items() if k != "id"}


def _short(value: Any, limit: int = 40) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(table: str, row: Row) -> str:
    """What the losing version of a row said, for the office's conflict list."""
    if table == "answers":
        try:
            value = json.loads(row["value"])
        except (TypeError, ValueError):
            value = row["value"]
        where = row["item_id"] + (f"（{row['instance_key']}）" if row["instance_key"] else "")
        text = _("{item} 未采用的答案：{value}").format(item=where, value=_short(value))
        if row.get("note"):
            text += _("；备注：{note}").format(note=_short(row["note"]))
        return text
    if table == "signatures":
        return _("签名（{role} {n}）：{name}").format(
            role=row["role"], n=row["position"], name=row["name"] or row["kind"]
        )
    if table == "subjects":
        return _("未采用的单位信息：{name}").format(name=row.get("name", ""))
    if table == "instruments":
        return _("未采用的器具信息：{label} {serial}").format(
            label=row.get("label", ""), serial=row.get("serial", "")
        )
    if table == "inspections":
        return _("未采用的记录首部或状态（修订 {n}）").format(n=row.get("revision", "?"))
    return ""


def inspection_fields(row: Row) -> Row:
    return {k: row[k] for k in fmt.COLUMNS["inspections"] if k != "status"}
