"""The pack's words: units, formatted values and intervals, indicator definitions, flags (Danish or English)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from klyngedesk.core.formatting import (
    format_number,
    format_percent,
    format_period_label,
    format_signed_percent,
)
from klyngedesk.core.formatting import step_decimals as exact_decimals
from klyngedesk.core.model import UNIT_DECIMALS, Indicator, Topic, usual_decimals
from klyngedesk.core.packages import indicator_text, measure_text
from klyngedesk.core.stats.change_words import change_numbers, too_wide, verdict
from klyngedesk.i18n import tr

DECIMALS = UNIT_DECIMALS
_PER_THOUSANDS = re.compile(r"\bpr\. (\d{1,3})(\d{3})\b")


def title_in(topic: Topic, key: str, title: str, lang: str) -> str:
    """An indicator's title as the reader sees it: the project's own ("pr. 1000" in Danish number style:
    "pr. 1.000"), or the package's English title in English."""
    if lang == "en":
        return indicator_text(topic, key, "title", lang, title)
    return _PER_THOUSANDS.sub(lambda m: f"pr. {m[1]}.{m[2]}", title)


def subject(title: str) -> str:
    """A title as the subject of a sentence (first letter lower-case unless an acronym), as the statistics
    write it."""
    if len(title) > 1 and title[0].isupper() and not title[1].isupper() and title[1] != "-":
        return title[0].lower() + title[1:]
    return title


def english_numbers(text: str) -> str:
    """English number style in a sentence the statistics wrote: "+1%" and "±10%", never the Danish "+1 %"."""
    return re.sub(r"(?<=\d)[ \u00a0]%", "%", text)


def sentence_in(sentence: str, topic: Topic, key: str, title: str, periods: Sequence[str | None], lang: str) -> str:
    """The statistics' change sentence in the reader's words: the indicator named as its title is printed
    ('pr. 1.000', or the package's English title) and, in English, the project's Danish round labels in
    English ('2. halvår 2025' -> 'H2 2025') and English number style."""
    sentence = sentence.replace(subject(title), subject(title_in(topic, key, title, lang)))
    if lang == "da":
        return sentence
    for label in periods:
        if label:
            sentence = sentence.replace(label, format_period_label(label, lang))
    return english_numbers(sentence)


def unit_label(ind: Indicator, lang: str) -> str:
    """E.g. 'per 1,000 listed patients per year' / 'share (%)'."""
    if ind.unit == "percent":
        return tr("share (%)", lang)
    if ind.unit == "per1000":
        return tr("per 1,000 listed patients per year", lang) if ind.per_year else tr("per 1,000 listed patients", lang)
    if ind.unit == "per_patient":
        return tr("per patient per year", lang) if ind.per_year else tr("per patient", lang)
    return tr("number", lang)


def decimals_for(value: float | None, unit: str) -> int:
    """The unit's usual precision, fewer decimals for large values (350, not the false precision 350,0)."""
    return usual_decimals(value, unit)


def number(value: float | None, unit: str, lang: str, decimals: int | None = None, step: float | None = None
           ) -> str:
    """A value in its unit's usual precision: 12,3 · 45,6 % · 0,84 · 17 · 350; a value rounded to a coarser
    `step` (the anonymised rates) in the step's precision: 350 and 15, never the false 350,0 and 15,0."""
    d = decimals_for(value, unit) if decimals is None else decimals
    if decimals is None and on_step(value, step):
        d = min(d, exact_decimals(step or 1.0))
    if unit == "percent":
        return format_percent(value, d, lang)
    return format_number(value, d, lang)


def tick(unit: str, lang: str):
    """A tick formatter for make_axis: (value, decimals) -> text."""
    return lambda v, d: format_number(v, d, lang)


def on_step(value: float | None, step: float | None) -> bool:
    """Whether a value is a whole multiple of a rounding step (what the anonymiser rounded to it)."""
    if value is None or not step:
        return False
    return abs(value / step - round(value / step)) < 1e-6


