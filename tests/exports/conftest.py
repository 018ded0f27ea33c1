"""A small demo database for the report tests (made once per session; read-only)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from desktop.reports import report_input
from desktop.store import InspectionFilter, Reader
from desktop.store.demo import DemoOptions, make_demo


@pytest.fixture(scope="session")
def report_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reports") / "demo.sqlite3"
    make_demo(path, DemoOptions(inspections=120, seed=7, end_date=date(2026, 11, 27)))
    return path


@pytest.fixture(scope="session")
def finding_id(report_db: Path) -> str:
    """A fuel-station inspection with findings (found by its findings, whatever the demo's
    seed made of its status and outcome)."""
    with Reader.open(report_db) as reads:
        for row in reads.iter_inspections(InspectionFilter(checklist_id="fuel_station")):
            if report_input(reads, row.id).findings:
                return row.id
    raise LookupError("a fuel-station inspection with findings")


@pytest.fixture(scope="session")
def clean_id(report_db: Path) -> str:
    with Reader.open(report_db) as reads:
        for row in reads.iter_inspections():
            if row.outcome == "no_problem":
                return row.id
    raise LookupError("no_problem")
