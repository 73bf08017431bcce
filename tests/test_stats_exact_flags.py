"""A clinic is flagged outside the funnel only where an exact test of chance alone agrees with the limit drawn.

FunnelPlotR's limits are continuous: 0 events lie under its lower limit at any expected count, and a small clinic
with every patient treated lies above the arcsine upper limit. The flag (and every sentence built on it) needs the
exact one-sided tail of the clinic's own count to agree: below 0.1 % for 99.8 %, below 2.5 % for 95 %.
Reference tails are R 4's own (printed with options(digits = 12)); the R line stands beside each.
"""

from __future__ import annotations

import numpy as np
import pytest

from klyngedesk.core.collate.compute import compute
from klyngedesk.core.stats.funnel import FLAGS
from klyngedesk.core.stats.special import binomial_tails, poisson_tails

# (count, mean): lower tail, upper tail (1 where the side does not apply)
POISSON = [
    ((0, 1.6), 0.201896517995, 1.0),          # poisson.test(0, 1.6, alternative = "less")$p.value
    ((0, 6.9), 0.00100778542905, 1.0),        # poisson.test(0, 6.9, alternative = "less")$p.value
    ((0, 7.0), 0.000911881965555, 1.0),       # poisson.test(0, 7, alternative = "less")$p.value
    ((1, 9.3), 0.000941669584225, None),      # poisson.test(1, 9.3, alternative = "less")$p.value
    ((9, 2.1), None, 0.000337305843837),      # poisson.test(9, 2.1, alternative = "greater")$p.value
    ((8, 2.1), None, 0.00148602912352),       # poisson.test(8, 2.1, alternative = "greater")$p.value
    ((250, 320), 2.78157097112e-05, None),    # poisson.test(250, 320, alternative = "less")$p.value
    ((2000, 1800), None, 1.89078654842e-06),  # poisson.test(2000, 1800, alternative = "greater")$p.value
]
# (count, n, p): lower tail, upper tail
BINOMIAL = [
    ((0, 25, 0.2), 0.0037778931863, 1.0),         # binom.test(0, 25, 0.2, alternative = "less")$p.value
    ((0, 30, 0.2), 0.00123794003929, 1.0),        # binom.test(0, 30, 0.2, alternative = "less")$p.value
    ((12, 12, 0.72), 1.0, 0.0194084099618),       # binom.test(12, 12, 0.72, alternative = "greater")$p.value
    ((25, 25, 0.72), 1.0, 0.000271214191616),     # binom.test(25, 25, 0.72, alternative = "greater")$p.value
    ((700, 1000, 0.75), 0.000193590321949, None),  # binom.test(700, 1000, 0.75, alternative = "less")$p.value
    ((51500, 100000, 0.51), None, 0.000788952556402),  # binom.test(51500, 1e5, 0.51, alternative = "greater")
]


@pytest.mark.parametrize(("args", "low", "high"), POISSON)
def test_exact_poisson_tails_equal_r(args, low, high) -> None:
    lo, hi = poisson_tails(np.array([args[0]], dtype=float), np.array([args[1]]))
    if low is not None:
        assert lo[0] == pytest.approx(low, rel=1e-9)
    if high is not None:
        assert hi[0] == pytest.approx(high, rel=1e-9)


@pytest.mark.parametrize(("args", "low", "high"), BINOMIAL)
def test_exact_binomial_tails_equal_r(args, low, high) -> None:
    lo, hi = binomial_tails(*(np.array([v], dtype=float) for v in args))
    if low is not None:
        assert lo[0] == pytest.approx(low, rel=1e-8)
    if high is not None:
        assert hi[0] == pytest.approx(high, rel=1e-8)


def _flag(num: list[float], den: list[float], unit: str, scale: float) -> str:
    """The flag collation gives the first clinic of a cluster (plain limits: phi is not the point here)."""
    r = compute(np.array([num], dtype=float), np.array([den], dtype=float), unit=unit, scale=scale,
                overdispersion=False)
    return FLAGS[int(r["flag"][0, 0])]


