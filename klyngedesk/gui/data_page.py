"""The data tab: clinic x indicator per topic and period, where each value came from, notes, corrections."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from klyngedesk.core.collate.inputs import inputs_from, snapshot
from klyngedesk.core.commands import AddNote, CorrectValue
from klyngedesk.core.model import Indicator, Period
from klyngedesk.core.period_names import period_label
from klyngedesk.core.store import Project
from klyngedesk.gui.change_stamp import change_stamp, known_topics_with_data
from klyngedesk.gui.context import AppContext
from klyngedesk.gui.correction_dialog import CorrectionDialog, NoteDialog
from klyngedesk.gui.display_names import indicator_shown, measure_shown, topic_shown
from klyngedesk.gui.error_dialog import error_text, show_error
from klyngedesk.gui.indicator_table_model import IndicatorTableModel
from klyngedesk.gui.latest_fetch import LatestFetch, small_project
from klyngedesk.gui.long_names import cap_row_header
from klyngedesk.gui.read_only import writes
from klyngedesk.gui.round_default import RoundChooser, round_note, rounds_with_data
from klyngedesk.gui.round_dialog import RoundDialog
from klyngedesk.gui.tasks import TaskRunner
from klyngedesk.gui.undo import push
from klyngedesk.gui.value_details import details_html, hint_html, tooltip_text
from klyngedesk.i18n import KlyngeError, tr

KEPT_ROUNDS = 8  # rounds (topic x period) the page keeps while the project is unchanged: going back is instant


@dataclass(frozen=True)
class DataRound:
    """One topic and period as the page shows it, read in one fetch."""

    topic: str
    period: str
    names: dict[str, str]  # shown (short) names
    full_names: dict[str, str]
    indicators: list[Indicator]
    inputs: pd.DataFrame
    values: pd.DataFrame
    rows: dict[tuple[str, str], list[int]]  # (clinic, measure) -> positions in `values`
    titles: dict[str, str]
    note: str


def read_round(project: Project, topic: str, period: str, lang: str, found: list[str] | None = None) -> DataRound:
    """The values behind every cell of the round, fetched once and indexed by (clinic, measure)."""
    snap = snapshot(project, [(topic, period)])
    topic_obj = snap.topic(topic)
    values = snap.round_values(topic, period)
    rows = {key: list(pos) for key, pos in values.groupby(["clinic", "measure"], sort=False).indices.items()}
    return DataRound(topic, period, {c.key: c.shown_name for c in snap.clinics}, {c.key: c.name for c in snap.clinics},
                     [replace(i, title=indicator_shown(topic_obj, i, lang)) for i in topic_obj.indicators],
                     inputs_from(snap, topic, period), values, rows,
                     {m.key: measure_shown(topic_obj, m.key, m.title, lang) for m in topic_obj.measures},
                     round_note(project, topic, period, lang, found))


class DataPage(QWidget):
    def __init__(self, ctx: AppContext, reader: TaskRunner | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        lang = self._lang = ctx.lang
        self.undo_stack = None  # set by the main window
        self._project: Project | None = None
        self._small = True
        self.fetch = LatestFetch(reader, self)
        self._kept: dict[tuple[str, str], tuple[tuple[int, int], DataRound]] = {}  # rounds read, by (topic, period)
        self.topic_box = QComboBox()
        self.topic_box.setAccessibleName(tr("Topic", lang))
        self.period_box = QComboBox()
        self.period_box.setAccessibleName(tr("Period", lang))
        self.model = IndicatorTableModel(lang)
        self.table = QTableView()
        self.table.setObjectName("indicator_table")
        self.table.setAccessibleName(tr("Values per clinic and indicator", lang))
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        cap_row_header(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # widths set once per round (_fit_columns)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        rows = self.table.verticalHeader()  # one line per clinic: no per-row measuring of 1,700 rows
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.model.tooltip = self._tooltip
        self._values = pd.DataFrame()
        self._rows: dict[tuple[str, str], list[int]] = {}
        self._titles: dict[str, str] = {}
        self.details = QTextBrowser()
        self.details.setObjectName("value_details")
        self.details.setAccessibleName(tr("Where the value came from", lang))
        self.details.setHtml(hint_html(tr("Click a value to see where it came from.", lang)))
        self.correct_button = QPushButton(tr("Correct value…", lang))
        self.note_button = QPushButton(tr("Note on this value…", lang))
        self.clinic_note_button = QPushButton(tr("Note on the clinic…", lang))
        self.correct_button.setObjectName("correct_value_button")
        self.note_button.setObjectName("value_note_button")
        self.clinic_note_button.setObjectName("clinic_note_button")
        for b in (self.correct_button, self.note_button, self.clinic_note_button):
            b.setEnabled(False)
        self.correct_button.clicked.connect(self.correct_value)
        writes(self.correct_button, self.note_button, self.clinic_note_button)
        self.note_button.clicked.connect(lambda: self.add_note(on_value=True))
        self.clinic_note_button.clicked.connect(lambda: self.add_note(on_value=False))
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.details, 1)
        for b in (self.correct_button, self.note_button, self.clinic_note_button):
            side_layout.addWidget(b)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        bar = QHBoxLayout()
        topic_label, period_label = QLabel(tr("Topic", lang)), QLabel(tr("Period", lang))
        topic_label.setBuddy(self.topic_box)
        period_label.setBuddy(self.period_box)
        for w in (topic_label, self.topic_box, period_label, self.period_box):
            bar.addWidget(w)
        self.round_note = QLabel()
        self.rounds = RoundChooser(self.period_box, self.round_note)
        bar.addWidget(self.round_note, 1)
        self.round_button = QPushButton(tr("New round…", lang))
        self.round_button.setObjectName("new_round_button")
        self.round_button.clicked.connect(self.add_round)
        writes(self.round_button)
        bar.addWidget(self.round_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split)
        self.topic_box.currentIndexChanged.connect(self._topic_changed)
        self.period_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.selectionModel().currentChanged.connect(lambda cur, _prev: self.show_details(cur))
        self.dialog: CorrectionDialog | NoteDialog | None = None

    def load(self, project: Project) -> None:
        same = self._project is project
        self._project = project
        if not same:
            self.rounds.forget()
            self.fetch.forget()
            self._kept = {}
            self._small = small_project(project)
        kept = (self.topic_box.currentData(), self.period_box.currentData()) if same else (None, None)
        for box in (self.topic_box, self.period_box):
            box.blockSignals(True)
            box.clear()
        for topic in project.topics():
            self.topic_box.addItem(topic_shown(topic, self._lang), topic.key)
        for period in project.periods():
            self.period_box.addItem(period_label(period.label, self._lang), period.key)
        self.period_box.setCurrentIndex(self.period_box.count() - 1)
        for box, key in zip((self.topic_box, self.period_box), kept, strict=True):
            if key is not None and box.findData(key) >= 0:
                box.setCurrentIndex(box.findData(key))
        for box in (self.topic_box, self.period_box):
            box.blockSignals(False)
        self.refresh(choose_round=True)

    def _topic_changed(self) -> None:
        self.refresh(choose_round=True)

    def refresh(self, choose_round: bool = False) -> None:
        """Read the chosen topic and period (on the worker for a large project) and show them when read;
        with `choose_round` the newest round with data for the topic, unless the user chose a round."""
        project, lang = self._project, self._lang
        topic, period = self.topic_box.currentData(), self.period_box.currentData()
        if project is None or topic is None or period is None:
            self.rounds.update_note(project, topic, lang)
            return
        newest = choose_round and not self.rounds.chosen_by_user
        last = self.period_box.itemData(self.period_box.count() - 1)
        with_data = known_topics_with_data(project)
        if with_data is not None:  # the round is known now: a round read before (unchanged since) shows at once
            known = [p.key for p in project.periods() if topic in with_data.get(p.key, set())]
            chosen = (known[-1] if known else last) if newest else period
            kept = self._kept.get((topic, chosen))
            if kept is not None and kept[0] == change_stamp(project):
                self.fetch.forget()  # a read still under way is no longer wanted
                self._show_round(kept[1])
                return
        stamp = change_stamp(project)

        def work() -> DataRound:
            found = rounds_with_data(project, topic)
            chosen = ((found[-1] if found else last) if newest else period)
            return read_round(project, topic, chosen, lang, found)

        def show(data: DataRound) -> None:
            if change_stamp(project) == stamp:  # nothing was stored meanwhile: the round may be shown again
                self._kept[(data.topic, data.period)] = (stamp, data)
                while len(self._kept) > KEPT_ROUNDS:
                    self._kept.pop(next(iter(self._kept)))
            self._show_round(data)

        self.fetch.request(work, show, self._read_failed, small=self._small, name="data page")

    def _show_round(self, data: DataRound) -> None:
        if self._project is None or data.topic != self.topic_box.currentData():
            return
        if data.period != self.period_box.currentData():
            self.period_box.blockSignals(True)
            self.period_box.setCurrentIndex(self.period_box.findData(data.period))
            self.period_box.blockSignals(False)
        self.round_note.setText(data.note)
        self.round_note.setVisible(bool(data.note))
        current = self.table.currentIndex()
        self._values, self._rows, self._titles = data.values, data.rows, data.titles
        self.model.set_data(data.names, data.indicators, data.inputs, data.full_names)
        self._fit_columns()
        if current.isValid() and current.row() < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(current.row(), current.column()))
            self.show_details(self.table.currentIndex())

    def _read_failed(self, error: Exception) -> None:
        self.round_note.setText(error_text(error, self._lang))
        self.round_note.setVisible(True)

    def _fit_columns(self) -> None:
        """Each column as wide as its heading or its widest possible value, measured once per round."""
        metrics, header = self.table.fontMetrics(), self.table.horizontalHeader()
        for col in range(self.model.columnCount()):
            width = metrics.horizontalAdvance(self.model.widest_text(col)) + 24
            header.resizeSection(col, max(width, header.sectionSizeHint(col)))

    def _measure_rows(self, clinic: str, ind: Indicator) -> list[pd.Series]:
        """The stored rows behind one clinic's indicator: numerator first, then the denominator measure."""
        keys = [ind.numerator] + ([ind.denominator] if ind.denominator else [])
        return [self._values.iloc[i] for key in keys for i in self._rows.get((clinic, key), ())]

    def _tooltip(self, clinic: str, ind: Indicator) -> str:
        rows = self._measure_rows(clinic, ind)
        return tooltip_text(rows, self._titles, self._lang) if rows else ""

    def _selected(self) -> tuple[str, int] | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.clinic_keys[index.row()], index.column()

    def show_details(self, index: QModelIndex) -> None:
        if self._project is None or not index.isValid():
            return
        clinic, ind = self.model.clinic_keys[index.row()], self.model.indicator(index.column())
        notes = [n for n in self._project.notes(clinic)
                 if n["measure"] in (None, ind.numerator, ind.denominator)
                 and n["period"] in (None, self.period_box.currentData())]
        name = self._project.clinic(clinic).shown_name
        sizes = self._project.list_sizes(self.period_box.currentData())
        size = sizes.loc[sizes["clinic"] == clinic, "patients"]
        self.details.setHtml(details_html(name, ind, self._measure_rows(clinic, ind), self._titles, notes,
                                          self._lang, int(size.iloc[0]) if len(size) else None))
        for b in (self.correct_button, self.note_button, self.clinic_note_button):
            b.setEnabled(True)

    def correct_value(self) -> CorrectionDialog | None:
        chosen = self._selected()
        if chosen is None or self._project is None:
            return None
        clinic, col = chosen
        ind = self.model.indicator(col)
        measures = [(m, self._titles.get(m, m)) for m in (ind.numerator, ind.denominator) if m]
        current = {r["measure"]: r["value"] for r in self._measure_rows(clinic, ind)}
        dialog = CorrectionDialog(self._lang, self._project.clinic(clinic).shown_name, measures, current, parent=self)
        period = self.period_box.currentData()
        dialog.saver = lambda: self._push(CorrectValue(clinic, dialog.measure(), period, dialog.value(),
                                                       dialog.reason()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def add_note(self, on_value: bool) -> NoteDialog | None:
        chosen = self._selected()
        if chosen is None or self._project is None:
            return None
        clinic, col = chosen
        ind = self.model.indicator(col)
        dialog = NoteDialog(self._lang, self._project.clinic(clinic).shown_name, ind.title if on_value else None, self)
        measure = ind.numerator if on_value else None
        period = self.period_box.currentData() if on_value else None
        dialog.saver = lambda: self._push(AddNote(dialog.text(), clinic, measure, period))
        self.dialog = dialog
        dialog.open()
        return dialog

    def add_round(self) -> RoundDialog | None:
        if self._project is None:
            return None
        dialog = RoundDialog(self._lang, self._project.periods(), self)
        dialog.accepted.connect(lambda: self._add_period(dialog.period()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _add_period(self, period: Period) -> None:
        try:
            self._project.add_period(period)
        except KlyngeError as error:
            show_error(self, error, self._lang)
            return
        self.rounds.pick(period.key)
        self.ctx.holder.data_changed.emit()
        self.period_box.setCurrentIndex(self.period_box.findData(period.key))

    def _push(self, command: CorrectValue | AddNote) -> None:
        """Run by the dialog's OK: a refusal raises, and the dialog stays open with what was typed."""
        clinic = self._project.clinic(command.clinic).shown_name if command.clinic else ""
        if isinstance(command, CorrectValue):
            text = tr("correction of {measure} for {clinic}", self._lang,
                      measure=self._titles.get(command.measure, command.measure), clinic=clinic)
        else:
            text = tr("note on {clinic}", self._lang, clinic=clinic) if clinic else tr("note", self._lang)
        push(self.undo_stack, command, self.ctx.holder, self._lang, text)
