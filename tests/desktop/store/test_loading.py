"""The Qt-free loader rebuilds the same record as the walk-through's WalkState."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from checklists.catalogue import load_catalogue
from desktop.store import Reader, Store
from desktop.store.demo import DemoOptions, make_demo
from desktop.store.loading import load_inspection
from desktop.ui.walk_state import WalkState


def test_loader_matches_walk_state(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    make_demo(path, DemoOptions(inspections=80, seed=5, end_date=date(2026, 11, 27)))
    catalogue = load_catalogue()
    with Store.open(path) as store, Reader.open(path) as reads:
        for row in store.iter_inspections():
            state = WalkState(store, catalogue, row.id)
            loaded = load_inspection(reads, catalogue, row.id)
            assert loaded.record.to_json() == state.record.to_json(), row.id
            assert loaded.record.findings() == state.record.findings()
            assert loaded.instrument_ids == state.instrument_ids
