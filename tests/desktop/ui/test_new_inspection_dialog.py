"""新建检查: pick the subject (or register one), pick the checklist and the date, start; the
draft is in the database with its header prefilled. Driven by keyboard like an inspector."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.settings import Inspector, OfficeSettings
from desktop.store import Inspection, InspectionFilter, Status
from desktop.ui.context import AppContext
from desktop.ui.new_inspection_dialog import NewInspectionDialog, checklists_for
from desktop.ui.widgets import china_today

pytestmark = pytest.mark.gui

TypeText = Callable[[QWidget, str], None]
CODE = "91210181MA0Y8K2L0C"
SETTINGS = OfficeSettings(
    agency="新民市市场监督管理局",
    inspecting_unit="新民市市场监督管理局大民屯市场监管所",
    inspectors=(
        Inspector("王立新", "21010001"),
        Inspector("刘丽", "21010002"),
        Inspector("赵强", "21010003"),
    ),
)


@pytest.fixture
def context(empty_context: AppContext) -> AppContext:
    store = empty_context.store
    store.create_subject(
        "新民市大民屯加油站", "fuel_station", credit_code=CODE, address="大民屯镇光明街 12 号",
        township="大民屯镇",
    )  # fmt: skip
    store.create_subject("新民市大民屯农贸市场", "market", township="大民屯镇")
    empty_context.save_settings(SETTINGS)
    return empty_context


def _open(qtbot: QtBot, context: AppContext, subject_id: str | None = None) -> NewInspectionDialog:
    dialog = NewInspectionDialog(context, subject_id)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    return dialog


def _only_inspection(context: AppContext) -> Inspection:
    [row] = context.store.list_inspections(InspectionFilter())
    return context.store.get_inspection(row.id)


def _subject_id(context: AppContext, name: str) -> str:
    [subject] = context.store.list_subjects(name)
    return subject.id


def test_keyboard_only_from_search_to_a_started_inspection(
    qtbot: QtBot, context: AppContext, ime_type: TypeText
) -> None:
    dialog = _open(qtbot, context)
    assert dialog.focusWidget() is dialog.picker.search
    ime_type(dialog.picker.search, "加油")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)  # into the list, first match
    assert not dialog.on_checklist_step
    qtbot.keyClick(dialog.picker.table, Qt.Key.Key_Return)  # 下一步
    assert dialog.on_checklist_step
    assert "新民市大民屯加油站" in dialog.subject_label.text()
    assert dialog.focusWidget() is dialog.checklist_list
    with (
        qtbot.waitSignal(context.inspections_changed),
        qtbot.waitSignal(dialog.inspection_created) as created,
    ):
        qtbot.keyClick(dialog.checklist_list, Qt.Key.Key_Return)  # 开始检查
    inspection = _only_inspection(context)
    assert created.args == [inspection.id]
    assert (inspection.checklist_id, inspection.checklist_version) == ("fuel_station", "2026.1")
    assert inspection.status is Status.DRAFT
    assert inspection.subject_id == _subject_id(context, "大民屯加油站")
    assert inspection.inspection_date == china_today().isoformat()
    assert inspection.inspecting_unit == SETTINGS.inspecting_unit
    header = inspection.header
    assert header["inspectors"] == [
        {"name": "王立新", "certificate_no": "21010001"},
        {"name": "刘丽", "certificate_no": "21010002"},
    ]
    assert header["inspecting_unit"] == SETTINGS.inspecting_unit
    assert header["subject"]["credit_code"] == CODE
    assert header["subject"]["kind"] == "fuel_station"
    assert header["place"] == "大民屯镇光明街 12 号"
    assert header["started_at"].startswith(china_today().isoformat())
    assert not dialog.isVisible()


def test_a_given_subject_starts_at_the_checklist_with_the_fitting_ones_first(
    qtbot: QtBot, context: AppContext
) -> None:
    dialog = _open(qtbot, context, _subject_id(context, "农贸市场"))
    assert dialog.on_checklist_step
    shown = [
        dialog.checklist_model.index(row, 0).data()
        for row in range(dialog.checklist_model.rowCount())
    ]
    assert shown == ["集贸市场计量检查（2026.1 版）", "诚信计量自我承诺履行检查（2026.1 版）"]
    qtbot.keyClick(dialog.all_checklists, Qt.Key.Key_Space)
    assert dialog.checklist_model.rowCount() == len(context.catalogue.current())
    last = dialog.checklist_model.index(dialog.checklist_model.rowCount() - 1, 0).data()
    assert last.endswith("（不适用于该类单位）")
    dialog.checklist_list.setCurrentIndex(dialog.checklist_model.index(1, 0))
    with qtbot.waitSignal(dialog.inspection_created):
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert _only_inspection(context).checklist_id == "honest_pledge"


def test_another_date_is_recorded_without_a_start_time(qtbot: QtBot, context: AppContext) -> None:
    dialog = _open(qtbot, context, _subject_id(context, "加油站"))
    day = china_today() - timedelta(days=3)
    dialog.date_edit.setFocus()
    dialog.date_edit.setDate(QDate(day.year, day.month, day.day))
    with qtbot.waitSignal(dialog.inspection_created):
        qtbot.keyClick(dialog.date_edit, Qt.Key.Key_Return)
    inspection = _only_inspection(context)
    assert inspection.inspection_date == day.isoformat()
    assert inspection.header["started_at"] == ""


def test_next_without_a_subject_explains_and_stays(qtbot: QtBot, context: AppContext) -> None:
    dialog = _open(qtbot, context)
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert not dialog.on_checklist_step
    assert "请先在列表中选择一个单位" in dialog.subject_problem.text()
    assert context.store.count_inspections() == 0


def test_back_goes_to_the_subject_and_another_can_be_chosen(
    qtbot: QtBot, context: AppContext, ime_type: TypeText
) -> None:
    dialog = _open(qtbot, context, _subject_id(context, "加油站"))
    qtbot.mouseClick(dialog.back_button, Qt.MouseButton.LeftButton)
    assert not dialog.on_checklist_step
    dialog.picker.search.selectAll()
    ime_type(dialog.picker.search, "市场")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.picker.table, Qt.Key.Key_Return)
    assert dialog.subject is not None
    assert dialog.subject.name == "新民市大民屯农贸市场"
    with qtbot.waitSignal(dialog.inspection_created):
        qtbot.keyClick(dialog.checklist_list, Qt.Key.Key_Enter)
    assert _only_inspection(context).checklist_id == "trade_market"


def test_a_new_subject_registered_on_the_way_is_inspected(
    qtbot: QtBot, context: AppContext, ime_type: TypeText
) -> None:
    dialog = _open(qtbot, context)
    qtbot.mouseClick(dialog.new_subject_button, Qt.MouseButton.LeftButton)
    form = dialog.subject_dialog
    assert form is not None
    ime_type(form.name_edit, "法库县明亮眼镜店")
    form.kind_combo.setCurrentIndex(form.kind_combo.findData("optician"))
    with qtbot.waitSignal(form.saved):
        qtbot.keyClick(form.name_edit, Qt.Key.Key_Return)
    assert dialog.on_checklist_step
    assert dialog.subject is not None
    assert dialog.subject.name == "法库县明亮眼镜店"
    with qtbot.waitSignal(dialog.inspection_created):
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    inspection = _only_inspection(context)
    assert inspection.subject_name == "法库县明亮眼镜店"
    assert inspection.checklist_id == "honest_pledge"  # the one that applies to opticians


def test_escape_cancels_and_creates_nothing(
    qtbot: QtBot, context: AppContext, ime_type: TypeText
) -> None:
    dialog = _open(qtbot, context)
    ime_type(dialog.picker.search, "加油")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.picker.table, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.checklist_list, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert context.store.count_inspections() == 0


def test_without_inspectors_in_the_settings_it_says_so_and_still_starts(
    qtbot: QtBot, context: AppContext
) -> None:
    context.save_settings(OfficeSettings())
    dialog = _open(qtbot, context, _subject_id(context, "加油站"))
    assert "尚未登记两名执法人员" in dialog.inspectors_label.text()
    with qtbot.waitSignal(dialog.inspection_created):
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert _only_inspection(context).header["inspectors"] == []


def test_checklists_for_a_kind_most_specific_first(context: AppContext) -> None:
    current = context.catalogue.current()
    assert [c.id for c in checklists_for(current, "supermarket")] == [
        "prepackaged",
        "honest_pledge",
    ]
    assert checklists_for(current, "no_such_kind") == []
