"""A GP reading a chart's value column: a clinic with a small count reads "under 5 tilfælde", never a bare "<5"
that beside rates and shares reads as a rate (or a share) under 5, and the cover's key says so.

Read from the printed handouts of tests/test_pack_reader.py (printed once a run); which clinics have a small
count is taken from the pack they were printed from.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from attacker_pdf import handout
from test_pack_reader import packs, page_texts, personals, printed_cases

from klyngedesk.core.demo import build_demo
from klyngedesk.core.store import Project
from klyngedesk.i18n import tr

# cases with small counts in rates and in shares, Danish and English
SMALL_CASES = ("all-tiny", "all-tiny-en", "other-cluster-19", "english-2-rounds-missing")
KEY_LINE = "In a chart's value column a clinic with a count from 1 to {top} reads \"{words}\" instead of a rate or share."


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, list[str]]]:
    return printed_cases(tmp_path_factory)


def small_rows(case: str) -> list[tuple[str, str, str]]:
    """(indicator key, row label, code) of every clinic whose count prints as small in a rate or a share."""
    return [(ind.key, r.label, r.code) for table in packs[case].anonymised if table.small_marked
            for ind in table.indicators if ind.unit != "count"
            for r in ind.rows if r.suppressed and r.value is None and r.hidden_reason != "protect"]


@pytest.mark.parametrize("case", SMALL_CASES)
def test_a_small_count_in_a_value_column_reads_in_words_not_as_a_rate_under_5(printed, case) -> None:
    """'D <5 <5 2.000–3.999' under the heading 'Værdi n Listede' read as a rate under 5 per 1.000 patients;
    the personal chart's 'D <5' among rates of 2,0 and 11,5 likewise."""
    lang, pages = printed[case]
    table = packs[case].anonymised[0]
    small, words = table.suppressed_text, tr("fewer than {n} cases", lang, n=table.threshold)
    rows = small_rows(case)
    assert rows, f"{case}: no clinic with a small count to read (the case no longer tests anything)"
    group = " ".join(pages)
    for key, label, _ in rows:
        bare = re.search(rf"(?:^| ){re.escape(label)} {re.escape(small)}(?= |$)", group)
        assert not bare, f"{case}: {key}: the value column reads a bare '{small}': '{bare[0].strip()}'"
        assert f" {label} {words} " in group, \
            f"{case}: {key}: clinic {label} has a small count; no chart row reads '{label} {words}'"
    codes = {code for _, _, code in rows}
    for n, personal in enumerate(personals[case], 1):
        text = " ".join(personal)
        bare = [code for code in codes if re.search(rf"(?:^| ){code} {re.escape(small)}(?= |$)", text)]
        assert not bare, f"{case} personal {n}: a value column reads a bare '{bare[0]} {small}'"
    assert any(f" {code} {words} " in " ".join(personal) for personal in personals[case] for code in codes), \
        f"{case}: no personal chart row reads a small count as '{words}'"


@pytest.mark.parametrize("case", SMALL_CASES)
def test_the_cover_key_says_what_the_words_in_a_value_column_mean(printed, case) -> None:
    """'under 5 tilfælde' in a chart's value column, and the cover says what counts are shown as '<5' only."""
    lang, pages = printed[case]
    table = packs[case].anonymised[0]
    words = tr("fewer than {n} cases", lang, n=table.threshold)
    key = tr(KEY_LINE, lang, top=table.threshold - 1, words=words)
    cover = " ".join(pages[0].split())
    assert key in cover, f"{case}: the cover does not say what '{words}' in a value column means"
    assert words == tr("fewer than {n} cases", lang, n=5) and (lang == "en" or words == "under 5 tilfælde")


