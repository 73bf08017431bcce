"""Chooses and builds the chart spec the charts tab and presentation mode show (adapts core collate/render)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from klyngedesk.core.anonymise import (
    AnonymisedIndicator,
    AnonymisedRow,
    AnonymisedTable,
    anonymised_table,
)
from klyngedesk.core.anonymise.coordinator_view import coordinator_table
from klyngedesk.core.collate.collate import collate_many
from klyngedesk.core.model import Indicator, Topic
from klyngedesk.core.period_names import period_label
from klyngedesk.core.render import wording
from klyngedesk.core.render.chart_builder import (
    ChartContext,
    before_after_chart,
    composition_chart,
    funnel_chart,
    ranked_chart,
)
from klyngedesk.core.render.charts import ChartSpec, make_axis
from klyngedesk.core.render.indicator_pages import (
    TopicMaterial,
    denominator_title,
    in_language,
    indicator_meta,
)
from klyngedesk.core.store import Project
from klyngedesk.gui.change_stamp import topics_with_data
from klyngedesk.gui.chart_view import TrendChart
from klyngedesk.i18n import tr

CHART_KINDS = ("ranked", "funnel", "composition", "before_after", "trend")
KIND_TITLES = {"ranked": "Ranked bars", "funnel": "Funnel plot", "composition": "Composition",
               "before_after": "Before and after", "trend": "Trend over the rounds"}


@dataclass(frozen=True)
class ChartRequest:
    topic: str
    indicator: str
    period: str
    compare: str | None
    kind: str
    meeting: str | None = None  # None = the coordinator's view with every name


def as_printed(project: Project, request: ChartRequest) -> ChartRequest:
    """A request in the anonymised view asks for what the meeting's pack shows: its round and its baseline,
    whatever the boxes say. Another round or comparison under the meeting's codes would be a table audited on
    its own, not together with the pack (a clinic hidden in the pack for its change can show without one), and
    the view is shown to the group and exported for it."""
    if request.meeting is None:
        return request
    meeting = project.meeting(request.meeting)
    return replace(request, period=meeting.period or request.period, compare=meeting.baseline_period)


def table_for(project: Project, request: ChartRequest, lang: str = "da") -> AnonymisedTable:
    """The anonymised table of a meeting's pack (see `as_printed`), or for the coordinator a table naming every
    clinic; its period labels and change sentences in the reader's language, as the printed pack has them."""
    if request.meeting is not None:
        request = as_printed(project, request)
        table = anonymised_table(project, request.meeting, request.topic, period=request.period,
                                 compare=request.compare)
    else:
        table = coordinator_table(project, request.topic, request.period, request.compare)
    return in_language([TopicMaterial(table, project.topic(request.topic))], lang)[0].table


class NamesContext(ChartContext):
    """The coordinator's own view without a meeting: clinics by name only (their internal keys mean nothing)."""

    def label(self, row) -> str:
        return row.name or row.code


def context_for(request: ChartRequest, lang: str, table: AnonymisedTable) -> ChartContext:
    kind = NamesContext if request.meeting is None else ChartContext
    return kind(lang, show_names=True, suppressed_text=table.suppressed_text)


TableKey = tuple[str, str, str | None, str | None]


