"""The import wizard: files dropped or picked, read and checked by the core importer, confirmed, committed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from klyngedesk.core.commands import CommitImport
from klyngedesk.core.ingest.importer import ImportPlan, commit_plan, plan_import
from klyngedesk.core.ingest.mapping import signature
from klyngedesk.core.period_names import period_label
from klyngedesk.core.store import Project
from klyngedesk.gui.context import AppContext
from klyngedesk.gui.display_names import DisplayNames, measure_shown, topic_shown, window_text
from klyngedesk.gui.drops import dropped_paths, files_to_import
from klyngedesk.gui.import_preview import STATUS_MARKS, STATUS_WORDS, FilePreview, spec_from_roles
from klyngedesk.gui.keyboard import free_tab_key, name_for_screen_readers
from klyngedesk.gui.progress import run_with_progress
from klyngedesk.gui.screen_fit import resize_within_screen
from klyngedesk.gui.tasks import TaskRunner
from klyngedesk.gui.undo import push_done
from klyngedesk.i18n import ntr, tr


class ImportWizard(QDialog):
    """Plans on open and after every change (answers, period, mapping); Import commits all ready files."""

    planned = Signal()
    committed = Signal(list)

    def __init__(self, ctx: AppContext, runner: TaskRunner, undo_stack, paths: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.undo_stack = ctx, runner, undo_stack
        lang = self._lang = ctx.lang
        self.paths = [str(p) for p in paths]
        self.answers: dict[str, bool] = {}
        self.mapping_name: str | None = None
        # Mappings saved while this wizard is open, with what the store held under that name before (None: nothing).
        # They are kept only when the user ticks "remember" and imports; otherwise the store gets its old state back.
        self._session_profiles: dict[str, dict | None] = {}
        self.plan: ImportPlan | None = None
        self.setObjectName("import_wizard")
        self.setWindowTitle(tr("Import files", lang))
        resize_within_screen(self, 1100, 720)
        project = self.project
        self.topic_box = QComboBox()
        self.topic_box.addItem(tr("all topics", lang), None)
        for topic in project.topics():
            self.topic_box.addItem(topic_shown(topic, lang), topic.key)
        self.period_box = QComboBox()
        self.period_box.addItem(tr("as the file says", lang), None)
        for period in project.periods():
            self.period_box.addItem(period_label(period.label, lang), period.key)
        self.files = QListWidget()
        self.files.setObjectName("import_files")
        self.files.setAccessibleName(tr("Files", lang))
        self.preview = FilePreview(lang)
        self.preview.mapping_edited.connect(self._mapping_edited)
        self.questions = QListWidget()
        self.questions.setObjectName("import_questions")
        self.questions.setAccessibleName(tr("Questions", lang))
        self.questions.itemChanged.connect(self._answered)
        self.questions.setWordWrap(True)  # a question is read to its end: "… the clinic Lægehuset Torvet?"
        self.leave_out_button = QPushButton(tr("&Leave this file out", lang))
        self.leave_out_button.setObjectName("leave_out_button")
        self.leave_out_button.setEnabled(False)
        self.leave_out_button.clicked.connect(lambda: self.leave_out_file(self.files.currentRow()))
        self.remember = QCheckBox(tr("Remember this mapping for files like this one", lang))
        self.remember.setObjectName("remember_mapping")
        self.remember.setChecked(False)  # a mapping is kept for next time only when the user asks for it
        self.remember.setToolTip(tr("Tick to save the mapping in the project, so that the next file like this one "
                                    "is read the same way.", lang))
        self._shown_file: str | None = None
        self.profile_name = QLineEdit()
        self.profile_name.setObjectName("profile_name")
        self.profile_name.setPlaceholderText(tr("e.g. Ordiprax export", lang))
        self.save_profile = QPushButton(tr("Use this mapping", lang))
        self.save_profile.setEnabled(False)
        self.save_profile.clicked.connect(self.apply_mapping)
        self.summary = QLabel()
        self.summary.setObjectName("import_summary")
        self.summary.setWordWrap(True)
        self.import_button = QPushButton(tr("Import", lang))
        self.import_button.setObjectName("commit_import_button")
        self.import_button.setDefault(True)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.commit)
        cancel = self.cancel_button = QPushButton(tr("Cancel", lang))
        cancel.setObjectName("cancel_import_button")
        cancel.clicked.connect(self.reject)
        top = QHBoxLayout()
        for text, box in ((tr("Topic", lang), self.topic_box), (tr("Period", lang), self.period_box)):
            label = QLabel(text)
            label.setBuddy(box)
            box.setAccessibleName(text)
            top.addWidget(label)
            top.addWidget(box)
        top.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<b>" + tr("Files", lang) + "</b>"))
        left_layout.addWidget(self.files, 2)
        left_layout.addWidget(self.leave_out_button)
        left_layout.addWidget(QLabel("<b>" + tr("Please confirm", lang) + "</b>"))
        left_layout.addWidget(self.questions, 1)
        profile_row = QHBoxLayout()
        profile_row.addWidget(self.profile_name)
        profile_row.addWidget(self.save_profile)
        left_layout.addLayout(profile_row)
        left_layout.addWidget(self.remember)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.preview)
        split.setStretchFactor(1, 2)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(cancel)
        bottom.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self.files.currentRowChanged.connect(lambda _r: self._show_file())
        self.topic_box.currentIndexChanged.connect(self.replan)
        self.period_box.currentIndexChanged.connect(self.replan)
        self.setAcceptDrops(True)  # more files dropped on the open wizard join this import
        free_tab_key(self)
        name_for_screen_readers(self)

    @property
    def project(self) -> Project:
        assert self.ctx.holder.project is not None
        return self.ctx.holder.project

    def add_files(self, paths: list[str]) -> None:
        self.paths += [p for p in map(str, paths) if p not in self.paths]
        self.replan()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt name
        if dropped_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt name
        paths = dropped_paths(event)
        if paths:
            event.acceptProposedAction()
            self.add_files(files_to_import(paths))

    # --- planning ---------------------------------------------------------------------------
    def replan(self) -> None:
        project, answers = self.project, dict(self.answers)
        topic, period, mapping = self.topic_box.currentData(), self.period_box.currentData(), self.mapping_name
        paths = list(self.paths)

        def work(progress, cancelled):
            return plan_import(project, paths, topic=topic, period=period, mapping=mapping, answers=answers,
                               progress=lambda f: progress(f, ""), cancelled=cancelled)

        self.import_button.setEnabled(False)
        self.summary.setText(ntr("Reading {n} file…", "Reading {n} files…", len(paths), self._lang))
        run_with_progress(self, self.runner, tr("Reading the files…", self._lang), work, self._lang, self._planned,
                          on_cancel=self.reject)

    def _planned(self, plan: ImportPlan) -> None:
        self.plan = plan
        row = max(self.files.currentRow(), 0)
        self.files.blockSignals(True)
        self.files.clear()
        for fp in plan.files:
            item = QListWidgetItem(f"{STATUS_MARKS.get(fp.status, '')}  {fp.name}\n"
                                   f"     {tr(STATUS_WORDS.get(fp.status, fp.status), self._lang)}")
            item.setToolTip(window_text(fp.message(self._lang) or ""))
            self.files.addItem(item)
        self.files.blockSignals(False)
        attention = [i for i, f in enumerate(plan.files) if f.status in ("failed", "questions")]
        self.files.setCurrentRow(attention[0] if attention else min(row, len(plan.files) - 1))
        self._fill_questions(plan)
        self._show_file()
        ready = len(plan.ready)
        self.import_button.setEnabled(plan.ok and ready > 0)
        self.import_button.setText(ntr("Import {n} file", "Import {n} files", ready, self._lang) if ready
                                   else tr("Nothing to import", self._lang))
        asking = any(f.status == "questions" for f in plan.files)
        self.cancel_button.setText(tr("Close", self._lang) if not ready and not asking else tr("Cancel", self._lang))
        self.summary.setText(self._summary_text(plan))
        self.planned.emit()

    def _summary_text(self, plan: ImportPlan) -> str:
        """How many files are in which state, then the one thing to do next (never a question that is not asked)."""
        lang = self._lang
        counts = {s: sum(1 for f in plan.files if f.status == s) for s in STATUS_WORDS}
        text = ", ".join(f"{n} {tr(STATUS_WORDS[s], lang)}" for s, n in counts.items() if n)
        blocked = counts["refused"] + counts["failed"]
        if counts["questions"]:
            advice = tr("Answer the questions (tick the ones you agree to) or leave out the files that cannot be "
                        "imported.", lang)
        elif counts["ready"] and blocked:
            advice = tr("Leave out the files that cannot be imported (select one, then Leave this file out), or "
                        "correct them and drop them again.", lang)
        elif blocked == 1 and len(plan.files) == 1:
            advice = tr("Nothing can be imported yet. {reason}", lang,
                        reason=window_text(plan.files[0].message(lang) or ""))
        elif blocked:
            advice = tr("Nothing can be imported yet: select a file to see why and what to do, or press Close.", lang)
        elif not counts["ready"]:
            advice = tr("Every file was imported before: there is nothing new to import.", lang)
        else:
            return text
        return f"{text}. {advice}"

    def _fill_questions(self, plan: ImportPlan) -> None:
        self.questions.blockSignals(True)
        self.questions.clear()
        names = DisplayNames.of(self.project)
        for fp in plan.files:
            for q in fp.questions:
                question = tr(q.msgid, self._lang, **names.params(q.params))
                # Named once: most questions begin with the file's name themselves ("x.csv replaces 6 values …").
                item = QListWidgetItem(question if question.startswith(fp.name) else f"{fp.name}: {question}")
                item.setData(Qt.ItemDataRole.UserRole, q.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.questions.addItem(item)
        self.questions.blockSignals(False)

    def _answered(self, item: QListWidgetItem) -> None:
        self.answers[item.data(Qt.ItemDataRole.UserRole)] = item.checkState() == Qt.CheckState.Checked
        self.replan()

    def leave_out_file(self, row: int) -> None:
        """Drop one file from this import (it can be imported later)."""
        if 0 <= row < len(self.paths):
            del self.paths[row]
            self.replan()

    def _show_file(self) -> None:
        plan, row = self.plan, self.files.currentRow()
        fp = plan.files[row] if plan and 0 <= row < len(plan.files) else None
        self.leave_out_button.setEnabled(fp is not None and len(self.paths) > 1)
        if fp is not None and fp.name != self._shown_file:  # another file: its own mapping name, not the last one's
            self._shown_file = fp.name
            if self.mapping_name is None or fp.mapping is None or fp.mapping.name != self.mapping_name:
                self.profile_name.clear()
        topic = self.topic_box.currentData()
        topics = [self.project.topic(topic)] if topic else self.project.topics()
        self.preview.show_plan(fp, {t.key: {m.key: measure_shown(t, m.key, m.title, self._lang) for m in t.measures}
                                    for t in topics},
                               DisplayNames.of(self.project))
        self.save_profile.setEnabled(self.preview.suggested)
        if self.preview.suggested and fp is not None and not self.profile_name.text().strip():
            self.profile_name.setText(Path(fp.name).stem)

    # --- mapping profiles -------------------------------------------------------------------
    def _mapping_edited(self, _columns: dict) -> None:
        """Every change in the column editor is applied at once: the files are read again with it."""
        if not self.profile_name.text().strip():
            fp = self._current()
            self.profile_name.setText(Path(fp.name).stem if fp else "")
        self.apply_mapping()

    def _current(self):
        row = self.files.currentRow()
        return self.plan.files[row] if self.plan and 0 <= row < len(self.plan.files) else None

    def apply_mapping(self) -> None:
        """Save the edited columns as a named profile (recognised next time) and read the files with it."""
        fp = self._current()
        if fp is None or not fp.report.tables:
            return
        table = fp.report.tables[0]
        spec = spec_from_roles(self.preview.edited_roles(), fp.mapping.layout if fp.mapping else "wide")
        name = self.profile_name.text().strip() or Path(fp.name).stem
        if name not in self._session_profiles:  # what the store held before: put back unless the user keeps it
            self._session_profiles[name] = next((p for p in self.project.mapping_profiles() if p["name"] == name),
                                                None)
        self.project.save_mapping_profile(name, signature(table), spec)
        self.mapping_name = name
        self.replan()

    def reject(self) -> None:
        """Cancel: nothing is imported, and mappings tried in this wizard are not kept."""
        self._forget_session_profiles()
        super().reject()

    def _forget_session_profiles(self) -> None:
        """The mappings as they were before this wizard: new ones removed, changed ones restored."""
        known = {p["name"] for p in self.project.mapping_profiles()}
        for name, before in self._session_profiles.items():
            if before is not None:
                self.project.save_mapping_profile(name, before["signature"], before["spec"])
            elif name in known:
                self.project.remove_mapping_profile(name)
        self._session_profiles.clear()

    # --- commit -----------------------------------------------------------------------------
    def commit(self) -> None:
        plan = self.plan
        if plan is None or not plan.ok:
            return
        project, files = self.project, [f.name for f in plan.ready]
        profile = self.mapping_name if self.remember.isChecked() else None  # saved only when the user asked

        def store(target: Project) -> list[int]:
            return commit_plan(target, plan, save_profile=profile)

        def work(progress, cancelled):
            return commit_plan(project, plan, save_profile=profile, progress=lambda f: progress(f, ""),
                               cancelled=cancelled)

        def done(ids: list[int]) -> None:
            if self.remember.isChecked():
                self._session_profiles.clear()
            else:  # the user did not ask to keep the mapping for next time
                self._forget_session_profiles()
            text = tr("import of {file}", self._lang, file=files[0]) if len(files) == 1 else \
                tr("import of {n} files", self._lang, n=len(files))
            push_done(self.undo_stack, CommitImport(files, store, list(ids)), self.ctx.holder, self._lang, text)
            self.committed.emit(ids)
            self.accept()

        run_with_progress(self, self.runner, tr("Importing…", self._lang), work, self._lang, done)

