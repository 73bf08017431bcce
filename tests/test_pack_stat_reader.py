"""A statistician's checks on the printed pack, from its text alone: medians, ranges, intervals and flags redone.

The reader holds only the paper (the group handout and a clinic's own) and a calculator: the median of the values
printed where every clinic is shown, the cluster as a whole between the printed lowest and highest, a clinic's
own 95 % CI worked out from its printed count and denominator (Wilson for shares, exact or Byar for rates, as
PHEindicatormethods computes them), the change's interval around its change, 'over'/'under' against the cluster
value, and the flags against the funnel limits FunnelPlotR draws around the printed cluster value for each
clinic's printed denominator. The numbers here are computed with the standard library only, not with the
program's statistics.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import pytest
from test_pack_reader import (
    CASES,
    NUM,
    PCT,
    half_unit,
    packs,
    personal_summary,
    personals,
    printed_cases,
    row_heads,
    value_of,
)

from klyngedesk.i18n import tr

Z95 = NormalDist().inv_cdf(0.975)
Z998 = NormalDist().inv_cdf(0.999)
WHOLE = r"\d{1,3}(?:[.,]\d{3})*"


# --- the calculator: incomplete gamma, exact Poisson and Wilson intervals, FunnelPlotR's limits -------------

def _gamma_p(a: float, x: float) -> float:
    """The regularised lower incomplete gamma P(a, x) (series below a + 1, continued fraction above)."""
    if x <= 0:
        return 0.0
    log_front = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        n = a
        for _ in range(100000):
            n += 1
            term *= x / n
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return total * math.exp(log_front)
    b, c, d = x + 1 - a, 1e300, 1 / (x + 1 - a)
    h = d
    for i in range(1, 100000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = 1e-300 if abs(d) < 1e-300 else d
        c = b + an / c
        c = 1e-300 if abs(c) < 1e-300 else c
        d = 1 / d
        step = d * c
        h *= step
        if abs(step - 1) < 1e-15:
            break
    return 1 - math.exp(log_front) * h


def gamma_quantile(p: float, shape: float) -> float:
    """x with P(shape, x) = p, by bisection (R's qgamma(p, shape))."""
    low, high = 0.0, shape + 40 * math.sqrt(shape) + 100
    for _ in range(200):
        mid = (low + high) / 2
        if _gamma_p(shape, mid) < p:
            low = mid
        else:
            high = mid
        if high - low < 1e-12 * max(1.0, high):
            break
    return (low + high) / 2


def exact_poisson(count: float) -> tuple[float, float]:
    """The exact (Garwood) 95 % interval of a Poisson count."""
    low = gamma_quantile(0.025, count) if count > 0 else 0.0
    return low, gamma_quantile(0.975, count + 1)


def byar(count: float) -> tuple[float, float]:
    """PHEindicatormethods' Byar interval of a count (its default from 10 events)."""
    low = count * (1 - 1 / (9 * count) - Z95 / (3 * math.sqrt(count))) ** 3 if count > 0 else 0.0
    up = count + 1
    return low, up * (1 - 1 / (9 * up) + Z95 / (3 * math.sqrt(up))) ** 3


def wilson(count: float, n: float) -> tuple[float, float]:
    """The Wilson score 95 % interval of a share, in percent (PHEindicatormethods' phe_proportion)."""
    p = count / n
    centre = p + Z95 ** 2 / (2 * n)
    spread = Z95 * math.sqrt(p * (1 - p) / n + Z95 ** 2 / (4 * n * n))
    denominator = 1 + Z95 ** 2 / n
    return 100 * (centre - spread) / denominator, 100 * (centre + spread) / denominator


def funnel_998(pooled: float, denominator: float, share: bool) -> tuple[float, float] | None:
    """FunnelPlotR's unadjusted 99.8 % limits around a cluster value for one denominator: arcsine limits for a
    share (percent), exact Poisson limits on the expected count (rounded to 2 decimals) for a rate per 1,000."""
    if share:
        theta, s = math.asin(math.sqrt(min(max(pooled / 100, 0.0), 1.0))), 1 / (2 * math.sqrt(denominator))
        return (100 * math.sin(max(theta - Z998 * s, 0.0)) ** 2,
                100 * math.sin(min(theta + Z998 * s, math.pi / 2)) ** 2)
    expected = round(pooled / 1000 * denominator, 2)
    if expected <= 0:
        return None
    low = gamma_quantile(0.001, expected) / expected
    high = gamma_quantile(0.999, expected + 1) / expected
    return pooled * low, pooled * high


def test_the_calculator_agrees_with_published_values() -> None:
    """Garwood's exact limits for 0, 1 and 10 events, χ² quantiles (qchisq(0.975, 10), qchisq(0.999, 7)) and
    Newcombe's (1998) worked Wilson example, 81 of 263: 25,53–36,62 %."""
    assert exact_poisson(0) == pytest.approx((0.0, 3.688879), rel=1e-6)
    assert exact_poisson(1) == pytest.approx((0.0253178, 5.5716434), rel=1e-6)
    assert exact_poisson(10) == pytest.approx((4.795389, 18.390356), rel=1e-6)
    assert byar(10) == pytest.approx(exact_poisson(10), rel=2e-3)
    assert 2 * gamma_quantile(0.975, 5) == pytest.approx(20.48318, rel=1e-6)
    assert 2 * gamma_quantile(0.999, 3.5) == pytest.approx(24.32189, rel=1e-6)
    assert wilson(81, 263) == pytest.approx((25.53, 36.62), abs=5e-3)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, list[str]]]:
    """The pack reader's cases, printed once a run for both modules."""
    return printed_cases(tmp_path_factory)


