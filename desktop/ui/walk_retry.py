"""Typed input kept until it can be saved.

When a save is refused for a reason that passes (a full disk, a read-only or locked file, a
write the system refused, a USB stick pulled out), the page hands the save to a
:class:`RetryQueue`: the item is marked 未保存 and the save is tried again every few seconds and
after the next save that succeeds, until it succeeds. Only the latest save of each item and
field is kept (a later keystroke replaces an earlier one: the latest text is what counts).
Errors that no retry can cure (a wrong value, a sealed record) are not queued.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.store.errors import (
    DatabaseBusyError,
    DatabaseMissingError,
    DatabaseReadOnlyError,
    DatabaseUnreadableError,
    DiskFullError,
    FolderMissingError,
    WriteFailedError,
)

RETRY_MS = 3000
Key = tuple[str, str]  # (item id, field: "value", "note", "photo <n>")

# Store errors that may clear by themselves or by the user's hand while the app stays open.
TRANSIENT: tuple[type[Exception], ...] = (
    DiskFullError,
    DatabaseReadOnlyError,
    DatabaseBusyError,
    WriteFailedError,
    DatabaseUnreadableError,
    DatabaseMissingError,
    FolderMissingError,
)


def is_transient(error: BaseException) -> bool:
    return isinstance(error, TRANSIENT)


class RetryQueue(QObject):
    """Saves waiting to be retried, by key (item id, field); ``changed(count)`` and
    ``succeeded(key, result)`` report progress; ``failed(error)`` when a retry is refused."""

    changed = Signal(int)
    succeeded = Signal(object, object)  # key, what the save returned
    failed = Signal(object)

    def __init__(self, parent: QObject | None = None, interval_ms: int = RETRY_MS) -> None:
        super().__init__(parent)
        self._pending: dict[Key, Callable[[], Any]] = {}
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.retry)
        self._retrying = False

    def __len__(self) -> int:
        return len(self._pending)

    def __contains__(self, key: object) -> bool:
        return key in self._pending

    def waiting(self) -> list[Key]:
        return list(self._pending)

    def add(self, key: Key, action: Callable[[], Any]) -> None:
        """Keep ``action`` (the latest save of ``key``) until a retry of it succeeds."""
        self._pending.pop(key, None)
        self._pending[key] = action
        if not self.timer.isActive():
            self.timer.start()
        self.changed.emit(len(self._pending))

    def discard(self, key: Key) -> None:
        """``key`` was saved by other means (a newer save succeeded)."""
        if self._pending.pop(key, None) is not None:
            self.changed.emit(len(self._pending))
            if not self._pending:
                self.timer.stop()

    def retry_soon(self) -> None:
        """After a save that succeeded: the store may be writable again."""
        if self._pending:
            QTimer.singleShot(0, self.retry)

    def retry(self) -> None:
        """Try every waiting save in order; stop at the first that is refused again."""
        if self._retrying:
            return
        self._retrying = True
        try:
            for key in list(self._pending):
                action = self._pending.get(key)
                if action is None:
                    continue
                try:
                    result = action()
                except Exception as error:
                    if not is_transient(error):
                        self._pending.pop(key, None)
                        self.failed.emit(error)
                        continue
                    break
                if self._pending.get(key) is action:
                    del self._pending[key]
                self.succeeded.emit(key, result)
        finally:
            self._retrying = False
            if not self._pending:
                self.timer.stop()
            self.changed.emit(len(self._pending))
