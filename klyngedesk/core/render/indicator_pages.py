"""The pages of one topic: per indicator one page that tells its story (why, definition, charts, change, table)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Spacer, Table

from klyngedesk.core.anonymise import AnonymisedIndicator, AnonymisedRow, AnonymisedTable
from klyngedesk.core.anonymise.disclosure_report import rounding_note
from klyngedesk.core.anonymise.types import AnonymisedComposition
from klyngedesk.core.formatting import format_period_label
from klyngedesk.core.model import Indicator, Topic
from klyngedesk.core.packages import (
    indicator_guideline,
    indicator_text,
    topic_description,
    topic_questions,
    topic_title,
)
from klyngedesk.core.render import wording
from klyngedesk.core.render.chart_builder import (
    ChartContext,
    OwnFigures,
    before_after_chart,
    composition_chart,
    every_clinic_hidden,
    funnel_chart,
    ranked_chart,
)
from klyngedesk.core.render.chart_pdf import draw_chart
from klyngedesk.core.render.charts import ChartSpec
from klyngedesk.core.render.continued import (
    ContinuedChart,
    FiguresBeside,
    continued_title,
    funnel_parts,
    is_row_chart,
)
from klyngedesk.core.render.methods_page import unconfirmed_outside
from klyngedesk.core.render.page_template import CONTENT_WIDTH, FRAME_HEIGHT, OutlineEntry
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
from klyngedesk.core.render.trend_chart import draw_trend, trend_chart
from klyngedesk.i18n import tr

FLOW_WHEN_EMPTIER_THAN = 0.5   # a block that does not fit flows on (rather than jumping a page) when more
                               # than this share of the page is still empty: no page is left less than 40 % full


@dataclass(frozen=True)
class TopicMaterial:
    """One topic of the meeting for rendering: the anonymised table, the topic, and notes per indicator."""

    table: AnonymisedTable
    topic: Topic
    notes: dict[str, tuple[str, ...]] = field(default_factory=dict)      # indicator key -> notes for this reader
    own_composition: dict[str, tuple[float | None, ...]] = field(default_factory=dict)


def in_language(materials: Sequence[TopicMaterial], lang: str) -> list[TopicMaterial]:
    """The materials in the reader's language: period labels ('1. halvår 2026' -> 'H1 2026') and, in the
    statistics' English change sentence, the indicator and the periods named in English. In Danish, the
    change sentence names the indicator as its title is printed ('pr. 1.000', not the project's 'pr. 1000')."""
    out = []
    for m in materials:
        t = m.table
        periods = (t.period_label, t.compare_label)
        indicators = tuple(
            replace(ind, sentence={**ind.sentence, lang: wording.sentence_in(ind.sentence[lang], m.topic, ind.key,
                                                                             ind.title, periods, lang)})
            if ind.sentence.get(lang) else ind for ind in t.indicators)
        if lang == "da":
            out.append(replace(m, table=replace(t, indicators=indicators)))
            continue
        indicators = tuple(replace(ind, title=indicator_title(m.topic, ind, lang))   # e.g. the methods page
                           for ind in indicators)
        parts = {ms.title: wording.measure_title(m.topic, ms.key, lang)[0] for ms in m.topic.measures}
        compositions = tuple(_composition_in(c, parts, lang) for c in t.compositions)
        out.append(replace(m, table=replace(t, period_label=format_period_label(t.period_label, lang),
                                            compare_label=format_period_label(t.compare_label, lang)
                                            if t.compare_label else None,
                                            indicators=indicators, compositions=compositions)))
    return out


def _composition_in(comp: AnonymisedComposition, titles: dict[str, str], lang: str) -> AnonymisedComposition:
    """A composition with its parts' measure titles in the reader's language; a title that is no measure's
    (a group's name, e.g. "Opioider") becomes its parts' names ("Morphine users, Tramadol users and others")."""
    parts = tuple(titles.get(x, x) for x in comp.parts)
    title = titles.get(comp.title) or wording.join_and([parts[0], *(wording.subject(x) for x in parts[1:])], lang)
    return replace(comp, title=title, parts=parts)


def code_order(code: str) -> tuple[int, str]:
    return len(code), code


def indicator_meta(topic: Topic, key: str) -> Indicator:
    for ind in topic.indicators:
        if ind.key == key:
            return ind
    raise KeyError(key)


def indicator_title(topic: Topic, ind: AnonymisedIndicator, lang: str) -> str:
    """The title the reader sees (`wording.title_in`)."""
    return wording.title_in(topic, ind.key, ind.title, lang)


def shown_topic_title(material: TopicMaterial, lang: str) -> str:
    return topic_title(material.topic, lang) if lang == "en" else material.table.topic_title


def denominator_heading(meta: Indicator, lang: str) -> str:
    """The short heading of the denominator column beside the bars."""
    return tr("Listed", lang) if meta.denominator_kind == "list_size" else tr("Denominator", lang)


def denominator_title(topic: Topic, meta: Indicator, lang: str) -> str:
    if meta.denominator_kind == "list_size":
        return tr("Listed patients", lang)
    return wording.measure_title(topic, meta.denominator, lang)[0]


class PageBlock(KeepTogether):
    """Chunks kept on one page when they fit there; when they do not and most of the page is still empty,
    they flow on chunk by chunk instead of jumping to the next page (each chunk stays whole), so no page
    is left nearly empty."""

    def split(self, aW: float, aH: float) -> list[Flowable]:
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        if aH < self._H and aH >= FLOW_WHEN_EMPTIER_THAN * FRAME_HEIGHT:
            return [self.NullActionFlowable(), *self._content]   # first a no-op: platypus places it at once
        return super().split(aW, aH)


def page_block(chunks: Sequence[Flowable | None]) -> KeepTogether:
    return PageBlock([c for c in chunks if c is not None])


def _height(flowable: Flowable, width: float) -> float:
    """The height a flowable (a kept group: its parts one under the other) takes at `width`, spaces included."""
    parts = flowable._content if isinstance(flowable, KeepTogether) else [flowable]
    canvas = _measuring_canvas()
    return sum(f.wrapOn(canvas, width, FRAME_HEIGHT)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in parts)


@cache
def _measuring_canvas() -> Canvas:
    """A canvas nothing is drawn on: what nested flowables (lists, kept groups) need to be measured."""
    return Canvas(io.BytesIO())


def with_its_start(head: Flowable, start: Flowable | None, width: float = CONTENT_WIDTH) -> list[Flowable]:
    """A heading (title, why it matters, definition) and the figure it introduces never part at a page's foot:
    ahead of the heading a break, taken when the room left cannot hold the heading and the start of its first
    figure (a row chart's first rows, a grid row whole), so the heading opens the next page instead."""
    need = _height(head, width)
    if isinstance(start, ContinuedChart):
        need += start.least_height()
    elif start is not None:
        need += _height(start, width)
    # a heading and start taller than a page go under each other from a page's top (never a break at the top)
    return [CondPageBreak(min(need, FRAME_HEIGHT - 1)), head]


def few_clinics_sentence(ind: AnonymisedIndicator, lang: str) -> str:
    """The one "too few to conclude" rule (collate's "few_clinics" flag), for the handout and the screen."""
    intervals = not ind.intervals_withheld or any(r.wide_ci for r in ind.rows)
    if every_clinic_hidden(ind):   # no clinic's value, interval or order printed to compare
        return wording.few_clinics_sentence(ind.n_clinics, (), lang)
    return wording.few_clinics_sentence(ind.n_clinics, ind.quality, lang, intervals=intervals)


def compact_table(table: AnonymisedTable, ind: AnonymisedIndicator, ctx: ChartContext,
                  width: float = CONTENT_WIDTH) -> Flowable:
    """By code (the charts carry consenting clinics' names): value, interval, n (small counts as "<5"), denominator."""
    lang, unit = ctx.lang, ind.unit
    header = [tr("Code", lang), tr("Value", lang), tr("95% CI", lang), "n", tr("Denominator", lang)]
    rows, bold = [], []
    for i, row in enumerate(sorted(ind.rows, key=lambda r: code_order(r.code))):
        rows.append([row.code, wording.point(row.value, row.ci_low, row.ci_high, unit, lang, ind.value_step),
                     wording.interval(row.ci_low, row.ci_high, unit, lang, ind.value_step, row.value),
                     _count(row, "numerator", table, lang),
                     _denominator(row, table, lang)])
        if ctx.is_own(row.code):
            bold.append(i)
    fixed = [44, 62, 30, 62]
    return data_table(header, rows, [width - sum(fixed), *fixed], bold)


def _count(row: AnonymisedRow, attr: str, table: AnonymisedTable, lang: str) -> str:
    value = getattr(row, attr)
    if value is None and row.suppressed:
        return hidden_text(row, table)
    return wording.count(value, lang)


def hidden_text(row: AnonymisedRow, table: AnonymisedTable) -> str:
    """"<5" for a small count, "skjult" for one hidden to protect another (never "<5": it may be 5 or more)."""
    return table.hidden_label(row)


def _denominator(row: AnonymisedRow, table: AnonymisedTable, lang: str) -> str:
    if row.denominator is not None:
        return wording.count(row.denominator, lang)
    if row.denominator_band:  # "8000–9999" -> "8.000–9.999" in Danish
        return "–".join(wording.count(float(part), lang) for part in row.denominator_band.split("–"))
    return hidden_text(row, table) if row.suppressed else "–"


CHANGE_WITHHELD = ("– (withheld: the change since {baseline} beside the figures shown would give away the figures of "
                   "a clinic not shown by name)")


def change_facts(table: AnonymisedTable, ind: AnonymisedIndicator, lang: str) -> list[tuple[str, str]]:
    """The cluster's change: the before and after values, then the sentence the statistics give."""
    if not table.compare:
        return []
    facts = []
    change = ind.change
    if change is not None and change.baseline_value is not None and change.value is not None:
        facts.append((tr("Before and now", lang), tr("{before} in {baseline}, {after} in {period}", lang,
                                                     before=wording.number(change.baseline_value, ind.unit, lang),
                                                     baseline=table.compare_label or table.compare,
                                                     after=wording.number(change.value, ind.unit, lang),
                                                     period=table.period_label)))
    words = change_words(table, ind, lang)
    if words:
        facts.append((tr("Change", lang), words))
    return facts


def change_words(table: AnonymisedTable, ind: AnonymisedIndicator, lang: str) -> str:
    """The cluster change in words: its sentence, or why the anonymisation left it out beside the cluster value
    printed (a bare absence reads as a missing number); the handout and the slides say the same."""
    sentence = ind.sentence.get(lang)
    if sentence:
        return sentence
    if table.compare and ind.change_withheld and ind.pooled is not None:
        return tr(CHANGE_WITHHELD, lang, baseline=table.compare_label or table.compare)
    return ""


def cluster_withheld(ind: AnonymisedIndicator) -> bool:
    """Whether the cluster as a whole is not printed though its clinics have figures (the anonymity check
    withheld it: beside the values shown it would give a hidden clinic's away)."""
    return ind.pooled is None and any(r.value is not None or r.suppressed for r in ind.rows)


def _why_no_cluster_value(table: AnonymisedTable, ind: AnonymisedIndicator, lang: str) -> str:
    """Why a cluster value the clinics have is printed as "–": the anonymity check withheld it (with its change),
    as beside the values shown it would give a hidden clinic's figures away. A bare dash read as a missing number."""
    if not cluster_withheld(ind):
        return ""
    if every_clinic_hidden(ind) and table.compare and ind.change is None:
        return " " + tr("(withheld, and so is its change: with the material's other figures it would give a hidden "
                        "clinic's figures away)", lang)
    if every_clinic_hidden(ind):
        return " " + tr("(withheld: with the material's other figures it would give a hidden clinic's figures away)",
                        lang)
    if table.compare and ind.change is None:
        return " " + tr("(withheld, and so is its change: beside the clinics' values shown it would give a hidden "
                        "clinic's figures away)", lang)
    return " " + tr("(withheld: beside the clinics' values shown it would give a hidden clinic's figures away)", lang)


EVERY_HIDDEN = ("Every clinic's figures are hidden: with the material's other figures they would give a clinic's "
                "small count or list size away. A hidden figure can be large, small or 0.")


def key_figures_table(groups: Sequence[Sequence[tuple[str, str]]], width: float) -> Table:
    """The key figures (label, value) as a table at `width` (half a page beside a chart, or the page's)."""
    facts = [fact for group in groups for fact in group]
    return facts_table(facts, label_width=96 if width > 300 else 84, width=width, style="cell")


def key_facts(table: AnonymisedTable, ind: AnonymisedIndicator, ctx: ChartContext, notes: Sequence[str] = (),
              unadjusted_drawn: bool = False) -> list[list[tuple[str, str]]]:
    """The cluster in a few lines: pooled value, median and spread, references, target and the change, in
    groups a page break never parts (the before and after values with the change sentence that reads them,
    the data notes under their one label)."""
    lang, unit = ctx.lang, ind.unit
    low, high = wording.ends(ind.pooled_ci_low, ind.pooled_ci_high, unit, lang, ind.value_step, ind.pooled)
    facts = [(tr("Cluster as a whole", lang),
              wording.point(ind.pooled, ind.pooled_ci_low, ind.pooled_ci_high, unit, lang,
                            wording.cluster_step(ind, ind.pooled)) + (
                  " " + tr("(95% CI {low} to {high})", lang, low=low, high=high)
                  if ind.pooled_ci_low is not None else "") + _why_no_cluster_value(table, ind, lang))]
    hidden = every_clinic_hidden(ind)
    if hidden:
        facts.append((tr("The clinics' figures", lang), tr(EVERY_HIDDEN, lang)))
    if ind.median is not None:
        facts.append((tr("Median", lang), wording.summary_value(ind.median, ind, lang)))
    if ind.minimum is not None and ind.maximum is not None:
        facts.append((tr("Spread (lowest–highest)", lang), wording.spread(ind, lang)))
    for ref in ind.references:
        facts.append((tr("Region", lang) if ref.scope == "region" else tr("National", lang),
                      f"{wording.number(ref.value, unit, lang)} ({wording.source_text(ref.source, lang)})"))
    if ind.target is not None:
        sign = "≥" if ind.target.direction == "max" else "≤"
        facts.append((tr("Target", lang), f"{sign} {wording.number(ind.target.value, unit, lang)} "
                                          f"({wording.source_text(ind.target.source, lang)})"))
    outside = [ctx.label(r) for r in ind.rows if r.flag in ("above_998", "below_998")]
    if outside:
        facts.append((tr("Outside the 99.8% limit", lang), ", ".join(sorted(outside, key=code_order))))
    limits = wording.funnel_sentence(ind.overdispersion, lang, unadjusted_drawn)
    unconfirmed = unconfirmed_outside(ind)
    if unconfirmed:
        limits += (" " if limits else "") + tr(
            "Outside the drawn 99.8% limit but not marked: {clinics}. An exact test finds the count not unusual "
            "for so few patients (chance alone gives it more often than 1 time in 1,000).", lang,
            clinics=", ".join(sorted((ctx.label(r) for r in unconfirmed), key=code_order)))
    if limits and any(r.funnel is not None for r in ind.rows):
        facts.append((tr("Funnel limits", lang), limits))
    groups = [[fact] for fact in facts]
    groups.append(change_facts(table, ind, lang))
    rounding = "" if hidden else rounding_note(ind, lang)   # no clinic's value printed: nothing rounded to read
    if rounding:
        groups.append([(tr("Rounding", lang), rounding)])
    groups.append([(tr("Read with care", lang), few_clinics_sentence(ind, lang))])
    groups.append([(tr("Data notes", lang) if i == 0 else "", note) for i, note in enumerate(notes)])
    return [group for group in groups if group]


def why_it_matters(topic: Topic, key: str, lang: str) -> list[Flowable]:
    """The package's rationale and the guideline it rests on (with its source), when the package has them."""
    out: list[Flowable] = []
    rationale = indicator_text(topic, key, "rationale", lang)
    if rationale:
        out.append(p(rationale, "body"))
    guideline, source = indicator_guideline(topic, key, lang)
    if guideline:
        out.append(p(tr("Guideline: {text} (source: {source})", lang, text=guideline,
                        source=wording.source_text(source, lang)), "small"))
    return out


def indicator_section(material: TopicMaterial, ind: AnonymisedIndicator, ctx: ChartContext, *,
                      with_table: bool, own_block: Callable[[AnonymisedIndicator], list[Flowable]] | None = None,
                      lead: Sequence[Flowable] = ()) -> list[Flowable]:
    """Everything about one indicator on one page when it fits; starts with its bookmark and title.

    Layout (a grid on the page): title, why it matters and the guideline, the definition, (own figures,)
    the ranked bars at full width; then half-width cells in pairs: funnel beside before/after, the table
    by code beside the key figures with the change (before and after values and the sentence).
    """
    table, topic, lang = material.table, material.topic, ctx.lang
    meta = indicator_meta(topic, ind.key)
    title = indicator_title(topic, ind, lang)
    head: list[Flowable] = [*lead, OutlineEntry(title, 1), p(title, "h2"), *why_it_matters(topic, ind.key, lang),
                            definition_box(wording.definition_lines(topic, meta, table.period_label,
                                                                    table.compare_label, lang)),
                            Spacer(1, 6)]
    if own_block:
        head += own_block(ind)
    notes = material.notes.get(ind.key, ())
    half = half_width()
    if with_table:   # the short table as columns beside the bars: each clinic's n and denominator in its row
        ranked = ranked_chart(ind, meta, ctx, lambda r: (_count(r, "numerator", table, lang), _denominator(r, table, lang)),
                              (tr("Value", lang), "n", denominator_heading(meta, lang)))
    else:
        ranked = ranked_chart(ind, meta, ctx)
    named = ctx.show_names and any(r.name for r in ind.rows)     # long labels: the ranked chart at full width
    continued = tr("continued", lang)
    alone: list[Flowable] = []     # row charts too tall to share a page's width: full width, over pages
    cells: list[Flowable | list[Flowable]] = []
    if named or is_tall(ranked, half):
        alone.append(ContinuedChart(ranked, CONTENT_WIDTH, continued))
    else:
        cells.append(chart(ranked, half))
    funnel = funnel_chart(ind, meta, ctx, denominator_title(topic, meta, lang))
    plain = funnel is not None and any(lim.unadjusted for lim in funnel.limits)
    after: list[Flowable] = []     # what follows the grid: a tall before/after, the funnel's long key
    if funnel is not None:
        drawn, key = funnel_parts(funnel, half, ctx.lang)
        cells.append(drawn)
        after += key
    trend = trend_chart(ind, meta, ctx)   # three or more rounds: the trend in place of the before/after
    if trend is not None:
        cells.append(draw_trend(trend, half))
    elif table.compare:
        before_after = before_after_chart(ind, meta, ctx, table.compare_label or table.compare, table.period_label)
        if before_after is not None and is_tall(before_after, half):
            after.insert(0, ContinuedChart(before_after, CONTENT_WIDTH, continued))
        elif before_after is not None:
            cells.append(chart(before_after, half))
    facts = key_facts(table, ind, ctx, notes, plain)
    beside = len(cells) % 2 == 1   # the key figures fill the last grid row's empty half, else go under it
    rows = [cells[i:i + 2] for i in range(0, len(cells), 2)]

    def row_flowable(index: int) -> Flowable:
        if beside and index == len(rows) - 1:
            rest = continued_title(tr("Key figures: {indicator}", lang, indicator=title), continued)
            return FiguresBeside(rows[index][0], tr("Key figures", lang), facts, key_figures_table, rest)
        return keep(grid(rows[index]))

    # Chunks that flow separately when the whole does not fit a page (e.g. 25 clinics): the title and
    # definition can then close the previous indicator's last page when the start of its first figure fits
    # under them (else they open the next page); a chart of a large cluster goes on over pages between its rows.
    first = row_flowable(0) if rows else None
    chunks: list[Flowable | None] = [*with_its_start(keep(*head), alone[0] if alone else first), *alone, first]
    chunks += [row_flowable(i) for i in range(1, len(rows))]
    chunks += after
    if not beside:
        chunks.append(keep(key_figures_table(facts, CONTENT_WIDTH)))
    return [page_block(chunks)]


TALL = 0.5   # a row chart taller than this share of the page leaves the grid for the page's width


def is_tall(spec: ChartSpec, width: float) -> bool:
    """Whether a row chart drawn at `width` takes more than TALL of a page (a large cluster's clinics)."""
    return is_row_chart(spec) and draw_chart(spec, width).height > TALL * FRAME_HEIGHT


def topic_pages(material: TopicMaterial, ctx: ChartContext, *, with_table: bool,
                own_block: Callable[[AnonymisedIndicator], list[Flowable]] | None = None,
                own_for: Callable[[str], OwnFigures | None] | None = None, first: bool = False) -> list[Flowable]:
    """A topic from a new page: each indicator's page, then compositions and the discussion questions."""
    table, topic, lang = material.table, material.topic, ctx.lang
    story: list[Flowable] = [] if first else [PageBreak()]
    shown_title = shown_topic_title(material, lang)
    lead: list[Flowable] = [OutlineEntry(shown_title, 0), p(shown_title, "h1")]
    description = topic_description(topic, lang)
    if description:
        lead.append(p(description))
    questions = topic_questions(topic, lang)
    if questions:   # at the start, where the reader meets the topic (and never a page of its own at the end)
        lead += [p(tr("Questions for discussion", lang), "h3"), bullets(questions, "small"), Spacer(1, 4)]
    if not table.indicators:
        story += lead
    for i, ind in enumerate(table.indicators):
        ind_ctx = replace(ctx, own=own_for(ind.key)) if own_for else ctx
        story += indicator_section(material, ind, ind_ctx, with_table=with_table, own_block=own_block,
                                   lead=lead if i == 0 else ())
    story += compositions(material, ctx)
    return story


def composition_lead(comp: AnonymisedComposition, lang: str) -> str:
    """The line under a composition's heading: what the bars are, or why the clinics' or the cluster's are empty."""
    hidden = bool(comp.shares) and all(all(s is None for s in shares) for _, shares in comp.shares)
    withheld = any(s is None for s in comp.cluster)
    if hidden and withheld:
        return tr("Every clinic's figures are hidden (see the indicator's page), and the cluster as a whole is "
                  "withheld with them.", lang)
    if hidden:
        return tr("Every clinic's figures are hidden (see the indicator's page); the top bar is the cluster as a "
                  "whole.", lang)
    if withheld:
        return tr("How each clinic's patients are divided between the parts of the group. The bar of the cluster "
                  "as a whole is withheld: beside the clinics' values shown it would give a hidden clinic's figures "
                  "away.", lang)
    return tr("How each clinic's patients are divided between the parts of the group. The top bar is the cluster "
              "as a whole.", lang)


def compositions(material: TopicMaterial, ctx: ChartContext) -> list[Flowable]:
    """Each composition of the topic (e.g. morphine / tramadol / others among opioid users) as one block."""
    table, lang = material.table, ctx.lang
    label_codes = {r.label: r.code for ind in table.indicators for r in ind.rows}
    story: list[Flowable] = []
    titles = {ind.key: indicator_title(material.topic, ind, lang) for ind in table.indicators}
    for comp in table.compositions:
        spec = composition_chart(comp, ctx, material.own_composition.get(comp.key), label_codes)
        # a composition of one indicator is headed by that indicator's title, not "part / whole" measure names
        title = titles.get(comp.key, comp.title)
        head = [OutlineEntry(title, 1), p(tr("Composition: {title}", lang, title=title), "h2"),
                p(composition_lead(comp, lang), "small")]
        if spec is not None and is_tall(spec, CONTENT_WIDTH):   # a large cluster: over pages, between rows
            rows = ContinuedChart(spec, CONTENT_WIDTH, tr("continued", lang))
            story.append(page_block([*with_its_start(keep(*head), rows), rows, Spacer(1, 8)]))
        else:
            story.append(keep(*head, chart(spec), Spacer(1, 8)))
    return story