@pytest.mark.parametrize("case", [*SMALL_CASES, "demo", "english-demo", "four-rounds", "shares-100-0"])
def test_the_cover_key_is_there_exactly_when_a_chart_prints_the_words(printed, case) -> None:
    """The key explains 'under 5 tilfælde' only in a handout where a chart's value column prints it: the Danish
    demo, with no small count in a rate or a share, printed the line for words found on no page."""
    lang, pages = printed[case]
    table = packs[case].anonymised[0]
    words = tr("fewer than {n} cases", lang, n=table.threshold)
    key = tr(KEY_LINE, lang, top=table.threshold - 1, words=words)
    cover = " ".join(pages[0].split())
    used = any(re.search(rf"(?:^|\s)\S+ {re.escape(words)}(?=\s|$)", page) for page in pages[1:])   # a row
    assert (key in cover) == used, f"{case}: the key line is {'missing' if used else 'printed for nothing'}"
    assert used != (case in ("demo", "english-demo")), f"{case}: the case no longer tests its kind"


@pytest.mark.parametrize("threshold, lang", [(3, "da"), (10, "en")])
def test_the_words_follow_the_threshold_and_below_5_nothing_is_marked_small(tmp_path: Path, threshold: int,
                                                                            lang: str) -> None:
    """At threshold 10 a small count reads 'fewer than 10 cases' (1 to 9); at threshold 3, where '<3' would
    pin the count to 1 or 2, nothing reads 'under 3 tilfælde' or '<3' and the cover makes no such key."""
    path = build_demo(tmp_path / "c.klynge", clinics=8, periods=2)
    with Project.open(path) as project:
        project.set_setting("threshold", threshold)
        data, pack = handout(project, "2026-12", lang)
    pages = page_texts(data)
    text = " ".join(" ".join(pages).split())
    words = tr("fewer than {n} cases", lang, n=threshold)
    key = tr(KEY_LINE, lang, top=threshold - 1, words=words)
    if threshold < 5:
        assert words not in text and f"<{threshold}" not in text and key not in " ".join(pages[0].split())
        return
    assert any(r.suppressed and r.value is None and r.hidden_reason != "protect"
               for t in pack.anonymised for ind in t.indicators for r in ind.rows), "no small count at threshold 10"
    assert words in text and key in " ".join(pages[0].split())
    assert not re.search(rf"(?m)^\S+ <{threshold}(?: |$)", "\n".join(pages)), "a value column reads a bare '<10'"


def _half_page_chart(words: str, cluster: float, target: float | None = None) -> tuple[list[tuple], float, float]:
    """A half-page ranked chart (value, n, listed columns) with one clinic's small count in words: its ops,
    and the plot's left and right edges (the axis line)."""
    from klyngedesk.core.render.chart_pdf import ranked_bars
    from klyngedesk.core.render.charts import Axis, RankedBar, RankedBarChart, ReferenceLine
    from klyngedesk.core.render.page_template import CONTENT_WIDTH

    bars = (*(RankedBar(c, v, v - 1, v + 1.5, f"{v:.1f}", extra=("–", "8,000–9,999"))
              for c, v in (("C", 3.0), ("B", 3.5), ("A", 5.0), ("G", 8.5))),
            RankedBar("D", None, value_text="hidden", extra=("hidden", "4,000–5,999")),
            RankedBar("F", None, value_text=words, extra=("<5", "0–1,999")))
    lines = (ReferenceLine("pooled", cluster, "Cluster as a whole"),)
    lines += (ReferenceLine("target", target, "Target"),) if target is not None else ()
    spec = RankedBarChart("", Axis("per 1,000 listed patients", 0, 15, (0, 5, 10, 15), ("0", "5", "10", "15")), bars,
                          lines, columns=("Value", "n", "Listed"))
    chart = ranked_bars(spec, CONTENT_WIDTH / 2 - 8)
    axis = next(op for op in chart.ops if op[0] == "L" and op[2] == op[4] and op[1] != op[3])   # the axis line
    return list(chart.ops), min(axis[1], axis[3]), max(axis[1], axis[3])


