"""Window sizes that fit the screen they open on, and minimum widths that never cut a row of their layout."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

SCREEN_SHARE = 0.95  # of the available screen: the window frame and title bar still fit


def resize_within_screen(widget: QWidget, width: int, height: int) -> None:
    """`width` x `height`, or less where the screen (of the parent, else the primary one) is smaller: a 1024 x 640
    laptop never gets a dialog whose buttons lie below its edge."""
    parent = widget.parentWidget()
    screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
    if screen is not None:
        area = screen.availableGeometry()
        width, height = min(width, int(area.width() * SCREEN_SHARE)), min(height, int(area.height() * SCREEN_SHARE))
    widget.resize(width, height)


def keep_rows_whole(widget: QWidget, at_least: int) -> None:
    """A minimum width of `at_least`, or the layout's own minimum where that is wider: an explicit minimum
    replaces the layout's, and a check box's text was then cut off ("(recommende")."""
    layout = widget.layout()
    needed = layout.totalMinimumSize().width() if layout is not None else 0
    widget.setMinimumWidth(max(at_least, needed))
