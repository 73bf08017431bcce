"""The trend over every round a project holds: per-round values under the meeting's codes (suppressed per
round, audited with the rest of the pack), the cluster's deciles, and the trend chart in the printed pack."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from test_pack_layout import check_pack

from klyngedesk.core.anonymise import draw_codes, meeting_codes
from klyngedesk.core.anonymise.audit import audit
from klyngedesk.core.anonymise.build import anonymised_with_disclosure
from klyngedesk.core.anonymise.disclosure import cell_key
from klyngedesk.core.anonymise.types import DECILES
from klyngedesk.core.collate import collate
from klyngedesk.core.demo import build_demo
from klyngedesk.core.formatting import format_number, step_decimals
from klyngedesk.core.render.chart_builder import ChartContext, OwnFigures
from klyngedesk.core.render.chart_pdf import colour, title_height
from klyngedesk.core.render.fonts import REGULAR, text_width
from klyngedesk.core.render.indicator_pages import indicator_meta
from klyngedesk.core.render.pack import build_pack
from klyngedesk.core.render.sections import half_width
from klyngedesk.core.render.trend_chart import (
    PLOT_HEIGHT,
    _round_positions,
    draw_trend,
    note_lines,
    shown_labels,
    trend_chart,
)
from klyngedesk.core.store import Project

MEETING = "2026-12"
EARLY = "2024H2"       # a round that is neither the meeting's period nor its baseline


def _four_rounds(path: Path) -> Project:
    """The demo with four half-year rounds and 14 clinics (meeting 2026-12: 2026H1 against 2025H2)."""
    project = Project.open(build_demo(path, periods=4))
    draw_codes(project, MEETING)
    return project


def _small_row(project: Project, topic: str, period: str):
    """(indicator, clinic row) of a count under the threshold in a round."""
    for ind in collate(project, topic, period).indicators:
        for row in ind.rows:
            if row.numerator is not None and 0 < row.numerator < 5:
                return ind, row
    raise AssertionError(f"no small count in {topic} {period}")


def _share_row(project: Project):
    ident = next(i for i in collate(project, "smerter", EARLY).indicators if i.denominator_kind == "measure")
    return ident, ident.rows[0]


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """The project for the tests that only read it, with its anonymised pain topic and disclosure model."""
    project = _four_rounds(tmp_path_factory.mktemp("shared") / "four.klynge")
    with project:
        table, disclosure, breaches = anonymised_with_disclosure(project, MEETING, "smerter")
        assert not breaches
        yield project, table, disclosure


@pytest.fixture(scope="module")
def corrected(tmp_path_factory):
    """The same demo with two counts of 2024H2 changed by hand: the hidden small count 3 -> 1, and one
    clinic's share made 98 of 100 (a remainder of 2)."""
    project = _four_rounds(tmp_path_factory.mktemp("corrected") / "four.klynge")
    with project:
        ind, row = _small_row(project, "smerter", EARLY)
        project.correct_value(row.clinic, ind.numerator_measure, EARLY, 1.0, "test")
        share, srow = _share_row(project)
        project.correct_value(srow.clinic, share.denominator_measure, EARLY, 100.0, "test")
        project.correct_value(srow.clinic, share.numerator_measure, EARLY, 98.0, "test")
        table, disclosure, breaches = anonymised_with_disclosure(project, MEETING, "smerter")
        assert not breaches
        yield project, table, disclosure


def _round(table, key: str, period: str):
    return next(t for t in table.indicator(key).trend if t.period == period)


def test_every_round_is_in_the_anonymised_table_oldest_first(shared) -> None:
    _, table, _ = shared
    for ind in table.indicators:
        assert [t.period for t in ind.trend] == ["2024H2", "2025H1", "2025H2", "2026H1"]
        assert [t.label for t in ind.trend][0] == "2. halvår 2024"
        now, before = ind.trend[-1], ind.trend[-2]
        # the meeting's own two rounds show exactly what the rows show, nothing more
        assert dict(now.values) == {r.code: r.value for r in ind.rows}
        assert dict(before.values) == {r.code: r.baseline_value for r in ind.rows}