@pytest.mark.parametrize("cluster, target", [(3.9, None), (12.0, None), (6.0, 13.5)])
def test_the_words_do_not_squeeze_a_half_page_chart_nor_cross_its_lines(cluster: float, target: float | None
                                                                         ) -> None:
    """'under 5 tilfælde' made the value column so wide that a half-page chart's plot shrank to a few points and
    its tick labels ran together ('0 5 1015', and in an English pack with a 90 % target '0 255075100'); the words
    now lie in the clinic's empty row, clear of the label column, and every line they lie over is broken there:
    the plot is as wide as with a bare '<5'."""
    from klyngedesk.core.render.fonts import text_width

    words = tr("fewer than {n} cases", "en", n=5)
    ops, x0, x1 = _half_page_chart(words, cluster, target)
    _, plain_x0, plain_x1 = _half_page_chart("<5", cluster, target)
    texts = [op for op in ops if op[0] == "T"]
    ticks = sorted((op[1], text_width(op[3], op[4], op[5])) for op in texts if op[3] in ("0", "5", "10", "15"))
    assert len(ticks) == 4
    for (a, wa), (b, wb) in itertools.pairwise(ticks):
        assert b - wb / 2 - (a + wa / 2) >= 3, f"tick labels run together: {ticks}"
    said = next(op for op in texts if op[3] == words)
    left, right = said[1] - text_width(words, said[4], said[5]), said[1]
    low, high = said[2] - 0.2 * said[5], said[2] + 0.72 * said[5]   # the words from descender to cap height
    assert left >= x0 + 2, "the words reach into the label column"
    for value in (cluster, target):
        if value is None:
            continue
        line_x = x0 + value / 15 * (x1 - x0)
        pieces = [op for op in ops if op[0] == "L" and abs(op[1] - line_x) < 0.01 and abs(op[3] - line_x) < 0.01]
        assert pieces, f"the line at {value} is not drawn"
        if left - 2 < line_x < right:
            assert not any(min(op[2], op[4]) < high and max(op[2], op[4]) > low for op in pieces), \
                f"the line at {value} runs through the words"
    assert x1 - x0 >= (plain_x1 - plain_x0) - 1, f"plot {x1 - x0:.0f} pt wide, {plain_x1 - plain_x0:.0f} with '<5'"


def test_tick_labels_of_a_narrow_plot_never_run_together() -> None:
    """A plot too narrow for all its tick labels prints every second (third, ...), from the first."""
    from klyngedesk.core.render.chart_pdf import _tick_labels_shown

    labels = [str(v) for v in range(0, 110, 10)]
    assert _tick_labels_shown([k * 40.0 for k in range(11)], labels) == list(range(11))
    assert _tick_labels_shown([k * 9.0 for k in range(11)], labels) == [0, 2, 4, 6, 8, 10]
    assert _tick_labels_shown([0.0, 0.5], ["0", "100"]) == [0]


@pytest.mark.parametrize("case", ["all-tiny", "all-tiny-en"])
def test_the_cover_and_the_methods_page_call_them_hidden_figures_alike(printed, case) -> None:
    """The cover said 'Values marked hidden …' and the methods page '… whose counts are hidden' of the same
    cells: one name for them, 'hidden figures' / 'skjulte tal', on both pages."""
    lang, pages = printed[case]
    term = {"en": "hidden figures", "da": "skjulte tal"}[lang]
    others = {"en": ("Values marked", "whose counts are hidden"), "da": ("Tal markeret", "hvis tal er skjult")}[lang]
    cover, methods = pages[0], next(p for p in pages if tr("How to read the figures: methods", lang) in p)
    for name, page in (("cover", cover), ("methods page", methods)):
        assert term in page.lower(), f"{case}: the {name} never says '{term}'"
        said = [w for w in others if w in page]
        assert not said, f"{case}: the {name} says '{said[0]}' where the other page says '{term}'"
