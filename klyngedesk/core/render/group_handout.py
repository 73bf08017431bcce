"""The group handout: cover and every topic's indicator pages, rendered only from anonymised tables."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, Spacer

from klyngedesk.core.anonymise import AnonymisedTable
from klyngedesk.core.anonymise.disclosure_report import remaining_risk
from klyngedesk.core.formatting import format_date
from klyngedesk.core.model import Meeting
from klyngedesk.core.render import wording
from klyngedesk.core.render.chart_builder import ChartContext
from klyngedesk.core.render.indicator_pages import (
    TopicMaterial,
    in_language,
    indicator_title,
    shown_topic_title,
    topic_pages,
)
from klyngedesk.core.render.methods_page import methods_story
from klyngedesk.core.render.page_template import CONTENT_WIDTH, FRAME_HEIGHT, DocumentInfo, PackDocument
from klyngedesk.core.render.sections import bullets, cover, drawing_texts, grid, p, rich
from klyngedesk.core.render.summary_page import group_summary
from klyngedesk.i18n import tr


def header_text(cluster_name: str, meeting: Meeting, lang: str) -> str:
    return tr("{cluster} · Meeting {date}", lang, cluster=cluster_name, date=format_date(meeting.date, lang))


def document_info(title: str, cluster_name: str, meeting: Meeting, lang: str, *, subject: str = "",
                  banner: str = "") -> DocumentInfo:
    return DocumentInfo(title=title, header=header_text(cluster_name, meeting, lang), page_word=tr("page", lang),
                        of_word=tr("of", lang), author=cluster_name, subject=subject,
                        keywords=("KlyngeDesk", meeting.key), lang=lang, banner=banner)


def group_story(materials: Sequence[TopicMaterial], meeting: Meeting, cluster_name: str, lang: str,
                general_notes: Sequence[str] = ()) -> list[Flowable]:
    """The handout's flowables. Every table must be an AnonymisedTable: names cannot get in by mistake."""
    for material in materials:
        if not isinstance(material.table, AnonymisedTable):
            raise TypeError(f"the group handout is rendered only from an AnonymisedTable, not "
                            f"{type(material.table).__name__}")
    materials = in_language(materials, lang)
    extra = [(tr("Topics", lang), ", ".join(shown_topic_title(m, lang) for m in materials))]
    if materials:
        t = materials[0].table
        extra.append((tr("Data", lang), t.period_label if not t.compare_label else tr(
            "{period} (compared with {baseline})", lang, period=t.period_label, baseline=t.compare_label)))
    body: list[Flowable] = [PageBreak(), *group_summary(materials, meeting, lang)] if materials else []
    ctx = ChartContext(lang, show_names=True, suppressed_text=materials[0].table.suppressed_text if materials
                       else "<5", hidden_text=materials[0].table.hidden_text if materials else tr("hidden", lang))
    for material in materials:
        body += topic_pages(material, ctx, with_table=True)
    body += methods_story([m.table for m in materials], lang)
    # the cover's key says what the words in a value column mean only where a page prints them
    words = wording.small_value(ctx.suppressed_text, lang)
    in_words = words != ctx.suppressed_text and any(text == words for text in drawing_texts(body))
    return [*fitted_cover(cover(cluster_name, meeting, lang, tr("Group handout", lang), extra),
                          [contents(materials, lang, by_indicator) for by_indicator in (True, False)],
                          cover_notes(materials, general_notes, lang, in_words)), *body]


def contents(materials: Sequence[TopicMaterial], lang: str, by_indicator: bool) -> list[Flowable]:
    """What the handout holds, the topics balanced over two columns (each topic with its indicators, or
    only the topic and how many indicators it has when the cover is short of room)."""
    blocks: list[list[Flowable]] = []
    for material in materials:
        titles = [indicator_title(material.topic, ind, lang) for ind in material.table.indicators]
        if by_indicator:
            blocks.append([p(shown_topic_title(material, lang), "label"), bullets(titles, "small")])
        else:
            blocks.append([p(tr("{topic}: {n} indicators", lang, topic=shown_topic_title(material, lang),
                                n=len(titles)), "small")])
    sizes = [len(m.table.indicators) + 1 if by_indicator else 1 for m in materials]
    split = min(range(1, len(blocks)), key=lambda k: abs(sum(sizes[:k]) - sum(sizes[k:])), default=len(blocks))
    columns = [[f for b in blocks[:split] for f in b], [f for b in blocks[split:] for f in b]]
    return [p(tr("In this handout", lang), "h3"),
            p(tr("Summary: every indicator on one page, with the key messages", lang), "label"),
            grid([c for c in columns if c])]


