"""The export dialog: the work runs off the UI thread with progress, can be cancelled (no file
left), and offers the result."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.store import InspectionFilter
from desktop.ui.context import AppContext
from desktop.ui.export_dialog import ExportRequest, open_export_dialog
from desktop.ui.tasks import TaskCancelledError, TaskControl, run_task

pytestmark = pytest.mark.gui


def _ids(context: AppContext, n: int) -> list[str]:
    return [r.id for r in context.store.list_inspections(limit=n)]


def test_one_pdf_with_progress_and_result(
    qtbot: QtBot, demo_context: AppContext, tmp_path: Path
) -> None:
    dialog = open_export_dialog(None, demo_context, ExportRequest.pdf(_ids(demo_context, 1)[0]))
    qtbot.addWidget(dialog)
    target = tmp_path / "记录.pdf"
    dialog.path_edit.setText(str(target))
    seen: list[tuple[int, int]] = []
    dialog.start()
    assert dialog.task is not None
    dialog.task.progress.connect(lambda done, total: seen.append((done, total)))
    with qtbot.waitSignal(dialog.task.finished, timeout=30000):
        pass
    assert target.read_bytes().startswith(b"%PDF")
    assert dialog.result_path == target
    assert dialog.open_file_button.isVisibleTo(dialog)
    assert dialog.print_button.isVisibleTo(dialog)
    assert seen
    assert dialog.bar.value() == dialog.bar.maximum()


def test_many_pdfs_into_a_folder(qtbot: QtBot, demo_context: AppContext, tmp_path: Path) -> None:
    ids = _ids(demo_context, 3)
    dialog = open_export_dialog(None, demo_context, ExportRequest.pdf(*ids))
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "out"))
    dialog.start()
    assert dialog.task is not None
    with qtbot.waitSignal(dialog.task.finished, timeout=60000):
        pass
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 3
    assert not dialog.open_file_button.isVisibleTo(dialog)
    assert dialog.open_folder_button.isVisibleTo(dialog)


def test_cancelled_batch_leaves_no_file(
    qtbot: QtBot, demo_context: AppContext, tmp_path: Path
) -> None:
    request = ExportRequest.xlsx(where=InspectionFilter())
    dialog = open_export_dialog(None, demo_context, request)
    qtbot.addWidget(dialog)
    target = tmp_path / "batch.xlsx"
    dialog.path_edit.setText(str(target))
    dialog.start()
    assert dialog.task is not None
    with qtbot.waitSignal(dialog.task.cancelled, timeout=30000):
        dialog.cancel_button.click()
    assert not target.exists()
    assert not list(tmp_path.glob("*.xlsx"))
    assert "取消" in dialog.status.text()
    assert dialog.start_button.isEnabled()


def test_batch_workbook(qtbot: QtBot, demo_context: AppContext, tmp_path: Path) -> None:
    where = InspectionFilter(checklist_id="fuel_station")
    dialog = open_export_dialog(None, demo_context, ExportRequest.xlsx(where=where))
    qtbot.addWidget(dialog)
    target = tmp_path / "fuel.xlsx"
    dialog.path_edit.setText(str(target))
    dialog.start()
    assert dialog.task is not None
    with qtbot.waitSignal(dialog.task.finished, timeout=60000):
        pass
    assert target.exists()


def test_task_errors_arrive_on_the_ui_thread(qtbot: QtBot) -> None:
    def work(control: TaskControl) -> None:
        raise ValueError("boom")

    task = run_task(work)
    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        pass
    assert isinstance(blocker.args[0], ValueError)


def test_task_cancel_flag(qtbot: QtBot) -> None:
    def work(control: TaskControl) -> None:
        while not control.cancelled():
            control.progress(1, 2)
        raise TaskCancelledError

    task = run_task(work)
    with qtbot.waitSignal(task.cancelled, timeout=5000):
        task.cancel()
