"""One widget per item kind of a checklist, for the walk-through pages.

Every :class:`ItemWidget` shows the item's text (``*`` when required), its status, its legal
basis (an unverified clause marked [未核实]), its help, and a note field. It never writes to the
store itself: it emits ``value_changed(value)`` / ``note_changed(text)`` and the page saves.

Keyboard (the Chinese IME may be on: the digits work either way):

- yes/no items: ``Y`` or ``1`` 是, ``N`` or ``2`` 否, ``A`` or ``3`` 不适用 (where allowed),
  ``Delete``/``Backspace`` clears; answering moves on to the next item;
- choice items: ``1`` ... ``9`` pick the option (and move on), ``Delete`` clears;
- number, text, date: typed text is saved as typed, on every keystroke; an invalid number or
  date is kept and flagged, never thrown away;
- ``Enter`` anywhere in an item (not in a multi-line column) moves to the next item
  (``advance``); ``Tab`` reaches the note field.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from checklists.answers import Evaluation, Status
from checklists.i18n import N_, _
from checklists.schema import NA, NO, YES, Item, ItemKind

if TYPE_CHECKING:
    from desktop.ui.walk_state import WalkState

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_CLEAR = (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
_YES_KEYS = (Qt.Key.Key_Y, Qt.Key.Key_1)
_NO_KEYS = (Qt.Key.Key_N, Qt.Key.Key_2)
_NA_KEYS = (Qt.Key.Key_A, Qt.Key.Key_3)
_DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")

STATUS_TEXT = {
    Status.MISSING: N_("未填"),
    Status.INVALID: N_("无效"),
    Status.NOT_APPLICABLE: N_("不适用"),
    Status.PASS: N_("符合"),
    Status.FAIL: N_("不符合"),
    Status.INDETERMINATE: N_("不予判定"),
}
STATUS_COLOUR = {
    Status.MISSING: "#666666",
    Status.INVALID: "#b71c1c",
    Status.NOT_APPLICABLE: "#444444",
    Status.PASS: "#1b6e20",
    Status.FAIL: "#b71c1c",
    Status.INDETERMINATE: "#6d5d00",
}


def basis_html(item: Item) -> str:
    """依据 of an item, one per line; an unconfirmed clause says so."""
    lines = []
    unverified = _("未核实")
    for basis in item.basis:
        flag = "" if basis.verified else f" <span style='color:#b71c1c'>[{unverified}]</span>"
        lines.append(f"{basis.cite()}{flag}")
    return _("依据：") + "；".join(lines) if lines else ""


class ItemWidget(QFrame):
    """The frame every item kind shares; subclasses build the editor."""

    value_changed = Signal(object)
    note_changed = Signal(str)
    advance = Signal()

    def __init__(self, item: Item, instance_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.instance_key = instance_key
        self.setObjectName(f"item_{item.id}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._quiet = False
        marker = " <span style='color:#b71c1c'>*</span>" if item.required else ""
        remark_text = _("（记录事项）")
        remark = f" <small>{remark_text}</small>" if item.is_remark else ""
        self.title = QLabel(f"<b>{item.text}</b>{marker}{remark}")
        self.title.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        # Shown while a refused save of this item waits to be retried (walk_retry).
        self.unsaved = QLabel(_("未保存"), self)
        self.unsaved.setObjectName("unsaved")
        self.unsaved.setToolTip(_("存储暂时无法写入；输入的内容保留在这里，程序会自动重试保存。"))
        self.unsaved.setStyleSheet(
            "color:#ffffff; background:#b71c1c; padding:1px 4px; font-weight:bold;"
        )
        self.unsaved.setVisible(False)
        # With a parent: setVisible(True) on an orphan label opens it as a window.
        self.basis = QLabel(basis_html(item), self)
        self.basis.setObjectName("basis")
        self.basis.setWordWrap(True)
        self.basis.setStyleSheet("color:#555555; font-size:9pt;")
        self.basis.setVisible(bool(item.basis))
        self.help = QLabel(item.help, self)
        self.help.setWordWrap(True)
        self.help.setStyleSheet("color:#555555; font-size:9pt;")
        self.help.setVisible(bool(item.help))
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note.setPlaceholderText(_("备注（可空）"))
        self.note.textChanged.connect(self._on_note_text_changed)
        self.editor = self.build_editor()
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.unsaved)
        top.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.editor)
        layout.addWidget(self.help)
        layout.addWidget(self.basis)
        layout.addWidget(self.note)

    # subclasses -----------------------------------------------------------
    def build_editor(self) -> QWidget:
        raise NotImplementedError

    def show_value(self, value: Any, not_applicable: bool) -> None:
        """Show a stored answer without emitting anything."""
        raise NotImplementedError

    def focus_target(self) -> QWidget:
        return self.editor

    def after_save(self, state: WalkState) -> None:
        """Show what the store now holds beyond the typed value (results, thumbnails)."""

    # shared ---------------------------------------------------------------
    def load(self, value: Any, not_applicable: bool, note: str) -> None:
        self._quiet = True
        try:
            self.show_value(value, not_applicable)
            self.note.setText(note)
        finally:
            self._quiet = False

    def emit_value(self, value: Any) -> None:
        if not self._quiet:
            self.value_changed.emit(value)

    def show_evaluation(self, evaluation: Evaluation) -> None:
        text = _(STATUS_TEXT[evaluation.status])
        if evaluation.reason and evaluation.status in (Status.FAIL, Status.INVALID):
            text = f"{text}：{evaluation.reason}"
        self.status.setText(text)
        self.status.setProperty("state", evaluation.status.value)
        self.status.setStyleSheet(f"color:{STATUS_COLOUR[evaluation.status]}; font-weight:bold;")

    def set_unsaved(self, unsaved: bool) -> None:
        """Mark the item 未保存 (its typed input is kept and retried) or clear the mark."""
        self.unsaved.setVisible(unsaved)
        self.setProperty("unsaved", unsaved)

    def is_unsaved(self) -> bool:
        return not self.unsaved.isHidden()

    def focus_editor(self) -> None:
        self.focus_target().setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_note_text_changed(self, text: str) -> None:
        if not self._quiet:
            self.note_changed.emit(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in _ENTER and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.advance.emit()
            return
        super().keyPressEvent(event)


class _KeyPad(QWidget):
    """A focusable row of answer buttons; the keys are handled by its item widget."""

    key_pressed = Signal(QKeyEvent)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        self.key_pressed.emit(event)
        if not event.isAccepted():
            super().keyPressEvent(event)

    def focusInEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        self.setStyleSheet("_KeyPad, QWidget#keypad { background:#e3f2fd; }")
        super().focusInEvent(event)

    def focusOutEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        self.setStyleSheet("")
        super().focusOutEvent(event)


class YesNoWidget(ItemWidget):
    """是 / 否 / 不适用."""

    def build_editor(self) -> QWidget:
        pad = _KeyPad()
        pad.setObjectName("keypad")
        pad.setAutoFillBackground(True)
        self.group = QButtonGroup(self)
        self.group.setExclusive(False)
        row = QHBoxLayout(pad)
        row.setContentsMargins(4, 2, 4, 2)
        self.buttons: dict[str, QPushButton] = {}
        choices = [(YES, _("是 (Y/1)")), (NO, _("否 (N/2)"))]
        if self.item.allow_na:
            choices.append((NA, _("不适用 (A/3)")))
        for value, text in choices:
            button = QPushButton(text)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setObjectName(f"answer_{value}")
            button.clicked.connect(lambda _checked, v=value: self._choose(v))
            self.buttons[value] = button
            row.addWidget(button)
        row.addStretch(1)
        pad.key_pressed.connect(self._on_pad_key_pressed)
        return pad

    def _on_pad_key_pressed(self, event: QKeyEvent) -> None:
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if modifiers & ~Qt.KeyboardModifier.ShiftModifier:
            event.ignore()
            return
        value = (
            YES
            if key in _YES_KEYS
            else NO
            if key in _NO_KEYS
            else NA
            if key in _NA_KEYS and self.item.allow_na
            else None
        )
        if value is not None:
            self._choose(value)
            self.advance.emit()
        elif key in _CLEAR:
            self._choose(None)
        else:
            event.ignore()
            return
        event.accept()

    def _choose(self, value: str | None) -> None:
        self._check(value)
        self.emit_value(value)

    def _check(self, value: str | None) -> None:
        for key, button in self.buttons.items():
            button.setChecked(key == value)

    def show_value(self, value: Any, not_applicable: bool) -> None:
        self._check(NA if not_applicable else value)


class ChoiceWidget(ItemWidget):
    """One of the listed options; digits pick them."""

    def build_editor(self) -> QWidget:
        pad = _KeyPad()
        pad.setObjectName("keypad")
        column = QVBoxLayout(pad)
        column.setContentsMargins(4, 2, 4, 2)
        self.group = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        for n, option in enumerate(self.item.options, 1):
            text = f"{n}  {option.text}" + (_("（不符合）") if option.fails else "")
            radio = QRadioButton(text)
            radio.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            radio.setObjectName(f"option_{option.value}")
            radio.clicked.connect(lambda _checked, v=option.value: self.emit_value(v))
            self.group.addButton(radio)
            self.radios[option.value] = radio
            column.addWidget(radio)
        if self.item.allow_na:
            radio = QRadioButton("0  " + _("不适用"))
            radio.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            radio.clicked.connect(lambda _checked: self.emit_value(NA))
            self.group.addButton(radio)
            self.radios[NA] = radio
            column.addWidget(radio)
        pad.key_pressed.connect(self._on_pad_key_pressed)
        return pad

    def _on_pad_key_pressed(self, event: QKeyEvent) -> None:
        key = event.key()
        options = self.item.options
        if key in _DIGITS and _DIGITS[key] <= len(options):
            self._pick(options[_DIGITS[key] - 1].value)
            self.advance.emit()
        elif key == Qt.Key.Key_0 and self.item.allow_na:
            self._pick(NA)
            self.advance.emit()
        elif key in _CLEAR:
            self._pick(None)
        else:
            event.ignore()
            return
        event.accept()

    def _pick(self, value: str | None) -> None:
        self._check(value)
        self.emit_value(value)

    def _check(self, value: str | None) -> None:
        self.group.setExclusive(False)
        for key, radio in self.radios.items():
            radio.setChecked(key == value)
        self.group.setExclusive(True)

    def show_value(self, value: Any, not_applicable: bool) -> None:
        self._check(NA if not_applicable else value)


class LineWidget(ItemWidget):
    """Number, text and date items: the typed text is the answer, saved as typed."""

    def build_editor(self) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.line = QLineEdit()
        self.line.setObjectName("value")
        if self.item.kind is ItemKind.DATE:
            self.line.setPlaceholderText(_("年-月-日，如 2026-11-27"))
            self.line.editingFinished.connect(self._on_line_editing_finished)
        elif self.item.kind is ItemKind.NUMBER:
            self.line.setPlaceholderText(_("数值"))
            self.line.setMaximumWidth(220)
        self.line.textChanged.connect(self._on_line_text_changed)
        row.addWidget(self.line, 1 if self.item.kind is ItemKind.TEXT else 0)
        if self.item.unit:
            row.addWidget(QLabel(self.item.unit))
        if self.item.kind is not ItemKind.TEXT:
            row.addStretch(1)
        return box

    def focus_target(self) -> QWidget:
        return self.line

    def _on_line_text_changed(self, text: str) -> None:
        self.emit_value(text if text.strip() else None)

    def _on_line_editing_finished(self) -> None:
        match = _DATE.match(self.line.text())
        if match:  # 2026.3.5, 2026/3/5, 2026年3月5日 -> 2026-03-05
            year, month, day = (int(g) for g in match.groups())
            iso = f"{year:04d}-{month:02d}-{day:02d}"
            if iso != self.line.text():
                self.line.setText(iso)

    def show_value(self, value: Any, not_applicable: bool) -> None:
        self.line.setText("" if value is None else str(value))


def make_item_widget(item: Item, instance_key: str) -> ItemWidget:
    """The widget for an item (photo and measurement widgets live in their own modules)."""
    from desktop.ui.walk_measure import MeasurementWidget
    from desktop.ui.walk_photos import PhotoWidget

    kinds: dict[ItemKind, type[ItemWidget]] = {
        ItemKind.YES_NO: YesNoWidget,
        ItemKind.CHOICE: ChoiceWidget,
        ItemKind.NUMBER: LineWidget,
        ItemKind.TEXT: LineWidget,
        ItemKind.DATE: LineWidget,
        ItemKind.PHOTO: PhotoWidget,
        ItemKind.MEASUREMENT: MeasurementWidget,
    }
    return kinds[item.kind](item, instance_key)
