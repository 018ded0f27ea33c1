"""Merging a checked bundle into a database, in one transaction (DESIGN.md "Storage rules").

Rules, record by record:

- **Subjects** with the same id merge by revision (below). A subject new here whose
  统一社会信用代码 is registered here under another id is kept as a row pointing at the
  registered one (``merged_into``: its inspections keep naming it, as their seals require); it
  keeps its own instruments (its records number their dispensers from them), and the register
  of the registered subject shows both, each serial number once. Which subject a row points at
  is this database's own decision, never taken from a bundle.
- **Instruments** with the same id merge by revision; a new one whose serial number and kind
  match an instrument of the same subject is that instrument. **Standards** likewise (serial
  and kind).
- **Inspections**: a new one is added whole. A sealed record is never overwritten: the same
  seal again adds only amendments that continue its chain (and an evidence copy this database
  lacks); a different seal for the same record, or one that clashes with this database's seal
  chain of that device or its document numbers, is a conflict and is not imported. A sealed
  record replaces a draft of itself here. Two drafts merge row by row (the inspection row,
  each answer by item and instance, each signature by role and position) by revision; photos
  are added.
- **By revision**: of two versions of a row, the higher revision counter wins (not the clock:
  laptop clocks are often wrong); at equal revisions, the higher SHA-256 of the content, so
  the result does not depend on the order bundles are imported in. The losing version is kept in
  ``transfer_conflicts`` when it differs in content and is not simply an older state of the
  winner (an older revision written by the same device).
- Audit lines are added once (by id). The import adds its own line for every seal it brings
  in, so ``verify`` can tell "not received yet" from "deleted after import".

Importing the same bundle again changes nothing but the history (``transfers``).
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from desktop.store import audit
from desktop.store import bundle_format as fmt
from desktop.store.bundle_format import Row
from desktop.store.bundle_read import CheckedBundle
from desktop.store.bundle_rows import (
    Conflict,
    content,
    describe,
    has_work,
    is_lost,
    split_known,
    wins,
)
from desktop.store.ids import new_id, utc_now

Progress = Callable[[int, int], None]


@dataclass
class ImportResult:
    transfer_id: str
    bundle_id: str
    peer_device_id: str
    file_name: str
    part: int
    parts: int
    already_imported: bool
    added: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    matched: Counter[str] = field(default_factory=Counter)
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    # the same conflicts as an earlier import recorded (the same file, or the same record sent
    # again): reported, not recorded twice
    known_conflicts: list[Conflict] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "added": dict(self.added),
            "updated": dict(self.updated),
            "matched": dict(self.matched),
            "unchanged": self.unchanged,
            "conflicts": len(self.conflicts),
            "known_conflicts": len(self.known_conflicts),
            "already_imported": self.already_imported,
        }


class _Merger:
    def __init__(self, conn: sqlite3.Connection, bundle: CheckedBundle, result: ImportResult,
                 device_id: str) -> None:  # fmt: skip
        self.conn = conn
        self.bundle = bundle
        self.result = result
        self.device_id = device_id
        self.subject_target: dict[str, str] = {}  # incoming subject id -> registered id here
        self.instrument_map: dict[str, str] = {}
        self.inserts: dict[str, list[Row]] = defaultdict(list)
        self.finalize_ids: list[str] = []
        self.applied: set[str] = set()  # inspections whose rows were taken in
        self.new_seals: list[Row] = []
        children: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
        for table in ("answers", "attachments", "signatures", "seals", "amendments", "evidence"):
            for row in bundle.rows[table]:
                children[row["inspection_id"]][table].append(row)
        self.children = children

    # ------------------------------------------------------------------ helpers
    def local(self, table: str, where: str, params: Iterable[Any]) -> Row | None:
        cursor = self.conn.cursor()
        cursor.row_factory = sqlite3.Row
        names = ", ".join(c for c in fmt.COLUMNS[table])
        sql = f"SELECT {names} FROM {table} WHERE {where}"  # noqa: S608 - our names
        row = cursor.execute(sql, tuple(params)).fetchone()
        return None if row is None else dict(row)

    def local_rows(self, table: str, inspection_id: str) -> list[Row]:
        cursor = self.conn.cursor()
        cursor.row_factory = sqlite3.Row
        names = ", ".join(fmt.COLUMNS[table])
        sql = f"SELECT {names} FROM {table} WHERE inspection_id = ?"  # noqa: S608
        return [dict(r) for r in cursor.execute(sql, (inspection_id,))]

    def conflict(self, kind: str, table: str, record_id: str, inspection_id: str | None,
                 kept: str, lost: dict[str, Any], note: str = "") -> None:  # fmt: skip
        if not note and isinstance(lost.get("row"), dict):
            note = describe(table, lost["row"])
        self.result.conflicts.append(
            Conflict(kind, table, record_id, inspection_id, kept, lost, note)
        )

    def update(self, table: str, key: str, row: Row) -> None:
        """Replace a row's columns with ``row``'s (and, for a signature, its image: in the same
        statement, as the CHECK between kind and image requires)."""
        names = [c for c in fmt.COLUMNS[table] if c != key]
        values = dict(row)
        if table == "signatures":
            names.append("image")
            sha = row["image_sha256"]
            values["image"] = None if sha is None else self.bundle.blob(sha)
        sets = ", ".join(f"{n} = :{n}" for n in names)
        sql = f"UPDATE {table} SET {sets} WHERE {key} = :{key}"  # noqa: S608 - our names
        self.conn.execute(sql, values)
        self.result.updated[table] += 1

    def with_blobs(self, table: str, rows: list[Row]) -> list[Row]:
        """Rows with their blob bytes (base64) for keeping in a conflict."""
        if table not in fmt.BLOBS:
            return rows
        blob, sha = fmt.BLOBS[table]
        kept = []
        for row in rows:
            data = row.get(blob)
            if data is None and row.get(sha):
                data = self.bundle.blob(row[sha])
            copy = {k: v for k, v in row.items() if k != blob}
            if data is not None:
                copy[blob + "_base64"] = base64.b64encode(bytes(data)).decode("ascii")
            kept.append(copy)
        return kept

    def with_local_blob(self, table: str, row: Row) -> Row:
        """A row of this database with its blob column (the bundle need not hold its bytes)."""
        if table not in fmt.BLOBS:
            return row
        blob = fmt.BLOBS[table][0]
        sql = f"SELECT {blob} FROM {table} WHERE id = ?"  # noqa: S608 - our names
        found = self.conn.execute(sql, (row["id"],)).fetchone()
        return {**row, blob: None if found is None else found[0]}

    # ------------------------------------------------------------------ registers
    def registers(self) -> None:
        # registered subjects before those merged into them, dispensers before their nozzles
        subjects = sorted(self.bundle.rows["subjects"], key=lambda r: r["merged_into"] is not None)
        for row in subjects:
            self.subject(dict(row))
        instruments = sorted(
            self.bundle.rows["instruments"], key=lambda r: r["parent_id"] is not None
        )
        for row in instruments:
            self.instrument(dict(row))
        for row in self.bundle.rows["standards"]:
            self.standard(dict(row))

    def registered(self, subject_id: str) -> str:
        row = self.conn.execute(
            "SELECT coalesce(merged_into, id) FROM subjects WHERE id = ?", (subject_id,)
        ).fetchone()
        return subject_id if row is None else str(row[0])

    def subject(self, row: Row) -> None:
        if row["merged_into"] is not None:
            row["merged_into"] = self.subject_target.get(row["merged_into"], row["merged_into"])
        local = self.local("subjects", "id = ?", (row["id"],))
        if local is not None:
            # which subject a record stands for is this database's own decision (made when it
            # arrived under a registered credit code): never taken from a bundle
            row["merged_into"] = local["merged_into"]
            if content(local) != content(row) or local["revision"] != row["revision"]:
                self.merge_subject(local, row)
            self.subject_target[row["id"]] = self.registered(row["id"])
            return
        code = row["credit_code"]
        if row["merged_into"] is None and code is not None:
            found = self.conn.execute(
                "SELECT id FROM subjects WHERE credit_code = ? AND merged_into IS NULL", (code,)
            ).fetchone()
            if found is not None:
                row["merged_into"] = found[0]
                self.result.matched["subjects"] += 1
        self.inserts_now("subjects", [row])
        self.subject_target[row["id"]] = row["merged_into"] or row["id"]

    def merge_subject(self, local: Row, row: Row) -> None:
        if not wins(row, local):
            if is_lost(row, local):
                self.conflict("concurrent_edit", "subjects", row["id"], None, "local", {"row": row})
            return
        code = row["credit_code"]
        if code is not None and row["merged_into"] is None:
            clash = self.conn.execute(
                "SELECT id FROM subjects WHERE credit_code = ? AND merged_into IS NULL AND id <> ?",
                (code, row["id"]),
            ).fetchone()
            if clash is not None:
                # The credit code was added (or corrected) on the laptop and names a subject
                # registered here: the same 被检查单位, so this one is merged into it now, as it
                # would have been had it arrived with the code (with what was merged into it).
                row["merged_into"] = clash[0]
                self.conn.execute(
                    "UPDATE subjects SET merged_into = ? WHERE merged_into = ?",
                    (clash[0], row["id"]),
                )
                self.result.matched["subjects"] += 1
        if is_lost(local, row):
            self.conflict("concurrent_edit", "subjects", row["id"], None, "incoming",
                          {"row": local})  # fmt: skip
        self.update("subjects", "id", row)

    def instrument(self, row: Row) -> None:
        # An instrument stays with the subject row it came with, a merged one included: the
        # records made with it number their dispensers from that subject's instruments.
        if row["parent_id"] is not None:
            row["parent_id"] = self.instrument_map.get(row["parent_id"], row["parent_id"])
        local = self.local("instruments", "id = ?", (row["id"],))
        if local is not None:
            self.instrument_map[row["id"]] = row["id"]
            if content(local) != content(row) and wins(row, local):
                if is_lost(local, row):
                    self.conflict("concurrent_edit", "instruments", row["id"], None, "incoming",
                                  {"row": local})  # fmt: skip
                self.update("instruments", "id", row)
            elif content(local) != content(row) and is_lost(row, local):
                self.conflict("concurrent_edit", "instruments", row["id"], None, "local",
                              {"row": row})  # fmt: skip
            return
        if row["serial"].strip():
            found = self.conn.execute(
                "SELECT id FROM instruments WHERE subject_id = ? AND kind = ? AND serial = ?",
                (row["subject_id"], row["kind"], row["serial"]),
            ).fetchone()
            if found is not None:
                self.instrument_map[row["id"]] = found[0]
                self.result.matched["instruments"] += 1
                self.matched_differs("instruments", found[0], row)
                return
        self.instrument_map[row["id"]] = row["id"]
        self.inserts_now("instruments", [row])

    def standard(self, row: Row) -> None:
        local = self.local("standards", "id = ?", (row["id"],))
        if local is not None:
            if content(local) != content(row) and wins(row, local):
                self.update("standards", "id", row)
            return
        if row["serial"].strip():
            found = self.conn.execute(
                "SELECT id FROM standards WHERE kind = ? AND serial = ?",
                (row["kind"], row["serial"]),
            ).fetchone()
            if found is not None:
                self.result.matched["standards"] += 1
                self.matched_differs("standards", found[0], row)
                return
        self.inserts_now("standards", [row])

    def matched_differs(self, table: str, local_id: str, row: Row) -> None:
        """An instrument or standard matched by serial number whose registered details differ
        (a new certificate, other seal numbers): the details here are kept, the others shown
        as a conflict, not dropped unseen."""
        local = self.local(table, "id = ?", (local_id,))
        skip = {"id", "subject_id", "parent_id", "position"}
        if local is not None and any(
            local[k] != v for k, v in content(row).items() if k not in skip
        ):
            self.conflict("matched_differs", table, row["id"], None, "local", {"row": row})

    # ------------------------------------------------------------------ inspections
    def inspections(self, progress: Progress | None) -> None:
        rows = self.bundle.rows["inspections"]
        for done, row in enumerate(rows, 1):
            self.inspection(row)
            if progress is not None and (done % 50 == 0 or done == len(rows)):
                progress(done, len(rows))

    def inspection(self, row: Row) -> None:
        inspection_id = row["id"]
        mine = self.children[inspection_id]
        local = self.local("inspections", "id = ?", (inspection_id,))
        incoming_sealed = bool(mine["seals"])
        if local is None:
            if incoming_sealed and not self.seal_fits(mine["seals"][0], row):
                return
            self.add(row)
            return
        local_sealed = local["status"] == "finalized"
        if incoming_sealed and local_sealed:
            self.both_sealed(row, local)
        elif incoming_sealed:
            if not self.seal_fits(mine["seals"][0], row):
                return
            self.supersede(row, local)
        elif local_sealed:
            self.behind_sealed(row, local)
        else:
            self.drafts(row, local)

    def add(self, row: Row) -> None:
        """Take in a whole inspection that this database does not have."""
        inspection_id = row["id"]
        mine = self.children[inspection_id]
        sealed = bool(mine["seals"])
        self.inserts["inspections"].append({**row, "status": "draft"} if sealed else row)
        for table in ("answers", "attachments", "signatures"):
            self.inserts[table] += mine[table]
        if sealed:
            self.finalize_ids.append(inspection_id)
            self.inserts["seals"] += mine["seals"]
            self.inserts["amendments"] += mine["amendments"]
            self.inserts["evidence"] += mine["evidence"]
            self.new_seals += mine["seals"]
        self.applied.add(inspection_id)
        self.result.added["inspections"] += 1
        for table in ("answers", "attachments", "signatures", "amendments"):
            self.result.added[table] += len(mine[table])

    def seal_fits(self, seal: Row, row: Row) -> bool:
        """Whether an incoming seal fits this database's chain of its device and numbers."""
        same = self.local("seals", "device_id = ? AND sequence = ?",
                          (seal["device_id"], seal["sequence"]))  # fmt: skip
        before = self.local("seals", "device_id = ? AND sequence = ?",
                            (seal["device_id"], seal["sequence"] - 1))  # fmt: skip
        after = self.local("seals", "device_id = ? AND sequence = ?",
                           (seal["device_id"], seal["sequence"] + 1))  # fmt: skip
        number = self.local("seals", "document_no = ?", (seal["document_no"],))
        kind = None
        if (same is not None and same["inspection_id"] != seal["inspection_id"]) or (
            (before is not None and before["seal_hash"] != seal["prev_seal_hash"])
            or (after is not None and after["prev_seal_hash"] != seal["seal_hash"])
        ):
            kind = "chain_clash"
        elif number is not None and number["inspection_id"] != seal["inspection_id"]:
            kind = "document_no_clash"
        if kind is None:
            return True
        self.conflict(kind, "seals", seal["inspection_id"], seal["inspection_id"], "local",
                      self.unit(row), note=seal["document_no"])  # fmt: skip
        return False

    def unit(self, row: Row) -> dict[str, Any]:
        """An incoming inspection and its rows, for keeping in a conflict."""
        mine = self.children[row["id"]]
        rows = {t: self.with_blobs(t, list(mine[t])) for t in mine}
        return {"inspection": row, "rows": rows, "bundle_id": self.result.bundle_id}

    def local_unit(self, local: Row) -> dict[str, Any]:
        """A local inspection and its rows (with the bytes of photos and signatures)."""
        cursor = self.conn.cursor()
        cursor.row_factory = sqlite3.Row
        rows: dict[str, list[Row]] = {"answers": self.local_rows("answers", local["id"])}
        for table in ("attachments", "signatures"):
            sql = f"SELECT * FROM {table} WHERE inspection_id = ?"  # noqa: S608 - our names
            rows[table] = self.with_blobs(
                table, [dict(r) for r in cursor.execute(sql, (local["id"],))]
            )
        return {"inspection": local, "rows": rows}

    def both_sealed(self, row: Row, local: Row) -> None:
        inspection_id = row["id"]
        mine = self.children[inspection_id]
        seal = mine["seals"][0]
        ours = self.local("seals", "inspection_id = ?", (inspection_id,))
        assert ours is not None
        if ours["seal_hash"] != seal["seal_hash"]:
            self.conflict("sealed_differs", "seals", inspection_id, inspection_id, "local",
                          self.unit(row), note=seal["document_no"])  # fmt: skip
            return
        have = {a["sequence"]: a for a in self.local_rows("amendments", inspection_id)}
        prev = max(have.items())[1]["hash"] if have else ours["seal_hash"]
        fresh = []
        for amendment in sorted(mine["amendments"], key=lambda a: a["sequence"]):
            existing = have.get(amendment["sequence"])
            if existing is not None:
                if existing["hash"] != amendment["hash"]:
                    self.conflict("amendment_differs", "amendments", amendment["id"],
                                  inspection_id, "local", {"row": amendment})  # fmt: skip
                    return
                continue
            if amendment["prev_hash"] != prev:
                self.conflict("amendment_differs", "amendments", amendment["id"], inspection_id,
                              "local", {"row": amendment})  # fmt: skip
                return
            fresh.append(amendment)
            prev = amendment["hash"]
        if fresh:
            self.inserts["amendments"] += fresh
            self.result.added["amendments"] += len(fresh)
            self.applied.add(inspection_id)
        has_evidence = self.local("evidence", "inspection_id = ?", (inspection_id,))
        if mine["evidence"] and has_evidence is None:
            self.inserts["evidence"] += mine["evidence"]
            self.applied.add(inspection_id)
        if not fresh and not (mine["evidence"] and has_evidence is None):
            self.result.unchanged += 1

    def supersede(self, row: Row, local: Row) -> None:
        """A sealed record replaces the draft of itself kept here."""
        inspection_id = row["id"]
        mine = self.children[inspection_id]
        if self.draft_has_work(local, row, mine):
            self.conflict("draft_superseded", "inspections", inspection_id, inspection_id,
                          "incoming", self.local_unit(local))  # fmt: skip
        self.conn.execute("DELETE FROM inspections WHERE id = ?", (inspection_id,))
        self.add(row)
        self.result.added["inspections"] -= 1
        self.result.updated["inspections"] += 1

    def draft_has_work(self, draft: Row, sealed: Row, sealed_rows: Mapping[str, list[Row]]) -> bool:
        """Whether the local draft ``draft`` has anything the incoming sealed version lacks."""
        rows = {
            t: self.local_rows(t, draft["id"]) for t in ("answers", "attachments", "signatures")
        }
        sealer = self.children[sealed["id"]]["seals"][0]["device_id"]
        return has_work(draft, rows, sealed, sealed_rows, sealer)

    def behind_sealed(self, row: Row, local: Row) -> None:
        """A draft arriving for a record sealed here: kept aside only if it holds other work."""
        inspection_id = row["id"]
        sealed_rows = {t: self.local_rows(t, inspection_id)
                       for t in ("answers", "attachments", "signatures")}  # fmt: skip
        seal = self.local("seals", "inspection_id = ?", (inspection_id,))
        sealer = "" if seal is None else seal["device_id"]
        if has_work(row, self.children[inspection_id], local, sealed_rows, sealer):
            self.conflict("draft_behind_sealed", "inspections", inspection_id, inspection_id,
                          "local", self.unit(row))  # fmt: skip
        else:
            self.result.unchanged += 1

    def drafts(self, row: Row, local: Row) -> None:
        """Two unsealed versions: row by row."""
        inspection_id = row["id"]
        mine = self.children[inspection_id]
        changed = False
        if content(local) != content(row) or local["revision"] != row["revision"]:
            if wins(row, local):
                if is_lost(local, row):
                    self.conflict("concurrent_edit", "inspections", inspection_id, inspection_id,
                                  "incoming", {"row": local})  # fmt: skip
                self.update("inspections", "id", row)
                changed = True
            elif is_lost(row, local):
                self.conflict("concurrent_edit", "inspections", inspection_id, inspection_id,
                              "local", {"row": row})  # fmt: skip
        changed |= self.keyed("answers", ("item_id", "instance_key"), inspection_id, mine)
        changed |= self.keyed("signatures", ("role", "position"), inspection_id, mine)
        have = {a["id"] for a in self.local_rows("attachments", inspection_id)}
        fresh = [a for a in mine["attachments"] if a["id"] not in have]
        if fresh:
            self.inserts["attachments"] += fresh
            self.result.added["attachments"] += len(fresh)
            changed = True
        if changed:
            self.applied.add(inspection_id)
        else:
            self.result.unchanged += 1

    def keyed(self, table: str, key: tuple[str, ...], inspection_id: str,
              mine: Mapping[str, list[Row]]) -> bool:  # fmt: skip
        ours = {tuple(r[k] for k in key): r for r in self.local_rows(table, inspection_id)}
        changed = False
        for row in mine[table]:
            local = ours.get(tuple(row[k] for k in key))
            if local is None:
                self.inserts[table].append(row)
                self.result.added[table] += 1
                changed = True
                continue
            if content(local) == content(row) and local["revision"] == row["revision"]:
                continue
            if wins(row, local):
                if is_lost(local, row):
                    self.conflict(
                        "concurrent_edit",
                        table,
                        local["id"],
                        inspection_id,
                        "incoming",
                        {"row": self.with_blobs(table, [self.with_local_blob(table, local)])[0]},
                    )
                self.update(table, "id", {**row, "id": local["id"]})
                changed = True
            elif is_lost(row, local):
                self.conflict("concurrent_edit", table, row["id"], inspection_id, "local",
                              {"row": self.with_blobs(table, [row])[0]})  # fmt: skip
        return changed

    # ------------------------------------------------------------------ writing
    def inserts_now(self, table: str, rows: list[Row]) -> None:
        self.conn.executemany(_insert_sql(table), (_values(table, r) for r in rows))
        self.result.added[table] += len(rows)

    def flush(self) -> None:
        """Insert the rows gathered, in an order the foreign keys and triggers accept."""
        bundle = self.bundle
        for table in ("inspections", "answers", "attachments", "signatures"):
            rows = self.inserts[table]
            if not rows:
                continue
            if table in fmt.BLOBS:
                blob, sha = fmt.BLOBS[table]
                values: Iterator[tuple[Any, ...]] = (
                    (*_values(table, r), None if r[sha] is None else bundle.blob(r[sha]))
                    for r in rows
                )
                self.conn.executemany(_insert_sql(table, blob), values)
            else:
                self.conn.executemany(_insert_sql(table), (_values(table, r) for r in rows))
        self.conn.executemany(
            "UPDATE inspections SET status = 'finalized' WHERE id = ?",
            [(i,) for i in self.finalize_ids],
        )
        self.conn.executemany(
            _insert_sql("seals"), (_values("seals", r) for r in self.inserts["seals"])
        )
        self.conn.executemany(
            _insert_sql("amendments"),
            (_values("amendments", r) for r in self.inserts["amendments"]),
        )
        self.conn.executemany(
            _insert_sql("evidence", "data"),
            ((*_values("evidence", r), bundle.blob(r["sha256"])) for r in self.inserts["evidence"]),
        )
        self.result.added["evidence"] += len(self.inserts["evidence"])

    def audit_lines(self) -> None:
        skip = {c.inspection_id for c in self.result.conflicts if c.kept == "local"} - self.applied
        rows = [r for r in self.bundle.rows["audit_log"] if r["record_id"] not in skip]
        before = self.conn.total_changes
        self.conn.executemany(
            "INSERT OR IGNORE INTO audit_log (id, at, device_id, actor, table_name, record_id, "
            "action, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (_values("audit_log", r) for r in rows),
        )
        self.result.added["audit_log"] += self.conn.total_changes - before
        for seal in self.new_seals:
            audit.append(
                self.conn, device_id=self.device_id, table="seals",
                record_id=seal["inspection_id"], action="import",
                details={"device_id": seal["device_id"], "sequence": seal["sequence"],
                         "bundle_id": self.result.bundle_id},
            )  # fmt: skip


