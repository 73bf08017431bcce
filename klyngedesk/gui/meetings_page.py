"""The meetings tab: plan a meeting, draw its codes, record consents, set the threshold, build the pack."""

from __future__ import annotations

import functools
import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from klyngedesk.core.anonymise import draw_codes
from klyngedesk.core.anonymise.codes import consent_wording
from klyngedesk.core.formatting import format_date, format_date_time, format_time_range
from klyngedesk.core.model import Clinic, Meeting
from klyngedesk.core.period_names import period_label
from klyngedesk.core.settings import THRESHOLD, resolve
from klyngedesk.core.store import Project
from klyngedesk.gui.change_stamp import clinics as kept_clinics
from klyngedesk.gui.change_stamp import topics_with_data
from klyngedesk.gui.context import AppContext
from klyngedesk.gui.display_names import topic_shown
from klyngedesk.gui.error_dialog import show_error
from klyngedesk.gui.meeting_dialog import MeetingDialog
from klyngedesk.gui.pack_panel import PackPanel
from klyngedesk.gui.read_only import read_only_reason, writes
from klyngedesk.i18n import KlyngeError, tr

CODES_CHUNK = 250  # rows of the codes table filled per turn of the event loop


class MeetingsPage(QWidget):
    presentation_requested = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lang = self._lang = ctx.lang
        self._project: Project | None = None
        self.meeting_list = QListWidget()
        self.meeting_list.setObjectName("meeting_list")
        self.meeting_list.setAccessibleName(tr("Meetings", lang))
        self.meeting_list.setWordWrap(True)  # long meeting titles are read to their end
        self.new_button = QPushButton(tr("Plan meeting…", lang))
        self.new_button.setObjectName("plan_meeting_button")
        self.edit_button = QPushButton(tr("Edit meeting…", lang))
        self.new_button.clicked.connect(self.plan_meeting)
        self.edit_button.clicked.connect(self.edit_meeting)
        writes(self.new_button, self.edit_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.meeting_list, 1)
        left_layout.addWidget(self.new_button)
        left_layout.addWidget(self.edit_button)
        self.summary = QLabel()
        self.summary.setObjectName("meeting_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.draw_button = QPushButton(tr("Draw codes", lang))
        self.draw_button.setObjectName("draw_codes_button")
        self.draw_button.clicked.connect(self.draw)
        self.draw_state = QLabel()
        self.draw_state.setWordWrap(True)
        self.threshold = QSpinBox()
        self.threshold.setRange(1, 50)
        self.threshold.setAccessibleName(tr("Small-number threshold", lang))
        self.threshold.valueChanged.connect(self._threshold_changed)
        writes(self.draw_button, self.threshold)
        self.codes = QTableWidget(0, 3)
        self.codes.setObjectName("codes_table")
        self.codes.setAccessibleName(tr("Codes and consents", lang))
        self.codes.setHorizontalHeaderLabels([tr("Clinic", lang), tr("Code", lang), tr("Shown by name", lang)])
        self.codes.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.codes.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.codes.verticalHeader().setVisible(False)
        self.codes.itemChanged.connect(self._consent_changed)
        self.present_button = QPushButton(tr("Presentation mode", lang))
        self.present_button.setObjectName("present_button")
        self.present_button.clicked.connect(lambda: self.meeting_key() and
                                            self.presentation_requested.emit(self.meeting_key()))
        codes_box = QGroupBox(tr("Codes and consents", lang))
        codes_layout = QVBoxLayout(codes_box)
        row = QHBoxLayout()
        row.addWidget(self.draw_button)
        row.addWidget(QLabel(tr("Small-number threshold", lang)))
        row.addWidget(self.threshold)
        row.addStretch(1)
        row.addWidget(self.present_button)
        codes_layout.addLayout(row)
        codes_layout.addWidget(self.draw_state)
        tick_hint = QLabel(tr("Tick the clinics that agreed at the meeting to be shown by name.", lang) + " "
                           + consent_wording(lang))
        tick_hint.setWordWrap(True)
        codes_layout.addWidget(tick_hint)
        codes_layout.addWidget(self.codes, 1)
        self.pack = PackPanel(ctx)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.summary)
        split_right = QSplitter(Qt.Orientation.Vertical)
        split_right.addWidget(codes_box)
        split_right.addWidget(self.pack)
        split_right.setStretchFactor(0, 1)
        split_right.setStretchFactor(1, 1)
        codes_box.setMinimumHeight(240)
        self.pack.setMinimumHeight(300)
        right_layout.addWidget(split_right, 1)
        scroll = QScrollArea()  # on a small screen the page scrolls instead of squeezing the tables
        scroll.setAccessibleName(tr("Meeting", lang))
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(right)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(scroll)
        split.setStretchFactor(1, 3)
        split.setSizes([200, 900])
        left.setMaximumWidth(340)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self._filling = 0  # the codes table's fills, counted: only the newest goes on
        self.meeting_list.currentRowChanged.connect(lambda _row: self.show_meeting())
        self.dialog: MeetingDialog | None = None

    # --- loading --------------------------------------------------------------------------
    def load(self, project: Project) -> None:
        kept = self.meeting_key() if self._project is project else None
        self._project = project
        self.meeting_list.blockSignals(True)
        self.meeting_list.clear()
        for meeting in project.meetings():
            item = QListWidgetItem(f"{format_date(meeting.date, self._lang)}\n{meeting.title}")
            item.setData(Qt.ItemDataRole.UserRole, meeting.key)
            item.setToolTip(meeting.title)
            self.meeting_list.addItem(item)
        keys = [self.meeting_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.meeting_list.count())]
        self.meeting_list.setCurrentRow(keys.index(kept) if kept in keys else len(keys) - 1)
        self.meeting_list.blockSignals(False)
        self.show_meeting()  # once (choosing the row above said nothing)

    def meeting_key(self) -> str | None:
        item = self.meeting_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def show_meeting(self) -> None:
        project, key = self._project, self.meeting_key()
        for w in (self.edit_button, self.draw_button, self.present_button, self.threshold):
            w.setEnabled(key is not None)
        self.pack.set_meeting(project, key)
        self.threshold.blockSignals(True)  # the project's threshold, also while no meeting is chosen
        self.threshold.setValue(self.ctx.threshold())
        self.threshold.blockSignals(False)
        if project is None or key is None:
            self.summary.setText(tr("No meeting planned yet. Press Plan meeting.", self._lang))
            self._filling += 1  # a fill under way stops
            self.codes.setRowCount(0)
            return
        meeting = project.meeting(key)
        self.summary.setText(self._summary_html(project, meeting))
        self.threshold.blockSignals(True)
        self.threshold.setValue(resolve(THRESHOLD, project))
        self.threshold.blockSignals(False)
        self._fill_codes(project, meeting)

    def _summary_html(self, project: Project, meeting: Meeting) -> str:
        lang = self._lang
        topics = ", ".join(topic_shown(project.topic(t), lang) for t in meeting.topics)
        period = period_label(project.period(meeting.period).label, self._lang) if meeting.period else "–"
        compare = period_label(project.period(meeting.baseline_period).label, self._lang) if meeting.baseline_period else None
        parts = [f"<h2>{html.escape(meeting.title)}</h2>",
                 f"<p>{format_date(meeting.date, lang)} {html.escape(format_time_range(meeting.time, lang))} · "
                 f"{html.escape(meeting.place)}</p>",
                 f"<p><b>{tr('Topics', lang)}:</b> {html.escape(topics)}<br/>"
                 f"<b>{tr('Data from', lang)}:</b> {html.escape(period)}"
                 + (f" ({tr('compared with', lang)} {html.escape(compare)})" if compare else "") + "</p>"]
        if meeting.speakers:
            parts.append("<p><b>" + tr("Speakers", lang) + ":</b> " + "; ".join(
                html.escape(f"{s.name} ({s.organisation})" if s.organisation else s.name) for s in meeting.speakers)
                + "</p>")
        return "".join(parts)

    def _fill_codes(self, project: Project, meeting: Meeting) -> None:
        draw = project.draw(meeting.key)
        codes = draw["codes"] if draw else {}
        consents = project.consents(meeting.key)
        lang = self._lang
        if draw is None:
            self.draw_state.setText(tr("No codes drawn yet. Draw them before the pack is built.", lang))
        elif draw["frozen_at"]:
            self.draw_state.setText(tr("The codes were frozen when the pack was printed; they stay for this "
                                       "meeting.", lang))
        else:
            self.draw_state.setText(tr("Codes drawn {at}. You may draw again until the pack is printed.", lang,
                                       at=format_date_time(draw["drawn_at"], lang, short=True)))
        self.draw_button.setEnabled(not (draw and draw["frozen_at"]))
        clinics = kept_clinics(project)
        self._filling += 1
        self.codes.blockSignals(True)
        self.codes.clearContents()  # no row shows the previous meeting's codes or consents while this one fills
        self.codes.blockSignals(False)
        self.codes.setRowCount(len(clinics))
        self._fill_rows(self._filling, clinics, codes, consents, 0)

    def _fill_rows(self, filling: int, clinics: list[Clinic], codes: dict[str, str], consents: set[str],
                   start: int) -> None:
        """Rows `start`.. of the codes table, CODES_CHUNK at a time: a region's 1,700 clinics fill in a few turns
        of the event loop instead of one long one. A newer fill (another meeting) stops this one."""
        if filling != self._filling:
            return
        shown_by_name = tr("Shown by name", self._lang)
        # a consent on a read-only project cannot be stored: the tick shows what is stored and cannot be changed
        locked = self._project is not None and self._project.readonly
        tick_flags = Qt.ItemFlag.ItemIsSelectable | (Qt.ItemFlag.NoItemFlags if locked else
                                                      Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        self.codes.blockSignals(True)
        self.codes.setUpdatesEnabled(False)
        end = min(start + CODES_CHUNK, len(clinics))
        for row in range(start, end):
            clinic = clinics[row]
            name = QTableWidgetItem(clinic.shown_name)
            name.setToolTip(clinic.name)
            name.setData(Qt.ItemDataRole.UserRole, clinic.key)
            code = QTableWidgetItem(codes.get(clinic.key, "–"))
            code.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            consent = QTableWidgetItem()
            consent.setFlags(tick_flags)
            if locked:
                consent.setToolTip(read_only_reason(self._lang))
            consent.setCheckState(Qt.CheckState.Checked if clinic.key in consents else Qt.CheckState.Unchecked)
            consent.setData(Qt.ItemDataRole.AccessibleTextRole, shown_by_name)
            for col, item in enumerate((name, code, consent)):
                self.codes.setItem(row, col, item)
        self.codes.setUpdatesEnabled(True)
        self.codes.blockSignals(False)
        if end < len(clinics):
            QTimer.singleShot(0, self, functools.partial(self._fill_rows, filling, clinics, codes, consents, end))

    # --- actions --------------------------------------------------------------------------
    def plan_meeting(self) -> MeetingDialog | None:
        return self._open_dialog(None)

    def edit_meeting(self) -> MeetingDialog | None:
        key = self.meeting_key()
        return self._open_dialog(self._project.meeting(key)) if key and self._project else None

    def _open_dialog(self, meeting: Meeting | None) -> MeetingDialog | None:
        project = self._project
        if project is None:
            return None
        dialog = MeetingDialog(self._lang, project.topics(), project.periods(), meeting,
                               {m.key for m in project.meetings()}, self, data=topics_with_data(project))
        dialog.saver = lambda: self._save(dialog.result_meeting)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _save(self, meeting: Meeting | None) -> None:
        """Run by the dialog's OK: a refusal raises, and the dialog stays open with what was typed."""
        if meeting is None or self._project is None:
            return
        self._project.save_meeting(meeting)
        self.ctx.holder.data_changed.emit()
        for i in range(self.meeting_list.count()):
            if self.meeting_list.item(i).data(Qt.ItemDataRole.UserRole) == meeting.key:
                self.meeting_list.setCurrentRow(i)

    def draw(self) -> None:
        key, project = self.meeting_key(), self._project
        if key is None or project is None:
            return
        try:
            draw_codes(project, key, scheme=self.ctx.code_scheme())
        except KlyngeError as error:
            show_error(self, error, self._lang)
        self.show_meeting()

    def _consent_changed(self, item: QTableWidgetItem) -> None:
        key, project = self.meeting_key(), self._project
        if item.column() != 2 or key is None or project is None:
            return
        clinic = self.codes.item(item.row(), 0).data(Qt.ItemDataRole.UserRole)
        try:
            project.set_consent(key, clinic, item.checkState() == Qt.CheckState.Checked, consent_wording(self._lang))
        except (KlyngeError, OSError) as error:
            self._not_stored(error)

    def _threshold_changed(self, value: int) -> None:
        if self._project is not None:
            try:
                self._project.set_setting("threshold", value)
            except (KlyngeError, OSError) as error:
                self._not_stored(error)

    def _not_stored(self, error: BaseException) -> None:
        """A tick or a number the file refused (read-only, moved away, disk full): said, and the page shows again
        what is stored, never a tick that is not saved."""
        QTimer.singleShot(0, self, self.show_meeting)
        show_error(self, error, self._lang)
