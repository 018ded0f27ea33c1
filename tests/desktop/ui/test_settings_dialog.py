"""The settings dialog: typed like a user, saved as OfficeSettings."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot

from desktop.settings import Inspector, OfficeSettings
from desktop.ui.settings_dialog import SettingsDialog

pytestmark = pytest.mark.gui
TypeText = Callable[[QWidget, str], None]


def fill_inspector(dialog: SettingsDialog, row: int, name: str, number: str) -> None:
    dialog.inspectors.item(row, 0).setText(name)
    dialog.inspectors.item(row, 1).setText(number)


def save(qtbot: QtBot, dialog: SettingsDialog) -> None:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_first_run_settings_are_typed_and_saved(qtbot: QtBot, ime_type: TypeText) -> None:
    dialog = SettingsDialog(OfficeSettings(), first_run=True)
    qtbot.addWidget(dialog)
    dialog.open()
    ime_type(dialog.agency, "法库县市场监督管理局")
    ime_type(dialog.unit, "法库县市场监督管理局")
    ime_type(dialog.reconsideration, "法库县人民政府")
    fill_inspector(dialog, 0, "王明", "21010001")
    fill_inspector(dialog, 1, "李华", "21010002")
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        save(qtbot, dialog)
    settings = dialog.result_settings()
    assert settings.configured
    assert settings.inspectors == (Inspector("王明", "21010001"), Inspector("李华", "21010002"))
    assert settings.reconsideration_body == "法库县人民政府"
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_missing_items_are_named_and_a_second_save_keeps_them_partial(
    qtbot: QtBot, ime_type: TypeText
) -> None:
    dialog = SettingsDialog(OfficeSettings())
    qtbot.addWidget(dialog)
    dialog.open()
    ime_type(dialog.agency, "法库县市场监督管理局")
    save(qtbot, dialog)
    assert dialog.isVisible()
    assert "检查单位" in dialog.problem.text()
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        save(qtbot, dialog)
    assert dialog.result_settings().agency == "法库县市场监督管理局"
    assert not dialog.result_settings().configured


def test_a_half_filled_inspector_row_is_refused_with_its_reason(qtbot: QtBot) -> None:
    dialog = SettingsDialog(OfficeSettings())
    qtbot.addWidget(dialog)
    dialog.open()
    fill_inspector(dialog, 0, "王明", "")
    save(qtbot, dialog)
    assert dialog.isVisible()
    assert "王明" in dialog.problem.text()
    assert "执法证号" in dialog.problem.text()


def test_backup_folder_and_count_are_saved_and_a_missing_folder_only_warns(
    qtbot: QtBot, tmp_path
) -> None:
    dialog = SettingsDialog(OfficeSettings(agency="甲", inspecting_unit="乙"))
    qtbot.addWidget(dialog)
    dialog.open()
    stick = tmp_path / "usb" / "量衡备份"
    dialog.backup_dir.setText(str(stick))
    assert "不存在" in dialog.backup_warning.text()
    stick.mkdir(parents=True)
    dialog.backup_dir.setText(str(stick) + " ")
    assert dialog.backup_warning.text() == ""
    dialog.backups_kept.setValue(25)
    fill_inspector(dialog, 0, "王明", "1")
    fill_inspector(dialog, 1, "李华", "2")
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        save(qtbot, dialog)
    assert dialog.result_settings().backup_dir == str(stick)
    assert dialog.result_settings().backups_kept == 25


def test_browse_opens_qts_own_folder_dialog(qtbot: QtBot, tmp_path) -> None:
    dialog = SettingsDialog(OfficeSettings())
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.mouseClick(dialog.browse, Qt.MouseButton.LeftButton)
    chooser = dialog.folder_dialog
    assert chooser is not None
    assert chooser.isVisible()
    chooser.fileSelected.emit(str(tmp_path))
    assert dialog.backup_dir.text() == str(tmp_path)
    chooser.reject()
