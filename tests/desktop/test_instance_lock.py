"""One instance per database: the lock is refused while held, by this or another process, and
dies with the process that held it (no stale lock after a crash)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.instance_lock import acquire, lock_path, server_name

REPO = Path(__file__).resolve().parents[2]
HOLD = """
import sys
from pathlib import Path
from desktop.instance_lock import acquire
guard = acquire(Path(sys.argv[1]))
print("held" if guard else "refused", flush=True)
sys.stdin.readline()
"""


def test_a_second_guard_on_the_same_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "liangheng.sqlite3"
    first = acquire(db)
    assert first is not None
    assert acquire(db) is None
    assert acquire(tmp_path / "other.sqlite3") is not None  # another database is free
    first.release()
    again = acquire(db)
    assert again is not None
    again.release()
    assert lock_path(db).read_text().strip() == str(os.getpid())


def _holder(db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_another_process_is_refused_and_a_killed_holder_leaves_no_stale_lock(
    tmp_path: Path,
) -> None:
    db = tmp_path / "liangheng.sqlite3"
    with _holder(db) as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        assert acquire(db) is None
        holder.send_signal(signal.SIGKILL)  # a crash: no release, no cleanup
        holder.wait(timeout=10)
        assert holder.stdin is not None
        holder.stdin.close()
        holder.stdout.close()
    guard = acquire(db)
    assert guard is not None
    assert guard.held
    guard.release()


def test_the_server_name_is_the_same_for_one_file_however_it_is_named(tmp_path: Path) -> None:
    db = tmp_path / "liangheng.sqlite3"
    assert server_name(db) == server_name(tmp_path / "." / "liangheng.sqlite3")
    assert server_name(db) != server_name(tmp_path / "demo.sqlite3")
    assert server_name(db).startswith("liangheng-")
