"""Start-up benchmark (not part of the test run).

Cold start to a shown main window with its first lists filled (``liangheng --db DB
--startup-check``) on a database of 100,000 inspections, beside a bare PySide6 window started the
same way, alternating in the same run (target: within 1.3x of the bare window). Wall-clock time
of the whole process is measured from outside, so interpreter start and imports count.

Usage: .venv/bin/python bench/bench_startup.py [--db DEMO.sqlite3] [--inspections 100000]
       [--runs 7]   (without --db a demo database is built first, which takes about a minute)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1200, 760)
window.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""


# The least any program can do to pass the check: the start page's two lists (today's and the
# unfinished inspections, as desktop/ui/start_page.py shows them) filled from the database, in
# the bundled CJK font; no store, settings, log, translations, single-instance lock or checks.
# Printed for information: the floor of the ratio for this stack, whatever the app does.
FLOOR = """
import sqlite3, sys
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QApplication, QLabel, QMainWindow, QPushButton, QTableView,
                               QVBoxLayout, QWidget)

class Model(QAbstractTableModel):
    def __init__(self, rows):
        super().__init__()
        self.rows = rows
    def rowCount(self, parent=QModelIndex()):
        return len(self.rows)
    def columnCount(self, parent=QModelIndex()):
        return 5
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            return str(self.rows[index.row()][index.column()])
        return None

app = QApplication(sys.argv[:1])
QFontDatabase.addApplicationFont(sys.argv[2])
conn = sqlite3.connect(sys.argv[1])
conn.execute("PRAGMA foreign_keys = ON")
columns = "inspection_date, subject_name, checklist_id, township, status"
order = " ORDER BY inspection_date DESC, id DESC LIMIT 200"
today = conn.execute(f"SELECT {columns} FROM inspections WHERE inspection_date = "
                     f"date('now', '+8 hours'){order}").fetchall()
drafts = conn.execute(f"SELECT {columns} FROM inspections WHERE status = 'draft'{order}").fetchall()
conn.execute("SELECT count(*) FROM inspections WHERE status = 'draft'").fetchone()
window = QMainWindow()
window.resize(1200, 760)
page = QWidget()
layout = QVBoxLayout(page)
layout.addWidget(QLabel("检查单位　今天是"))
layout.addWidget(QPushButton("新建检查"))
for rows in (today, drafts):
    view = QTableView()
    view.setModel(Model(rows))
    layout.addWidget(view)
window.setCentralWidget(page)
window.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""


def timed(command: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=120)
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--inspections", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--frozen",
        type=Path,
        metavar="DIR",
        help="a PyInstaller bundle (dist/liangheng) to time beside the source",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="liangheng-bench-"))
    db = args.db
    if db is None:
        from desktop.store.demo import DemoOptions, make_demo

        db = work / "demo.sqlite3"
        print(f"building a demo database of {args.inspections} inspections ...")
        make_demo(db, DemoOptions(inspections=args.inspections, seed=1))
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        LIANGHENG_HOME=str(work / "home"),
    )
    app = [sys.executable, "-m", "desktop", "--db", str(db), "--startup-check"]
    bare = [sys.executable, "-c", BARE]
    font = REPO / "resources" / "fonts" / "NotoSansCJKsc-Regular.ttf"
    floor = [sys.executable, "-c", FLOOR, str(db), str(font)]
    timed(app, env)  # warm the page cache: "cold" here means a new process, not a cold disk
    timed(bare, env)
    timed(floor, env)
    app_times, bare_times, floor_times = [], [], []
    for _ in range(args.runs):
        app_times.append(timed(app, env))
        bare_times.append(timed(bare, env))
        floor_times.append(timed(floor, env))
    app_ms = statistics.median(app_times) * 1000
    bare_ms = statistics.median(bare_times) * 1000
    floor_ms = statistics.median(floor_times) * 1000
    print(f"liangheng --startup-check (100k db): median {app_ms:.0f} ms over {args.runs} runs")
    print(f"bare PySide6 window:                median {bare_ms:.0f} ms")
    print(f"ratio: {app_ms / bare_ms:.2f}x (target <= 1.3x)")
    print(
        f"floor (the two lists alone, no app): median {floor_ms:.0f} ms, "
        f"{floor_ms / bare_ms:.2f}x the bare window"
    )
    if args.frozen:
        frozen = [str(args.frozen / "liangheng-cli"), "--db", str(db), "--startup-check"]
        timed(frozen, env)
        frozen_ms = statistics.median(timed(frozen, env) for _ in range(args.runs)) * 1000
        print(
            f"frozen bundle --startup-check:      median {frozen_ms:.0f} ms "
            f"({frozen_ms / app_ms:.2f}x the source run)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
