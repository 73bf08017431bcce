"""The topic survey section: choose candidates, write ballots, read returned ones or type in votes, rank, print."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from klyngedesk.core.store import Project
from klyngedesk.core.survey import (
    Ballot,
    Survey,
    candidate_topics,
    load_survey,
    ranking,
    read_ballots,
    save_survey,
    tally,
    write_ballot_pdf,
    write_ballot_xlsx,
    write_ranking_pdf,
)
from klyngedesk.gui.context import AppContext
from klyngedesk.gui.display_names import candidate_shown
from klyngedesk.gui.error_dialog import show_error
from klyngedesk.gui.panes import button_row, column, side_by_side
from klyngedesk.gui.read_only import writes
from klyngedesk.i18n import KlyngeError, tr


class SurveyPanel(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lang = self._lang = ctx.lang
        self._project: Project | None = None
        self.survey: Survey | None = None
        self.ballots: list[Ballot] = []
        self.counts: dict[str, list[int]] = {}
        self.candidates = QListWidget()
        self.candidates.setObjectName("candidate_list")
        self.candidates.setAccessibleName(tr("Candidate topics", lang))
        self.title = QLineEdit(tr("Which topics should the cluster work on?", lang))
        self.choices = QSpinBox()
        self.choices.setRange(1, 10)
        self.choices.setValue(3)
        self.deadline = QLineEdit()
        self.start_button = QPushButton(tr("Start survey", lang))
        self.ballot_button = QPushButton(tr("Write ballots (PDF and xlsx)…", lang))
        self.start_button.clicked.connect(self.start)
        self.ballot_button.clicked.connect(self.write_ballots)
        form = QFormLayout()
        form.addRow(tr("&Title", lang), self.title)
        form.addRow(tr("&Priorities per member", lang), self.choices)
        form.addRow(tr("&Return by", lang), self.deadline)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.votes = QTableWidget(0, 0)
        self.votes.setObjectName("typed_votes")
        self.votes.setAccessibleName(tr("Votes typed in", lang))
        self.votes.verticalHeader().setVisible(False)
        self.read_button = QPushButton(tr("Read returned ballots…", lang))
        self.count_button = QPushButton(tr("Count the votes", lang))
        self.read_button.clicked.connect(self.read_returned)
        self.count_button.clicked.connect(self.count)
        self.paper = QSpinBox()
        self.paper.setRange(0, 1000)
        self.paper.setAccessibleName(tr("Paper ballots typed in", lang))
        self.ranking = QTableWidget(0, 0)
        self.ranking.setObjectName("ranking_table")
        self.ranking.setAccessibleName(tr("Ranking", lang))
        self.ranking.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.ranking.verticalHeader().setVisible(False)
        self.save_button = QPushButton(tr("Save result", lang))
        self.print_button = QPushButton(tr("Print ranking (PDF)…", lang))
        self.save_button.clicked.connect(self.save)
        writes(self.save_button)
        self.print_button.clicked.connect(self.print_ranking)
        left = column(QLabel(tr("Tick the candidate topics:", lang)), (self.candidates, 1), form, self.start_button,
                      self.ballot_button)
        right = column(self.state, QLabel(tr("Votes typed in from paper ballots (count per priority):", lang)),
                       (self.votes, 2),
                       button_row(self.read_button, QLabel(tr("Paper ballots typed in:", lang)), self.paper, self.count_button),
                       QLabel(tr("Ranking", lang)), (self.ranking, 2), button_row(self.save_button, self.print_button))
        side_by_side(self, left, right, (330, 660))
        self._enable()

    def load(self, project: Project) -> None:
        if project is not self._project:  # another project: its own kept survey, not the last one's
            self.survey, self.ballots, self.counts = None, [], {}
            self.votes.setRowCount(0)
            self.ranking.setRowCount(0)
            self._enable()
        self._project = project
        ticked = {self.candidates.item(i).data(256) for i in range(self.candidates.count())
                  if self.candidates.item(i).checkState() == Qt.CheckState.Checked}
        self.candidates.clear()
        for c in candidate_topics(project=project):
            item = QListWidgetItem(candidate_shown(c.key, c.title, self._lang, project))
            item.setData(256, c.key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if c.key in ticked else Qt.CheckState.Unchecked)
            self.candidates.addItem(item)
        if self.survey is None and (saved := load_survey(project)) is not None:
            survey, counts, ballots = saved
            self._set_survey(survey)
            self.counts = counts
            self.paper.setValue(ballots)
            self._fill_votes(counts)
            self._show_ranking()

    # --- the survey -------------------------------------------------------------------------
    def ticked(self) -> list[str]:
        return [self.candidates.item(i).data(256) for i in range(self.candidates.count())
                if self.candidates.item(i).checkState() == Qt.CheckState.Checked]

    def start(self) -> None:
        try:
            survey = Survey(self.title.text().strip() or tr("Topic survey", self._lang),
                            tuple(candidate_topics(self.ticked(), project=self._project)), self.choices.value(),
                            self._project.cluster().name if self._project else "", self.deadline.text().strip())
        except KlyngeError as error:
            show_error(self, error, self._lang)
            return
        self._set_survey(survey)

    def _set_survey(self, survey: Survey) -> None:
        self.survey, self.ballots, self.counts = survey, [], {}
        self.paper.setValue(0)
        self.votes.setColumnCount(survey.choices + 1)
        self.votes.setHorizontalHeaderLabels([tr("Candidate topic", self._lang),
                                              *[tr("Prio. {n}", self._lang, n=i) for i in range(1, survey.choices + 1)]])
        self.votes.setRowCount(len(survey.candidates))
        for r, c in enumerate(survey.candidates):
            item = QTableWidgetItem(candidate_shown(c.key, c.title, self._lang, self._project))
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.votes.setItem(r, 0, item)
            for col in range(1, survey.choices + 1):
                self.votes.setItem(r, col, QTableWidgetItem("0"))
        self.votes.resizeColumnsToContents()
        self.ranking.setRowCount(0)
        self._enable()

    def _fill_votes(self, counts: dict[str, list[int]]) -> None:
        assert self.survey is not None
        for r, c in enumerate(self.survey.candidates):
            for i, n in enumerate(counts.get(c.key, [])):
                self.votes.item(r, i + 1).setText(str(n))

    def _enable(self) -> None:
        has = self.survey is not None
        for button in (self.ballot_button, self.read_button, self.count_button):
            button.setEnabled(has)
        for button in (self.save_button, self.print_button):
            button.setEnabled(has and bool(self.counts))
        if self.survey is None:
            self.state.setText(tr("Tick the candidate topics and start a survey.", self._lang))
        else:
            self.state.setText(tr("Survey “{title}”: {n} candidate topics, {ballots} ballots read.", self._lang,
                                  title=self.survey.title, n=len(self.survey.candidates), ballots=len(self.ballots)))

    def write_ballots(self) -> None:
        if self.survey is None:
            return
        folder = QFileDialog.getExistingDirectory(self, tr("Folder for the ballots", self._lang),
                                                  self.ctx.folder("packs"))
        if not folder:
            return
        try:
            write_ballot_pdf(self.survey, Path(folder) / tr("ballot.pdf", self._lang), self._lang)
            write_ballot_xlsx(self.survey, Path(folder) / tr("ballot.xlsx", self._lang), self._lang)
        except (KlyngeError, OSError) as error:
            show_error(self, error, self._lang)

    def read_returned(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, tr("Read returned ballots", self._lang), "",
                                                tr("Ballots (*.xlsx)", self._lang))
        if not files or self.survey is None:
            return
        try:
            survey, ballots = read_ballots(files)
            if survey is not None and survey.survey_id != self.survey.survey_id:
                raise KlyngeError("The ballot {file} belongs to another survey ({title}).", file=ballots[0].source,
                                  title=survey.title)
            for ballot in ballots:
                tally(self.survey, [ballot])  # each ballot checked before any is kept
        except KlyngeError as error:
            show_error(self, error, self._lang)
            return
        self.ballots += ballots
        self._enable()

    def typed(self) -> dict[str, list[int]]:
        assert self.survey is not None
        out = {}
        for r, c in enumerate(self.survey.candidates):
            numbers = []
            for col in range(1, self.survey.choices + 1):
                text = (self.votes.item(r, col).text() if self.votes.item(r, col) else "").strip() or "0"
                if not text.isdigit():
                    raise KlyngeError("The tally for {key} needs at most {n} counts of 0 or more.", key=c.title,
                                      n=self.survey.choices)
                numbers.append(int(text))
            out[c.key] = numbers
        return out

    def count(self) -> None:
        if self.survey is None:
            return
        try:
            self.counts = tally(self.survey, self.ballots, self.typed())
        except KlyngeError as error:
            show_error(self, error, self._lang)
            return
        self._show_ranking()

    def ballot_count(self) -> int:
        return len(self.ballots) + self.paper.value()

    def _show_ranking(self) -> None:
        assert self.survey is not None
        lang, n = self._lang, self.survey.choices
        ranked = ranking(self.survey, self.counts)
        self.ranking.setColumnCount(4 + n)
        self.ranking.setHorizontalHeaderLabels([tr("Place in ranking", lang), tr("Candidate topic", lang),
                                                tr("Points", lang), *[tr("Prio. {n}", lang, n=i) for i in range(1, n + 1)],
                                                tr("Votes", lang)])
        self.ranking.setRowCount(len(ranked))
        for r, row in enumerate(ranked):
            shown = candidate_shown(row.key, row.title, lang, self._project)
            for c, text in enumerate([f"{row.place}.", shown, str(row.points), *map(str, row.by_priority),
                                      str(row.votes)]):
                self.ranking.setItem(r, c, QTableWidgetItem(text))
        self.ranking.resizeColumnsToContents()
        self._enable()

    def save(self) -> None:
        if self.survey is None or self._project is None or not self.counts:
            return
        save_survey(self._project, self.survey, self.counts, self.ballot_count())

    def print_ranking(self) -> None:
        if self.survey is None or not self.counts:
            return
        path, _ = QFileDialog.getSaveFileName(self, tr("Print ranking", self._lang),
                                              str(Path(self.ctx.folder("packs")) / tr("ranking.pdf", self._lang)),
                                              tr("PDF files (*.pdf)", self._lang))
        if not path:
            return
        try:
            write_ranking_pdf(self.survey, ranking(self.survey, self.counts), self.ballot_count(), path, self._lang,
                              typed_in=any(any(v) for v in self.typed().values()))
        except (KlyngeError, OSError) as error:
            show_error(self, error, self._lang)
