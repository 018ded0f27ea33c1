"""A full disk loses nothing acknowledged: the save that does not fit is refused with a typed
error, every answer saved before it is intact, the file passes integrity_check, and saving works
again once there is room. Staged two ways (STACK.md): ``PRAGMA max_page_count`` on the writer's
connection, and ``RLIMIT_FSIZE`` in a child process (the kernel refuses to grow the files)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.store import Store
from desktop.store.errors import DiskFullError, StoreError

REPO = Path(__file__).resolve().parents[3]
UNLIMITED = 1073741823  # SQLite's default max_page_count


def _draft(store: Store) -> str:
    subject = store.create_subject("大民屯加油站", "fuel_station")
    return store.create_inspection(subject.id, "fuel_station", "1").id


def _fill(store: Store, inspection: str) -> tuple[list[int], StoreError]:
    """Save answers until the store refuses one; the acknowledged numbers and the refusal."""
    acked: list[int] = []
    for n in range(10_000):
        try:
            store.save_answer(inspection, "n", str(n), {"n": n, "pad": "量" * 1500})
        except StoreError as error:
            return acked, error
        acked.append(n)
    pytest.fail("the disk never filled")


def test_a_full_disk_refuses_the_save_and_keeps_every_acknowledged_answer(
    tmp_path: Path,
) -> None:
    path = tmp_path / "full.sqlite3"
    with Store.open(path) as store:
        inspection = _draft(store)
        pages = store.db.conn.execute("PRAGMA page_count").fetchone()[0]
        store.db.conn.execute(f"PRAGMA max_page_count = {pages + 8}")
        acked, error = _fill(store, inspection)
        assert isinstance(error, DiskFullError)
        assert "磁盘已满" in str(error)
        assert len(acked) >= 3
        refused = len(acked)
        assert store.integrity_problems(full=True) == []
        answers = store.answers_for(inspection)
        assert sorted(int(k) for _, k in answers) == acked  # nothing half-saved
        store.db.conn.execute(f"PRAGMA max_page_count = {UNLIMITED}")  # room again
        store.save_answer(inspection, "n", str(refused), {"n": refused, "pad": "量" * 1500})
    with Store.open(path, create=False) as reopened:
        assert reopened.integrity_problems(full=True) == []
        saved = reopened.answers_for(inspection)
        assert {int(k) for _, k in saved} == {*acked, refused}
        assert all(saved["n", str(n)].value["n"] == n for n in acked)


FILL_FILE = """
import resource, signal, sys
from desktop.store import Store
from desktop.store.errors import StoreError
path, inspection, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = Store.open(path, create=False)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
try:
    for n in range(100_000):
        store.save_answer(inspection, "n", str(n), {"n": n, "pad": "量" * 1500})
        print("ack", n, flush=True)
except StoreError as exc:
    print("refused", type(exc).__name__, flush=True)
print("integrity", store.integrity_problems(full=True), flush=True)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_file_size_limit_in_a_child_loses_nothing_acknowledged(tmp_path: Path) -> None:
    path = tmp_path / "fsize.sqlite3"
    with Store.open(path) as store:
        inspection = _draft(store)
    limit = os.path.getsize(path) + 150_000  # the WAL grows up to this
    done = subprocess.run(
        [sys.executable, "-c", FILL_FILE, str(path), inspection, str(limit)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    acked = [int(line.split()[1]) for line in lines if line.startswith("ack ")]
    assert len(acked) >= 3
    assert lines[-2].startswith("refused ")  # a typed StoreError, not a crash
    assert lines[-1] == "integrity []"
    with Store.open(path, create=False) as store:  # no limit any more
        assert store.integrity_problems(full=True) == []
        answers = store.answers_for(inspection)
        assert all(answers["n", str(n)].value["n"] == n for n in acked)
        store.save_answer(inspection, "n", "again", {"n": -1})
        assert ("n", "again") in store.answers_for(inspection)
    assert issubclass(DiskFullError, StoreError)
