"""The append-only audit log (操作记录): who changed what, when, on which device.

Every write of the store appends one row here in the SAME transaction as the change (so a
change and its record commit or vanish together); triggers refuse any UPDATE or DELETE of the
log (schema version 3).

Who (``actor``): for a change to an inspection or anything in it, the inspectors named in its
header at that moment ("王明、李华"): the two officers are jointly responsible for the record
(行政强制法 art.18) and the laptop has no login of its own. For anything else (subjects,
instruments, standards, settings), and for an inspection without named inspectors, the
operating-system user of the laptop. The demo writes "system". ``details`` is JSON with what
changed (the new values; an answer's value as stored).

Actions: ``create``, ``update``, ``answer``, ``header``, ``outcome``, ``not_carried_out``,
``reopen``, ``attach``, ``sign``, ``unsign``, ``deadline``, ``finalize``, ``amend``,
``settings``, ``mark_demo``.
"""

from __future__ import annotations

import getpass
import sqlite3
from collections.abc import Mapping
from functools import cache
from typing import Any

from desktop.store.ids import new_id, utc_now
from desktop.store.records import dumps

SYSTEM = "system"

# The inspectors' names of an inspection's header, or the device user (parameter 2).
_ACTOR = (
    "coalesce(nullif((SELECT group_concat(json_extract(p.value, '$.name'), '、') "
    "FROM inspections i, json_each(i.header, '$.inspectors') p "
    "WHERE i.id = ? AND json_extract(p.value, '$.name') <> ''), ''), ?)"
)
_INSERT = (
    "INSERT INTO audit_log (id, at, device_id, actor, table_name, record_id, action, details) "
)
INSERT_SQL = _INSERT + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
# The line of a saved answer (parameters: id, at, device, actor, inspection, item, instance key,
# the value as stored JSON text, note, revision). SQLite builds ``details`` from the stored text,
# so a keystroke's value is not encoded to JSON a second time; the object is the one
# :func:`append` would write: item_id, instance_key, value, note, revision.
ANSWER_SQL = _INSERT + (
    "VALUES (?, ?, ?, ?, 'answers', ?, 'answer', json_object('item_id', ?, 'instance_key', ?,"
    " 'value', json(?), 'note', ?, 'revision', ?))"
)


@cache
def device_user() -> str:
    """The operating-system user of this laptop, or "system" if it cannot be told."""
    try:
        return getpass.getuser() or SYSTEM
    except (OSError, KeyError, ImportError):
        return SYSTEM


def actor_of(conn: sqlite3.Connection, inspection_id: str) -> str:
    row = conn.execute(f"SELECT {_ACTOR}", (inspection_id, device_user())).fetchone()
    return str(row[0])


def append(
    conn: sqlite3.Connection,
    *,
    device_id: str,
    table: str,
    record_id: str,
    action: str,
    details: Mapping[str, Any] | None = None,
    inspection_id: str | None = None,
    actor: str | None = None,
    at: str | None = None,
) -> None:
    """Append one audit row (inside the caller's transaction). ``inspection_id`` names the
    inspection whose inspectors are the actor; else ``actor`` or the device user. ``at`` is
    the change's own timestamp when it has one (else now)."""
    text = dumps(dict(details or {}))
    at = at or utc_now()
    if actor is None and inspection_id is not None:
        conn.execute(
            f"{_INSERT}SELECT ?, ?, ?, {_ACTOR}, ?, ?, ?, ?",
            (new_id(), at, device_id, inspection_id, device_user(), table, record_id,
             action, text),
        )  # fmt: skip
        return
    conn.execute(
        INSERT_SQL,
        (new_id(), at, device_id, actor or device_user(), table, record_id, action, text),
    )
