"""Guards against a Qt binding that corrupts Python's reference counts.

PySide6 6.12.0 on Python 3.11 drops a reference to ``None`` each time C++ calls a Python
override that returns it (a model's ``data()`` does that for most roles): after some thousand
calls Python aborts with "none_dealloc". We pin 6.11.3; this test fails on a binding that
brings the bug back.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.gui

CALLS = 5000


class NoneModel(QAbstractTableModel):
    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008, N802
        return 3

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008, N802
        return 3

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return None


def test_cpp_calls_of_python_overrides_keep_none_alive(qapp: QApplication) -> None:
    source = NoneModel()
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(source)
    index = proxy.index(1, 1)
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        proxy.data(index, Qt.ItemDataRole.DisplayRole)  # C++ calls NoneModel.data
    assert sys.getrefcount(None) - before > -CALLS // 10