# A cluster at exactly 4 morphine users per 1,000 (42 of 10,500 besides the clinic tested) and one at exactly 20 %.
_RATE_OTHERS = ([4.0] * 9 + [6.0], [1000.0] * 9 + [1100.0])
_SHARE_OTHERS = ([20.0] * 19 + [25.0], [100.0] * 20)


def test_no_events_where_under_two_were_expected_is_not_flagged() -> None:
    """0 users among 400 listed where 4 per 1,000 gives 1,6 expected: chance gives that one time in five (R
    above), though it lies under FunnelPlotR's continuous lower limit (qgamma(0.001, 1.6) = 0,0168 events)."""
    assert _flag([0.0, *_RATE_OTHERS[0]], [400.0, *_RATE_OTHERS[1]], "per1000", 1000) == ""


def test_no_events_where_seven_were_expected_is_flagged() -> None:
    """0 of 1.750 listed at 4 per 1,000 (7 expected, P = 0,091 %) is flagged under the 99.8 % limit, and 0 of 1.400
    (5,6 expected, P = 0,37 %) under the 95 % one only."""
    # the other ten clinics make the cluster exactly 4 per 1,000 with the clinic tested in it
    for den, others, want in ((1750.0, ([5.0] * 8 + [4.0] * 2, [1025.0] * 10), "below_998"),
                              (1400.0, ([5.0] * 6 + [4.0] * 4, [1010.0] * 10), "below_95")):
        assert _flag([0.0, *others[0]], [den, *others[1]], "per1000", 1000) == want, den


def test_no_patient_treated_of_25_at_a_cluster_of_20_percent_is_not_flagged_at_99_8() -> None:
    """0 of 25 where the cluster treats 20 %: (1 − 0,2)^25 = 0,38 %, not below 0,1 %, though FunnelPlotR's arcsine
    99.8 % lower limit is 2,4 %: flagged at 95 % only. 0 of 100 at 20 % (2·10⁻¹⁰) is flagged at 99.8 %."""
    assert _flag([0.0, *_SHARE_OTHERS[0]], [25.0, *_SHARE_OTHERS[1]], "percent", 100) == "below_95"
    r = compute(np.array([[0.0, *_SHARE_OTHERS[0]]]), np.array([[25.0, *_SHARE_OTHERS[1]]]), unit="percent",
                scale=100, overdispersion=False)
    assert float(r["l998"][0, 0]) > 0     # under the drawn limit all the same
    big = ([0.0, *([25.0] * 20)], [100.0, *([120.0] * 20)])   # 500 of 2,500 = 20 %
    assert _flag(*big, "percent", 100) == "below_998"


def test_every_patient_treated_at_a_small_clinic_is_flagged_only_where_chance_would_rarely_give_it() -> None:
    """12 of 12 where the cluster treats 72 % lies above FunnelPlotR's 99.8 % limit (98,8 %) but chance gives it
    1,9 % of the time: flagged above 95 % only; 25 of 25 (0,027 %) above 99.8 %."""
    others = ([72.0] * 10, [100.0] * 10)
    for n, want in ((12.0, "above_95"), (25.0, "above_998")):
        num, den = [n, *others[0]], [n, *others[1]]
        r = compute(np.array([num]), np.array([den]), unit="percent", scale=100, overdispersion=False)
        pooled = float(r["pooled"][0, 0]) / 100
        _, hi = binomial_tails(np.array([n]), np.array([n]), np.array([pooled]))
        assert float(r["u998"][0, 0]) < 100
        assert FLAGS[int(r["flag"][0, 0])] == want, (n, pooled, hi[0])


