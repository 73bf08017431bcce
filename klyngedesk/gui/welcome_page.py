"""The page shown when no project is open: open a file, the demo cluster, or a recent project."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from klyngedesk.i18n import tr


class WelcomePage(QWidget):
    new_requested = Signal()
    open_requested = Signal()
    demo_requested = Signal()
    recent_chosen = Signal(str)

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.setObjectName("welcome_page")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 40, 48, 40)
        layout.setSpacing(14)
        title = QLabel(tr("Welcome to KlyngeDesk", lang))
        title.setStyleSheet("font-size: 22pt; font-weight: 600;")
        intro = QLabel(tr("From the clinics' spreadsheets to an honest, anonymised meeting pack - on this PC, "
                          "without a network.", lang))
        intro.setWordWrap(True)
        self.new_button = QPushButton(tr("New cluster…", lang))
        self.new_button.setObjectName("new_cluster_button")
        self.open_button = QPushButton(tr("Open project…", lang))
        self.demo_button = QPushButton(tr("Try the demo cluster", lang))
        for button in (self.new_button, self.open_button, self.demo_button):
            button.setMinimumHeight(36)
            button.setMaximumWidth(320)
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(self.open_requested)
        self.demo_button.clicked.connect(self.demo_requested)
        self.recent_label = QLabel(tr("Recent projects", lang))
        self.recent_label.setStyleSheet("font-weight: 600; margin-top: 16px;")
        self.recent_list = QListWidget()
        self.recent_list.setAccessibleName(tr("Recent projects", lang))
        self.recent_list.itemActivated.connect(lambda item: self.recent_chosen.emit(item.data(Qt.ItemDataRole.UserRole)))
        for widget in (title, intro, self.new_button, self.open_button, self.demo_button, self.recent_label, self.recent_list):
            layout.addWidget(widget)
        layout.addStretch(1)

    def set_recent(self, files: list[str]) -> None:
        self.recent_list.clear()
        for path in files:
            item = QListWidgetItem(f"{Path(path).stem}    —    {path}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            self.recent_list.addItem(item)
        self.recent_label.setVisible(bool(files))
        self.recent_list.setVisible(bool(files))
