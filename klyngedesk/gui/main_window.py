"""The main window: menus, welcome page, and the open project's tabs; accepts dropped .klynge files."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QByteArray, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QStackedWidget, QTabWidget

from klyngedesk.core.demo import build_demo
from klyngedesk.core.store import Project
from klyngedesk.gui.about_dialog import show_about
from klyngedesk.gui.clinics_page import ClinicsPage
from klyngedesk.gui.context import AppContext
from klyngedesk.gui.data_page import DataPage
from klyngedesk.gui.welcome_page import WelcomePage
from klyngedesk.i18n import KlyngeError, tr


def _klynge_paths(event: QDragEnterEvent | QDropEvent) -> list[str]:
    if not event.mimeData().hasUrls():
        return []
    return [u.toLocalFile() for u in event.mimeData().urls() if u.toLocalFile().lower().endswith(".klynge")]


class MainWindow(QMainWindow):
    project_opened = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lang = ctx.lang
        self.setAcceptDrops(True)
        self.setMinimumSize(900, 600)
        self.welcome = WelcomePage(lang)
        self.tabs = QTabWidget()
        self.clinics_page = ClinicsPage(lang)
        self.data_page = DataPage(lang)
        self.tabs.addTab(self.clinics_page, tr("Clinics", lang))
        self.tabs.addTab(self.data_page, tr("Data", lang))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)
        self._build_menus()
        self.welcome.open_requested.connect(self.choose_and_open)
        self.welcome.demo_requested.connect(self.open_demo)
        self.welcome.recent_chosen.connect(self.open_project)
        self._refresh_recent()
        self._update_title()
        geometry = ctx.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)

    # --- menus ---------------------------------------------------------------------------
    def _build_menus(self) -> None:
        lang = self.ctx.lang
        file_menu = self.menuBar().addMenu(tr("&File", lang))
        self.open_action = QAction(tr("&Open project…", lang), self, shortcut=QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.choose_and_open)
        self.demo_action = QAction(tr("Open the &demo cluster", lang), self)
        self.demo_action.triggered.connect(self.open_demo)
        self.recent_menu = file_menu.addMenu(tr("&Recent projects", lang))
        self.close_action = QAction(tr("&Close project", lang), self, shortcut=QKeySequence.StandardKey.Close)
        self.close_action.triggered.connect(self.close_project)
        quit_action = QAction(tr("&Quit", lang), self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.insertAction(self.recent_menu.menuAction(), self.open_action)
        file_menu.insertAction(self.recent_menu.menuAction(), self.demo_action)
        file_menu.addSeparator()
        file_menu.addAction(self.close_action)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu(tr("&Help", lang))
        self.about_action = QAction(tr("&About KlyngeDesk", lang), self)
        self.about_action.triggered.connect(lambda: show_about(self, lang))
        help_menu.addAction(self.about_action)

    def _refresh_recent(self) -> None:
        files = [f for f in self.ctx.recent_files() if Path(f).exists()]
        self.welcome.set_recent(files)
        self.recent_menu.clear()
        for path in files:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_project(p))
        self.recent_menu.setEnabled(bool(files))

    def _update_title(self) -> None:
        project = self.ctx.holder.project
        self.setWindowTitle(f"KlyngeDesk — {project.cluster().name}" if project else "KlyngeDesk")
        self.close_action.setEnabled(project is not None)

    # --- opening -------------------------------------------------------------------------
    def choose_and_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Open project", self.ctx.lang), "",
                                              tr("KlyngeDesk projects (*.klynge)", self.ctx.lang))
        if path:
            self.open_project(path)

    def open_demo(self) -> None:
        folder = Path(tempfile.mkdtemp(prefix="klyngedesk-demo-"))
        self.open_project(str(build_demo(folder / "Demoklynge.klynge")), remember=False)

    def open_project(self, path: str, remember: bool = True) -> bool:
        try:
            project = Project.open(path)
        except KlyngeError as error:
            QMessageBox.warning(self, tr("Could not open the project", self.ctx.lang), error.message(self.ctx.lang))
            return False
        self.ctx.holder.set_project(project)
        if remember:
            self.ctx.add_recent_file(str(Path(path).resolve()))
            self._refresh_recent()
        self.clinics_page.load(project)
        self.data_page.load(project)
        self.stack.setCurrentWidget(self.tabs)
        self._update_title()
        self.project_opened.emit(path)
        return True

    def close_project(self) -> None:
        self.ctx.holder.set_project(None)
        self.stack.setCurrentWidget(self.welcome)
        self._refresh_recent()
        self._update_title()

    # --- drag and drop -------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _klynge_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = _klynge_paths(event)
        if paths:
            event.acceptProposedAction()
            self.open_project(paths[0])

    def closeEvent(self, event: QCloseEvent) -> None:
        self.ctx.settings.setValue("window/geometry", self.saveGeometry())
        self.ctx.holder.set_project(None)
        super().closeEvent(event)

