"""A clinic's personal handout: its code, its own true figures highlighted in every chart, its notes and actions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.platypus import CondPageBreak, Flowable, Spacer

from klyngedesk.core.anonymise import AnonymisedIndicator
from klyngedesk.core.formatting import format_date
from klyngedesk.core.model import Meeting
from klyngedesk.core.render import wording
from klyngedesk.core.render.chart_builder import (
    ChartContext,
    OwnFigures,
    RankedForReaders,
    better_words,
    every_clinic_hidden,
    interval_label,
)
from klyngedesk.core.render.chart_pdf import legend_strip
from klyngedesk.core.render.group_handout import document_info
from klyngedesk.core.render.indicator_pages import (
    TopicMaterial,
    in_language,
    indicator_meta,
    indicator_title,
    shown_topic_title,
)
from klyngedesk.core.render.page_template import CONTENT_WIDTH, OutlineEntry, PackDocument
from klyngedesk.core.render.sections import bullets, chart, drawing_texts, grid, half_width, keep, p, rich
from klyngedesk.core.render.summary_page import limits_word, personal_summary
from klyngedesk.core.render.trend_chart import MIN_ROUNDS, draw_trend, trend_chart
from klyngedesk.i18n import tr


@dataclass(frozen=True)
class Action:
    text: str
    indicator_title: str | None = None
    remeasure_on: date | None = None


@dataclass(frozen=True)
class PersonalMaterial:
    """Everything one clinic's handout shows about the clinic itself (the rest comes from anonymised tables)."""

    clinic_name: str
    code: str
    own: dict[str, OwnFigures]                       # indicator key -> the clinic's true figures
    actions: tuple[Action, ...] = ()
    general_notes: tuple[str, ...] = ()
    topics: tuple[TopicMaterial, ...] = field(default_factory=tuple)


def own_lines(own: OwnFigures | None, unit: str, since: str | None, lang: str) -> list[Flowable]:
    """The clinic's own figures under its chart, in two short lines: value with its interval and counts, then
    the change with its interval and what the 99.8 % limits say (the section's lead names the baseline)."""
    if own is None:
        return [p(tr("Your clinic has no value for this indicator.", lang), "cell")]
    value = wording.point(own.value, own.ci_low, own.ci_high, unit, lang)
    parts = [f"<b>{escape(tr('Your figures', lang))}:</b> {escape(value)}"]
    if own.ci_low is not None:
        parts[0] += " " + escape(f"({wording.interval(own.ci_low, own.ci_high, unit, lang, value=own.value)})")
    if own.numerator is not None and own.denominator is not None:
        parts.append(escape(tr("{numerator} of {denominator}", lang, numerator=wording.count(own.numerator, lang),
                               denominator=wording.count(own.denominator, lang))))
    lines: list[Flowable] = [rich(" · ".join(parts), "cell")]
    second = []
    if since:
        change = wording.change_figure(own.change, lang, undetermined=True, brief=True)   # one line, not two
        second.append(tr("Change: {change}" if wording.change_too_wide(own.change) else "Change {change}", lang,
                         change=change))
    flag = wording.flag_text(own.flag, lang)
    if flag:
        second.append(tr("{flag}: more than chance alone can explain", lang, flag=flag[:1].upper() + flag[1:]))
    elif limits_word(own, lang) == tr("inside", lang):   # never 'inside' limits nobody worked out (the summary's '–')
        second.append(tr("inside the 99.8% limits", lang))
    if second:
        lines.append(p(" · ".join(second), "cell"))
    if own.notes:
        lines.append(bullets(own.notes, "small"))
    return lines


def order_words(direction: str | None, lang: str, others_hidden: bool = False) -> str:
    """The compact chart's order in a few words, for the line above it: 'lower is better, best on top' (none
    where every other clinic is hidden: the reader's bar is on top only because no other value is shown)."""
    if others_hidden:
        return tr("the other clinics' values are hidden", lang)
    if direction in ("max", "min"):
        return tr("{better}, best on top", lang, better=better_words(direction, lang))
    return tr("highest on top, no better direction", lang)


