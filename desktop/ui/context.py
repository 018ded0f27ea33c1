"""What every page of the window shares: the open database, the office settings, the checklist
catalogue, and signals that tell the pages when data they show has changed.

The Store is the one writer and lives on the UI thread (each write is one short transaction,
DESIGN.md "Storage rules"); long reads (exports, statistics) open their own Reader in a worker.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from checklists.catalogue import Catalogue, load_catalogue
from checklists.rules.tables import Policy
from desktop import paths
from desktop.settings import OfficeSettings
from desktop.store import Store


class AppContext(QObject):
    """Owns the Store for the lifetime of the main window."""

    inspections_changed = Signal()
    subjects_changed = Signal()
    settings_changed = Signal()

    def __init__(
        self, store: Store, catalogue: Catalogue | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.catalogue = catalogue or load_catalogue(paths.overrides_dir())
        self._settings = store.office_settings()

    @classmethod
    def open(cls, db_path: Path) -> AppContext:
        """Open (creating if needed) the database at ``db_path``; StoreError on failure."""
        db_path.parent.mkdir(parents=True, exist_ok=True)
        return cls(Store.open(db_path))

    @property
    def db_path(self) -> Path:
        return self.store.path

    @property
    def is_demo(self) -> bool:
        return self.store.is_demo

    @property
    def settings(self) -> OfficeSettings:
        return self._settings

    @property
    def policy(self) -> Policy:
        """How the calculators treat unverified tables, as the office chose."""
        return Policy(
            judge_unverified=self._settings.judge_unverified, overrides_dir=paths.overrides_dir()
        )

    def save_settings(self, settings: OfficeSettings) -> None:
        self.store.save_office_settings(settings)
        self._settings = settings
        self.settings_changed.emit()

    def replace_store(self, store: Store) -> None:
        """Work on ``store`` from now on (a database restored from a backup, reopened): the
        old one is closed if still open, the settings are read again, and every page is told
        that settings, subjects and inspections changed."""
        old, self.store = self.store, store
        if old is not store:
            old.close()
        self._settings = store.office_settings()
        self.settings_changed.emit()
        self.subjects_changed.emit()
        self.inspections_changed.emit()

    def reopen(self, db_path: Path | None = None) -> None:
        """Close the database and open ``db_path`` (the same file by default) in its place."""
        path = db_path or self.db_path
        self.store.close()
        self.replace_store(Store.open(path, create=False))

    def close(self) -> None:
        self.store.close()
