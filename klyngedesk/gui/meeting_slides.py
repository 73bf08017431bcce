"""Presentation mode's slides of one meeting: the printed pack's own tables while nothing changed since the print,
else each topic audited once on the worker (in a child process), in the pack's order, the next topic prefetched
while the first is shown, kept while the project is unchanged."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Signal

from klyngedesk.core.anonymise.printed_tables import printed_or_why
from klyngedesk.core.model import Topic
from klyngedesk.core.settings import LIST_SIZE_DISPLAY, THRESHOLD, resolve
from klyngedesk.core.store import Project
from klyngedesk.gui.change_stamp import change_stamp
from klyngedesk.gui.meeting_audit import AuditCancelled, audit_topic
from klyngedesk.gui.presentation import Slide, topic_slides
from klyngedesk.gui.tasks import BackgroundTask, TaskRunner


def slides_stamp(project: Project, lang: str) -> tuple:
    """What the slides depend on, cheap to read: the project's change stamp, and the threshold and list-size
    setting as they resolve now (a user default lives outside the project file)."""
    return (*change_stamp(project), resolve(THRESHOLD, project), resolve(LIST_SIZE_DISPLAY, project), lang)


class MeetingSlides(QObject):
    """The meeting's topics, audited one after another on `runner`: `topic_ready(i)` when topic i's slides
    are there (`slides(i)`), `failed(error)` when one cannot be made. A topic is audited with the disclosure
    models of the topics before it, exactly as the pack prints it; so topic i needs topics 0..i-1 first."""

    topic_ready = Signal(int)
    failed = Signal(object)
    noticed = Signal(str)  # why the printed pack's tables are not shown (said while the audit runs)

    def __init__(self, project: Project, meeting: str, lang: str, runner: TaskRunner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project, self.meeting, self.lang, self.runner = project, meeting, lang, runner
        self.stamp = slides_stamp(project, lang)
        self.topics: list[Topic] = [project.topic(key) for key in project.meeting(meeting).topics]
        self._slides: list[list[Slide]] = []
        self._disclosures: list = []
        self._task: BackgroundTask | None = None
        self._wanted = False  # prefetch asked for since the last stop
        self.started: float | None = None  # time.monotonic() when the audit under way began
        self.error: Exception | None = None
        self.notice = ""      # why the slides are audited again although the meeting's pack was printed
        self.from_print = 0   # how many of the topics ready are the printed pack's own tables

    def current(self) -> bool:
        """Still what the project would give now (nothing changed since the audit began)."""
        return self.project is not None and slides_stamp(self.project, self.lang) == self.stamp

    @property
    def ready(self) -> int:
        """How many topics (from the first) have their slides."""
        return len(self._slides)

    @property
    def complete(self) -> bool:
        return self.ready == len(self.topics)

    @property
    def running(self) -> bool:
        return self._task is not None

    def slides(self, index: int) -> list[Slide]:
        return self._slides[index]

    def all_slides(self) -> list[Slide]:
        return [s for topic in self._slides for s in topic]

    def prefetch(self) -> None:
        """Audit the next topic not yet done (and, when it is, the one after it ...) unless one is running."""
        self._wanted = True
        if self._task is not None or self.complete or self.error is not None:
            return  # (a stopped task still ending: _stopped starts the next one)
        index = self.ready
        project, meeting, lang = self.project, self.meeting, self.lang
        key, before, path = self.topics[index].key, list(self._disclosures), project.path

        def work(progress, cancelled):
            return _topic(project, path, meeting, index, key, lang, before, progress, cancelled)

        self.started = time.monotonic()
        self._task = self.runner.start(work, f"presentation slides {key}",
                                       succeeded=lambda result: self._audited(index, result),
                                       progressed=lambda _fraction, text: self._noticed(text),
                                       failed=self._failed, cancelled=self._stopped)

    def stop(self) -> None:
        """Stop the audit under way at once (the child process is ended); what is done is kept."""
        self._wanted = False
        if self._task is not None:
            self._task.cancel()

    def _audited(self, index: int, result) -> None:
        self._task = None
        table, disclosure = result
        if index != self.ready:  # cannot happen (one task at a time), but never file a topic in another's place
            return
        if disclosure is None:
            self.from_print += 1
        else:
            self._disclosures.append(disclosure)
        self._slides.append(topic_slides(self.topics[index], table, self.lang))
        self.topic_ready.emit(index)
        if self._wanted:
            self.prefetch()

    def _noticed(self, text: str) -> None:
        if text and text != self.notice:
            self.notice = text
            self.noticed.emit(text)

    def _failed(self, error: Exception) -> None:
        self._task = None
        self.error = error
        self.failed.emit(error)

    def _stopped(self) -> None:
        self._task = None
        if self._wanted:  # presentation mode was opened again while the stopped audit was ending
            self.prefetch()


def _topic(project: Project, path, meeting: str, index: int, key: str, lang: str, before: list,
           progress, cancelled) -> tuple:
    """(table, disclosure) of the meeting's topic `index` (on the worker): the printed pack's own table while
    nothing it rests on changed since the print (disclosure None: nothing audited), else audited in a child
    process, after `progress(0, why)` says why the printed tables are not shown."""
    printed, notice = printed_or_why(project, meeting, lang, [index])
    if printed is not None:
        return printed[0], None
    if notice:
        progress(0.0, notice)
    if cancelled():  # (Cancel pressed while the print was compared: no child is started)
        raise AuditCancelled()
    # The disclosures of the topics before it are those audited here, or (topics read from the print) computed
    # again by the child from the project, exactly as the pack does.
    return audit_topic(path, meeting, key, lang, before if len(before) == index else None, cancelled)