class SharedCharts:
    """What the personal handouts of one pack share, made once for all of them: the topics in the readers'
    language and each indicator's ranked chart with the other clinics' bars (`RankedForReaders`)."""

    def __init__(self, topics: Sequence[TopicMaterial], lang: str) -> None:
        self.lang = lang
        self._source = tuple(topics)
        self._topics = tuple(in_language(topics, lang))
        self._ranked: dict[tuple[str, str], RankedForReaders] = {}

    def localised(self, topics: Sequence[TopicMaterial]) -> tuple[TopicMaterial, ...]:
        """A clinic's topics (these tables with its own notes) in the readers' language, as `in_language`."""
        if len(topics) != len(self._source) or any(t.table is not s.table or t.topic is not s.topic
                                                   for t, s in zip(topics, self._source, strict=True)):
            return tuple(in_language(topics, self.lang))   # other tables than these were made from
        return tuple(replace(common, notes=t.notes, own_composition=t.own_composition)
                     for t, common in zip(topics, self._topics, strict=True))

    def ranked(self, topic: TopicMaterial, ind: AnonymisedIndicator, ctx: ChartContext) -> RankedForReaders:
        """The indicator's ranked chart for every reader (`ctx`: the readers' language and texts)."""
        key = (topic.topic.key, ind.key)
        made = self._ranked.get(key)
        if made is None or made.ind is not ind or made.ctx != replace(ctx, own_code=None, own=None):
            made = self._ranked[key] = RankedForReaders(ind, indicator_meta(topic.topic, ind.key), ctx)
        return made


def _readers_chart(topic: TopicMaterial, ind: AnonymisedIndicator, ctx: ChartContext,
                   shared: SharedCharts | None) -> RankedForReaders:
    """The indicator's ranked chart for every reader (the pack's shared one when there is one)."""
    return shared.ranked(topic, ind, ctx) if shared is not None else \
        RankedForReaders(ind, indicator_meta(topic.topic, ind.key), ctx)


def _readers_context(topic: TopicMaterial, lang: str, code: str, own: OwnFigures | None) -> ChartContext:
    return ChartContext(lang, show_names=False, own_code=code, own=own, suppressed_text=topic.table.suppressed_text,
                        hidden_text=topic.table.hidden_text)


def own_position_cell(topic: TopicMaterial, ind: AnonymisedIndicator, own: OwnFigures | None, code: str,
                      lang: str, first: bool, shared: SharedCharts | None = None,
                      say_wide: bool = False) -> list[Flowable]:
    """One indicator in the personal handout: topic and title, the ranked chart with the own bar highlighted
    among the codes, the own figures (value, interval, change, what the limits say) and notes. With three
    or more rounds the cell is the page's width: the ranked chart beside the own line over every round
    (against the cluster's median and deciles) with the own figures under it. `say_wide`: the page's key
    leaves it to each chart to say where the other clinics' intervals are wide ones."""
    meta = indicator_meta(topic.topic, ind.key)
    ctx = _readers_context(topic, lang, code, own)
    since = (topic.table.compare_label or topic.table.compare) if topic.table.compare else None
    notes = topic.notes.get(ind.key, ())
    topic_name = shown_topic_title(topic, lang)
    # its title (the order and the better side) goes into the label line
    readers = _readers_chart(topic, ind, ctx, shared)
    spec = readers.spec(code, own)
    kinds = readers.other_kinds(code)
    if say_wide and "wide" in kinds:   # the compact chart draws no key of its own: its note says it
        spec = replace(spec, note=_wide_note(kinds, spec.note, lang))
    head = [*([OutlineEntry(topic_name, 1)] if first else []),
            p(f"{topic_name.upper()} · {order_words(meta.direction, lang, every_clinic_hidden(ind))}", "label"),
            p(indicator_title(topic.topic, ind, lang), "h3_tight")]
    # the order goes into the label line and the unit is in the title: neither is repeated in the chart
    ranked = chart(replace(spec, title="", axis=replace(spec.axis, label="")), half_width(), compact=True)
    figures = [*own_lines(own, ind.unit, since, lang), *([bullets(notes, "small")] if notes else [])]
    trend = trend_chart(ind, meta, ctx, practices=False)
    if trend is not None:   # the unit and the better side are in the lines above it, as for the ranked chart
        trend = replace(trend, axis=replace(trend.axis, label=""), better_label="")
        return [*head, grid([ranked, [draw_trend(trend, half_width(), compact=True), *figures]], pad=4)]
    return [*head, ranked, *figures]