# --- reading ---------------------------------------------------------------------------------------------------

def _step(segment: str, lang: str) -> float | None:
    """The step the clinics' values are rounded to, as the page states it ('afrundet til nærmeste 0,5')."""
    m = re.search(rf"(?:afrundet til nærmeste|rounded to the nearest) ({NUM[lang]})", segment)
    return value_of(m[1], lang) if m else None


def indicator_segments(pages: Sequence[str], lang: str) -> list[str]:
    """Each indicator's stretch of the group handout: from its definition box ('Tæller …') to the next one."""
    text = " ".join(pages)
    label = re.escape(tr("Numerator", lang))
    starts = [m.start() for m in re.finditer(rf"(?:^| ){label} ", text)]
    return [text[s:e] for s, e in zip(starts, [*starts[1:], len(text)], strict=True)]


def _words(lang: str) -> dict[str, str]:
    return {k: re.escape(tr(k, lang)) for k in (
        "Cluster as a whole", "Median", "Spread (lowest–highest)", "Outside the 99.8% limit", "Funnel limits",
        "Region", "National", "Target", "Before and now", "Rounding", "Change", "Read with care", "Data notes",
        "hidden", "no data")}


def _fact(segment: str, label: str, lang: str) -> str | None:
    """A key figure's text: what stands after its label up to the next key figure's label."""
    w = _words(lang)
    labels = "|".join(w[k] for k in ("Median", "Spread (lowest–highest)", "Outside the 99.8% limit", "Funnel limits",
                                      "Region", "National", "Target", "Before and now", "Rounding", "Change",
                                      "Read with care", "Data notes"))
    goes_on = re.escape(tr("Key figures: {indicator}", lang, indicator="@").split("@")[0])   # over a page
    m = re.search(rf"{w[label]} (?P<t>.+?)(?= (?:{labels}) | {goes_on}|$)", segment[key_figures_start(segment, lang):])
    return m["t"] if m else None


def key_figures_start(segment: str, lang: str) -> int:
    """Where an indicator's key figures begin: 'Klyngen samlet 4,8 (95 %-KI …' or 'Klyngen samlet – (holdt …',
    not the chart key's 'Klyngen samlet 4,8 praksisser afrundet …'."""
    w, num, pct = _words(lang), NUM[lang], re.escape(PCT[lang])
    labels = "|".join(w[k] for k in ("Median", "Spread (lowest–highest)", "Before and now", "Read with care"))
    m = re.search(rf"{w['Cluster as a whole']} (?:{num}(?:{pct})?|–) (?:\(|{labels})", segment)
    return m.start() if m else len(segment)


def printed_value(text: str | None, lang: str) -> str | None:
    m = re.match(rf"({NUM[lang]}(?:{re.escape(PCT[lang])})?)(?: |$)", text or "")
    return m[1] if m else None


@dataclass
class Row:
    label: str
    value: str
    n: str | None
    denominator: str | None