def test_at_counts_in_the_thousands_the_exact_condition_moves_only_borderline_flags() -> None:
    """Where counts are large the continuous limits and the exact test nearly agree: of ~2,000 flags in 20 clusters
    of 60 clinics with 1,000-5,000 patients each, under 1 % move, each a step down (99.8 % to 95 %, 95 % to none)
    and only where the exact tail lies just above the side's 0,1 % or 2,5 % (within 30 %)."""
    from klyngedesk.core.stats.funnel import ALPHA95, ALPHA998, funnel, funnel_flags

    rng = np.random.default_rng(3)
    den = rng.integers(1000, 5000, size=(20, 60)).astype(float)
    num = rng.binomial(den.astype(int), rng.uniform(0.3, 0.6, size=(20, 60))).astype(float)
    flags = moved = 0
    for kind, adjust in (("proportion", True), ("proportion", False), ("rate", True), ("rate", False)):
        f = funnel(num, den, kind, overdispersion=adjust)
        assert f.tails is not None
        limits = (f.l95, f.u95, f.l998, f.u998)
        plain, exact = funnel_flags(num / den, *limits), funnel_flags(num / den, *limits, f.tails)
        flags += int((plain != 0).sum())
        for i in zip(*np.nonzero(plain != exact), strict=True):
            moved += 1
            side = f.tails[0][i] if plain[i] in (2, 4) else f.tails[1][i]
            alpha = ALPHA998 if plain[i] in (3, 4) else ALPHA95
            assert exact[i] == (plain[i] - 2 if plain[i] > 2 else 0), (kind, i, plain[i], exact[i])
            assert alpha <= side < 1.3 * alpha, (kind, i, side)
    assert flags > 2000 and moved < 0.01 * flags


@pytest.mark.parametrize("lang", ["da", "en"])
def test_a_clinic_drawn_outside_the_limit_but_not_flagged_is_named_and_explained_on_its_page(demo_project, lang) -> None:
    """20 of 20 COPD patients with a spirometry where the cluster has 78 %: the dot lies above FunnelPlotR's 99.8 %
    line (98 %), but 0,78^20 = 0,7 % is not below 0,1 %. The page does not list the clinic as outside the limit,
    names it as drawn outside but not marked with the reason, and the methods page names the indicator."""
    import dataclasses
    import re

    from attacker_pdf import handout
    from test_pack_reader import page_texts

    from klyngedesk.core.model import NewValue
    from klyngedesk.core.render.indicator_pages import indicator_title
    from klyngedesk.i18n import tr

    demo_project.save_meeting(dataclasses.replace(demo_project.meeting("2026-12"), topics=("kol",)))
    demo_project.set_setting("overdispersion", False)
    key = sorted(c.key for c in demo_project.clinics())[0]
    demo_project.add_batch("alle.xlsx", "", [NewValue(key, m, "2026H1", v, "ok") for m, v in
                                             (("kol_patienter", 20.0), ("kol_lfu", 20.0), ("kol_rehab", 10.0))])
    data, pack = handout(demo_project, "2026-12", lang)
    text = " ".join(page_texts(data))
    table = next(t for t in pack.anonymised if t.topic == "kol")
    ind = next(i for i in table.indicators if i.key.startswith("kol_lfu"))
    row = next(r for r in ind.rows if r.numerator == 20 and r.denominator == 20)
    assert row.funnel is not None and row.value is not None and row.value > row.funnel.u998
    assert row.flag == "above_95"
    note = tr("Outside the drawn 99.8% limit but not marked: {clinics}. An exact test finds the count not unusual "
              "for so few patients (chance alone gives it more often than 1 time in 1,000).", lang, clinics="QQ")
    said = re.escape(note[:note.index("QQ") + 3]).replace("QQ", r"(?P<c>[^.]+)")
    m = re.search(said, text)
    assert m and m["c"] == row.code, text[:200]
    # the key figures' list just before the note, on the same page (the other clinics it flags stay flagged)
    listed = list(re.finditer(re.escape(tr("Outside the 99.8% limit", lang)) + r" ((?:[A-Z]{1,2}, )*[A-Z]{1,2}) ",
                              text[:m.start()]))
    assert listed and row.code not in listed[-1][1].split(", ")
    methods = text[text.rfind(tr("How to read the figures: methods", lang)):]
    differ = tr("Outside a drawn 99.8% limit without being flagged, as the exact test does not agree, in this "
                "handout: {list}. The limits are smooth curves: a clinic with few patients can lie outside them with "
                "a count chance often gives (0 events where 1–2 were expected).", lang, list="QQ")
    differ = re.escape(differ[:differ.index("QQ") + 3]).replace("QQ", r"(?P<t>[^.]+)")
    found = re.search(differ, methods)
    material = next(mt for mt in pack.group_materials() if mt.table.topic == "kol")
    assert found and found["t"] == indicator_title(material.topic, ind, lang)
