"""Red team: the member who measures the charts of every group handout, not only reads their numbers.

A bar's end, a whisker's ends and a reference line sit at positions the PDF keeps to 1e-4 pt: with the
axis's ticks that is the value to about 1e-3 of a unit, where the text beside it prints one decimal or the
clinics' rounding step. `attacker_geometry` reads those positions back from the real handouts. Two attacks:

1. What the drawing says must be what the audit was given: every bar ends at the anonymised table's value
   (or the half step inside the interval end it sits on, as the text prints it), every whisker at the
   table's interval ends (rounded outward to the step, or the wide interval), every reference line at the
   printed pooled value, median, reference or target, and a hidden clinic's row draws nothing. The audit
   models exactly the table's numbers (an unrounded value where no step is set), so a drawing finer than
   the table would be a channel it never saw.
2. The measured values go into the printed-text attacker's linear program (tests/attacker_pdf.py): each
   bar's value to the drawing's precision where that is finer than the text, and each row whose count is
   not printed inverted from its measured value and whisker (the interval's ends pin the count, count over
   rate the list size). No hidden count may be narrowed to +/-1 and no list size not printed to within 3 %.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tempfile
from datetime import date
from pathlib import Path

import pytest
from attacker import LS, PERIODS, Attacker, add_meeting, make_cluster
from attacker_geometry import DrawnChart, drawn, resolution, thinnest
from attacker_pdf import NUMBER, _metas, clinic_of_label, decimals, handout, keep_printed, number, parse
from hypothesis import HealthCheck, Phase, example, given, settings
from test_attacker import clusters
from test_attacker_pdf import HARD

from klyngedesk.core.anonymise import AnonymisedIndicator, draw_codes
from klyngedesk.core.render import wording
from klyngedesk.core.render.chart_builder import pooled_shown
from klyngedesk.core.render.leakscan import page_texts


def _close(a: float | None, b: float | None, tol: float) -> bool:
    return a is not None and b is not None and abs(a - b) <= tol


def check_drawing(chart: DrawnChart, ind: AnonymisedIndicator, codes: dict[str, str]) -> int:
    """Attack 1 on one chart; returns how many drawn numbers were checked."""
    tol = resolution(chart)
    rows = {codes[clinic_of_label(label, codes)]: r for label, r in chart.rows.items()}
    checked = 0
    for row in ind.rows:
        r = rows.get(row.code)
        assert r is not None, (ind.key, row.code, "row not found in the drawing")
        if row.value is None:
            assert r.value is None and r.low is None, (ind.key, row.code, "a hidden row is drawn")
            continue
        low, high = (row.ci_low, row.ci_high) if row.ci_low is not None else (row.wide_ci or (None, None))
        shown = wording.point_value(row.value, low, high, ind.unit, ind.value_step)
        assert _close(r.value, shown, tol) or (thinnest(chart, r.value) and thinnest(chart, shown)), \
            (ind.key, row.code, r.value, shown)
        if r.low is not None or r.high is not None:
            assert _close(r.low, low, tol) and _close(r.high, high, tol), (ind.key, row.code, r.low, r.high, low, high)
        checked += 1
    known = [pooled_shown(ind, "da")[0]] if ind.pooled is not None else [ind.median]
    known += [ref.value for ref in ind.references] + ([ind.target.value] if ind.target else [])
    for x in chart.lines:
        assert any(_close(x, k, tol) for k in known if k is not None), (ind.key, "a line drawn at", x, known)
        checked += 1
    return checked


def _on_grid(x: float | None, step: float, tol: float) -> bool:
    return x is None or abs(x - round(x / step) * step) <= tol


def read_row(value: float, low: float | None, high: float | None, step: float, tol: float
             ) -> tuple[float, float | None, float | None, float]:
    """What a measured bar and whisker claim, as (value, low end, high end, step) for `Attacker.invert_row`:
    drawn on the clinics' step (the value maybe at the half step inside an end, the text's rule), the
    table's rounded numbers; drawn anywhere else, the drawing is finer than the step and every number is
    taken to its resolution (the ends widened by it, the step two resolutions wide)."""
    if step and _on_grid(low, step, tol) and _on_grid(high, step, tol):
        snap = (lambda x: None if x is None else round(x / step) * step)  # noqa: E731
        if _on_grid(value, step, tol):
            return snap(value), snap(low), snap(high), step
        for end in (low, high):
            if end is not None and abs(abs(value - end) - step / 2) <= tol:
                return snap(end), snap(low), snap(high), step
    return value, None if low is None else low - tol, None if high is None else high + tol, 2 * tol


def measure(attacker: Attacker, charts: dict[str, DrawnChart], printed, topics, period: str, codes: dict[str, str],
            steps: dict[str, float]) -> int:
    """Attack 2: what the measured charts add to the attacker's relations; returns how many rows were used."""
    days = {p.key: p.days for p in PERIODS}
    used = 0
    for p in printed:
        chart = charts.get(p.key)
        if chart is None:
            continue
        meta = _metas(topics)[p.key]
        mn, md = meta.numerator, LS if meta.denominator_kind == "list_size" else meta.denominator
        share = meta.unit == "percent"
        scale = 100.0 if share else 1000 * (365.25 / days[period] if meta.per_year else 1.0)
        step, tol = steps.get(p.key) or 0.0, resolution(chart)
        for row in p.rows:
            r = chart.rows.get(row.label)
            text = row.value.removesuffix(" %")
            if r is None or r.value is None or not re.fullmatch(NUMBER, text) or thinnest(chart, r.value):
                continue
            c = clinic_of_label(row.label, codes)
            num, den = (period, mn, c), (period, md, c)
            if num not in attacker.truth or den not in attacker.truth:
                continue
            wide = chart.wide or r.low is None
            value, low, high, width = read_row(r.value, None if wide else r.low, None if wide else r.high, step, tol)
            if width / 2 < step / 2 + 0.5 * 10 ** -decimals(text):   # finer than printed: the value to that
                attacker.relations.append(([(num, scale), (den, -(value + width / 2))], -math.inf, 0.0))
                attacker.relations.append(([(num, scale), (den, -(value - width / 2))], 0.0, math.inf))
                used += 1
            if share or re.fullmatch(NUMBER, row.n):
                continue
            band = row.den.replace(".", "") if "–" in row.den and row.den != "–" else None
            exact = number(row.den) if re.fullmatch(NUMBER, row.den) else None
            attacker.invert_row({"value": value, "ci_low": low, "ci_high": high, "denominator": exact,
                                 "denominator_band": band, "flag": None}, num, den, scale, width, {"key": p.key})
            used += 1
    return used


