"""The SQLite store (sqlite-utils): schema and migrations, the writer, readers and the demo
data. No Qt. Later: bundles, seals and backups.

Open the one writer with :meth:`Store.open` (it creates and migrates the file); open a
:class:`Reader` per worker thread for long reads. Errors are :class:`StoreError` subclasses
with a message the user can act on.
"""

from __future__ import annotations

from desktop.store.connection import Role, connect, pragmas
from desktop.store.errors import StoreError
from desktop.store.reads import Reader
from desktop.store.records import (
    Answer,
    AttachmentInfo,
    Inspection,
    InspectionFilter,
    InspectionRow,
    Instrument,
    ResumePosition,
    Standard,
    Status,
    Subject,
)
from desktop.store.schema import SCHEMA_VERSION
from desktop.store.store import Store

__all__ = [
    "SCHEMA_VERSION",
    "Answer",
    "AttachmentInfo",
    "Inspection",
    "InspectionFilter",
    "InspectionRow",
    "Instrument",
    "Reader",
    "ResumePosition",
    "Role",
    "Standard",
    "Status",
    "Store",
    "StoreError",
    "Subject",
    "connect",
    "pragmas",
]
