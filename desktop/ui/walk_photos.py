"""Photo items: attach pictures from files (Qt's own file dialog, opened with ``open()`` so it
never blocks; ``Enter`` or ``Ctrl+O`` on the item opens it) or by dragging files onto the item.
The original bytes are stored with their SHA-256 (``Store.add_attachment``), never re-encoded;
the item's answer lists the attachment ids, and thumbnails are drawn from the stored bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMimeDatabase, QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from checklists.i18n import _
from desktop.ui.walk_items import ItemWidget

if TYPE_CHECKING:
    from desktop.ui.walk_state import WalkState

THUMB = QSize(96, 72)
IMAGE_FILTER = "Images (*.jpg *.jpeg *.png *.bmp *.heic *.webp);;All files (*)"

PhotoFile = tuple[bytes, str, str]  # data, file name, mime type


def read_photo(path: Path) -> PhotoFile:
    """The file's bytes as they are, its name and its mime type."""
    mime = QMimeDatabase().mimeTypeForFile(str(path)).name()
    return path.read_bytes(), path.name, mime


def file_dialog(parent: QWidget, title: str) -> QFileDialog:
    """Qt's own (non-native) dialog: the native one blocks tests and offscreen runs."""
    dialog = QFileDialog(parent, title)
    dialog.setObjectName("photo_dialog")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    dialog.setNameFilter(IMAGE_FILTER)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return dialog


class PhotoWidget(ItemWidget):
    """Thumbnails and an 添加照片 button; drop files anywhere on the item."""

    photos_added = Signal(list)  # [PhotoFile, ...]

    def build_editor(self) -> QWidget:
        self.setAcceptDrops(True)
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton(_("添加照片…（Enter 或 Ctrl+O，也可拖入文件）"))
        self.add_button.setObjectName("add_photo")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.add_button.installEventFilter(self)
        self.thumbs = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addLayout(self.thumbs)
        row.addStretch(1)
        self.dialog: QFileDialog | None = None
        return box

    def focus_target(self) -> QWidget:
        return self.add_button

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_O and event.modifiers() == Qt.KeyboardModifier.ControlModifier:
            self.open_dialog()
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 - Qt's name
        if (
            watched is self.add_button
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.open_dialog()
            return True
        return super().eventFilter(watched, event)

    def open_dialog(self) -> QFileDialog:
        self.dialog = file_dialog(self, _("选择照片"))
        self.dialog.filesSelected.connect(self._on_dialog_files_selected)
        self.dialog.finished.connect(self._on_dialog_finished)
        self.dialog.open()
        return self.dialog

    def _on_add_button_clicked(self) -> None:
        self.open_dialog()

    def _on_dialog_files_selected(self, files: list[str]) -> None:
        self.add_files([Path(f) for f in files])

    def _on_dialog_finished(self, _result: int) -> None:
        # Back to the item, so that the keyboard carries on where it was.
        self.dialog = None
        self.window().activateWindow()
        self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def add_files(self, paths: list[Path]) -> None:
        photos = [read_photo(p) for p in paths if p.is_file()]
        if photos:
            self.photos_added.emit(photos)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        self.add_files(paths)
        event.acceptProposedAction()

    def show_value(self, value: Any, not_applicable: bool) -> None:
        """Thumbnails need the store's bytes: drawn in :meth:`after_save`."""

    def after_save(self, state: WalkState) -> None:
        while self.thumbs.count():
            taken = self.thumbs.takeAt(0)
            old = taken.widget() if taken is not None else None
            if old is not None:
                old.deleteLater()
        answer = state.record.answer(self.item.id, self.instance_key)
        ids = answer.value if answer and isinstance(answer.value, list) else []
        infos = {a.id: a for a in state.store.attachments_for(state.inspection_id)}
        for attachment_id in ids:
            thumb = QLabel()
            thumb.setObjectName("thumbnail")
            pixmap = QPixmap()
            if pixmap.loadFromData(state.store.attachment_bytes(attachment_id)):
                thumb.setPixmap(pixmap.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio))
            else:
                thumb.setText(infos[attachment_id].filename if attachment_id in infos else "?")
            info = infos.get(attachment_id)
            if info is not None:
                thumb.setToolTip(f"{info.filename}\nSHA-256 {info.sha256}")
            self.thumbs.addWidget(thumb)
