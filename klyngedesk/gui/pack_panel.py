"""Build a meeting's pack in the background, list its files, preview pages inside the program, open the folder."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import pypdfium2
from PySide6.QtCore import QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from klyngedesk.core.render.pack import PackResult, build_pack
from klyngedesk.core.render.wording import join_and
from klyngedesk.core.store import Project
from klyngedesk.gui.context import AppContext
from klyngedesk.gui.display_names import topic_shown
from klyngedesk.gui.progress import run_with_progress
from klyngedesk.gui.read_only import writes
from klyngedesk.gui.tasks import BackgroundTask, TaskCancelled, TaskRunner
from klyngedesk.i18n import ntr, tr

PREVIEW_WIDTH = 560


def render_pages(path: Path, width: int = PREVIEW_WIDTH, password: str | None = None,
                 cancelled: Callable[[], bool] = lambda: False) -> list[QImage]:
    """Each page of a PDF as an image `width` pixels wide (PDFium through pypdfium2); a QImage, not a pixmap, so
    that it may run on a worker thread. Stops (TaskCancelled) between pages once `cancelled()`."""
    document = pypdfium2.PdfDocument(str(path), password=password)
    try:
        images = []
        for page in document:
            if cancelled():
                page.close()
                raise TaskCancelled
            scale = width / page.get_width()
            pil = page.render(scale=scale).to_pil().convert("RGB")
            data = pil.tobytes()
            image = QImage(data, pil.width, pil.height, pil.width * 3, QImage.Format.Format_RGB888).copy()
            images.append(image)
            page.close()
        return images
    finally:
        document.close()


class PackPanel(QGroupBox):
    pack_written = Signal(object)
    preview_shown = Signal(int)   # the chosen file's pages are on screen (their number; 0: it cannot be shown)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(tr("Meeting pack", ctx.lang))
        self.ctx = ctx
        lang = self._lang = ctx.lang
        self.runner: TaskRunner | None = None  # set by the main window
        self.reader: TaskRunner | None = None  # the main window's reads (previews never wait behind a pack)
        self._previewer: TaskRunner | None = None
        self._preview_task: BackgroundTask | None = None
        self._previews = 0   # files chosen for the preview, counted: only the newest one's pages are shown
        self._project: Project | None = None
        self._meeting: str | None = None
        self.result: PackResult | None = None
        self.written_folder: Path | None = None
        self.confirm_box: QMessageBox | None = None
        self.encrypt = QCheckBox(tr("Protect the personal handouts with passwords", lang))
        self.build_button = QPushButton(tr("Build the pack", lang))
        self.build_button.setObjectName("build_pack_button")
        self.build_button.clicked.connect(self.build)
        writes(self.build_button)
        self.open_button = QPushButton(tr("Open folder", lang))
        self.open_button.setObjectName("open_pack_folder")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_folder)
        self.sheets_button = QPushButton(tr("Save the password sheets…", lang))
        self.sheets_button.setObjectName("save_password_sheets")
        self.sheets_button.setVisible(False)
        self.sheets_button.clicked.connect(self.save_password_sheets)
        self.state = QLabel(tr("The pack: the group handout (codes only), a personal handout per clinic and your "
                               "confidential key. Printing freezes the codes for this meeting.", lang))
        self.state.setWordWrap(True)
        self.file_list = QListWidget()
        self.file_list.setObjectName("pack_files")
        self.file_list.setAccessibleName(tr("Files in the pack", lang))
        self.file_list.currentItemChanged.connect(lambda item, _old: self.preview(item))
        self.pages = QWidget()
        self.pages_layout = QVBoxLayout(self.pages)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scroll = QScrollArea()
        self.scroll.setAccessibleName(tr("Preview of the chosen file", lang))
        self.scroll.setObjectName("pack_preview")
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.pages)
        self.scroll.setStyleSheet("QScrollArea { background: #5B6770; }")
        self.scroll.setMinimumHeight(380)  # a page of the handout is readable without scrolling the preview alone
        buttons = QHBoxLayout()
        buttons.addWidget(self.build_button)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.sheets_button)
        split = QSplitter()
        split.addWidget(self.file_list)
        split.addWidget(self.scroll)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.encrypt)
        layout.addWidget(self.state)
        layout.addWidget(split, 1)

    def set_meeting(self, project: Project | None, meeting: str | None) -> None:
        changed = (project, meeting) != (self._project, self._meeting)
        self._project, self._meeting = project, meeting
        self.build_button.setEnabled(meeting is not None)
        if changed:
            self.result = None
            self.file_list.clear()
            self._clear_pages()
            self.open_button.setEnabled(False)
            self.written_folder = None
            self._show_written(project, meeting)

    def _show_written(self, project: Project | None, meeting: str | None) -> None:
        """A pack written earlier (also before the project was last closed) is listed again from its folder."""
        if project is None or meeting is None:
            return
        written = [e["detail"].get("folder") for e in project.audit_log()
                   if e["action"] == "pack" and e["detail"].get("meeting") == meeting]
        folder = Path(written[-1]) if written and written[-1] else None
        if folder is None or not folder.is_dir():
            return
        self.written_folder = folder
        for path in sorted(folder.rglob("*.pdf"), key=lambda p: (len(p.relative_to(folder).parts), p.name)):
            item = QListWidgetItem(str(path.relative_to(folder).with_suffix("")))
            item.setData(Qt.ItemDataRole.UserRole, (str(path), None))
            item.setToolTip(str(path))
            self.file_list.addItem(item)
        self.state.setText(tr("The pack was written to {folder}. The codes are now frozen for this meeting.",
                              self._lang, folder=str(folder)))
        self.open_button.setEnabled(True)

    def out_dir(self) -> Path:
        chosen = self.ctx.folder("packs")
        if chosen:
            return Path(chosen)
        if self._project is not None:
            return self._project.path.parent / tr("Meeting packs", self._lang)
        docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(docs or Path.home())

    def build(self) -> None:
        """Build the pack; a topic without any data for the meeting's round is named first, with a choice."""
        project, meeting = self._project, self._meeting
        if project is None or meeting is None or self.runner is None:
            return
        the_meeting = project.meeting(meeting)
        empty = [topic_shown(project.topic(t), self._lang) for t in the_meeting.topics
                 if the_meeting.period and project.values(period=the_meeting.period, topic=t).empty]
        if empty:
            box = QMessageBox(QMessageBox.Icon.Warning, tr("Meeting pack", self._lang),
                              ntr("{topics} has no data for this meeting's round: its pages would only say "
                                  "\"no data\". Build the pack anyway?",
                                  "{topics} have no data for this meeting's round: their pages would only say "
                                  "\"no data\". Build the pack anyway?", len(empty), self._lang,
                                  topics=join_and(empty, self._lang)),
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
            box.setDefaultButton(QMessageBox.StandardButton.No)
            box.setObjectName("empty_topics_box")
            box.finished.connect(lambda result: self._build() if result == QMessageBox.StandardButton.Yes else None)
            self.confirm_box = box
            box.open()
            return
        self._build()

    def _build(self) -> None:
        project, meeting = self._project, self._meeting
        if project is None or meeting is None or self.runner is None:
            return
        out, lang, encrypt = self.out_dir(), self._lang, self.encrypt.isChecked()

        def work(progress, cancelled):  # the folder made here, not on the window's thread: a stuck drive never freezes it
            out.mkdir(parents=True, exist_ok=True)
            return build_pack(project, meeting, out, lang=lang, encrypt=encrypt,
                              progress=lambda f: progress(f, ""), cancel=cancelled)

        run_with_progress(self, self.runner, tr("Building the meeting pack…", lang), work, lang, self._built)

    def _built(self, result: PackResult) -> None:
        self.result = result
        lang = self._lang
        self.file_list.clear()
        entries = [(tr("Group handout (codes only)", lang), result.group, None),
                   (tr("Confidential key (for you only)", lang), result.key, result.print_all_password)]
        if result.merged:
            entries.append((tr("Everything for printing", lang), result.merged, result.print_all_password))
        names = {c.key: c.shown_name for c in self._project.clinics()} if self._project else {}
        for clinic, path in sorted(result.personal.items()):
            entries.append((tr("Personal handout: {name}", lang, name=names.get(clinic, clinic)), path,
                            result.passwords.get(clinic)))
        for text, path, password in entries:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, (str(path), password))
            item.setToolTip(str(path))
            self.file_list.addItem(item)
        report = "\n".join(result.disclosure.lines(lang)) if result.disclosure else ""
        self.state.setText(tr("The pack was written to {folder}. The codes are now frozen for this meeting.", lang,
                              folder=str(result.folder)) + ("\n\n" + report if report else ""))
        self.open_button.setEnabled(True)
        self.sheets_button.setVisible(result.password_sheets is not None)
        if result.password_sheets is not None:
            self.state.setText(self.state.text() + " " + tr(
                "The passwords are only on the password sheets: save them outside the pack folder and print them.",
                lang))
        self.file_list.setCurrentRow(0)
        self.ctx.holder.data_changed.emit()
        self.pack_written.emit(result)

    def _clear_pages(self) -> None:
        while self.pages_layout.count():
            widget = self.pages_layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()

    def preview(self, item: QListWidgetItem | None) -> None:
        """The chosen file's pages, rendered on a worker (a big pack's file takes seconds): the window keeps
        answering meanwhile, and a file chosen since replaces the one still rendering."""
        self._clear_pages()
        self._previews += 1
        if self._preview_task is not None:
            self._preview_task.cancel()
            self._preview_task = None
        if item is None:
            return
        path, password = item.data(Qt.ItemDataRole.UserRole)
        self.pages_layout.addWidget(QLabel(tr("Preparing the preview…", self._lang)))
        if self._previewer is None:
            self._previewer = self.reader or TaskRunner(self)
        turn = self._previews
        self._preview_task = self._previewer.start(
            lambda _progress, cancelled: render_pages(Path(path), password=password, cancelled=cancelled),
            "preview", succeeded=lambda images: self._show_pages(turn, images),
            failed=lambda _error: self._show_pages(turn, None))

    def pages_shown(self) -> int:
        """How many of the chosen file's pages the preview shows now."""
        items = (self.pages_layout.itemAt(i).widget() for i in range(self.pages_layout.count()))
        return sum(isinstance(w, QLabel) and not w.pixmap().isNull() for w in items)

    def _show_pages(self, turn: int, images: list[QImage] | None) -> None:
        if turn != self._previews:   # another file was chosen meanwhile
            return
        self._preview_task = None
        self._clear_pages()
        if images is None:  # a protected handout listed from an earlier session: no password in memory
            self.pages_layout.addWidget(QLabel(tr("This file is protected with a password; open it from the "
                                                  "folder to see it.", self._lang)))
            self.preview_shown.emit(0)
            return
        for number, image in enumerate(images, 1):
            page = QLabel()
            page.setPixmap(QPixmap.fromImage(image))
            page.setAccessibleName(tr("Page {n}", self._lang, n=number))
            self.pages_layout.addWidget(page)
        self.preview_shown.emit(len(images))

    def save_password_sheets(self) -> None:
        """Save the password sheets where the coordinator chooses, never inside the pack folder."""
        result = self.result
        if result is None or result.password_sheets is None:
            return
        name = f"{tr('Password sheets', self._lang)} - {result.folder.name}.pdf"
        start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        path, _ = QFileDialog.getSaveFileName(self, tr("Save the password sheets…", self._lang),
                                              str(Path(start) / name), "PDF (*.pdf)")
        if not path:
            return
        if Path(path).resolve().is_relative_to(result.folder.resolve()):
            self.state.setText(tr("The password sheets must not be saved in the pack folder {folder}: choose another "
                                  "place (e.g. a USB stick), print them and keep them apart from the files.",
                                  self._lang, folder=str(result.folder)))
            return
        sheets, lang = result.password_sheets, self._lang

        def work(_progress, _cancelled) -> None:  # a USB stick or a full disk answers here, not on the window's thread
            target = Path(path)
            temporary = target.with_name(f".{target.name}.partial")  # a full disk never leaves half a PDF behind
            try:
                temporary.write_bytes(sheets)
                temporary.replace(target)
            except BaseException:
                with contextlib.suppress(OSError):
                    temporary.unlink(missing_ok=True)
                raise

        def saved(_none: None) -> None:
            self.state.setText(tr("The password sheets were saved to {path}. Print them and keep them apart from the "
                                  "files.", lang, path=path))

        if self.runner is not None:
            run_with_progress(self, self.runner, tr("Saving the password sheets…", lang), work, lang, saved)

    def open_folder(self) -> None:
        folder = self.result.folder if self.result is not None else self.written_folder
        if folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
