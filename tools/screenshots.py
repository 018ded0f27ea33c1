"""Screenshots of every screen for the README, made from the real windows so they stay current.

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python tools/screenshots.py [SCREEN...]

Each screen is shot twice: at 1366x768 (the common inspector laptop) and at 150 % scaling
(a 1920x1080 panel, 1280x720 logical pixels). Every scale runs in its own process because Qt
reads the scale factor once at start-up. The data is a demo database made with a fixed seed and
end date, so the pictures only change when the app does. Output: docs/screenshots/*.png.
Under Xvfb the xcb platform draws real windows; without a display it falls back to offscreen.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"
SCALES = {"100": ("1", (1366, 768)), "150": ("1.5", (1280, 720))}
DEMO_END = date(2026, 11, 27)

Shot = Callable[..., object]


def _start(window: object) -> object:
    return window


def _inspections(window: object) -> object:
    window._nav.setCurrentRow(1)  # type: ignore[attr-defined]
    return window


def _subjects(window: object) -> object:
    nav = window._nav  # type: ignore[attr-defined]
    for row in range(nav.count()):
        if nav.item(row).text() == "被检查单位":
            nav.setCurrentRow(row)
    return window


def _calculator(window: object) -> object:
    nav = window._nav  # type: ignore[attr-defined]
    nav.setCurrentRow(nav.count() - 1)
    page = window.current_page()  # type: ignore[attr-defined]
    form = page.forms["dispenser"]
    form.inputs["indicated"].setText("20.00, 20.01, 19.99")
    form.inputs["measure_volume"].setText("19.93, 19.96, 19.95")
    form.inputs["t_nozzle"].setText("24")
    form.inputs["t_measure"].setText("24")
    return window


def _settings(window: object) -> object:
    from desktop.ui.settings_dialog import SettingsDialog

    context = window.context  # type: ignore[attr-defined]
    dialog = SettingsDialog(context.settings, window, first_run=True)  # type: ignore[arg-type]
    dialog.open()
    return dialog


def _measured(store: Any, inspection_id: str, *, failing: bool) -> bool:
    """Whether the first nozzle was measured (and, with ``failing``, whether a run failed)."""
    answer = store.answers_for(inspection_id).get(("nozzle_error", "dispenser:1/nozzle:1"))
    runs = (answer.value or {}).get("runs", []) if answer else []
    verdicts = [run.get("result", {}).get("verdict") for run in runs]
    return bool(runs) and (not failing or "fail" in verdicts)


def _open_fuel_station(
    window: Any, page: str, instance_key: str = "", *, failing: bool = False
) -> object:
    """A fuel-station inspection of the demo whose first nozzle was measured."""
    from desktop.store import InspectionFilter
    from desktop.ui.app import _show_inspection
    from desktop.ui.walk_state import Page, Place

    context = window.context
    rows = context.store.list_inspections(InspectionFilter(checklist_id="fuel_station"), limit=400)
    row = next((r for r in rows if _measured(context.store, r.id, failing=failing)), rows[0])
    _show_inspection(window, context, row.id)
    view = window.transient  # type: ignore[attr-defined]
    view.go_to(Place(Page(page, instance_key)))
    return window


def _nozzle(window: object) -> object:
    return _open_fuel_station(window, "nozzle", "dispenser:1/nozzle:1")


def _findings(window: object) -> object:
    from desktop.ui.walk_state import FINDINGS

    return _open_fuel_station(window, FINDINGS, failing=True)


_TRANSFERS: dict[str, Any] = {}


def _transfers_ready(context: Any) -> dict[str, Any]:
    """Once per run: the office (the screens' demo) exported a bundle and imported one from a
    laptop; the same draft answer was then changed at both, so the laptop's next bundle makes
    a conflict. Also a damaged copy of that bundle, for a refusal."""
    if _TRANSFERS:
        return _TRANSFERS
    from desktop.store import InspectionFilter, Status, Store
    from desktop.store.bundles import export_bundle, import_bundle
    from desktop.store.demo import DemoOptions, make_demo

    folder = OUT / ".home" / "stick"
    folder.mkdir(parents=True, exist_ok=True)
    export_bundle(context.store, folder / "量衡-县局-20261120.lhb", catalogue=None)
    laptop_path = OUT / ".home" / "laptop.sqlite3"
    make_demo(laptop_path, DemoOptions(inspections=40, seed=11, end_date=DEMO_END))
    with Store.open(laptop_path) as laptop:
        [first] = export_bundle(laptop, folder / "量衡-笔记本-20261125.lhb", catalogue=None).files
        import_bundle(context.store, first)
        draft = laptop.list_inspections(InspectionFilter(status=Status.DRAFT), limit=1)[0]
        (item_id, key), answer = next(iter(laptop.answers_for(draft.id).items()))
        context.store.save_answer(draft.id, item_id, key, answer.value, note="县局核对后修改")
        laptop.save_answer(draft.id, item_id, key, answer.value, note="现场补充说明")
        laptop.save_answer(draft.id, item_id, key, answer.value, note="现场再次补充")
        [second] = export_bundle(laptop, folder / "量衡-笔记本-20261127.lhb", catalogue=None).files
    damaged = folder / "量衡-笔记本-20261126.lhb"
    data = second.read_bytes()
    damaged.write_bytes(data[: len(data) // 2])
    _TRANSFERS.update(second=second, damaged=damaged, imported=False)
    return _TRANSFERS


def _wait(done: Callable[[], bool]) -> None:
    from PySide6.QtCore import QCoreApplication, QEventLoop

    while not done():
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def _import_result(window: Any) -> object:
    """The result of importing the laptop's second bundle (a conflict) and a damaged file."""
    from desktop.ui.import_result import ImportResultDialog
    from desktop.ui.transfer_actions import start_import

    ready = _transfers_ready(window.context)
    running = start_import(window, window.context, [ready["second"], ready["damaged"]])
    _wait(lambda: running.task.done)
    ready["imported"] = True
    return next(d for d in window.findChildren(ImportResultDialog) if d.isVisible())


def _export_choice(window: Any) -> object:
    """文件 → 导出传输包…: what to send."""
    from desktop.ui.transfer_actions import ask_export

    return ask_export(window, window.context)


def _transfers(window: Any) -> object:
    """The history with the import that had a conflict selected."""
    from desktop.store.bundles import import_bundle
    from desktop.ui.transfers_dialog import open_transfers_dialog

    ready = _transfers_ready(window.context)
    if not ready["imported"]:
        import_bundle(window.context.store, ready["second"])
        ready["imported"] = True
    dialog = open_transfers_dialog(window, window.context)
    model = dialog.model
    row = next(r for r in range(model.rowCount()) if model.transfer_at(r).conflicts)
    dialog.select_row(row)
    return dialog


SCREENS: dict[str, Shot] = {
    "nozzle": _nozzle,
    "findings": _findings,
    "start": _start,
    "inspections": _inspections,
    "subjects": _subjects,
    "calculator": _calculator,
    "settings": _settings,
    "export_choice": _export_choice,
    "import_result": _import_result,
    "transfers": _transfers,
}


def _demo_context() -> object:
    from desktop.settings import Inspector, OfficeSettings
    from desktop.store import Store
    from desktop.store.demo import DemoOptions, make_demo
    from desktop.ui.context import AppContext

    path = OUT / ".home" / "demo.sqlite3"
    if path.parent.exists():
        shutil.rmtree(path.parent)
    path.parent.mkdir(parents=True)
    make_demo(path, DemoOptions(inspections=400, seed=3, end_date=DEMO_END))
    store = Store.open(path)
    store.save_office_settings(
        OfficeSettings(
            agency="法库县市场监督管理局",
            inspecting_unit="法库县市场监督管理局",
            inspectors=(Inspector("王明", "21010001"), Inspector("李华", "21010002")),
            reconsideration_body="法库县人民政府",
            court="法库县人民法院",
        )
    )
    return AppContext(store)


def shoot(scale: str, names: list[str]) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    from desktop.ui.app import build_main_window, create_application

    create_application()
    size = SCALES[scale][1]
    context = _demo_context()
    for name, prepare in SCREENS.items():
        if names and name not in names:
            continue
        window = build_main_window(context)  # type: ignore[arg-type]
        window.resize(*size)
        window.show()
        target_widget = prepare(window)
        settle = QEventLoop()  # not app.exec(): Qt 6's quit() closes the windows first
        QTimer.singleShot(400, settle.quit)  # let layouts settle and the window paint
        settle.exec()
        target = OUT / f"{name}-{scale}.png"
        target_widget.grab().save(str(target))  # type: ignore[attr-defined]
        print(target)
        if target_widget is not window:
            target_widget.close()  # type: ignore[attr-defined]
        window.close()


def main() -> int:
    if len(sys.argv) >= 3 and sys.argv[1] == "--scale":
        shoot(sys.argv[2], sys.argv[3:])
        return 0
    names = sys.argv[1:]  # some screens only (default: all)
    unknown = sorted(set(names) - set(SCREENS))
    if unknown:
        print(f"unknown screens: {', '.join(unknown)}; known: {', '.join(SCREENS)}")
        return 2
    for scale, (factor, _size) in SCALES.items():
        env = dict(os.environ, QT_SCALE_FACTOR=factor, LIANGHENG_HOME=str(OUT / ".home"))
        env.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")
        subprocess.run([sys.executable, __file__, "--scale", scale, *names], env=env, check=True)
    shutil.rmtree(OUT / ".home", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
