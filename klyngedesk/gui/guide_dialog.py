"""Hjælp ▸ Brugervejledning: the Danish user guide (docs/brugervejledning.md) with its screenshots, in a window."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from klyngedesk.gui.screen_fit import resize_within_screen
from klyngedesk.i18n import tr
from klyngedesk.resources import resources_dir

GUIDE = "brugervejledning.md"


def guide_path() -> Path | None:
    """The guide in the source tree (docs/) or where a bundle puts it (resources/docs/)."""
    candidates = [Path(__file__).resolve().parents[2] / "docs" / GUIDE]
    with suppress(FileNotFoundError):
        candidates.append(resources_dir() / "docs" / GUIDE)
    return next((c for c in candidates if c.is_file()), None)


class GuideDialog(QDialog):
    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guide_dialog")
        self.setWindowTitle(tr("User guide", lang))
        self.browser = QTextBrowser()
        self.browser.setObjectName("guide_text")
        self.browser.setAccessibleName(tr("User guide", lang))
        self.browser.setOpenExternalLinks(True)
        path = guide_path()
        if path is None:
            self.browser.setPlainText(tr("The user guide was not found in this installation.", lang))
        else:
            self.browser.setSearchPaths([str(path.parent)])
            self.browser.setMarkdown(path.read_text(encoding="utf-8"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        resize_within_screen(self, 820, 640)
