"""Small pieces shared by the subjects page and its dialogs: kind labels, a search box that
searches as you type, a line that shows a problem in the user's words.

Glossary: subject kind 被检查单位类型; instrument 计量器具 (dispenser 加油机, nozzle 加油枪,
scale 电子计价秤, fair-check scale 公平秤, lensmeter 焦度计, refractometer 电脑验光仪).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from checklists.i18n import N_, _
from checklists.schema import SUBJECT_KINDS
from desktop.store.ids import china_date

# The kinds of instrument a subject registers (the store keeps the code). The checklists name
# the repeated things (REPEAT_KINDS), not the register's kinds, so the labels live here.
INSTRUMENT_KINDS: Mapping[str, str] = {
    "dispenser": N_("加油机"),
    "nozzle": N_("加油枪"),
    "scale": N_("电子计价秤"),
    "fair_scale": N_("公平秤"),
    "lensmeter": N_("焦度计"),
    "refractometer": N_("电脑验光仪"),
    "instrument": N_("其他计量器具"),
}

PROBLEM_COLOUR = "#b71c1c"
GOOD_COLOUR = "#1b6e20"
SEARCH_DELAY_MS = 150


def subject_kind_label(kind: str) -> str:
    """The Chinese name of a subject kind; an unknown code as it is."""
    return _(SUBJECT_KINDS[kind]) if kind in SUBJECT_KINDS else kind


def instrument_kind_label(kind: str) -> str:
    return _(INSTRUMENT_KINDS[kind]) if kind in INSTRUMENT_KINDS else kind


def china_today() -> date:
    """Today in China (UTC+08:00): the date an inspection is recorded under."""
    return date.fromisoformat(china_date())


class SearchBox(QLineEdit):
    """A line edit that reports its text ``SEARCH_DELAY_MS`` after the last keystroke, so a
    query runs once per pause in typing, not once per character.

    ``search_changed(text)`` is the debounced text. Enter and the Down key report a pending
    text at once and emit ``leave_requested``: the owner moves the focus into its results.
    Enter is consumed here, so in a dialog it never presses the default button as well.
    """

    search_changed = Signal(str)
    leave_requested = Signal()

    _LEAVE_KEYS = (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.textChanged.connect(self._on_self_text_changed)

    @property
    def pending(self) -> bool:
        """True while typed text has not been reported yet."""
        return self._timer.isActive()

    def flush(self) -> None:
        """Report the text now if a report is pending (Enter must not wait for the timer)."""
        if self._timer.isActive():
            self._timer.stop()
            self.search_changed.emit(self.text())

    def _on_self_text_changed(self, _text: str) -> None:
        self._timer.start()

    def _on_timer_timeout(self) -> None:
        self.search_changed.emit(self.text())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in self._LEAVE_KEYS:
            self.flush()
            self.leave_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class ProblemLabel(QLabel):
    """One line under a form: a problem in red (hidden when there is none), or a confirmation."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.is_problem = False
        self.hide()

    def show_problem(self, text: str) -> None:
        self._show(text, PROBLEM_COLOUR)
        self.is_problem = True

    def show_good(self, text: str) -> None:
        self._show(text, GOOD_COLOUR)

    def clear_problem(self) -> None:
        self.is_problem = False
        self.clear()
        self.hide()

    def _show(self, text: str, colour: str) -> None:
        self.is_problem = False
        self.setStyleSheet(f"color: {colour};")
        self.setText(text)
        self.show()
