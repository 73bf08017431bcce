"""The charts tab: one indicator as ranked bars, funnel, composition, before/after or trend; names or codes."""

from __future__ import annotations

import html
import logging

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from klyngedesk.core.anonymise import AnonymisedTable
from klyngedesk.core.period_names import period_label
from klyngedesk.core.render import wording
from klyngedesk.core.render.indicator_pages import change_facts
from klyngedesk.core.store import Project
from klyngedesk.gui.chart_specs import (
    CHART_KINDS,
    KIND_TITLES,
    ChartRequest,
    build_spec,
    context_for,
    row_for_label,
)
from klyngedesk.gui.chart_view import ChartView
from klyngedesk.gui.context import AppContext
from klyngedesk.gui.display_names import indicator_shown, topic_shown
from klyngedesk.gui.error_dialog import error_text, show_error
from klyngedesk.gui.latest_fetch import LatestFetch, small_project
from klyngedesk.gui.round_default import RoundChooser, rounds_with_data
from klyngedesk.gui.tasks import TaskRunner
from klyngedesk.gui.value_details import hint_html
from klyngedesk.i18n import KlyngeError, tr

log = logging.getLogger(__name__)
EXPORT_ANONYMISED_ONLY = ("Only the anonymised view (codes) for a meeting can be exported: it shows what the meeting's "
                          "pack shows. The coordinator's view names every clinic with its figures and stays in this "
                          "window.")


