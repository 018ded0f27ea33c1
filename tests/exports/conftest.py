"""A small demo database for the report tests (made once per session; read-only)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from desktop.store import Reader
from desktop.store.demo import DemoOptions, make_demo


@pytest.fixture(scope="session")
def report_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reports") / "demo.sqlite3"
    make_demo(path, DemoOptions(inspections=120, seed=7, end_date=date(2026, 11, 27)))
    return path


@pytest.fixture(scope="session")
def finding_id(report_db: Path) -> str:
    """A fuel-station inspection with findings (a measurement among them, as it happens)."""
    checklist = "fuel_station"
    with Reader.open(report_db) as reads:
        for row in reads.iter_inspections():
            if row.checklist_id == checklist and row.outcome in ("correction_ordered", "follow_up"):
                return row.id
    raise LookupError(checklist)


@pytest.fixture(scope="session")
def clean_id(report_db: Path) -> str:
    with Reader.open(report_db) as reads:
        for row in reads.iter_inspections():
            if row.outcome == "no_problem":
                return row.id
    raise LookupError("no_problem")
