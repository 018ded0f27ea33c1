"""Start the Qt application: fonts and icon from resources, the database (first run: demo or
real work), then the main window with its pages."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QMessageBox, QWidget

import resources
from checklists.i18n import _
from desktop import APP_DISPLAY_NAME, APP_NAME, __version__, paths
from desktop.store import StoreError
from desktop.store.ids import china_date
from desktop.ui.context import AppContext
from desktop.ui.errors import install_excepthook
from desktop.ui.main_window import MainWindow
from desktop.ui.single_instance import SingleInstance


def load_fonts() -> str:
    """Register the bundled CJK font and return its family name (Chinese renders as boxes
    without it on machines that have no CJK font installed)."""
    family = ""
    for parts in (resources.FONT_REGULAR, resources.FONT_BOLD):
        font_id = QFontDatabase.addApplicationFont(str(resources.path(*parts)))
        if font_id < 0:
            raise resources.MissingResourceError(f"font could not be loaded: {parts[-1]}")
        family = family or QFontDatabase.applicationFontFamilies(font_id)[0]
    return family


def create_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Liangheng")
    font = app.font()
    font.setFamily(load_fonts())
    app.setFont(font)
    app.setWindowIcon(QIcon(str(resources.path(*resources.ICON_PNG))))
    return app


def build_main_window(context: AppContext | None) -> MainWindow:
    """The window with every page; without a database only the calculator works. Pages
    other than the first are built when first shown."""
    if context is None:
        window = MainWindow(None)
        window.add_page(_calculator_page, _("计量计算器"))
        return window
    from PySide6.QtGui import QKeySequence, QShortcut

    from desktop.ui.start_page import StartPage

    window = MainWindow(context.db_path, is_demo=context.is_demo)
    window.context = context
    start = StartPage(context)
    start.open_requested.connect(lambda i: open_inspection(window, context, i))
    start.new_requested.connect(lambda: new_inspection(window, context))
    window.add_page(start, _("首页"))
    window.add_page(lambda: _inspections_page(window, context), _("检查记录"))
    window.add_page(lambda: _subjects_page(window, context), _("被检查单位"))
    window.add_page(_calculator_page, _("计量计算器"))
    window.settings_menu.addAction(_("单位与人员…"), lambda: _edit_settings(window, context))
    shortcut = QShortcut(QKeySequence("Ctrl+N"), window)
    shortcut.activated.connect(lambda: new_inspection(window, context))
    return window


def open_inspection(window: MainWindow, context: AppContext, inspection_id: str) -> None:
    """The walk-through of one inspection, in place of the lists until it is closed.

    Deferred to the event loop: the request comes from inside a list's key or mouse event,
    and replacing the page under that event's own widget crashes Qt."""
    QTimer.singleShot(0, lambda: _show_inspection(window, context, inspection_id))


def _show_inspection(window: MainWindow, context: AppContext, inspection_id: str) -> None:
    from checklists.errors import UserError
    from desktop.ui.errors import show_error
    from desktop.ui.walk_view import InspectionView

    try:
        view = InspectionView(context, inspection_id)
    except UserError as error:
        show_error(window, error)
        return
    view.closed.connect(window.close_transient)
    window.show_transient(view)


def new_inspection(window: MainWindow, context: AppContext, subject_id: str | None = None) -> None:
    from desktop.ui.new_inspection_dialog import NewInspectionDialog

    dialog = NewInspectionDialog(context, subject_id, parent=window)
    dialog.inspection_created.connect(lambda i: open_inspection(window, context, i))
    dialog.open()


def add_language_menu(window: MainWindow) -> None:
    """设置 → 语言 / Language: the choice is kept and applies from the next start."""
    from PySide6.QtGui import QAction, QActionGroup

    from checklists import i18n

    menu = window.settings_menu.addMenu("语言 / Language")
    group = QActionGroup(menu)
    for code, label in (("zh_CN", "中文"), ("en", "English")):
        action = QAction(label, menu, checkable=True)
        action.setChecked(i18n.language() == code)
        action.triggered.connect(lambda _checked=False, c=code: _choose_language(window, c))
        group.addAction(action)
        menu.addAction(action)


def _choose_language(window: MainWindow, code: str) -> None:
    from PySide6.QtCore import QSettings

    QSettings().setValue(LANGUAGE_KEY, code)
    box = QMessageBox(
        QMessageBox.Icon.Information,
        "量衡",
        "重新启动量衡后生效。\nThe new language applies when Liangheng starts again.",
        QMessageBox.StandardButton.Ok,
        window,
    )
    box.open()


def _calculator_page() -> QWidget:
    from desktop.ui.calculator_page import CalculatorPage

    return CalculatorPage()


def _inspections_page(window: MainWindow, context: AppContext) -> QWidget:
    from desktop.ui.inspections_page import InspectionsPage

    page = InspectionsPage(context)
    page.open_requested.connect(lambda i: open_inspection(window, context, i))
    return page


def _subjects_page(window: MainWindow, context: AppContext) -> QWidget:
    from desktop.ui.subjects_page import SubjectsPage

    page = SubjectsPage(context)
    page.new_inspection_requested.connect(lambda s: new_inspection(window, context, s))
    return page


def _edit_settings(window: MainWindow, context: AppContext) -> None:
    from desktop.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(context.settings, window)
    dialog.accepted.connect(lambda: context.save_settings(dialog.result_settings()))
    dialog.open()


def _first_run(path: Path) -> tuple[Path, bool] | None:
    """Ask how to start; returns the database to open and whether to ask for the settings,
    or None if the user closed the dialog."""
    from desktop.ui.first_run import Choice, FirstRunDialog, ensure_demo_database

    dialog = FirstRunDialog()
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    if dialog.choice is Choice.DEMO:
        from datetime import date

        return ensure_demo_database(date.fromisoformat(china_date())), False
    return path, True


