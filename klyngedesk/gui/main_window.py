"""The main window: menus, welcome page, the open project's tabs, undo, drops of projects and clinic files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QShowEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from klyngedesk.core.store import Project
from klyngedesk.core.store.diagnose import ProjectLocked
from klyngedesk.gui.change_stamp import warm as warm_rounds
from klyngedesk.gui.closing import close_owned_windows
from klyngedesk.gui.context import AppContext
from klyngedesk.gui.drops import dropped_paths, files_to_import, shown_name
from klyngedesk.gui.keyboard import PageActions, free_tab_key, name_for_screen_readers
from klyngedesk.gui.latest_fetch import small_project
from klyngedesk.gui.page_tabs import LazyPages
from klyngedesk.gui.read_only import ReadOnlyGuard, read_only_reason, writes
from klyngedesk.gui.storage_check import storage_warning
from klyngedesk.gui.tasks import TaskRunner
from klyngedesk.gui.warm_imports import start as warm_imports
from klyngedesk.gui.warm_imports import wait as imports_settled
from klyngedesk.gui.welcome_page import WelcomePage
from klyngedesk.i18n import KlyngeError, tr

if TYPE_CHECKING:  # the pages, dialogs, wizards and presentation mode are imported when first shown or opened
    from klyngedesk.gui.charts_page import ChartsPage
    from klyngedesk.gui.clinics_page import ClinicsPage
    from klyngedesk.gui.data_page import DataPage
    from klyngedesk.gui.guide_dialog import GuideDialog
    from klyngedesk.gui.import_history_page import ImportHistoryPage
    from klyngedesk.gui.import_wizard import ImportWizard
    from klyngedesk.gui.meetings_page import MeetingsPage
    from klyngedesk.gui.new_cluster_wizard import NewClusterWizard
    from klyngedesk.gui.presentation import PresentationWindow
    from klyngedesk.gui.presentation_opener import PresentationOpener
    from klyngedesk.gui.settings_dialog import SettingsDialog
    from klyngedesk.gui.template_dialog import TemplateDialog
    from klyngedesk.gui.topics_page import TopicsPage

PageT = TypeVar("PageT", bound=QWidget)


def _write_protected(path: Path) -> bool:
    """The project file exists but may not be written (the file or its folder): it can still be opened to look at."""
    return path.is_file() and os.access(path, os.R_OK) and not (os.access(path, os.W_OK) and
                                                              os.access(path.parent, os.W_OK))


class MainWindow(QMainWindow):
    CLOSE_WAIT_MS = 10000  # how long closing waits for the worker to notice Cancel
    project_opened = Signal(str)
    files_dropped = Signal(list)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.ctx = ctx
        lang = ctx.lang
        self.runner = TaskRunner(self)
        self.reader = TaskRunner(self)  # the pages' reads, so that they never wait behind a pack or an import
        self.undo_stack = QUndoStack(self)
        self.setAcceptDrops(True)
        self.setMinimumSize(760, 480)  # fits a 1366 x 768 laptop at 150 %
        self.welcome = WelcomePage(lang)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("project_tabs")
        self.page_titles = [tr("Clinics", lang), tr("Data", lang), tr("Imports", lang), tr("Charts", lang),
                            tr("Meetings", lang), tr("Topics", lang)]
        # Each page is built when first shown or asked for (`pages[i]`); `clinics_page` etc. give it loaded
        # (see _loaded): a page reads the project when it is shown or used, not when the project opens.
        self.pages = LazyPages(self.tabs, self.page_titles, self._make_page, self._page_built)
        self._stale: set[int] = set()
        self.import_wizard: ImportWizard | None = None
        self.presentation: PresentationWindow | None = None
        self.presentation_opener: PresentationOpener | None = None  # F5 on a large project (made when first used)
        self.banner = QLabel()
        self.banner.setObjectName("storage_banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #FFF4D6; color: #5A4000; padding: 8px; border-bottom: 1px solid #E0C060;")
        self.banner.setVisible(False)
        project_view = QWidget()
        box = QVBoxLayout(project_view)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.banner)
        box.addWidget(self.tabs)
        self.project_view = project_view
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(project_view)
        self.setCentralWidget(self.stack)
        self._build_menus()
        self.read_only_guard = ReadOnlyGuard(self, self.ctx.lang)
        writes(self.import_action)
        self.welcome.new_requested.connect(self.new_cluster)
        self.welcome.open_requested.connect(self.choose_and_open)
        self.welcome.demo_requested.connect(self.open_demo)
        self.welcome.recent_chosen.connect(self.open_project)
        self.tabs.currentChanged.connect(lambda _i: self._load_shown())
        ctx.holder.data_changed.connect(self.reload_pages)
        self._refresh_recent()
        self._update_title()
        self.wizard: QWidget | None = None
        geometry = ctx.settings.value("window/geometry")
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self._first_size()
        state = ctx.settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        self.moved_box: QMessageBox | None = None
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):  # back from the file manager, or a message closed: is the file still there?
            app.applicationStateChanged.connect(self._application_state_changed)
            app.focusWindowChanged.connect(self._focus_window_changed)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt name
        super().showEvent(event)
        QTimer.singleShot(300, self, self._warm_imports)  # just after the first paint: what the pages will need

    def _warm_imports(self) -> None:
        """Not for a window already closed again: its background imports would run under whatever comes next."""
        if self.isVisible():
            warm_imports()

    def _first_size(self) -> None:
        """The first start: most of the screen (at least 1024 x 700 where it fits, at most 1400 x 900), centred."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(1024, 700)
            return
        area = screen.availableGeometry()
        width = min(max(int(area.width() * 0.85), min(1024, area.width())), 1400)
        height = min(max(int(area.height() * 0.85), min(700, area.height())), 900)
        self.resize(width, height)
        self.move(area.center().x() - width // 2, area.center().y() - height // 2)

    # --- menus ---------------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut=None) -> QAction:
        action = QAction(tr(text, self.ctx.lang), self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        lang = self.ctx.lang
        file_menu = self.menuBar().addMenu(tr("&File", lang))
        self.new_action = self._action("&New cluster…", self.new_cluster, QKeySequence.StandardKey.New)
        self.open_action = self._action("&Open project…", self.choose_and_open, QKeySequence.StandardKey.Open)
        self.demo_action = self._action("Open the &demo cluster", self.open_demo)
        self.import_action = self._action("&Import files…", self.choose_files_to_import, "Ctrl+I")
        self.templates_action = self._action("&Templates for the clinics…", self.open_templates, "Ctrl+T")
        self.settings_action = self._action("&Settings…", self.open_settings, QKeySequence.StandardKey.Preferences)
        if self.settings_action.shortcut().isEmpty():
            self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.close_action = self._action("&Close project", self.close_project, QKeySequence.StandardKey.Close)
        quit_action = self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        if quit_action.shortcut().isEmpty():  # Windows and some desktops have no standard key to quit: Ctrl+Q
            quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        for action in (self.new_action, self.open_action, self.demo_action):
            file_menu.addAction(action)
        self.recent_menu = file_menu.addMenu(tr("&Recent projects", lang))
        file_menu.addSeparator()
        file_menu.addAction(self.templates_action)
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.close_action)
        file_menu.addAction(quit_action)
        edit_menu = self.menuBar().addMenu(tr("&Edit", lang))
        self.undo_action = self.undo_stack.createUndoAction(self, tr("&Undo", lang))
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, tr("&Redo", lang))
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        self.view_menu = self.menuBar().addMenu(tr("&View", lang))
        for n, label in enumerate(self.page_titles, 1):
            action = QAction(label, self)
            action.setShortcut(QKeySequence(f"Ctrl+{n}"))
            action.triggered.connect(lambda _=False, i=n - 1: self.tabs.setCurrentIndex(i))
            self.view_menu.addAction(action)
            self.addAction(action)
        self.view_menu.addSeparator()
        self.next_page_action = self._action("&Next page", lambda: self._step_page(1), "Ctrl+Tab")
        self.previous_page_action = self._action("P&revious page", lambda: self._step_page(-1), "Ctrl+Shift+Tab")
        for action in (self.next_page_action, self.previous_page_action):
            self.view_menu.addAction(action)
            self.addAction(action)
        self.view_menu.addSeparator()
        self.present_action = self._action("&Presentation mode", self.present_current, "F5")
        self.view_menu.addAction(self.present_action)
        self.actions_menu = self.menuBar().addMenu(tr("&Actions", lang))
        self.page_actions = PageActions(self.actions_menu, self.tabs, self.page_titles, self,
                                        lambda i: self.pages[i])
        help_menu = self.menuBar().addMenu(tr("&Help", lang))
        self.guide_action = self._action("&User guide", self.open_guide, QKeySequence.StandardKey.HelpContents)
        help_menu.addAction(self.guide_action)
        self.about_action = QAction(tr("&About KlyngeDesk", lang), self)
        self.about_action.triggered.connect(self._about)
        help_menu.addAction(self.about_action)

    def _about(self) -> None:
        from klyngedesk.gui.about_dialog import show_about

        show_about(self, self.ctx.lang)

    def _step_page(self, step: int) -> None:
        if self.stack.currentWidget() is self.project_view:
            self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())
            self.tabs.tabBar().setFocus()

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
        for action in (self.close_action, self.import_action, self.present_action, self.templates_action,
                       self.actions_menu.menuAction(), self.next_page_action, self.previous_page_action):
            action.setEnabled(project is not None)

    # --- opening -------------------------------------------------------------------------
    def new_cluster(self) -> NewClusterWizard:
        from klyngedesk.gui.new_cluster_wizard import NewClusterWizard

        wizard = NewClusterWizard(self.ctx.lang, self)
        wizard.accepted.connect(lambda: wizard.created_path and self.open_project(str(wizard.created_path)))
        self.wizard = wizard
        wizard.open()
        return wizard

    def choose_and_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Open project", self.ctx.lang), "",
                                              tr("KlyngeDesk projects (*.klynge)", self.ctx.lang))
        if path:
            self.open_project(path)

    def open_demo(self) -> None:
        from klyngedesk.core.demo import build_demo

        folder = Path(tempfile.mkdtemp(prefix="klyngedesk-demo-"))
        self.open_project(str(build_demo(folder / "Demoklynge.klynge")), remember=False)

    def open_project(self, path: str, remember: bool = True) -> bool:
        try:
            project = Project.open(path)
        except KlyngeError as error:
            if not (_write_protected(Path(path)) or isinstance(error, ProjectLocked)):  # else: offer to look at it
                QMessageBox.warning(self, tr("Could not open the project", self.ctx.lang),
                                    error.message(self.ctx.lang))
                return False
            if not self._ask_read_only(error.message(self.ctx.lang)):  # the reason was read there: no second box
                return False
            try:
                project = Project.open(path, readonly=True)
            except KlyngeError as again:
                QMessageBox.warning(self, tr("Could not open the project", self.ctx.lang), again.message(self.ctx.lang))
                return False
        self.undo_stack.clear()
        self.ctx.holder.set_project(project)
        self.read_only_guard.set_read_only(project.readonly)
        if remember:
            self.ctx.add_recent_file(str(Path(path).resolve()))
            self._refresh_recent()
        warning = storage_warning(Path(path).resolve(), self.ctx.lang)
        if project.readonly:
            warning = " ".join(filter(None, [tr("The project is open read-only: you can look at everything, but "
                                                "nothing can be changed or printed. To change it, remove the write "
                                                "protection and open it again.", self.ctx.lang), warning]))
        self.banner.setText(warning or "")
        self.banner.setVisible(bool(warning))
        if not small_project(project):  # which rounds have data: read on the worker while the first page shows
            warm_rounds(project, self.reader)
        self.reload_pages()
        self.stack.setCurrentWidget(self.project_view)
        self._update_title()
        self.project_opened.emit(path)
        return True

    def _ask_read_only(self, why: str) -> bool:
        """A write-protected file (or folder): open it to look at, or not at all."""
        box = QMessageBox(QMessageBox.Icon.Warning, tr("Could not open the project", self.ctx.lang), why,
                          QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("read_only_box")
        read_only = box.addButton(tr("Open read-only", self.ctx.lang), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(read_only)
        self.read_only_box = box
        box.exec()
        return box.clickedButton() is read_only

    def reload_pages(self) -> None:
        """The project changed: the page on screen reads it again now, every other page when it is shown."""
        if self.ctx.holder.project is None:
            return
        self._stale = set(range(len(self.pages)))
        self._load_shown()

    def _load_shown(self) -> None:
        index = self.tabs.currentIndex()
        if self.ctx.holder.project is not None and index >= 0:  # no project: no page is built or read
            self._loaded(self.pages[index])

    def _make_page(self, index: int) -> QWidget:
        """Page `index`, built now: its module is imported the first time the page is shown or asked for."""
        imports_settled()
        ctx = self.ctx
        page: QWidget
        if index == 0:
            from klyngedesk.gui.clinics_page import ClinicsPage
            page = ClinicsPage(ctx, self.reader)
        elif index == 1:
            from klyngedesk.gui.data_page import DataPage
            page = DataPage(ctx, self.reader)
        elif index == 2:
            from klyngedesk.gui.import_history_page import ImportHistoryPage
            page = ImportHistoryPage(ctx)
            page.import_button.clicked.connect(self.choose_files_to_import)
        elif index == 3:
            from klyngedesk.gui.charts_page import ChartsPage
            page = ChartsPage(ctx, self.reader)
        elif index == 4:
            from klyngedesk.gui.meetings_page import MeetingsPage
            page = MeetingsPage(ctx)
            page.pack.runner = self.runner
            page.pack.reader = self.reader
            page.presentation_requested.connect(self.present)
        else:
            from klyngedesk.gui.topics_page import TopicsPage
            page = TopicsPage(ctx, self.reader)
        page.undo_stack = self.undo_stack  # type: ignore[attr-defined]
        return page

    def _page_built(self, index: int, page: QWidget) -> None:
        free_tab_key(page)
        self.read_only_guard.adopt()
        name_for_screen_readers(page)
        self.page_actions.add(index, page)

    def _loaded(self, page: PageT) -> PageT:
        """The page, after it has read the open project if it has not since the project last changed."""
        index = self.pages.index(page)
        project = self.ctx.holder.project
        if index in self._stale and project is not None:
            self._stale.discard(index)
            page.load(project)  # type: ignore[attr-defined]
        return page

    @property
    def clinics_page(self) -> ClinicsPage:
        return self._loaded(self.pages[0])

    @property
    def data_page(self) -> DataPage:
        return self._loaded(self.pages[1])

    @property
    def history_page(self) -> ImportHistoryPage:
        return self._loaded(self.pages[2])

    @property
    def charts_page(self) -> ChartsPage:
        return self._loaded(self.pages[3])

    @property
    def meetings_page(self) -> MeetingsPage:
        return self._loaded(self.pages[4])

    @property
    def topics_page(self) -> TopicsPage:
        return self._loaded(self.pages[5])

    def close_project(self) -> None:
        self.undo_stack.clear()
        self.ctx.holder.set_project(None)
        self.stack.setCurrentWidget(self.welcome)
        self._refresh_recent()
        self._update_title()

    def open_settings(self) -> SettingsDialog:
        from klyngedesk.gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.ctx, self)
        dialog.accepted.connect(self.reload_pages)
        self.wizard = dialog
        dialog.open()
        return dialog

    def open_guide(self) -> GuideDialog:
        from klyngedesk.gui.guide_dialog import GuideDialog

        dialog = GuideDialog(self.ctx.lang, self)
        self.wizard = dialog
        dialog.show()
        return dialog

    def open_templates(self) -> TemplateDialog | None:
        project = self.ctx.holder.project
        if project is None:
            return None
        imports_settled()
        from klyngedesk.gui.template_dialog import TemplateDialog

        dialog = TemplateDialog(project, self.ctx.lang, self.ctx.folder("templates"), self)
        self.wizard = dialog
        dialog.open()
        return dialog

    # --- the project file moved or deleted while open ------------------------------------
    def _application_state_changed(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            QTimer.singleShot(0, self, self.check_project_file)

    def _focus_window_changed(self, _window: object) -> None:
        QTimer.singleShot(0, self, self.check_project_file)

    def check_project_file(self) -> None:
        """The open project's file was moved, renamed or deleted (in the file manager, by a sync program): say so
        at once and offer to save the project again, instead of letting the next changes go nowhere."""
        project = self.ctx.holder.project
        if project is None or project.readonly or self.moved_box is not None or self.runner.busy or \
                self.reader.busy or not project.file.moved_away():
            return
        lang, path = self.ctx.lang, project.path
        box = QMessageBox(QMessageBox.Icon.Warning, tr("The project file is gone", lang),
                          tr("The project file {path} was moved, renamed or deleted while KlyngeDesk had it open. "
                             "Everything saved until now is still in KlyngeDesk; save the project again so that "
                             "your next changes are saved too.", lang, path=str(path)),
                          QMessageBox.StandardButton.NoButton, QApplication.activeModalWidget() or self)
        box.setObjectName("project_moved_box")
        self.save_here_button = box.addButton(tr("Save it again here", lang), QMessageBox.ButtonRole.AcceptRole)
        self.save_here_button.setVisible(not path.exists() and path.parent.is_dir())
        self.save_as_button = box.addButton(tr("Save as…", lang), QMessageBox.ButtonRole.ActionRole)
        later = box.addButton(tr("Not now", lang), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(self.save_here_button if self.save_here_button.isVisible() else self.save_as_button)
        box.setEscapeButton(later)
        box.finished.connect(lambda _result: self._moved_answered(box))
        self.moved_box = box
        box.open()

    def _moved_answered(self, box: QMessageBox) -> None:
        self.moved_box = None
        project = self.ctx.holder.project
        if project is None:
            return
        if box.clickedButton() is self.save_here_button:
            self.save_project_again(project.path)
        elif box.clickedButton() is self.save_as_button:
            path, _ = QFileDialog.getSaveFileName(self, tr("Save as…", self.ctx.lang), str(project.path),
                                                  tr("KlyngeDesk projects (*.klynge)", self.ctx.lang))
            if path:
                self.save_project_again(Path(path).with_suffix(".klynge"))

    def save_project_again(self, target: Path) -> bool:
        """A whole copy of the open project at `target`, opened there; the old file's side files go first."""
        from klyngedesk.gui.error_dialog import show_error

        project = self.ctx.holder.project
        if project is None:
            return False
        if target.exists():
            show_error(self, KlyngeError("The file {path} already exists.", path=str(target)), self.ctx.lang)
            return False
        try:
            partial = project.file.copy_beside(target)
        except KlyngeError as error:
            show_error(self, error, self.ctx.lang)
            return False
        self.ctx.holder.set_project(None)
        try:
            os.replace(partial, target)
        except OSError as error:
            self.close_project()
            show_error(self, error, self.ctx.lang)
            return False
        return self.open_project(str(target))

    # --- importing -----------------------------------------------------------------------
    def choose_files_to_import(self) -> None:
        if self.ctx.holder.project is None:
            return
        files, _ = QFileDialog.getOpenFileNames(self, tr("Import files", self.ctx.lang), self.ctx.folder("import"),
                                                tr("Clinic files (*.csv *.txt *.xlsx *.xlsm *.xltx *.xltm *.xls *.ods *.ots)",
                                                   self.ctx.lang))
        if files:
            self.import_files(files)

    def import_files(self, paths: list[str]) -> ImportWizard | None:
        """Open the import wizard on the files (or add them to the wizard already open)."""
        if self.ctx.holder.project is None or not paths:
            return None
        if self.ctx.holder.project.readonly:   # (a drop, too: nothing is imported into a read-only project)
            self._say_dropped(tr("Nothing was imported. {why}", self.ctx.lang, why=read_only_reason(self.ctx.lang)))
            return None
        self.files_dropped.emit(paths)
        if self.import_wizard is not None and self.import_wizard.isVisible():
            self.import_wizard.add_files(paths)
            return self.import_wizard
        imports_settled()
        from klyngedesk.gui.import_wizard import ImportWizard

        wizard = ImportWizard(self.ctx, self.runner, self.undo_stack, paths, self)
        wizard.committed.connect(self._imported)
        self.import_wizard = wizard
        wizard.open()
        wizard.replan()
        return wizard

    def _imported(self, batch_ids: list[int]) -> None:
        self.tabs.setCurrentWidget(self.history_page)
        if batch_ids:
            self.history_page.select_batch(batch_ids[-1])

    # --- presentation --------------------------------------------------------------------
    def present_current(self) -> None:
        key = self.meetings_page.meeting_key()
        if key is not None:
            self.present(key)
        else:
            self.tabs.setCurrentWidget(self.meetings_page)

    def present(self, meeting: str) -> PresentationWindow | None:
        """Presentation mode for the meeting. The slides' anonymised tables are audited first: at once for a
        cluster; for a large project on the worker, topic by topic, the slides opening with the first (see
        gui/presentation_opener.py; the window stays usable and Cancel acts at once)."""
        project = self.ctx.holder.project
        if project is None:
            return None
        imports_settled()
        from klyngedesk.gui.presentation import PresentationWindow, printed_slides, slides_for

        if not small_project(project):
            if self.presentation_opener is None:
                from klyngedesk.gui.presentation_opener import PresentationOpener

                self.presentation_opener = PresentationOpener(self, self.runner, self.ctx.lang, self._put_on_screen,
                                                               self.ctx.holder.project_closed)
            self.presentation_opener.open(project, meeting)
            return None
        try:
            slides, notice = printed_slides(project, meeting, self.ctx.lang)  # the printed pack's, if it holds
            slides = slides if slides is not None else slides_for(project, meeting, lang=self.ctx.lang)
        except KlyngeError as error:
            QMessageBox.information(self, tr("Presentation mode", self.ctx.lang), error.message(self.ctx.lang))
            return None
        window = PresentationWindow(slides, self.ctx.lang, project.cluster().name, notice=notice)
        self._put_on_screen(window)
        return window

    def _put_on_screen(self, window: PresentationWindow) -> None:
        self.presentation = window
        screens = QGuiApplication.screens()
        if len(screens) > 1:  # the projector is usually the screen the desk is not on
            others = [s for s in screens if s is not self.screen()]
            window.setScreen(others[0])
            window.setGeometry(others[0].geometry())
        window.showFullScreen()
        window.activateWindow()
        window.setFocus()

    # --- drag and drop -------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Every local file or folder is taken: what cannot be used is said after the drop, never just refused."""
        if dropped_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event)
        if not paths:
            return
        event.acceptProposedAction()
        projects = [p for p in paths if p.lower().endswith(".klynge")]
        if projects:
            others = [shown_name(p) for p in paths if p != projects[0]]
            if self.open_project(projects[0]) and others:
                self._say_dropped(tr("KlyngeDesk opened {project}. The other files dropped with it were not "
                                     "imported: drop {files} on the window again now.", self.ctx.lang,
                                     project=shown_name(projects[0]), files=", ".join(others)))
        elif self.ctx.holder.project is None:
            self._say_dropped(tr("No project is open, so KlyngeDesk cannot import files yet. Open a project "
                                 "(a .klynge file) or create a new cluster first; then drop the clinic files on "
                                 "the window again.", self.ctx.lang))
        else:
            self.import_files(files_to_import(paths))

    def _say_dropped(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, tr("Files dropped", self.ctx.lang), text,
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("drop_box")
        self.drop_box = box
        box.open()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.import_wizard is not None and self.import_wizard.isVisible():
            event.ignore()  # closing now would leave the files half-answered: say why nothing happens
            box = QMessageBox(QMessageBox.Icon.Information, tr("The import is still open", self.ctx.lang),
                              tr("The import wizard is still open. Import the files or press Cancel in the "
                                 "wizard first; then KlyngeDesk can close.", self.ctx.lang),
                              QMessageBox.StandardButton.Ok, self.import_wizard)
            box.setObjectName("close_blocked_box")
            self.close_blocked_box = box
            box.open()
            self.import_wizard.raise_()
            return
        imports_settled()  # the background imports end before the window (and perhaps the program) goes
        # Cancelled and waited; what still ends later reaches no handler.
        stopped = [runner.shutdown(self.CLOSE_WAIT_MS) for runner in (self.runner, self.reader)]
        close_owned_windows(self, self.presentation)  # nothing of the desk stays open (or keeps the program running)
        self.ctx.settings.setValue("window/geometry", self.saveGeometry())
        self.ctx.settings.setValue("window/state", self.saveState())
        if all(stopped):
            self.ctx.holder.set_project(None)
        else:  # a worker still writes: the project and its lock stay until it ends (or the program's last wait)
            for runner in (self.runner, self.reader):
                runner.busy_changed.connect(self._close_project_when_idle)
        super().closeEvent(event)

    def _close_project_when_idle(self, busy: bool) -> None:
        if not busy and not self.runner.busy and not self.reader.busy and not self.isVisible():
            self.ctx.holder.set_project(None)
