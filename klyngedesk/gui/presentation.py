"""Presentation mode for the projector: full screen, one indicator at a time, codes only, arrows step, Esc leaves."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from klyngedesk.core.anonymise import AnonymisedTable
from klyngedesk.core.model import Topic
from klyngedesk.core.render.chart_builder import ChartContext, ranked_chart
from klyngedesk.core.render.charts import RankedBarChart
from klyngedesk.core.render.indicator_pages import change_words, few_clinics_sentence, indicator_meta
from klyngedesk.core.store import Project
from klyngedesk.gui.chart_view import ChartView
from klyngedesk.gui.display_names import indicator_shown, topic_shown
from klyngedesk.i18n import current_language, tr

NEXT_KEYS = {Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_Space, Qt.Key.Key_PageDown}
PREVIOUS_KEYS = {Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_PageUp, Qt.Key.Key_Backspace}


@dataclass(frozen=True)
class Slide:
    topic: Topic
    table: AnonymisedTable
    indicator: str


@dataclass(frozen=True)
class Waiting:
    """The place of a topic whose slides are still being audited on the worker."""

    topic: Topic


def _ranked_spec(slide: Slide, lang: str) -> RankedBarChart:
    """The slide's ranked chart (pure: may run on a worker thread)."""
    ind = slide.table.indicator(slide.indicator)
    ctx = ChartContext(lang, show_names=True, suppressed_text=slide.table.suppressed_text,
                       hidden_text=slide.table.hidden_text)   # ("hidden" on English slides, as the pack prints)
    return ranked_chart(ind, indicator_meta(slide.topic, slide.indicator), ctx)


def topic_slides(topic: Topic, table: AnonymisedTable, lang: str) -> list[Slide]:
    """One slide per indicator, its table in the slides' language as the pack prints it (the change sentence
    naming the indicator and the rounds in that language, e.g. 'H1 2026', not '1. halvår 2026')."""
    from klyngedesk.core.render.indicator_pages import TopicMaterial, in_language

    table = in_language([TopicMaterial(table, topic)], lang)[0].table
    return [Slide(topic, table, ind.key) for ind in table.indicators]


def printed_slides(project: Project, meeting: str, lang: str) -> tuple[list[Slide] | None, str]:
    """The slides of the meeting's printed pack, its own tables, while nothing they rest on changed since the
    print (core/anonymise/printed_tables.py); else None and why not in words (empty: never printed)."""
    from klyngedesk.core.anonymise.printed_tables import printed_or_why

    tables, why = printed_or_why(project, meeting, lang)
    if tables is None:
        return None, why
    return [s for table in tables for s in topic_slides(project.topic(table.topic), table, lang)], ""


def slides_for(project: Project, meeting: str, progress: Callable[[float, str], None] | None = None,
               lang: str | None = None) -> list[Slide]:
    """One slide per indicator of the meeting's topics, from the anonymised tables only (codes + consents),
    each topic audited once with the topics before it, as the pack prints them; `progress(fraction, text)`
    is told as each topic's table is begun (and may raise to cancel)."""
    from klyngedesk.core.anonymise.build import anonymised_with_disclosure

    slides: list[Slide] = []
    keys = project.meeting(meeting).topics
    before: list = []
    for n, key in enumerate(keys):
        topic = project.topic(key)
        if progress is not None:
            progress(n / max(len(keys), 1), topic.title)
        table, disclosure, _breaches = anonymised_with_disclosure(project, meeting, key, before=before, lang=lang)
        before.append(disclosure)
        slides += topic_slides(topic, table, lang or current_language())
    return slides


