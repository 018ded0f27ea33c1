"""设置: the agency, the inspecting unit, the inspectors and the wording of the documents.

Asked once when a real database is first created, changeable at any time from the menu.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from checklists.errors import InputError
from checklists.i18n import _, join
from desktop import paths
from desktop.settings import Inspector, OfficeSettings


class SettingsDialog(QDialog):
    """Edits an OfficeSettings; after ``accepted``, :meth:`result_settings` holds the new one."""

    def __init__(
        self, settings: OfficeSettings, parent: QWidget | None = None, *, first_run: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settings_dialog")
        self.setWindowTitle(_("单位与人员设置"))
        self._original = settings
        self._result = settings
        self.agency = self._line(settings.agency, _("如：法库县市场监督管理局"))
        self.unit = self._line(
            settings.inspecting_unit, _("如：法库县市场监督管理局或某某市场监管所")
        )
        self.reconsideration = self._line(settings.reconsideration_body, _("如：法库县人民政府"))
        self.court = self._line(settings.court, _("如：法库县人民法院"))
        self.record_title = self._line(settings.record_title, "")
        self.notice_title = self._line(settings.notice_title, "")
        self.backup_dir = self._line(settings.backup_dir, str(paths.backup_dir()))
        self.backup_dir.setObjectName("backup_dir")
        self.backup_dir.textChanged.connect(self._on_backup_dir_text_changed)
        self.browse = QPushButton(_("浏览…"))
        self.browse.clicked.connect(self._on_browse_clicked)
        self.backup_warning = QLabel()
        self.backup_warning.setStyleSheet("color: #8a5a00;")
        self.backup_warning.setWordWrap(True)
        self.backups_kept = QSpinBox()
        self.backups_kept.setRange(1, 100)
        self.backups_kept.setValue(max(1, min(100, settings.backups_kept)))
        self.folder_dialog: QFileDialog | None = None
        self.judge_unverified = QCheckBox(
            _("依据未经官方文本核实的规则表时仍给出判定（并注明未核实）")
        )
        self.judge_unverified.setChecked(settings.judge_unverified)
        self.inspectors = QStandardItemModel(0, 2, self)
        self.inspectors.setHorizontalHeaderLabels([_("姓名"), _("执法证号")])
        for inspector in settings.inspectors:
            self._append(inspector.name, inspector.certificate_no)
        if self.inspectors.rowCount() == 0:
            self._append("", "")
            self._append("", "")
        self.table = self._make_table()
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setStyleSheet("color: #b71c1c;")
        self.problem.setWordWrap(True)
        self._lay_out(first_run)

    @staticmethod
    def _line(text: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(text)
        edit.setPlaceholderText(placeholder)
        edit.setMinimumWidth(360)
        return edit

    def _append(self, name: str, number: str) -> None:
        self.inspectors.appendRow([QStandardItem(name), QStandardItem(number)])

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("inspectors")
        table.setModel(self.inspectors)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setMinimumHeight(140)
        return table

    def _lay_out(self, first_run: bool) -> None:
        form = QFormLayout()
        form.addRow(_("执法机关"), self.agency)
        form.addRow(_("检查单位"), self.unit)
        form.addRow(_("行政复议机关"), self.reconsideration)
        form.addRow(_("行政诉讼法院"), self.court)
        form.addRow(_("笔录标题"), self.record_title)
        form.addRow(_("通知书标题"), self.notice_title)
        folder = QHBoxLayout()
        folder.addWidget(self.backup_dir, 1)
        folder.addWidget(self.browse)
        form.addRow(_("备份文件夹"), folder)
        form.addRow("", self.backup_warning)
        form.addRow(_("保留备份份数"), self.backups_kept)
        add = QPushButton(_("添加人员"))
        add.clicked.connect(self._on_add_clicked)
        remove = QPushButton(_("删除所选人员"))
        remove.clicked.connect(self._on_remove_clicked)
        people_buttons = QHBoxLayout()
        people_buttons.addWidget(add)
        people_buttons.addWidget(remove)
        people_buttons.addStretch(1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        if first_run:
            intro = QLabel(
                _(
                    "请填写本单位和执法人员信息。它们会出现在每一份现场笔录和通知书上，"
                    "以后可在“设置”中修改。"
                )
            )
            intro.setWordWrap(True)
            layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("执法人员（现场检查至少两人）")))
        layout.addWidget(self.table)
        layout.addLayout(people_buttons)
        layout.addWidget(self.judge_unverified)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def _on_backup_dir_text_changed(self, text: str) -> None:
        """A folder that is not there (a USB stick not plugged in) is a warning: backups wait
        for it and say so; it is not a reason to refuse the settings."""
        folder = text.strip()
        missing = bool(folder) and not Path(folder).is_dir()
        self.backup_warning.setText(
            _(
                "这个文件夹现在不存在（U 盘未插入？）。插入后备份会写到这里；"
                "在此之前备份会提示失败。"
            )
            if missing
            else ""
        )

    def _on_browse_clicked(self) -> None:
        dialog = QFileDialog(self, _("选择备份文件夹"), self.backup_dir.text().strip())
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.fileSelected.connect(self.backup_dir.setText)
        self.folder_dialog = dialog
        dialog.open()

    def _on_add_clicked(self) -> None:
        self._append("", "")
        self.table.setCurrentIndex(self.inspectors.index(self.inspectors.rowCount() - 1, 0))
        self.table.edit(self.table.currentIndex())

    def _on_remove_clicked(self) -> None:
        for index in sorted(
            self.table.selectionModel().selectedRows(), reverse=True, key=lambda i: i.row()
        ):
            self.inspectors.removeRow(index.row())

    def read_inspectors(self) -> list[Inspector]:
        """Rows with a name or a number; InputError names a half-filled one."""
        people = []
        for row in range(self.inspectors.rowCount()):
            name = self.inspectors.item(row, 0).text().strip()
            number = self.inspectors.item(row, 1).text().strip()
            if name or number:
                people.append(Inspector(name or " ", number))
        return people

    def _on_buttons_accepted(self) -> None:
        try:
            inspectors = self.read_inspectors()
        except InputError as error:
            self.problem.setText(str(error))
            return
        self._result = replace(
            self._original,
            agency=self.agency.text().strip(),
            inspecting_unit=self.unit.text().strip(),
            reconsideration_body=self.reconsideration.text().strip(),
            court=self.court.text().strip(),
            record_title=self.record_title.text().strip() or self._original.record_title,
            notice_title=self.notice_title.text().strip() or self._original.notice_title,
            judge_unverified=self.judge_unverified.isChecked(),
            backup_dir=self.backup_dir.text().strip(),
            backups_kept=self.backups_kept.value(),
            inspectors=tuple(inspectors),
        )
        missing = self._result.missing()
        if missing and not self.problem.text().startswith(_("仍缺少")):
            # Say once what is still missing; a second Save keeps the partial settings.
            self.problem.setText(
                _("仍缺少：{items}。可以先保存，以后在“设置”中补充；再按一次“保存”确认。").format(
                    items=join(missing)
                )
            )
            return
        self.accept()

    def result_settings(self) -> OfficeSettings:
        return self._result