def rounding_note(step: float | None, unit: str, lang: str) -> str:
    """'rounded to the nearest 5' when the clinics' values are rounded coarser than the unit's usual
    precision (said once per chart; the values are then printed in the step's precision)."""
    if not step or step <= 10 ** -DECIMALS.get(unit, 1) + 1e-12:
        return ""
    return tr("Clinics rounded to the nearest {step}", lang, step=number(step, unit, lang, exact_decimals(step)))


def interval(low: float | None, high: float | None, unit: str, lang: str, step: float | None = None,
             value: float | None = None) -> str:
    """The interval's ends in one precision ("12,5–18,0", "66,2–73,5 %"); with its `value`, in the finer
    precision `point` prints that value in when the usual one would put it on an end."""
    if low is None or high is None:
        return "–"
    d = _interval_decimals(low, high, unit, step, value)
    if unit == "percent":   # one sign for the pair: 66,2–73,5 %
        return f"{format_number(low, d, lang)}–{number(high, unit, lang, d)}"
    return f"{number(low, unit, lang, d)}–{number(high, unit, lang, d)}"


def ends(low: float | None, high: float | None, unit: str, lang: str, step: float | None = None,
         value: float | None = None) -> tuple[str, str]:
    """The interval's ends each with its unit ("67,4 %", "70,0 %"), in the precision `interval` uses."""
    if low is None or high is None:
        return "–", "–"
    d = _interval_decimals(low, high, unit, step, value)
    return number(low, unit, lang, d), number(high, unit, lang, d)


def _interval_decimals(low: float, high: float, unit: str, step: float | None, value: float | None) -> int:
    stepped = on_step(low, step) and on_step(high, step)
    if unit == "percent":
        d = min(DECIMALS["percent"], exact_decimals(step or 1.0)) if stepped else DECIMALS["percent"]
    else:
        d = min(decimals_for(low, unit), decimals_for(high, unit))   # one precision for the pair
        if stepped:
            d = min(d, exact_decimals(step or 1.0))
    if value is not None and not stepped:
        d = _inside_decimals(value, low, high, d)
    return d


MORE_DECIMALS = 2   # at most this many decimals more than usual to print an exact value off its interval's ends


def _inside_decimals(value: float, low: float, high: float, d: int) -> int:
    """The fewest decimals from `d` on at which an exact value that lies strictly inside its exact interval
    also prints strictly inside it (3,04 in 3,01–3,12, not 3,0 in 3,0–3,1)."""
    if not low < value < high:
        return d
    for k in range(d, d + MORE_DECIMALS + 1):
        if round(low, k) < round(value, k) < round(high, k):
            return k
    return d + MORE_DECIMALS


def point(value: float | None, low: float | None, high: float | None, unit: str, lang: str,
          step: float | None = None) -> str:
    """A value printed with its interval, never on an end it does not lie on.

    Anonymised rates come rounded: the value to the nearest `step`, the ends outward (build.round_out), so
    35 can print in "30 til 35" though the true value lies inside. Then the value is printed at the half
    step next to that end (32,5): the true value lies between that end and the half step, which is what
    the three rounded numbers say together, so nothing finer than they allow is told. A 0 (or a share of
    100 %) may truly be its end and is kept. Exact values (no step) get the decimals they need (`interval`
    prints the ends the same way)."""
    if value is None or low is None or high is None:
        return number(value, unit, lang, step=step)
    if step and on_step(value, step):
        shown = point_value(value, low, high, unit, step)
        if shown == value:
            return number(value, unit, lang, step=step)
        return number(shown, unit, lang, max(exact_decimals(step / 2), step_decimals(step, unit, shown)))
    return number(value, unit, lang, _inside_decimals(value, low, high, decimals_for(value, unit)))


