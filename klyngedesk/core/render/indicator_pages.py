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
from klyngedesk.core.render.sections import (
    bullets,
    chart,
    data_table,
    definition_box,
    facts_table,
    grid,
    half_width,
    keep,
    p,
)
from klyngedesk.i18n import tr

FEW_CLINICS = 25
MAX_ROWS_BESIDE = 30     # a longer compact table goes at full width after the charts (it can split there)


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


def compact_table(table: AnonymisedTable, ind: AnonymisedIndicator, ctx: ChartContext,
                  width: float = CONTENT_WIDTH) -> Flowable:
    """By code (the charts carry consenting clinics' names): value, interval, n (small counts as "<5"), denominator."""
    lang, unit = ctx.lang, ind.unit
    header = [tr("Code", lang), tr("Value", lang), tr("95 % interval", lang), "n", tr("Denominator", lang)]
    rows, bold = [], []
    for i, row in enumerate(sorted(ind.rows, key=lambda r: code_order(r.code))):
        rows.append([row.code, wording.number(row.value, unit, lang),
                     wording.interval(row.ci_low, row.ci_high, unit, lang), _count(row, "numerator", table, lang),
                     _denominator(row, table, lang)])
        if ctx.is_own(row.code):
            bold.append(i)
    fixed = [44, 62, 30, 62]
    return data_table(header, rows, [width - sum(fixed), *fixed], bold)


def _count(row: AnonymisedRow, attr: str, table: AnonymisedTable, lang: str) -> str:
    value = getattr(row, attr)
    if value is None and row.suppressed:
        return table.suppressed_text
    return wording.count(value, lang)


def _denominator(row: AnonymisedRow, table: AnonymisedTable, lang: str) -> str:
    if row.denominator is not None:
        return wording.count(row.denominator, lang)
    if row.denominator_band:  # "8000–9999" -> "8.000–9.999" in Danish
        return "–".join(wording.count(float(part), lang) for part in row.denominator_band.split("–"))
    return table.suppressed_text if row.suppressed else "–"


def key_figures(table: AnonymisedTable, ind: AnonymisedIndicator, ctx: ChartContext, width: float,
                notes: Sequence[str] = ()) -> Flowable:
    """The cluster in a few lines: pooled value, median and spread, references, target and the change."""
    lang, unit = ctx.lang, ind.unit
    facts = [(tr("Cluster as a whole", lang), wording.number(ind.pooled, unit, lang) + (
        " " + tr("(95 % interval {low} to {high})", lang, low=wording.number(ind.pooled_ci_low, unit, lang),
                 high=wording.number(ind.pooled_ci_high, unit, lang)) if ind.pooled_ci_low is not None else ""))]
    if ind.median is not None:
        facts.append((tr("Median", lang), wording.number(ind.median, unit, lang)))
    if ind.minimum is not None and ind.maximum is not None:
        facts.append((tr("Lowest to highest", lang), wording.interval(ind.minimum, ind.maximum, unit, lang)))
    for ref in ind.references:
        facts.append((tr("Region", lang) if ref.scope == "region" else tr("National", lang),
                      f"{wording.number(ref.value, unit, lang)} ({ref.source})"))
    if ind.target is not None:
        sign = "≥" if ind.target.direction == "max" else "≤"
        facts.append((tr("Target", lang), f"{sign} {wording.number(ind.target.value, unit, lang)} ({ind.target.source})"))
    outside = [ctx.label(r) for r in ind.rows if r.flag in ("above_998", "below_998")]
    if outside:
        facts.append((tr("Outside the 99.8 % limit", lang), ", ".join(sorted(outside, key=code_order))))
    sentence = ind.sentence.get(lang) if table.compare else None
    if sentence:
        facts.append((tr("Change", lang), sentence))
    facts.append((tr("Read with care", lang), few_clinics_sentence(ind, lang)))
    facts += [(tr("Data notes", lang) if i == 0 else "", note) for i, note in enumerate(notes)]
    return facts_table(facts, label_width=90 if width > 300 else 78, width=width, style="cell")