def _ask_settings(context: AppContext) -> None:
    from desktop.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(context.settings, first_run=True)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        context.save_settings(dialog.result_settings())


LANGUAGE_KEY = "ui/language"


def apply_ui_language(app: QApplication) -> str:
    """The language chosen in the GUI's settings, for our text and Qt's own dialogs."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QTranslator

    from desktop import language

    chosen = language.apply(str(QSettings().value(LANGUAGE_KEY, "") or "") or None)
    if chosen == "zh_CN":
        translator = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(
            QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder
        ):
            app.installTranslator(translator)
    return chosen


def _open_checked(path: Path, startup_check: bool) -> tuple[AppContext, SingleInstance] | int:
    """Lock the database against a second copy of the app, check it (offering the latest
    good backup if it is damaged) and open it; an exit code when that is not possible."""
    from desktop.store.errors import FolderMissingError
    from desktop.ui.recovery_dialog import prepare_database
    from desktop.ui.single_instance import acquire_or_signal, already_running_box

    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # the lock file lives beside the db
        instance = acquire_or_signal(path)
    except OSError:
        QMessageBox.critical(None, _("无法打开数据库"), str(FolderMissingError(path)))
        return 1
    if instance is None:
        already_running_box().exec()
        return 0
    chosen = path if startup_check else prepare_database(path)
    if chosen is None:
        instance.release()
        return 0
    if chosen != path:  # the user chose another database
        instance.release()
        instance = acquire_or_signal(chosen)
        if instance is None:
            already_running_box().exec()
            return 0
    try:
        return AppContext.open(chosen), instance
    except (StoreError, OSError) as error:
        instance.release()
        QMessageBox.critical(None, _("无法打开数据库"), str(error))
        return 1


def add_export_menu(window: MainWindow, context: AppContext) -> None:
    """导出: the PDF record (and notice) of the open or selected inspection, Excel workbooks."""

    def selected() -> str | None:
        page = window.transient or window.current_page()
        state = getattr(page, "state", None)
        if state is not None:
            return str(state.inspection_id)
        chosen = getattr(page, "selected_id", None)
        return chosen() if callable(chosen) else None

    def one(kind: str) -> None:
        from desktop.ui.export_dialog import ExportRequest, open_export_dialog

        inspection_id = selected()
        if inspection_id is None:
            box = QMessageBox(
                QMessageBox.Icon.Information,
                _("导出"),
                _("请先在检查记录中选中一条记录，或打开一条记录。"),
                QMessageBox.StandardButton.Ok,
                window,
            )
            box.open()
            return
        many = getattr(window.current_page(), "selected_ids", None)
        chosen = many() if callable(many) and window.transient is None else []
        request = (
            ExportRequest.pdf(*(chosen if len(chosen) > 1 else [inspection_id]))
            if kind == "pdf"
            else ExportRequest.xlsx(inspection_id)
        )
        open_export_dialog(window, context, request)

    def batch() -> None:
        from desktop.store import InspectionFilter
        from desktop.ui.export_dialog import ExportRequest, open_export_dialog

        page = window.current_page()
        current = getattr(page, "current_filter", None)
        where = current() if callable(current) else InspectionFilter()
        open_export_dialog(window, context, ExportRequest.xlsx(where=where))

    export = QMenu(_("导出(&E)"), window)
    window.menuBar().insertMenu(window.settings_menu.menuAction(), export)
    export.addAction(_("现场笔录 PDF（可多选）…"), lambda: one("pdf"), "Ctrl+P")
    export.addAction(_("本条记录 Excel…"), lambda: one("xlsx"))
    export.addAction(_("按当前筛选导出 Excel 汇总…"), batch)


def run_gui(db: Path | None, startup_check: bool = False) -> int:
    started = time.perf_counter()
    app = create_application()
    apply_ui_language(app)
    install_excepthook()
    path = db or paths.default_db()
    ask_settings = False
    if db is None and not path.exists() and not startup_check:
        chosen = _first_run(path)
        if chosen is None:
            return 0
        path, ask_settings = chosen
    opened = _open_checked(path, startup_check)
    if isinstance(opened, int):
        return opened
    context, instance = opened
    from desktop.ui import backup_actions, transfer_menu

    if ask_settings:
        _ask_settings(context)
    window = build_main_window(context)
    add_export_menu(window, context)
    backup_actions.add_backup_menu(window, context)
    transfer_menu.add_transfer_menu(window, context)
    add_language_menu(window)
    instance.attach(window)
    window.show()
    keep_safe = not startup_check and not context.is_demo
    if keep_safe:
        backup_actions.start_daily_backup(context, window)
        backup_actions.start_integrity_check(context, window)
    # sqlite-utils is imported on first use (desktop/store/connection.py); load it once the
    # window is up, so that the first answer typed is saved without that wait
    QTimer.singleShot(300, lambda: context.store.db.warm_up())
    if startup_check:

        def report() -> None:
            print(f"{(time.perf_counter() - started) * 1000:.0f}")  # noqa: T201
            app.quit()

        # A zero timer fires once the event loop has shown and painted the window; the lists
        # were filled from SQL when the pages were built.
        QTimer.singleShot(0, report)
    try:
        return app.exec()
    finally:
        backup_actions.wait_for_workers(window)
        if keep_safe:
            result = backup_actions.backup_on_close(context)
            if isinstance(result, StoreError):
                QMessageBox.warning(None, _("备份未完成"), str(result))
        context.close()
        instance.release()
