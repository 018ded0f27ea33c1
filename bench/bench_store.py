"""Store benchmarks (not part of the test run).

1. ``liangheng demo --inspections 100000``: time to build the demo database (target < 60 s).
2. Saving one answer on that database (100,000 inspections), p50 and p99 over N saves, beside a
   raw sqlite3 INSERT + COMMIT with the same pragmas (WAL, synchronous=FULL, foreign keys) into
   the same file, in turns in the same run (target: the store within 1.5x of raw).

Usage: .venv/bin/python bench/bench_store.py [--inspections 100000] [--saves 500] [--dir DIR]
       .venv/bin/python bench/bench_store.py --db EXISTING_DEMO.sqlite3   (saves only)
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from desktop.store import InspectionFilter, Status, Store  # noqa: E402
from desktop.store.demo import DemoOptions, make_demo  # noqa: E402
from desktop.store.ids import new_id, utc_now  # noqa: E402


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def build(path: Path, inspections: int) -> float:
    began = time.perf_counter()
    summary = make_demo(path, DemoOptions(inspections=inspections, seed=1))
    seconds = time.perf_counter() - began
    size = path.stat().st_size / 1e6
    print(
        f"demo --inspections {inspections}: {seconds:.1f} s "
        f"({summary.subjects} subjects, {summary.instruments} instruments, "
        f"{summary.answers} answers, {size:.0f} MB)"
    )
    return seconds


def _raw_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("CREATE TABLE IF NOT EXISTS bench_raw (id TEXT PRIMARY KEY, value TEXT)")
    return conn


_RAW_ANSWER = (
    "INSERT INTO answers (id, revision, created_at, updated_at, device_id, inspection_id,"
    " item_id, instance_key, value) VALUES (?, 1, ?, ?, 'raw', ?, 'raw', ?, ?)"
)


def saves(path: Path, count: int, block: int, chars: int = 40) -> dict[str, list[float]]:
    """The store's save_answer; a raw INSERT of the same row shape into the same answers table
    (the same B-trees: the store's own overhead); a raw INSERT into a tiny table (the floor: one
    durable commit). ``count`` of each, taken in turns of ``block`` saves.

    Why turns and not one save of each in strict rotation: the app has one writing connection.
    When another connection has committed, SQLite notices the changed WAL index at the next
    transaction and drops this connection's whole page cache, so in strict rotation every save
    of either side re-reads its B-tree pages, a cost the app never pays and which weighs most on
    the side that touches more B-trees (an answer and its audit line). ``--block 1`` measures
    that rotation; its figures are printed too. The first turn of each is not counted.

    Each turn saves into one draft, the next of 20 drafts at the next turn: an inspector fills
    one record at a time. (Rotating the 20 drafts save by save, as this bench did before, also
    made the store work out the inspectors' names of each draft again at every turn, because
    the other side's commits tell it that another connection has written; the app's one writer
    works them out once per record.) With ``--block 1`` the draft changes at every save."""
    store = Store.open(path, create=False)
    drafts = store.list_inspections(InspectionFilter(status=Status.DRAFT), limit=20)
    raw = _raw_connection(path)
    value = {"runs": [], "note": "量" * chars}
    text = json.dumps(value, ensure_ascii=False)
    times: dict[str, list[float]] = {"store": [], "raw_answers": [], "raw_tiny": []}

    def timed(name: str, action: Callable[[], object], counted: bool) -> None:
        began = time.perf_counter_ns()
        action()
        if counted:
            times[name].append((time.perf_counter_ns() - began) / 1e6)

    def raw_commit(sql: str, params: tuple[object, ...]) -> None:
        raw.execute("BEGIN")
        raw.execute(sql, params)
        raw.execute("COMMIT")

    def turn(name: str, first: int, counted: bool) -> None:
        inspection = drafts[(first // block) % len(drafts)].id  # one record per turn
        for n in range(first, first + block):
            now = utc_now()
            row = (new_id(), now, now, inspection, f"{name}:{n}", text)
            if name == "store":
                action = partial(store.save_answer, inspection, "bench", f"k:{n}", value)
            elif name == "raw_answers":
                action = partial(raw_commit, _RAW_ANSWER, row)
            else:
                action = partial(raw_commit, "INSERT INTO bench_raw VALUES (?, ?)", row[:2])
            timed(name, action, counted)

    try:
        first = 0
        while first < count + block:
            for name in times:
                turn(name, first, counted=first > 0)
            first += block
    finally:
        raw.execute("DROP TABLE bench_raw")
        raw.execute("DELETE FROM answers WHERE item_id IN ('raw', 'bench')")
        raw.close()
        store.close()
    return times


def report(times: dict[str, list[float]], block: int) -> None:
    print(f"saves in turns of {block}:")
    labels = {
        "store": "store.save_answer",
        "raw_answers": "raw into answers",
        "raw_tiny": "raw into tiny table",
    }
    for name, values in times.items():
        print(
            f"{labels[name]:>20}: p50 {statistics.median(values):.3f} ms, "
            f"p99 {_percentile(values, 0.99):.3f} ms, mean {statistics.fmean(values):.3f} ms"
        )
    for raw in ("raw_answers", "raw_tiny"):
        ratio50 = statistics.median(times["store"]) / statistics.median(times[raw])
        ratio99 = _percentile(times["store"], 0.99) / _percentile(times[raw], 0.99)
        print(f"{'store / ' + raw:>20}: p50 {ratio50:.2f}x, p99 {ratio99:.2f}x (target <= 1.5x)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inspections", type=int, default=100_000)
    parser.add_argument("--saves", type=int, default=500)
    parser.add_argument("--dir", type=Path, help="where to build (default: a temporary folder)")
    parser.add_argument("--db", type=Path, help="use this demo database instead of building one")
    parser.add_argument(
        "--block", type=int, default=50, help="saves per turn (the target); 1 is also printed"
    )
    parser.add_argument(
        "--chars",
        type=int,
        default=40,
        help="characters in the saved answer (40: a typed note; 3000: about 9 KB, the size of "
        "a measurement with its runs)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        path = args.db
        if path is None:
            path = Path(folder) / "bench-demo.sqlite3"
            build(path, args.inspections)
        for block in dict.fromkeys((args.block, 1)):
            report(saves(path, args.saves, block, args.chars), block)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
