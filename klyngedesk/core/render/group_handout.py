"""The group handout: cover and every topic's indicator pages, rendered only from anonymised tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

from reportlab.platypus import Flowable, PageBreak, Spacer

from klyngedesk.core.anonymise import AnonymisedTable
from klyngedesk.core.anonymise.disclosure_report import remaining_risk
from klyngedesk.core.formatting import format_date
from klyngedesk.core.model import Meeting
from klyngedesk.core.render.chart_builder import ChartContext
from klyngedesk.core.render.indicator_pages import (
    TopicMaterial,
    in_language,
    indicator_title,
    shown_topic_title,
    topic_pages,
)
from klyngedesk.core.render.methods_page import methods_story
from klyngedesk.core.render.page_template import DocumentInfo, PackDocument
from klyngedesk.core.render.sections import bullets, cover, drawing_texts, p
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
    shown = {r.label for m in materials for ind in m.table.indicators for r in ind.rows}
    extra = [(tr("Topics", lang), ", ".join(shown_topic_title(m, lang) for m in materials))]
    if materials:
        t = materials[0].table
        extra.append((tr("Data", lang), t.period_label if not t.compare_label else tr(
            "{period} (compared with {baseline})", lang, period=t.period_label, baseline=t.compare_label)))
    story: list[Flowable] = cover(cluster_name, meeting, lang, tr("Group handout", lang), extra)
    suppressed = materials[0].table.suppressed_text if materials else "<5"
    story.append(p(tr("In this handout", lang), "h3"))
    story.append(p(tr("Summary: every indicator on one page, with the key messages", lang), "label"))
    for material in materials:
        story += [p(shown_topic_title(material, lang), "label"),
                  bullets([indicator_title(material.topic, ind, lang) for ind in material.table.indicators],
                          "small")]
    if general_notes:
        story += [p(tr("Data notes", lang), "h3"), bullets(general_notes, "small")]
    threshold = materials[0].table.threshold if materials else 5
    story += [Spacer(1, 10), p(tr("Clinics appear by code; a clinic that agreed to it appears by name. Counts from "
                                  "1 to {top} are shown as {text} (a count of 0 singles out no patient and is "
                                  "shown). {n} clinics in the material.", lang,
                                  top=threshold - 1, text=suppressed, n=len(shown)), "note")]
    hidden = materials[0].table.hidden_text if materials else tr("hidden", lang)
    story += [p(tr("Counts marked {hidden} can be of any size: they are hidden so that a small count cannot be "
                   "worked out from a total, a difference or a share.", lang, hidden=hidden), "note"),
              p(remaining_risk([m.table for m in materials], lang), "note")]
    if materials:
        story += [PageBreak(), *group_summary(materials, meeting, lang)]
    ctx = ChartContext(lang, show_names=True, suppressed_text=suppressed, hidden_text=hidden)
    for material in materials:
        story += topic_pages(material, ctx, with_table=True)
    story += methods_story([m.table for m in materials], lang)
    return story


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
