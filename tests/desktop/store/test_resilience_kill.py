"""The Proof of issue 11: workers that save answers, finalize ready drafts, import bundles and
make backups are killed with SIGKILL at hundreds of random moments. After every kill the
database reopens, passes integrity_check, holds every acknowledged answer; every acknowledged
finalize is sealed with the number it was given and ``verify`` finds every seal and chain intact
(a finalize cut short leaves a draft or a whole seal, never half of one); every acknowledged
import's inspections are there with all their rows, and an import cut short left all of its
bundle or none of it (with its line in the history, or without); every file under a backup's
final name passes check_backup, and every acknowledged backup holds every answer acknowledged
before it began. A backup cut short leaves only its ``.partial`` file.

A zygote process (resilience_child.py) forks the workers, so a run costs milliseconds and the
kills land in the operations rather than in interpreter start-up. SIGKILL proves atomicity;
durability against power loss rests on synchronous=FULL and the fsyncs of backup.py
(STACK.md), asserted elsewhere.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from desktop.store import Status, Store
from desktop.store.backup import PARTIAL, backup, check_backup, list_backups
from desktop.store.bundles import export_bundle
from desktop.store.records import AnswerChange
from desktop.store.verify import verify

CHILD = Path(__file__).resolve().parent / "resilience_child.py"
REPO = Path(__file__).resolve().parents[3]
KILLS = int(os.environ.get("RESILIENCE_KILLS", "200"))
SEED = int(os.environ.get("RESILIENCE_SEED", "20261127"))
KEEP = 3
BUDGET = 50.0  # seconds: the most the test may run on to reach enough acknowledgements
# Relative weights of the operations a worker picks from; a new operation joins here.
OPS = {"save": 8, "backup": 1, "finalize": 3, "import": 3}
READY = 400  # drafts made ready to finalize (signed; a deadline where there are findings)
HANDED = 2  # how many of the drafts still open a run may finalize (the pool lasts all runs)
BUNDLES = KILLS + 60  # bundles exported from a laptop, to import in order (lasts all runs)
HANDED_BUNDLES = 1  # how many of the bundles not yet imported a run may import
HEADER = {"inspectors": [{"name": "王明", "certificate_no": "21010001"},
                         {"name": "李华", "certificate_no": "21010002"}]}  # fmt: skip

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fork and SIGKILL are POSIX")


@dataclass
class Tally:
    acked: dict[int, int] = field(default_factory=dict)  # answer n -> revision
    backups: dict[str, int] = field(default_factory=dict)  # name -> answers acked before it
    landed: Counter[str] = field(default_factory=Counter)  # what each kill interrupted
    sealed: dict[str, str] = field(default_factory=dict)  # finalized draft -> document number
    imports: set[str] = field(default_factory=set)  # bundle ids whose import was acknowledged
    imported: set[str] = field(default_factory=set)  # bundle ids found imported after a kill


class Zygote:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )

    def ask(self, line: str) -> str:
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def close(self) -> None:
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.proc.stdin.close()
        self.proc.stdout.close()
        assert self.proc.wait(timeout=10) == 0


def _prepare(path: Path) -> tuple[str, list[tuple[str, str]]]:
    """A draft to save into, enough data that a backup takes a few milliseconds to copy, and
    READY drafts that are ready to finalize, as (id, outcome)."""
    with Store.open(path) as store:
        subject = store.create_subject("大民屯加油站", "fuel_station")
        inspection = store.create_inspection(subject.id, "fuel_station", "1").id
        filler = store.create_inspection(subject.id, "fuel_station", "1").id
        for n in range(150):
            store.save_answer(filler, "pad", str(n), "量" * 1000)
        ready = []
        for n in range(READY):
            draft = store.create_inspection(subject.id, "fuel_station", "1", header=HEADER).id
            store.save_answer(draft, "n", "", {"n": n})
            store.sign(draft, "inspector", "drawn", name="王明", position=1, image=b"png" * (n + 1))
            store.sign(draft, "inspector", "paper", name="李华", position=2)
            store.sign(draft, "party", "paper", name="张站长")
            outcome = "no_problem"
            if n % 2:  # findings: a rectification deadline is required
                store.set_rectification_deadline(draft, "2026-12-15")
                outcome = "follow_up"
            ready.append((draft, outcome))
    return inspection, ready


Rows = dict[str, list[tuple[object, ...]]]  # table -> rows (blobs as their SHA-256)


@dataclass(frozen=True)
class Bundle:
    id: str
    path: str
    rows: dict[str, Rows]  # inspection id -> its rows on the laptop that exported it


# The rows that make up an inspection, by the column naming it.
PARTS = {"inspections": "id", "answers": "inspection_id", "attachments": "inspection_id",
         "signatures": "inspection_id", "seals": "inspection_id",
         "amendments": "inspection_id", "evidence": "inspection_id"}  # fmt: skip


def _evidence(store: Store, inspection_id: str) -> tuple[bytes, str]:
    pdf = b"%PDF-1.4 evidence of " + inspection_id.encode()
    return pdf, hashlib.sha256(pdf).hexdigest()


def _laptop_bundles(folder: Path, count: int) -> list[Bundle]:
    """``count`` small bundles exported one after another from a laptop's database made with the
    store's API: each carries two drafts with answers and a photo, and a sealed record (answers,
    a photo, signatures, an evidence copy; every fifth amended) that continues the laptop's
    seal chain. The first also carries the station and its instruments."""
    folder.mkdir()
    made = []
    with Store.open(folder / "laptop.sqlite3") as store:
        subject = store.create_subject(
            "新民市大民屯加油站", "fuel_station", credit_code="91210181MA0Y8K2L0C"
        )
        dispenser = store.add_instrument(subject.id, "dispenser", serial="D-001", label="1号机")
        store.add_instrument(subject.id, "nozzle", parent_id=dispenser.id, serial="N-001")
        for k in range(count):
            ids = []
            with store.db.atomic():  # the store's own calls nest (savepoints): one commit
                for n in range(3):
                    inspection = store.create_inspection(subject.id, "fuel_station", "2026.1",
                                                         header=HEADER).id  # fmt: skip
                    for item in ("mgmt_system", "metering_staff", "legal_units"):
                        store.save_answer(inspection, item, "", "yes", note=f"第{k}包")
                    store.save_answer(inspection, "disp_photos", "dispenser:1", n)
                    photo = hashlib.sha256(f"{k}/{n}".encode()).digest() * 32  # 1 KB
                    store.add_attachment(inspection, photo, filename=f"现场{k}-{n}.jpg",
                                         mime="image/jpeg", item_id="disp_photos",
                                         instance_key="dispenser:1")  # fmt: skip
                    ids.append(inspection)
                sealed = ids[-1]
                store.sign(sealed, "inspector", "drawn", name="王明", position=1,
                           image=b"png" * (k + 10))  # fmt: skip
                store.sign(sealed, "inspector", "paper", name="李华", position=2)
                store.sign(sealed, "party", "paper", name="张站长")
                store.finalize(sealed, outcome="no_problem", render_evidence=_evidence)
                if k % 5 == 0:
                    store.amend(sealed, "笔误更正", [AnswerChange("mgmt_system", "", "no")])
            path = folder / f"laptop-{k}.lhb"
            result = export_bundle(store, path, catalogue=None)
            assert result.files == (path,)
            assert result.counts["inspections"] == len(ids)
            made.append(Bundle(result.bundle_ids[0], str(path), _rows(store.db.conn, ids)))
    return made


def _rows(conn: sqlite3.Connection, ids: list[str]) -> dict[str, Rows]:
    """Every row of the inspections ``ids`` (none for one that is not there)."""
    found: dict[str, Rows] = {i: {table: [] for table in PARTS} for i in ids}
    marks = ", ".join("?" * len(ids))
    for table, column in PARTS.items():
        sql = f"SELECT {column}, * FROM {table} WHERE {column} IN ({marks})"
        for key, *row in conn.execute(sql, ids):
            found[key][table].append(
                tuple(hashlib.sha256(v).hexdigest() if isinstance(v, bytes) else v for v in row)
            )
    for parts in found.values():
        for rows in parts.values():
            rows.sort(key=lambda r: str(r[0]))
    return found


def _check_imports(conn: sqlite3.Connection, bundles: list[Bundle], tally: Tally) -> None:
    """Each bundle's inspections all whole and its import in the history, or none of them there
    and no history line; every acknowledged import is there."""
    logged = {
        str(r[0])
        for r in conn.execute("SELECT bundle_id FROM transfers WHERE direction = 'import'")
    }
    here = _rows(conn, [i for bundle in bundles for i in bundle.rows])
    empty: Rows = {table: [] for table in PARTS}
    for bundle in bundles:
        for inspection_id, expected in bundle.rows.items():
            assert here[inspection_id] in (expected, empty), f"half of {inspection_id} imported"
        whole = [here[i] == bundle.rows[i] for i in bundle.rows]
        if bundle.id in logged:
            assert all(whole), f"bundle {bundle.id} in the history, not all of it in the database"
            tally.imported.add(bundle.id)
        else:
            assert not any(whole), f"part of bundle {bundle.id} imported, not in the history"
            assert bundle.id not in tally.imports, f"acknowledged import of {bundle.id} lost"


def _kill_one(zygote: Zygote, run: dict[str, object], rng: random.Random) -> list[str]:
    pid = int(zygote.ask("run " + json.dumps(run)).split()[1])
    log = Path(str(run["log"]))
    aim = rng.random()
    if aim < 0.15:
        _await(log, b"F", rng.uniform(0.0, 0.0015))  # a finalize takes ~1 ms
    elif aim < 0.23:
        _await(log, b"I", rng.uniform(0.0, 0.006))  # an import of a small bundle, ~5 ms
    elif aim < 0.29:
        # a save (two commits) takes ~0.5 ms; imports make the backups longer, and so the
        # unaimed kills land in saves less often
        _await(log, b"S", rng.uniform(0.0, 0.0006))
    elif aim < 0.41:
        time.sleep(rng.uniform(0.1, 0.4))  # long enough for backups to finish on a busy machine
    else:
        time.sleep(rng.choice((0.0, 0.002, 0.01)) + rng.uniform(0.0, 0.06))
    os.kill(pid, signal.SIGKILL)
    assert zygote.ask(f"reap {pid}") == f"exit {pid} {-signal.SIGKILL}", "worker died by itself"
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return lines


def _await(log: Path, kind: bytes, moment: float) -> None:
    """Wait (up to 0.3 s) until the worker logs that an operation of ``kind`` begins (aimed
    kills land in short operations), then ``moment`` seconds more."""
    deadline = time.perf_counter() + 0.3
    while time.perf_counter() < deadline:
        if log.exists() and b"\n" + kind + b" " in b"\n" + log.read_bytes():
            break
    end = time.perf_counter() + moment
    while time.perf_counter() < end:
        pass


def _record(lines: list[str], tally: Tally) -> None:
    acked_before_backup = -1
    for line in lines:
        kind, *rest = line.split()
        if kind == "A":
            tally.acked[int(rest[0])] = int(rest[1])
        elif kind == "K":
            tally.backups[rest[0]] = acked_before_backup
        elif kind == "B":
            acked_before_backup = max(tally.acked, default=-1)
        elif kind == "G":
            tally.sealed[rest[0]] = rest[1]
        elif kind == "J":
            tally.imports.add(rest[0])
    last = lines[-1].split()[0] if lines else ""
    interrupted = {"S": "save", "B": "backup", "F": "finalize", "I": "import"}
    tally.landed[interrupted.get(last, "between or opening")] += 1


def _check_database(
    path: Path, inspection: str, tally: Tally, ready: list[tuple[str, str]], bundles: list[Bundle]
) -> tuple[int, list[tuple[str, str]]]:
    """Every acknowledged answer, seal and import is there and verifies, and ``bundles`` are
    each imported whole or not at all; return the next number to save and the ready drafts still
    open (a finalize cut short may have sealed or not)."""
    with Store.open(path, create=False) as store:
        answers = store.answers_for(inspection)
        report = verify(store.db.conn)  # integrity_check and foreign_key_check included
        assert report.ok, [p.line() for p in report.problems] + report.integrity
        _check_imports(store.db.conn, bundles, tally)
        for draft, number in tally.sealed.items():
            assert store.get_inspection(draft).status is Status.FINALIZED, f"{draft} unsealed"
            seal = store.seal_of(draft)
            assert seal is not None, f"acknowledged seal of {draft} lost"
            assert seal.document_no == number
        assert report.seals >= len(tally.sealed)
        drafts = {
            str(row[0])
            for row in store.db.conn.execute(
                "SELECT id FROM inspections WHERE status = ?", (Status.DRAFT.value,)
            )
        }
        still_open = [(draft, outcome) for draft, outcome in ready if draft in drafts]
    for n, revision in tally.acked.items():
        assert answers["n", str(n)].value["n"] == n, f"acknowledged answer {n} lost"
        assert revision >= 1
    counter = answers.get(("counter", ""))
    if tally.acked:
        assert counter is not None
        assert counter.value >= max(tally.acked)
    saved = {int(key) for item, key in answers if item == "n"}
    return max(saved, default=-1) + 1, still_open


def _check_backups(folder: Path, inspection: str, tally: Tally, fresh: set[str]) -> None:
    finals = list_backups(folder, "work")  # (kills between rename and rotation leave extras)
    for path in finals:
        check_backup(path)  # nothing cut short ever carries a backup's name
    for name in fresh & {p.name for p in finals}:
        conn = sqlite3.connect(f"file:{folder / name}?mode=ro", uri=True)
        try:
            rows = conn.execute(
                "SELECT instance_key FROM answers WHERE inspection_id = ? AND item_id = 'n'",
                (inspection,),
            )
            inside = {int(r[0]) for r in rows}
        finally:
            conn.close()
        before = tally.backups[name]
        assert {n for n in tally.acked if n <= before} <= inside, f"{name} misses answers"
    # What a cut-short backup leaves: its .partial file and that file's rollback journal.
    stray = [
        p
        for p in (folder.iterdir() if folder.exists() else ())
        if p not in finals and PARTIAL not in p.name
    ]
    assert stray == []


@pytest.mark.slow
def test_nothing_acknowledged_is_lost_at_hundreds_of_random_kills(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    path, folder = tmp_path / "work.sqlite3", tmp_path / "backups"
    inspection, ready = _prepare(path)
    pool = _laptop_bundles(tmp_path / "laptop", BUNDLES)
    imported: list[Bundle] = []
    tally = Tally()
    next_n = 0
    zygote = Zygote()
    started = time.perf_counter()
    kills = 0
    try:
        # At least KILLS kills; more (within a budget) if a loaded machine made the runs so
        # slow that too few saves, seals, imports or backups were acknowledged to prove anything.
        while kills < KILLS or (not _enough(tally) and time.perf_counter() - started < BUDGET):
            run = {"db": str(path), "inspection": inspection, "first": next_n, "ops": OPS,
                   "backups": str(folder), "keep": KEEP, "seed": rng.random(),
                   "finalizable": ready[:HANDED],
                   "bundles": [(b.id, b.path) for b in pool[:HANDED_BUNDLES]],
                   "log": str(tmp_path / f"run-{kills}.log")}  # fmt: skip
            before = set(tally.backups)
            _record(_kill_one(zygote, run, rng), tally)
            kills += 1
            # the bundles this run was given, and every one imported before (still whole)
            checked = imported + pool[:HANDED_BUNDLES]
            next_n, ready = _check_database(path, inspection, tally, ready, checked)
            imported += [b for b in pool[:HANDED_BUNDLES] if b.id in tally.imported]
            pool = [b for b in pool if b.id not in tally.imported]
            _check_backups(folder, inspection, tally, set(tally.backups) - before)
        assert len(backup(path, folder, keep=KEEP).name) > 0  # one that runs to the end
        assert len(list_backups(folder, "work")) == KEEP  # rotation caught up
    finally:
        zygote.close()
    elapsed = time.perf_counter() - started
    partials = len(list(folder.glob(f"*{PARTIAL}")))
    print(
        f"seed {SEED}: {kills} kills in {elapsed:.1f} s, {len(tally.acked)} acknowledged "
        f"answers, {len(tally.sealed)} acknowledged seals, {len(tally.imports)} acknowledged "
        f"imports ({len(tally.imported)} bundles imported), {len(tally.backups)} acknowledged "
        f"backups, {partials} partial backups "
        f"left by kills, kills landed: {dict(tally.landed)}; 0 lost, 0 integrity failures"
    )
    assert _enough(tally), f"seed {SEED}: too few saves, seals, imports, backups or kills in them"


def _enough(tally: Tally) -> bool:
    return (
        len(tally.acked) > 500
        and len(tally.sealed) > 50
        and len(tally.imports) > 50
        and len(tally.backups) > 10
        and tally.landed["save"] > KILLS // 6
        and tally.landed["finalize"] > KILLS // 12
        and tally.landed["import"] > KILLS // 12
        and tally.landed["backup"] > KILLS // 10
    )
