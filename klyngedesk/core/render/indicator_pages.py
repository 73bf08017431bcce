"""The pages of one topic: per indicator the definition, charts, change sentence, table and notes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Spacer

from klyngedesk.core.anonymise import AnonymisedIndicator, AnonymisedRow, AnonymisedTable
from klyngedesk.core.model import Indicator, Topic
from klyngedesk.core.render import wording
from klyngedesk.core.render.chart_builder import (
    ChartContext,
    OwnFigures,
    before_after_chart,
    composition_chart,
    funnel_chart,
    ranked_chart,
)
from klyngedesk.core.render.page_template import CONTENT_WIDTH, OutlineEntry
from klyngedesk.core.render.sections import bullets, chart, chart_pair, data_table, definition_box, keep, p
from klyngedesk.i18n import tr

FEW_CLINICS = 25


@dataclass(frozen=True)
class TopicMaterial:
    """One topic of the meeting for rendering: the anonymised table, the topic, and notes per indicator."""

    table: AnonymisedTable
    topic: Topic
    notes: dict[str, tuple[str, ...]] = field(default_factory=dict)      # indicator key -> notes for this reader
    own_composition: dict[str, tuple[float | None, ...]] = field(default_factory=dict)


def code_order(code: str) -> tuple[int, str]:
    return len(code), code


def indicator_meta(topic: Topic, key: str) -> Indicator:
    for ind in topic.indicators:
        if ind.key == key:
            return ind
    raise KeyError(key)


def denominator_title(topic: Topic, meta: Indicator, lang: str) -> str:
    if meta.denominator_kind == "list_size":
        return tr("Listed patients", lang)
    return wording.measure_title(topic, meta.denominator)[0]


def few_clinics_sentence(ind: AnonymisedIndicator, lang: str) -> str:
    if ind.n_clinics == 0:
        return tr("No clinic has a value for this indicator in the period.", lang)
    if ind.n_clinics < FEW_CLINICS:
        return tr("Based on {n} clinics. With this few, a difference between two clinics is often chance: "
                  "compare the intervals rather than the order.", lang, n=ind.n_clinics)
    return tr("Based on {n} clinics.", lang, n=ind.n_clinics)


def compact_table(table: AnonymisedTable, ind: AnonymisedIndicator, ctx: ChartContext) -> Flowable:
    """Code (or consented name), value, interval, numerator, denominator, baseline and the 99.8 % flag."""
    lang, unit = ctx.lang, ind.unit
    with_baseline = table.compare is not None and any(r.baseline_value is not None for r in ind.rows)
    header = [tr("Clinic", lang), tr("Value", lang), tr("95 % interval", lang), tr("Numerator", lang),
              tr("Denominator", lang)]
    if with_baseline:
        header.append(table.compare_label or tr("Baseline", lang))
    header.append(tr("Note", lang))
    rows, bold = [], []
    for i, row in enumerate(sorted(ind.rows, key=lambda r: code_order(r.code))):
        cells = [ctx.label(row), wording.number(row.value, unit, lang),
                 wording.interval(row.ci_low, row.ci_high, unit, lang), _count(row, "numerator", table, lang),
                 _denominator(row, table, lang)]
        if with_baseline:
            cells.append(wording.number(row.baseline_value, unit, lang))
        cells.append(wording.flag_text(row.flag, lang))
        rows.append(cells)
        if ctx.is_own(row.code):
            bold.append(i)
    widths = [112, 52, 80, 52, 62] + ([52] if with_baseline else [])
    widths.append(CONTENT_WIDTH - sum(widths))
    return data_table(header, rows, widths, bold)


def _count(row: AnonymisedRow, attr: str, table: AnonymisedTable, lang: str) -> str:
    value = getattr(row, attr)
    if value is None and row.suppressed:
        return table.suppressed_text
    return wording.count(value, lang)


def _denominator(row: AnonymisedRow, table: AnonymisedTable, lang: str) -> str:
    if row.denominator is not None:
        return wording.count(row.denominator, lang)
    if row.denominator_band:
        return row.denominator_band
    return table.suppressed_text if row.suppressed else "–"


def indicator_section(material: TopicMaterial, ind: AnonymisedIndicator, ctx: ChartContext, *,
                      with_table: bool, own_block: Callable[[AnonymisedIndicator], list[Flowable]] | None = None
                      ) -> list[Flowable]:
    """Everything about one indicator; starts with its bookmark and title."""
    table, topic, lang = material.table, material.topic, ctx.lang
    meta = indicator_meta(topic, ind.key)
    story: list[Flowable] = [OutlineEntry(ind.title, 1), p(ind.title, "h2"),
                             definition_box(wording.definition_lines(topic, meta, table.period_label,
                                                                     table.compare_label, lang)),
                             Spacer(1, 8)]
    if own_block:
        story += own_block(ind)
    story.append(chart(ranked_chart(ind, meta, ctx)))
    story.append(p(few_clinics_sentence(ind, lang), "small"))
    funnel = funnel_chart(ind, meta, ctx, denominator_title(topic, meta, lang))
    before_after = None
    if table.compare:
        before_after = before_after_chart(ind, meta, ctx, table.compare_label or table.compare, table.period_label)
    pair = chart_pair(funnel, before_after)
    sentence = ind.sentence.get(lang) if table.compare else None
    if pair is not None:
        story += [Spacer(1, 8), keep(pair, p(sentence, "body") if sentence else None)]
    elif sentence:
        story.append(p(sentence))
    if with_table:
        story += [Spacer(1, 8), keep(p(tr("The figures", lang), "h3"), compact_table(table, ind, ctx))]
    notes = material.notes.get(ind.key, ())
    if notes:
        story += [keep(p(tr("Data notes", lang), "h3"), bullets(notes, "small"))]
    return story


def topic_pages(material: TopicMaterial, ctx: ChartContext, *, with_table: bool,
                own_block: Callable[[AnonymisedIndicator], list[Flowable]] | None = None,
                own_for: Callable[[str], OwnFigures | None] | None = None, first: bool = False) -> list[Flowable]:
    """A topic: title page content, each indicator from a new page, compositions, discussion questions."""
    table, topic, lang = material.table, material.topic, ctx.lang
    story: list[Flowable] = [] if first else [PageBreak()]
    story += [OutlineEntry(table.topic_title, 0), p(table.topic_title, "h1")]
    if topic.description:
        story.append(p(topic.description))
    for i, ind in enumerate(table.indicators):
        if i:
            story.append(PageBreak())
        ind_ctx = replace(ctx, own=own_for(ind.key)) if own_for else ctx
        story += indicator_section(material, ind, ind_ctx, with_table=with_table, own_block=own_block)
    label_codes = {r.label: r.code for ind in table.indicators for r in ind.rows}
    for comp in table.compositions:
        spec = composition_chart(comp, ctx, material.own_composition.get(comp.key), label_codes)
        story += [CondPageBreak(260), OutlineEntry(comp.title, 1), p(comp.title, "h2"),
                  p(tr("How the clinics' patients are spread over the drugs in the group. The top bar is the "
                       "cluster as a whole.", lang), "small"), chart(spec)]
    questions = _questions(topic)
    if questions:
        story += [CondPageBreak(120), keep(p(tr("Questions for discussion", lang), "h3"), bullets(questions))]
    return story


def _questions(topic: Topic) -> Sequence[str]:
    q = topic.package.get("questions", []) if isinstance(topic.package, dict) else []
    return [x for x in q if isinstance(x, str)]