@dataclass
class Indicator:
    """One indicator as its group page prints it."""
    lang: str
    text: str
    rows: list[Row]
    hidden: int                  # rows printed without a value (hidden, <5, no data)
    n_clinics: int | None        # 'Bygger på 14 praksisser'
    pooled: str | None
    median: str | None
    spread: str | None
    flagged: list[str]
    adjusted: bool
    share: bool
    per_1000: bool               # per 1,000 listed patients (not per year)
    step: float | None

    def unit(self, figure: str) -> float:
        """Half the precision a printed value was rounded to: its step's half where the page states one."""
        return max(half_unit(figure, self.lang), (self.step or 0) / 2 + 1e-9)


def indicators(pages: Sequence[str], lang: str) -> list[Indicator]:
    num, pct = NUM[lang], re.escape(PCT[lang])
    w = _words(lang)
    small = rf"{w['hidden']}|<\d+|{w['no data']}"
    out = []
    for segment in indicator_segments(pages, lang):
        rows, hidden = [], 0
        for block in re.split(r"(?:Ordnet|Ranked):? ", segment)[1:]:
            block = re.split(r"(?:Værdi|Value) n ", block)[0]
            for m in re.finditer(rf"(?:^| )(?P<label>[A-Z]{{1,2}}|\S.+? \([A-Z]{{1,2}}\)) (?P<v>{num}(?:{pct})?|{small})"
                                 rf"(?: (?P<n>{WHOLE}|{small}|–) (?P<d>{WHOLE}–{WHOLE}|{WHOLE}|{small}|–))?(?= |$)", block):
                if re.fullmatch(num + f"(?:{pct})?", m["v"]):
                    rows.append(Row(m["label"], m["v"], m["n"], m["d"]))
                else:
                    hidden += 1
        based = re.search(rf"{re.escape(tr('Based on {n} clinics.', lang, n='QQ')).split('QQ')[0]}(\d+)", segment)
        flagged = _fact(segment, "Outside the 99.8% limit", lang)
        funnel = _fact(segment, "Funnel limits", lang) or ""
        definition = re.split(r"(?:Ordnet|Ranked):? ", segment)[0]
        out.append(Indicator(
            lang, segment, rows, hidden, int(based[1]) if based else None,
            printed_value(_fact(segment, "Cluster as a whole", lang), lang),
            printed_value(_fact(segment, "Median", lang), lang), _fact(segment, "Spread (lowest–highest)", lang),
            [c.strip() for c in flagged.split(", ")] if flagged else [],
            tr("The practices vary more than chance can explain; the limits are adjusted for it.", lang) in funnel,
            tr("share (%)", lang) in definition,
            tr("per 1,000 listed patients", lang) in definition
            and tr("per 1,000 listed patients per year", lang) not in definition,
            _step(segment, lang)))
    return out


def spread_ends(spread: str, lang: str) -> tuple[tuple[str, int], tuple[str, int]] | None:
    """The printed lowest and highest with their kind: 0 exact, -1 'under', +1 'over'."""
    num, pct = NUM[lang], re.escape(PCT[lang])
    under = re.escape(tr("under {value}", lang, value="QQ")).replace("QQ", f"({num})")
    over = re.escape(tr("over {value}", lang, value="QQ")).replace("QQ", f"({num})")
    end = rf"(?:{under}|{over}|({num}))"
    m = re.fullmatch(rf"{end}(?:{pct})? ?– ?{end}(?:{pct})?", spread.strip())
    if not m:
        return None
    low = (m[1], -1) if m[1] else (m[2], 1) if m[2] else (m[3], 0)
    high = (m[4], -1) if m[4] else (m[5], 1) if m[5] else (m[6], 0)
    return low, high


def r_median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


# --- the checks ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", list(CASES))
def test_the_printed_median_is_the_median_of_the_printed_values_where_every_clinic_is_shown(printed, case) -> None:
    """A reader counts to the middle of the ranked table: where every clinic's value is printed, the median
    printed is theirs, to the rounding of the values and of the median itself."""
    lang, pages = printed[case]
    checked = 0
    for ind in indicators(pages, lang):
        if ind.median is None or ind.hidden or not ind.rows or ind.n_clinics != len(ind.rows):
            continue
        values = [value_of(r.value, lang) for r in ind.rows]
        slack = max(ind.unit(r.value) for r in ind.rows) + ind.unit(ind.median)
        checked += 1
        assert abs(r_median(values) - value_of(ind.median, lang)) <= slack, \
            f"{case}: median {ind.median} printed, the values printed {[r.value for r in ind.rows]}: {ind.text[:90]}"


