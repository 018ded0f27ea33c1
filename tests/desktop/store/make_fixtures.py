"""Make the fixture database of each schema version: ``fixtures/v{N}.sqlite3``.

Run it when a migration is added (``.venv/bin/python tests/desktop/store/make_fixtures.py``),
then commit the new file with ``git add -f`` (``*.sqlite3`` is ignored). Released fixtures are
never regenerated: they stand for databases that exist on inspectors' laptops.

Each fixture is the schema at that version (migrations 1..N) plus the rows of :data:`ROWS`,
written with plain SQL valid at that version; ``test_store_migrations.py`` migrates a copy of
each to the latest version and checks every row is still there.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).resolve().parent / "fixtures"

DEVICE = "0190a000-0000-7000-8000-00000000d001"
STAMP = {"revision": 1, "created_at": "2026-05-11T01:02:03.004Z", "device_id": DEVICE}
PHOTO = bytes(range(256)) * 4

SUBJECT = {
    "id": "0190a000-0000-7000-8000-000000000001",
    "name": "中国石油天然气股份有限公司辽宁沈阳销售分公司新民大民屯加油站",
    "credit_code": "91210181MA0Y8K2L0C",
    "kind": "fuel_station",
    "address": "新民市大民屯镇大民屯村",
    "city": "沈阳市",
    "county": "新民市",
    "township": "大民屯镇",
}
DISPENSER = {
    "id": "0190a000-0000-7000-8000-000000000002",
    "subject_id": SUBJECT["id"],
    "kind": "dispenser",
    "label": "1号加油机",
    "serial": "ZX2021-0457",
    "seal_numbers": '["LN2101-000123","LN2101-000124","LN2101-000125"]',
    "certificate_no": "沈计检加字2026-0457",
    "valid_until": "2026-10-31",
}
NOZZLE = {
    "id": "0190a000-0000-7000-8000-000000000003",
    "subject_id": SUBJECT["id"],
    "parent_id": DISPENSER["id"],
    "kind": "nozzle",
    "label": "1号枪",
    "extra": '{"fuel":"92号汽油"}',
}
STANDARD = {
    "id": "0190a000-0000-7000-8000-000000000004",
    "name": "二等标准金属量器 20 L",
    "kind": "measure_20l",
    "serial": "JL-20-0815",
    "certificate_no": "辽计标2026-0815",
    "valid_until": "2027-03-31",
}
INSPECTION = {
    "id": "0190a000-0000-7000-8000-000000000005",
    "subject_id": SUBJECT["id"],
    "checklist_id": "fuel_station",
    "checklist_version": "2026.1",
    "status": "draft",
    "inspection_date": "2026-05-11",
    "started_at": "2026-05-11T01:02:03.004Z",
    "subject_name": SUBJECT["name"],
    "subject_credit_code": SUBJECT["credit_code"],
    "township": "大民屯镇",
    "inspecting_unit": "新民市市场监督管理局",
    "header": '{"inspectors":[{"name":"王立新","certificate_no":"21010001"},'
    '{"name":"刘丽","certificate_no":"21010002"}]}',
}
ANSWERS = [
    {
        "id": "0190a000-0000-7000-8000-000000000006",
        "inspection_id": INSPECTION["id"],
        "item_id": "mgmt_system",
        "instance_key": "",
        "value": '"yes"',
        "revision": 3,
    },
    {
        "id": "0190a000-0000-7000-8000-000000000007",
        "inspection_id": INSPECTION["id"],
        "item_id": "nozzle_error",
        "instance_key": "dispenser:1/nozzle:1",
        "value": '{"inputs":{"indicated":"20.00","measure":"19.98"},'
        '"result":{"verdict":"pass","limit":{"mpe_percent":"0.30"}}}',
        "note": "油温 18 ℃",
    },
]
ATTACHMENT = {
    "id": "0190a000-0000-7000-8000-000000000008",
    "inspection_id": INSPECTION["id"],
    "item_id": "seal_numbers",
    "filename": "铅封.jpg",
    "mime": "image/jpeg",
    "size": len(PHOTO),
    "sha256": hashlib.sha256(PHOTO).hexdigest(),
    "data": PHOTO,
}
RESUME = {
    "inspection_id": INSPECTION["id"],
    "section": "dispenser",
    "item_id": "seal_adjustment",
    "instance_key": "dispenser:1",
    "updated_at": "2026-05-11T01:09:00.000Z",
}

# table -> rows, in an order that satisfies the foreign keys
ROWS: dict[str, list[dict[str, Any]]] = {
    "subjects": [SUBJECT],
    "instruments": [DISPENSER, NOZZLE],
    "standards": [STANDARD],
    "inspections": [INSPECTION],
    "answers": ANSWERS,
    "attachments": [ATTACHMENT],
    "resume_positions": [RESUME],
}


def _insert(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> None:
    if table != "resume_positions":
        row = {**STAMP, "updated_at": STAMP["created_at"], **row}
    names = ", ".join(row)
    marks = ", ".join("?" * len(row))
    conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(row.values()))


def write_rows_v1(conn: sqlite3.Connection) -> None:
    """The rows of :data:`ROWS` in the shape of schema version 1 (still valid at version 2)."""
    for table, rows in ROWS.items():
        for row in rows:
            _insert(conn, table, row)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'device_id'", (DEVICE,))


# Version 3: a second inspection, sealed, with signatures, an amendment and audit lines.
SEALED = {
    **INSPECTION,
    "id": "0190a000-0000-7000-8000-000000000009",
    "status": "draft",  # finalized after its answers and signatures are in (triggers)
    "outcome": "correction_ordered",
    "ended_at": "2026-05-11T02:30:00.000Z",
}
SEALED_ANSWERS = [
    {**ANSWERS[0], "id": "0190a000-0000-7000-8000-00000000000a", "inspection_id": SEALED["id"],
     "item_id": "mgmt_system", "value": '"no"', "revision": 1},
    {**ANSWERS[1], "id": "0190a000-0000-7000-8000-00000000000b", "inspection_id": SEALED["id"]},
]  # fmt: skip
SIGNATURE_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010800000000"
    "3a7e9b550000000a49444154789c63686800000082008177cd72b60000000049454e44ae426082"
)
SIGNATURES = [
    {"id": "0190a000-0000-7000-8000-00000000000c", "role": "inspector", "position": 1,
     "name": "王立新", "kind": "drawn", "image": SIGNATURE_PNG,
     "image_sha256": hashlib.sha256(SIGNATURE_PNG).hexdigest()},
    {"id": "0190a000-0000-7000-8000-00000000000d", "role": "inspector", "position": 2,
     "name": "刘丽", "kind": "paper"},
    {"id": "0190a000-0000-7000-8000-00000000000e", "role": "party", "position": 0,
     "name": "", "kind": "refused", "note": "当事人拒绝签名，由执法人员注明。"},
]  # fmt: skip
SEAL = {
    "inspection_id": SEALED["id"],
    "device_id": DEVICE,
    "sequence": 1,
    "canonical_version": 1,
    "document_no": "计检〔2026〕FXTUR-0001号",
    "number_year": 2026,
    "number_seq": 1,
    "sealed_at": "2026-05-11T02:31:00.000Z",
    "actor": "王立新、刘丽",
}
AMENDMENT = {
    "id": "0190a000-0000-7000-8000-00000000000f",
    "inspection_id": SEALED["id"],
    "sequence": 1,
    "reason": "笔误：计量管理制度实际已建立",
    "changes": '[{"item_id":"mgmt_system","instance_key":"","old":"no","new":"yes"}]',
    "created_at": "2026-05-12T01:00:00.000Z",
    "device_id": DEVICE,
    "actor": "王立新、刘丽",
}


def write_rows_v3(conn: sqlite3.Connection) -> None:
    """Version 1's rows, and a sealed record with an amendment (hashes by seal version 1)."""
    from desktop.store import seal

    write_rows_v1(conn)
    _insert(conn, "inspections", {**SEALED, "rectification_deadline": "2026-05-25"})
    for answer in SEALED_ANSWERS:
        _insert(conn, "answers", answer)
    for signature in SIGNATURES:
        row = {"inspection_id": SEALED["id"], "signed_at": "2026-05-11T02:29:00.000Z",
               **signature}  # fmt: skip
        _insert(conn, "signatures", row)
    conn.execute("UPDATE inspections SET status = 'finalized' WHERE id = ?", (SEALED["id"],))
    content = seal.load_content(conn, SEALED["id"])
    assert content is not None
    digest = seal.seal_hash(seal.GENESIS, content, SEAL)
    row = {**SEAL, "prev_seal_hash": seal.GENESIS, "seal_hash": digest}
    _plain_insert(conn, "seals", row)
    amendment = {**AMENDMENT, "prev_hash": digest}
    amendment["hash"] = seal.amendment_hash(digest, amendment)
    _plain_insert(conn, "amendments", amendment)
    for n, action in enumerate(("create", "answer", "sign", "finalize", "amend")):
        _plain_insert(conn, "audit_log", {
            "id": f"0190a000-0000-7000-8000-0000000001{n:02d}", "at": f"2026-05-11T02:3{n}:00.000Z",
            "device_id": DEVICE, "actor": "王立新、刘丽", "table_name": "inspections",
            "record_id": SEALED["id"], "action": action, "details": "{}",
        })  # fmt: skip


