"""The SIGKILL test of issue 5 extended to finalizing (issue 8): a child makes, signs, seals and
sometimes amends records in a loop and is killed at random moments. After every kill the
database opens, integrity is ok, every acknowledged record is sealed with the number it was
given, and ``verify`` finds every seal, chain and amendment intact (a half-finished finalize
leaves a draft, never a half-sealed record)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.store import Status, Store
from desktop.store.verify import verify

CHILD = Path(__file__).resolve().parent / "finalize_child.py"
REPO = Path(__file__).resolve().parents[3]
KILLS = 25
SEED = int(os.environ.get("DURABILITY_SEED", "20261128"))


def _run_and_kill(path: Path, rng: random.Random) -> list[tuple[str, str]]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with subprocess.Popen(
        [sys.executable, str(CHILD), str(path)], stdout=subprocess.PIPE, text=True, env=env
    ) as child:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.15))
        child.send_signal(signal.SIGKILL)
        output = child.stdout.read()
        assert child.wait(timeout=10) == -signal.SIGKILL
    acks = [line.split() for line in output.splitlines() if line.startswith("ack ")]
    return [(parts[1], parts[2]) for parts in acks if len(parts) == 3]


@pytest.mark.slow
def test_acknowledged_seals_survive_sigkill_and_verify(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    path = tmp_path / "work.sqlite3"
    with Store.open(path) as store:
        store.create_subject("大民屯加油站", "fuel_station")
    acked: dict[str, str] = {}
    for _ in range(KILLS):
        acked.update(_run_and_kill(path, rng))
        with Store.open(path, create=False) as store:
            report = verify(store.db.conn)
            assert report.ok, [p.line() for p in report.problems] + report.integrity
            for inspection_id, number in acked.items():
                assert store.get_inspection(inspection_id).status is Status.FINALIZED
                seal = store.seal_of(inspection_id)
                assert seal is not None, f"acknowledged seal of {inspection_id} lost"
                assert seal.document_no == number
            assert report.seals >= len(acked)
    print(f"seed {SEED}: {len(acked)} acknowledged seals")
    assert len(acked) > 20, f"seed {SEED}: too few seals to prove anything"