@pytest.mark.parametrize("case", list(CASES))
def test_the_cluster_value_and_median_lie_between_the_printed_lowest_and_highest(printed, case) -> None:
    """A pooled rate is a weighted mean of the clinics' rates, the median one of them: neither can lie outside
    the spread printed beside it ('Spredning 68,0–94,4 %'; 'under 10' bounds nothing below)."""
    lang, pages = printed[case]
    for ind in indicators(pages, lang):
        if not ind.spread:
            continue
        ends = spread_ends(ind.spread, lang)
        assert ends, f"{case}: a spread the reader cannot read: '{ind.spread}'"
        (low, low_kind), (high, high_kind) = ends
        lo, hi = value_of(low, lang), value_of(high, lang)
        assert lo <= hi or low_kind or high_kind, f"{case}: a spread from high to low '{ind.spread}'"
        for name, figure in (("cluster as a whole", ind.pooled), ("median", ind.median)):
            if figure is None:
                continue
            v, slack = value_of(figure, lang), ind.unit(figure) + ind.unit(low) + ind.unit(high)
            if low_kind == 0:
                assert v >= lo - slack, f"{case}: the {name} {figure} below the lowest printed '{ind.spread}'"
            if high_kind == 0:
                assert v <= hi + slack, f"{case}: the {name} {figure} above the highest printed '{ind.spread}'"
            if high_kind < 0:   # 'under 10' as the highest: every value is below it
                assert v <= hi + slack, f"{case}: the {name} {figure} beside a highest '{ind.spread}'"
            if low_kind > 0:
                assert v >= lo - slack, f"{case}: the {name} {figure} beside a lowest '{ind.spread}'"


def _own_figures(pages: Sequence[str], lang: str) -> list[tuple[str, re.Match]]:
    """(the stretch before it, the match) for every 'Jeres tal: 24,3 (16,4–34,7) · 30 af 1.233'."""
    num, pct = NUM[lang], re.escape(PCT[lang])
    own = re.compile(rf"{re.escape(tr('Your figures', lang))}: (?P<v>{num})(?P<p>{pct})? \((?P<lo>{num})–"
                     rf"(?P<hi>{num})(?:{pct})?\) · "
                     + re.escape(tr("{numerator} of {denominator}", lang, numerator="QN", denominator="QD"))
                     .replace("QN", rf"(?P<n>{WHOLE})").replace("QD", rf"(?P<d>{WHOLE})"))
    text = " ".join(pages)
    out, last = [], 0
    for m in own.finditer(text):
        out.append((text[last:m.start()], m))
        last = m.end()
    return out


@pytest.mark.parametrize("case", list(CASES))
def test_a_clinics_own_interval_is_the_wilson_or_poisson_interval_of_its_printed_count(printed, case) -> None:
    """'Jeres tal: 24,3 (16,4–34,7) · 30 af 1.233': the statistician works the 95 % CI out from 30 and 1.233 as
    PHEindicatormethods does (Wilson for a share; exact Poisson, or Byar's from 10 events, for a rate per 1.000)
    and gets the printed ends to their printed precision."""
    lang, _ = printed[case]
    checked = 0
    for pages in personals[case]:
        for before, m in _own_figures(pages, lang):
            count, den = value_of(m["n"], lang), value_of(m["d"], lang)
            if den <= 0:
                continue
            lo, hi = value_of(m["lo"], lang), value_of(m["hi"], lang)
            half = half_unit(m["lo"], lang)
            if m["p"]:
                candidates = [wilson(count, den)]
            elif re.search(r"pr\. år|per year", before[-300:]) or not re.search(r"1[.,]000 ", before[-300:]):
                continue
            else:
                candidates = [tuple(1000 * x / den for x in exact_poisson(count)),
                              tuple(1000 * x / den for x in byar(count))]
            checked += 1
            assert any(abs(lo - a) <= half and abs(hi - b) <= half for a, b in candidates), \
                f"{case}: '{m[0]}': the 95 % CI of {m['n']} of {m['d']} is {[(round(a, 3), round(b, 3)) for a, b in candidates]}"
    assert checked or not personals[case], f"{case}: no own figures read"


def _change_figures(text: str, lang: str) -> list[re.Match]:
    num = NUM[lang]
    figure = rf"(?P<est>{num})(?:{re.escape(PCT[lang])}| [a-z]+ [a-z]+| [a-z]+)?"
    between = re.escape(tr("({low} to {high})", lang, low="QL", high="QH")).replace(
        "QL", rf"(?P<lo>{num})(?:{re.escape(PCT[lang])})?").replace("QH", rf"(?P<hi>{num})(?:{re.escape(PCT[lang])})?")
    return list(re.finditer(rf"(?<![\d,.]){figure} {between}", text))