def cover_notes(materials: Sequence[TopicMaterial], general_notes: Sequence[str], lang: str,
                in_words: bool = False) -> list[Flowable]:
    """The cover's notes: data notes, how clinics and small counts are shown, and what the anonymity leaves;
    `in_words`: a chart's value column prints a small count in words ("under 5 tilfælde"), which the key says."""
    story: list[Flowable] = []
    if general_notes:
        story += [p(tr("Data notes", lang), "h3"), bullets(general_notes, "small")]
    suppressed = materials[0].table.suppressed_text if materials else "<5"
    threshold = materials[0].table.threshold if materials else 5
    hidden = materials[0].table.hidden_text if materials else tr("hidden", lang)
    shown = {r.label for m in materials for ind in m.table.indicators for r in ind.rows}
    # a hidden count can be 0 (hidden to protect another): the cover promises no 0 is ever hidden
    marked = materials[0].table.small_marked if materials else True
    small = tr("Clinics appear by code; a clinic that agreed to it appears by name. Counts from 1 to {top} are "
               "shown as {text}; a count of 0 singles out no patient and is not hidden for being small. {n} clinics "
               "in the material.", lang, top=threshold - 1, text=suppressed, n=len(shown))
    if not marked:   # below threshold 5 "<T" would pin the count: small ones are hidden like their protectors
        small = tr("Clinics appear by code; a clinic that agreed to it appears by name. Counts from 1 to {top} are "
                   "hidden ({text}) like the counts hidden to protect them: at so low a threshold, marking them as small "
                   "would tell them too closely. A count of 0 singles out no patient and is not hidden for being "
                   "small. {n} clinics in the material.", lang, top=threshold - 1, text=hidden, n=len(shown))
    if threshold <= 1:   # nothing is small ("from 1 to 0")
        small = tr("Clinics appear by code; a clinic that agreed to it appears by name. With threshold 1 no count is "
                   "hidden for being small. {n} clinics in the material.", lang, n=len(shown))
    words = wording.small_value(suppressed, lang)
    key = [tr("In a chart's value column a clinic with a count from 1 to {top} reads \"{words}\" instead of "
              "a rate or share.", lang, top=threshold - 1, words=words)
           ] if in_words and marked and threshold > 1 else []
    lines = [small, *key,
             tr("Hidden figures, marked \"{hidden}\", can be large, small or 0: they are hidden so that a small count, "
                "or a practice's list size, cannot be worked out from a total, a difference, a share or a rate.",
                lang, hidden=hidden),
             remaining_risk([m.table for m in materials], lang)]
    return [*story, Spacer(1, 8), rich("<br/>".join(escape(line) for line in lines), "note")]


def fitted_cover(head: list[Flowable], contents_variants: Sequence[list[Flowable]],
                 notes: list[Flowable]) -> list[Flowable]:
    """The cover on one page: the first contents variant that leaves room for the notes (the last one if
    none does; the cover then runs on, which the layout check reports)."""
    for variant in contents_variants:
        story = [*head, *variant, *notes]
        if story_height(story) <= FRAME_HEIGHT:
            return story
    return [*head, *contents_variants[-1], *notes]


def story_height(story: Sequence[Flowable]) -> float:
    """The height a list of flowables takes in the frame (spaces between them counted once, as platypus does)."""
    total, below = 0.0, 0.0
    scratch = Canvas(io.BytesIO())
    for flowable in story:
        _, height = flowable.wrapOn(scratch, CONTENT_WIDTH, FRAME_HEIGHT)
        total += height + max(below, flowable.getSpaceBefore())
        below = flowable.getSpaceAfter()
    return total + below


def render_group(target: str | Path | BinaryIO, materials: Sequence[TopicMaterial], meeting: Meeting,
                 cluster_name: str, lang: str, check: Callable[[list[str]], None] | None = None,
                 general_notes: Sequence[str] = ()) -> None:
    """Write the group handout PDF; `check` sees every text placed in it first (the leak check) and may raise."""
    story = group_story(materials, meeting, cluster_name, lang, general_notes)
    if check is not None:
        check(["\n".join(dict.fromkeys(drawing_texts(story)))])   # one scan of each distinct text
    info = document_info(f"{meeting.title} — {tr('Group handout', lang)}", cluster_name, meeting, lang,
                         subject=tr("Group handout", lang))
    PackDocument(target, info).build_story(story)
