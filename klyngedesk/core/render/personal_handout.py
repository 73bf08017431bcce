"""A clinic's personal handout: its code, its own true figures highlighted in every chart, its notes and actions."""

from __future__ import annotations

from collections.abc import Callable
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
from klyngedesk.core.render.chart_builder import ChartContext, OwnFigures, ranked_chart
from klyngedesk.core.render.group_handout import document_info
from klyngedesk.core.render.indicator_pages import (
    TopicMaterial,
    in_language,
    indicator_meta,
    indicator_title,
    shown_topic_title,
)
from klyngedesk.core.render.page_template import OutlineEntry, PackDocument
from klyngedesk.core.render.sections import bullets, chart, drawing_texts, grid, half_width, keep, p, rich
from klyngedesk.core.render.summary_page import personal_summary
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
    """The clinic's own figures for one indicator: value with its interval, counts, place, change, limits."""
    if own is None:
        return [p(tr("Your clinic has no value for this indicator.", lang), "cell")]
    parts = [f"<b>{escape(tr('Your figures', lang))}:</b> {escape(wording.number(own.value, unit, lang))}"]
    if own.ci_low is not None:
        parts.append(escape(tr("95% CI {interval}", lang,
                               interval=wording.interval(own.ci_low, own.ci_high, unit, lang))))
    if own.numerator is not None and own.denominator is not None:
        parts.append(escape(tr("{numerator} of {denominator}", lang, numerator=wording.count(own.numerator, lang),
                               denominator=wording.count(own.denominator, lang))))
    lines: list[Flowable] = [rich(" · ".join(parts), "cell")]
    if since:
        lines.append(p(tr("Change: {text}", lang, text=wording.change_text(own.change, since, lang)), "cell"))
    flag = wording.flag_text(own.flag, lang)
    if flag:
        lines.append(p(tr("Your value lies {flag}: more than chance would explain.", lang, flag=flag), "cell"))
    elif own.value is not None:
        lines.append(p(tr("Your value lies inside the 99.8% limits: the difference from the cluster can be chance.",
                          lang), "cell"))
    if own.notes:
        lines.append(bullets(own.notes, "small"))
    return lines


def own_position_cell(topic: TopicMaterial, ind: AnonymisedIndicator, own: OwnFigures | None, code: str,
                      lang: str, first: bool) -> list[Flowable]:
    """One indicator in the personal handout: topic and title, the ranked chart with the own bar highlighted
    among the codes, the own figures (value, interval, change, what the limits say) and notes. With three
    or more rounds the cell is the page's width: the ranked chart beside the own line over every round
    (against the cluster's median and deciles) with the own figures under it."""
    meta = indicator_meta(topic.topic, ind.key)
    ctx = ChartContext(lang, show_names=False, own_code=code, own=own, suppressed_text=topic.table.suppressed_text,
                       hidden_text=topic.table.hidden_text)
    since = (topic.table.compare_label or topic.table.compare) if topic.table.compare else None
    notes = topic.notes.get(ind.key, ())
    topic_name = shown_topic_title(topic, lang)
    head = [*([OutlineEntry(topic_name, 0)] if first else []), p(topic_name.upper(), "label"),
            p(indicator_title(topic.topic, ind, lang), "h3_tight")]
    ranked = chart(ranked_chart(ind, meta, ctx), half_width(), compact=True)
    figures = [*own_lines(own, ind.unit, since, lang), *([bullets(notes, "small")] if notes else [])]
    trend = trend_chart(ind, meta, ctx, practices=False)
    if trend is not None:
        return [*head, grid([ranked, [draw_trend(trend, half_width(), compact=True), *figures]]), Spacer(1, 4)]
    return [*head, ranked, *figures, Spacer(1, 8)]


def own_position_pages(material: PersonalMaterial, lang: str) -> list[Flowable]:
    """The clinic's own position on every indicator, two side by side (one a row with a trend), topic after
    topic without a page break (a 12-indicator meeting takes three pages)."""
    rows: list[Flowable] = []
    pair: list[list[Flowable]] = []
    for topic in material.topics:
        for i, ind in enumerate(topic.table.indicators):
            cell = own_position_cell(topic, ind, material.own.get(ind.key), material.code, lang, i == 0)
            if len(ind.trend) >= MIN_ROUNDS:
                rows.append(keep(*cell))
                continue
            pair.append(cell)
            if len(pair) == 2:
                rows.append(keep(grid(pair)))
                pair = []
    if pair:
        rows.append(keep(grid([pair[0], []])))
    return [CondPageBreak(300), p(tr("Your place on each indicator", lang), "h2"), *rows] if rows else []


def personal_story(material: PersonalMaterial, meeting: Meeting, cluster_name: str, lang: str) -> list[Flowable]:
    material = replace(material, topics=tuple(in_language(material.topics, lang)))
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
    story += own_position_pages(material, lang)
    return story


def render_personal(target: str | Path | BinaryIO, material: PersonalMaterial, meeting: Meeting, cluster_name: str,
                    lang: str, check: Callable[[list[str]], None] | None = None) -> None:
    """Write one clinic's handout; `check` sees every text first (the leak check) and may raise."""
    story = personal_story(material, meeting, cluster_name, lang)
    if check is not None:
        check(["\n".join(dict.fromkeys(drawing_texts(story)))])   # one scan of each distinct text
    info = document_info(f"{meeting.title} — {material.clinic_name}", cluster_name, meeting, lang,
                         subject=tr("Personal handout", lang))
    PackDocument(target, info).build_story(story)