@pytest.mark.parametrize("case", list(CASES))
def test_every_printed_change_lies_inside_its_printed_interval(printed, case) -> None:
    """'−16,4 % (−29,9 % til −0,2 %)' in the summary, 'Ændring +57 % (−12 % til +179 %)' in a clinic's own: the
    change printed lies between its interval's printed ends, wherever a change is printed with its interval."""
    lang, pages = printed[case]
    seen = 0
    for text in [" ".join(pages), *(" ".join(h) for h in personals[case])]:
        for m in _change_figures(text, lang):
            est, lo, hi = (value_of(m[k], lang) for k in ("est", "lo", "hi"))
            if not (m["est"].startswith(("+", "−", "-")) or est == 0):
                continue   # not a change: an interval printed beside a value
            seen += 1
            half = half_unit(m["est"], lang)
            assert lo - half <= est <= hi + half, f"{case}: the change outside its interval: '{m[0]}'"
    assert seen or CASES[case][1] < 2 or not any(tr("Change", lang) in p for p in pages), f"{case}: no change read"


@pytest.mark.parametrize("case", list(CASES))
def test_a_change_far_too_wide_to_read_prints_no_estimate_only_that_it_cannot_be_determined(printed, case) -> None:
    """'Ændring +1 % (−94 % til +1.508 %) (kan ikke afgøres)' invites reading the +1 %: where the printed interval
    reaches five margins beyond no change on both sides (a fall and a rise of 50 % or more; ±15 percentage
    points), no change figure is printed beside it, and the words say it cannot be determined for too few
    numbers."""
    lang, pages = printed[case]
    pct, few = PCT[lang], tr("cannot be determined – too few numbers", lang)
    wide = 0
    for text in [" ".join(pages), *(" ".join(h) for h in personals[case])]:
        for m in _change_figures(text, lang):
            if not m["est"].startswith(("+", "−", "-")):
                continue   # not a change: an interval printed beside a value
            lo, hi = value_of(m["lo"], lang), value_of(m["hi"], lang)
            bound = 50 if pct in m[0] else 15
            assert not (lo <= -bound and hi >= bound), f"{case}: a change printed beside an interval this wide: '{m[0]}'"
        wide += len(re.findall(re.escape(few) + r"(?: \(|[^(]{0,40}\(95)", text))
    if case.startswith("all-tiny"):
        assert wide, f"{case}: no change too wide to read, where the clinics hold a handful of events each"


# Once known, fixed in session 12: FunnelPlotR's Poisson limits are continuous, qgamma(0.001, E) for E expected
# events, so a clinic with 0 events lies under a lower limit above 0 at any E. In all-tiny a clinic with 0 events
# where 1,6 were expected (chance gives that one time in five) was printed 'under the 99.8 % limit: more than chance
# alone can explain' beside its own 95 % CI 0,0–8,5 that holds the cluster's 3,6. A flag now needs the exact tail
# to agree as well (tests/test_stats_exact_flags.py).


@pytest.mark.parametrize("case", list(CASES))
def test_over_and_under_agree_with_the_clinics_value_and_the_cluster_value(printed, case) -> None:
    """A clinic's summary says 'over' the 99.8 % limit: its printed value is above the cluster as a whole printed
    on the group page, and so is its whole 95 % CI (a limit that far out excludes the centre); 'under' below."""
    lang, pages = printed[case]
    num, pct = NUM[lang], re.escape(PCT[lang])
    group = " ".join(pages)
    titles = sorted((t for t in row_heads[case]), key=len, reverse=True)
    pooled: dict[str, str] = {}
    for ind in indicators(pages, lang):
        start = group.index(ind.text)
        owner = max(titles, key=lambda t: group.rfind(t, 0, start))
        if ind.pooled:
            pooled[owner] = ind.pooled
    words = {tr("above", lang): 1, tr("below", lang): -1}
    heads = "|".join(re.escape(t) for t in titles)
    for h in personals[case]:
        summary = personal_summary(h, lang)
        for m in re.finditer(rf"(?P<t>{heads}) (?:\S+ ){{1,2}}(?P<v>{num})(?:{pct})? \((?P<lo>{num})–(?P<hi>{num})"
                             rf"(?:{pct})?\) (?:(?!{heads}).)*? (?P<w>{'|'.join(map(re.escape, words))})(?= (?:{heads})| |$)",
                             summary):
            if m["t"] not in pooled:
                continue
            centre, sign = value_of(pooled[m["t"]], lang), words[m["w"]]
            slack = half_unit(pooled[m["t"]], lang)
            for figure in (m["v"], m["lo"] if sign > 0 else m["hi"]):
                assert sign * (value_of(figure, lang) - centre) >= -slack - half_unit(figure, lang), \
                    f"{case}: '{m['t']}' says '{m['w']}' the limit, its {figure} beside the cluster's {pooled[m['t']]}"