def build_spec(project: Project, request: ChartRequest, lang: str,
               tables: dict[TableKey, AnonymisedTable] | None = None,
               ) -> tuple[ChartSpec | TrendChart | None, AnonymisedTable | None]:
    """The spec for one chart (None when this chart cannot be drawn for these data) and its table. `tables`
    keeps the coordinator's tables read so far (for one state of the project): another kind of chart or
    indicator of the same round is drawn without reading the round again. A meeting's table is always read
    anew (its codes and consents change without the project's data changing)."""
    topic = project.topic(request.topic)
    meta = indicator_meta(topic, request.indicator)
    request = as_printed(project, request)

    def table_of() -> AnonymisedTable:
        if tables is None or request.meeting is not None:
            return table_for(project, request, lang)
        key = (request.topic, request.period, request.compare, request.meeting)
        if key not in tables:
            tables[key] = table_for(project, request, lang)
        return tables[key]

    if request.kind == "trend" and request.meeting is not None:   # the pack's own trend, never the raw one
        table = table_of()
        return printed_trend_spec(table.indicator(request.indicator), meta, lang), table
    if request.kind == "trend":   # its table only for the change sentence under a comparison
        return trend_spec(project, topic, request, lang), table_of() if request.compare else None
    table = table_of()
    ctx = context_for(request, lang, table)
    ind = table.indicator(request.indicator)
    if request.kind == "funnel":
        spec = funnel_chart(ind, meta, ctx, denominator_title(topic, meta, lang))
        if spec is not None and request.meeting is None:   # the coordinator knows the clinics by name, not key
            names = {row.code: ctx.label(row) for row in ind.rows}
            spec = replace(spec, points=tuple(replace(p, label=names.get(p.label, p.label)) for p in spec.points))
        return spec, table
    if request.kind == "before_after":
        if request.compare is None:
            return None, table
        return before_after_chart(ind, meta, ctx, table.compare_label or "", table.period_label), table
    if request.kind == "composition":
        comps = [c for c in table.compositions if meta.group_key in (None, c.key)] or list(table.compositions)
        if not comps:
            return None, table
        return composition_chart(comps[0], ctx, label_codes={**{r.label: r.code for r in ind.rows}}), table
    return ranked_chart(ind, meta, ctx), table


def trend_spec(project: Project, topic: Topic, request: ChartRequest, lang: str) -> TrendChart | None:
    """The cluster's pooled value and median in every round (a trend over the rounds)."""
    with_data = topics_with_data(project)
    periods = [p for p in project.periods() if topic.key in with_data.get(p.key, set())]
    if len(periods) < 2:
        return None
    tables = collate_many(project, [(topic.key, p.key, None) for p in periods])   # one read of the store
    inds = [tables[(topic.key, p.key, None)].indicator(request.indicator) for p in periods]
    pooled = [ind.pooled for ind in inds]
    median = [ind.median for ind in inds]
    meta = indicator_meta(topic, request.indicator)
    values = [v for v in pooled + median if v is not None]
    if not values:
        return None
    axis = make_axis(wording.unit_label(meta, lang), values, wording.tick(meta.unit, lang),
                     ceiling=100.0 if meta.unit == "percent" else None)
    return TrendChart(tr("The cluster over the rounds", lang), tuple(period_label(p.label, lang) for p in periods),
                      ((tr("Cluster as a whole", lang), tuple(pooled), "after"),
                       (tr("Cluster median", lang), tuple(median), "median")), axis)


def printed_trend_spec(ind: AnonymisedIndicator, meta: Indicator, lang: str) -> TrendChart | None:
    """The cluster over the rounds as the meeting's pack shows it: the median of each round's shown values
    (the trend's, audited with the pack; the raw median rests on hidden clinics to full precision). None
    when the pack has no trend (fewer than three rounds: the before and after chart shows the two)."""
    rounds = [t for t in ind.trend if not t.dropped]
    median = tuple(t.median for t in rounds)
    values = [v for v in median if v is not None]
    if len(rounds) < 2 or not values:
        return None
    axis = make_axis(wording.unit_label(meta, lang), values, wording.tick(meta.unit, lang),
                     ceiling=100.0 if meta.unit == "percent" else None)
    return TrendChart(tr("The cluster over the rounds", lang), tuple(period_label(t.label, lang) for t in rounds),
                      ((tr("Cluster median", lang), median, "median"),), axis)


def row_for_label(ind: AnonymisedIndicator, ctx: ChartContext, label: str) -> AnonymisedRow | None:
    for row in ind.rows:
        if ctx.label(row) == label or row.label == label or row.code == label:
            return row
    return None
