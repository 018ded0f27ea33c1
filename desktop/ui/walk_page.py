"""One page of the walk-through: the items of one section for one instance (a dispenser, a
nozzle, a stall ...), in a scroll area.

Every change an item widget reports is saved at once through :class:`WalkState` (one short
transaction); the page then shows the new status of every item, hides or shows the items whose
conditions changed, and emits ``saved``. A refused change (a closed record, a full disk) is
shown once through :func:`desktop.ui.errors.show_error` and the typed text stays in the widget;
a refusal that may pass (a full disk, a read-only or locked file) also marks the item 未保存 and
hands the save to a :class:`~desktop.ui.walk_retry.RetryQueue`, which retries it every few
seconds and after the next save that succeeds, until it is saved (``unsaved_changed(count)``).
``Enter`` in an item moves to the next visible item; past the last one the page emits
``finished`` and the view turns to the next page.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from checklists.errors import UserError
from checklists.i18n import _
from checklists.schema import REPEAT_KINDS, ItemKind
from desktop.ui.errors import show_error
from desktop.ui.walk_items import ItemWidget, make_item_widget
from desktop.ui.walk_photos import PhotoFile, PhotoWidget
from desktop.ui.walk_retry import RetryQueue, is_transient
from desktop.ui.walk_state import Page, Saved, WalkState


class SectionPage(QScrollArea):
    """The items of ``page``; ``add_requested`` asks the view for another instance."""

    saved = Signal(object)  # Saved
    finished = Signal()
    layout_changed = Signal()
    add_requested = Signal()
    unsaved_changed = Signal(int)  # how many saves wait to be retried

    def __init__(self, state: WalkState, page: Page, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.page = page
        self.section = state.checklist.section(page.section_id)
        self.setObjectName(f"page_{page.section_id}")
        self.setWidgetResizable(True)
        self.widgets: dict[str, ItemWidget] = {}
        self._error_shown = False
        self._photos = 0
        self.retries = RetryQueue(self)
        self.retries.succeeded.connect(self._on_retry_succeeded)
        self.retries.failed.connect(self._on_retry_failed)
        self.retries.changed.connect(self._on_retries_changed)
        body = QWidget()
        layout = QVBoxLayout(body)
        heading = QLabel(f"<h2>{state.page_title(page)}</h2>")
        heading.setObjectName("heading")
        layout.addWidget(heading)
        if self.section.help:
            hint = QLabel(self.section.help)
            hint.setWordWrap(True)
            hint.setStyleSheet("color:#555555;")
            layout.addWidget(hint)
        for item in self.section.items:
            widget = make_item_widget(item, page.instance_key)
            self._load(widget)
            widget.value_changed.connect(lambda v, w=widget: self._on_item_value_changed(w, v))
            widget.note_changed.connect(lambda t, w=widget: self._on_item_note_changed(w, t))
            widget.advance.connect(lambda w=widget: self._on_item_advance(w))
            if isinstance(widget, PhotoWidget):
                widget.photos_added.connect(lambda p, w=widget: self._on_item_photos_added(w, p))
            self.widgets[item.id] = widget
            layout.addWidget(widget)
        if self.section.scope:
            kind = _(REPEAT_KINDS[self.section.scope[-1]])
            self.add_button = QPushButton(_("添加{kind}（Ctrl+Shift+N）").format(kind=kind))
            self.add_button.setObjectName("add_instance")
            self.add_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.add_button.clicked.connect(self.add_requested)
            layout.addWidget(self.add_button)
        layout.addStretch(1)
        self.setWidget(body)
        self.refresh()

    def _load(self, widget: ItemWidget) -> None:
        answer = self.state.record.answer(widget.item.id, self.page.instance_key)
        if answer is not None:
            widget.load(answer.value, answer.not_applicable, answer.note)
        widget.after_save(self.state)

    # ------------------------------------------------------------------ state
    def refresh(self) -> None:
        """Visibility and status of every item from the record."""
        visible = {i.id for i in self.state.visible_items(self.page)}
        for item_id, widget in self.widgets.items():
            widget.setVisible(item_id in visible)
            widget.show_evaluation(self.state.record.evaluate(widget.item, self.page.instance_key))

    def reload_item(self, item_id: str) -> None:
        """Show an answer that changed elsewhere (a measurement judged again)."""
        widget = self.widgets.get(item_id)
        if widget is not None:
            widget.after_save(self.state)
            widget.show_evaluation(self.state.record.evaluate(widget.item, self.page.instance_key))

    def _save(self, widget: ItemWidget, action: Any, field: str = "value") -> None:
        key = (widget.item.id, field)
        try:
            saved: Saved = action()
        except UserError as error:
            if is_transient(error):
                self.retries.add(key, action)
                widget.set_unsaved(True)
            if not self._error_shown:
                self._error_shown = True
                show_error(self, error)
            return
        self.retries.discard(key)  # an older refused save of the same field is superseded
        self._after_save(widget, saved)
        self.retries.retry_soon()

    def _on_retry_succeeded(self, key: tuple[str, str], saved: Saved) -> None:
        widget = self.widgets.get(key[0])
        if widget is not None:
            self._after_save(widget, saved)

    def _on_retry_failed(self, error: Exception) -> None:
        show_error(self, error)  # a retry refused for good (the record was sealed meanwhile)

    def _on_retries_changed(self, count: int) -> None:
        waiting = {item_id for item_id, _field in self.retries.waiting()}
        for item_id, widget in self.widgets.items():
            widget.set_unsaved(item_id in waiting)
        self.unsaved_changed.emit(count)

    def _after_save(self, widget: ItemWidget, saved: Saved) -> None:
        self._error_shown = False
        widget.set_unsaved(any(k[0] == widget.item.id for k in self.retries.waiting()))
        widget.after_save(self.state)
        for item_id, _key in self.state.rejudge_dependents(widget.item.id):
            self.reload_item(item_id)
        self.refresh()
        if saved.layout_changed:
            self.layout_changed.emit()
        self.saved.emit(saved)

    def _on_item_value_changed(self, widget: ItemWidget, value: Any) -> None:
        item, key = widget.item, self.page.instance_key
        if item.kind is ItemKind.MEASUREMENT and isinstance(value, dict):
            self._save(
                widget, lambda: self.state.measure(item.id, key, value["shared"], value["rows"])
            )
        else:
            self._save(widget, lambda: self.state.set_value(item.id, key, value))

    def _on_item_note_changed(self, widget: ItemWidget, text: str) -> None:
        self._save(
            widget,
            lambda: self.state.set_note(widget.item.id, self.page.instance_key, text),
            "note",
        )

    def _on_item_photos_added(self, widget: PhotoWidget, photos: list[PhotoFile]) -> None:
        for data, name, mime in photos:
            self._photos += 1  # each photo is its own save: none replaces another
            self._save(
                widget,
                lambda d=data, n=name, m=mime: self.state.add_photo(
                    widget.item.id, self.page.instance_key, d, n, m
                ),
                f"photo {self._photos}",
            )

    # ------------------------------------------------------------------ focus
    def visible_widgets(self) -> list[ItemWidget]:
        return [w for w in self.widgets.values() if not w.isHidden()]

    def focus_item(self, item_id: str = "") -> None:
        """Put the cursor in ``item_id`` (the first item when empty or unknown)."""
        widgets = self.visible_widgets()
        widget = self.widgets.get(item_id) if item_id else None
        if widget is None or widget.isHidden():
            widget = widgets[0] if widgets else None
        if widget is None:
            self.setFocus()
            return
        self._reveal(widget)

    def _reveal(self, widget: ItemWidget) -> None:
        """Focus the item's editor and scroll so that its editor and its title both show."""
        widget.focus_editor()
        self.ensureWidgetVisible(widget.focus_target(), 0, 40)
        self.ensureWidgetVisible(widget.title, 0, 10)

    def current_item(self) -> str:
        """The item holding the keyboard focus ("" if none)."""
        focus = QApplication.focusWidget()
        for item_id, widget in self.widgets.items():
            if focus is not None and (focus is widget or widget.isAncestorOf(focus)):
                return item_id
        return ""

    def _on_item_advance(self, widget: ItemWidget) -> None:
        widgets = self.visible_widgets()
        index = widgets.index(widget) if widget in widgets else len(widgets)
        if index + 1 < len(widgets):
            self._reveal(widgets[index + 1])
        else:
            self.finished.emit()


class EmptySectionPage(QWidget):
    """The page of a repeated section with nothing in it yet: says so and adds the first."""

    add_requested = Signal()

    def __init__(self, state: WalkState, page: Page, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page = page
        section = state.section(page)
        assert section is not None
        kind = _(REPEAT_KINDS[section.scope[-1]])
        title = QLabel(f"<h2>{escape(state.page_title(page))}</h2>")
        hint = QLabel(_("还没有{kind}。按 Ctrl+Shift+N 或下面的按钮添加第一个。").format(kind=kind))
        hint.setWordWrap(True)
        self.add_button = QPushButton(_("添加{kind}（Ctrl+Shift+N）").format(kind=kind))
        self.add_button.setObjectName("add_instance")
        self.add_button.clicked.connect(self.add_requested)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.add_button)
        layout.addStretch(1)

    def focus_first(self) -> None:
        self.add_button.setFocus()
