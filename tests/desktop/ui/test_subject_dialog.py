"""新建/编辑被检查单位: typed like a user, the credit code checked live, saved in one call,
refusals shown in the dialog with everything typed kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot

from desktop.store import Subject
from desktop.ui.context import AppContext
from desktop.ui.subject_dialog import SubjectDialog

pytestmark = pytest.mark.gui

CODE = "91210181MA0Y8K2L0C"
WRONG_CHECK = "91210181MA0Y8K2L0D"


TypeText = Callable[[QWidget, str], None]


@pytest.fixture
def context(empty_context: AppContext) -> AppContext:
    return empty_context


def _open(qtbot: QtBot, context: AppContext, subject: Subject | None = None) -> SubjectDialog:
    dialog = SubjectDialog(context, subject)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    return dialog


def _save(qtbot: QtBot, dialog: SubjectDialog) -> None:
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def _all(context: AppContext) -> list[Subject]:
    return context.store.list_subjects()


def test_typed_subject_is_saved_in_one_call(
    qtbot: QtBot, context: AppContext, ime_type: TypeText
) -> None:
    dialog = _open(qtbot, context)
    ime_type(dialog.name_edit, "新民市大民屯加油站")
    qtbot.keyClicks(dialog.code_edit, CODE.lower())
    dialog.kind_combo.setFocus()
    qtbot.keyClick(dialog.kind_combo, Qt.Key.Key_Down)  # the first kind: 加油站
    ime_type(dialog.edits["address"], "大民屯镇光明街 12 号")
    ime_type(dialog.edits["city"], "沈阳市")
    ime_type(dialog.edits["county"], "新民市")
    ime_type(dialog.edits["township"], "大民屯镇")
    ime_type(dialog.edits["contact_person"], "王站长")
    qtbot.keyClicks(dialog.edits["phone"], "024-87654321")
    assert "正确" in dialog.code_status.text()
    with (
        qtbot.waitSignal(context.subjects_changed),
        qtbot.waitSignal(dialog.saved) as saved,
    ):
        qtbot.keyClick(dialog.edits["phone"], Qt.Key.Key_Return)
    [subject] = _all(context)
    assert saved.args == [subject.id]
    assert (subject.name, subject.credit_code, subject.kind) == ("新民市大民屯加油站", CODE,
                                                                 "fuel_station")  # fmt: skip
    assert (subject.address, subject.city, subject.county, subject.township) == (
        "大民屯镇光明街 12 号", "沈阳市", "新民市", "大民屯镇")  # fmt: skip
    assert (subject.contact_person, subject.phone) == ("王站长", "024-87654321")
    assert subject.revision == 1
    assert not dialog.isVisible()


def test_a_wrong_credit_code_is_explained_live_and_blocks_saving(
    qtbot: QtBot, context: AppContext, ime_type: TypeText
) -> None:
    dialog = _open(qtbot, context)
    ime_type(dialog.name_edit, "某某商店")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("service"))
    qtbot.keyClicks(dialog.code_edit, "9121")
    assert "18 位" in dialog.code_status.text()
    assert dialog.code_status.is_problem
    qtbot.keyClicks(dialog.code_edit, WRONG_CHECK[4:])
    assert "第 18 位应为 C" in dialog.code_status.text()
    _save(qtbot, dialog)
    assert _all(context) == []
    assert dialog.isVisible()
    assert "统一社会信用代码有误" in dialog.problem.text()
    assert dialog.focusWidget() is dialog.code_edit
    dialog.code_edit.clear()  # no code at all is allowed
    assert not dialog.code_status.isVisible()
    _save(qtbot, dialog)
    [subject] = _all(context)
    assert (subject.name, subject.credit_code) == ("某某商店", None)


def test_name_and_kind_are_required(qtbot: QtBot, context: AppContext, ime_type: TypeText) -> None:
    dialog = _open(qtbot, context)
    _save(qtbot, dialog)
    assert dialog.problem.text() == "请填写：名称、类型"
    assert dialog.focusWidget() is dialog.name_edit
    qtbot.keyClicks(dialog.name_edit, "  ")
    _save(qtbot, dialog)
    assert "名称" in dialog.problem.text()
    ime_type(dialog.name_edit, "某某超市")
    _save(qtbot, dialog)
    assert dialog.problem.text() == "请填写：类型"
    assert _all(context) == []


def test_a_registered_code_is_refused_in_the_dialog_and_the_typing_kept(
    qtbot: QtBot, context: AppContext, ime_type: TypeText
) -> None:
    context.store.create_subject("已登记加油站", "fuel_station", credit_code=CODE)
    dialog = _open(qtbot, context)
    ime_type(dialog.name_edit, "重复的加油站")
    qtbot.keyClicks(dialog.code_edit, CODE)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("fuel_station"))
    _save(qtbot, dialog)
    assert "已登记为“已登记加油站”" in dialog.problem.text()
    assert dialog.isVisible()
    assert (dialog.name_edit.text(), dialog.code_edit.text()) == ("重复的加油站", CODE)
    assert [s.name for s in _all(context)] == ["已登记加油站"]


def test_editing_changes_only_what_was_changed(qtbot: QtBot, context: AppContext) -> None:
    subject = context.store.create_subject(
        "太原街加油站", "fuel_station", credit_code=CODE, township="太原街街道", notes="夜间营业"
    )
    dialog = _open(qtbot, context, subject)
    assert dialog.windowTitle() == "编辑被检查单位"
    assert dialog.kind_combo.currentData() == "fuel_station"
    assert dialog.code_edit.text() == CODE
    dialog.edits["phone"].setFocus()
    qtbot.keyClicks(dialog.edits["phone"], "13900000000")
    with qtbot.waitSignal(context.subjects_changed):
        _save(qtbot, dialog)
    changed = context.store.get_subject(subject.id)
    assert changed.phone == "13900000000"
    assert changed.revision == 2
    assert (changed.name, changed.credit_code, changed.township, changed.notes) == (
        "太原街加油站", CODE, "太原街街道", "夜间营业")  # fmt: skip


def test_saving_an_unchanged_subject_writes_nothing(qtbot: QtBot, context: AppContext) -> None:
    subject = context.store.create_subject("太原街加油站", "fuel_station")
    dialog = _open(qtbot, context, subject)
    _save(qtbot, dialog)
    assert context.store.get_subject(subject.id).revision == 1
    assert not dialog.isVisible()


def test_escape_cancels_without_writing(
    qtbot: QtBot, context: AppContext, ime_type: TypeText
) -> None:
    dialog = _open(qtbot, context)
    ime_type(dialog.name_edit, "不要保存的单位")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert _all(context) == []


def test_buttons_say_save_and_cancel_in_chinese(qtbot: QtBot, context: AppContext) -> None:
    dialog = _open(qtbot, context)
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert (dialog.save_button.text(), cancel.text()) == ("保存", "取消")


def test_a_kind_this_version_does_not_know_is_kept(qtbot: QtBot, context: AppContext) -> None:
    subject = context.store.create_subject("某某药店", "pharmacy")  # from a newer version
    dialog = _open(qtbot, context, subject)
    assert dialog.kind_combo.currentData() == "pharmacy"
    qtbot.keyClicks(dialog.edits["phone"], "13900000000")
    _save(qtbot, dialog)
    changed = context.store.get_subject(subject.id)
    assert (changed.kind, changed.phone) == ("pharmacy", "13900000000")