def own_position_pages(material: PersonalMaterial, lang: str, shared: SharedCharts | None = None) -> list[Flowable]:
    """The clinic's own position on every indicator, two side by side (one a row with a trend), topic after
    topic without a page break (a 12-indicator meeting of 14 clinics takes two pages), under one legend for
    all the small charts."""
    rows: list[Flowable] = []
    pair: list[list[Flowable]] = []
    key, say_wide = page_interval_key(material, lang, shared)
    for topic in material.topics:
        for i, ind in enumerate(topic.table.indicators):
            cell = own_position_cell(topic, ind, material.own.get(ind.key), material.code, lang, i == 0, shared,
                                     say_wide)
            if len(ind.trend) >= MIN_ROUNDS:
                rows.append(keep(*cell))
                continue
            pair.append(cell)
            if len(pair) == 2:
                rows.append(keep(grid(pair, pad=4)))
                pair = []
    if pair:
        rows.append(keep(grid([pair[0], []], pad=4)))
    if not rows:
        return []
    since = next((t.table.compare_label or t.table.compare for t in material.topics if t.table.compare), None)
    lead = tr("Changes since {baseline}, with their 95% CI", lang, baseline=since) if since else ""
    return [CondPageBreak(300), OutlineEntry(tr("Your place on each indicator", lang), 0),
            keep(p(tr("Your place on each indicator", lang), "h2"),
                 legend_strip(key, tr("Your clinic ({code})", lang, code=material.code),
                              tr("outside the 99.8% limit", lang), CONTENT_WIDTH, lead), Spacer(1, 4)), *rows]


def _wide_note(kinds: set[str | None], note: str, lang: str) -> str:
    """A compact chart's note saying that the other clinics' whiskers are wide ones (all or some of them)."""
    wide = tr("some clinics' 95% CI wide", lang) if "exact" in kinds else tr("the others' 95% CI wide", lang)
    return f"{note}; {wide}" if note else wide   # flows on in the key's rows (chart_pdf._legend_places)


def page_interval_key(material: PersonalMaterial, lang: str, shared: SharedCharts | None = None) -> tuple[str, bool]:
    """The words the small charts' shared key gives their whiskers, and whether each chart must say where the
    other clinics' are wide: the reader's own interval is its exact one; the others' are exact, or wide where
    the exact ones would give a list size back (the key said "95 %-KI" over wide whiskers before)."""
    charts = [_readers_chart(t, ind, _readers_context(t, lang, material.code, None), shared)
              .other_kinds(material.code) - {None} for t in material.topics for ind in t.table.indicators]
    drawn = [kinds for kinds in charts if kinds]
    if not any("wide" in kinds for kinds in drawn):
        return tr("95% CI", lang), False
    if all(kinds == {"wide"} for kinds in drawn):
        return interval_label({"wide"}, lang, own=True), False
    return tr("95% CI; the other clinics' wide where the chart says so", lang), True


def personal_story(material: PersonalMaterial, meeting: Meeting, cluster_name: str, lang: str,
                   shared: SharedCharts | None = None) -> list[Flowable]:
    """The handout's flowables; `shared`: what a pack's handouts share (made here for a single handout)."""
    shared = shared if shared is not None and shared.lang == lang else SharedCharts(material.topics, lang)
    material = replace(material, topics=shared.localised(material.topics))
    story: list[Flowable] = [
        p(f"{tr('Personal handout', lang).upper()} · {meeting.title} · {format_date(meeting.date, lang)}", "label"),
        p(material.clinic_name, "h1"),
        p(tr("Your clinic has code {code} in today's material", lang, code=material.code), "callout"),
    ]
    if material.topics:
        story += personal_summary(list(material.topics), material.own, material.code, meeting, lang)
    if material.actions:
        items = []
        for a in material.actions:
            text = a.text
            if a.indicator_title:
                text = f"{a.indicator_title}: {text}"
            if a.remeasure_on:
                text += " " + tr("(measure again {date})", lang, date=format_date(a.remeasure_on, lang))
            items.append(text)
        story += [keep(p(tr("Your planned actions", lang), "h3"), bullets(items))]
    if material.general_notes:
        story += [keep(p(tr("Notes", lang), "h3"), bullets(material.general_notes, "small"))]
    story += own_position_pages(material, lang, shared)
    return story


def render_personal(target: str | Path | BinaryIO, material: PersonalMaterial, meeting: Meeting, cluster_name: str,
                    lang: str, check: Callable[[list[str]], None] | None = None,
                    shared: SharedCharts | None = None, footer: str = "", whole_sheets: bool = False) -> int:
    """Write one clinic's handout and return its page count; `check` sees every text first (the leak check)
    and may raise. A pack passes the `shared` charts of all its handouts (made from the same topics), the
    sealed `footer` for every page and `whole_sheets` (a blank back after an odd last page, not counted)."""
    story = personal_story(material, meeting, cluster_name, lang, shared)
    if check is not None:
        check(["\n".join(dict.fromkeys(drawing_texts(story)))])   # one scan of each distinct text
    info = replace(document_info(f"{meeting.title} — {material.clinic_name}", cluster_name, meeting, lang,
                                 subject=tr("Personal handout", lang)), footer=footer, whole_sheets=whole_sheets)
    return PackDocument(target, info).build_story(story)

