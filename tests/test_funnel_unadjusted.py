"""Where overdispersion adjusts the funnel limits, the exact (unadjusted) 99.8 % limit is drawn beside them:
secondary (thin, dotted: told apart in greyscale too), named in the key, and the page says which is which."""

from __future__ import annotations

import io

import pypdf

from klyngedesk.core.anonymise import anonymised_table, draw_codes
from klyngedesk.core.anonymise.coordinator_view import coordinator_table
from klyngedesk.core.collate import collate
from klyngedesk.core.collate.table import row_json
from klyngedesk.core.render.chart_builder import ChartContext, funnel_chart
from klyngedesk.core.render.chart_pdf import funnel as draw_funnel
from klyngedesk.core.render.charts import LIMIT_DASHES
from klyngedesk.core.render.group_handout import render_group
from klyngedesk.core.render.indicator_pages import TopicMaterial, denominator_title, indicator_meta


def _spec(project, meeting: str | None, topic: str, key: str, lang: str = "en", period: str = "2026H1"):
    """The funnel of a meeting's group material, or (meeting None) of the coordinator's screen view."""
    if meeting is None:
        table = coordinator_table(project, topic, period)
    else:
        if not project.draw(meeting):
            draw_codes(project, meeting)
        table = anonymised_table(project, meeting, topic, lang=lang)
    meta = indicator_meta(project.topic(topic), key)
    ind = table.indicator(key)
    return ind, funnel_chart(ind, meta, ChartContext(lang), denominator_title(project.topic(topic), meta, lang))


def test_the_exact_limits_are_kept_beside_the_adjusted_ones(demo_project) -> None:
    ind = collate(demo_project, "antibiotika", "2026H1").indicator("ab_pr1000")   # phi about 26
    assert ind.overdispersion["adjusted"]
    rows = [r for r in ind.rows if r.funnel is not None]
    assert rows and all(r.funnel.plain_l998 is not None and r.funnel.plain_u998 is not None for r in rows)
    for r in rows:   # the exact limits are the narrower ones
        assert r.funnel.l998 < r.funnel.plain_l998 < ind.pooled < r.funnel.plain_u998 < r.funnel.u998
    outside_exact = [r for r in rows if not r.funnel.plain_l998 <= r.value <= r.funnel.plain_u998]
    flagged = [r for r in rows if r.flag in ("above_998", "below_998")]
    assert len(outside_exact) > len(flagged)          # flags are against the adjusted (drawn, primary) limits
    assert all(not r.funnel.l998 <= r.value <= r.funnel.u998 for r in flagged)
    assert {"plain_l998", "plain_u998"} <= set(row_json(rows[0], rows[0].clinic, None)["funnel"])


def test_the_funnel_draws_the_exact_limit_dotted_and_names_it(demo_project) -> None:
    ind, spec = _spec(demo_project, None, "antibiotika", "ab_pr1000")
    assert spec is not None
    plain = [lim for lim in spec.limits if lim.unadjusted]
    assert len(plain) == 1 and plain[0].label == "99.8% limit without the adjustment"
    adjusted = next(lim for lim in spec.limits if lim.level == "99.8" and not lim.unadjusted)
    inside = sum(a <= p for a, p in zip(adjusted.upper, plain[0].upper, strict=True))
    assert inside == 0, "the exact upper limit lies inside the adjusted one everywhere"
    assert [lim.label for lim in spec.limits] == [                                   # the key says which is which
        "95% limit (adjusted)", "99.8% limit (adjusted)", "99.8% limit without the adjustment"]
    flow = draw_funnel(spec, 300)
    dashes = {op[4] for op in flow.ops if op[0] == "P"}
    assert tuple(LIMIT_DASHES["limit_plain"]) in dashes
    assert len({LIMIT_DASHES[k] for k in ("limit95", "limit998", "limit_plain")}) == 3   # three patterns
    assert "99.8% limit without the adjustment" in flow.texts                          # the key names it


def test_no_exact_limit_when_the_limits_are_not_adjusted(demo_project) -> None:
    demo_project.set_setting("overdispersion", False)
    ind, spec = _spec(demo_project, None, "antibiotika", "ab_pr1000")
    assert spec is not None and not any(lim.unadjusted for lim in spec.limits)
    assert all(r.funnel is None or r.funnel.plain_u998 is None for r in ind.rows)
    assert "not adjusted for overdispersion: switched off in the settings" in spec.note


def test_the_handout_says_which_line_is_which(demo_project) -> None:
    """The March meeting's pain topic: the ibuprofen share is overdispersed and its funnel is printed."""
    ind, spec = _spec(demo_project, "2026-03", "smerter", "ibuprofen_andel", "da")
    assert ind.overdispersion["adjusted"] and spec is not None and any(lim.unadjusted for lim in spec.limits)
    table = anonymised_table(demo_project, "2026-03", "smerter", lang="da")
    out = io.BytesIO()
    render_group(out, [TopicMaterial(table, demo_project.topic("smerter"))], demo_project.meeting("2026-03"),
                 "Fjordby Klynge", "da")
    text = " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(out.getvalue())).pages)
    assert "99,8 %-grænse uden justering" in text
    assert "den prikkede linje er 99,8 %-grænsen uden justering" in text
