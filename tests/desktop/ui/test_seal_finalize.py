"""The Proof of issue 8 in the GUI: finalizing with each way of signing (drawn with the mouse
on the pad, on paper, the party's refusal noted, the party absent and a witness signing), what
is missing shown and reached, the view read-only after sealing with its document number, and
a correction that keeps the original."""

from __future__ import annotations

import hashlib

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from checklists.header import Header, Inspector, Representative, Subject
from checklists.schema import NEVER, ItemKind
from desktop.settings import Inspector as OfficeInspector
from desktop.settings import OfficeSettings
from desktop.store import Status
from desktop.store.records import SignatureKind, SignatureRole
from desktop.store.verify import verify
from desktop.ui.context import AppContext
from desktop.ui.seal_panel import PARTY_ABSENT, PARTY_REFUSED, SealPanel, SignerBox
from desktop.ui.walk_findings import FindingsPage
from desktop.ui.walk_state import FINDINGS, Page, WalkState
from desktop.ui.walk_view import InspectionView
from tests.desktop.ui.conftest import TypeText

pytestmark = pytest.mark.gui


def fill_required(state: WalkState) -> None:
    """Answer every required item with a conforming value (the record is then complete)."""
    for _round in range(5):
        places = list(state.unanswered_required())
        if not places:
            return
        for place in places:
            item = state.checklist.item(place.item_id)
            if item.kind is ItemKind.YES_NO:
                value = "yes" if item.fail_on in ("no", NEVER) else "no"
            elif item.kind is ItemKind.CHOICE:
                value = next(o.value for o in item.options if not o.fails)
            elif item.kind is ItemKind.NUMBER:
                value = str(item.minimum if item.minimum is not None else 1)
            elif item.kind is ItemKind.DATE:
                value = "2026-11-01"
            elif item.kind is ItemKind.TEXT:
                value = "见笔录"
            else:
                value = "na"
            state.set_value(item.id, place.page.instance_key, value)


@pytest.fixture
def view(empty_context: AppContext, qtbot: QtBot) -> InspectionView:
    """A complete honest-pledge inspection of an optician, open on its findings page."""
    context = empty_context
    context.save_settings(
        OfficeSettings(
            agency="某县市场监督管理局", inspecting_unit="某县市场监督管理局",
            inspectors=(OfficeInspector("王明", "21010001"), OfficeInspector("李华", "21010002")),
        )
    )  # fmt: skip
    store = context.store
    subject = store.create_subject("明亮眼镜店", "optician", address="城关镇建设路 8 号")
    inspection = store.create_inspection(subject.id, "honest_pledge", "2026.1")
    state = WalkState(store, context.catalogue, inspection.id)
    state.save_header(
        Header(
            subject=Subject(name="明亮眼镜店", kind="optician", address="城关镇建设路 8 号"),
            representative=Representative(name="张店长", role="店长"),
            started_at="2026-11-20T09:00", place="店内", recorder="李华",
            inspectors=[Inspector("王明", "21010001"), Inspector("李华", "21010002")],
            inspecting_unit="某县市场监督管理局", credentials_shown=True,
        )
    )  # fmt: skip
    state.add_instance(state.checklist.section("instrument"))
    fill_required(state)
    widget = InspectionView(context, inspection.id)
    qtbot.addWidget(widget)
    widget.resize(1200, 900)
    widget.show()
    qtbot.waitExposed(widget)
    widget.go_to(state.resume_place() or widget.current_place())
    widget.ask_finalize()  # Ctrl+Shift+F's action: to the findings page (nothing signed yet)
    return widget


def panel_of(view: InspectionView) -> SealPanel:
    page = view.page_widget(Page(FINDINGS))
    assert isinstance(page, FindingsPage)
    return page.seal_panel


def draw(qtbot: QtBot, box: SignerBox) -> None:
    """A stroke with the mouse, as a pen or a finger arrives too."""
    pad = box.pad
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(20, 30))
    for x in range(30, 200, 20):
        qtbot.mouseMove(pad, QPoint(x, 30 + (x % 40)))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(210, 50))


def seal_now(view: InspectionView) -> None:
    panel = panel_of(view)
    panel.ask_finalize()
    assert panel.message.text() == "", panel.message.text()
    panel.confirm.button(QMessageBox.StandardButton.Ok).click()


def assert_sealed(view: InspectionView) -> None:
    store = view.context.store
    inspection = store.get_inspection(view.state.inspection_id)
    assert inspection.status is Status.FINALIZED
    seal = store.seal_of(inspection.id)
    assert seal is not None
    panel = panel_of(view)
    assert seal.document_no in panel.sealed_info.text()
    assert seal.seal_hash in panel.sealed_info.text()
    assert seal.document_no in view.state_label.text()
    assert not view.state.editable
    # the evidence copy was drawn once, in the sealing transaction, and kept with its hash
    evidence = store.evidence_pdf(inspection.id)
    assert evidence is not None
    assert evidence.startswith(b"%PDF")
    (digest,) = store.db.conn.execute(
        "SELECT sha256 FROM evidence WHERE inspection_id = ?", (inspection.id,)
    ).fetchone()
    assert hashlib.sha256(evidence).hexdigest() == digest
    assert [e.action for e in store.audit_for(inspection.id)][-2:] == ["finalize", "evidence"]
    assert not panel.finalize_button.isVisible()
    assert not panel.inspectors[0].pad.isEnabled()
    assert not panel.inspectors[0].paper.isEnabled()
    for key, page in view.pages.items():
        assert page.isEnabled() == (key[0] == FINDINGS)
    assert verify(store.db.conn).ok


