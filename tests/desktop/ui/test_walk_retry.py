"""Typed input kept until it can be saved (issue 11): a save the store refuses for a reason
that passes (a full disk, a read-only or locked file) marks the item 未保存, keeps the text on
screen and is retried by a timer and after the next save that succeeds, until it is saved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.store.errors import DatabaseReadOnlyError, DiskFullError, SealedRecordError
from desktop.ui.walk_items import LineWidget
from desktop.ui.walk_page import SectionPage
from desktop.ui.walk_state import Page, Place
from desktop.ui.walk_view import InspectionView

from .test_walk_items import make_inspection, stored  # noqa: F401 - fixture helpers
from .test_walk_items import view as view

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing"),
]

DISPENSER = Page("dispenser", "dispenser:1")


class Flaky:
    """The store's save_answer, refusing with ``error`` while ``failing``; counts refusals."""

    def __init__(self, view: InspectionView, monkeypatch: pytest.MonkeyPatch) -> None:
        self.store = view.context.store
        self.original: Callable[..., int] = self.store.save_answer
        self.failing = False
        self.refused = 0
        self.error: Callable[[], Exception] = lambda: DiskFullError(self.store.path)
        monkeypatch.setattr(self.store, "save_answer", self)

    def __call__(self, *args: Any, **kwargs: Any) -> int:
        if self.failing:
            self.refused += 1
            raise self.error()
        return self.original(*args, **kwargs)


def _close_boxes() -> list[str]:
    texts = []
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            texts.append(widget.text())
            widget.close()
    return texts


def _page(view: InspectionView, item_id: str) -> SectionPage:
    view.go_to(Place(DISPENSER, item_id))
    page = view.page_widget(DISPENSER)
    assert isinstance(page, SectionPage)
    return page


