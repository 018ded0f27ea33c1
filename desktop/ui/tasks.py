"""One task runner for slow work off the UI thread (STYLE.md practice 3; cf. Anki's taskman).

``run_task(work)`` runs ``work(control)`` on Qt's global thread pool and returns a
:class:`Task` whose signals arrive on the UI thread: ``progress(done, total)``,
``finished(result)``, ``failed(error)`` and ``cancelled()``. ``control.progress(done, total)``
reports progress (throttled), ``control.cancelled()`` says whether the user asked to stop;
work that stops early raises :class:`TaskCancelledError` (or any exception its caller maps to it).

A worker never touches the UI thread's Store: it opens its own ``Reader`` (SQLite connections
belong to the thread that opened them).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

_PROGRESS_INTERVAL = 0.05  # seconds between two progress signals (the bar needs no more)


class TaskCancelledError(Exception):
    """The work stopped because the user cancelled it."""


class TaskControl:
    """What the work sees: progress reporting and the cancel flag. Thread-safe."""

    def __init__(self, task: Task) -> None:
        self._task = task
        self._event = threading.Event()
        self._last = 0.0

    def cancel(self) -> None:
        self._event.set()

    def cancelled(self) -> bool:
        return self._event.is_set()

    def progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < _PROGRESS_INTERVAL:
            return
        self._last = now
        _emit(self._task.progress, done, total)


class Task(QObject):
    """A running piece of work; its signals are delivered on the thread that created it."""

    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.control = TaskControl(self)
        self.done = False
        self.finished.connect(self._on_end)
        self.failed.connect(self._on_end)
        self.cancelled.connect(self._on_end)

    def cancel(self) -> None:
        self.control.cancel()

    def _on_end(self, *_args: Any) -> None:
        self.done = True


def _emit(signal: Any, *args: Any) -> None:
    # The Task (and its C++ object) may be gone if its parent window closed mid-work.
    with contextlib.suppress(RuntimeError):
        signal.emit(*args)


class _Runnable(QRunnable):
    def __init__(self, task: Task, work: Callable[[TaskControl], Any]) -> None:
        super().__init__()
        self.task = task
        self.work = work

    def run(self) -> None:
        task = self.task
        try:
            result = self.work(task.control)
        except TaskCancelledError:
            _emit(task.cancelled)
        except Exception as exc:  # every error goes to the UI thread, shown there
            if task.control.cancelled():
                _emit(task.cancelled)
            else:
                _emit(task.failed, exc)
        else:
            _emit(task.finished, result)


def run_task(
    work: Callable[[TaskControl], Any],
    parent: QObject | None = None,
    pool: QThreadPool | None = None,
) -> Task:
    """Start ``work`` in a worker thread once control returns to the event loop, so that the
    caller connects to the returned Task's signals first and misses none of them (a queued
    signal reaches only the slots connected when it was emitted)."""
    task = Task(parent)
    runnable = _Runnable(task, work)
    runnable.setAutoDelete(True)
    target = pool or QThreadPool.globalInstance()
    QTimer.singleShot(0, task, lambda: target.start(runnable))
    return task
