"""The topics tab: topics with indicators and targets, topic packages, reference values, survey and follow-up."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from klyngedesk.core.model import Topic
from klyngedesk.core.packages import (
    builtin_packages,
    export_package,
    import_package,
    text_in,
    topic_description,
)
from klyngedesk.core.period_names import period_label
from klyngedesk.core.references import import_references
from klyngedesk.core.render.wording import number, source_text, unit_label
from klyngedesk.core.store import Project
from klyngedesk.gui.context import AppContext
from klyngedesk.gui.display_names import indicator_shown, topic_shown
from klyngedesk.gui.error_dialog import show_error
from klyngedesk.gui.followup_panel import FollowUpPanel
from klyngedesk.gui.panes import button_row, column, side_by_side
from klyngedesk.gui.read_only import writes
from klyngedesk.gui.survey_panel import SurveyPanel
from klyngedesk.gui.tasks import TaskRunner
from klyngedesk.gui.topic_dialogs import ReferenceDialog
from klyngedesk.i18n import KlyngeError, tr

PACKAGE_FILTER = "Topic packages (*.json)"


def fill_table(table: QTableWidget, rows: list[list[str]]) -> None:
    """Replace a read-only table's rows with text cells."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)


def read_only_table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    table.setWordWrap(False)
    return table


def _target_verified(topic: Topic, indicator: str) -> bool:
    for d in topic.package.get("indicators", []):
        if d.get("key") == indicator:
            return bool(d.get("target", {}).get("verified"))
    return False


