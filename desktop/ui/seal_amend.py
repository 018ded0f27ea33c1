"""更正 a sealed record: pick one answer, give its new value and the reason (required). The
original answer stays in the store; the record shows the amended value and the history lists
every correction (``WalkState.amend``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from checklists.i18n import _
from checklists.schema import NA, ItemKind
from desktop.ui.walk_state import WalkState, stored_value

_YES_NO = (("yes", "是"), ("no", "否"), (NA, "不适用"))


class AmendDialog(QDialog):
    def __init__(self, state: WalkState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("amend_dialog")
        self.setWindowTitle(_("更正已定稿的记录"))
        self.state = state
        self.keys: list[tuple[str, str]] = []
        self.item = QComboBox()
        self.item.setObjectName("amend_item")
        for visible in state.record.visible_items():
            kind = visible.item.kind
            if kind in (ItemKind.MEASUREMENT, ItemKind.PHOTO):
                continue  # measurements and photos are corrected by a new inspection
            label = state.record.instance_label(visible.instance_key)
            text = f"{label}：{visible.item.text}" if label else visible.item.text
            self.item.addItem(text)
            self.keys.append((visible.item.id, visible.instance_key))
        self.choice = QComboBox()
        self.choice.setObjectName("amend_choice")
        self.text = QLineEdit()
        self.text.setObjectName("amend_text")
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("amend_reason")
        self.reason.setPlaceholderText(_("必须填写更正理由，例如：笔误，经当事人确认……"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(_("更正项"), self.item)
        form.addRow(_("新值"), self.choice)
        form.addRow("", self.text)
        form.addRow(_("理由"), self.reason)
        form.addRow(self.buttons)
        self.item.currentIndexChanged.connect(self._on_item_changed)
        self.reason.textChanged.connect(self._on_reason_changed)
        self._on_item_changed(0)
        self._on_reason_changed()

    def _item(self) -> tuple[str, str]:
        return self.keys[self.item.currentIndex()]

    def _on_item_changed(self, _index: int) -> None:
        if not self.keys:
            return
        item_id, key = self._item()
        item = self.state.checklist.item(item_id)
        current = stored_value(self.state.record.answer(item_id, key))
        self.choice.clear()
        if item.kind is ItemKind.YES_NO:
            for value, label in _YES_NO:
                self.choice.addItem(_(label), value)
        elif item.kind is ItemKind.CHOICE:
            for option in item.options:
                self.choice.addItem(option.text, option.value)
        self.choice.setVisible(self.choice.count() > 0)
        self.text.setVisible(self.choice.count() == 0)
        self.text.setText("" if current is None else str(current))
        index = self.choice.findData(current)
        self.choice.setCurrentIndex(max(index, 0))

    def _on_reason_changed(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.reason.toPlainText().strip()) and bool(self.keys))

    def change(self) -> tuple[str, str, Any]:
        """(item id, instance key, new value) chosen."""
        item_id, key = self._item()
        value: Any = self.choice.currentData() if self.choice.count() else self.text.text()
        return item_id, key, value if value != "" else None
