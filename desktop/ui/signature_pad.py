"""A box to sign in with the mouse, a pen or a finger (Qt turns pen and touch input it is not
given explicitly into mouse events), kept as strokes of a QPainterPath and handed out as PNG.

``stroke_finished`` is emitted when the pen is lifted, so the caller can save each change as it
is made; :meth:`png` renders the strokes black on white.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from checklists.i18n import _


class SignaturePad(QWidget):
    stroke_finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signature_pad")
        self.path = QPainterPath()
        self._image: QImage | None = None  # a saved signature shown instead of strokes
        self._drawing = False
        self.placeholder = _("在此签名")
        self.setMinimumSize(QSize(260, 90))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip(_("用鼠标、手写笔或手指在此签名"))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(320, 100)

    @property
    def is_empty(self) -> bool:
        return self.path.isEmpty() and self._image is None

    def clear(self) -> None:
        self.path = QPainterPath()
        self._image = None
        self.update()

    def show_png(self, data: bytes | None) -> None:
        """Show a saved signature (no strokes to add to it)."""
        self.path = QPainterPath()
        image = QImage()
        self._image = image if data and image.loadFromData(data) else None
        self.update()

    def png(self) -> bytes:
        """The strokes, black on white, as PNG bytes."""
        image = QImage(self.size(), QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        self._paint(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes
        return bytes(data.data())

    # ------------------------------------------------------------------ input
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.button() != Qt.MouseButton.LeftButton or not self.isEnabled():
            return
        if self._image is not None:  # signing again replaces the saved signature
            self._image = None
        self._drawing = True
        self.path.moveTo(event.position())
        self.path.lineTo(event.position() + QPointF(0.1, 0.1))  # a dot is a stroke too
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if self._drawing:
            self.path.lineTo(event.position())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if self._drawing and event.button() == Qt.MouseButton.LeftButton:
            self._drawing = False
            self.path.lineTo(event.position())
            self.update()
            self.stroke_finished.emit()

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white") if self.isEnabled() else QColor("#f2f2f2"))
        if self.is_empty:
            painter.setPen(QColor("#aaaaaa"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.placeholder)
        self._paint(painter)
        painter.setPen(QPen(QColor("#999999"), 1, Qt.PenStyle.DashLine))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()

    def _paint(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._image is not None:
            scaled = self._image.scaled(
                self.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )  # fmt: skip
            painter.drawImage(0, 0, scaled)
        pen = QPen(QColor("black"), 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                   Qt.PenJoinStyle.RoundJoin)  # fmt: skip
        painter.setPen(pen)
        painter.drawPath(self.path)
