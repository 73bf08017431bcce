"""Long clinic names never take the page: name columns, row headers and chart rows are capped and elided,
with the whole name in the tooltip."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QTableView

NAME_WIDTH = 260  # pixels (logical): about 36 characters of a clinic name
CELL_PADDING = 16  # a cell's margins and grid line around its text (pixels)


def elided(text: str, font: QFont, width: int = NAME_WIDTH) -> str:
    return QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, width)


def cap_name_column(table: QTableView, column: int = 0, width: int = NAME_WIDTH) -> None:
    """The name column as wide as its names, but never wider than `width`; longer names end in "…". The names
    are measured as plain text (Qt's own resizing to contents asks the model for every cell's size hint: half
    a second for a region's 1,700 clinics)."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    model, metrics = table.model(), table.fontMetrics()
    names = {str(model.data(model.index(row, column)) or "") for row in range(model.rowCount())}
    widest = max((metrics.horizontalAdvance(name) for name in names), default=0) + CELL_PADDING
    header.resizeSection(column, min(max(widest, header.sectionSizeHint(column)), width))


def cap_row_header(table: QTableView, width: int = NAME_WIDTH) -> None:
    """Row headers holding clinic names: capped, elided by the header, the full name in its tooltip."""
    header = table.verticalHeader()
    header.setMaximumWidth(width)
    header.setTextElideMode(Qt.TextElideMode.ElideRight)
