"""The words for a change between rounds: the verdict and the sentence, Danish or English."""

from __future__ import annotations

import math
from collections.abc import Sequence

from klyngedesk.core.formatting import format_number, rounded
from klyngedesk.i18n import tr

MARGIN_RELATIVE = 0.10      # rates: "about unchanged" only when the whole 95 % interval lies within ±10 %
MARGIN_POINTS = 3.0         # proportions: ... within ±3 percentage points
VERDICTS = ("fell", "rose", "unchanged", "undetermined", "undefined")
MORE_DECIMALS = 3           # a change near an edge prints up to this many more decimals than usual
# An interval reaching this many margins beyond no change on both sides (rates: from a fall of 50 % or more to a
# rise of 50 % or more; shares: from −15 to +15 percentage points or wider) tells next to nothing: its point
# estimate is not printed, only that the change cannot be determined, with the interval.
TOO_WIDE_MARGINS = 5


def _verdict(low: float, high: float, margin: float) -> str:
    if high < 0:
        return "fell"
    if low > 0:
        return "rose"
    if low >= -margin and high <= margin:
        return "unchanged"
    return "undetermined"


def _shown(value: float, points: bool, decimals: int) -> float:
    """The value as printed: percent of a relative change (or points), rounded as format_number rounds."""
    return float(rounded(value * (1 if points else 100), decimals))


def change_decimals(low: float, high: float, margin: float, points: bool) -> int:
    """The decimals a change and its interval print at: the usual ones (0 for a relative change in percent, 1
    for percentage points), more where the rounded interval would say something else than the unrounded one
    ('faldt 0 % (95 %-KI 0–1 %)' for a fall of 0,3 %, 0,1 to 0,5; an end of −10,04 % printed '−10' within a
    margin of ±10 % the words say it reaches beyond), at most MORE_DECIMALS more."""
    usual = 1 if points else 0
    true = _verdict(low, high, margin)
    scaled = margin * (1 if points else 100)
    for d in range(usual, usual + MORE_DECIMALS + 1):
        if _verdict(_shown(low, points, d), _shown(high, points, d), scaled) == true:
            return d
    return usual + MORE_DECIMALS


def verdict(estimate: float | None, low: float | None, high: float | None, margin: float,
            points: bool | None = None) -> str:
    """'fell' (interval below 0), 'rose' (above 0), 'unchanged' (interval within ±margin), 'undetermined'
    (includes no change but reaches beyond the margin: too few numbers), 'undefined' (not computable).

    With `points` (True: percentage points, False: a relative change, as `margin` is) the verdict is the one
    the printed interval shows at `change_decimals`: it differs from the unrounded one only within half a
    unit of the last of MORE_DECIMALS more decimals of an edge, and then the words follow the numbers."""
    if estimate is None or low is None or high is None or not all(map(math.isfinite, (estimate, low, high))):
        return "undefined"
    if points is None:
        return _verdict(low, high, margin)
    d = change_decimals(low, high, margin, points)
    return _verdict(_shown(low, points, d), _shown(high, points, d), margin * (1 if points else 100))


def too_wide(low: float | None, high: float | None, margin: float, points: bool) -> bool:
    """Whether a change's 95 % interval reaches TOO_WIDE_MARGINS margins beyond no change on both sides, as
    printed (−94 % to +1.508 %): far too few numbers to read its point estimate at all."""
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        return False
    d = change_decimals(low, high, margin, points)
    bound = TOO_WIDE_MARGINS * margin * (1 if points else 100)
    return _shown(low, points, d) <= -bound and _shown(high, points, d) >= bound


def _size(value: float, points: bool, lang: str, decimals: int) -> str:
    """A change's size without sign: 8 (percent, 0 decimals) or 6,4 (percentage points, 1 decimal)."""
    return format_number(abs(value) * (1 if points else 100), decimals, lang)


def _signed(value: float, points: bool, lang: str, decimals: int) -> str:
    text = format_number(value * (1 if points else 100), decimals, lang)
    return ("+" + text) if text.lstrip("−").strip("0,.") and value > 0 else text


def change_numbers(estimate: float, low: float | None, high: float | None, margin: float, points: bool,
                   lang: str) -> tuple[str, str | None, str | None]:
    """The change and its interval's ends as every page prints them beside the words: signed ('−7', '+6,4'),
    without the unit, at `change_decimals` (the usual decimals where both ends are known)."""
    if low is None or high is None:
        return _signed(estimate, points, lang, 1 if points else 0), None, None
    d = change_decimals(low, high, margin, points)
    return _signed(estimate, points, lang, d), _signed(low, points, lang, d), _signed(high, points, lang, d)