def test_a_small_count_in_an_earlier_round_is_not_shown_and_cannot_be_recovered(shared, corrected) -> None:
    """K01 has 3 morphine users in 2024H2: its value there is hidden, the deciles are those of the values
    shown, and whatever the hidden count is (3 or 1), nothing published for that round changes."""
    project, table, disclosure = shared
    ind, row = _small_row(project, "smerter", EARLY)
    code = meeting_codes(project, MEETING)[row.clinic]
    early = _round(table, ind.key, EARLY)
    assert early.value(code) is None and code in early.hidden
    shown = [v for _, v in early.values if v is not None]
    assert early.deciles == pytest.approx(tuple(np.percentile(shown, DECILES)))
    assert row.value not in [v for _, v in early.values]
    # the audit sees the round: the value's counts are a target, and no reader narrows them
    labels = {t.label for t in disclosure.targets if t.owner == row.clinic}
    assert f"{EARLY} {ind.numerator_measure}" in labels
    assert any(c.startswith(EARLY) for r in disclosure.relations for c, _ in r.terms)
    assert not audit([disclosure])
    # another hidden count publishes the very same round (compared clinic by clinic: the codes are new)
    other_project, other_table, _ = corrected
    other = _round(other_table, ind.key, EARLY)

    def by_clinic(p: Project, rv) -> tuple[dict, set, object]:
        codes = meeting_codes(p, MEETING)
        return {c: rv.value(k) for c, k in codes.items()}, {c for c, k in codes.items() if k in rv.hidden}, rv.deciles

    assert by_clinic(other_project, other) == by_clinic(project, early)


def test_a_small_share_remainder_in_an_earlier_round_hides_that_value(corrected) -> None:
    """A share of 98 of 100 in an earlier round tells the two without the drug: the value is not printed."""
    project, table, disclosure = corrected
    ident, row = _share_row(project)
    code = meeting_codes(project, MEETING)[row.clinic]
    early = _round(table, ident.key, EARLY)
    assert early.value(code) is None and code in early.hidden
    remainder = [t for t in disclosure.targets if t.owner == row.clinic and t.label.startswith(EARLY)
                 and " - " in t.label]
    assert remainder and remainder[0].terms == ((cell_key(EARLY, ident.denominator_measure, row.clinic), 1.0),
                                                (cell_key(EARLY, ident.numerator_measure, row.clinic), -1.0))


def test_two_rounds_have_no_trend(tmp_path: Path) -> None:
    path = build_demo(tmp_path / "two.klynge")
    with Project.open(path) as project:
        draw_codes(project, MEETING)
        table = anonymised_with_disclosure(project, MEETING, "kol")[0]
    assert all(ind.trend == () for ind in table.indicators)


def test_a_round_printed_by_name_earlier_is_left_out(tmp_path: Path) -> None:
    """Meeting 2026-03 (period 2025H2) names two consenting clinics beside their values in every round up
    to 2025H2; today they do not consent, so those rounds' values beside today's codes would tell which
    code each has: the rounds are dropped whole (2026H1, never printed before, stays)."""
    with _four_rounds(tmp_path / "four.klynge") as project:
        earlier, disclosure, _ = anonymised_with_disclosure(project, "2026-03", "antibiotika")
        assert [t.period for t in earlier.indicators[0].trend] == ["2024H2", "2025H1", "2025H2"]
        assert any(x[0] == EARLY for x in disclosure.named)
        project.save_published("2026-03", "antibiotika", disclosure.to_json())
        table, _, _ = anonymised_with_disclosure(project, MEETING, "antibiotika")
    for ind in table.indicators:
        by_period = {t.period: t for t in ind.trend}
        assert by_period[EARLY].dropped and all(v is None for _, v in by_period[EARLY].values)
        assert by_period[EARLY].deciles is None
        assert not by_period["2026H1"].dropped


# --- the printed pack -------------------------------------------------------------------------------------

ROUNDS_DA = ("2. halvår 2024", "1. halvår 2025", "2. halvår 2025", "1. halvår 2026")


PACK_MEETING = "2026-12-kol"


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    """A printed 4-round, 14-clinic pack (Danish) of the COPD topic's three indicators, with the project
    still open for the true figures."""
    base = tmp_path_factory.mktemp("trendpack")
    path = build_demo(base / "four.klynge", periods=4)
    with Project.open(path) as project:
        project.save_meeting(replace(project.meeting(MEETING), key=PACK_MEETING, topics=("kol",)))
        result = build_pack(project, PACK_MEETING, base / "out", lang="da")
        yield project, result


def _page_texts(path: Path) -> list[str]:
    doc = pdfium.PdfDocument(str(path))
    texts = [" ".join(doc[i].get_textpage().get_text_range().split()) for i in range(len(doc))]
    doc.close()
    return texts


