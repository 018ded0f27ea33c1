"""The walk-through of one inspection, from the header to the findings, keyboard first.

:func:`open_inspection` (or ``InspectionView(context, inspection_id)``) gives a QWidget for the
main window; it emits ``closed`` when the inspector leaves (``Esc`` or 返回) and ``saved`` after
every change. Left: the navigator (header, each section, repeated sections with one row per
instrument, findings), each row with its progress "答 x / 必答 y". Right: the page, with the
saved state ("已保存 14:02:31") above it.

Keyboard map (also in the status line):

=====================  ===========================================================
Y/1, N/2, A/3          是 / 否 / 不适用 on a yes/no item (then on to the next item)
1 ... 9                the option of a choice item (then on to the next item)
Enter                  next item (past the last one: the next page)
Tab / Shift+Tab        next / previous field (the note of an item comes after it)
Ctrl+Enter, F8         the next unanswered required item, across pages
Ctrl+PgDown / PgUp     next / previous page
F6                     navigator <-> page
Ctrl+Shift+N           add an instrument (dispenser, nozzle), stall or lot here
Ctrl+O                 add photos on a photo item (or drag files onto it)
Ctrl+Shift+X           未能实施检查 (停业, 无法联系, 拒绝检查 ...)
Ctrl+Shift+F           定稿: the findings page, what is missing or the seal
Esc                    back (every change is already saved)
=====================  ===========================================================

Every change is saved as it is made, and the place (page and item) is saved on every focus
change (``Store.set_resume_position``), so a restarted app reopens the same page and item.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from checklists.errors import UserError
from checklists.i18n import _
from checklists.record import Location
from checklists.schema import REPEAT_KINDS
from desktop.ui.context import AppContext
from desktop.ui.errors import show_error
from desktop.ui.walk_findings import FindingsPage
from desktop.ui.walk_header import HeaderPage
from desktop.ui.walk_nco import NotCarriedOutDialog
from desktop.ui.walk_page import EmptySectionPage, SectionPage
from desktop.ui.walk_state import FINDINGS, HEADER, Page, Place, Saved, WalkState

_PAGE_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_HELP = (
    "Y/N/A 或 1/2/3：是/否/不适用　Enter：下一项　Ctrl+Enter/F8：下一未答必答项　"
    "Ctrl+PgDn/PgUp：翻页　F6：目录　Ctrl+Shift+N：添加　Ctrl+Shift+X：未能实施检查　"
    "Ctrl+Shift+F：定稿　Esc：返回"
)

AnyPage = SectionPage | EmptySectionPage | HeaderPage | FindingsPage


class InspectionView(QWidget):
    closed = Signal()
    saved = Signal(object)  # Saved

    def __init__(
        self, context: AppContext, inspection_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("inspection_view")
        self.context = context
        self.state = WalkState(
            context.store, context.catalogue, inspection_id, policy=context.policy
        )
        self.pages: dict[tuple[str, str], AnyPage] = {}
        self.current: Page = Page(HEADER)
        self._last_place: Place | None = None
        self._unsaved: dict[tuple[str, str], int] = {}  # page -> saves waiting to be retried
        self._build()
        self._shortcuts()
        QApplication.instance().focusChanged.connect(self._on_app_focus_changed)  # type: ignore[union-attr]
        self.fill_navigator()
        place = self.state.resume_place() or Place(Page(HEADER))
        self.go_to(place)

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        record = self.state.record
        self.title = QLabel(f"<b>{record.header.subject.name or self.state.row.subject_name}</b>"
                            f"　{self.state.checklist.title}")  # fmt: skip
        self.title.setObjectName("title")
        self.saved_label = QLabel(_("尚未修改"))
        self.saved_label.setObjectName("saved_state")
        self.state_label = QLabel()
        self.state_label.setObjectName("record_state")
        self.state_label.setStyleSheet("color:#b71c1c; font-weight:bold;")
        nco = QPushButton(_("未能实施检查（Ctrl+Shift+X）"))
        nco.setObjectName("not_carried_out")
        nco.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        nco.clicked.connect(self.ask_not_carried_out)
        back = QPushButton(_("返回（Esc）"))
        back.setObjectName("back")
        back.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        back.clicked.connect(self.close_view)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.state_label)
        top.addWidget(self.saved_label)
        top.addWidget(nco)
        top.addWidget(back)
        self.model = QStandardItemModel(self)
        self.navigator = QTreeView()
        self.navigator.setObjectName("navigator")
        self.navigator.setHeaderHidden(True)
        self.navigator.setModel(self.model)
        self.navigator.setEditTriggers(QTreeView.EditTrigger.NoEditTriggers)
        self.navigator.activated.connect(self._on_navigator_activated)
        self.navigator.clicked.connect(self._on_navigator_activated)
        self.stack = QStackedWidget()
        split = QSplitter()
        split.addWidget(self.navigator)
        split.addWidget(self.stack)
        split.setStretchFactor(1, 1)
        split.setSizes([300, 1000])
        keys = QLabel(_(KEY_HELP))
        keys.setObjectName("key_help")
        keys.setStyleSheet("color:#555555; font-size:9pt;")
        keys.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(keys)
        self._show_record_state()

    def _shortcuts(self) -> None:
        bindings = (
            (("Ctrl+Return", "Ctrl+Enter", "F8"), self.next_unanswered),
            (("Ctrl+PgDown",), lambda: self.turn(1)),
            (("Ctrl+PgUp",), lambda: self.turn(-1)),
            (("F6",), self.toggle_navigator),
            (("Ctrl+Shift+N",), self.add_instance),
            (("Ctrl+Shift+X",), self.ask_not_carried_out),
            (("Ctrl+Shift+F",), self.ask_finalize),
            (("Esc",), self.close_view),
        )
        for keys, slot in bindings:
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)

    # ------------------------------------------------------------------ navigator
    def fill_navigator(self) -> None:
        self.model.clear()
        # Model rows carry plain strings (a page key), not Python objects: PySide keeps
        # references to the latter beyond the model's life.
        self._rows: dict[tuple[str, str], QStandardItem] = {}
        self._by_key: dict[str, Page] = {}
        groups: dict[str, QStandardItem] = {}
        for page in self.state.pages():
            section = self.state.section(page)
            row = QStandardItem()
            row.setEditable(False)
            row.setData(_page_id(page), _PAGE_ROLE)
            self._by_key[_page_id(page)] = page
            self._rows[page.key] = row
            if section is None or not section.scope:
                self.model.appendRow(row)
                continue
            group = groups.get(section.id)
            if group is None:
                group = groups[section.id] = QStandardItem(section.title)
                group.setEditable(False)
                group.setData(_page_id(page), _PAGE_ROLE)
                self.model.appendRow(group)
            group.appendRow(row)
        self.navigator.expandAll()
        self.update_progress()

    def update_progress(self) -> None:
        for page in self.state.pages():
            row = self._rows.get(page.key)
            if row is None:
                continue
            if page.section_id in (HEADER, FINDINGS):
                row.setText(self.state.page_title(page))
                continue
            section = self.state.section(page)
            assert section is not None
            if self.state.is_placeholder(page):
                row.setText(self.state.page_title(page))
                row.setForeground(Qt.GlobalColor.gray)
                continue
            label = self.state.record.instance_label(page.instance_key)
            title = label if section.scope else section.title
            if not self.state.page_visible(page):
                row.setText(_("{title}（不适用）").format(title=title))
                row.setForeground(Qt.GlobalColor.gray)
                continue
            progress = self.state.progress(page)
            mark = "✓ " if progress.done else ""
            text = _("{mark}{title}　答 {x} / 必答 {y}").format(
                mark=mark, title=title, x=progress.answered, y=progress.required
            )
            if progress.failing:
                text += "　" + _("✗{n}").format(n=progress.failing)
            row.setText(text)
            row.setForeground(Qt.GlobalColor.darkRed if progress.failing else Qt.GlobalColor.black)

    def _on_navigator_activated(self, index: QModelIndex) -> None:
        page = self._by_key.get(str(index.data(_PAGE_ROLE)))
        if page is not None:
            self.go_to(Place(page))

    def toggle_navigator(self) -> None:
        if self.navigator.hasFocus():
            self.go_to(Place(self.current, self._current_item()))
        else:
            self.navigator.setFocus()

    # ------------------------------------------------------------------ pages
    def page_widget(self, page: Page) -> AnyPage:
        widget = self.pages.get(page.key)
        if widget is None:
            widget = self._make_page(page)
            self.pages[page.key] = widget
            self.stack.addWidget(widget)
        return widget

    def _make_page(self, page: Page) -> AnyPage:
        widget: AnyPage
        if page.section_id == HEADER:
            widget = HeaderPage(self.state)
            widget.saved.connect(self._on_page_saved)
            widget.unsaved_changed.connect(lambda n, k=page.key: self._on_page_unsaved(k, n))
            widget.finished.connect(lambda: self.turn(1))
        elif page.section_id == FINDINGS:
            widget = FindingsPage(self.state)
            widget.jump_requested.connect(self._on_findings_jump_requested)
            widget.finalized.connect(self._on_findings_finalized)
        elif self.state.is_placeholder(page):
            widget = EmptySectionPage(self.state, page)
            widget.add_requested.connect(self.add_instance)
        else:
            widget = SectionPage(self.state, page)
            widget.saved.connect(self._on_page_saved)
            widget.unsaved_changed.connect(lambda n, k=page.key: self._on_page_unsaved(k, n))
            widget.finished.connect(lambda: self.turn(1))
            widget.layout_changed.connect(self._on_page_layout_changed)
            widget.add_requested.connect(self.add_instance)
        widget.setEnabled(self.state.editable or page.section_id == FINDINGS)
        return widget

    def go_to(self, place: Place) -> None:
        """Show a page and put the cursor in an item of it (its first item by default)."""
        if place.page not in self.state.pages():
            place = Place(Page(HEADER))
        self.current = place.page
        widget = self.page_widget(place.page)
        if isinstance(widget, FindingsPage):
            widget.refresh()
        self.stack.setCurrentWidget(widget)
        row = self._rows.get(place.page.key)
        if row is not None:
            self.navigator.setCurrentIndex(row.index())
        if isinstance(widget, SectionPage):
            widget.focus_item(place.item_id)
        else:
            widget.focus_first()
        self.remember(Place(place.page, place.item_id or self._current_item()))

    def turn(self, step: int) -> None:
        """The next (``step`` 1) or previous (-1) page that applies."""
        pages = [p for p in self.state.pages() if self.state.page_visible(p)]
        index = pages.index(self.current) if self.current in pages else 0
        target = pages[max(0, min(len(pages) - 1, index + step))]
        self.go_to(Place(target))

    def next_unanswered(self) -> None:
        place = self.state.next_unanswered(Place(self.current, self._current_item()))
        self.go_to(place or Place(Page(FINDINGS)))

    def _current_item(self) -> str:
        widget = self.pages.get(self.current.key)
        return widget.current_item() if isinstance(widget, SectionPage) else ""

    def current_place(self) -> Place:
        return Place(self.current, self._current_item())

    # ------------------------------------------------------------------ saving and place
    def unsaved_count(self) -> int:
        """Refused saves still waiting to be retried, over all pages."""
        return sum(self._unsaved.values())

    def retry_unsaved_now(self) -> int:
        """Try every waiting save once more, now; return how many still wait."""
        for widget in self.pages.values():
            retries = getattr(widget, "retries", None)
            if retries is not None and len(retries):
                retries.retry()
        return self.unsaved_count()

    def _on_page_unsaved(self, key: tuple[str, str], count: int) -> None:
        before = self.unsaved_count()
        self._unsaved[key] = count
        if self.unsaved_count():
            self._show_unsaved()
        elif before:  # the last refused save went through
            now = datetime.now().astimezone()
            self.saved_label.setText(_("已保存 {time}").format(time=f"{now:%H:%M:%S}"))
            self.saved_label.setStyleSheet("color:#1b6e20;")

    def _show_unsaved(self) -> None:
        self.saved_label.setText(
            _("未保存 {count} 项：暂时无法写入，正在自动重试").format(count=self.unsaved_count())
        )
        self.saved_label.setStyleSheet("color:#ffffff; background:#b71c1c; font-weight:bold;")

    def _on_page_saved(self, saved: Saved) -> None:
        if self.unsaved_count():
            self._show_unsaved()
        else:
            self.saved_label.setText(_("已保存 {time}").format(time=f"{saved.at:%H:%M:%S}"))
            self.saved_label.setStyleSheet("color:#1b6e20;")
        self.update_progress()
        self.saved.emit(saved)

    def _on_page_layout_changed(self) -> None:
        for widget in self.pages.values():
            if isinstance(widget, SectionPage):
                widget.refresh()
        self.update_progress()

    def _on_app_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        widget = self.pages.get(self.current.key)
        if new is None or widget is None or not widget.isAncestorOf(new):
            return
        self.remember(self.current_place())

    def remember(self, place: Place) -> None:
        if place == self._last_place:
            return
        self._last_place = place
        try:
            self.state.remember(place)
        except UserError as error:
            show_error(self, error)

    def _on_findings_jump_requested(self, location: Location) -> None:
        if location.section_id:
            self.go_to(Place(Page(location.section_id, location.instance_key), location.item_id))
        elif location.field.startswith("header"):
            self.go_to(Place(Page(HEADER)))

    # ------------------------------------------------------------------ actions
    def add_instance(self) -> None:
        section = self.state.section(self.current)
        if section is None or not section.scope or not self.state.editable:
            return
        key = self.current.instance_key
        parent = key if self.state.is_placeholder(self.current) else "/".join(key.split("/")[:-1])
        try:
            key = self.state.add_instance(section, parent)
        except UserError as error:
            show_error(self, error)
            return
        self.fill_navigator()
        kind = _(REPEAT_KINDS[section.scope[-1]])
        self.saved_label.setText(_("已添加{kind}").format(kind=kind))
        self.go_to(Place(Page(section.id, key)))

    def ask_not_carried_out(self) -> NotCarriedOutDialog | None:
        if not self.state.editable:
            return None
        dialog = NotCarriedOutDialog(self)
        dialog.accepted.connect(lambda: self._on_dialog_accepted(dialog))
        dialog.open()
        dialog.reason.setFocus()
        self.dialog = dialog
        return dialog

    def _on_dialog_accepted(self, dialog: NotCarriedOutDialog) -> None:
        try:
            saved = self.state.mark_not_carried_out(
                dialog.chosen(), dialog.note.text(), dialog.photo
            )
        except UserError as error:
            show_error(self, error)
            return
        self._on_page_saved(saved)
        self._show_record_state()
        for widget in self.pages.values():
            widget.setEnabled(isinstance(widget, FindingsPage))
        self.context.inspections_changed.emit()
        self.go_to(Place(Page(FINDINGS)))

    def ask_finalize(self) -> None:
        """Ctrl+Shift+F: to the findings page, and 定稿 there."""
        self.go_to(Place(Page(FINDINGS)))
        page = self.page_widget(Page(FINDINGS))
        if isinstance(page, FindingsPage):
            page.finalize()

    def _on_findings_finalized(self) -> None:
        self._show_record_state()
        for widget in self.pages.values():
            widget.setEnabled(isinstance(widget, FindingsPage))
        self.update_progress()
        self.context.inspections_changed.emit()

    def _show_record_state(self) -> None:
        missed = self.state.record.not_carried_out
        if missed is not None:
            self.state_label.setText(_("未能实施检查：{reason}").format(reason=missed.reason.label))
        elif not self.state.editable:
            seal = self.state.seal
            number = f"　{seal.document_no}" if seal else ""
            self.state_label.setText(self.state.row.status.label + number)

    def close_view(self) -> None:
        self.context.inspections_changed.emit()
        self.closed.emit()


def _page_id(page: Page) -> str:
    return f"{page.section_id}|{page.instance_key}"


def open_inspection(context: AppContext, inspection_id: str) -> InspectionView:
    """The walk-through of an inspection, ready to be put in the main window."""
    return InspectionView(context, inspection_id)
