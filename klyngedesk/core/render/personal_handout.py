"""A clinic's personal handout: its code, its own true figures highlighted in every chart, its notes and actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, Spacer

from klyngedesk.core.anonymise import AnonymisedIndicator
from klyngedesk.core.formatting import format_date
from klyngedesk.core.model import Meeting
from klyngedesk.core.render import wording
from klyngedesk.core.render.chart_builder import ChartContext, OwnFigures
from klyngedesk.core.render.group_handout import document_info
from klyngedesk.core.render.indicator_pages import TopicMaterial, topic_pages
from klyngedesk.core.render.page_template import CONTENT_WIDTH, PackDocument
from klyngedesk.core.render.sections import bullets, data_table, drawing_texts, keep, p, rich
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


def _own_block(material: PersonalMaterial, compare_labels: dict[str, str | None], lang: str
               ) -> Callable[[AnonymisedIndicator], list[Flowable]]:
    def block(ind: AnonymisedIndicator) -> list[Flowable]:
        own = material.own.get(ind.key)
        if own is None:
            return []
        unit = ind.unit
        parts = [f"<b>{escape(tr('Your figures', lang))}:</b> {escape(wording.number(own.value, unit, lang))}"]
        if own.ci_low is not None:
            parts.append(escape(tr("95 % interval {interval}", lang,
                                   interval=wording.interval(own.ci_low, own.ci_high, unit, lang))))
        if own.numerator is not None and own.denominator is not None:
            parts.append(escape(tr("{numerator} of {denominator}", lang, numerator=wording.count(own.numerator, lang),
                                   denominator=wording.count(own.denominator, lang))))
        if own.rank is not None:
            parts.append(escape(tr("number {rank} of {n} counted from the lowest value", lang, rank=own.rank,
                                   n=own.n_ranked)))
        lines = [rich(" · ".join(parts), "body")]
        since = compare_labels.get(ind.key)
        if since:
            lines.append(p(tr("Change: {text}", lang, text=wording.change_text(own.change, since, lang)), "body"))
        flag = wording.flag_text(own.flag, lang)
        if flag:
            lines.append(p(tr("Your value lies {flag}: more than chance would explain.", lang, flag=flag), "body"))
        if own.notes:
            lines.append(bullets(own.notes, "small"))
        return [*lines, Spacer(1, 6)]
    return block


def summary_table(material: PersonalMaterial, lang: str) -> Flowable:
    header = [tr("Indicator", lang), tr("Your value", lang), tr("95 % interval", lang), tr("Rank", lang),
              tr("Cluster median", lang), tr("Change", lang)]
    rows = []
    for topic in material.topics:
        for ind in topic.table.indicators:
            own = material.own.get(ind.key)
            if own is None:
                continue
            change = wording.signed_percent(own.change.relative, lang) if own.change else "–"
            rows.append([ind.title, wording.number(own.value, ind.unit, lang),
                         wording.interval(own.ci_low, own.ci_high, ind.unit, lang),
                         wording.rank_text(own.rank, own.n_ranked, lang), wording.number(ind.median, ind.unit, lang),
                         change])
    widths = [CONTENT_WIDTH - 4 * 56 - 76, 56, 76, 56, 56, 56]
    return data_table(header, rows, widths, wrap_cols=(0,))


def personal_story(material: PersonalMaterial, meeting: Meeting, cluster_name: str, lang: str) -> list[Flowable]:
    story: list[Flowable] = [
        p(tr("Personal handout", lang).upper(), "label"), p(material.clinic_name, "title"),
        p(f"{meeting.title} · {format_date(meeting.date, lang)}", "subtitle"),
        p(tr("Your clinic has code {code} in today's material", lang, code=material.code), "callout"),
        p(tr("This handout is for your clinic only. It shows your own figures in full, also when they are small. "
             "The other clinics appear by their codes, as in the group handout. Rank 1 is the lowest value; "
             "whether low is good depends on the indicator.", lang)),
    ]
    if material.topics:
        story += [p(tr("Your figures at a glance", lang), "h3"), summary_table(material, lang)]
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
    for topic in material.topics:
        compare = {ind.key: topic.table.compare_label for ind in topic.table.indicators} if topic.table.compare else {}
        ctx = ChartContext(lang, show_names=False, own_code=material.code,
                           suppressed_text=topic.table.suppressed_text)
        story += topic_pages(topic, ctx, with_table=False, own_block=_own_block(material, compare, lang),
                             own_for=material.own.get)
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