class ChartsPage(QWidget):
    def __init__(self, ctx: AppContext, reader: TaskRunner | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.fetch = LatestFetch(reader, self)
        self._small = True
        lang = self._lang = ctx.lang
        self._project: Project | None = None
        self._table: AnonymisedTable | None = None
        self._stale = True
        self._tables: dict = {}
        self.topic_box, self.indicator_box = QComboBox(), QComboBox()
        self.period_box, self.compare_box = QComboBox(), QComboBox()
        self.kind_box, self.meeting_box = QComboBox(), QComboBox()
        for kind in CHART_KINDS:
            self.kind_box.addItem(tr(KIND_TITLES[kind], lang), kind)
        self.names_radio = QRadioButton(tr("Coordinator's view (names)", lang))
        self.codes_radio = QRadioButton(tr("Anonymised view (codes) for the meeting", lang))
        self.names_radio.setChecked(True)
        self.view_group = QButtonGroup(self)
        self.view_group.addButton(self.names_radio)
        self.view_group.addButton(self.codes_radio)
        self.chart = ChartView()
        self.chart.plot.setAccessibleName(tr("Chart", lang))
        self.chart.bar_clicked.connect(self.show_clinic)
        self.details = QTextBrowser()
        self.details.setObjectName("chart_details")
        self.details.setMinimumWidth(230)
        self.details.setAccessibleName(tr("The clicked clinic", lang))
        self._hint = hint_html(tr("Click a bar to see that clinic's figures.", lang))
        self.details.setHtml(self._hint)
        self.png_button = QPushButton(tr("Export PNG…", lang))
        self.svg_button = QPushButton(tr("Export SVG…", lang))
        self.png_button.clicked.connect(lambda: self.export("png"))
        self.svg_button.clicked.connect(lambda: self.export("svg"))
        grid = QGridLayout()
        pairs = ((tr("Topic", lang), self.topic_box), (tr("Indicator", lang), self.indicator_box),
                 (tr("Period", lang), self.period_box), (tr("Compared with", lang), self.compare_box),
                 (tr("Chart", lang), self.kind_box), (tr("Meeting", lang), self.meeting_box))
        for i, (text, box) in enumerate(pairs):
            label = QLabel(text)
            label.setBuddy(box)
            box.setAccessibleName(text)
            grid.addWidget(label, i // 3, (i % 3) * 2)
            grid.addWidget(box, i // 3, (i % 3) * 2 + 1)
        self.round_note = QLabel()
        self.rounds = RoundChooser(self.period_box, self.round_note)
        self.change_note = QLabel()
        self.change_note.setObjectName("change_note")
        self.change_note.setWordWrap(True)
        self.change_note.setVisible(False)
        views = QHBoxLayout()
        views.addWidget(self.names_radio)
        views.addWidget(self.codes_radio)
        views.addStretch(1)
        views.addWidget(self.png_button)
        views.addWidget(self.svg_button)
        split = QSplitter()
        split.addWidget(self.chart)
        split.addWidget(self.details)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addLayout(views)
        layout.addWidget(self.round_note)
        layout.addWidget(split, 1)
        layout.addWidget(self.change_note)
        self.topic_box.currentIndexChanged.connect(self._topic_changed)
        for box in (self.indicator_box, self.period_box, self.compare_box, self.kind_box):
            box.currentIndexChanged.connect(self.refresh)
        self.names_radio.toggled.connect(self._view_changed)
        self.meeting_box.currentIndexChanged.connect(self._view_changed)
        self.compare_box.activated.connect(lambda _i: setattr(self.rounds, "chosen_by_user", True))
        self._sync_view()

    def load(self, project: Project) -> None:
        same = self._project is project
        self._project = project
        self._tables: dict = {}   # the rounds read for this state of the project (see build_spec)
        if not same:
            self.rounds.forget()
            self.fetch.forget()
            self._small = small_project(project)
        boxes = (self.topic_box, self.period_box, self.compare_box, self.meeting_box)
        kept = [b.currentData() for b in boxes] if same else [None] * 4
        for box in boxes + (self.indicator_box,):
            box.blockSignals(True)
            box.clear()
        for topic in project.topics():
            self.topic_box.addItem(topic_shown(topic, self._lang), topic.key)
        periods = project.periods()
        self.compare_box.addItem(tr("no comparison", self._lang), None)
        for period in periods:
            self.period_box.addItem(period_label(period.label, self._lang), period.key)
            self.compare_box.addItem(period_label(period.label, self._lang), period.key)
        self.period_box.setCurrentIndex(len(periods) - 1)
        self.compare_box.setCurrentIndex(len(periods) - 1 if len(periods) > 1 else 0)
        for meeting in project.meetings():
            self.meeting_box.addItem(f"{meeting.title} ({meeting.key})", meeting.key)
        self.meeting_box.setCurrentIndex(self.meeting_box.count() - 1)
        for box, key in zip(boxes, kept, strict=True):
            if key is not None and box.findData(key) >= 0:
                box.setCurrentIndex(box.findData(key))
        self._default_rounds()
        self._fill_indicators()
        for box in boxes + (self.indicator_box,):
            box.blockSignals(False)
        self.codes_radio.setEnabled(self.meeting_box.count() > 0)
        self._view_changed()

    def _view_changed(self) -> None:
        self._sync_view()
        self.refresh()

    def _sync_view(self) -> None:
        """The anonymised view shows (and exports) the meeting's pack: its round and baseline in the boxes,
        which stay fixed there (see chart_specs.as_printed); only it may be exported, for the group."""
        anonymised = self.codes_radio.isChecked() and self.meeting_box.currentData() is not None
        for button in (self.png_button, self.svg_button):
            button.setEnabled(anonymised)
            button.setToolTip("" if anonymised else tr(EXPORT_ANONYMISED_ONLY, self._lang))
        for box in (self.period_box, self.compare_box):
            box.setEnabled(not anonymised)
        if anonymised and self._project is not None:
            meeting = self._project.meeting(self.meeting_box.currentData())
            for box, key in ((self.period_box, meeting.period), (self.compare_box, meeting.baseline_period)):
                box.blockSignals(True)
                box.setCurrentIndex(max(box.findData(key), 0))
                box.blockSignals(False)

    def _fill_indicators(self) -> None:
        kept = self.indicator_box.currentData()
        self.indicator_box.clear()
        if self._project is None or self.topic_box.currentData() is None:
            return
        topic = self._project.topic(self.topic_box.currentData())
        for ind in topic.indicators:
            self.indicator_box.addItem(indicator_shown(topic, ind, self._lang), ind.key)
        if kept is not None and self.indicator_box.findData(kept) >= 0:
            self.indicator_box.setCurrentIndex(self.indicator_box.findData(kept))

    def _default_rounds(self) -> None:
        """The newest round with data, compared with the round with data before it (if any)."""
        if self._project is None or self.rounds.chosen_by_user:
            return
        topic = self.topic_box.currentData()
        self.rounds.choose(self._project, topic)
        found = rounds_with_data(self._project, topic) if topic is not None else []
        period = self.period_box.currentData()
        earlier = found[:found.index(period)] if period in found else []
        self.compare_box.setCurrentIndex(self.compare_box.findData(earlier[-1]) if earlier else 0)

    def _topic_changed(self) -> None:
        for box in (self.indicator_box, self.period_box, self.compare_box):
            box.blockSignals(True)
        self._default_rounds()
        self._sync_view()
        self._fill_indicators()
        for box in (self.indicator_box, self.period_box, self.compare_box):
            box.blockSignals(False)
        self.refresh()

    def request(self) -> ChartRequest | None:
        values = (self.topic_box.currentData(), self.indicator_box.currentData(), self.period_box.currentData())
        if self._project is None or None in values:
            return None
        compare = self.compare_box.currentData()
        compare = None if compare == values[2] else compare
        meeting = self.meeting_box.currentData() if self.codes_radio.isChecked() else None
        return ChartRequest(*values, compare, self.kind_box.currentData(), meeting)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Redraw now if the tab is visible, else when it is shown next (collating takes a moment)."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        self.rounds.update_note(self._project, self.topic_box.currentData(), self._lang)
        request = self.request()
        self.details.setHtml(self._hint)
        self.change_note.setVisible(False)
        if request is None:
            self.chart.show_spec(None, tr("Choose a topic and an indicator.", self._lang))
            return
        project, lang, tables = self._project, self._lang, self._tables

        def work():
            spec, table = build_spec(project, request, lang, tables)
            names = {} if request.meeting is not None else {c.shown_name: c.name for c in project.clinics()}
            return spec, table, names

        if not self._small:
            self.chart.note.setText(tr("Reading the figures…", lang))
        self.fetch.request(work, lambda result: self._show(request, *result), lambda error: self._failed(request, error),
                           small=self._small, name="chart")

    def _show(self, request: ChartRequest, spec, table, names: dict[str, str]) -> None:
        """The read chart, unless the user has chosen another one meanwhile."""
        if request != self.request():
            return
        self._table = table
        self.chart.full_names = names
        self.chart.show_spec(spec, tr("There are not enough data for this chart.", self._lang))
        self._show_change(request)

    def _failed(self, request: ChartRequest, error: Exception) -> None:
        """A chart that cannot be drawn must not take the window down: the reason where the chart would be."""
        if request != self.request():
            return
        if not isinstance(error, KlyngeError):
            log.error("chart failed", exc_info=error)
        self._table = None
        self.chart.show_spec(None, error_text(error, self._lang))

    def _show_change(self, request: ChartRequest) -> None:
        """Under a comparison, the cluster's change in the words and interval the handout uses."""
        facts = []
        if self._table is not None and request.compare is not None and request.kind != "composition":
            facts = change_facts(self._table, self._table.indicator(request.indicator), self._lang)
        self.change_note.setText("<br/>".join(f"<b>{html.escape(k)}:</b> {html.escape(v)}" for k, v in facts))
        self.change_note.setVisible(bool(facts))

    def show_clinic(self, label: str) -> None:
        """The clicked clinic's figures; in the anonymised view only what the group may see."""
        request, table = self.request(), self._table
        if request is None or table is None:
            return
        ind = table.indicator(request.indicator)
        row = row_for_label(ind, context_for(request, self._lang, table), label)
        if row is None:
            return
        lang, unit = self._lang, ind.unit
        lines = [f"<h3>{html.escape(self.chart.row_tooltip(label))}</h3>", f"<p><b>{html.escape(ind.title)}</b></p>",
                 "<p>" + tr("Value: {value}", lang, value=wording.number(row.value, unit, lang)) + "<br/>"
                 + tr("95 % interval: {interval}", lang, interval=wording.interval(row.ci_low, row.ci_high, unit, lang))
                 + "<br/>" + tr("Numerator: {n}", lang, n=wording.count(row.numerator, lang)) + "<br/>"
                 + tr("Denominator: {n}", lang, n=wording.count(row.denominator, lang)) + "</p>"]
        if row.flag:
            lines.append(f"<p>{html.escape(wording.flag_text(row.flag, lang))}</p>")
        if row.baseline_value is not None:
            lines.append("<p>" + tr("Before: {value}", lang, value=wording.number(row.baseline_value, unit, lang))
                         + "</p>")
        if request.meeting is None and self._project is not None and row.code in {c.key for c in
                                                                                   self._project.clinics()}:
            notes = [n["text"] for n in self._project.notes(row.code)]
            if notes:
                lines.append("<p><b>" + tr("Notes", lang) + "</b></p><ul>"
                             + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>")
        self.details.setHtml("".join(lines))

    def export(self, kind: str) -> None:
        """The chart as PNG or SVG, for others: only the anonymised view of a meeting's pack (never the
        coordinator's view with every clinic's name and figures)."""
        request = self.request()
        if request is None or request.meeting is None:
            show_error(self, KlyngeError(EXPORT_ANONYMISED_ONLY), self._lang)
            return
        if self.chart.spec is None:
            return
        caption = tr("Export chart", self._lang)
        path, _ = QFileDialog.getSaveFileName(self, caption, self.ctx.folder("packs"), f"{kind.upper()} (*.{kind})")
        if path:
            if not path.lower().endswith("." + kind):
                path += "." + kind
            self.chart.export(path)
