"""The last page of the walk-through: the findings so far (each with its legal basis and the
suggested measure), the overall outcome, and what the record still needs before it can be
finalized (``Inspection.readiness``). ``Enter`` on an entry jumps to its place.

Below the list: the signatures, the rectification deadline and 定稿 (:mod:`seal_panel`). A
missing signature in the list jumps to its control on this page; after sealing the list keeps
the findings and the panel shows the document number, the seal and the corrections.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QLabel, QListView, QScrollArea, QVBoxLayout, QWidget

from checklists.i18n import _, join
from checklists.record import Location
from desktop.ui.seal_panel import SealPanel
from desktop.ui.walk_state import WalkState

_LOCATION_ROLE = Qt.ItemDataRole.UserRole + 1
_RED, _AMBER, _GREY = QColor("#b71c1c"), QColor("#6d5d00"), QColor("#444444")


class FindingsPage(QWidget):
    jump_requested = Signal(object)  # Location
    finalized = Signal()

    def __init__(self, state: WalkState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setObjectName("page_findings")
        self.outcome = QLabel()
        self.outcome.setObjectName("outcome")
        self.outcome.setWordWrap(True)
        self.model = QStandardItemModel(self)
        self.list = QListView()
        self.list.setObjectName("findings_list")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setModel(self.model)
        self.list.activated.connect(self._on_list_activated)
        self.list.setMinimumHeight(220)
        self.seal_panel = SealPanel(state)
        self.seal_panel.missing_found.connect(self._on_seal_panel_missing_found)
        self.seal_panel.finalized.connect(self._on_seal_panel_finalized)
        self.seal_panel.amended.connect(self.refresh)
        self.seal_panel.changed.connect(self.refresh)
        inner = QWidget()
        column = QVBoxLayout(inner)
        title = _("检查结果")
        column.addWidget(QLabel(f"<h2>{title}</h2>"))
        column.addWidget(self.outcome)
        column.addWidget(self.list, 1)
        column.addWidget(self.seal_panel)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.refresh()

    def refresh(self) -> None:
        record = self.state.record
        outcome = record.outcome()
        text = _("检查结论：{result}").format(result=outcome.result.label)
        if outcome.provisional:
            text += _("（待检测机构结果，暂定）")
        self.outcome.setText(f"<b>{text}</b>")
        self.model.clear()
        self.locations: list[Location] = []
        findings = record.findings()
        self._heading(_("不符合项（{n}）").format(n=len(findings)))
        for finding in findings:
            where = f"{finding.instance_label}：" if finding.instance_label else ""
            unverified = _("［未核实］")
            basis = _("；").join(
                b.cite() + ("" if b.verified else unverified) for b in finding.basis
            )
            measures = join(m.label for m in finding.measures_taken)
            lines = [
                f"[{finding.severity.label}] {where}{finding.item.text}",
                _("情况：{reason}").format(reason=finding.reason),
                _("依据：{basis}").format(basis=basis),
                _("建议措施：{measures}").format(measures=measures or _("（无）")),
            ]
            location = Location(finding.section.id, finding.item.id, finding.instance_key)
            self._entry("\n".join(lines), location, _RED)
        if not findings:
            self._entry(_("未发现不符合项"), None, _GREY)
        readiness = self.state.readiness()
        if not self.state.editable:  # sealed or not carried out: nothing left to complete
            readiness = type(readiness)(warnings=readiness.warnings)
        groups = (
            (_("定稿前还需完成（{n}）"), readiness.missing, _RED),
            (_("待检测机构结果（{n}）"), readiness.pending, _GREY),
            (_("提示（{n}）"), readiness.warnings, _AMBER),
        )
        for title, issues, colour in groups:
            if issues:
                self._heading(title.format(n=len(issues)))
            for issue in issues:
                self._entry(issue.message, issue.location, colour)

    def _heading(self, text: str) -> None:
        row = QStandardItem(text)
        row.setEditable(False)
        row.setSelectable(False)
        font = row.font()
        font.setBold(True)
        row.setFont(font)
        self.model.appendRow(row)

    def _entry(self, text: str, location: Location | None, colour: QColor) -> None:
        row = QStandardItem(text)
        row.setEditable(False)
        row.setForeground(QBrush(colour))
        if location is not None:  # the row keeps an index: plain data, not a Python object
            row.setData(len(self.locations), _LOCATION_ROLE)
            self.locations.append(location)
        self.model.appendRow(row)

    def focus_first(self) -> None:
        self.list.setFocus()
        for r in range(self.model.rowCount()):
            if self.model.item(r).data(_LOCATION_ROLE) is not None:
                self.list.setCurrentIndex(self.model.index(r, 0))
                return

    def _on_list_activated(self, index: QModelIndex) -> None:
        number = index.data(_LOCATION_ROLE)
        if isinstance(number, int) and 0 <= number < len(self.locations):
            location = self.locations[number]
            if location.field.startswith("finalize."):
                self.seal_panel.focus_field(location.field)
            else:
                self.jump_requested.emit(location)

    def _on_seal_panel_missing_found(self) -> None:
        self.refresh()
        self.list.setFocus()
        for r in range(self.model.rowCount()):
            if self.model.item(r).text().startswith(_("定稿前还需完成（{n}）").split("（")[0]):
                self.list.setCurrentIndex(self.model.index(r + 1, 0))
                return

    def _on_seal_panel_finalized(self) -> None:
        self.refresh()
        self.finalized.emit()

    def finalize(self) -> None:
        """定稿 (Ctrl+Shift+F)."""
        self.seal_panel.ask_finalize()
