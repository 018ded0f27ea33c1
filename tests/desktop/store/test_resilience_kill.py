"""The Proof of issue 11: workers that save answers and make backups (and finalize, once the
store can) are killed with SIGKILL at hundreds of random moments. After every kill the database
reopens, passes integrity_check, holds every acknowledged answer; every file under a backup's
final name passes check_backup, and every acknowledged backup holds every answer acknowledged
before it began. A backup cut short leaves only its ``.partial`` file.

A zygote process (resilience_child.py) forks the workers, so a run costs milliseconds and the
kills land in the operations rather than in interpreter start-up. SIGKILL proves atomicity;
durability against power loss rests on synchronous=FULL and the fsyncs of backup.py
(STACK.md), asserted elsewhere.
"""

from __future__ import annotations

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

from desktop.store import Store
from desktop.store.backup import PARTIAL, backup, check_backup, list_backups

CHILD = Path(__file__).resolve().parent / "resilience_child.py"
REPO = Path(__file__).resolve().parents[3]
KILLS = int(os.environ.get("RESILIENCE_KILLS", "240"))
SEED = int(os.environ.get("RESILIENCE_SEED", "20261127"))
KEEP = 3
BUDGET = 50.0  # seconds: the most the test may run on to reach enough acknowledgements
# Relative weights of the operations a worker picks from; a new operation joins here.
OPS = {"save": 8, "backup": 1}

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fork and SIGKILL are POSIX")


@dataclass
class Tally:
    acked: dict[int, int] = field(default_factory=dict)  # answer n -> revision
    backups: dict[str, int] = field(default_factory=dict)  # name -> answers acked before it
    landed: Counter[str] = field(default_factory=Counter)  # what each kill interrupted


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


def _prepare(path: Path) -> str:
    """A draft and enough data that a backup takes a few milliseconds to copy."""
    with Store.open(path) as store:
        subject = store.create_subject("大民屯加油站", "fuel_station")
        inspection = store.create_inspection(subject.id, "fuel_station", "1").id
        filler = store.create_inspection(subject.id, "fuel_station", "1").id
        for n in range(150):
            store.save_answer(filler, "pad", str(n), "量" * 1000)
    return inspection


def _kill_one(zygote: Zygote, run: dict[str, object], rng: random.Random) -> list[str]:
    pid = int(zygote.ask("run " + json.dumps(run)).split()[1])
    if rng.random() < 0.2:
        time.sleep(rng.uniform(0.1, 0.4))  # long enough for backups to finish on a busy machine
    else:
        time.sleep(rng.choice((0.0, 0.002, 0.01)) + rng.uniform(0.0, 0.06))
    os.kill(pid, signal.SIGKILL)
    assert zygote.ask(f"reap {pid}") == f"exit {pid} {-signal.SIGKILL}", "worker died by itself"
    log = Path(str(run["log"]))
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return lines


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
    last = lines[-1].split()[0] if lines else ""
    interrupted = {"S": "save", "B": "backup", "F": "finalize"}
    tally.landed[interrupted.get(last, "between or opening")] += 1


def _check_database(path: Path, inspection: str, tally: Tally) -> int:
    """Every acknowledged answer is there; return the next number to save."""
    with Store.open(path, create=False) as store:
        assert store.integrity_problems(full=True) == []
        answers = store.answers_for(inspection)
    for n, revision in tally.acked.items():
        assert answers["n", str(n)].value["n"] == n, f"acknowledged answer {n} lost"
        assert revision >= 1
    counter = answers.get(("counter", ""))
    if tally.acked:
        assert counter is not None
        assert counter.value >= max(tally.acked)
    saved = {int(key) for item, key in answers if item == "n"}
    return max(saved, default=-1) + 1


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
    inspection = _prepare(path)
    tally = Tally()
    next_n = 0
    zygote = Zygote()
    started = time.perf_counter()
    kills = 0
    try:
        # At least KILLS kills; more (within a budget) if a loaded machine made the runs so
        # slow that too few saves or backups were acknowledged to prove anything.
        while kills < KILLS or (not _enough(tally) and time.perf_counter() - started < BUDGET):
            run = {"db": str(path), "inspection": inspection, "first": next_n, "ops": OPS,
                   "backups": str(folder), "keep": KEEP, "seed": rng.random(),
                   "log": str(tmp_path / f"run-{kills}.log")}  # fmt: skip
            before = set(tally.backups)
            _record(_kill_one(zygote, run, rng), tally)
            kills += 1
            next_n = _check_database(path, inspection, tally)
            _check_backups(folder, inspection, tally, set(tally.backups) - before)
        assert len(backup(path, folder, keep=KEEP).name) > 0  # one that runs to the end
        assert len(list_backups(folder, "work")) == KEEP  # rotation caught up
    finally:
        zygote.close()
    elapsed = time.perf_counter() - started
    partials = len(list(folder.glob(f"*{PARTIAL}")))
    print(
        f"seed {SEED}: {kills} kills in {elapsed:.1f} s, {len(tally.acked)} acknowledged "
        f"answers, {len(tally.backups)} acknowledged backups, {partials} partial backups "
        f"left by kills, kills landed: {dict(tally.landed)}; 0 lost, 0 integrity failures"
    )
    assert _enough(tally), f"seed {SEED}: too few saves, backups or kills in them"


def _enough(tally: Tally) -> bool:
    return (
        len(tally.acked) > 500
        and len(tally.backups) > 10
        and tally.landed["save"] > KILLS // 6
        and tally.landed["backup"] > KILLS // 10
    )