def play_measured(case: dict, check: bool = True, monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, int]:
    """Every meeting of the case printed, read and measured; returns (drawn numbers checked, rows measured).
    With `monkeypatch`, the ranked charts are drawn finer than their table (each shown clinic's unrounded value
    and exact interval, as a renderer that did not draw the table's numbers would): the attack's own test."""
    extra = case.get("extra") or {}
    topics = (case["topic"], *extra)
    checked = used = 0
    with tempfile.TemporaryDirectory() as folder:
        made = make_cluster(Path(folder) / "c.klynge", case["topic"], case["sizes"], case["counts"],
                            case["missing"], case["threshold"], case["display"], case["over"],
                            frozenset(case.get("missing_parts", ())), extra)
        project, keys = made.project, sorted(made.names)
        attacker = Attacker(made.truth)
        try:
            for r in range(len(case["counts"])):
                meeting, compare = f"m{r}", PERIODS[r - 1].key if r else None
                add_meeting(project, meeting, date(2026, 1 + r, 1), topics, PERIODS[r].key, compare)
                codes = draw_codes(project, meeting)
                for i in case["consents"][r]:
                    project.set_consent(meeting, keys[i], True)
                if monkeypatch is not None:
                    _draw_unrounded(monkeypatch, project, topics, PERIODS[r].key, compare, codes)
                data, pack = handout(project, meeting)
                for disclosure in pack.disclosures:
                    project.save_published(meeting, disclosure.topic, disclosure.to_json())
                tables = {ind.key: ind for table in pack.anonymised for ind in table.indicators}
                steps = {key: ind.value_step or 0.0 for key, ind in tables.items()}
                charts = drawn(data, topics)
                ranked = {k for k, ind in tables.items() if any(row.value is not None for row in ind.rows)}
                assert ranked <= set(charts), ("a ranked chart was not measured", sorted(ranked - set(charts)))
                for key in ranked if check else ():
                    checked += check_drawing(charts[key], tables[key], codes)
                printed = parse(page_texts(data), topics)
                keep_printed(attacker, printed, topics, PERIODS[r].key, compare, codes, steps, case["threshold"])
                used += measure(attacker, charts, printed, topics, PERIODS[r].key, codes, steps)
                attacker.check_sound()
                pinned = attacker.pinned([None, *keys])
                assert not pinned, ("pinned", meeting, pinned[:3])
        finally:
            project.close()
    return checked, used


def _draw_unrounded(monkeypatch: pytest.MonkeyPatch, project, topics, period: str, compare: str | None,
                    codes: dict[str, str]) -> None:
    from klyngedesk.core.collate import collate
    from klyngedesk.core.render import chart_builder

    true = {(ind.key, codes[row.clinic]): row for topic in topics
            for ind in collate(project, topic, period, compare).indicators for row in ind.rows}
    plain = chart_builder._ranked_bar

    def finer(row, ctx, ind, columns):
        t = true.get((ind.key, row.code))
        if row.value is None or t is None or t.value is None:
            return plain(row, ctx, ind, columns)
        row = dataclasses.replace(row, value=t.value, ci_low=t.ci_low, ci_high=t.ci_high, wide_ci=None)
        return plain(row, ctx, dataclasses.replace(ind, value_step=None), columns)

    monkeypatch.setattr(chart_builder, "_ranked_bar", finer)


def test_a_chart_drawn_finer_than_its_table_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The attack has teeth: list sizes in bands, rates rounded to a step beside them; were the bars and
    whiskers drawn at the unrounded values, the measured interval would give a hidden list size back."""
    with pytest.raises(AssertionError, match="pinned"):
        play_measured(HARD[0], check=False, monkeypatch=monkeypatch)
    monkeypatch.undo()
    with pytest.raises(AssertionError) as caught:   # and the drawing is checked against the table first
        play_measured(HARD[0], monkeypatch=monkeypatch)
    assert "pinned" not in str(caught.value) and "_close" in str(caught.value)


@pytest.mark.parametrize("case", range(len(HARD)))
def test_the_hard_handouts_measured_give_nothing_away(case: int) -> None:
    checked, used = play_measured(HARD[case])
    assert checked > 10 and used > 0


@pytest.mark.timeout(1200)
@settings(max_examples=6, deadline=None, derandomize=True, phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@example({"topic": "antibiotika", "sizes": [2400, 3100, 2800, 4100, 1900, 3600], "missing": set(),
          "counts": [[(40, [20]), (55, [30]), (3, [1]), (61, [40]), (38, [12]), (70, [33])],
                     [(42, [21]), (51, [28]), (3, [2]), (66, [41]), (35, [15]), (72, [30])]],
          "consents": [set(), set()], "threshold": 5, "display": "hidden", "over": False})
@given(clusters(4, 10))
def test_measured_random_handouts_give_nothing_away(case: dict) -> None:
    play_measured(case)
