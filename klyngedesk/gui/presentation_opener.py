"""F5 on a large project: presentation mode opens with the printed pack's own tables when nothing changed since
the print, else as soon as the meeting's first topic is audited (progress, why, and Cancel at once meanwhile);
the later topics follow on the worker while the first is shown, and what was made is kept per meeting until the
project changes, so F5 again opens at once."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, SignalInstance
from PySide6.QtWidgets import QLabel, QProgressDialog, QWidget

from klyngedesk.core.store import Project
from klyngedesk.gui.display_names import topic_shown
from klyngedesk.gui.error_dialog import show_error
from klyngedesk.gui.meeting_slides import MeetingSlides
from klyngedesk.gui.presentation import PresentationWindow
from klyngedesk.gui.progress import when_cancelled
from klyngedesk.gui.tasks import TaskRunner
from klyngedesk.i18n import tr

Show = Callable[[PresentationWindow], None]


class PresentationOpener(QObject):
    """`open(project, meeting)`; `show(window)` puts a made presentation window on the projector."""

    def __init__(self, parent: QWidget, runner: TaskRunner, lang: str, show: Show,
                 project_closed: SignalInstance | None = None) -> None:
        super().__init__(parent)
        if project_closed is not None:
            project_closed.connect(self.forget)
        self._parent, self.runner, self.lang, self._show = parent, runner, lang, show
        self._meetings: dict[str, MeetingSlides] = {}
        self.dialog: QProgressDialog | None = None
        self.window: PresentationWindow | None = None
        self._waiting_for: MeetingSlides | None = None  # the slides the progress dialog waits for
        self._shown_slides: MeetingSlides | None = None  # the slides of the presentation window
        self._progress = ""  # what the progress dialog says is being done
        self._clock = QTimer(self)  # the dialog says each second how long the audit has run
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._tick)

    def forget(self) -> None:
        """The project was closed: every audit under way stops at once, nothing of it is kept or shown."""
        for slides in self._meetings.values():
            slides.stop()
        self._meetings = {}
        self._close_dialog()
        self._shown_slides = None

    def slides(self, project: Project, meeting: str) -> MeetingSlides:
        """The meeting's slides audited so far, if the project has not changed since; else a fresh start."""
        kept = self._meetings.get(meeting)
        if kept is not None and kept.project is project and kept.error is None and kept.current():
            return kept
        for old in self._meetings.values():
            old.stop()
        if kept is None or kept.project is not project:
            self._meetings = {k: m for k, m in self._meetings.items() if m.project is project}
        fresh = MeetingSlides(project, meeting, self.lang, self.runner, self)
        fresh.topic_ready.connect(lambda i, s=fresh: self._topic_ready(s, i))
        fresh.failed.connect(lambda error, s=fresh: self._failed(s, error))
        fresh.noticed.connect(lambda text, s=fresh: self._noticed(s, text))
        self._meetings[meeting] = fresh
        return fresh

    def open(self, project: Project, meeting: str) -> None:
        slides = self.slides(project, meeting)
        self._close_dialog()
        slides.prefetch()
        if slides.ready or slides.complete:
            self._open_window(slides)
            return
        lang = self.lang
        dialog = QProgressDialog(tr("Preparing the presentation…", lang), tr("Cancel", lang), 0, 0, self._parent)
        dialog.setObjectName("progress_dialog")
        dialog.setWindowTitle(tr("Presentation mode", lang))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        label = QLabel()
        label.setWordWrap(True)  # (why the printed tables are not shown is a long line: it wraps in the dialog)
        dialog.setLabel(label)
        dialog.setMinimumDuration(0)  # at once: the audit of a region's topic takes a while
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        self._progress = tr("Preparing the presentation… {topic} is audited (topic {n} of {total}); the slides open "
                            "as soon as it is done.", lang, topic=topic_shown(slides.topics[0], lang), n=1,
                            total=len(slides.topics))
        if slides.notice:  # (known from an audit of this meeting stopped earlier)
            self._progress = slides.notice + "\n\n" + self._progress
        dialog.setLabelText(self._progress)
        dialog.setMinimumWidth(480)
        dialog.setMaximumWidth(640)
        when_cancelled(dialog, lambda s=slides: self._cancelled(s))
        self.dialog = dialog
        self._waiting_for = slides
        dialog.show()
        self._clock.start()

    def _tick(self) -> None:
        """The progress dialog's second line: how long the audit has run (a region's topic takes minutes)."""
        slides, dialog = self._waiting_for, self.dialog
        if slides is None or dialog is None or slides.started is None:
            return
        seconds = int(time.monotonic() - slides.started)
        spent = tr("{m} min {s} s", self.lang, m=seconds // 60, s=f"{seconds % 60:02d}") if seconds >= 60 \
            else tr("{s} s", self.lang, s=seconds)
        dialog.setLabelText(self._progress + "\n" + tr("The audit has run for {time}; Cancel stops it at once.",
                                                       self.lang, time=spent))

    def _noticed(self, slides: MeetingSlides, text: str) -> None:
        """Why the printed pack's tables are not shown: said above the progress while the audit runs."""
        if self.dialog is not None and self._waiting_for is slides and text not in self._progress:
            self._progress = text + "\n\n" + self._progress
            self.dialog.setLabelText(self._progress)
            self._tick()

    def _cancelled(self, slides: MeetingSlides) -> None:
        slides.stop()
        self._close_dialog()

    def _close_dialog(self) -> None:
        self._clock.stop()
        dialog, self.dialog = self.dialog, None
        self._waiting_for = None
        if dialog is not None:
            dialog.canceled.disconnect()
            dialog.rejected.disconnect()  # (closing a visible dialog rejects it: that is no Cancel)
            dialog.close()
            dialog.deleteLater()

    def _open_window(self, slides: MeetingSlides) -> None:
        if self.window is not None:
            self.window.close()
        window = PresentationWindow(slides.all_slides(), self.lang, slides.project.cluster().name,
                                    waiting=slides.topics[slides.ready:], notice=slides.notice)
        window.left.connect(slides.stop)  # Esc: the audit of the later topics stops at once; what is done stays
        self.window = window
        self._shown_slides = slides
        self._show(window)

    def _topic_ready(self, slides: MeetingSlides, index: int) -> None:
        if self.dialog is not None and self._waiting_for is slides:
            self._close_dialog()
            self._open_window(slides)
            return
        window = self.window
        if window is not None and window.isVisible() and self._shown_slides is slides:
            window.add_topic(slides.slides(index))

    def _failed(self, slides: MeetingSlides, error: Exception) -> None:
        waiting = self.dialog is not None and self._waiting_for is slides
        self._close_dialog()
        if waiting or (self.window is not None and self.window.isVisible()):
            show_error(self.window if self.window is not None and self.window.isVisible() else self._parent,
                       error, self.lang)
