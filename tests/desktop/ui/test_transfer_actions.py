"""Transfer by USB stick in the GUI (issue 10), driven from the 文件 menu as an inspector would:
export a bundle from a laptop, import it at the office (the lists fill, the result says what
came), a damaged file refused with nothing changed, cancelling, and the history with the
conflicts of an import. The file dialogs are replaced; the work runs in real worker threads."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop.store import InspectionFilter, Status
from desktop.store.bundles import export_bundle
from desktop.store.seal import device_code
from desktop.ui import transfer_actions
from desktop.ui.app import build_main_window
from desktop.ui.context import AppContext
from desktop.ui.import_result import ImportResultDialog
from desktop.ui.inspections_page import InspectionsPage
from desktop.ui.main_window import MainWindow
from desktop.ui.start_page import StartPage
from desktop.ui.transfer_actions import (
    FOLDER_KEY,
    ExportChoiceDialog,
    ProgressDialog,
    start_export,
    start_import,
)
from desktop.ui.transfer_menu import add_transfer_menu
from desktop.ui.transfers_dialog import TransfersDialog, TransfersModel
from desktop.ui.widgets import PROBLEM_COLOUR

pytestmark = pytest.mark.gui
WAIT_MS = 60_000


@pytest.fixture
def laptop(qtbot: QtBot, demo_context: AppContext) -> MainWindow:
    return _window(qtbot, demo_context)


@pytest.fixture
def office(qtbot: QtBot, empty_context: AppContext) -> MainWindow:
    return _window(qtbot, empty_context)


def _window(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = build_main_window(context)
    add_transfer_menu(window, context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _context(window: MainWindow) -> AppContext:
    assert window.context is not None
    return window.context


def _menu(window: MainWindow, text: str) -> None:
    action = next(a for a in window.file_menu.actions() if a.text() == text)
    action.trigger()


def _shown(window: QWidget, kind: type[QWidget], name: str = "") -> QWidget | None:
    found = [w for w in window.findChildren(kind) if w.isVisible()]
    if name:
        found = [w for w in found if w.objectName() == name]
    return found[-1] if found else None


def _wait_for(qtbot: QtBot, window: QWidget, kind: type[QWidget], name: str = "") -> QWidget:
    qtbot.waitUntil(lambda: _shown(window, kind, name) is not None, timeout=WAIT_MS)
    widget = _shown(window, kind, name)
    assert widget is not None
    return widget


def _export_from_menu(
    qtbot: QtBot, window: MainWindow, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> list[Path]:
    """文件 → 导出传输包…, keep the default choice, save under the suggested name."""
    suggested: list[Path] = []

    def ask(parent: QWidget, path: Path) -> Path:
        suggested.append(path)
        return folder / path.name

    monkeypatch.setattr(transfer_actions, "ask_export_path", ask)
    _menu(window, "导出传输包…")
    choice = _shown(window, ExportChoiceDialog)
    assert isinstance(choice, ExportChoiceDialog)
    assert choice.unsent.isChecked()
    assert not choice.date_edit.isEnabled()
    qtbot.mouseClick(choice.next_button, Qt.MouseButton.LeftButton)
    return suggested


def _import_from_menu(
    qtbot: QtBot, window: MainWindow, files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> ImportResultDialog:
    monkeypatch.setattr(transfer_actions, "ask_bundle_paths", lambda parent, folder: files)
    _menu(window, "导入传输包…")
    result = _wait_for(qtbot, window, ImportResultDialog)
    assert isinstance(result, ImportResultDialog)
    return result


def _bundle(context: AppContext, target: Path) -> Path:
    """A bundle written by the core, as another laptop would hand it over."""
    [path] = export_bundle(context.store, target, catalogue=context.catalogue).files
    return path


# ---------------------------------------------------------------------- the menu


def test_the_file_menu_has_the_transfer_entries_above_quit(laptop: MainWindow) -> None:
    texts = [a.text() for a in laptop.file_menu.actions()]
    assert texts == ["导出传输包…", "导入传输包…", "传输记录", "", "退出(&X)"]


# ---------------------------------------------------------------------- export


def test_export_writes_the_bundle_and_the_history_shows_it(
    qtbot: QtBot, laptop: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    context = _context(laptop)
    [suggested] = _export_from_menu(qtbot, laptop, stick, monkeypatch)
    code = device_code(context.store.device_id)
    assert re.fullmatch(rf"量衡-{code}-\d{{8}}\.lhb", suggested.name)
    box = _wait_for(qtbot, laptop, QMessageBox, "export_done")
    assert isinstance(box, QMessageBox)
    written = stick / suggested.name
    assert written.is_file()
    assert str(written) in box.text()
    assert "检查记录 600 条" in box.text()
    assert "安全弹出U盘" in box.text()
    assert QSettings().value(FOLDER_KEY) == str(stick)
    box.accept()

    _menu(laptop, "传输记录")
    history = laptop.findChild(TransfersDialog)
    assert history is not None
    assert history.isVisible()
    model = history.model
    assert model.rowCount() == 1
    cells = [model.index(0, column).data() for column in range(model.columnCount())]
    assert cells[1:4] == ["导出", "", written.name]
    assert "检查记录 600 条" in cells[4]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", cells[0])
    assert "导出不会产生冲突" in history.conflicts_heading.text()
    history.reject()

    # everything went: a second export has nothing to send, and says so kindly
    _export_from_menu(qtbot, laptop, stick, monkeypatch)
    nothing = _wait_for(qtbot, laptop, QMessageBox, "nothing_to_send")
    assert isinstance(nothing, QMessageBox)
    assert nothing.icon() == QMessageBox.Icon.Information
    assert "没有需要导出的记录" in nothing.text()
    assert len(list(stick.iterdir())) == 1


def test_changed_since_a_day_sends_again_what_was_sent(
    qtbot: QtBot, laptop: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = _context(laptop)
    _bundle(context, tmp_path / "first.lhb")  # all sent
    choice = transfer_actions.ask_export(laptop, context)
    assert "上次导出：" in choice.findChild(QWidget, "export_hint").text()  # type: ignore[union-attr]
    choice.changed_since.click()
    assert choice.date_edit.isEnabled()
    choice.date_edit.setDate(choice.date_edit.date().addDays(-3650))
    since = choice.since()
    assert since is not None
    assert since.endswith("T16:00:00.000Z")  # midnight in China
    monkeypatch.setattr(transfer_actions, "ask_export_path", lambda p, s: tmp_path / "again")
    qtbot.mouseClick(choice.next_button, Qt.MouseButton.LeftButton)
    box = _wait_for(qtbot, laptop, QMessageBox, "export_done")
    assert isinstance(box, QMessageBox)
    assert (tmp_path / "again.lhb").is_file()  # the suffix is added
    assert "检查记录 600 条" in box.text()


def test_a_cancelled_export_writes_no_file(
    qtbot: QtBot, laptop: MainWindow, tmp_path: Path
) -> None:
    context = _context(laptop)
    stick = tmp_path / "stick"
    stick.mkdir()
    target = stick / "cancelled.lhb"
    running = start_export(laptop, context, target, None)
    assert running.dialog.windowModality() == Qt.WindowModality.WindowModal
    with qtbot.waitSignal(running.task.cancelled, timeout=WAIT_MS):
        running.dialog.cancel_button.click()  # before the worker starts: stops at once
    assert not running.dialog.isVisible()
    assert not list(stick.iterdir())
    assert _shown(laptop, QMessageBox) is None
    assert context.store.db.conn.execute("SELECT count(*) FROM sent").fetchone() == (0,)


# ---------------------------------------------------------------------- import


def test_import_fills_the_office_lists_and_says_what_came(
    qtbot: QtBot,
    office: MainWindow,
    demo_context: AppContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bundle = _bundle(demo_context, tmp_path / "a.lhb")
    start = office.current_page()
    assert isinstance(start, StartPage)
    inspections = office.page(1)
    assert isinstance(inspections, InspectionsPage)
    assert inspections.model.total == 0
    assert start.unfinished.model.total == 0
    caplog.set_level(logging.INFO, logger="liangheng.bundle")

    result = _import_from_menu(qtbot, office, [bundle], monkeypatch)

    assert result.summary.text() == "已导入 1 个文件。"
    text = result.text()
    assert "a.lhb" in text
    assert f"设备 {device_code(demo_context.store.device_id)}" in text
    assert "新增：检查记录 600 条" in text
    assert "被检查单位 100 个" in text
    assert PROBLEM_COLOUR not in result.details.toHtml()
    # the pages were told, as after a restore
    assert inspections.model.total == 600
    drafts = demo_context.store.count_inspections(InspectionFilter(status=Status.DRAFT))
    assert start.unfinished.model.total == drafts > 0
    assert QSettings().value(FOLDER_KEY) == str(tmp_path)
    assert any("imported" in r.getMessage() for r in caplog.records)

    result.history_button.click()
    history = _wait_for(qtbot, office, TransfersDialog)
    assert isinstance(history, TransfersDialog)
    cells = [history.model.index(0, c).data() for c in range(history.model.columnCount())]
    assert cells[1:4] == ["导入", device_code(demo_context.store.device_id), "a.lhb"]
    assert cells[4].startswith("检查记录 600 条")
    assert cells[5] == "0"
    assert "没有冲突" in history.conflicts_heading.text()


def test_a_damaged_file_is_refused_and_changes_nothing(
    qtbot: QtBot,
    office: MainWindow,
    demo_context: AppContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    good = _bundle(demo_context, tmp_path / "good.lhb")
    damaged = tmp_path / "damaged.lhb"
    data = bytearray(good.read_bytes())
    damaged.write_bytes(bytes(data[: len(data) // 2]))  # a stick pulled out mid-copy
    context = _context(office)
    changed: list[str] = []
    context.inspections_changed.connect(lambda: changed.append("inspections"))

    result = _import_from_menu(qtbot, office, [damaged], monkeypatch)

    assert result.summary.text() == "已导入 0 个文件，1 个文件未导入。"
    text = result.text()
    assert "传输包“damaged.lhb”未导入" in text
    assert "数据库没有任何改动" in text
    assert PROBLEM_COLOUR in result.details.toHtml()
    assert context.store.count_inspections() == 0
    assert context.store.db.conn.execute("SELECT count(*) FROM transfers").fetchone() == (0,)
    assert not changed  # nothing to refresh
    refused = [r for r in caplog.records if r.name == "liangheng.bundle"]
    assert [r.levelno for r in refused] == [logging.WARNING]
    assert "damaged.lhb" in refused[0].getMessage()


def test_several_files_each_get_their_own_result(
    qtbot: QtBot,
    office: MainWindow,
    demo_context: AppContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = _bundle(demo_context, tmp_path / "b.lhb")
    other = tmp_path / "a-not-a-bundle.lhb"
    other.write_text("照片.jpg", encoding="utf-8")
    result = _import_from_menu(qtbot, office, [good, other], monkeypatch)
    assert result.summary.text() == "已导入 1 个文件，1 个文件未导入。"
    text = result.text()
    # in the order of their names: parts of one export arrive in order
    assert text.index("a-not-a-bundle.lhb") < text.index("b.lhb")
    assert "不是量衡传输包" in text
    assert "新增：检查记录 600 条" in text
    assert _context(office).store.count_inspections() == 600


def test_a_cancelled_import_changes_nothing(
    qtbot: QtBot, office: MainWindow, demo_context: AppContext, tmp_path: Path
) -> None:
    bundle = _bundle(demo_context, tmp_path / "a.lhb")
    context = _context(office)
    running = start_import(office, context, [bundle])
    assert running.dialog.windowModality() == Qt.WindowModality.WindowModal
    assert QApplication.activeModalWidget() in (running.dialog, None)
    with qtbot.waitSignal(running.task.finished, timeout=WAIT_MS):
        running.dialog.reject()  # Esc asks to stop, it does not just hide the dialog
    result = _wait_for(qtbot, office, ImportResultDialog)
    assert isinstance(result, ImportResultDialog)
    assert "导入已取消" in result.summary.text()
    assert "已取消，未导入" in result.text()
    assert context.store.count_inspections() == 0


def test_cancelling_during_the_merge_rolls_the_file_back(
    qtbot: QtBot,
    office: MainWindow,
    demo_context: AppContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = _bundle(demo_context, tmp_path / "1.lhb")
    subject = demo_context.store.search_subjects("", limit=1)[0]
    demo_context.store.create_inspection(subject.id, "fuel_station", "2026.1")
    second = _bundle(demo_context, tmp_path / "2.lhb")
    running: list[transfer_actions.RunningTransfer] = []
    real = transfer_actions.import_bundle

    def cancelling(store: Any, path: Path, **options: Any) -> Any:
        progress = options.pop("progress")

        def report(stage: str, done: int, total: int) -> None:
            if path == second and stage == "merge":
                running[0].task.cancel()  # as if 取消 were pressed just now
            progress(stage, done, total)

        return real(store, path, progress=report, **options)

    monkeypatch.setattr(transfer_actions, "import_bundle", cancelling)
    context = _context(office)
    running.append(start_import(office, context, [first, second]))
    result = _wait_for(qtbot, office, ImportResultDialog)
    assert isinstance(result, ImportResultDialog)
    assert result.summary.text() == "已导入 1 个文件，导入已取消。"
    assert context.store.count_inspections() == 600  # the first file only
    files = [r[0] for r in context.store.db.conn.execute("SELECT file_name FROM transfers")]
    assert files == ["1.lhb"]


# ---------------------------------------------------------------------- conflicts


def test_a_conflict_is_shown_after_the_import_and_in_the_history(
    qtbot: QtBot,
    office: MainWindow,
    demo_context: AppContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    qtmodeltester: ModelTester,
) -> None:
    """The same answer changed at the office and on the laptop: the laptop's (higher revision)
    wins, the office's is kept as a conflict; the draft open at the office stays open."""
    laptop = demo_context
    context = _context(office)
    _import_from_menu(qtbot, office, [_bundle(laptop, tmp_path / "1.lhb")], monkeypatch).accept()
    draft = laptop.store.list_inspections(InspectionFilter(status=Status.DRAFT), limit=1)[0]
    (item_id, instance_key), answer = next(iter(laptop.store.answers_for(draft.id).items()))
    context.store.save_answer(draft.id, item_id, instance_key, answer.value, note="县局改")
    laptop.store.save_answer(draft.id, item_id, instance_key, answer.value, note="现场改")
    laptop.store.save_answer(draft.id, item_id, instance_key, answer.value, note="现场再改")
    second = _bundle(laptop, tmp_path / "2.lhb")
    from desktop.ui.app import open_inspection

    open_inspection(office, context, draft.id)
    qtbot.waitUntil(lambda: office.transient is not None, timeout=5000)
    view = office.transient

    result = _import_from_menu(qtbot, office, [second], monkeypatch)

    assert office.transient is view  # the inspection being edited was not closed
    assert "冲突 1 处" in result.summary.text()
    assert "同一内容在两处被修改" in result.text()
    assert PROBLEM_COLOUR in result.details.toHtml()
    saved = context.store.answers_for(draft.id)[(item_id, instance_key)]
    assert saved.note == "现场再改"

    result.history_button.click()
    history = _wait_for(qtbot, office, TransfersDialog)
    assert isinstance(history, TransfersDialog)
    assert history.model.rowCount() == 2
    assert history.model.index(0, 3).data() == "2.lhb"  # newest first
    assert history.model.index(0, 5).data() == "1"
    assert history.table.selectionModel().selectedRows()[0].row() == 0
    conflicts = history.conflicts_model
    assert conflicts.rowCount() == 1
    row = [conflicts.index(0, c).data() for c in range(conflicts.columnCount())]
    assert "两处" in row[0]
    assert row[1:4] == ["答案", draft.subject_name, "收到的版本"]
    assert history.conflicts_table.isVisibleTo(history)
    assert "冲突 1 处" in history.conflicts_heading.text()
    qtmodeltester.check(conflicts)
    history.table.selectRow(1)  # the first import had none
    assert conflicts.rowCount() == 0
    assert not history.conflicts_table.isVisibleTo(history)