def test_the_group_handout_shows_the_trend_on_every_indicator_page(pack) -> None:
    project, result = pack
    texts = _page_texts(result.group)
    trend_pages = [t for t in texts if "hver praksis mod klyngens median og deciler" in t]
    indicators = len(project.topic("kol").indicators)
    assert sum(t.count("hver praksis mod klyngens median og deciler") for t in trend_pages) == indicators
    for text in trend_pages:
        assert all(label in text for label in ROUNDS_DA), text[:300]
        assert "Median" in text and "Deciler (10.–90. percentil)" in text and "Én praksis" in text
    # three or more rounds: the trend takes the before/after's place
    assert not any("Før og nu, pr. praksis" in t for t in texts)


def test_the_personal_handout_draws_its_own_line_against_the_deciles(pack) -> None:
    project, result = pack
    codes = meeting_codes(project, PACK_MEETING)
    clinic = sorted(codes)[0]
    texts = _page_texts(result.personal[clinic])
    own_label = f"Jeres praksis ({codes[clinic]})"
    indicators = len(project.topic("kol").indicators)
    assert sum(t.count("Jeres praksis i alle runder") for t in texts) == indicators
    assert sum(t.count(own_label) for t in texts) >= indicators
    assert not any("Én praksis" in t for t in texts)     # no other practice's line in a personal handout


def test_the_pack_with_a_trend_is_readable_on_paper(pack) -> None:
    """No overprinted words, nothing under 8 pt, no near-empty page, tick labels equal to their ticks."""
    _, result = pack
    report = check_pack(result.folder, "da", result.merged)
    assert not report.overlaps, report.overlaps[:10]
    assert not report.small, report.small[:10]
    assert not report.empty, report.empty
    assert not report.ticks, report.ticks[:10]
    assert report.tick_rows >= report.pages // 2


# --- the chart itself -------------------------------------------------------------------------------------

def _drawn_points(flowable) -> list[tuple[float, float, object, float]]:
    """Every vertex of every polyline drawn (x, y, colour, width) and every dot (width 0)."""
    out = []
    for op in flowable.ops:
        if op[0] == "P":
            out += [(x, y, op[2], op[3]) for x, y in op[1]]
        elif op[0] == "C":
            out.append((op[1], op[2], op[4], 0.0))
    return out


def _morphine(shared):
    project, table, _ = shared
    return table, table.indicator("morfin_pr1000"), indicator_meta(project.topic("smerter"), "morfin_pr1000")


def test_a_hidden_value_is_a_gap_in_its_line_not_a_point(shared) -> None:
    four_rounds = shared[0]
    ind_id, row = _small_row(four_rounds, "smerter", EARLY)
    assert ind_id.key == "morfin_pr1000"
    code = meeting_codes(four_rounds, MEETING)[row.clinic]
    _, ind, meta = _morphine(shared)
    spec = trend_chart(ind, meta, ChartContext("da"))
    assert spec is not None
    line = next(line for line in spec.practices if line.label == code)
    assert line.values[0] is None                     # 2024H2: hidden
    flow = draw_trend(spec, half_width())
    # the chart says what a gap means and what the median and deciles are taken over, within its width
    note = note_lines(spec.gap_label, half_width())
    assert " ".join(note) == spec.gap_label and "viste værdier" in spec.gap_label
    assert len(note) > 1 and all(t in flow.texts and text_width(t, REGULAR, 8.0) <= half_width() for t in note)
    xs, _ = _round_positions(spec, half_width())
    y_bottom = flow.height - title_height(spec.title, half_width()) - 15 - PLOT_HEIGHT
    y_hidden = y_bottom + spec.axis.fraction(row.value) * PLOT_HEIGHT
    shown = {v for other in spec.practices for v in other.values[:1] if v is not None}
    drawn_at_first = [(x, y) for x, y, _, _ in _drawn_points(flow) if abs(x - xs[0]) < 0.01]
    assert drawn_at_first, "nothing drawn in the first round"
    for v in shown:    # every shown value is drawn where the axis puts it ...
        assert any(abs(y - (y_bottom + spec.axis.fraction(v) * PLOT_HEIGHT)) < 0.05 for _, y in drawn_at_first)
    if not any(abs(v - row.value) < 1e-9 for v in shown):   # ... and nothing where the hidden one would be
        assert all(abs(y - y_hidden) > 0.05 for _, y in drawn_at_first)


