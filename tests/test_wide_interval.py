"""Every ranked rate shows its uncertainty, also where the exact interval would give a list size back.

A statistician's checks: the wide interval printed instead covers the exact Garwood interval of every whole
count and list size the printed rate and band allow (tried one by one), and, on the demo's pack, it holds the
clinic's true interval; a reader's check: the page says in words how the interval was worked out.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from attacker_pdf import handout
from test_pack_reader import page_texts

from klyngedesk.core.demo import build_demo
from klyngedesk.core.stats.intervals import poisson_exact
from klyngedesk.core.stats.wide_interval import wide_interval
from klyngedesk.core.store import Project

CASES = [  # (printed rate per 1.000, its step, the band's lower and upper list size)
    (4.8, 0.5, 4000, 6000), (30, 5, 2000, 4000), (0, 0.5, 2000, 4000), (2.0, 0.5, 4000, 6000),
    (413, 50, 8000, 10000), (18, 2, 6000, 8000), (9.0, 1, 2000, 4000), (1.5, 0.5, 8000, 10000),
]


@pytest.mark.parametrize("value, step, low_size, high_size", CASES)
def test_the_wide_interval_holds_every_exact_interval_the_printed_numbers_allow(value, step, low_size,
                                                                             high_size) -> None:
    wide = wide_interval(value, step, low_size, 1000.0)
    assert wide is not None
    sizes = np.arange(low_size, high_size)
    counts = np.arange(0, int(math.ceil((value + step / 2) * high_size / 1000)) + 2)
    n, d = np.meshgrid(counts, sizes)
    allowed = np.abs(n * 1000.0 / d - value) <= step / 2 + 1e-12
    lows, highs = poisson_exact(n[allowed].astype(float))
    assert allowed.any()
    assert wide[0] <= (lows * 1000.0 / d[allowed]).min() + 1e-9
    assert wide[1] >= (highs * 1000.0 / d[allowed]).max() - 1e-9
    # and not absurdly wide: within the range the smallest size of the band allows
    assert wide[1] - wide[0] < 8 * math.sqrt(max(value, step) * 1000.0 / low_size) + step


def test_a_band_from_zero_or_nothing_printed_gives_no_interval() -> None:
    assert wide_interval(3.0, 0.5, 0, 1000.0) is None
    assert wide_interval(None, 0.5, 2000, 1000.0) is None


@pytest.fixture(scope="module")
def demo_pack(tmp_path_factory: pytest.TempPathFactory):
    path = build_demo(Path(tmp_path_factory.mktemp("demo")) / "demo.klynge")
    with Project.open(path) as project:
        data, pack = handout(project, "2026-12", "da")
        yield page_texts(data), pack


def test_the_demo_rates_show_a_wide_interval_holding_the_true_one(demo_pack) -> None:
    """Where the audit withholds the exact intervals (the demo's rates per 1.000 listed patients), each clinic
    with a band above 0 gets a wide interval, and it holds the clinic's true interval."""
    _, pack = demo_pack
    checked = 0
    for table, ident in zip(pack.anonymised, pack.identified, strict=True):
        truth = {ind.key: ind for ind in ident.indicators}
        for ind in table.indicators:
            if not ind.intervals_withheld:
                continue
            true_rows = {pack.codes[r.clinic]: r for r in truth[ind.key].rows}
            for row in ind.rows:
                assert row.ci_low is None and row.ci_high is None
                if row.value is None or not row.denominator_band or row.denominator_band.startswith("0–"):
                    continue
                assert row.wide_ci is not None, f"{ind.key} {row.code}: no interval at all"
                true = true_rows[row.code]
                assert row.wide_ci[0] <= true.ci_low + 1e-9 and row.wide_ci[1] >= true.ci_high - 1e-9, \
                    f"{ind.key} {row.code}: {row.wide_ci} does not hold the true {true.ci_low}–{true.ci_high}"
                checked += 1
    assert checked >= 14, "the demo's withheld intervals were expected on its rates per 1.000"


def test_the_page_says_how_its_intervals_were_worked_out(demo_pack) -> None:
    pages, pack = demo_pack
    withheld = [ind.title for table in pack.anonymised for ind in table.indicators if ind.intervals_withheld]
    text = " ".join(pages)
    assert withheld
    assert text.count("95 %-KI er regnet bredt ud fra den afrundede rate og listestørrelsesgruppen") >= len(withheld)
    assert text.count("95 %-KI, bredt") >= len(withheld)
    assert "sammenlign intervallerne" in text