def test_the_history_model_is_a_valid_qt_model(
    qtmodeltester: ModelTester, demo_context: AppContext, tmp_path: Path
) -> None:
    _bundle(demo_context, tmp_path / "a.lhb")
    model = TransfersModel(demo_context)
    assert model.rowCount() == 1
    qtmodeltester.check(model)
    empty = TransfersModel(demo_context)
    demo_context.store.db.conn.execute("DELETE FROM sent")
    demo_context.store.db.conn.execute("DELETE FROM transfers")
    empty.refresh()
    assert empty.rowCount() == 0
    qtmodeltester.check(empty)


def test_a_history_without_transfers_says_so(qtbot: QtBot, office: MainWindow) -> None:
    _menu(office, "传输记录")
    history = office.findChild(TransfersDialog)
    assert history is not None
    assert history.empty_label.isVisibleTo(history)
    assert not history.conflicts_table.isVisibleTo(history)


def test_progress_dialog_is_modal_and_closes_itself(qtbot: QtBot, office: MainWindow) -> None:
    dialog = ProgressDialog("导入传输包", office)
    dialog.open()
    dialog.show_step("正在检查…")
    assert dialog.bar.maximum() == 0  # busy
    dialog.show_step("正在导入… 3/10", 3, 10)
    assert (dialog.bar.value(), dialog.bar.maximum()) == (3, 10)
    with qtbot.waitSignal(dialog.cancel_requested, timeout=1000):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()  # Esc asks to stop; the task closes the dialog
    assert not dialog.cancel_button.isEnabled()
    dialog.finish()
    assert not dialog.isVisible()