def indicator_section(material: TopicMaterial, ind: AnonymisedIndicator, ctx: ChartContext, *,
                      with_table: bool, own_block: Callable[[AnonymisedIndicator], list[Flowable]] | None = None,
                      lead: Sequence[Flowable] = ()) -> list[Flowable]:
    """Everything about one indicator; starts with its bookmark and title.

    Layout: title, definition, (own figures,) the ranked bars at full width, then half-width cells in
    pairs: funnel, before/after, the compact table and the key figures (those that exist).
    """
    table, topic, lang = material.table, material.topic, ctx.lang
    meta = indicator_meta(topic, ind.key)
    head: list[Flowable] = [*lead, OutlineEntry(ind.title, 1), p(ind.title, "h2"),
                            definition_box(wording.definition_lines(topic, meta, table.period_label,
                                                                    table.compare_label, lang)),
                            Spacer(1, 8)]
    if own_block:
        head += own_block(ind)
    head.append(chart(ranked_chart(ind, meta, ctx)))
    story: list[Flowable] = [keep(*head), Spacer(1, 6)]
    half = half_width()
    notes = material.notes.get(ind.key, ())
    charts: list[Flowable | list[Flowable]] = []
    funnel = funnel_chart(ind, meta, ctx, denominator_title(topic, meta, lang))
    if funnel is not None:
        charts.append(chart(funnel, half))
    if table.compare:
        before_after = before_after_chart(ind, meta, ctx, table.compare_label or table.compare, table.period_label)
        if before_after is not None:
            charts.append(chart(before_after, half))
    beside = with_table and len(ind.rows) <= MAX_ROWS_BESIDE
    table_cell = [p(tr("The figures", lang), "h3"), compact_table(table, ind, ctx, half)] if beside else None

    def figures(width: float) -> Flowable:
        return key_figures(table, ind, ctx, width, notes)

    # Half-width cells two by two: the charts, the compact table, the key figures; what does not pair up
    # goes under them at full width.
    cells: list[Flowable | list[Flowable]] = [*charts, *([table_cell] if table_cell else [])]
    full_width_figures = len(cells) % 2 == 0
    if not full_width_figures:
        cells.append(figures(half))
    if cells:
        story.append(grid(cells))
    if full_width_figures:
        story += [Spacer(1, 2), figures(CONTENT_WIDTH)]
    if with_table and not beside:
        story += [p(tr("The figures", lang), "h3"), compact_table(table, ind, ctx)]
    return story


def topic_pages(material: TopicMaterial, ctx: ChartContext, *, with_table: bool,
                own_block: Callable[[AnonymisedIndicator], list[Flowable]] | None = None,
                own_for: Callable[[str], OwnFigures | None] | None = None, first: bool = False) -> list[Flowable]:
    """A topic: title page content, each indicator from a new page, compositions, discussion questions."""
    table, topic, lang = material.table, material.topic, ctx.lang
    story: list[Flowable] = [] if first else [PageBreak()]
    lead: list[Flowable] = [OutlineEntry(table.topic_title, 0), p(table.topic_title, "h1")]
    if topic.description:
        lead.append(p(topic.description))
    if not table.indicators:
        story += lead
    for i, ind in enumerate(table.indicators):
        if i:
            story.append(PageBreak())
        ind_ctx = replace(ctx, own=own_for(ind.key)) if own_for else ctx
        story += indicator_section(material, ind, ind_ctx, with_table=with_table, own_block=own_block,
                                   lead=lead if i == 0 else ())
    label_codes = {r.label: r.code for ind in table.indicators for r in ind.rows}
    for comp in table.compositions:
        spec = composition_chart(comp, ctx, material.own_composition.get(comp.key), label_codes)
        story += [CondPageBreak(260), OutlineEntry(comp.title, 1), p(tr("Composition: {title}", lang, title=comp.title), "h2"),
                  p(tr("How the clinics' patients are spread over the drugs in the group. The top bar is the "
                       "cluster as a whole.", lang), "small"), chart(spec)]
    questions = _questions(topic)
    if questions:
        story += [CondPageBreak(120), keep(p(tr("Questions for discussion", lang), "h3"), bullets(questions))]
    return story


def _questions(topic: Topic) -> Sequence[str]:
    q = topic.package.get("questions", []) if isinstance(topic.package, dict) else []
    return [x for x in q if isinstance(x, str)]