class PresentationWindow(QWidget):
    """A top-level window holding nothing but the slides; it never sees a name the group may not see."""

    left = Signal()

    def __init__(self, slides: list[Slide], lang: str, cluster_name: str = "", waiting: list[Topic] = (),
                 notice: str = "") -> None:
        super().__init__()
        self.setObjectName("presentation")
        self.setWindowTitle(tr("Presentation", lang))
        self.setStyleSheet("QWidget#presentation { background: white; } QLabel { color: #1F2933; }")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        # `waiting`: the meeting's topics after `slides` still audited on the worker, one stand-in slide each
        # until `add_topic` puts their slides in its place.
        self.slides: list[Slide | Waiting] = [*slides, *(Waiting(t) for t in waiting)]
        self._lang, self.index = lang, 0
        self._specs: dict[int, RankedBarChart | Future[RankedBarChart]] = {}  # each slide's chart, built once
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="next-slide")
        # Why these slides were audited again although the pack was printed (fixed words, no name): on the first
        # slide, so that the room knows they may differ from the paper in their hands.
        self.notice = QLabel(notice)
        self.notice.setObjectName("presentation_notice")
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)
        self.heading = QLabel()
        self.heading.setObjectName("presentation_heading")
        self.heading.setWordWrap(True)
        self.subheading = QLabel()
        self.chart = ChartView(font_size=16, lang=lang)
        self.chart.title.setVisible(False)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.footer = QLabel()
        self.footer.setObjectName("presentation_footer")
        self.cluster = QLabel(cluster_name)
        self._type_size = 0
        bottom = QHBoxLayout()
        bottom.addWidget(self.cluster)
        bottom.addStretch(1)
        bottom.addWidget(self.footer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 24)
        layout.addWidget(self.notice)
        layout.addWidget(self.heading)
        layout.addWidget(self.subheading)
        layout.addWidget(self.chart, 4)
        layout.addWidget(self.caption)
        layout.addLayout(bottom)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # The chart is drawn once the window has its size (and type size), not again for each step of its
        # way to full screen: resizes within one turn of the event loop draw it once.
        self._redraw = QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(0)
        self._redraw.timeout.connect(self._draw_chart)
        self.show_slide(0, draw=False)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt name
        """Large type that still leaves the chart most of the screen: sizes follow the window height."""
        super().resizeEvent(event)
        size = max(10, min(22, self.height() // 48))
        if size == self._type_size:
            return
        self._type_size = size
        self.heading.setStyleSheet(f"font-size: {int(size * 1.8)}pt; font-weight: 600;")
        self.subheading.setStyleSheet(f"font-size: {int(size * 1.1)}pt; color: #5B6770;")
        self.notice.setStyleSheet(f"font-size: {max(9, int(size * 0.8))}pt; color: #8A4B00;")
        self.chart.note.setStyleSheet(f"font-size: {size}pt;")
        self.caption.setStyleSheet(f"font-size: {size}pt;")
        for label in (self.footer, self.cluster):
            label.setStyleSheet(f"font-size: {max(9, int(size * 0.8))}pt; color: #5B6770;")
        self.chart.font_size = size
        if self.slides and not isinstance(self.slides[self.index], Waiting):
            self._redraw.start()

    def ready(self) -> bool:
        """The slide on screen is drawn (not a topic still being prepared)."""
        return not self.slides or not isinstance(self.slides[self.index], Waiting)

    def waiting_topics(self) -> list[Topic]:
        return [s.topic for s in self.slides if isinstance(s, Waiting)]

    def add_topic(self, slides: list[Slide]) -> None:
        """The first topic still being prepared has its slides: they take its stand-in's place; a user
        waiting on the stand-in sees the topic's first slide."""
        at = next((i for i, s in enumerate(self.slides) if isinstance(s, Waiting)), None)
        if at is None:
            return
        self.slides[at:at + 1] = slides
        self._specs = {i: spec for i, spec in self._specs.items() if i < at}  # later slides moved
        if self.index >= at:
            self.show_slide(self.index if self.index == at else self.index + len(slides) - 1)
        else:
            self._footer()

    def _footer(self) -> None:
        self.footer.setText(tr("{n} of {total} · ← → to step · Esc leaves", self._lang, n=self.index + 1,
                               total=len(self.slides)))

    def show_slide(self, index: int, draw: bool = True) -> None:
        """Slide `index` on screen; its chart drawn now, or (`draw` False) in the next turn of the event loop."""
        lang = self._lang
        self._redraw.stop()
        if not self.slides:
            self.heading.setText(tr("There is nothing to show for this meeting yet.", lang))
            self.footer.setText(tr("Esc leaves", lang))
            self.chart.show_spec(None)
            return
        self.index = max(0, min(index, len(self.slides) - 1))
        self.notice.setVisible(bool(self.notice.text()) and self.index == 0)
        slide = self.slides[self.index]
        if isinstance(slide, Waiting):
            self.heading.setText(topic_shown(slide.topic, lang))
            self.subheading.setText(tr("The figures for this topic are being prepared…", lang))
            self.chart.show_spec(None)
            self.caption.setText(tr("The slides appear here when they are ready; ← goes back.", lang))
            self._footer()
            return
        ind = slide.table.indicator(slide.indicator)
        self.heading.setText(indicator_shown(slide.topic, ind, lang))
        self.subheading.setText(f"{topic_shown(slide.topic, lang)} · {slide.table.period_label}")
        if draw:
            self._draw_chart()
        else:
            self._redraw.start()
        sentence = change_words(slide.table, ind, lang)
        if sentence and not ind.sentence.get(lang):   # the reason alone, as the handout's "Change" row gives it
            sentence = f"{tr('Change', lang)} {sentence}"
        self.caption.setText(" ".join(s for s in (sentence, few_clinics_sentence(ind, lang)) if s))
        self._footer()

    def _draw_chart(self) -> None:
        """The shown slide's chart, at the window's present type size; the next slide's begun on the worker."""
        self._redraw.stop()
        if self.slides and isinstance(self.slides[self.index], Slide):
            self.chart.show_spec(self._spec(self.index))
            self._prefetch(self.index + 1)

    def _spec(self, index: int) -> RankedBarChart:
        """Slide `index`'s chart: prefetched on the worker thread while the slide before it was shown, else
        built now."""
        made = self._specs.get(index)
        if isinstance(made, Future):
            made = made.result()  # (done, or nearly: it was begun when the previous slide was shown)
        if made is None:
            made = _ranked_spec(self.slides[index], self._lang)  # type: ignore[arg-type]
        self._specs[index] = made
        return made

    def _prefetch(self, index: int) -> None:
        """Begin the chart of the slide after the one shown on the worker thread (a pure computation)."""
        if 0 <= index < len(self.slides) and index not in self._specs and isinstance(self.slides[index], Slide):
            self._specs[index] = self._worker.submit(_ranked_spec, self.slides[index], self._lang)

    def texts(self) -> list[str]:
        """Everything on screen: every label's text and every chart label (for the privacy test)."""
        if self._redraw.isActive():   # the chart about to be drawn is on screen in a moment: it counts
            self._draw_chart()
        labels = [w.text() for w in self.findChildren(QLabel) if w.isVisible()]
        return labels + self.chart.texts()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.close()
        elif key in NEXT_KEYS:
            self.show_slide(self.index + 1)
        elif key in PREVIOUS_KEYS:
            self.show_slide(self.index - 1)
        elif key == Qt.Key.Key_Home:
            self.show_slide(0)
        elif key == Qt.Key.Key_End:
            self.show_slide(len(self.slides) - 1)
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="next-slide")  # shown again: anew
        self.left.emit()
        super().closeEvent(event)
