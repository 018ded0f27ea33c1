"""``liangheng verify --db PATH`` as a user runs it: exit 0 "全部完好" on sound data, exit 1 naming
the record when a sealed answer was changed with raw SQL (triggers dropped first), a plain
message and no traceback for a file that is not there."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

from desktop.store import Store
from desktop.store.records import AnswerChange
from desktop.store.schema import SEAL_TRIGGERS

REPO = Path(__file__).resolve().parents[2]
HEADER = {"inspectors": [{"name": "王明", "certificate_no": "1"},
                         {"name": "李华", "certificate_no": "2"}]}  # fmt: skip


def verify_cli(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", "verify", "--db", str(path)],
        capture_output=True, text=True, encoding="utf-8", cwd=REPO, check=False, timeout=60,
    )  # fmt: skip


def make(path: Path) -> dict[str, str]:
    """Two sealed records (one amended) and a draft; returns name -> inspection id."""
    ids = {}
    with Store.open(path) as store:
        for name in ("甲加油站", "乙加油站", "丙加油站"):
            subject = store.create_subject(name, "fuel_station")
            inspection = store.create_inspection(subject.id, "fuel_station", "1", header=HEADER)
            store.save_answer(inspection.id, "mgmt_system", "", "yes")
            ids[name] = inspection.id
            if name == "丙加油站":
                continue
            store.sign(inspection.id, "inspector", "paper", name="王明", position=1)
            store.sign(inspection.id, "inspector", "paper", name="李华", position=2)
            store.sign(inspection.id, "party", "refused", note="拒签")
            store.finalize(inspection.id, outcome="no_problem")
        store.amend(ids["甲加油站"], "笔误", [AnswerChange("mgmt_system", "", "no")])
    return ids


def test_sound_data_exits_zero(tmp_path: Path) -> None:
    path = tmp_path / "work.sqlite3"
    make(path)
    done = verify_cli(path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "全部完好" in done.stdout
    assert "封存 2 条" in done.stdout
    assert "更正 1 条" in done.stdout


def test_a_sealed_answer_changed_with_raw_sql_exits_one_naming_the_record(tmp_path: Path) -> None:
    path = tmp_path / "work.sqlite3"
    ids = make(path)
    conn = sqlite3.connect(path)
    for name in SEAL_TRIGGERS:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE answers SET value = '\"no\"' WHERE inspection_id = ?", (ids["乙加油站"],))
    conn.commit()
    conn.close()
    done = verify_cli(path)
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if "封存校验值不符" in line]
    assert len(lines) == 1
    assert "乙加油站" in lines[0]
    assert ids["乙加油站"] in lines[0]
    assert "计检〔" in lines[0]  # the document number
    assert "保护触发器" in done.stdout


def test_an_older_schema_is_upgraded_then_verified(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    fixture = Path(__file__).resolve().parent / "store" / "fixtures" / "v2.sqlite3"
    path.write_bytes(fixture.read_bytes())
    done = verify_cli(path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "全部完好" in done.stdout


def test_a_missing_file_is_a_plain_message(tmp_path: Path) -> None:
    done = verify_cli(tmp_path / "nothing.sqlite3")
    assert done.returncode == 1
    assert "找不到数据库文件" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_tampered_evidence_copy_exits_one_naming_the_record(tmp_path: Path) -> None:
    path = tmp_path / "work.sqlite3"
    ids = make(path)
    with Store.open(path) as store:
        subject = store.create_subject("丁加油站", "fuel_station")
        inspection = store.create_inspection(subject.id, "fuel_station", "1", header=HEADER)
        store.sign(inspection.id, "inspector", "paper", name="王明", position=1)
        store.sign(inspection.id, "inspector", "paper", name="李华", position=2)
        store.sign(inspection.id, "party", "refused", note="拒签")
        store.finalize(inspection.id, outcome="no_problem", render_evidence=_render)
    done = verify_cli(path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "存证副本（PDF）已核对 1 份" in done.stdout
    assert "无存证副本（定稿时未生成），共 2 条" in done.stdout  # make() seals without one
    conn = sqlite3.connect(path)
    for name in SEAL_TRIGGERS:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE evidence SET data = CAST('%PDF-forged' AS BLOB)")
    conn.commit()
    conn.close()
    done = verify_cli(path)
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if "存证副本（PDF）的内容" in line]
    assert len(lines) == 1
    assert "丁加油站" in lines[0]
    assert inspection.id in lines[0]
    assert ids["甲加油站"] not in done.stdout.split("发现")[1]


def test_a_record_sealed_before_schema_4_is_a_note(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    fixture = Path(__file__).resolve().parent / "store" / "fixtures" / "v3.sqlite3"
    path.write_bytes(fixture.read_bytes())
    done = verify_cli(path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "无存证副本（v4 之前定稿），共 1 条" in done.stdout
    assert "全部完好" in done.stdout


def _render(store: Store, inspection_id: str) -> tuple[bytes, str]:
    pdf = b"%PDF-1.4 evidence " + inspection_id.encode()
    return pdf, hashlib.sha256(pdf).hexdigest()


def test_a_demo_database_verifies(tmp_path: Path) -> None:
    """Demo records are sealed in bulk without evidence copies (too slow to draw): a note."""
    path = tmp_path / "demo.sqlite3"
    made = subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(path), "demo", "--inspections", "300"],
        capture_output=True, text=True, encoding="utf-8", cwd=REPO, check=False, timeout=120,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    done = verify_cli(path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "全部完好" in done.stdout
    assert "无存证副本（演示数据批量封存）" in done.stdout