@pytest.mark.parametrize("case", list(CASES))
def test_the_flags_agree_with_funnelplotr_limits_worked_out_from_the_printed_numbers(printed, case) -> None:
    """The statistician draws FunnelPlotR's 99.8 % limits around the printed cluster value for each clinic's printed
    count and denominator: without the overdispersion adjustment a clinic clearly outside them is flagged and one
    clearly inside is not; with it (wider limits) a flagged clinic lies outside the unadjusted ones too."""
    lang, pages = printed[case]
    checked = 0
    for ind in indicators(pages, lang):
        if ind.pooled is None or not (ind.share or ind.per_1000):
            continue
        centre, c_half = value_of(ind.pooled, lang), half_unit(ind.pooled, lang)
        for row in ind.rows:
            if not (row.n and row.denominator and re.fullmatch(WHOLE, row.n) and re.fullmatch(WHOLE, row.denominator)):
                continue
            count, den = value_of(row.n, lang), value_of(row.denominator, lang)
            if den <= 0:
                continue
            rate = count / den * (100 if ind.share else 1000)
            limits = [funnel_998(c, den, ind.share) for c in (centre - c_half, centre + c_half)]
            if any(lim is None for lim in limits):
                continue
            lows, highs = [lim[0] for lim in limits if lim], [lim[1] for lim in limits if lim]
            surely_out = rate < min(lows) or rate > max(highs)
            surely_in = max(lows) <= rate <= min(highs)
            code = re.search(r"\(([A-Z]{1,2})\)$", row.label)
            label = code[1] if code else row.label
            flagged = any(f == row.label or f.endswith(f"({label})") or f == label for f in ind.flagged)
            checked += 1
            where = f"{case}: {row.label} {row.value} ({row.n} of {row.denominator}) beside {ind.pooled}: limits " \
                    f"{min(lows):.2f}–{max(highs):.2f}; flagged {ind.flagged}; {ind.text[:60]}"
            if flagged:
                assert not surely_in, f"flagged inside the unadjusted limits, {where}"
            elif not ind.adjusted:
                assert not surely_out, f"not flagged, outside the limits, {where}"



@pytest.mark.parametrize("name", ["denominator-one", "shares-100-0", "identical-values", "all-tiny"])
def test_a_median_or_quartile_printed_lies_within_the_clinics_values(printed, name) -> None:
    """'Median 100 %' beside clinics of 56–91 % (one clinic with a single COPD patient, 1 of 1): its one count
    made the summaries' first step 100 %, past the spread, and the median rounded to it lay above every clinic
    but one. A median or quartile printed lies within the clinics' values (over every clinic, hidden ones too)
    to half its step, and the quartiles printed around the median. Read from the pack the reader's cases print
    (the cluster's follow-up meeting in Danish), not anonymised again."""
    assert printed[name][0] == "da"
    pack = packs[name]
    for table, ident in zip(pack.anonymised, pack.identified, strict=True):
        assert (ident.topic, ident.period) == (table.topic, table.period)
        for ind in table.indicators:
            values = [r.value for r in ident.indicator(ind.key).rows if r.value is not None]
            if not values:
                continue
            half = (ind.summary_step or ind.value_step or 0) / 2 + 1e-9
            printed_ = {k: getattr(ind, k) for k in ("q1", "median", "q3") if getattr(ind, k) is not None}
            for k, v in printed_.items():
                assert min(values) - half <= v <= max(values) + half, \
                    f"{name} {ind.key}: {k} {v} outside the clinics' {min(values):.1f}–{max(values):.1f}"
            ordered = [printed_[k] for k in ("q1", "median", "q3") if k in printed_]
            assert ordered == sorted(ordered), f"{name} {ind.key}: quartiles out of order {printed_}"
