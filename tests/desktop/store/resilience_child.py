"""The child of test_resilience_kill.py: a "zygote" that imports the store once and then forks a
worker per run, so that hundreds of runs can be killed in seconds (a fresh interpreter per run
costs ~150 ms; a fork costs ~2 ms). POSIX only.

Protocol on stdin/stdout, one line each:
  ``run <json>`` -> ``pid <pid>``: a worker started on the run described by the JSON
  ``reap <pid>`` -> ``exit <pid> <signal>``: the worker is gone (the parent killed it)

A worker opens the store and loops over its operations, appending one line per event to the
run's log file with a single ``os.write`` (the line is either whole or absent after a kill):
  ``S n``          saving answer n begins
  ``A n rev``      answer n and the counter were saved (acknowledged)
  ``B``            a backup begins; every answer acknowledged so far must be in it
  ``K name``       the backup ``name`` is complete (acknowledged)
  ``F id``         finalizing the ready draft ``id`` (from the run's ``finalizable``) begins
  ``G id number``  it is sealed with the document number ``number`` (acknowledged)
  ``I id``         importing the bundle ``id`` (from the run's ``bundles``, in order) begins
  ``J id``         the bundle ``id`` was imported: ``import_bundle`` returned (acknowledged)

OPERATIONS maps an operation's name to a function; a new one is added there and named in the
run's ``ops`` weights by the test.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import random
import signal
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.store import Store
from desktop.store.backup import backup
from desktop.store.bundles import import_bundle


@dataclass
class Worker:
    store: Store
    run: dict[str, Any]
    log: int
    next_n: int
    rng: random.Random
    finalizable: list[tuple[str, str]] = field(default_factory=list)  # (draft id, outcome)
    bundles: list[tuple[str, str]] = field(default_factory=list)  # (bundle id, file)

    def say(self, line: str) -> None:
        os.write(self.log, (line + "\n").encode())


def op_save(w: Worker) -> None:
    n = w.next_n
    w.say(f"S {n}")
    inspection = w.run["inspection"]
    w.store.save_answer(inspection, "n", str(n), {"n": n, "pad": "量" * (n % 300)})
    revision = w.store.save_answer(inspection, "counter", "", n)
    w.say(f"A {n} {revision}")
    w.next_n += 1


def op_backup(w: Worker) -> None:
    w.say("B")
    made = backup(w.store.path, Path(w.run["backups"]), keep=w.run["keep"])
    w.say(f"K {made.name}")


def fake_evidence(store: Store, inspection_id: str) -> tuple[bytes, str]:
    """A stand-in for the evidence PDF (rendering a real one is proven elsewhere and would
    only slow the runs): bytes and their SHA-256, written in finalize's transaction."""
    pdf = b"%PDF-1.4 evidence of " + inspection_id.encode()
    return pdf, hashlib.sha256(pdf).hexdigest()


# Finalize makes the evidence copy from schema 4 on; before it, it takes no renderer.
EVIDENCE = "render_evidence" in inspect.signature(Store.finalize).parameters


def op_finalize(w: Worker) -> None:
    if not w.finalizable:
        return
    inspection, outcome = w.finalizable.pop()
    w.say(f"F {inspection}")
    extra: dict[str, Any] = {"render_evidence": fake_evidence} if EVIDENCE else {}
    seal = w.store.finalize(inspection, outcome=outcome, **extra)
    w.say(f"G {inspection} {seal.document_no}")


def op_import(w: Worker) -> None:
    """Import the next bundle handed to this run (prepared by the test from a laptop's
    database), in the order given: a laptop's seal chain arrives in order."""
    if not w.bundles:
        return
    bundle_id, path = w.bundles.pop(0)
    w.say(f"I {bundle_id}")
    import_bundle(w.store, Path(path))
    w.say(f"J {bundle_id}")


OPERATIONS: dict[str, Callable[[Worker], None]] = {
    "save": op_save,
    "backup": op_backup,
    "finalize": op_finalize,
    "import": op_import,
}


def work(run: dict[str, Any]) -> None:
    log = os.open(run["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    store = Store.open(Path(run["db"]), create=False)
    worker = Worker(store, run, log, run["first"], random.Random(run["seed"]))
    worker.finalizable = [(str(i), str(o)) for i, o in run.get("finalizable", [])]
    worker.bundles = [(str(b), str(p)) for b, p in run.get("bundles", [])]
    names, weights = zip(*run["ops"].items(), strict=True)
    while True:
        OPERATIONS[worker.rng.choices(names, weights)[0]](worker)


def serve() -> None:
    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command == "run":
            pid = os.fork()
            if pid == 0:
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                try:
                    work(json.loads(argument))
                except BaseException:
                    traceback.print_exc()
                finally:
                    os._exit(1)
            print(f"pid {pid}", flush=True)
        elif command == "reap":
            pid, status = os.waitpid(int(argument), 0)
            code = os.waitstatus_to_exitcode(status)
            print(f"exit {pid} {code}", flush=True)


if __name__ == "__main__":
    serve()
