"""The walk-through's item widgets, saving, live measurements, photos and the header page."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from checklists.answers import Status
from desktop.settings import Inspector, OfficeSettings
from desktop.ui.context import AppContext
from desktop.ui.walk_header import HeaderPage
from desktop.ui.walk_items import ChoiceWidget, LineWidget, YesNoWidget
from desktop.ui.walk_measure import MeasurementWidget
from desktop.ui.walk_page import SectionPage
from desktop.ui.walk_photos import PhotoWidget
from desktop.ui.walk_state import FINDINGS, HEADER, Page, Place
from desktop.ui.walk_view import InspectionView

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing"),
]

NOZZLE = Page("nozzle", "dispenser:1/nozzle:1")


def png_bytes() -> bytes:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#22aa55"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    return bytes(data.data())


def make_inspection(context: AppContext, checklist: str = "fuel_station") -> str:
    store = context.store
    context.save_settings(
        OfficeSettings(
            agency="某县市场监督管理局",
            inspecting_unit="某县市场监督管理局",
            inspectors=(Inspector("王明", "21010001"), Inspector("李华", "21010002")),
        )
    )
    kind = {"fuel_station": "fuel_station", "prepackaged": "producer"}[checklist]
    subject = store.create_subject("某单位", kind, address="城关镇1号", contact_person="张三")
    if checklist == "fuel_station":
        dispenser = store.add_instrument(subject.id, "dispenser", label="1号加油机", position=1)
        store.add_instrument(
            subject.id, "nozzle", parent_id=dispenser.id, label="1号枪", position=2
        )
    store.add_standard("砝码", "weights", certificate_no="W-1", valid_until="2020-01-31")
    version = context.catalogue.latest(checklist).version
    return store.create_inspection(subject.id, checklist, version).id


@pytest.fixture
def view(empty_context: AppContext, qtbot: QtBot) -> InspectionView:
    widget = InspectionView(empty_context, make_inspection(empty_context))
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    with qtbot.waitActive(widget):
        widget.show()
        widget.activateWindow()
    return widget


def section_page(view: InspectionView, page: Page, item_id: str = "") -> SectionPage:
    view.go_to(Place(page, item_id))
    widget = view.page_widget(page)
    assert isinstance(widget, SectionPage)
    return widget


def stored(view: InspectionView, item_id: str, key: str = "") -> object:
    answer = view.context.store.answers_for(view.state.inspection_id).get((item_id, key))
    return None if answer is None else answer.value


def test_yes_no_keys_save_at_once_and_show_the_saved_state(
    view: InspectionView, qtbot: QtBot
) -> None:
    page = section_page(view, Page("dispenser", "dispenser:1"), "seal_numbers_match")
    widget = page.widgets["seal_numbers_match"]
    assert isinstance(widget, YesNoWidget)
    assert widget.basis.text().startswith("依据：")
    with qtbot.waitSignal(view.saved):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N)
    assert stored(view, "seal_numbers_match", "dispenser:1") == "no"
    assert view.saved_label.text().startswith("已保存 ")
    assert widget.status.property("state") == Status.FAIL.value
    assert page.current_item() == "disp_self_lock"  # answered: on to the next item
    widget.focus_editor()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_3)
    assert stored(view, "seal_numbers_match", "dispenser:1") == "na"
    assert view.state.record.answer("seal_numbers_match", "dispenser:1").not_applicable  # type: ignore[union-attr]
    widget.focus_editor()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Delete)
    assert stored(view, "seal_numbers_match", "dispenser:1") is None
    assert widget.status.property("state") == Status.MISSING.value


def test_choice_digits_and_the_note(view: InspectionView, qtbot: QtBot, ime_type: object) -> None:
    page = section_page(view, Page("dispenser", "dispenser:1"), "disp_verification")
    widget = page.widgets["disp_verification"]
    assert isinstance(widget, ChoiceWidget)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_2)
    assert stored(view, "disp_verification", "dispenser:1") == "overdue"
    assert widget.radios["overdue"].isChecked()
    assert [f.item.id for f in view.state.record.findings()] == ["disp_verification"]
    ime_type(widget.note, "证书有效期至去年")  # type: ignore[operator]
    answers = view.context.store.answers_for(view.state.inspection_id)
    assert answers[("disp_verification", "dispenser:1")].note == "证书有效期至去年"
    assert answers[("disp_verification", "dispenser:1")].value == "overdue"


def test_invalid_number_is_kept_and_flagged(view: InspectionView, qtbot: QtBot) -> None:
    page = section_page(view, NOZZLE, "nozzle_repeatability")
    widget = page.widgets["nozzle_repeatability"]
    assert isinstance(widget, LineWidget)
    qtbot.keyClicks(widget.line, "0,15")
    assert widget.line.text() == "0,15"
    assert stored(view, "nozzle_repeatability", NOZZLE.instance_key) == "0,15"
    assert widget.status.property("state") == Status.INVALID.value
    widget.line.clear()
    qtbot.keyClicks(widget.line, "0.15")
    assert stored(view, "nozzle_repeatability", NOZZLE.instance_key) == "0.15"
    assert widget.status.property("state") == Status.FAIL.value  # a remark beyond 0.10


def test_text_and_date(view: InspectionView, qtbot: QtBot) -> None:
    page = section_page(view, Page("dispenser", "dispenser:1"), "disp_certificate_no")
    text = page.widgets["disp_certificate_no"]
    assert isinstance(text, LineWidget)
    qtbot.keyClicks(text.line, "JD-2026-7")
    assert stored(view, "disp_certificate_no", "dispenser:1") == "JD-2026-7"
    date = page.widgets["disp_verified_on"]
    assert isinstance(date, LineWidget)
    qtbot.keyClicks(date.line, "2026.3.5")
    qtbot.keyClick(date.line, Qt.Key.Key_Return)  # editing finished: written the ISO way
    assert stored(view, "disp_verified_on", "dispenser:1") == "2026-03-05"
    assert page.current_item() == "disp_mark_visible"


def test_nozzle_is_judged_live_and_a_failing_run_is_a_finding(
    view: InspectionView, qtbot: QtBot
) -> None:
    view.state.set_value("measure_material", "", "stainless")
    page = section_page(view, NOZZLE, "nozzle_fuel")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1)
    widget = page.widgets["nozzle_error"]
    assert isinstance(widget, MeasurementWidget)
    for value in ("20.00", "19.90", "24", "24"):
        qtbot.keyClicks(QApplication.focusWidget(), value)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert "不合格" in widget.row_verdicts[0].text()
    assert widget.result.verdict_label.text().startswith("不合格")
    assert "0.30" in widget.result.details.text()  # the limit beside the verdict
    assert "JJG 443" in widget.result.details.text()  # and the basis
    assert widget.status.property("state") == Status.FAIL.value
    finding = view.state.record.findings()[0]
    assert (finding.item.id, finding.instance_key) == ("nozzle_error", NOZZLE.instance_key)
    row = view._rows[NOZZLE.key]
    assert "✗1" in row.text()
    # a typo keeps its text and says what to fix, the other runs stay judged
    qtbot.keyClicks(QApplication.focusWidget(), "20.0o")
    value = stored(view, "nozzle_error", NOZZLE.instance_key)
    assert isinstance(value, dict)
    assert value["runs"][1]["inputs"]["indicated"] == "20.0o"
    assert "error" in value["runs"][1] or "result" not in value["runs"][1]


def test_changing_the_fuel_judges_the_runs_again(view: InspectionView, qtbot: QtBot) -> None:
    view.state.set_value("measure_material", "", "stainless")
    view.state.set_value("nozzle_fuel", NOZZLE.instance_key, "petrol")
    row = {"indicated": "20.00", "measure_volume": "19.95", "t_nozzle": "30", "t_measure": "20"}
    view.state.measure("nozzle_error", NOZZLE.instance_key, {}, [row])
    before = stored(view, "nozzle_error", NOZZLE.instance_key)
    page = section_page(view, NOZZLE, "nozzle_fuel")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_2)  # diesel
    after = stored(view, "nozzle_error", NOZZLE.instance_key)
    assert isinstance(before, dict)
    assert isinstance(after, dict)
    assert after["runs"][0]["inputs"]["fuel"] == "diesel"
    assert after["runs"][0]["result"] != before["runs"][0]["result"]
    assert page.widgets["nozzle_error"].status.text()


def test_photo_by_drop_keeps_the_bytes_and_their_sha256(
    view: InspectionView, qtbot: QtBot, tmp_path: Path
) -> None:
    page = section_page(view, Page("dispenser", "dispenser:1"), "disp_photos")
    widget = page.widgets["disp_photos"]
    assert isinstance(widget, PhotoWidget)
    data = png_bytes()
    path = tmp_path / "铅封.png"
    path.write_bytes(data)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    drop = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(view.saved):
        widget.dropEvent(drop)
    store = view.context.store
    (info,) = store.attachments_for(view.state.inspection_id)
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert (info.item_id, info.instance_key, info.filename) == (
        "disp_photos",
        "dispenser:1",
        "铅封.png",
    )
    assert store.attachment_bytes(info.id) == data
    assert stored(view, "disp_photos", "dispenser:1") == [info.id]
    thumbs = widget.findChildren(QLabel, "thumbnail")
    assert len(thumbs) == 1
    assert not thumbs[0].pixmap().isNull()


def test_net_content_column_pasted_from_excel(empty_context: AppContext, qtbot: QtBot) -> None:
    view = InspectionView(empty_context, make_inspection(empty_context, "prepackaged"))
    qtbot.addWidget(view)
    view.state.add_instance(view.state.checklist.section("lot"))
    view.fill_navigator()
    page = section_page(view, Page("on_site_test", "lot:1"), "on_site_net_content")
    widget = page.widgets["on_site_net_content"]
    assert isinstance(widget, MeasurementWidget)
    assert widget.column is not None
    qtbot.keyClicks(widget.shared["qn"], "500")
    widget.shared["unit"].setCurrentIndex(widget.shared["unit"].findData("g"))  # type: ignore[union-attr]
    qtbot.keyClicks(widget.shared["batch_size"], "200")
    values = [f"{500 + (n % 7) * 0.3:.1f}" for n in range(125)]
    QApplication.clipboard().setText("\r\n".join(values) + "\r\n")  # an Excel column
    widget.column.setFocus()
    qtbot.keyClick(widget.column, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    value = stored(view, "on_site_net_content", "lot:1")
    assert isinstance(value, dict)
    (run,) = value["runs"]
    assert run["inputs"]["values"] == values
    assert "已输入 125 个值" in widget.count.text()
    assert run.get("result") or run.get("error")


def test_header_prefills_and_warns_of_an_expired_standard(
    view: InspectionView, qtbot: QtBot
) -> None:
    view.go_to(Place(Page(HEADER)))
    page = view.page_widget(Page(HEADER))
    assert isinstance(page, HeaderPage)
    assert page.lines["recorder"].text() == "李华"
    assert page.lines["representative.name"].text() == "张三"
    assert not page.expired.isVisible()
    page.standards.setFocus()
    qtbot.keyClick(page.standards, Qt.Key.Key_Space)
    assert page.expired.isVisible()
    assert "已过期" in page.expired.text()
    header = view.context.store.get_inspection(view.state.inspection_id).header
    assert header["standards"][0]["certificate_no"] == "W-1"
    codes = [w.code for w in view.state.record.readiness().warnings]
    assert "standard_expired" in codes


def test_findings_entry_jumps_to_its_item(view: InspectionView, qtbot: QtBot) -> None:
    view.state.set_value("disp_product_cert", "dispenser:1", "no")
    view.go_to(Place(Page(FINDINGS)))
    findings = view.page_widget(Page(FINDINGS))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert view.current_place() == Place(Page("dispenser", "dispenser:1"), "disp_product_cert")
    assert findings is not None


def test_a_nozzle_added_on_the_spot_is_registered(view: InspectionView, qtbot: QtBot) -> None:
    section_page(view, NOZZLE, "nozzle_fuel")
    qtbot.keyClick(
        QApplication.focusWidget(),
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert view.current == Page("nozzle", "dispenser:1/nozzle:2")
    store = view.context.store
    nozzles = [i for i in store.instruments_of(view.state.subject_id) if i.kind == "nozzle"]
    assert [n.label for n in nozzles] == ["1号枪", "2号枪"]
    assert nozzles[1].parent_id == view.state.instrument_ids["dispenser:1"]


def test_keys_move_between_pages(view: InspectionView, qtbot: QtBot) -> None:
    view.go_to(Place(Page("management"), "mgmt_system"))
    qtbot.keyClick(
        QApplication.focusWidget(), Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier
    )
    assert view.current == Page("test_equipment")
    qtbot.keyClick(
        QApplication.focusWidget(), Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier
    )
    assert view.current == Page("management")
    with qtbot.waitSignal(view.closed):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
