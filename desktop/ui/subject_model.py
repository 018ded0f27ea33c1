"""Qt table models of the register: the subjects (被检查单位), fetched lazily page by page and
filtered in SQL, and the instruments (计量器具) of one subject, nozzles under their dispenser.

No proxy model sits on top: a QSortFilterProxyModel over a lazy model would fetch every row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from checklists.i18n import N_, _
from desktop.store import Instrument, Subject
from desktop.store.reads import Reads
from desktop.ui.widgets import (
    PROBLEM_COLOUR,
    china_today,
    instrument_kind_label,
    subject_kind_label,
)

Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ID_ROLE = Qt.ItemDataRole.UserRole

SUBJECT_COLUMNS = (
    N_("名称"),
    N_("统一社会信用代码"),
    N_("类型"),
    N_("县（区）"),
    N_("乡镇/街道"),
    N_("地址"),
)


def _header(columns: tuple[str, ...], section: int, orientation: Qt.Orientation, role: int) -> Any:
    horizontal = orientation == Qt.Orientation.Horizontal
    if horizontal and role == _DISPLAY and 0 <= section < len(columns):
        return _(columns[section])
    return None


def _subject_cell(subject: Subject, column: int) -> str:
    values = (
        subject.name,
        subject.credit_code or "",
        subject_kind_label(subject.kind),
        subject.county,
        subject.township,
        subject.address,
    )
    return values[column]


class SubjectTableModel(QAbstractTableModel):
    """Subjects whose name, address or credit code match the filter, in name order.

    The first page is read when the filter is set; the view asks for the next page
    (``canFetchMore``/``fetchMore``) when it scrolls to the end, so a register of 100,000
    subjects opens as fast as one of ten.
    """

    PAGE_SIZE = 200

    def __init__(
        self, store: Reads, parent: QObject | None = None, *, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._page_size = page_size
        self._text = ""
        self._rows: list[Subject] = []
        self._total = 0
        self._load_first_page()

    # ------------------------------------------------------------------ the filter
    @property
    def filter_text(self) -> str:
        return self._text

    @property
    def total(self) -> int:
        """How many subjects match the filter (loaded or not)."""
        return self._total

    def set_filter(self, text: str) -> None:
        """Show the subjects matching every word of ``text``; reset and query again."""
        self._text = text.strip()
        self.refresh()

    def refresh(self) -> None:
        """Query again with the same filter (after a subject was added or changed)."""
        self.beginResetModel()
        self._load_first_page()
        self.endResetModel()

    def _load_first_page(self) -> None:
        self._total = self._store.count_subjects(self._text)
        self._rows = self._store.list_subjects(self._text, limit=self._page_size)

    # ------------------------------------------------------------------ lookups
    def subject_at(self, row: int) -> Subject:
        return self._rows[row]

    def row_of(self, subject_id: str) -> int | None:
        """The row of a loaded subject, None if it is not (yet) loaded or does not match."""
        for row, subject in enumerate(self._rows):
            if subject.id == subject_id:
                return row
        return None

    # ------------------------------------------------------------------ lazy fetching
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802, B008
        if parent.isValid():
            return
        page = self._store.list_subjects(self._text, limit=self._page_size, offset=len(self._rows))
        if not page:  # subjects were removed since counting: stop asking
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()
        self._total = max(self._total, len(self._rows))

    # ------------------------------------------------------------------ the model
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(SUBJECT_COLUMNS)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        subject = self._rows[index.row()]
        if role in (_DISPLAY, _TOOLTIP):
            return _subject_cell(subject, index.column())
        if role == _ID_ROLE:
            return subject.id
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY
    ) -> Any:
        return _header(SUBJECT_COLUMNS, section, orientation, role)


# The most asked-for first: what it is, whether its verification is valid, the seals.
INSTRUMENT_COLUMNS = (
    N_("名称/编号"),
    N_("类型"),
    N_("有效期至"),
    N_("检定证书编号"),
    N_("铅封号"),
    N_("出厂编号"),
    N_("型号"),
    N_("制造商"),
)
VALID_UNTIL_COLUMN = 2


def is_expired(instrument: Instrument, today: date) -> bool:
    """True if the verification (检定) of ``instrument`` ran out before ``today``."""
    if not instrument.valid_until:
        return False
    try:
        return date.fromisoformat(instrument.valid_until) < today
    except ValueError:
        return False


def grouped(instruments: list[Instrument]) -> list[Instrument]:
    """Each dispenser followed by its nozzles; a nozzle whose dispenser is not listed last."""
    children: dict[str, list[Instrument]] = {}
    ids = {i.id for i in instruments}
    for instrument in instruments:
        if instrument.parent_id in ids:
            children.setdefault(instrument.parent_id or "", []).append(instrument)
    ordered: list[Instrument] = []
    for instrument in instruments:
        if instrument.parent_id not in ids:
            ordered.append(instrument)
            ordered.extend(children.get(instrument.id, []))
    return ordered


def _label(instrument: Instrument) -> str:
    text = instrument.label or instrument_kind_label(instrument.kind)
    fuel = instrument.extra.get("fuel") if isinstance(instrument.extra, dict) else None
    if fuel:
        text = f"{text}（{fuel}）"
    return f"    └ {text}" if instrument.parent_id else text


class InstrumentTableModel(QAbstractTableModel):
    """The instruments of one subject: each dispenser followed by its nozzles (indented), an
    instrument whose verification has run out in red and marked 已过期."""

    def __init__(self, store: Reads, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._subject_id: str | None = None
        self._rows: list[Instrument] = []
        self._today = china_today()

    @property
    def subject_id(self) -> str | None:
        return self._subject_id

    def set_subject(self, subject_id: str | None) -> None:
        self._subject_id = subject_id
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._today = china_today()
        found = (
            self._store.instruments_of(self._subject_id, merged=True) if self._subject_id else []
        )
        self._rows = grouped(found)
        self.endResetModel()

    def instrument_at(self, row: int) -> Instrument:
        return self._rows[row]

    def instruments(self) -> list[Instrument]:
        return list(self._rows)

    def expired(self, row: int) -> bool:
        return is_expired(self._rows[row], self._today)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(INSTRUMENT_COLUMNS)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        instrument = self._rows[index.row()]
        expired = is_expired(instrument, self._today)
        if role == _DISPLAY:
            return self._cell(instrument, index.column(), expired)
        if role == _TOOLTIP and expired:
            return _("检定有效期已过，该器具不得继续使用。")
        if role == Qt.ItemDataRole.ForegroundRole and expired:
            return QBrush(QColor(PROBLEM_COLOUR))
        if role == _ID_ROLE:
            return instrument.id
        return None

    @staticmethod
    def _cell(instrument: Instrument, column: int, expired: bool) -> str:
        until = instrument.valid_until or ""
        values = (
            _label(instrument),
            instrument_kind_label(instrument.kind),
            _("{date}（已过期）").format(date=until) if expired else until,
            instrument.certificate_no,
            "、".join(instrument.seal_numbers),
            instrument.serial,
            instrument.model,
            instrument.manufacturer,
        )
        return values[column]

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY
    ) -> Any:
        return _header(INSTRUMENT_COLUMNS, section, orientation, role)
