"""Layout helpers for the topics tab: a column of parts, a row of buttons, two panes side by side."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLayout, QSplitter, QVBoxLayout, QWidget

Part = QWidget | QLayout | tuple[QWidget, int]


def column(*parts: Part) -> QWidget:
    """A widget stacking parts top to bottom without margins; (widget, n) gives the widget stretch n."""
    pane = QWidget()
    box = QVBoxLayout(pane)
    box.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        if isinstance(part, tuple):
            box.addWidget(*part)
        elif isinstance(part, QLayout):
            box.addLayout(part)
        else:
            box.addWidget(part)
    return pane


def button_row(*widgets: QWidget) -> QHBoxLayout:
    """Widgets left to right, the rest of the line empty."""
    line = QHBoxLayout()
    for widget in widgets:
        line.addWidget(widget)
    line.addStretch(1)
    return line


def side_by_side(owner: QWidget, left: QWidget, right: QWidget, sizes: tuple[int, int]) -> QSplitter:
    """Fill `owner` with a splitter: `left` keeps its width, `right` takes the rest."""
    splitter = QSplitter()
    splitter.addWidget(left)
    splitter.addWidget(right)
    splitter.setStretchFactor(1, 1)
    splitter.setSizes(list(sizes))
    QVBoxLayout(owner).addWidget(splitter)
    return splitter