def _insert_sql(table: str, blob: str | None = None) -> str:
    names = list(fmt.COLUMNS[table]) + ([blob] if blob else [])
    marks = ", ".join("?" * len(names))
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"  # noqa: S608


# A row's values in the order of its table's COLUMNS (every table has several: a tuple).
_GETTERS = {table: itemgetter(*columns) for table, columns in fmt.COLUMNS.items()}


def _values(table: str, row: Row) -> tuple[Any, ...]:
    values: tuple[Any, ...] = _GETTERS[table](row)
    return values


def merge(
    conn: sqlite3.Connection,
    bundle: CheckedBundle,
    *,
    device_id: str,
    file_name: str,
    progress: Progress | None = None,
) -> ImportResult:
    """Merge ``bundle`` into the database of ``conn`` (inside the caller's transaction) and
    record the import in the history."""
    manifest = bundle.manifest
    seen = conn.execute(
        "SELECT 1 FROM transfers WHERE direction = 'import' AND bundle_id = ?",
        (manifest.bundle_id,),
    ).fetchone()
    result = ImportResult(
        transfer_id=new_id(), bundle_id=manifest.bundle_id, peer_device_id=manifest.device_id,
        file_name=file_name, part=manifest.part, parts=manifest.parts,
        already_imported=seen is not None,
    )  # fmt: skip
    merger = _Merger(conn, bundle, result, device_id)
    merger.registers()
    merger.inspections(progress)
    merger.flush()
    merger.audit_lines()
    result.added, result.updated = +result.added, +result.updated  # without the zero counts
    fresh, result.known_conflicts = split_known(conn, result.conflicts)
    result.conflicts = [c for c, _lost in fresh]
    conn.execute(
        "INSERT INTO transfers (id, direction, bundle_id, at, device_id, peer_device_id, "
        "file_name, part, parts, summary) VALUES (?, 'import', ?, ?, ?, ?, ?, ?, ?, ?)",
        (result.transfer_id, manifest.bundle_id, utc_now(), device_id, manifest.device_id,
         file_name, manifest.part, manifest.parts,
         json.dumps(result.summary(), ensure_ascii=False)),
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO transfer_conflicts (id, transfer_id, kind, table_name, record_id, "
        "inspection_id, kept, lost, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(new_id(), result.transfer_id, c.kind, c.table, c.record_id, c.inspection_id, c.kept,
          lost, c.note)
         for c, lost in fresh],
    )  # fmt: skip
    return result