def point_value(value: float | None, low: float | None, high: float | None, unit: str,
                step: float | None) -> float | None:
    """Where a chart draws the value `point` prints: the half step inside an end a rounded value sits on."""
    if value is None or low is None or high is None or not step or high - low < step / 2:
        return value
    if not (on_step(value, step) and on_step(low, step) and on_step(high, step)):
        return value
    if abs(value - low) < 1e-9 * max(1.0, abs(value)) and value > 0:
        return value + step / 2
    if abs(value - high) < 1e-9 * max(1.0, abs(value)) and not (unit == "percent" and value >= 100):
        return value - step / 2
    return value


def step_decimals(step: float | None, unit: str, value: float | None = None) -> int:
    """The decimals a value rounded to `step` is printed with (4, not the false precision 4,0)."""
    usual = decimals_for(value, unit)
    if not step:
        return usual
    return min(usual, max(0, -math.floor(math.log10(step) + 1e-9)))


def rate_steps(ind) -> tuple[float, ...]:
    """The steps an indicator's printed rates are rounded to: its summaries' where they rest on a hidden value
    (anonymise/summaries.py), and its clinics' (every shown value, and the summaries over shown values only)."""
    return tuple(s for s in (getattr(ind, "summary_step", None), getattr(ind, "value_step", None)) if s)


def cluster_step(ind, value: float | None) -> float | None:
    """The step a cluster figure printed beside the clinics' values was rounded to: none for the change's own
    before and after values, and for a pooled value that is the change's (anonymise/build prints those
    unrounded, as the change sentence does: '30,0', never '30' beside the sentence's '(30,0)' because the exact
    value happens to lie on the clinics' step of 2); else the clinics' step."""
    change = getattr(ind, "change", None)
    if change is not None and value is not None and value in (change.baseline_value, change.value):
        return None
    return getattr(ind, "value_step", None)


def stepped_decimals(value: float | None, unit: str, steps: Sequence[float]) -> int:
    """The one precision rule for a rate that may have been rounded to a step: the decimals of the finest step
    it lies on (24 on a step of 2, never the false 24,0; 3,5 and 3,0 on a step of 0,5), at most the unit's
    usual ones; a value on none of the steps (an exact one) in the unit's usual precision."""
    usual = decimals_for(value, unit)
    on = [s for s in steps if on_step(value, s)]
    return min(usual, exact_decimals(min(on))) if on else usual


def stepped(value: float | None, unit: str, lang: str, steps: Sequence[float]) -> str:
    """A rate printed by `stepped_decimals`: the median, a quartile, a range end or a value beside them."""
    return number(value, unit, lang, stepped_decimals(value, unit, steps))


def summary_value(value: float | None, ind, lang: str) -> str:
    """A cluster median or quartile of `ind`, printed to the step it was rounded to (see anonymise/summaries.py):
    the summaries' step where it rests on a hidden value, else the clinics' step (a median over values in
    steps of 2 is 24, not 24,0)."""
    return stepped(value, ind.unit, lang, rate_steps(ind))


def spread(ind, lang: str) -> str:
    """The range over every clinic; an end that is a hidden clinic's value reads "under 2" / "over 64"."""
    if ind.minimum is None or ind.maximum is None:
        return "–"
    below, above = getattr(ind, "minimum_below", False), getattr(ind, "maximum_above", False)
    shown = tuple(s for s in (getattr(ind, "value_step", None),) if s)   # a shown end: the clinics' step
    if not (below or above):   # both ends shown values: one precision for the pair, the finer end's
        d = max(stepped_decimals(ind.minimum, ind.unit, shown), stepped_decimals(ind.maximum, ind.unit, shown))
        return interval(ind.minimum, ind.maximum, ind.unit, lang) if not shown else (
            f"{format_number(ind.minimum, d, lang)}–{number(ind.maximum, ind.unit, lang, d)}")

    def decimals(value: float, bound: bool) -> int:   # a bound: on the summaries' step or a shown value
        return stepped_decimals(value, ind.unit, rate_steps(ind) if bound else shown)

    low = format_number(ind.minimum, decimals(ind.minimum, below), lang)
    high = number(ind.maximum, ind.unit, lang, decimals(ind.maximum, above))
    if below:
        low = tr("under {value}", lang, value=low)
    if above:
        high = tr("over {value}", lang, value=high)
    return f"{low} – {high}"