def _plain_insert(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> None:
    names = ", ".join(row)
    marks = ", ".join("?" * len(row))
    conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(row.values()))


# Version 4: the sealed record's evidence copy (a stand-in PDF; its hash is what counts).
EVIDENCE_PDF = b"%PDF-1.4\n% liangheng v4 fixture evidence copy\n%%EOF\n"
EVIDENCE = {
    "inspection_id": SEALED["id"],
    "sha256": hashlib.sha256(EVIDENCE_PDF).hexdigest(),
    "size": len(EVIDENCE_PDF),
    "created_at": SEAL["sealed_at"],
    "device_id": DEVICE,
    "data": EVIDENCE_PDF,
}


def write_rows_v4(conn: sqlite3.Connection) -> None:
    """Version 3's rows and the evidence copy of the sealed record."""
    write_rows_v3(conn)
    _plain_insert(conn, "evidence", EVIDENCE)


# Version 5: a subject that arrived from another laptop under a credit code registered here
# (kept, pointing at the registered one), the import that brought it with one conflict, and
# the export that sent the sealed record.
ALIAS = {
    **SUBJECT,
    "id": "0190a000-0000-7000-8000-000000000201",
    "name": "大民屯加油站（另一台电脑登记）",
    "merged_into": SUBJECT["id"],
    "device_id": "0190a000-0000-7000-8000-00000000d002",
}
TRANSFERS = [
    {"id": "0190a000-0000-7000-8000-000000000202", "direction": "import",
     "bundle_id": "0190a000-0000-7000-8000-000000000203", "at": "2026-05-13T01:00:00.000Z",
     "device_id": DEVICE, "peer_device_id": ALIAS["device_id"], "file_name": "笔记本2.lhb",
     "part": 1, "parts": 1, "summary": '{"added":{"subjects":1},"conflicts":1}'},
    {"id": "0190a000-0000-7000-8000-000000000204", "direction": "export",
     "bundle_id": "0190a000-0000-7000-8000-000000000205", "at": "2026-05-13T02:00:00.000Z",
     "device_id": DEVICE, "peer_device_id": "", "file_name": "本机.lhb",
     "part": 1, "parts": 1, "summary": '{"inspections":1}'},
]  # fmt: skip
CONFLICT = {
    "id": "0190a000-0000-7000-8000-000000000206", "transfer_id": TRANSFERS[0]["id"],
    "kind": "concurrent_edit", "table_name": "answers", "record_id": ANSWERS[0]["id"],
    "inspection_id": INSPECTION["id"], "kept": "local",
    "lost": '{"value":"\\"no\\""}', "note": "",
}  # fmt: skip
SENT = {"inspection_id": SEALED["id"], "token": "[1]", "transfer_id": TRANSFERS[1]["id"]}


