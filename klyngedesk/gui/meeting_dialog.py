"""Plan a meeting: date, time, place, title, agenda, speakers, topics, periods compared, questions."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from klyngedesk.core.cpr import CprInTypedText, refuse_cpr_in_meeting
from klyngedesk.core.model import Meeting, Period, Speaker, Topic
from klyngedesk.core.period_names import period_label
from klyngedesk.gui.clinic_dialog import tab_chain
from klyngedesk.gui.discard_guard import GuardedDialog
from klyngedesk.gui.display_names import date_format, topic_shown
from klyngedesk.i18n import tr


def _lines(edit: QPlainTextEdit) -> tuple[str, ...]:
    return tuple(line.strip() for line in edit.toPlainText().splitlines() if line.strip())


class MeetingDialog(GuardedDialog):
    """After accept, `result_meeting` holds the meeting to save (the key is kept when editing)."""

    def __init__(self, lang: str, topics: list[Topic], periods: list[Period], meeting: Meeting | None = None,
                 taken_keys: set[str] | None = None, parent: QWidget | None = None,
                 data: dict[str, set[str]] | None = None) -> None:
        """`data`: period key -> the topic keys with values in it (a new meeting starts from the latest round
        with data, compared with the round before it if that has data, and ticks the topics that have data)."""
        super().__init__(parent)
        self._lang = lang
        self._meeting = meeting
        self._taken = taken_keys or set()
        self.setObjectName("meeting_dialog")
        self.setWindowTitle(tr("Plan meeting", lang) if meeting is None else tr("Edit meeting", lang))
        data = data or {}
        with_data = [p for p in periods if data.get(p.key)]
        self.title = QLineEdit(meeting.title if meeting else tr("Cluster meeting", lang))
        self.title.setObjectName("meeting_title")
        day = meeting.date if meeting else date.today()
        self.date = QDateEdit(QDate(day.year, day.month, day.day))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat(date_format(lang))
        self.time = QLineEdit(meeting.time if meeting else "16.00-19.00")
        self.place = QLineEdit(meeting.place if meeting else "")
        self.agenda = QPlainTextEdit("\n".join(meeting.agenda) if meeting else "")
        self.agenda.setPlaceholderText(tr("One agenda item per line", lang))
        self.questions = QPlainTextEdit("\n".join(meeting.questions) if meeting else "")
        self.questions.setPlaceholderText(tr("One discussion question per line", lang))
        for edit in (self.agenda, self.questions):
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(80)
        self.speakers = QTableWidget(0, 3)
        self.speakers.setObjectName("meeting_speakers")
        self.speakers.setHorizontalHeaderLabels([tr("Speaker", lang), tr("Organisation", lang),
                                                 tr("Problem statement sent", lang)])
        self.speakers.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.speakers.setMaximumHeight(110)
        for speaker in meeting.speakers if meeting else ():
            self.add_speaker(speaker)
        add_speaker = QPushButton(tr("Add speaker", lang))
        add_speaker.clicked.connect(lambda: self.add_speaker(Speaker("")))
        self.topics = QListWidget()
        self.topics.setObjectName("meeting_topics")
        self.topics.setMaximumHeight(110)
        chosen = set(meeting.topics) if meeting else (data.get(with_data[-1].key, set()) if with_data else set())
        for topic in topics:
            item = QListWidgetItem(topic_shown(topic, lang))
            item.setData(Qt.ItemDataRole.UserRole, topic.key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if topic.key in chosen else Qt.CheckState.Unchecked)
            self.topics.addItem(item)
        self.period = QComboBox()
        self.baseline = QComboBox()
        self.baseline.addItem(tr("no comparison", lang), None)
        for p in periods:
            self.period.addItem(period_label(p.label, lang), p.key)
            self.baseline.addItem(period_label(p.label, lang), p.key)
        latest = with_data[-1].key if with_data else (periods[-1].key if periods else None)
        self.period.setCurrentIndex(max(0, self.period.findData(meeting.period if meeting and meeting.period
                                                                else latest)))
        if meeting and meeting.baseline_period:
            self.baseline.setCurrentIndex(self.baseline.findData(meeting.baseline_period))
        elif len(with_data) > 1:
            self.baseline.setCurrentIndex(self.baseline.findData(with_data[-2].key))
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #B03A00;")
        form = QFormLayout()
        form.addRow(tr("&Title", lang), self.title)
        form.addRow(tr("&Date", lang), self.date)
        form.addRow(tr("T&ime", lang), self.time)
        form.addRow(tr("&Place", lang), self.place)
        form.addRow(tr("&Agenda", lang), self.agenda)
        speakers_box = QVBoxLayout()
        speakers_box.addWidget(self.speakers)
        speakers_box.addWidget(add_speaker, 0, Qt.AlignmentFlag.AlignLeft)
        form.addRow(tr("Speakers", lang), speakers_box)
        form.addRow(tr("T&opics", lang), self.topics)
        periods_row = QHBoxLayout()
        periods_row.addWidget(self.period)
        periods_row.addWidget(QLabel(tr("compared with", lang)))
        periods_row.addWidget(self.baseline)
        form.addRow(tr("Data from", lang), periods_row)
        form.addRow(tr("&Questions", lang), self.questions)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.title.textChanged.connect(self._check)
        self.topics.itemChanged.connect(self._check)
        self._check()
        self.result_meeting: Meeting | None = None
        tab_chain(self.title, self.date, self.time, self.place, self.agenda, self.speakers, add_speaker, self.topics,
                  self.period, self.baseline, self.questions, self.buttons)

    def add_speaker(self, speaker: Speaker) -> None:
        row = self.speakers.rowCount()
        self.speakers.insertRow(row)
        for col, text in enumerate((speaker.name, speaker.organisation, speaker.problem_statement)):
            self.speakers.setItem(row, col, QTableWidgetItem(text))

    def chosen_topics(self) -> tuple[str, ...]:
        items = [self.topics.item(i) for i in range(self.topics.count())]
        return tuple(i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == Qt.CheckState.Checked)

    def problems(self) -> list[str]:
        found = []
        if not self.title.text().strip():
            found.append(tr("The meeting needs a title.", self._lang))
        if not self.chosen_topics():
            found.append(tr("Choose at least one topic.", self._lang))
        return found

    def _check(self) -> None:
        found = self.problems()
        self.problem.setText("\n".join(found))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not found)

    def _key(self, day: date) -> str:
        if self._meeting is not None:
            return self._meeting.key
        base = day.strftime("%Y-%m")
        key, n = base, 2
        while key in self._taken:
            key, n = f"{base}-{n}", n + 1
        return key

    def accept(self) -> None:
        if self.problems():
            return
        day = self.date.date().toPython()
        speakers = []
        for row in range(self.speakers.rowCount()):
            cells = [(self.speakers.item(row, c).text().strip() if self.speakers.item(row, c) else "")
                     for c in range(3)]
            if cells[0]:
                speakers.append(Speaker(*cells))
        old = self._meeting
        meeting = Meeting(
            key=self._key(day), date=day, title=self.title.text().strip(), time=re.sub(r"\s+", " ", self.time.text()),
            place=self.place.text().strip(), agenda=_lines(self.agenda), speakers=tuple(speakers),
            questions=_lines(self.questions), topics=self.chosen_topics(), period=self.period.currentData(),
            baseline_period=self.baseline.currentData(), settings=old.settings if old else {})
        try:   # refused here as the store would refuse it, so that what was typed stays in the dialog
            refuse_cpr_in_meeting(meeting)
        except CprInTypedText as error:
            self.problem.setText(error.message(self._lang))
            return
        self.result_meeting = meeting
        super().accept()