def test_nothing_is_sealed_while_signatures_are_missing(view: InspectionView, qtbot: QtBot) -> None:
    panel = panel_of(view)
    panel.ask_finalize()
    assert "尚缺 3 项" in panel.message.text()
    page = view.page_widget(Page(FINDINGS))
    assert isinstance(page, FindingsPage)
    current = page.list.currentIndex()
    assert "王明尚未签名" in current.data()
    page.list.activated.emit(current)  # Enter on the entry: to the pad
    assert QApplication.focusWidget() is panel.inspectors[0].pad
    assert view.context.store.seal_of(view.state.inspection_id) is None


def test_finalize_with_signatures_drawn_on_screen(view: InspectionView, qtbot: QtBot) -> None:
    panel = panel_of(view)
    draw(qtbot, panel.inspectors[0])
    draw(qtbot, panel.inspectors[1])
    draw(qtbot, panel.party)
    signatures = view.state.signatures()
    assert [s.kind for s in signatures] == [SignatureKind.DRAWN] * 3
    assert [s.name for s in signatures] == ["王明", "李华", "张店长"]
    image = view.context.store.signature_image(signatures[0].id)
    assert image is not None
    assert image.startswith(b"\x89PNG")
    assert "已签名（当场签名）" in panel.inspectors[0].status.text()
    seal_now(view)
    assert_sealed(view)


def test_finalize_with_signatures_on_paper(view: InspectionView) -> None:
    panel = panel_of(view)
    for box in (*panel.inspectors, panel.party):
        box.paper.setChecked(True)
    assert [s.kind for s in view.state.signatures()] == [SignatureKind.PAPER] * 3
    seal_now(view)
    assert_sealed(view)


def test_finalize_with_the_partys_refusal_noted(
    view: InspectionView, qtbot: QtBot, ime_type: TypeText
) -> None:
    panel = panel_of(view)
    for box in panel.inspectors:
        box.paper.setChecked(True)
    panel.party_mode.setCurrentIndex(PARTY_REFUSED)
    assert panel.refusal.isVisible()
    ime_type(panel.refusal, "当事人拒绝签名，已告知")
    qtbot.keyClick(panel.refusal, Qt.Key.Key_Return)
    party = view.state.signatures()[-1]
    assert (party.role, party.kind, party.note) == (
        SignatureRole.PARTY, SignatureKind.REFUSED, "当事人拒绝签名，已告知",
    )  # fmt: skip
    seal_now(view)
    assert_sealed(view)


def test_finalize_with_the_party_absent_and_a_witness(
    view: InspectionView, qtbot: QtBot, ime_type: TypeText
) -> None:
    panel = panel_of(view)
    for box in panel.inspectors:
        box.paper.setChecked(True)
    panel.party_mode.setCurrentIndex(PARTY_ABSENT)
    assert panel.witness.isVisible()
    panel.ask_finalize()
    assert "见证人尚未签名" in panel.message.text() or "尚缺 1 项" in panel.message.text()
    ime_type(panel.witness_name, "赵村主任")
    draw(qtbot, panel.witness)
    kinds = [(s.role, s.kind, s.name) for s in view.state.signatures()]
    assert kinds[-2:] == [
        (SignatureRole.PARTY, SignatureKind.ABSENT, ""),
        (SignatureRole.WITNESS, SignatureKind.DRAWN, "赵村主任"),
    ]
    seal_now(view)
    assert_sealed(view)


def test_a_correction_keeps_the_original_and_shows_in_the_history(
    view: InspectionView, qtbot: QtBot, ime_type: TypeText
) -> None:
    panel = panel_of(view)
    for box in (*panel.inspectors, panel.party):
        box.paper.setChecked(True)
    seal_now(view)
    assert panel.amend_button.isVisible()
    dialog = panel.ask_amend()
    assert dialog is not None
    index = next(i for i, (item, _key) in enumerate(dialog.keys) if item == "pledge_posted")
    dialog.item.setCurrentIndex(index)
    dialog.choice.setCurrentIndex(dialog.choice.findData("no"))
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()  # a reason is required
    ime_type(dialog.reason, "笔误：承诺书实际未公示")
    assert ok.isEnabled()
    ok.click()
    store = view.context.store
    inspection_id = view.state.inspection_id
    assert store.answers_for(inspection_id)["pledge_posted", ""].value == "yes"
    assert store.effective_answers(inspection_id)["pledge_posted", ""].value == "no"
    assert "笔误：承诺书实际未公示" in panel.history.text()
    assert "是 → 否" in panel.history.text()
    assert verify(store.db.conn).ok