def write_rows_v5(conn: sqlite3.Connection) -> None:
    """Version 4's rows, a merged subject, the transfer history, a conflict, a sent record."""
    write_rows_v4(conn)
    _insert(conn, "subjects", ALIAS)
    for row in TRANSFERS:
        _plain_insert(conn, "transfers", row)
    _plain_insert(conn, "transfer_conflicts", CONFLICT)
    _plain_insert(conn, "sent", SENT)


# version -> how to write the rows at that version (a new shape gets its own writer)
WRITERS = {1: write_rows_v1, 2: write_rows_v1, 3: write_rows_v3, 4: write_rows_v4,
           5: write_rows_v5, 6: write_rows_v5, 7: write_rows_v5}  # fmt: skip


def make(version: int, target: Path) -> Path:
    from desktop.store.connection import connect
    from desktop.store.schema import migrate

    target.unlink(missing_ok=True)
    db = connect(target, create=True)
    try:
        migrate(db, target=version)
        with db.atomic():
            WRITERS[version](db.conn)
        db.execute("VACUUM")
    finally:
        db.close()
    return target


def main() -> int:
    sys.path.insert(0, str(REPO))
    from desktop.store.schema import SCHEMA_VERSION

    FIXTURES.mkdir(exist_ok=True)
    for version in range(1, SCHEMA_VERSION + 1):
        path = FIXTURES / f"v{version}.sqlite3"
        if path.exists() and "--force" not in sys.argv:
            print(f"kept {path.name} (released fixtures are never regenerated)")
            continue
        print(f"made {make(version, path).name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
