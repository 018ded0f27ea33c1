"""未能实施检查: record in a few keystrokes that an inspection could not be carried out.

``Ctrl+Shift+X`` in the walk-through opens this dialog (window-modal, ``open()``): the reason
list takes the focus and a digit picks a reason (1 停业, 2 无法联系, 3 拒绝检查, 4 已注销),
``Tab`` reaches the note, then the photo button (``Enter`` opens Qt's own file dialog), and
``Ctrl+Enter`` (or ``Enter`` in the note) records it. The view stores it through
``WalkState.mark_not_carried_out``: the status, the reason, the published outcome, the note and
the photo (original bytes with their SHA-256).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from checklists.i18n import _
from checklists.outcome import NotCarriedOutReason
from desktop.ui.walk_photos import PhotoFile, file_dialog, read_photo


class NotCarriedOutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("not_carried_out_dialog")
        self.setWindowTitle(_("未能实施检查"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.reason = QComboBox()
        self.reason.setObjectName("reason")
        for n, code in enumerate(NotCarriedOutReason, 1):
            self.reason.addItem(f"{n} {code.label}", code.value)
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note.setPlaceholderText(_("现场情况，如：到场时大门紧锁，周边商户称已停业两个月"))
        self.photo_button = QPushButton(_("添加现场照片…"))
        self.photo_button.setObjectName("photo")
        self.photo_button.setAutoDefault(True)  # Enter on it opens the file dialog
        self.photo_button.clicked.connect(self._on_photo_button_clicked)
        self.photo_label = QLabel(_("未添加照片"))
        self.photo: PhotoFile | None = None
        self.files: QFileDialog | None = None
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("记录（Ctrl+Enter）"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self.accept)
        form = QFormLayout(self)
        form.addRow(_("原因"), self.reason)
        form.addRow(_("情况说明"), self.note)
        form.addRow(self.photo_button, self.photo_label)
        form.addRow(buttons)
        self.reason.setFocus()

    def chosen(self) -> NotCarriedOutReason:
        return NotCarriedOutReason(self.reason.currentData())

    def _on_photo_button_clicked(self) -> None:
        self.files = file_dialog(self, _("选择现场照片"))
        self.files.setFileMode(QFileDialog.FileMode.ExistingFile)
        self.files.fileSelected.connect(self._on_files_file_selected)
        self.files.finished.connect(self._on_files_finished)
        self.files.open()

    def _on_files_file_selected(self, path: str) -> None:
        self.photo = read_photo(Path(path))
        self.photo_label.setText(self.photo[1])

    def _on_files_finished(self, _result: int) -> None:
        self.files = None
        self.activateWindow()
        self.photo_button.setFocus(Qt.FocusReason.OtherFocusReason)
