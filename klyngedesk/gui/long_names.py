"""Long clinic names never take the page: name columns, row headers and chart rows are capped and elided,
with the whole name in the tooltip."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QTableView

NAME_WIDTH = 260  # pixels (logical): about 36 characters of a clinic name


def elided(text: str, font: QFont, width: int = NAME_WIDTH) -> str:
    return QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, width)


def cap_name_column(table: QTableView, column: int = 0, width: int = NAME_WIDTH) -> None:
    """The name column as wide as its names, but never wider than `width`; longer names end in "…"."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.resizeColumnToContents(column)
    header.resizeSection(column, min(header.sectionSize(column), width))


def cap_row_header(table: QTableView, width: int = NAME_WIDTH) -> None:
    """Row headers holding clinic names: capped, elided by the header, the full name in its tooltip."""
    header = table.verticalHeader()
    header.setMaximumWidth(width)
    header.setTextElideMode(Qt.TextElideMode.ElideRight)
