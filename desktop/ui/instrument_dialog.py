"""添加/编辑计量器具 of one subject: kind, label, maker, model, serial, seal numbers, the
verification certificate and its validity; a nozzle (加油枪) names its dispenser and fuel."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from checklists.errors import UserError
from checklists.i18n import N_, _
from desktop.store import Instrument
from desktop.ui.context import AppContext
from desktop.ui.widgets import INSTRUMENT_KINDS, ProblemLabel, instrument_kind_label

NOZZLE = "nozzle"
DISPENSER = "dispenser"
FUELS = (N_("92号汽油"), N_("95号汽油"), N_("98号汽油"), N_("0号柴油"), N_("-10号柴油"))
# The kind a new instrument most likely has, by the kind of its subject.
_LIKELY_KIND = {
    "fuel_station": DISPENSER,
    "market": "scale",
    "supermarket": "scale",
    "optician": "lensmeter",
}
_SEAL_SEPARATORS = re.compile(r"[,，、;；\s]+")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def split_seals(text: str) -> list[str]:
    """Seal numbers typed with commas (half or full width), 、, semicolons or spaces."""
    return [part for part in _SEAL_SEPARATORS.split(text.strip()) if part]


def parse_date(text: str) -> str | None:
    """``YYYY-MM-DD`` from 2026-12-31, 2026/12/31, 2026.12.31, 2026年12月31日 or 20261231;
    "" for an empty text; None if it is not a date."""
    text = text.strip()
    if not text:
        return ""
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    found = _DATE.match(text)
    if not found:
        return None
    try:
        return date(*(int(part) for part in found.groups())).isoformat()
    except ValueError:
        return None


class InstrumentDialog(QDialog):
    """Add an instrument to ``subject_id`` (``instrument`` None) or edit one.
    ``saved(instrument_id)`` after the store accepted it."""

    saved = Signal(str)

    def __init__(
        self,
        context: AppContext,
        subject_id: str,
        instrument: Instrument | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("instrument_dialog")
        self.context = context
        self.subject_id = subject_id
        self.instrument = instrument
        self.setWindowTitle(_("编辑计量器具") if instrument else _("添加计量器具"))
        self._build()
        self._fill(instrument)
        self._on_kind_combo_changed()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self.kind_combo = QComboBox()
        for kind, label in INSTRUMENT_KINDS.items():
            self.kind_combo.addItem(_(label), kind)
        self.parent_combo = QComboBox()
        for dispenser in self._dispensers():
            self.parent_combo.addItem(dispenser.label or dispenser.serial, dispenser.id)
        self.fuel_combo = QComboBox()
        self.fuel_combo.setEditable(True)
        self.fuel_combo.addItems([_(fuel) for fuel in FUELS])
        self.edits = {
            name: QLineEdit()
            for name in ("label", "manufacturer", "model", "serial", "seal_numbers",
                         "certificate_no", "valid_until")
        }  # fmt: skip
        self.edits["label"].setPlaceholderText(_("如 1号加油机、3号摊位"))
        self.edits["seal_numbers"].setPlaceholderText(_("多个铅封号用逗号分隔"))
        self.edits["valid_until"].setPlaceholderText(_("如 2027-06-30，可不填"))
        self.edits["label"].setMinimumWidth(320)
        self.problem = ProblemLabel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("取消"))
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_changed)
        self._lay_out()

    def _lay_out(self) -> None:
        self.form = QFormLayout()
        self.form.addRow(_("类型"), self.kind_combo)
        self.form.addRow(_("所属加油机"), self.parent_combo)
        self.form.addRow(_("油品"), self.fuel_combo)
        labels = {
            "label": _("名称/编号"),
            "manufacturer": _("制造商"),
            "model": _("型号"),
            "serial": _("出厂编号"),
            "seal_numbers": _("铅封号"),
            "certificate_no": _("检定证书编号"),
            "valid_until": _("检定有效期至"),
        }
        for name, label in labels.items():
            self.form.addRow(label, self.edits[name])
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def _dispensers(self) -> list[Instrument]:
        found = self.context.store.instruments_of(self.subject_id)
        myself = self.instrument.id if self.instrument else None
        return [i for i in found if i.kind == DISPENSER and i.id != myself]

    def _fill(self, instrument: Instrument | None) -> None:
        if instrument is None:
            kind = _LIKELY_KIND.get(self.context.store.get_subject(self.subject_id).kind, "")
            self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
            return
        index = self.kind_combo.findData(instrument.kind)
        if index < 0:  # a kind from a newer version or another office: keep it
            self.kind_combo.addItem(instrument_kind_label(instrument.kind), instrument.kind)
            index = self.kind_combo.count() - 1
        self.kind_combo.setCurrentIndex(index)
        self.parent_combo.setCurrentIndex(self.parent_combo.findData(instrument.parent_id))
        self.fuel_combo.setCurrentText(str(instrument.extra.get("fuel", "")))
        for name, edit in self.edits.items():
            value = getattr(instrument, name)
            edit.setText("、".join(value) if name == "seal_numbers" else str(value or ""))

    def _on_kind_combo_changed(self) -> None:
        nozzle = self.kind_combo.currentData() == NOZZLE
        for widget in (self.parent_combo, self.fuel_combo):
            self.form.setRowVisible(widget, nozzle)
        if nozzle and self.parent_combo.currentIndex() < 0 and self.parent_combo.count():
            self.parent_combo.setCurrentIndex(0)

    # ------------------------------------------------------------------ the values
    def values(self) -> dict[str, Any]:
        """The instrument's fields as the store takes them (check :meth:`problem_text`
        first: a date that is not one becomes None here)."""
        kind = self.kind_combo.currentData()
        values: dict[str, Any] = {name: edit.text().strip() for name, edit in self.edits.items()}
        values["kind"] = kind
        values["seal_numbers"] = split_seals(values["seal_numbers"])
        values["valid_until"] = parse_date(values["valid_until"]) or None
        values["parent_id"] = self.parent_combo.currentData() if kind == NOZZLE else None
        extra = dict(self.instrument.extra) if self.instrument else {}
        fuel = self.fuel_combo.currentText().strip()
        if kind == NOZZLE and fuel:
            extra["fuel"] = fuel
        else:
            extra.pop("fuel", None)
        values["extra"] = extra
        return values

    def problem_text(self) -> str | None:
        """Why the instrument cannot be saved yet, None if it can."""
        kind = self.kind_combo.currentData()
        if not self.edits["label"].text().strip():
            return _("请填写名称/编号，例如“1号加油机”。")
        if kind == NOZZLE and self.parent_combo.currentData() is None:
            return _("加油枪需指明所属加油机：请先添加加油机。")
        if parse_date(self.edits["valid_until"].text()) is None:
            return _("检定有效期“{text}”不是日期，请按 2027-06-30 的格式填写。").format(
                text=self.edits["valid_until"].text().strip()
            )
        return None

    # ------------------------------------------------------------------ saving
    def _on_buttons_accepted(self) -> None:
        problem = self.problem_text()
        if problem:
            self.problem.show_problem(problem)
            return
        try:
            saved = self._save()
        except UserError as error:
            self.problem.show_problem(str(error))
            return
        self.instrument = saved
        self.saved.emit(saved.id)
        self.accept()

    def _save(self) -> Instrument:
        values = self.values()
        store = self.context.store
        if self.instrument is None:
            known = store.instruments_of(self.subject_id, include_retired=True)
            position = max((i.position for i in known), default=0) + 1
            return store.add_instrument(self.subject_id, position=position, **values)
        changes = {k: v for k, v in values.items() if _stored(getattr(self.instrument, k)) != v}
        if not changes:
            return self.instrument
        return store.update_instrument(self.instrument.id, **changes)


def _stored(value: Any) -> Any:
    """A field of an Instrument as :meth:`InstrumentDialog.values` gives it."""
    return list(value) if isinstance(value, tuple) else value