def test_the_own_line_is_bold_with_square_markers_and_its_true_values(shared) -> None:
    four_rounds = shared[0]
    """In a personal handout the clinic sees its own true value in every round, also one hidden from the
    group (its own count), drawn thick with a black edge and a square at each round (not colour alone)."""
    _, row = _small_row(four_rounds, "smerter", EARLY)
    code = meeting_codes(four_rounds, MEETING)[row.clinic]
    table, ind, meta = _morphine(shared)
    truth = tuple(collate(four_rounds, "smerter", t.period).indicator(ind.key).row(row.clinic).value
                  for t in ind.trend)
    own = OwnFigures(code, truth[-1], None, None, trend=truth)
    spec = trend_chart(ind, meta, ChartContext("da", show_names=False, own_code=code, own=own), practices=False)
    assert spec is not None and spec.own is not None and not spec.practices
    assert spec.own.values == truth and spec.own.values[0] == row.value
    assert spec.own_label == f"Jeres praksis ({code})"
    flow = draw_trend(spec, half_width(), compact=True)
    own_fill = colour("bar_own")
    squares = [op for op in flow.ops if op[0] == "R" and op[5] is own_fill and op[6] is colour("own_outline")]
    assert len(squares) == sum(v is not None for v in truth) + 1      # one a round, one in the legend
    widths = sorted({op[3] for op in flow.ops if op[0] == "P"})
    assert widths[-1] >= 3 and colour("own_outline") in {op[2] for op in flow.ops if op[0] == "P" and op[3] >= 3}


def test_periods_in_english_and_fewer_rounds(shared) -> None:
    _, ind, meta = _morphine(shared)
    spec = trend_chart(ind, meta, ChartContext("en"))
    assert spec is not None
    assert spec.periods == ("H2 2024", "H1 2025", "H2 2025", "H1 2026")
    assert spec.title.startswith("Every round") and spec.median_label == "Median"
    assert trend_chart(replace(ind, trend=ind.trend[-2:]), meta, ChartContext("da")) is None   # before/after
    assert trend_chart(replace(ind, trend=ind.trend[-1:]), meta, ChartContext("da")) is None


def test_many_rounds_label_every_kth_round_from_the_newest(shared) -> None:
    """Twelve half-years in half a page: a tick at every round, a label at every k-th one counted back from
    the newest (always labelled), no two labels touching."""
    _, ind, meta = _morphine(shared)
    rounds = tuple(replace(ind.trend[i % 4], period=f"{2021 + i // 2}H{i % 2 + 1}",
                           label=f"{i % 2 + 1}. halvår {2021 + i // 2}") for i in range(12))
    spec = trend_chart(replace(ind, trend=rounds), meta, ChartContext("da"))
    assert spec is not None
    assert shown_labels(replace(spec, periods=spec.periods[-4:], median=spec.median[-4:]), half_width()) == \
        [0, 1, 2, 3]                                   # four rounds: every one labelled
    shown = shown_labels(spec, half_width())
    assert shown[-1] == 11 and 1 < len(shown) < 12
    assert len({b - a for a, b in zip(shown, shown[1:], strict=False)}) == 1
    xs, _ = _round_positions(spec, half_width())
    widths = [text_width(spec.periods[i], REGULAR, 8.0) for i in shown]
    assert all(xs[b] - xs[a] >= (wa + wb) / 2 for (a, wa), (b, wb) in zip(zip(shown, widths, strict=True),
                                                                          zip(shown[1:], widths[1:], strict=True),
                                                                          strict=False))
    flow = draw_trend(spec, half_width())
    assert [t for t in flow.texts if "halvår" in t] == [spec.periods[i] for i in shown]
    ticks = [op for op in flow.ops if op[0] == "L" and op[1] == op[3] and op[2] > op[4] and op[2] - op[4] < 3]
    assert len(ticks) == 12


def test_tick_labels_are_the_tick_values(shared) -> None:
    _, ind, meta = _morphine(shared)
    spec = trend_chart(ind, meta, ChartContext("da"))
    assert spec is not None
    decimals = step_decimals(spec.axis.ticks[1] - spec.axis.ticks[0])
    assert spec.axis.tick_labels == tuple(format_number(t, decimals, "da") for t in spec.axis.ticks)
    texts = draw_trend(spec, half_width()).texts
    assert all(label in texts for label in spec.axis.tick_labels)
    values = [v for t in ind.trend for _, v in t.values if v is not None]
    assert spec.axis.low <= min(values) and max(values) <= spec.axis.high