def small_value(suppressed_text: str, lang: str) -> str:
    """What a value column (a rate, a share) prints for a clinic whose count is small: the count in words
    ("fewer than 5 cases"), as a bare "<5" beside rates and shares reads as a rate or share under 5."""
    match = re.fullmatch(r"<\s*(\d+)", suppressed_text.strip())
    return tr("fewer than {n} cases", lang, n=match.group(1)) if match else suppressed_text


def count(value: float | None, lang: str) -> str:
    return format_number(value, 0, lang)


def measure_title(topic: Topic, key: str | None, lang: str = "da") -> tuple[str, str]:
    """A measure's title and description (the package's English ones in English, when it has them)."""
    for m in topic.measures:
        if m.key == key:
            if lang == "en":
                # no English description: the English title alone rather than a Danish sentence in English
                english = measure_text(topic, key, "description_en", "da", "")
                return measure_text(topic, key, "title", lang, m.title), english
            return m.title, m.description
    return key or "", ""


def definition_lines(topic: Topic, ind: Indicator, period_label: str, compare_label: str | None,
                     lang: str) -> list[tuple[str, str]]:
    """(label, text) pairs: what is counted, out of what, where it comes from and when."""
    num_title, num_desc = measure_title(topic, ind.numerator, lang)
    lines = [(tr("Numerator", lang), f"{num_title}. {num_desc}".strip())]
    if ind.denominator_kind == "list_size":
        lines.append((tr("Denominator", lang), tr("Listed patients in the clinic (list size) in the period.", lang)))
    elif ind.denominator_kind == "measure":
        den_title, den_desc = measure_title(topic, ind.denominator, lang)
        lines.append((tr("Denominator", lang), f"{den_title}. {den_desc}".strip()))
    period = period_label if not compare_label else tr("{period} (compared with {baseline})", lang,
                                                       period=period_label, baseline=compare_label)
    lines.append((tr("Unit and period", lang), f"{unit_label(ind, lang)} · {period}"))
    source = topic.package.get("source") if isinstance(topic.package, dict) else None
    lines.append((tr("Source", lang), source if isinstance(source, str) and source
                  else tr("The clinics' own figures, collected by the cluster coordinator.", lang)))
    return lines


def flag_text(flag: str | None, lang: str) -> str:
    """Only the 99.8 % limit is a flag worth a word in print."""
    if flag == "above_998":
        return tr("above the 99.8% limit", lang)
    if flag == "below_998":
        return tr("below the 99.8% limit", lang)
    return ""


