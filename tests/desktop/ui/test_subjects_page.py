"""被检查单位 page: search as you type, details and instruments of the selected subject, the
subject and instrument dialogs, and the request for a new inspection, driven like a user."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.store import InspectionFilter
from desktop.ui.context import AppContext
from desktop.ui.instrument_dialog import InstrumentDialog, parse_date, split_seals
from desktop.ui.subject_dialog import SubjectDialog
from desktop.ui.subjects_page import SubjectsPage
from desktop.ui.widgets import china_today

pytestmark = pytest.mark.gui

TypeText = Callable[[QWidget, str], None]
CODE = "91210181MA0Y8K2L0C"


@pytest.fixture
def context(empty_context: AppContext) -> AppContext:
    store = empty_context.store
    station = store.create_subject(
        "沈阳市和平区太原街加油站", "fuel_station", credit_code=CODE, address="太原北街 1 号",
        township="太原街街道", contact_person="王站长", phone="024-1234567",
    )  # fmt: skip
    store.create_subject("大连市瓦房店复州城超市", "supermarket", township="复州城镇")
    store.create_subject("新民市大民屯农贸市场", "market", township="大民屯镇")
    dispenser = store.add_instrument(station.id, "dispenser", label="1号加油机", position=1)
    store.add_instrument(station.id, "nozzle", label="1号枪", parent_id=dispenser.id, position=2)
    return empty_context


@pytest.fixture
def page(qtbot: QtBot, context: AppContext) -> SubjectsPage:
    widget = SubjectsPage(context)
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _search(qtbot: QtBot, page: SubjectsPage, ime_type: TypeText, text: str) -> None:
    with qtbot.waitSignal(page.picker.model.modelReset, timeout=2000):
        ime_type(page.picker.search, text)


def _shown(page: SubjectsPage) -> list[str]:
    model = page.picker.model
    return [model.subject_at(row).name for row in range(model.rowCount())]


def _enter_table(qtbot: QtBot, page: SubjectsPage) -> None:
    qtbot.keyClick(page.picker.search, Qt.Key.Key_Return)


def test_lists_every_subject_and_nothing_selected(page: SubjectsPage) -> None:
    assert len(_shown(page)) == 3
    assert page.picker.count_label.text() == "共 3 个单位"
    assert page.current_subject() is None
    assert not page.edit_button.isEnabled()
    assert not page.inspect_button.isEnabled()
    assert "请在上方列表中选择" in page.details.text()


def test_search_as_you_type_finds_a_name_by_any_part(
    qtbot: QtBot, page: SubjectsPage, ime_type: TypeText
) -> None:
    _search(qtbot, page, ime_type, "复州")
    assert _shown(page) == ["大连市瓦房店复州城超市"]
    assert page.picker.count_label.text() == "找到 1 个单位"
    page.picker.search.clear()
    _search(qtbot, page, ime_type, "太原街加油")
    assert _shown(page) == ["沈阳市和平区太原街加油站"]
    page.picker.search.clear()
    _search(qtbot, page, ime_type, "没有这个")
    assert _shown(page) == []
    assert page.picker.count_label.text() == "没有找到匹配的单位"


def test_enter_moves_from_search_to_the_first_match_and_shows_its_details(
    qtbot: QtBot, page: SubjectsPage, ime_type: TypeText
) -> None:
    ime_type(page.picker.search, "加油站")
    _enter_table(qtbot, page)  # before the search timer fired: Enter applies it at once
    assert _shown(page) == ["沈阳市和平区太原街加油站"]
    assert page.picker.table.hasFocus() or page.focusWidget() is page.picker.table
    subject = page.current_subject()
    assert subject is not None
    assert subject.name == "沈阳市和平区太原街加油站"
    assert CODE in page.details.text()
    assert "王站长" in page.details.text()
    assert "检查记录</b>：尚无" in page.inspections_label.text()
    labels = [page.instruments.index(r, 0).data() for r in range(page.instruments.rowCount())]
    assert labels == ["1号加油机", "    └ 1号枪"]
    assert page.edit_button.isEnabled()
    qtbot.keyClick(page.picker.table, Qt.Key.Key_Escape)
    assert page.focusWidget() is page.picker.search


def test_enter_on_a_row_edits_the_subject(
    qtbot: QtBot, page: SubjectsPage, context: AppContext, ime_type: TypeText
) -> None:
    ime_type(page.picker.search, "超市")
    _enter_table(qtbot, page)
    qtbot.keyClick(page.picker.table, Qt.Key.Key_Return)
    dialog = page.dialog
    assert isinstance(dialog, SubjectDialog)
    assert dialog.name_edit.text() == "大连市瓦房店复州城超市"
    dialog.name_edit.selectAll()
    ime_type(dialog.name_edit, "大连市复州城新华超市")
    with qtbot.waitSignal(context.subjects_changed):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    subject = page.current_subject()
    assert subject is not None
    assert subject.name == "大连市复州城新华超市"
    assert context.store.get_subject(subject.id).revision == 2
    assert "大连市复州城新华超市" in page.details.text()


def test_new_subject_is_saved_and_selected_even_if_the_search_hides_it(
    qtbot: QtBot, page: SubjectsPage, context: AppContext, ime_type: TypeText
) -> None:
    _search(qtbot, page, ime_type, "复州")
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, SubjectDialog)
    ime_type(dialog.name_edit, "法库县眼镜店")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("optician"))
    with qtbot.waitSignal(dialog.saved) as saved:
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert context.store.get_subject(saved.args[0]).kind == "optician"
    assert context.store.count_subjects() == 4
    subject = page.current_subject()
    assert subject is not None
    assert subject.id == saved.args[0]
    assert page.picker.search.text() == ""


def test_add_a_dispenser_then_a_nozzle_under_it(
    qtbot: QtBot, page: SubjectsPage, context: AppContext, ime_type: TypeText
) -> None:
    ime_type(page.picker.search, "太原")
    _enter_table(qtbot, page)
    subject = page.current_subject()
    assert subject is not None
    until = (china_today() + timedelta(days=100)).isoformat()

    qtbot.mouseClick(page.add_instrument_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, InstrumentDialog)
    assert dialog.kind_combo.currentData() == "dispenser"  # the likely kind at a fuel station
    ime_type(dialog.edits["label"], "2号加油机")
    qtbot.keyClicks(dialog.edits["serial"], "T2024-0002")
    ime_type(dialog.edits["seal_numbers"], "LN01-000001，LN01-000002、LN01-000003")
    qtbot.keyClicks(dialog.edits["valid_until"], until.replace("-", "/"))
    with qtbot.waitSignal(dialog.saved) as saved:
        qtbot.keyClick(dialog.edits["valid_until"], Qt.Key.Key_Return)
    dispenser = context.store.get_instrument(saved.args[0])
    assert (dispenser.kind, dispenser.label, dispenser.serial) == ("dispenser", "2号加油机",
                                                                   "T2024-0002")  # fmt: skip
    assert dispenser.seal_numbers == ("LN01-000001", "LN01-000002", "LN01-000003")
    assert dispenser.valid_until == until

    qtbot.mouseClick(page.add_instrument_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, InstrumentDialog)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("nozzle"))
    dialog.parent_combo.setCurrentIndex(dialog.parent_combo.findData(dispenser.id))
    dialog.fuel_combo.setCurrentIndex(2)  # 98号汽油
    ime_type(dialog.edits["label"], "3号枪")
    with qtbot.waitSignal(dialog.saved) as saved:
        qtbot.keyClick(dialog.edits["label"], Qt.Key.Key_Return)
    nozzle = context.store.get_instrument(saved.args[0])
    assert (nozzle.kind, nozzle.parent_id, nozzle.extra) == ("nozzle", dispenser.id,
                                                             {"fuel": "98号汽油"})  # fmt: skip
    labels = [page.instruments.index(r, 0).data() for r in range(page.instruments.rowCount())]
    assert labels == ["1号加油机", "    └ 1号枪", "2号加油机", "    └ 3号枪（98号汽油）"]


def test_instrument_problems_are_shown_and_nothing_saved(
    qtbot: QtBot, page: SubjectsPage, context: AppContext, ime_type: TypeText
) -> None:
    ime_type(page.picker.search, "超市")
    _enter_table(qtbot, page)
    subject = page.current_subject()
    assert subject is not None
    qtbot.mouseClick(page.add_instrument_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, InstrumentDialog)
    assert dialog.kind_combo.currentData() == "scale"
    qtbot.keyClick(dialog.edits["label"], Qt.Key.Key_Return)
    assert "请填写名称/编号" in dialog.problem.text()
    ime_type(dialog.edits["label"], "1号秤")
    qtbot.keyClicks(dialog.edits["valid_until"], "2027-13-01")
    qtbot.keyClick(dialog.edits["label"], Qt.Key.Key_Return)
    assert "不是日期" in dialog.problem.text()
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("nozzle"))
    dialog.edits["valid_until"].clear()
    qtbot.keyClick(dialog.edits["label"], Qt.Key.Key_Return)
    assert "请先添加加油机" in dialog.problem.text()
    assert context.store.instruments_of(subject.id) == []
    assert dialog.isVisible()


def test_edit_an_instrument_from_its_row(
    qtbot: QtBot, page: SubjectsPage, context: AppContext, ime_type: TypeText
) -> None:
    ime_type(page.picker.search, "太原")
    _enter_table(qtbot, page)
    page.instrument_table.selectRow(0)
    assert page.edit_instrument_button.isEnabled()
    qtbot.mouseClick(page.edit_instrument_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, InstrumentDialog)
    assert dialog.edits["label"].text() == "1号加油机"
    qtbot.keyClicks(dialog.edits["certificate_no"], "2026-0042")
    with qtbot.waitSignal(dialog.saved) as saved:
        qtbot.keyClick(dialog.edits["certificate_no"], Qt.Key.Key_Return)
    changed = context.store.get_instrument(saved.args[0])
    assert (changed.certificate_no, changed.revision, changed.label) == ("2026-0042", 2,
                                                                         "1号加油机")  # fmt: skip
    assert page.instruments.index(0, 3).data() == "2026-0042"


def test_new_inspection_is_requested_for_the_selected_subject(
    qtbot: QtBot, page: SubjectsPage, ime_type: TypeText
) -> None:
    ime_type(page.picker.search, "市场")
    _enter_table(qtbot, page)
    subject = page.current_subject()
    assert subject is not None
    with qtbot.waitSignal(page.new_inspection_requested) as requested:
        qtbot.mouseClick(page.inspect_button, Qt.MouseButton.LeftButton)
    assert requested.args == [subject.id]


def test_inspections_of_the_subject_are_counted_and_follow_changes(
    qtbot: QtBot, page: SubjectsPage, context: AppContext, ime_type: TypeText
) -> None:
    ime_type(page.picker.search, "太原")
    _enter_table(qtbot, page)
    subject = page.current_subject()
    assert subject is not None
    for day in ("2026-03-01", "2026-05-11"):
        context.store.create_inspection(subject.id, "fuel_station", "2026.1", inspection_date=day)
    context.inspections_changed.emit()
    text = page.inspections_label.text()
    assert "共 2 次" in text
    assert text.index("2026-05-11") < text.index("2026-03-01")
    assert "加油站计量专项检查" in text
    assert "草稿" in text
    where = InspectionFilter(subject_id=subject.id)
    assert context.store.count_inspections(where) == 2


def test_demo_register_is_searchable(
    qtbot: QtBot, demo_context: AppContext, ime_type: TypeText
) -> None:
    page = SubjectsPage(demo_context)
    qtbot.addWidget(page)
    page.show()
    total = demo_context.store.count_subjects()
    assert page.picker.model.total == total
    with qtbot.waitSignal(page.picker.model.modelReset, timeout=2000):
        ime_type(page.picker.search, "加油站")
    names = _shown(page)
    assert names
    assert all("加油站" in n for n in names)


def test_date_and_seal_parsing() -> None:
    assert parse_date("2027/6/30") == "2027-06-30"
    assert parse_date("2027年6月30日") == "2027-06-30"
    assert parse_date("20270630") == "2027-06-30"
    assert parse_date("") == ""
    assert parse_date("2027-02-30") is None
    assert parse_date("明年") is None
    assert split_seals(" A1, A2，A3、A4；A5  A6 ") == ["A1", "A2", "A3", "A4", "A5", "A6"]