def test_refused_text_is_marked_unsaved_and_saved_once_the_disk_has_room(
    view: InspectionView, qtbot: QtBot, ime_type: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    flaky = Flaky(view, monkeypatch)
    page = _page(view, "disp_certificate_no")
    page.retries.timer.setInterval(50)
    widget = page.widgets["disp_certificate_no"]
    assert isinstance(widget, LineWidget)
    qtbot.keyClicks(widget.line, "JD-20")
    assert stored(view, "disp_certificate_no", "dispenser:1") == "JD-20"  # acknowledged
    assert not widget.is_unsaved()
    assert "已保存" in view.saved_label.text()

    flaky.failing = True  # the disk is full
    qtbot.keyClicks(widget.line, "26")
    ime_type(widget.note, "证书在站长处")
    assert any("磁盘已满" in text for text in _close_boxes())  # shown once, not per keystroke
    assert widget.is_unsaved()
    assert widget.unsaved.text() == "未保存"
    assert widget.line.text() == "JD-2026"  # the typed text stays on screen
    assert widget.note.text() == "证书在站长处"
    assert "未保存" in view.saved_label.text()
    assert view.unsaved_count() == 2  # the value and the note
    refused = flaky.refused
    qtbot.waitUntil(lambda: flaky.refused > refused + 2, timeout=3000)  # the timer retries
    assert widget.is_unsaved()
    assert _close_boxes() == []  # retries refused again are not shown again
    answer = view.context.store.answers_for(view.state.inspection_id)
    assert answer["disp_certificate_no", "dispenser:1"].value == "JD-20"  # nothing acked lost

    flaky.failing = False  # room again
    qtbot.waitUntil(lambda: not widget.is_unsaved(), timeout=3000)
    answer = view.context.store.answers_for(view.state.inspection_id)
    assert answer["disp_certificate_no", "dispenser:1"].value == "JD-2026"
    assert answer["disp_certificate_no", "dispenser:1"].note == "证书在站长处"
    assert view.unsaved_count() == 0
    assert not page.retries.timer.isActive()
    assert "已保存" in view.saved_label.text()
    record = view.state.record.answer("disp_certificate_no", "dispenser:1")
    assert record is not None
    assert record.value == "JD-2026"


def test_the_next_save_that_succeeds_retries_at_once(
    view: InspectionView, qtbot: QtBot, ime_type: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    flaky = Flaky(view, monkeypatch)
    flaky.error = lambda: DatabaseReadOnlyError(flaky.store.path)
    page = _page(view, "disp_certificate_no")
    page.retries.timer.setInterval(3_600_000)  # only a successful save can trigger the retry
    first = page.widgets["disp_certificate_no"]
    flaky.failing = True
    ime_type(first.note, "铅封号待核")
    _close_boxes()
    assert first.is_unsaved()
    flaky.failing = False
    other = page.widgets["disp_verified_on"]
    ime_type(other.note, "好")
    qtbot.waitUntil(lambda: not first.is_unsaved(), timeout=2000)
    answer = view.context.store.answers_for(view.state.inspection_id)
    assert answer["disp_certificate_no", "dispenser:1"].note == "铅封号待核"
    assert answer[other.item.id, "dispenser:1"].note == "好"
    assert "已保存" in view.saved_label.text()


def test_an_error_no_retry_can_cure_is_shown_and_not_queued(
    view: InspectionView, monkeypatch: pytest.MonkeyPatch, ime_type: Any
) -> None:
    flaky = Flaky(view, monkeypatch)
    flaky.error = SealedRecordError
    page = _page(view, "disp_certificate_no")
    widget = page.widgets["disp_certificate_no"]
    flaky.failing = True
    ime_type(widget.note, "备注")
    assert _close_boxes()
    assert not widget.is_unsaved()
    assert len(page.retries) == 0


def _unsaved_box() -> QMessageBox | None:
    for widget in QApplication.topLevelWidgets():
        if (
            isinstance(widget, QMessageBox)
            and widget.objectName() == "unsaved_box"
            and widget.isVisible()
        ):
            return widget
    return None


def _click(box: QMessageBox, text: str) -> None:
    [button] = [b for b in box.buttons() if b.text() == text]
    button.click()


def _unsaved_in_window(
    view: InspectionView, qtbot: QtBot, ime_type: Any, monkeypatch: pytest.MonkeyPatch, note: str
) -> tuple[Any, Flaky, LineWidget]:
    """The inspection open in a main window, with ``note`` typed while the disk is full."""
    from desktop.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    view.closed.connect(window.close_transient)
    window.show_transient(view)
    flaky = Flaky(view, monkeypatch)
    page = _page(view, "disp_certificate_no")
    page.retries.timer.setInterval(3_600_000)
    widget = page.widgets["disp_certificate_no"]
    assert isinstance(widget, LineWidget)
    flaky.failing = True  # the disk is full
    ime_type(widget.note, note)
    _close_boxes()
    assert view.unsaved_count() == 1
    return window, flaky, widget


def test_an_inspection_with_input_waiting_to_be_saved_does_not_close_silently(
    view: InspectionView, qtbot: QtBot, ime_type: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, flaky, widget = _unsaved_in_window(view, qtbot, ime_type, monkeypatch, "铅封完好")

    view.close_view()  # Esc or the back button
    box = _unsaved_box()
    assert box is not None
    assert "1 项录入内容还没能写入" in box.text()
    assert window.transient is view
    _click(box, "继续重试")
    assert window.transient is view
    assert widget.note.text() == "铅封完好"

    window.close()  # quitting the app is asked the same way
    box = _unsaved_box()
    assert box is not None
    _click(box, "继续重试")
    assert window.transient is view

    flaky.failing = False  # room again: leaving retries at once, saves, and closes
    view.close_view()
    assert _unsaved_box() is None
    assert window.transient is None
    answer = view.context.store.answers_for(view.state.inspection_id)
    assert answer["disp_certificate_no", "dispenser:1"].note == "铅封完好"


def test_the_inspector_may_give_up_input_that_cannot_be_saved(
    view: InspectionView, qtbot: QtBot, ime_type: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, _flaky, _widget = _unsaved_in_window(view, qtbot, ime_type, monkeypatch, "写不进去")
    view.close_view()
    box = _unsaved_box()
    assert box is not None
    _click(box, "放弃未保存的内容并关闭")
    assert window.transient is None


def test_a_header_that_cannot_be_saved_is_retried_like_the_items(
    view: InspectionView, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.ui.walk_header import HeaderPage
    from desktop.ui.walk_state import HEADER

    store = view.context.store
    original = store.save_header
    failing = [True]

    def flaky(*args: Any, **kwargs: Any) -> int:
        if failing[0]:
            raise DiskFullError(store.path)
        return original(*args, **kwargs)

    monkeypatch.setattr(store, "save_header", flaky)
    view.go_to(Place(Page(HEADER)))
    page = view.page_widget(Page(HEADER))
    assert isinstance(page, HeaderPage)
    page.retries.timer.setInterval(50)
    qtbot.keyClicks(page.lines["bodycam_no"], "JL-07")
    assert any("磁盘已满" in text for text in _close_boxes())
    assert page.is_unsaved()
    assert page.unsaved.isVisible()
    assert view.unsaved_count() == 1
    assert "未保存" in view.saved_label.text()
    failing[0] = False
    qtbot.waitUntil(lambda: not page.is_unsaved(), timeout=3000)
    assert not page.unsaved.isVisible()
    assert view.unsaved_count() == 0
    assert store.get_inspection(view.state.inspection_id).header["bodycam_no"] == "JL-07"
