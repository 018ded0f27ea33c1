"""A second 量衡 on the same database is refused politely and the first comes forward.

:func:`acquire_or_signal` takes the instance lock (desktop/instance_lock.py). If another
process holds it, it sends ``raise`` to that process's local socket and returns None: the
caller shows :func:`already_running_box` and exits 0. The first instance listens with
:class:`SingleInstance` and shows, raises and activates its window when asked.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QMessageBox, QWidget

from checklists.i18n import _
from desktop.instance_lock import InstanceGuard, acquire, server_name

RAISE = b"raise\n"  # what a second instance sends
TIMEOUT_MS = 1000


class SingleInstance(QObject):
    """The first instance: holds the lock and answers ``raise`` requests."""

    raise_requested = Signal()

    def __init__(self, guard: InstanceGuard, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.guard = guard
        self._window: QWidget | None = None
        self._sockets: list[QLocalSocket] = []
        self.server = QLocalServer(self)
        name = server_name(guard.db_path)
        QLocalServer.removeServer(name)  # a socket file left by a crash; we hold the lock
        self.server.listen(name)
        self.server.newConnection.connect(self._on_server_new_connection)

    def attach(self, window: QWidget) -> None:
        """Bring ``window`` forward whenever a second instance asks."""
        self._window = window

    def _on_server_new_connection(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            self._sockets.append(socket)
            socket.readyRead.connect(self._on_socket_ready_read)
        self._on_socket_ready_read()

    def _on_socket_ready_read(self) -> None:
        """Read what every open request sent (no per-socket closures: the sockets are
        deleted by the server when it closes)."""
        for socket in list(self._sockets):
            if socket.bytesAvailable() and bytes(socket.readAll().data()).startswith(RAISE.strip()):
                self.bring_forward()
            if socket.state() == QLocalSocket.LocalSocketState.UnconnectedState:
                self._sockets.remove(socket)

    def bring_forward(self) -> None:
        window = self._window
        if window is not None:
            if window.isMinimized():
                window.showNormal()
            window.show()
            window.raise_()
            window.activateWindow()
        self.raise_requested.emit()

    def release(self) -> None:
        self._sockets.clear()
        self.server.close()
        self.guard.release()


def signal_first(db_path: Path, timeout_ms: int = TIMEOUT_MS) -> bool:
    """Ask the instance that holds ``db_path`` to come forward; False if it did not answer."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(db_path))
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(RAISE)
    sent = socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    return sent


def acquire_or_signal(db_path: Path) -> SingleInstance | None:
    """The first instance's :class:`SingleInstance`, or None after asking the one that
    already has ``db_path`` open to come forward. OSError if the lock file cannot be made."""
    guard = acquire(db_path)
    if guard is None:
        signal_first(db_path)
        return None
    return SingleInstance(guard)


def already_running_box(parent: QWidget | None = None) -> QMessageBox:
    """The second instance's message (not shown: ``exec()`` it in run_gui, ``open()`` in
    tests)."""
    return QMessageBox(
        QMessageBox.Icon.Information,
        _("量衡已在运行"),
        _("量衡已在运行（同一数据库）。已切换到已打开的窗口。"),
        QMessageBox.StandardButton.Ok,
        parent,
    )