class TopicsPanel(QWidget):
    """Topics of the project, their indicators and targets, packages and reference values."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lang = self._lang = ctx.lang
        self._project: Project | None = None
        self.topic_list = QListWidget()
        self.topic_list.setObjectName("topic_list")
        self.topic_list.setAccessibleName(tr("Topics", lang))
        self.topic_list.currentItemChanged.connect(lambda *_: self._show_topic())
        self.import_button = QPushButton(tr("Import topic package…", lang))
        self.export_button = QPushButton(tr("Export topic package…", lang))
        self.builtin_button = QPushButton(tr("Add built-in topic…", lang))
        self.import_button.clicked.connect(self.import_package)
        self.export_button.clicked.connect(self.export_package)
        self.builtin_button.clicked.connect(self.add_builtin)
        writes(self.import_button, self.builtin_button)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.indicators = read_only_table([tr("Indicator", lang), tr("Unit", lang), tr("Target", lang),
                                           tr("Checked", lang), tr("Source of the target", lang)], "indicator_table")
        self.references = read_only_table([tr("Indicator", lang), tr("Level", lang), tr("Value", lang),
                                           tr("Source", lang), tr("Period", lang)], "reference_table")
        self.indicators.setAccessibleName(tr("Indicators and targets", lang))
        self.references.setAccessibleName(tr("Reference values", lang))
        self.references.horizontalHeader().setStretchLastSection(False)
        self.references.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.add_reference_button = QPushButton(tr("Add reference value…", lang))
        self.import_references_button = QPushButton(tr("Import reference values…", lang))
        self.add_reference_button.clicked.connect(self.add_reference)
        self.import_references_button.clicked.connect(self.import_references)
        writes(self.add_reference_button, self.import_references_button)
        left = column(QLabel(tr("Topics", lang)), (self.topic_list, 1), self.import_button, self.export_button,
                      self.builtin_button)
        right = column(self.description, QLabel(tr("Indicators and targets", lang)), (self.indicators, 2),
                       QLabel(tr("Reference values", lang)), (self.references, 2),
                       button_row(self.add_reference_button, self.import_references_button))
        side_by_side(self, left, right, (220, 700))

    # --- showing --------------------------------------------------------------------------
    def load(self, project: Project) -> None:
        self._project = project
        current = self.topic_key()
        self.topic_list.blockSignals(True)
        self.topic_list.clear()
        for topic in project.topics():
            item = QListWidgetItem(topic_shown(topic, self._lang))
            item.setData(256, topic.key)
            self.topic_list.addItem(item)
            if topic.key == current:
                self.topic_list.setCurrentItem(item)
        if self.topic_list.currentItem() is None and self.topic_list.count():
            self.topic_list.setCurrentRow(0)
        self.topic_list.blockSignals(False)
        self._show_topic()

    def topic_key(self) -> str | None:
        item = self.topic_list.currentItem()
        return item.data(256) if item is not None else None

    def select_topic(self, key: str) -> None:
        for row in range(self.topic_list.count()):
            if self.topic_list.item(row).data(256) == key:
                self.topic_list.setCurrentRow(row)

    def _show_topic(self) -> None:
        key, project, lang = self.topic_key(), self._project, self._lang
        has = key is not None and project is not None
        for button in (self.export_button, self.add_reference_button):
            button.setEnabled(has)
        if not has:
            self.description.clear()
            fill_table(self.indicators, [])
            fill_table(self.references, [])
            return
        topic = project.topic(key)
        self.description.setText(topic_description(topic, lang))
        rows = []
        for ind in topic.indicators:
            if ind.target_value is None:
                target, checked, source = "–", "", ""
            else:
                target = number(ind.target_value, ind.unit, lang, 1 if ind.target_value % 1 else 0)
                checked = tr("verified", lang) if _target_verified(topic, ind.key) else tr("not verified", lang)
                source = source_text(ind.target_source, lang) if ind.target_source else tr("(no source)", lang)
            rows.append([indicator_shown(topic, ind, lang), unit_label(ind, lang), target, checked, source])
        fill_table(self.indicators, rows)
        by_key = {ind.key: ind for ind in topic.indicators}
        scopes = {"region": tr("Region", lang), "national": tr("National", lang)}
        periods = {p.key: period_label(p.label, lang) for p in project.periods()}
        fill_table(self.references, [[indicator_shown(topic, by_key[r.indicator], lang), scopes.get(r.scope, r.scope),
                                      number(r.value, by_key[r.indicator].unit, lang, _entered_decimals(r.value)),
                                      source_text(r.source, lang), periods.get(r.period, r.period) if r.period else "–"]
                                     for r in project.references() if r.indicator in by_key])
        for table in (self.indicators, self.references):
            table.resizeColumnsToContents()
            for col in range(table.columnCount()):
                table.setColumnWidth(col, min(table.columnWidth(col) + 12, 320))

    def _changed(self, topic: str | None = None) -> None:
        self.ctx.holder.data_changed.emit()
        if self._project is not None:
            self.load(self._project)
            if topic:
                self.select_topic(topic)

    # --- packages -------------------------------------------------------------------------
    def import_package(self) -> None:
        if self._project is None:
            return
        path, _ = QFileDialog.getOpenFileName(self, tr("Import topic package", self._lang), self.ctx.folder("import"),
                                              tr(PACKAGE_FILTER, self._lang))
        if path:
            self._import(path)

    def _import(self, package) -> None:
        try:
            topic = import_package(self._project, package)
        except KlyngeError as error:
            show_error(self, error, self._lang)
            return
        self._changed(topic.key)

    def export_package(self) -> None:
        key = self.topic_key()
        if self._project is None or key is None:
            return
        suggested = str(Path(self.ctx.folder("import")) / f"{key}.json")
        path, _ = QFileDialog.getSaveFileName(self, tr("Export topic package", self._lang), suggested,
                                              tr(PACKAGE_FILTER, self._lang))
        if path:
            try:
                export_package(self._project, key, path)
            except (KlyngeError, OSError) as error:
                show_error(self, error, self._lang)

    def add_builtin(self) -> None:
        if self._project is None:
            return
        have = {t.key for t in self._project.topics()}
        offered = [p for p in builtin_packages() if p["topic"]["key"] not in have]
        if not offered:
            show_error(self, KlyngeError("Every built-in topic is already in the project."), self._lang)
            return
        titles = [text_in(p["topic"], "title", self._lang, p["topic"]["title"]) for p in offered]
        title, ok = QInputDialog.getItem(self, tr("Add built-in topic", self._lang), tr("Topic:", self._lang),
                                         titles, 0, False)
        if ok and title in titles:
            self._import(offered[titles.index(title)])

    # --- reference values -------------------------------------------------------------------
    def add_reference(self) -> ReferenceDialog | None:
        key = self.topic_key()
        if self._project is None or key is None:
            return None
        dialog = ReferenceDialog(self._project, self._project.topic(key), self._lang, self)
        dialog.saved.connect(lambda: self._changed(key))
        self.reference_dialog = dialog
        dialog.open()
        return dialog

    def import_references(self) -> None:
        if self._project is None:
            return
        path, _ = QFileDialog.getOpenFileName(self, tr("Import reference values", self._lang),
                                              self.ctx.folder("import"),
                                              tr("Reference files (*.csv *.txt *.xlsx)", self._lang))
        if not path:
            return
        try:
            import_references(self._project, path)
        except KlyngeError as error:
            show_error(self, error, self._lang)
            return
        self._changed(self.topic_key())


class TopicsPage(QWidget):
    """The tab: topics and references, the topic survey and the follow-up of planned actions. The follow-up
    (every planned action against every stored value) reads the project only while its section is shown."""

    def __init__(self, ctx: AppContext, reader: TaskRunner | None = None) -> None:
        super().__init__()
        lang = ctx.lang
        self.topics = TopicsPanel(ctx)
        self.survey = SurveyPanel(ctx)
        self.follow_up = FollowUpPanel(ctx, reader)
        self.sections = QTabWidget()
        self.sections.tabBar().setAccessibleName(tr("Sections of the topic", lang))
        self.sections.setObjectName("topics_sections")
        self.sections.addTab(self.topics, tr("Topics and references", lang))
        self.sections.addTab(self.survey, tr("Topic survey", lang))
        self.sections.addTab(self.follow_up, tr("Follow-up", lang))
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.sections)
        self._project: Project | None = None
        self._follow_up_stale = False
        self.sections.currentChanged.connect(lambda _i: self._load_follow_up())

    def load(self, project: Project) -> None:
        self._project = project
        self.topics.load(project)
        self.survey.load(project)
        self._follow_up_stale = True
        self._load_follow_up()

    def _load_follow_up(self) -> None:
        if self._project is not None and self._follow_up_stale and self.sections.currentWidget() is self.follow_up:
            self._follow_up_stale = False
            self.follow_up.load(self._project)


def _entered_decimals(value: float) -> int:
    """A reference value is shown as it was entered (312,5 stays 312,5), up to three decimals."""
    text = f"{value:.3f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0