def change_sentence(subject: str, relative: float | None, low: float | None, high: float | None,
                    baseline_label: str, label: str, lang: str, caution: tuple[str, ...] = (), *,
                    before: str | None = None, after: str | None = None, points: bool = False,
                    margin: float | None = None, heterogeneous: bool = False,
                    notes: Sequence[str] = ()) -> str:
    """The cluster's change in one or a few sentences.

    Rates: `relative` is ratio - 1 (-0.43 = a 43 % fall) and the sentence says "faldt 43 % (95 %-KI 35–50 %)".
    Proportions (`points`): relative/low/high are a difference in percentage points ("steg fra 72,0 % til
    78,4 %, 6,4 procentpoint (95 %-KI 2,1 til 10,7)"). `before`/`after` are the printed values the change
    is computed from. "About unchanged" only when the interval lies within ±margin (default 10 % / 3
    points); an interval that includes no change but reaches beyond it "cannot be determined". `notes`
    (already translated) and the cautions follow."""
    if margin is None:
        margin = MARGIN_POINTS if points else MARGIN_RELATIVE
    kind = verdict(relative, low, high, margin, points)
    values = {"before": before or "–", "after": after or "–", "start": baseline_label, "end": label,
              "subject": subject}
    if kind == "undefined":
        text = tr("The change in {subject} from {start} to {end} cannot be computed.", lang,
                  subject=subject, start=baseline_label, end=label)
    else:
        assert relative is not None and low is not None and high is not None
        unit = tr("percentage points", lang) if points else "%"
        d = change_decimals(low, high, margin, points)   # the printed numbers say what the words say
        if kind in ("fell", "rose"):
            lo, hi = (high, low) if kind == "fell" else (low, high)
            size = {"pct": _size(relative, points, lang, d), "lo": _size(lo, points, lang, d),
                    "hi": _size(hi, points, lang, d)}
            if points:
                msg = ("The cluster's {subject} fell from {before} in {start} to {after} in {end}, {pct} "
                       "percentage points (95% CI {lo} to {hi})." if kind == "fell" else
                       "The cluster's {subject} rose from {before} in {start} to {after} in {end}, {pct} "
                       "percentage points (95% CI {lo} to {hi}).")
            elif before is not None:
                msg = ("The cluster's {subject} fell {pct}% from {start} ({before}) to {end} ({after}) "
                       "(95% CI {lo}–{hi}%)." if kind == "fell" else
                       "The cluster's {subject} rose {pct}% from {start} ({before}) to {end} ({after}) "
                       "(95% CI {lo}–{hi}%).")
            else:
                msg = ("The cluster's {subject} fell {pct}% (95% CI {lo}–{hi}%) from {start} to {end}."
                       if kind == "fell" else
                       "The cluster's {subject} rose {pct}% (95% CI {lo}–{hi}%) from {start} to {end}.")
            text = tr(msg, lang, **values, **size)
        else:
            pct_sign = "%" if lang == "en" else " %"
            signed = {"change": f"{_signed(relative, points, lang, d)} {unit}" if points
                      else _signed(relative, points, lang, d) + pct_sign,
                      "lo": _signed(low, points, lang, d), "hi": _signed(high, points, lang, d),
                      "unit": unit, "margin": format_number(margin * (1 if points else 100), 0, lang)}
            if kind == "unchanged":
                msg = ("The cluster's {subject} was about unchanged from {start} ({before}) to {end} ({after}): "
                       "{change}; 95% CI {lo} to {hi} {unit}, within the margin of ±{margin} {unit}.")
            elif heterogeneous:
                msg = ("The cluster's {subject} from {start} ({before}) to {end} ({after}): whether it changed "
                       "cannot be determined – the practices moved too differently ({change}; 95% CI {lo} to "
                       "{hi} {unit}).")
            else:
                msg = ("The cluster's {subject} from {start} ({before}) to {end} ({after}): whether it changed "
                       "cannot be determined – too few numbers ({change}; 95% CI {lo} to {hi} {unit}).")
            if before is None:  # the values are not known to the caller: the same words without them
                msg = msg.replace(" ({before})", "").replace(" ({after})", "")
            if kind == "undetermined" and too_wide(low, high, margin, points):   # no estimate to read
                msg = msg.replace("({change}; 95% CI", "(95% CI")
            text = tr(msg, lang, **values, **signed)
    if heterogeneous and kind not in ("undefined", "undetermined"):
        text += " " + tr("The practices moved differently; the interval allows for it (random effects).", lang)
    text += "".join(" " + n for n in notes if n)
    if "small_numbers" in caution:
        text += " " + tr("The numbers are small, so read the change with care.", lang)
    if "denominator_changed" in caution:
        text += " " + tr("The denominator changed by more than 20% between the periods.", lang)
    return text


def clinics_note(paired: int, only_one: int, lang: str) -> str:
    """Which clinics the change is over (the printed before/after values are over the same ones)."""
    if only_one:
        return tr("Compared over the {n} clinics with figures in both rounds ({m} with figures in only one "
                  "round left out).", lang, n=paired, m=only_one)
    return tr("Compared over the {n} clinics with figures in both rounds.", lang, n=paired)


def period_note(annualised: bool, days_before: int, days_after: int, lang: str) -> str:
    """Annualised rates say so; otherwise rounds of different length are pointed out."""
    if annualised:
        if days_before != days_after:
            return tr("The rates are per year (annualised), so the rounds' different lengths ({d0} and {d1} "
                      "days) are allowed for.", lang, d0=days_before, d1=days_after)
        return tr("The rates are per year (annualised).", lang)
    if days_before != days_after:
        return tr("The rounds have different lengths ({d0} and {d1} days) and the figures are not per year: "
                  "part of the change can be the length.", lang, d0=days_before, d1=days_after)
    return ""


def season_note(lang: str) -> str:
    return tr("The rounds are different halves of the year, and this indicator varies with the season: part "
              "of the change may be the season.", lang)
