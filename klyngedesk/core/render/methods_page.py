"""The group handout's methods appendix: what each interval, limit and sentence means and which method gives it."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable, PageBreak

from klyngedesk.core.anonymise import AnonymisedIndicator, AnonymisedRow, AnonymisedTable
from klyngedesk.core.formatting import format_number
from klyngedesk.core.render.page_template import OutlineEntry
from klyngedesk.core.render.sections import bullets, p
from klyngedesk.core.stats.change_words import MARGIN_POINTS, MARGIN_RELATIVE, TOO_WIDE_MARGINS
from klyngedesk.core.stats.rules import FEW_CLINICS
from klyngedesk.i18n import tr

REFERENCES = (
    "Newcombe RG. Two-sided confidence intervals for the single proportion: comparison of seven methods. "
    "Stat Med 1998;17:857–872.",
    "Newcombe RG. Interval estimation for the difference between independent proportions: comparison of "
    "eleven methods. Stat Med 1998;17:873–890.",
    "Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med 2005;24:1185–1202.",
    "Spiegelhalter DJ. Handling over-dispersion of performance indicators. Qual Saf Health Care "
    "2005;14:347–351.",
    "Mainey C et al. FunnelPlotR: Funnel plots for comparing institutional performance, version 0.6.0 "
    "(NHS-R Community), github.com/nhs-r-community/FunnelPlotR.",
    "Public Health England. Technical guide: confidence intervals (PHEindicatormethods), 2018.",
    "DerSimonian R, Laird N. Meta-analysis in clinical trials. Control Clin Trials 1986;7:177–188.",
)


def _adjusted_titles(tables: Sequence[AnonymisedTable]) -> tuple[list[str], list[str]]:
    adjusted: list[str] = []
    plain: list[str] = []
    for table in tables:
        for ind in table.indicators:
            if not any(r.funnel is not None for r in ind.rows):
                continue
            (adjusted if ind.overdispersion.get("adjusted") else plain).append(ind.title)
    return adjusted, plain


def unconfirmed_outside(ind: AnonymisedIndicator) -> list[AnonymisedRow]:
    """The clinics drawn outside the 99.8 % limit that are not flagged there, as the exact test does not agree
    (docs/statistics.md): their values and limits are printed, so naming them tells nothing more."""
    return [r for r in ind.rows if r.value is not None and r.funnel is not None
            and (r.value < r.funnel.l998 or r.value > r.funnel.u998) and r.flag not in ("above_998", "below_998")]


def methods_story(tables: Sequence[AnonymisedTable], lang: str) -> list[Flowable]:
    """The appendix, from a new page: intervals, funnel limits, change, small numbers, references."""
    adjusted, plain = _adjusted_titles(tables)
    off = any(ind.overdispersion.get("adjustment") is False for t in tables for ind in t.indicators)
    title = tr("How to read the figures: methods", lang)
    story: list[Flowable] = [PageBreak(), OutlineEntry(title, 0), p(title, "h1")]
    story += [p(tr("Intervals", lang), "h3"), bullets([
        tr("A share (%) has a 95% Wilson score interval (Newcombe 1998): the range of true shares that fit "
           "the clinic's figures.", lang),
        tr("A rate (per 1000 patients) has an exact Poisson interval (Garwood); the cluster as a whole likewise.", lang),
        tr("Where a clinic's exact interval would give its list size back, the handout prints a wide one, worked "
           "out from the rounded rate and the list-size band alone. A band from 0 bounds nothing: a clinic with a "
           "list size under the first band's end is shown without an interval, and the chart's key names it.",
           lang),
        tr("An interval is about chance only: it does not cover errors in the data or differences in the "
           "patients.", lang)], "small")]
    limits = [
        tr("The funnel limits are drawn as NHS-R FunnelPlotR draws them by default (Spiegelhalter 2005): 95% "
           "and 99.8% around the cluster as a whole, for a clinic of each size. A clinic is flagged only outside "
           "the 99.8% limit, and only where an exact test agrees (one-sided p < 0.1%); the ranked chart draws the "
           "line the limits are centred on.", lang),
        tr("First the program tests whether the clinics vary more than chance explains (overdispersion: "
           "z-scores with the 10% most extreme winsorised or left out, their mean square φ). When φ is above "
           "1, the between-clinic variance τ² (DerSimonian–Laird) widens the limits; otherwise the plain "
           "limits (exact Poisson for rates, arcsine for shares) are used.", lang)]
    if adjusted:
        limits.append(tr("Adjusted for overdispersion in this handout: {list}.", lang, list="; ".join(adjusted)))
        limits.append(tr("Where the limits are adjusted, the funnel also draws the 99.8% limit without the "
                         "adjustment as a dotted line, for comparison; a clinic is flagged only outside the "
                         "adjusted limit.", lang))
    if plain:
        limits.append(tr("Plain (unadjusted) limits in this handout: {list}.", lang, list="; ".join(plain)))
    differ = [ind.title for t in tables for ind in t.indicators if unconfirmed_outside(ind)]
    if differ:
        limits.append(tr("Outside a drawn 99.8% limit without being flagged, as the exact test does not agree, in "
                         "this handout: {list}. The limits are smooth curves: a clinic with few patients can lie "
                         "outside them with a count chance often gives (0 events where 1–2 were expected).", lang,
                         list="; ".join(differ)))
    if off:
        limits.append(tr("The adjustment is switched off in the settings: the limits are the plain ones even "
                         "where the clinics vary more than chance explains, and more clinics fall outside.", lang))
    story += [p(tr("Funnel limits and flags", lang), "h3"), bullets(limits, "small")]
    story += [p(tr("Change between rounds", lang), "h3"), bullets([
        tr("The change is computed over the clinics with figures in both rounds, and the values printed "
           "beside it are over the same clinics.", lang),
        tr("Shares change in percentage points with Newcombe's hybrid score interval; rates change in per cent "
           "(a rate ratio with a log-normal interval, or an exact interval when a round has no events). Rates "
           "per year are annualised, so rounds of 181 and 184 days compare fairly.", lang),
        tr("When the clinics moved differently (Cochran's Q/(k−1) above 1.5 and p < 0.05), the interval is "
           "widened as a random-effects model (DerSimonian–Laird) gives, and the sentence says so. Clinics with "
           "hidden figures count as one in this; with list sizes not printed exactly they are left out, and "
           "each change is judged from the rates as printed. The width tells nothing the pages do not.", lang),
        tr("\"About unchanged\" is said only when the whole interval lies within ±{rel}% (rates) or ±{pts} "
           "percentage points (shares). An interval that includes no change but reaches further says \"cannot "
           "be determined – too few numbers\"; one reaching ±{wide}% (±{wpts} points) or further both ways is "
           "printed without a change figure.", lang, rel=format_number(MARGIN_RELATIVE * 100, 0, lang),
           pts=format_number(MARGIN_POINTS, 0, lang),
           wide=format_number(TOO_WIDE_MARGINS * MARGIN_RELATIVE * 100, 0, lang),
           wpts=format_number(TOO_WIDE_MARGINS * MARGIN_POINTS, 0, lang)),
        tr("For an indicator that varies with the season (e.g. antibiotics) a change between different halves "
           "of the year carries a caution: part of it may be the season.", lang)], "small")]
    story += [p(tr("Few clinics, small numbers", lang), "h3"), bullets([
        tr("With fewer than {n} clinics the order of the clinics says little: compare the intervals. The same "
           "rule is used on screen, in the handout and in the program's data export.", lang, n=FEW_CLINICS),
        tr("Small counts are hidden as the handout's first page says; the cluster as a whole and the funnel "
           "limits are still computed from every clinic's true figures.", lang),
        tr("The median and the spread (lowest–highest) are over every clinic, also those with hidden "
           "figures. Where they rest on a hidden clinic's value they are rounded more coarsely, and an end of the "
           "spread that is a hidden clinic's value is printed as \"under\" or \"over\" a rounded value, never "
           "exactly.", lang)], "small")]
    story += [p(tr("References", lang), "h3"), bullets(REFERENCES, "small")]
    return story
