"""The first start on a machine: try the app on demo data, or start real work."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path

from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from checklists.i18n import _
from desktop import paths

DEMO_INSPECTIONS = 300


class Choice(StrEnum):
    DEMO = "demo"
    REAL = "real"


class FirstRunDialog(QDialog):
    """Two big buttons; after ``accepted``, ``choice`` says which."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("first_run")
        self.setWindowTitle(_("欢迎使用量衡"))
        self.choice: Choice | None = None
        intro = QLabel(
            _(
                "<h2>量衡　计量监督检查</h2>"
                "<p>在加油站、集贸市场、定量包装商品和诚信计量承诺单位现场逐项检查，"
                "按规程判定测量结果，随录随存，生成现场笔录和 Excel 汇总。全程无需网络。</p>"
                "<p>第一次使用，可以先用演示数据熟悉程序（辽宁的示例单位和检查记录，"
                "单独存放，绝不与正式数据混合）。</p>"
            )
        )
        intro.setWordWrap(True)
        self.demo_button = QPushButton(_("使用演示数据试用"))
        self.real_button = QPushButton(_("开始正式工作"))
        for button, choice in ((self.demo_button, Choice.DEMO), (self.real_button, Choice.REAL)):
            button.setMinimumHeight(44)
            button.clicked.connect(lambda _checked=False, c=choice: self._choose(c))
        self.real_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.demo_button)
        layout.addWidget(self.real_button)
        self.setMinimumWidth(520)

    def _choose(self, choice: Choice) -> None:
        self.choice = choice
        self.accept()


def ensure_demo_database(today: date) -> Path:
    """The demo database in the data folder, made once (a few hundred inspections, < 1 s)."""
    from desktop.store.demo import DemoOptions, make_demo

    path = paths.demo_db()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        make_demo(path, DemoOptions(inspections=DEMO_INSPECTIONS, seed=1, end_date=today))
    return path
