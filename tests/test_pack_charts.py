"""Chart specifications as a reader sees them: ranked by value, bars from zero, the own clinic highlighted,
colours that never judge by rank, and the paper renderer drawing every kind."""

from __future__ import annotations

from dataclasses import replace

import pytest

from klyngedesk.core.anonymise import anonymised_table
from klyngedesk.core.render.chart_builder import (
    ChartContext,
    OwnFigures,
    before_after_chart,
    composition_chart,
    funnel_chart,
    pooled_shown,
    ranked_chart,
)
from klyngedesk.core.render.chart_pdf import draw_chart
from klyngedesk.core.render.charts import OKABE_ITO, ROLE_COLOURS, make_axis
from klyngedesk.core.render.indicator_pages import indicator_meta


@pytest.fixture
def march(demo_project):
    return demo_project, anonymised_table(demo_project, "2026-03", "smerter")


def test_ranked_bars_put_the_best_on_top_from_zero_with_the_cluster_lines(march) -> None:
    project, table = march
    topic = project.topic("smerter")
    for ind in table.indicators:
        meta = indicator_meta(topic, ind.key)
        spec = ranked_chart(ind, meta, ChartContext("da"))
        values = [b.value for b in spec.bars if b.value is not None]
        # better always on the same side: the best on top, said in the title
        assert values == sorted(values, reverse=meta.direction != "min")
        words = {"max": "højere er bedre", "min": "lavere er bedre"}.get(meta.direction or "", "ingen retning")
        assert words in spec.title
        assert spec.axis.low == 0 and spec.axis.high >= max(b.high or b.value for b in spec.bars if b.value)
        # the line the flags are measured against (the funnel's centre), not a second one
        funnel = funnel_chart(ind, meta, ChartContext("da"), "listede")
        centre = funnel.centre if funnel is not None else pooled_shown(ind, "da")[0]
        assert [line.value for line in spec.lines if line.role in ("pooled", "median")] == [centre]
        assert abs(centre - ind.pooled) <= (ind.value_step or 0) / 2 + 1e-9     # the pooled value, as printed
        assert not any(b.highlight for b in spec.bars)                  # nobody is singled out in the group
        assert {b.label for b in spec.bars} == {r.label if not r.name else f"{r.name} ({r.code})" for r in ind.rows}


def test_consenting_clinics_are_named_in_group_charts_and_coded_in_personal_ones(march) -> None:
    project, table = march
    ind = table.indicators[0]
    meta = indicator_meta(project.topic("smerter"), ind.key)
    named = [r for r in ind.rows if r.name]
    assert {r.name for r in named} == {project.clinic(k).name for k in project.consents("2026-03")}
    group = ranked_chart(ind, meta, ChartContext("da"))
    assert any(named[0].name in b.label for b in group.bars)
    personal = ranked_chart(ind, meta, ChartContext("da", show_names=False, own_code=ind.rows[0].code))
    assert not any(r.name in b.label for r in named for b in personal.bars)


def test_personal_chart_highlights_the_own_bar_with_its_true_figures(march) -> None:
    project, table = march
    ind = table.indicators[0]
    meta = indicator_meta(project.topic("smerter"), ind.key)
    row = ind.rows[0]
    own = OwnFigures(row.code, 1.5, 0.5, 3.0, numerator=2, denominator=1300)
    spec = ranked_chart(ind, meta, ChartContext("en", show_names=False, own_code=row.code, own=own))
    mine = [b for b in spec.bars if b.highlight]
    assert len(mine) == 1 and mine[0].value == 1.5 and mine[0].label == f"{row.code} (you)"
    assert spec.own_label == f"Your clinic ({row.code})"


def test_colours_do_not_judge_by_rank() -> None:
    # Every other clinic's bar has the same neutral colour wherever it ranks; the only strong marks are the
    # reader's own bar and the 99.8 % flag, and neither is red or green.
    assert ROLE_COLOURS["bar"] not in OKABE_ITO.values()
    for role in ("bar", "bar_own", "outside"):
        colour = ROLE_COLOURS[role].lstrip("#")
        r, g, b = (int(colour[i:i + 2], 16) for i in (0, 2, 4))
        assert not (g > 150 and r < 100 and b < 100), role          # no pure green
        assert not (r > 200 and g < 60 and b < 60), role            # no pure red


def test_every_chart_kind_draws(march) -> None:
    project, table = march
    topic = project.topic("smerter")
    ctx = ChartContext("da")
    share = table.indicator("ibuprofen_andel")
    meta = indicator_meta(topic, share.key)
    specs = [ranked_chart(share, meta, ctx), funnel_chart(share, meta, ctx, "NSAID"),
             composition_chart(table.compositions[0], ctx)]
    with_baseline = replace(table.indicators[0], rows=tuple(replace(r, baseline_value=(r.value or 0) * 1.1)
                                                            for r in table.indicators[0].rows))
    specs.append(before_after_chart(with_baseline, indicator_meta(topic, with_baseline.key), ctx, "før", "nu"))
    for spec in specs:
        assert spec is not None
        drawing = draw_chart(spec, 400)
        assert drawing.width == 400 and drawing.height > 100


def test_axis_ticks_are_round_and_percentages_stop_at_100() -> None:
    axis = make_axis("andel (%)", [97.0], lambda v, d: f"{v:.{d}f}", ceiling=100)
    assert axis.low == 0 and axis.high == 100 and axis.ticks[-1] == 100
    axis = make_axis("pr. 1000", [13.2], lambda v, d: f"{v:.{d}f}")
    assert axis.ticks[:3] == (0, 2.5, 5.0) or axis.ticks[:3] == (0, 2, 4) or axis.ticks[:2] == (0, 5)
