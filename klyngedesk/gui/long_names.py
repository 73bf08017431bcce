"""Long clinic names never take the page: name columns, row headers and chart rows are capped and elided,
with the whole name in the tooltip."""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QTableView

NAME_WIDTH = 260  # pixels (logical): about 36 characters of a clinic name
CELL_PADDING = 16  # a cell's margins and grid line around its text (pixels)


def elided(text: str, font: QFont, width: int = NAME_WIDTH) -> str:
    return QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, width)


def widest_advance(names: Iterable[str], metrics: QFontMetrics, exact: int = 8) -> int:
    """The pixel width of the widest of `names`: each name estimated as the sum of its characters' advances (one
    measurement per distinct character), then the `exact` widest estimates measured as whole strings (kerning
    moves a name by a pixel or two, never past names several characters wider). 1,700 clinic names: about 60
    measurements instead of 1,700."""
    unique = set(names)
    if len(unique) <= exact:
        return max((metrics.horizontalAdvance(name) for name in unique), default=0)
    advance = {ch: metrics.horizontalAdvance(ch) for ch in set().union(*unique)}
    candidates = heapq.nlargest(exact, unique, key=lambda name: sum(map(advance.__getitem__, name)))
    return max(metrics.horizontalAdvance(name) for name in candidates)


def cap_name_column(table: QTableView, column: int = 0, width: int = NAME_WIDTH,
                    names: Iterable[str] | None = None) -> None:
    """The name column as wide as its names, but never wider than `width`; longer names end in "…". The names
    (given, or read from the model) are measured as plain text (Qt's own resizing to contents asks the model for
    every cell's size hint: half a second for a region's 1,700 clinics)."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    model = table.model()
    if names is None:
        names = (str(model.data(model.index(row, column)) or "") for row in range(model.rowCount()))
    widest = widest_advance(names, table.fontMetrics()) + CELL_PADDING
    header.resizeSection(column, min(max(widest, header.sectionSizeHint(column)), width))


def cap_row_header(table: QTableView, width: int = NAME_WIDTH) -> None:
    """Row headers holding clinic names: capped, elided by the header, the full name in its tooltip."""
    header = table.verticalHeader()
    header.setMaximumWidth(width)
    header.setTextElideMode(Qt.TextElideMode.ElideRight)