def join_and(items: Sequence[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {tr('and', lang)} {items[-1]}"


def signed_percent(fraction: float | None, lang: str) -> str:
    """-0.43 -> '−43 %', 0.1 -> '+10 %', -0.004 -> '0 %'."""
    return format_signed_percent(fraction, 0, lang)


def signed_points(points: float | None, lang: str) -> str:
    """6.4 -> '+6,4 procentpoint' / '+6.4 percentage points'."""
    if points is None:
        return "–"
    return _signed_number(points, 1, lang) + " " + tr("percentage points", lang)


def _signed_number(value: float, decimals: int, lang: str) -> str:
    text = format_number(value, decimals, lang)
    return ("+" if value > 0 and text.strip("0,.") else "") + text


def change_sign(change) -> int:
    """+1 when the change rose (its interval, as printed, wholly above no change), -1 when it fell, 0 otherwise
    or unknown (on the measure the words use: percentage points for shares, the relative change for rates)."""
    if change is None:
        return 0
    est, low, high = change.estimate
    if low is None or high is None:
        return 0
    return {"rose": 1, "fell": -1}.get(verdict(est, low, high, change.margin, change.measure == "points"), 0)


def _change_texts(change, lang: str) -> tuple[str, str | None, str | None]:
    """The change and its interval's ends with their unit, at the decimals the words agree with."""
    points = change.measure == "points"
    est, low, high = change.estimate
    texts = change_numbers(est, low, high, change.margin, points, lang)
    if points:
        return texts[0] + " " + tr("percentage points", lang), texts[1], texts[2]
    percent = (lambda t: f"{t} %") if lang == "da" else (lambda t: f"{t}%")
    return tuple(None if t is None else percent(t) for t in texts)  # type: ignore[return-value]


def change_too_wide(change) -> bool:
    """Whether a change's interval is far too wide to read (`stats.change_words.too_wide`): no estimate printed."""
    if change is None or change.estimate[0] is None:
        return False
    return too_wide(change.estimate[1], change.estimate[2], change.margin, change.measure == "points")


def change_figure(change, lang: str, *, with_interval: bool = True, undetermined: bool = False,
                  brief: bool = False) -> str:
    """The change in a few characters, as the sentences put it: '−7 % (−12 to −2 %)' for a rate,
    '+6,4 procentpoint (4,1 to 8,7)' for a share; '–' when unknown. Near an edge more decimals, so the
    printed interval says what the verdict beside it says (stats.change_words.change_decimals).
    `undetermined`: a change that cannot be determined says so in words after it. An interval far too wide to
    read (`stats.change_words.too_wide`, '−94 % to +1.508 %') prints the words and the interval, no estimate
    (`brief`: the short words, 'too few to tell', for a line under a half-width chart)."""
    if change is None or change.estimate[0] is None:
        return "–"
    text, low, high = _change_texts(change, lang)
    if change_too_wide(change):   # an estimate that says nothing: not printed
        text = tr("too few to tell", lang) if brief else tr("cannot be determined – too few numbers", lang)
        if with_interval and low is not None and high is not None:   # the unit the estimate carried, on the end
            unit = " " + tr("percentage points", lang) if change.measure == "points" else ""
            text += " " + tr("({low} to {high})", lang, low=low, high=high + unit)
        return text
    if with_interval and low is not None and high is not None:
        text += " " + tr("({low} to {high})", lang, low=low, high=high)
    if undetermined and getattr(change, "verdict", None) == "undetermined":
        text += " " + tr("(cannot be determined)", lang)
    return text


def change_text(change, since: str, lang: str) -> str:
    """'−43 % since 2. halvår 2025 (95 % interval −60 % to −20 %); few events: read with care'; a share
    in percentage points ('+6,4 procentpoint since ...'); an interval that reaches beyond the margin
    either side says the change cannot be determined, and one far too wide (`too_wide`) prints no estimate."""
    if change is None or change.estimate[0] is None:
        return tr("no comparable value in {baseline}", lang, baseline=since)
    est, low, high = _change_texts(change, lang)
    wide = change_too_wide(change)
    text = (tr("the change since {baseline} cannot be determined – too few numbers", lang, baseline=since) if wide
            else tr("{change} since {baseline}", lang, change=est, baseline=since))   # no estimate to read
    if low is not None and high is not None:
        points = change.measure == "points"   # the ends with their unit, as the change
        unit = " " + tr("percentage points", lang) if points else ""
        text += " " + tr("(95% CI {low} to {high})", lang, low=low + unit, high=high + unit)
    cautions = {"small_numbers": tr("few events: read with care", lang),
                "denominator_changed": tr("the denominator changed much", lang)}
    extra = [cautions[c] for c in change.caution if c in cautions]
    if getattr(change, "verdict", None) == "undetermined" and not wide:
        extra.insert(0, tr("cannot be determined – too few numbers", lang))
    return text + ("; " + "; ".join(extra) if extra else "")


def funnel_sentence(overdispersion: dict, lang: str, unadjusted_drawn: bool = False) -> str:
    """What the funnel limits are, in words: adjusted for overdispersion, or not, and why; with
    `unadjusted_drawn`, which of the lines drawn is which."""
    if overdispersion.get("adjusted"):
        text = tr("The practices vary more than chance can explain; the limits are adjusted for it.", lang)
        if unadjusted_drawn:
            text += " " + tr("The solid line is the adjusted 99.8% limit (dashed: the adjusted 95% limit), and "
                             "only a clinic outside the solid line is marked; the dotted line is the 99.8% limit "
                             "without the adjustment.", lang)
        return text
    if overdispersion.get("adjustment") is False:
        return tr("The limits are not adjusted for overdispersion: the adjustment is switched off in the "
                  "settings, so where the practices vary more than chance explains, more of them fall outside.",
                  lang)
    if "adjusted" in overdispersion:
        return tr("The practices vary no more than chance can explain; the limits are the unadjusted ones.", lang)
    return ""


def funnel_note(overdispersion: dict, lang: str) -> str:
    """What the funnel's key does not say, short enough for the line under a funnel on screen: only that the
    adjustment is switched off (adjusted limits are named so in the key, beside the unadjusted one)."""
    if overdispersion.get("adjustment") is False:
        return tr("Limits not adjusted for overdispersion: switched off in the settings.", lang)
    return ""


def few_clinics_sentence(n_clinics: int, quality: Sequence[str], lang: str, intervals: bool = True) -> str:
    """The one "too few to conclude" sentence (the rule is the "few_clinics" quality flag of collate);
    `intervals` False where the clinics' intervals are not printed (it cannot ask the reader to compare them)."""
    if n_clinics == 0:
        return tr("No clinic has a value for this indicator in the period.", lang)
    if "few_clinics" in quality and not intervals:
        return tr("Based on {n} clinics. With this few and no intervals, small differences in the order are often "
                  "chance.", lang, n=n_clinics)
    if "few_clinics" in quality:
        return tr("Based on {n} clinics. With this few, a difference between two clinics is often chance: "
                  "compare the intervals rather than the order.", lang, n=n_clinics)
    return tr("Based on {n} clinics.", lang, n=n_clinics)


def rank_text(rank: int | None, n: int, lang: str, direction: str | None = None) -> str:
    """A position that cannot mislead: counted from the best when there is a better direction ('2 of 14',
    under the heading 'Place (1 = best)'), else from the lowest value ('2 of 14 from the lowest')."""
    if rank is None or n < 2:    # "1 of 1" (the other clinics' values withheld) is no place, not the best one
        return "–"
    if direction == "max":
        return tr("{rank} of {n}", lang, rank=n - rank + 1, n=n)
    if direction == "min":
        return tr("{rank} of {n}", lang, rank=rank, n=n)
    return tr("{rank} of {n} from the lowest", lang, rank=rank, n=n)


def direction_text(direction: str | None, lang: str) -> str:
    """The summary's direction marker in words: 'higher better' / 'lower better' / 'no direction'."""
    if direction == "max":
        return tr("higher better", lang)
    if direction == "min":
        return tr("lower better", lang)
    return tr("no direction", lang)


_SOURCE_NOTES = (("ikke verificeret", "not verified"), ("ikke en rigtig referenceværdi", "not a real reference value"),
                 ("Demoværdi (fiktiv)", "Demo value (fictitious)"))


def source_text(source: str, lang: str) -> str:
    """A source as printed: the name of a Danish document stays as written, but the notes the packages and the
    demo add to it ("– ikke verificeret") are said in the reader's language."""
    if lang == "da":
        return source
    for danish, english in _SOURCE_NOTES:
        source = source.replace(danish, english)
    return source
