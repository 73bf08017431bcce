"""A GP and a statistician reading the printed group handout: every sentence agrees with the numbers beside it.

Only the final PDF text is read (pdfium), as a reader holding the paper would: the change sentences against
the before/after values printed beside them and their own intervals, the verdict against the stated margin,
the summary page's rows against the indicator pages, the ranked tables against the stated direction, and the
key message's count of flagged clinics against the clinics each page names. The sentence patterns are made
from the translation catalogue's own templates, so a reworded sentence is still read, in either language.
"""

from __future__ import annotations

import io
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
import pytest
from attacker_pdf import decimals, handout
from pack_clusters import CLUSTERS, build_cluster

from klyngedesk.core.demo import build_demo
from klyngedesk.core.model import NewValue
from klyngedesk.core.render.indicator_pages import in_language, indicator_title, shown_topic_title
from klyngedesk.core.render.pack import _Pack
from klyngedesk.core.render.personal_handout import render_personal
from klyngedesk.core.store import Project
from klyngedesk.i18n import tr

NUM = {"da": r"[+−-]?\d{1,3}(?:\.\d{3})*(?:,\d+)?", "en": r"[+−-]?\d{1,3}(?:,\d{3})*(?:\.\d+)?"}
PCT = {"da": " %", "en": "%"}


def value_of(text: str, lang: str) -> float:
    """A printed number in the pack's language (Danish 1.234,5; English 1,234.5), signs typographic or not."""
    text = text.strip().removesuffix("%").strip().replace("−", "-").replace("+", "")
    if lang == "da":
        return float(text.replace(".", "").replace(",", "."))
    return float(text.replace(",", ""))


def half_unit(text: str, lang: str) -> float:
    """Half the last printed digit: the most the printed rounding can have moved the value."""
    plain = text.strip().removesuffix("%").strip()
    d = decimals(plain) if lang == "da" else (len(plain.split(".")[1]) if "." in plain else 0)
    return 0.5 * 10 ** -d + 1e-9


# The change sentences' templates as collate writes them (klyngedesk/core/stats/change_words.py)
_FELL_RATE = "The cluster's {subject} fell {pct}% from {start} ({before}) to {end} ({after}) (95% CI {lo}–{hi}%)."
_ROSE_RATE = "The cluster's {subject} rose {pct}% from {start} ({before}) to {end} ({after}) (95% CI {lo}–{hi}%)."
_FELL_PTS = ("The cluster's {subject} fell from {before} in {start} to {after} in {end}, {pct} "
             "percentage points (95% CI {lo} to {hi}).")
_ROSE_PTS = ("The cluster's {subject} rose from {before} in {start} to {after} in {end}, {pct} "
             "percentage points (95% CI {lo} to {hi}).")
_SAME = ("The cluster's {subject} was about unchanged from {start} ({before}) to {end} ({after}): "
         "{change}; 95% CI {lo} to {hi} {unit}, within the margin of ±{margin} {unit}.")
_UNDECIDED = ("The cluster's {subject} from {start} ({before}) to {end} ({after}): whether it changed "
              "cannot be determined – too few numbers ({change}; 95% CI {lo} to {hi} {unit}).")
_SPREAD = ("The cluster's {subject} from {start} ({before}) to {end} ({after}): whether it changed "
           "cannot be determined – the practices moved too differently ({change}; 95% CI {lo} to "
           "{hi} {unit}).")
KINDS = {"fell": (_FELL_RATE, _FELL_PTS), "rose": (_ROSE_RATE, _ROSE_PTS), "unchanged": (_SAME,),
         "undetermined": (_UNDECIDED, _SPREAD)}


def _pattern(template: str, lang: str) -> re.Pattern:
    fields = ("subject", "pct", "start", "before", "end", "after", "lo", "hi", "change", "unit", "margin")
    text = tr(template, lang, **{f: f"QQ{f}QQ" for f in fields})
    text = re.escape(text).replace(r"\ ", " ")
    num, pct = NUM[lang], re.escape(PCT[lang])
    lead = text[:text.index("QQsubjectQQ")].strip()   # a subject never runs into the next sentence
    groups = {"subject": rf"(?P<subject>(?:(?!{lead}).)+?)", "start": rf"(?P<start>(?:(?!{lead}).)+?)",
              "end": rf"(?P<end>(?:(?!{lead}).)+?)",
              "before": rf"(?P<before>{num}(?:{pct})?)", "after": rf"(?P<after>{num}(?:{pct})?)",
              "pct": rf"(?P<pct>{num})", "lo": rf"(?P<lo>{num})", "hi": rf"(?P<hi>{num})",
              "change": rf"(?P<change>{num})(?:{pct}| \S+ \S+)", "unit": r"(?P<unit>%|\S+ \S+|\S+)",
              "margin": rf"(?P<margin>{num})"}
    for f, g in groups.items():
        text = text.replace(f"QQ{f}QQ", g, 1).replace(f"QQ{f}QQ", rf"(?P={f})")
    return re.compile(text)


@dataclass
class ChangeSentence:
    kind: str
    points: bool
    text: str
    subject: str
    before: str
    after: str
    estimate: float           # signed, percent or percentage points
    low: float
    high: float
    margin: float | None


def change_sentences(page: str, lang: str) -> list[ChangeSentence]:
    found = []
    for kind, templates in KINDS.items():
        for template in templates:
            for m in _pattern(template, lang).finditer(page):
                g = m.groupdict()
                points = "percentage points" in template or (g.get("unit") or "%") != "%"
                if kind in ("fell", "rose"):
                    sign = -1 if kind == "fell" else 1
                    size, a, b = (value_of(g[k], lang) for k in ("pct", "lo", "hi"))
                    est, lo, hi = sign * size, min(sign * a, sign * b), max(sign * a, sign * b)
                else:
                    est, lo, hi = (value_of(g[k], lang) for k in ("change", "lo", "hi"))
                found.append(ChangeSentence(kind, points, m[0], g["subject"], g["before"], g["after"], est, lo, hi,
                                            value_of(g["margin"], lang) if g.get("margin") else None))
    return found


def before_and_now(page: str, lang: str) -> list[tuple[str, str]]:
    return [(m["b"], m["a"]) for m in before_and_now_matches(page, lang)]


def before_and_now_matches(page: str, lang: str) -> list[re.Match]:
    template = tr("{before} in {baseline}, {after} in {period}", lang, before="QQbQQ", baseline="QQxQQ",
                  after="QQaQQ", period="QQyQQ")
    head = re.escape(tr("Before and now", lang))
    num, pct = NUM[lang], re.escape(PCT[lang])
    body = re.escape(template).replace(r"\ ", " ").replace("QQbQQ", rf"(?P<b>{num}(?:{pct})?)").replace(
        "QQaQQ", rf"(?P<a>{num}(?:{pct})?)").replace("QQxQQ", r".+?")
    body = body[:body.index("(?P<a>")] + rf"(?P<a>{num}(?:{pct})?)"   # the period after it may wrap anyhow
    return list(re.finditer(rf"{head} {body}", page))


def page_texts(data: bytes) -> list[str]:
    doc = pypdfium2.PdfDocument(data)
    try:
        pages = []
        for page in doc:
            text = page.get_textpage().get_text_range().replace("\r", "")
            raw = [ln.strip() for ln in text.split("\n") if ln.strip()]
            head = [bool(re.search(r"· (side|page) \d+ (af|of) ?$", ln)) for ln in raw]
            # the running head and its page total (a line of its own); a whole number alone on a line elsewhere is
            # printed text: a value above its interval ('421' over '(371–476)'), a title's last word ('… nr.' '10')
            lines = [ln for i, ln in enumerate(raw)
                     if not head[i] and not (i and head[i - 1] and re.fullmatch(r"\d+", ln))]
            pages.append(" ".join(" ".join(lines).split()))
        return pages
    finally:
        doc.close()


def personal_summary(pages: Sequence[str], lang: str) -> str:
    """A personal handout's summary as printed: its first page and the pages its table goes on over, up to the
    section after it ('Jeres placering på hver indikator')."""
    text = " ".join(pages)
    end = text.find(tr("Your place on each indicator", lang))
    return text if end < 0 else text[:end]


def summary_table(pages: Sequence[str], lang: str) -> str:
    """The group summary's table as printed: its first page and the pages it goes on over under its header."""
    first = next(i for i, p in enumerate(pages) if _summary_rows(p, lang))
    head = " ".join([tr("Indicator", lang), tr("Better", lang)])
    more = [p for p in itertools.takewhile(lambda p: p.startswith(head), pages[first + 1:])]
    return " ".join([pages[first], *more])


def withheld_everywhere(pages: Sequence[str], lang: str) -> bool:
    """Whether every indicator page says its cluster value (and so its change) was withheld: no change sentence
    or cluster figure to read, only the words saying why."""
    said = re.findall(rf"{re.escape(tr('Cluster as a whole', lang))} (–|\S)", " ".join(pages))
    return bool(said) and all(s == "–" for s in said)


def change_withheld_where_shown(pages: Sequence[str], lang: str) -> bool:
    """Whether every page whose key figures print a cluster value (with its interval) says in words that the
    change since the baseline was withheld: the cluster value printed, its change left out by the anonymisation."""
    from klyngedesk.core.render.indicator_pages import CHANGE_WITHHELD
    said = re.escape(tr(CHANGE_WITHHELD, lang, baseline="@")).replace("@", ".+?")
    value = re.compile(rf"{re.escape(tr('Cluster as a whole', lang))} [^–\s][^()]*\({re.escape(tr('95% CI', lang))}")
    text = " ".join(pages)   # an indicator's key figures may go on over a page: read each up to the next one's
    starts = [m.start() for m in value.finditer(text)] + [len(text)]
    shown = [text[a:b] for a, b in zip(starts, starts[1:], strict=False)]
    from klyngedesk.core.render.summary_page import _CHANGE_WITHHELD
    summary_says = tr(_CHANGE_WITHHELD, lang) in text   # the summary's dashes explained too
    return bool(shown) and all(re.search(said, part) for part in shown) and summary_says


def _drop_a_round(project: Project, clinic: str, period: str) -> None:
    """The clinic's figures for a round withdrawn: it reported nothing that round."""
    measures = {m for t in project.topics() for ind in t.indicators for m in (ind.numerator, ind.denominator) if m}
    project.add_batch("withdrawn.xlsx", "", [NewValue(clinic, m, period, None, "missing") for m in sorted(measures)])


CASES = {   # name: (clinics, rounds, language, a clinic lacking the baseline round[, the generator's seed])
    "demo": (14, 2, "da", False),
    "small-3-rounds-missing": (5, 3, "da", True),
    "tiny-4-rounds": (3, 4, "da", False),
    "english-2-rounds-missing": (6, 2, "en", True),
    "english-demo": (14, 2, "en", False),
    "other-cluster-19": (19, 2, "da", False, 7),
    "english-25": (25, 2, "en", False, 11),
    # clusters nobody here made (tests/pack_clusters.py): 3 and 60 clinics, a clinic with no events, all tiny,
    # one huge, shares of 100 % and 0 %, a new indicator with no baseline, long names and consenting clinics
    **{name: (c[0], c[1], c[2], name.startswith(("missing", "half-missing", "clinic-only-now")), c[3])
       for name, c in CLUSTERS.items()},
}


def print_case(name: str, root: Path) -> tuple[str, list[str]]:
    """One case's group handout for its follow-up meeting as page texts (its first two clinics' personal handouts,
    titles and PDF into the dicts below)."""
    clinics, rounds, lang, missing, *seed = CASES[name]
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    path = build_cluster(folder, name) if name in CLUSTERS else build_demo(
        folder / "c.klynge", clinics=clinics, periods=rounds, seed=seed[0] if seed else 2026)
    with Project.open(path) as project:
        if missing and name not in CLUSTERS:
            periods = [p.key for p in project.periods()]
            _drop_a_round(project, sorted(c.key for c in project.clinics())[-1], periods[-2])
        data, pack = handout(project, "2026-12", lang)
        titles = [shown_topic_title(m, lang) for m in pack.group_materials()]
        every_title = {ind.key: indicator_title(m.topic, ind, lang) for m in pack.group_materials()
                       for ind in m.table.indicators}
        row_heads[name] = [*every_title.values(), *titles]
        own_words[name] = [indicator_title(m.topic, ind, lang) for m in pack.group_materials() if not m.topic.package
                           for ind in m.table.indicators]
        note_hidden(name, pack)
        packs[name] = pack
        personal = []
        for clinic in sorted(c.key for c in project.clinics())[:2]:
            buffer = io.BytesIO()
            material = pack.personal_material(clinic)
            render_personal(buffer, material, pack.meeting, pack.cluster_name, lang)
            personal.append(page_texts(buffer.getvalue()))
            unknown_limits.setdefault(name, {})[len(personal) - 1] = [
                every_title[k] for k, o in material.own.items() if o.limits_unknown and k in every_title]
    personals[name] = personal
    topic_titles[name] = titles
    pdfs[name] = data
    return lang, page_texts(data)


def note_hidden(name: str, pack) -> None:
    """What the reader cannot see in a case's group handout, from the pack it was printed from: the indicators
    and compositions with every clinic hidden, and how many hidden counts are truly 0."""
    clinic_of = {code: clinic for clinic, code in pack.codes.items()}
    all_hidden[name] = [indicator_title(m.topic, ind, pack.lang) for m in pack.group_materials()
                        for ind in m.table.indicators
                        if ind.rows and all(r.value is None for r in ind.rows) and any(r.suppressed for r in ind.rows)]
    composition_hidden[name] = [title for m in in_language(pack.group_materials(), pack.lang)
                                for c in m.table.compositions
                                for title in [next((indicator_title(m.topic, i, pack.lang) for i in m.table.indicators
                                                    if i.key == c.key), c.title)]
                                if c.shares and all(all(s is None for s in shares) for _, shares in c.shares)]
    truth = {(ind.key, r.clinic): r.numerator for ident in pack.identified for ind in ident.indicators for r in ind.rows}
    hidden_zeros[name] = sum(truth.get((ind.key, clinic_of.get(r.code, ""))) == 0 for table in pack.anonymised
                             for ind in table.indicators for r in ind.rows if r.suppressed and r.numerator is None)


class PrintedCases(dict):
    """Each case printed the first time a test asks for it, then kept for every test module of the run (a run
    of one case prints that case only)."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root

    def __missing__(self, name: str) -> tuple[str, list[str]]:
        self[name] = print_case(name, self.root)
        return self[name]


_PRINTED: list[PrintedCases] = []


def printed_cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, list[str]]]:
    """Every case, printed once a run for every module that reads them."""
    if not _PRINTED:
        _PRINTED.append(PrintedCases(tmp_path_factory.mktemp("printed")))
    return _PRINTED[0]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, list[str]]]:
    """Each case's group handout for its follow-up meeting, as page texts."""
    return printed_cases(tmp_path_factory)


personals: dict[str, list[list[str]]] = {}   # each case's first clinics' personal handouts, filled by `printed`
pdfs: dict[str, bytes] = {}                  # each case's group handout as printed, filled by `printed`
packs: dict[str, _Pack] = {}                 # each case's pack (tables, models) as printed, filled by `printed`
topic_titles: dict[str, list[str]] = {}      # each case's topics' titles, filled by `printed`
unknown_limits: dict[str, dict[int, list[str]]] = {}   # per personal handout: the titles with no limit worked out
own_words: dict[str, list[str]] = {}        # the titles of topics the user made (no package): the user's words
row_heads: dict[str, list[str]] = {}         # every indicator's and topic's title: where a summary row begins
all_hidden: dict[str, list[str]] = {}        # the indicators whose every clinic prints hidden
composition_hidden: dict[str, list[str]] = {}   # the compositions whose every clinic prints hidden
hidden_zeros: dict[str, int] = {}            # how many printed-hidden counts are truly 0


def _agrees(estimate: float, points: bool, before: str, after: str, lang: str, est_half: float) -> bool:
    """Whether a printed change can be the change between the printed before and after values."""
    b, a = value_of(before, lang), value_of(after, lang)
    hb, ha = half_unit(before, lang), half_unit(after, lang)
    if points:
        low, high = (a - ha) - (b + hb), (a + ha) - (b - hb)
    else:
        if b - hb <= 0:
            return True
        low, high = 100 * ((a - ha) / (b + hb) - 1), 100 * ((a + ha) / (b - hb) - 1)
    return low - est_half <= estimate <= high + est_half


@pytest.mark.parametrize("case", list(CASES))
def test_every_change_sentence_agrees_with_its_values_its_interval_and_its_verdict(printed, case) -> None:
    lang, pages = printed[case]
    seen = 0
    for number, page in enumerate(pages, 1):
        for s in change_sentences(page, lang):
            seen += 1
            where = f"page {number}: {s.text}"
            est_half = 0.05 if s.points else 0.5
            assert s.low - est_half <= s.estimate <= s.high + est_half, f"estimate outside its interval, {where}"
            assert _agrees(s.estimate, s.points, s.before, s.after, lang, est_half + 1e-9), \
                f"the change does not follow from the printed before/after values, {where}"
            b, a = value_of(s.before, lang), value_of(s.after, lang)
            slack = half_unit(s.before, lang) + half_unit(s.after, lang)
            if s.kind == "fell":
                assert a <= b + slack and s.high <= 0, f"'fell' with values or interval that do not fall, {where}"
            if s.kind == "rose":
                assert a >= b - slack and s.low >= 0, f"'rose' with values or interval that do not rise, {where}"
            if s.kind == "unchanged":
                assert s.margin is not None and -s.margin <= s.low and s.high <= s.margin, \
                    f"'about unchanged' with an interval beyond the stated margin, {where}"
            if s.kind == "undetermined":
                assert s.low <= 0 <= s.high, f"'cannot be determined' with an interval that excludes no change, {where}"
    assert seen or withheld_everywhere(pages, lang) or change_withheld_where_shown(pages, lang), \
        f"no change sentence read in {case}"


@pytest.mark.parametrize("case", list(CASES))
def test_a_change_sentence_prints_the_before_and_after_values_as_printed_beside_it(printed, case) -> None:
    """The same value is printed the same way on a page: 'Før og nu 413 …, 378' is not '(412,9) til (378,0)'."""
    lang, pages = printed[case]
    for number, page in enumerate(pages, 1):
        values = before_and_now(page, lang)
        for s in change_sentences(page, lang):
            assert (s.before, s.after) in values, \
                f"page {number}: the sentence prints {s.before} → {s.after}, the page prints {values}: {s.text}"


def _summary_rows(page: str, lang: str) -> list[tuple[str, str, str, str]]:
    """(direction, before, now, change figure) per summary row, in the order of the indicator pages."""
    num, pct = NUM[lang], re.escape(PCT[lang])
    directions = "|".join(re.escape(tr(d, lang)) for d in ("higher better", "lower better", "no direction"))
    cell = rf"(?:{num}(?:{pct})?|–)"
    change = rf"(?:{num}(?:{pct})?(?: [a-z]+)* \(.+?\)|–)"
    return [(m["d"], m["b"], m["a"], m["c"]) for m in
            re.finditer(rf"(?P<d>{directions}) (?P<b>{cell}) (?P<a>{cell}) (?P<c>{change})", page)]


RANKED_TITLES = ("Ranked: higher is better, best on top", "Ranked: lower is better, best on top",
                 "Ranked by value, highest on top (no better direction)")
EVERY_HIDDEN_TITLE = "Every clinic's value is hidden: listed by code"   # a chart that can claim no order


@pytest.mark.parametrize("case", list(CASES))
def test_the_summary_rows_are_the_indicator_pages_values_and_directions(printed, case) -> None:
    lang, pages = printed[case]
    table = summary_table(pages, lang)   # the table goes on over pages under its header when it must
    rows = _summary_rows(table, lang)
    rest = " ".join(pages)[len(" ".join(pages).split(table, 1)[0]) + len(table):]
    pairs = before_and_now(rest, lang)
    for title in (*RANKED_TITLES, EVERY_HIDDEN_TITLE):   # a chart going on over pages is one chart, titled again "(continued)"
        rest = rest.replace(f"{tr(title, lang)} ({tr('continued', lang)})", "")
    # each indicator's chart heading in page order: the order it claims, or none where every clinic is hidden
    heads = {tr(t, lang): d for t, d in zip(RANKED_TITLES, ("higher better", "lower better", "no direction"),
                                            strict=True)}
    heads[tr(EVERY_HIDDEN_TITLE, lang)] = ""
    ordered = [heads[m[0]] for m in re.finditer("|".join(re.escape(h) for h in heads), rest)]
    with_change = [r for r in rows if r[1] != "–" and r[2] != "–"]
    assert [(b, a) for _, b, a, _ in with_change] == pairs, "summary's before/now differ from the pages'"
    assert len(rows) == len(ordered), f"summary has {len(rows)} rows, the pages {len(ordered)} charts"
    for (direction, *_), order in zip(rows, ordered, strict=True):
        assert not order or tr(order, lang) == direction, f"summary says '{direction}', the page orders '{order}'"


@pytest.mark.parametrize("case", list(CASES))
def test_the_key_message_counts_the_clinics_the_page_flags(printed, case) -> None:
    lang, pages = printed[case]
    text = " ".join(pages)
    look = tr("Look first at {title}: {n} of {total} clinics lie outside the 99.8% limit there.", lang,
              title="QQtQQ", n="QQnQQ", total="QQmQQ")
    pattern = re.escape(look).replace(r"\ ", " ").replace("QQtQQ", r"(?P<t>.+?)").replace(
        "QQnQQ", r"(?P<n>\d+)").replace("QQmQQ", r"(?P<m>\d+)")
    for m in re.finditer(pattern, text):
        title = m["t"]
        start = text.index(title, m.end())   # the indicator's own page
        heading = re.escape(tr("Outside the 99.8% limit", lang))
        flagged = re.search(rf"{heading} (?P<codes>(?:[A-Z]{{1,2}}|.+? \([A-Z]{{1,2}}\))(?:, (?:[A-Z]{{1,2}}|.+? "
                            rf"\([A-Z]{{1,2}}\)))*)(?= [A-ZÆØÅ][a-zæøå])", text[start:])
        assert flagged, f"the key message flags {m['n']} clinics on {title}, its page names none"
        assert len(flagged["codes"].split(", ")) == int(m["n"]), \
            f"the key message says {m['n']} flagged on {title}, the page names {flagged['codes']}"


def _table_values(page: str, lang: str) -> list[list[float]]:
    """Each ranked table's printed values, in printed order (hidden and empty rows left out)."""
    num, pct = NUM[lang], re.escape(PCT[lang])
    out = []
    for block in re.split(r"Ordnet:? |Ranked:? ", page)[1:]:
        rows = re.findall(rf"(?:^| )([A-Z]{{1,2}}|\S.+? \([A-Z]{{1,2}}\)) ({num})(?:{pct})? ", re.split(r"(?:Værdi|Value) n ", block)[0])
        out.append([value_of(v, lang) for _, v in rows])
    return out


@pytest.mark.parametrize("case", list(CASES))
def test_a_ranked_table_is_in_the_order_its_heading_states(printed, case) -> None:
    lang, pages = printed[case]
    for number, page in enumerate(pages, 1):
        for head, values in zip(re.findall(r"(?:Ordnet|Ranked):? (\S+)", page), _table_values(page, lang),
                                strict=False):
            if not values:
                continue
            if head in ("lavere", "lower"):
                assert values == sorted(values), f"page {number}: 'lower is better, best first' but {values}"
            elif head in ("højere", "higher", "efter", "by"):   # no direction: highest on top
                assert values == sorted(values, reverse=True), f"page {number}: 'higher better' but {values}"
            assert all(math.isfinite(v) for v in values)


@pytest.mark.parametrize("case", list(CASES))
def test_a_change_sentence_names_its_indicator_as_the_pack_titles_it(printed, case) -> None:
    """'Klyngens antibiotikaordinationer pr. 1.000 patienter …' under the title '… pr. 1.000 patienter …',
    not the project's raw 'pr. 1000' (nor a Danish name in the English pack)."""
    lang, pages = printed[case]
    summary = " ".join(p for p in pages if _summary_rows(p, lang))   # a long summary goes on over a page
    for number, page in enumerate(pages, 1):
        for s in change_sentences(page, lang):
            name = s.subject
            assert re.search(rf"(?i:{re.escape(name[0])}){re.escape(name[1:])}", summary), \
                f"page {number}: the sentence calls the indicator '{name}', the summary page never does"


@pytest.mark.parametrize("case", list(CASES))
def test_a_personal_summary_counts_the_indicators_better_than_the_median_as_printed(printed, case) -> None:
    """'Jeres praksis ligger bedre end klyngens median på 3 af de 9 indikatorer' is what its rows show."""
    lang, _ = printed[case]
    num, pct = NUM[lang], re.escape(PCT[lang])
    sentence = tr("Your clinic is better than the cluster's median on {n} of the {total} indicators that have a "
                  "better direction.", lang, n="QQnQQ", total="QQtQQ")
    said = re.escape(sentence).replace(r"\ ", " ").replace("QQnQQ", r"(?P<n>\d+)").replace("QQtQQ", r"(?P<t>\d+)")
    directions = {tr("higher better", lang): 1, tr("lower better", lang): -1}
    row = re.compile(rf"(?P<d>{'|'.join(map(re.escape, directions))}) (?P<v>{num})(?:{pct})? \([^()]*\) "
                     rf"(?P<m>{num})(?:{pct})? ")
    for pages in personals[case]:
        summary = personal_summary(pages, lang)
        m = re.search(said, summary)
        if not m:
            continue
        surely = possibly = 0
        rows = list(row.finditer(summary))
        for r in rows:
            v, med, sign = value_of(r["v"], lang), value_of(r["m"], lang), directions[r["d"]]
            slack = half_unit(r["v"], lang) + half_unit(r["m"], lang)
            surely += sign * (v - med) > slack
            possibly += sign * (v - med) >= -slack
        assert int(m["t"]) == len(rows), f"'{m[0]}' but {len(rows)} rows with a direction and a median"
        assert surely <= int(m["n"]) <= possibly, f"'{m[0]}' but the rows show {surely} to {possibly}"


@pytest.mark.parametrize("case", list(CASES))
def test_the_summary_now_is_the_pages_cluster_value_or_says_over_which_clinics(printed, case) -> None:
    """The summary's 'klyngen samlet før og nu' agrees with 'Klyngen samlet' on the indicator's page, to the
    printed rounding, unless the summary says the two are over different clinics."""
    lang, pages = printed[case]
    num, pct = NUM[lang], re.escape(PCT[lang])
    summary = next(p for p in pages if _summary_rows(p, lang))
    says = re.search("both rounds" if lang == "en" else "begge runder", summary)
    head = re.escape(tr("Cluster as a whole", lang))
    text = " ".join(pages[pages.index(summary) + 1:])   # an indicator's key figures may go on over a page
    start = 0
    for m in before_and_now_matches(text, lang):
        part, start = text[start:m.end()], m.end()
        pooled = list(re.finditer(rf"{head} ({num}(?:{pct})?) \(95", part))[-1:]
        if not pooled:
            continue
        pooled, now = pooled[0], m["a"]
        step = re.search(rf"(?:afrundet til nærmeste|rounded to the nearest) ({num})", part)
        slack = (value_of(step[1], lang) / 2 if step else 0) + half_unit(pooled[1], lang) + half_unit(now, lang)
        gap = abs(value_of(pooled[1], lang) - value_of(now, lang))
        assert gap <= slack or says, f"now {now} beside the cluster's {pooled[1]}, and nothing says why"


@pytest.mark.parametrize("case", list(CASES))
def test_a_page_prints_the_cluster_now_once_not_two_ways(printed, case) -> None:
    """Where the change is over every clinic on the page (no "left out"), the cluster's value now is one number:
    'Klyngen samlet 4,8' and 'før og nu … 4,8', in the chart's key as in the facts — not '5,0' beside '4,8'
    (the pooled rate rounded to the clinics' step while the change printed it exact)."""
    lang, pages = printed[case]
    num, pct = NUM[lang], re.escape(PCT[lang])
    head = re.escape(tr("Cluster as a whole", lang))
    left_out = tr("Compared over the {n} clinics with figures in both rounds ({m} with figures in only one round "
                  "left out).", lang, n="QQ", m="QQ").split("QQ")[-1].strip(" .)")
    checked = 0
    for page in pages:
        matches = before_and_now_matches(page, lang)   # an indicator's chart and facts lead to its before/now
        for i, m in enumerate(matches):
            part = page[matches[i - 1].end() if i else 0:m.end()]
            if left_out in page[m.end():matches[i + 1].start() if i + 1 < len(matches) else len(page)]:
                continue
            shown = set(re.findall(rf"{head} ({num}(?:{pct})?)", part))
            assert shown <= {m["a"]}, f"the cluster now printed as {sorted(shown)} and as {m['a']} on one page"
            checked += 1
    assert checked or CASES[case][3] or withheld_everywhere(pages, lang), "no indicator page with a change over every clinic was read"


def _decimals(text: str, lang: str) -> int:
    plain = text.strip().removesuffix("%").strip()
    mark = "," if lang == "da" else "."
    return len(plain.split(mark)[1]) if mark in plain else 0


def key_figure_blocks(pages: Sequence[str], lang: str) -> list[str]:
    """Each indicator's key figures as printed: from 'Klyngen samlet … (95 %-KI' to its 'Læs med forsigtighed'."""
    text = " ".join(pages)
    head, end = re.escape(tr("Cluster as a whole", lang)), re.escape(tr("Read with care", lang))
    return re.findall(rf"{head} (?:{NUM[lang]}(?:{re.escape(PCT[lang])})? \(95|– \().+?{end}", text)


_ROUNDING_NOTES = (   # the key figures' rounding sentences (anonymise/disclosure_report.rounding_note)
    "Rates rounded to the nearest {step}. The clinics' 95% CIs are worked out wide, from the rounded rate and the "
    "list-size band: the exact ones would give a list size back.",
    "Rates rounded to the nearest {step}; the clinics' 95% CIs are left out, as with the rate they would give a "
    "list size back.",
    "The clinics' rates and every interval and limit are rounded to the nearest {step}, so that no rate gives a "
    "clinic's list size back (the anonymity check chose the step).")


@pytest.mark.parametrize("case", list(CASES))
def test_a_median_and_a_spread_print_no_finer_than_the_clinics_values_are_rounded(printed, case) -> None:
    """'Median 24,0' beside clinics' values in steps of 2 claims a precision no value has: the median, the spread's
    ends and the bars' values print at the precision of the step the page states ('rounded to the nearest 2')."""
    lang, pages = printed[case]
    num = NUM[lang]
    nearest = "|".join(re.escape(tr(t, lang, step="QQ").split("QQ")[0]) for t in _ROUNDING_NOTES)
    checked = stated = 0
    for block in key_figure_blocks(pages, lang):
        step = re.search(rf"(?:{nearest})({num})", block)
        if not step:
            continue
        stated += 1
        allowed = _decimals(step[1], lang)
        median = re.search(rf"{re.escape(tr('Median', lang))} ({num})", block)
        spread = re.search(rf"{re.escape(tr('Spread (lowest–highest)', lang))} (.+?) (?:{re.escape(tr('Region', lang))}|"
                           rf"{re.escape(tr('National', lang))}|{re.escape(tr('Target', lang))}|"
                           rf"{re.escape(tr('Before and now', lang))}|{re.escape(tr('Rounding', lang))}|"
                           rf"{re.escape(tr('Outside the 99.8% limit', lang))}|{re.escape(tr('Funnel limits', lang))})",
                           block)
        printed_numbers = ([median[1]] if median else []) + (re.findall(num, spread[1]) if spread else [])
        for figure in printed_numbers:
            assert _decimals(figure, lang) <= allowed, \
                f"{case}: '{figure}' printed finer than the stated step {step[1]}: {block[:160]}"
            checked += 1
    assert checked or not stated or case in ("tiny-4-rounds",), \
        f"{case}: no median or spread on a rounded indicator was read"


def _personal_medians(page: str, lang: str) -> list[str]:
    num, pct = NUM[lang], re.escape(PCT[lang])
    directions = "|".join(re.escape(tr(d, lang)) for d in ("higher better", "lower better", "no direction"))
    row = re.compile(rf"(?:{directions}) {num}(?:{pct})? \([^()]*\) (?P<m>{num}(?:{pct})?) ")
    return [m["m"] for m in row.finditer(page)]


@pytest.mark.parametrize("case", list(CASES))
def test_the_personal_summary_prints_the_cluster_median_as_the_group_pages_do(printed, case) -> None:
    """A GP holding both handouts reads the same median in both: '24' on the group page is '24' in the own
    summary, not '24,0' (one precision rule for both)."""
    lang, pages = printed[case]
    group = re.findall(rf"{re.escape(tr('Median', lang))} ({NUM[lang]}(?:{re.escape(PCT[lang])})?)", " ".join(pages))
    assert group, f"{case}: no median on the group pages"
    for handout_pages in personals[case]:
        mine = _personal_medians(personal_summary(handout_pages, lang), lang)
        rest = iter(group)
        assert all(any(m == g for g in rest) for m in mine), \
            f"{case}: the personal summary's medians {mine} are not the group pages' {group}"


@pytest.mark.parametrize("case", list(CASES))
def test_an_indicators_heading_and_definition_are_on_the_page_of_its_first_chart(printed, case) -> None:
    """Turning the page to find the chart that a heading and its definition box announced (English pack,
    Gabapentin, page 9): every definition box has its ranked chart's title after it on the same page."""
    lang, pages = printed[case]
    label = re.escape(tr("Numerator", lang))
    titles = "|".join(re.escape(tr(t, lang).split(":")[0].split(",")[0]) for t in (
        "Ranked: higher is better, best on top", "Ranked: lower is better, best on top",
        "Ranked by value, highest on top (no better direction)", EVERY_HIDDEN_TITLE))
    seen = 0
    for number, page in enumerate(pages, 1):
        starts = [m.start() for m in re.finditer(rf"(?:^| ){label} ", page)]
        for i, start in enumerate(starts):
            seen += 1
            after = page[start:starts[i + 1] if i + 1 < len(starts) else len(page)]
            assert re.search(rf"(?:{titles})", after), \
                f"{case} page {number}: a definition box with no chart under it on its page: {after[:200]}"
    assert seen, f"{case}: no definition box read"


def _scale(segment: str, lang: str) -> float | None:
    """What a printed rate is per, from the indicator's definition ('pr. 1.000 listede patienter'): 100 for a
    share, 1000 per listed patients; None for a rate per year (the round's length enters) or another unit. Only
    the definition box is read (a composition chart after it says 'andel (%)' of a rate's drugs)."""
    segment = re.split(r"(?:Ordnet|Ranked):? ", segment)[0]
    if tr("per 1,000 listed patients per year", lang) in segment:
        return None
    if tr("share (%)", lang) in segment:
        return 100.0
    if tr("per 1,000 listed patients", lang) in segment:
        return 1000.0
    return None


def _agrees_with_division(value: str, n: str, d: str, scale: float, step: float, lang: str) -> bool:
    count, den = value_of(n, lang), value_of(d, lang)
    if den <= 0:
        return True
    return abs(count / den * scale - value_of(value, lang)) <= step / 2 + half_unit(value, lang) + 1e-9


@pytest.mark.parametrize("case", list(CASES))
def test_a_printed_count_over_its_printed_denominator_gives_the_printed_rate(printed, case) -> None:
    """A statistician divides: '418 af 546' printed beside '76,6 %' is 76,56 %, and '36 af 1.233' beside
    '29,2' is 29,2 per 1.000. A count and denominator printed in full give the rate printed beside them, to the
    rounding the page states, in the group tables and in each clinic's own figures."""
    lang, pages = printed[case]
    num, pct = NUM[lang], re.escape(PCT[lang])
    whole = r"\d{1,3}(?:[.,]\d{3})*"
    nearest = re.escape(tr("Clinics rounded to the nearest {step}", lang, step="QQ").split("QQ")[0])
    checked = 0
    label = re.escape(tr("Numerator", lang))
    for text in [" ".join(pages), *(" ".join(h) for h in personals[case])]:
        for segment in re.split(rf"(?= {label} )", text):
            scale = _scale(segment, lang)
            if scale is None:
                continue
            step = re.search(rf"{nearest}({num})", segment)
            row_step = value_of(step[1], lang) if step else 0.0
            for m in re.finditer(rf"(?:^| )[A-Z]{{1,2}} (?P<v>{num})(?:{pct})? (?P<n>{whole}) (?P<d>{whole})(?= )",
                                 segment):
                checked += 1
                assert _agrees_with_division(m["v"], m["n"], m["d"], scale, row_step, lang), \
                    f"{case}: {m[0]!r}: {m['n']}/{m['d']} is not the printed rate (step {row_step})"
    own = re.compile(rf"{re.escape(tr('Your figures', lang))}: (?P<v>{num})(?:{pct})? \([^()]*\) · "
                     + re.escape(tr("{numerator} of {denominator}", lang, numerator="QN", denominator="QD"))
                     .replace("QN", rf"(?P<n>{whole})").replace("QD", rf"(?P<d>{whole})"))
    for handout_pages in personals[case]:
        text = " ".join(handout_pages)
        last = 0
        for m in own.finditer(text):
            title, last = text[last:m.start()], m.end()     # the indicator's title is printed before its figures
            if "%" in m[0].split("(")[0]:
                scale = 100.0
            elif re.search(r"pr\. år|per year", title) or not re.search(r"1[.,]000 ", title):
                continue                                    # a rate per year (the round's length enters) or other
            else:
                scale = 1000.0
            checked += 1
            assert _agrees_with_division(m["v"], m["n"], m["d"], scale, 0.0, lang), \
                f"{case}: the clinic's own '{m[0]}' does not divide to its printed rate"
    assert checked, f"{case}: no count printed with its denominator was read"


@pytest.mark.parametrize("case", list(CASES))
def test_a_key_message_calls_better_what_its_sign_and_direction_make_better(printed, case) -> None:
    """'Bedre siden …: Andel … (+6,4 procentpoint)' is a rise where higher is better, or a fall where lower is;
    'Dårligere' the opposite; and the figure is the one the summary row prints with its interval, which then
    lies wholly on that side of no change."""
    lang, pages = printed[case]
    summary = next(p for p in pages if _summary_rows(p, lang))
    rows = _summary_rows(summary_table(pages, lang), lang)
    higher, lower = tr("higher better", lang), tr("lower better", lang)
    num = NUM[lang]
    for kind, sign in (("Better since {baseline}: {items}.", 1), ("Worse since {baseline}: {items}.", -1),
                       ("Changed since {baseline} (neither way is better in itself): {items}.", 0)):
        head = re.escape(tr(kind, lang, baseline="QQ", items="QI").split("QQ")[0])
        for said in re.finditer(rf"{head}.+?: (?P<items>.+?)\.(?= •| [A-ZÆØÅ]|$)", summary):
            # '(−8 %; en del kan være sæsonen)': the figure before a caution
            for figure in re.findall(rf"\(({num}(?:{re.escape(PCT[lang])}| [a-z]+)*)(?:; [^)]*)?\)", said["items"]):
                matching = [r for r in rows if r[3].startswith(figure + " (")]
                assert matching, f"{case}: '{figure}' in '{said[0]}' is no summary row's change"
                value = value_of(figure.split(" ")[0], lang)
                matching = [r for r in matching   # two rows may print the same change: the one named is one
                            if all(value_of(x, lang) * value > 0 for x in re.findall(num, r[3].split("(", 1)[1])[:2])]
                assert matching, f"{case}: '{said[0]}' names a change whose interval includes no change"
                if sign:
                    wanted = {higher if value * sign > 0 else lower}
                    assert any(r[0] in wanted for r in matching), \
                        f"{case}: '{said[0]}': {figure} on an indicator where {[r[0] for r in matching]}"
                else:
                    assert any(r[0] not in (higher, lower) for r in matching), f"{case}: {said[0]}"


@pytest.mark.parametrize("case", list(CASES))
def test_a_personal_place_is_counted_among_at_least_two_clinics(printed, case) -> None:
    """'Placering 1 af 1' under 'lavere er bedre' reads as the best clinic when the others' values are only
    withheld: a place is printed among two clinics or more, else '–'."""
    lang, _ = printed[case]
    place = re.escape(tr("{rank} of {n}", lang, rank="QR", n="QN")).replace("QR", r"(?P<r>\d+)").replace(
        "QN", r"(?P<n>\d+)")
    for handout_pages in personals[case]:
        summary = personal_summary(handout_pages, lang)
        for m in re.finditer(rf"(?<![\d,.]) {place}(?= )(?! indikatorer| indicators)", summary):
            assert int(m["n"]) >= 2 and 1 <= int(m["r"]) <= int(m["n"]), f"{case}: a place '{m[0].strip()}'"


@pytest.mark.parametrize("case", list(CASES))
def test_a_clinics_own_change_says_cannot_be_determined_exactly_where_its_interval_allows_no_change(printed, case
                                                                                                    ) -> None:
    """'Ændring −33 % (−54 % til −3 %)' is a change the clinic can take home; '(kan ikke afgøres)' belongs only
    beside an interval that includes no change."""
    lang, _ = printed[case]
    num, pct = NUM[lang], re.escape(PCT[lang])
    figure = rf"{num}(?:{pct}| [a-z]+ [a-z]+| [a-z]+)?"
    head = re.escape(tr("Change {change}", lang, change="QQ").split("QQ")[0])
    between = re.escape(tr("({low} to {high})", lang, low="QL", high="QH")).replace("QL", rf"(?P<lo>{figure})") \
        .replace("QH", rf"(?P<hi>{figure})")
    undecided = re.escape(tr("(cannot be determined)", lang))
    seen = 0
    for handout_pages in personals[case]:
        text = " ".join(handout_pages)
        for m in re.finditer(rf"{head}(?P<est>{figure}) {between}(?P<u> {undecided})?", text):
            seen += 1
            low, high = (value_of(m[k].split(" ")[0], lang) for k in ("lo", "hi"))
            if m["u"]:
                assert low <= 0 <= high, f"{case}: '{m[0]}' cannot be determined, yet its interval excludes no change"
            else:   # a change, or 'about unchanged': the interval within the margin (±10 %, ±3 points)
                margin = 3.0 if tr("percentage points", lang) in m["est"] else 10.0
                assert not (low < 0 < high) or (-margin <= low and high <= margin), \
                    f"{case}: '{m[0]}' reads as a change, yet its wide interval includes no change"
    assert seen or CASES[case][1] < 2, f"{case}: no own change read"


@pytest.mark.parametrize("case", list(CASES))
def test_a_personal_key_message_on_the_limits_counts_the_rows_that_say_so(printed, case) -> None:
    """'Jeres praksis ligger inden for 99,8 %-grænserne på alle indikatorer' only when no row of the summary
    says 'over' or 'under', and 'Uden for … på 2 af 9 indikatorer' when two rows do."""
    lang, _ = printed[case]
    words = {tr("inside", lang): 0, tr("above", lang): 1, tr("below", lang): 1}
    cell = re.compile(rf"(?:\)|–) (?P<w>{'|'.join(map(re.escape, words))})(?= |$)")
    inside = tr("Your clinic lies inside the 99.8% limits on every indicator: its differences from the cluster can "
                "be chance.", lang)
    outside = re.escape(tr("Outside the 99.8% limit on {n} of {total} indicators (more than chance alone can "
                           "explain); see the column The 99.8% limits.", lang, n="QN", total="QT")).replace(
        r"\ ", " ").replace("QN", r"(?P<n>\d+)").replace("QT", r"(?P<t>\d+)")
    for handout_pages in personals[case]:
        page = personal_summary(handout_pages, lang)
        table = page[page.index(tr("Indicator", lang)):]
        flagged = sum(words[m["w"]] for m in cell.finditer(table))
        said = re.search(outside, page)
        some = re.search(re.escape(tr("Your clinic lies inside the 99.8% limits on {n} of {total} indicators; on the "
                                      "others the limits are not shown.", lang, n="QN", total="QT")).replace(
            r"\ ", " ").replace("QN", r"(?P<n>\d+)").replace("QT", r"(?P<t>\d+)"), page)
        if inside in page:
            assert flagged == 0, f"{case}: 'inside on every indicator' but {flagged} rows say otherwise"
        elif some or tr("The 99.8% limits are not shown on any of your clinic's indicators.", lang) in page:
            shown = sum(1 for m in cell.finditer(table) if m["w"] == tr("inside", lang))
            assert flagged == 0 and (int(some["n"]) if some else 0) == shown, f"{case}: {some and some[0]}: {shown}"
        else:
            assert said and int(said["n"]) == flagged, f"{case}: '{said and said[0]}' but {flagged} rows flagged"


_BROKEN = {   # what no reader should meet on a printed page
    "a missing number printed as code": r"(?<![\w-])(?:nan|NaN|None|inf|-?Infinity)(?![\w-])",
    "a signed zero": r"(?<![\w,.\d])[−-]0(?:[,.]0+)?(?![\d,.]*\d)(?! (?:til|to) )",
    "empty parentheses": r"\(\s*\)|\(\s*[–-]\s*\)",
    "doubled punctuation": r"(?<!\.)([,;:])\s*\1|(?<!\.)\.\s*\.(?!\.)|,\s*\.(?!\d)",
    "a placeholder left unfilled": r"\{[a-z_]+\}|%\([a-z_]+\)s",
}


@pytest.mark.parametrize("case", list(CASES))
def test_no_page_prints_a_missing_number_as_code_or_broken_punctuation(printed, case) -> None:
    """'nan', 'None', '−0', '()', '(–)', ',,' or '{n}' on a page: the reader meets the program, not the numbers."""
    lang, pages = printed[case]
    handouts = {"group": pages, **{f"personal {i + 1}": h for i, h in enumerate(personals[case])}}
    for which, texts in handouts.items():
        for number, page in enumerate(texts, 1):
            for what, pattern in _BROKEN.items():
                m = re.search(pattern, page)
                assert not m, f"{case} {which} page {number}: {what}: …{page[max(0, m.start() - 80):m.end() + 40]}…"


def _danish_phrases() -> set[str]:
    """The Danish catalogue's own phrases (the words between its placeholders, three words or more) that are not
    English too: one of them on an English page is a sentence left untranslated."""
    from klyngedesk.i18n import catalog

    english = " ".join(catalog("da"))
    phrases = set()
    for value in catalog("da").values():
        for text in (value.values() if isinstance(value, dict) else [value]):
            for part in re.split(r"\{[^}]*\}|%\([^)]*\)s|[\n•:;()]", str(text)):
                part = " ".join(part.split()).strip(" ,.–-")
                if len(part.split()) >= 3 and re.search(r"[a-zæøå]", part) and part not in english:
                    phrases.add(part)
    return phrases


@pytest.mark.parametrize("case", [c for c in CASES if CASES[c][2] == "en"])
def test_an_english_pack_prints_no_danish_sentence_of_its_own(printed, case) -> None:
    """The clinics' names, the meeting's agenda and a guideline's Danish title are the user's words; the pack's
    own sentences are English on an English pack, in the group and the personal handouts alike."""
    _, pages = printed[case]
    text = " ".join([*pages, *(" ".join(h) for h in personals[case])])
    for title in sorted(own_words[case], key=len, reverse=True):   # 'Mål nr. 1 pr. 1000 patienter' is the user's
        text = text.replace(title, " ").replace(title[:1].lower() + title[1:], " ")   # also mid-sentence
    found = sorted(ph for ph in _danish_phrases() if re.search(rf"(?<![\wæøå]){re.escape(ph)}(?![\wæøå])", text))
    assert not found, f"{case}: Danish on an English pack: {found[:8]}"


@pytest.mark.parametrize("case", list(CASES))
def test_a_cluster_value_printed_as_a_dash_says_why_in_words(printed, case) -> None:
    """'Klyngen samlet –' and no change sentence under it reads as a number lost; the page says the value (and
    its change) were withheld, and why."""
    lang, pages = printed[case]
    head = re.escape(tr("Cluster as a whole", lang))
    for number, page in enumerate(pages, 1):
        for m in re.finditer(rf"{head} – (?P<after>.{{0,40}})", page):
            assert m["after"].startswith("("), f"{case} page {number}: a bare dash for the cluster: {m[0]}"


@pytest.mark.parametrize("case", list(CASES))
def test_a_topics_title_never_ends_a_page_away_from_its_rows(printed, case) -> None:
    """A summary table's topic heading printed last on a page, its indicators on the next (a new topic on the
    personal summary's page 1): the table goes on over the page above the heading, not under it."""
    lang, pages = printed[case]
    titles = topic_titles[case]
    handouts = {"group": pages, **{f"personal {i + 1}": h for i, h in enumerate(personals[case])}}
    for which, texts in handouts.items():
        for number, page in enumerate(texts[:-1], 1):
            ends = [t for t in titles if page.rstrip().endswith(t)]
            assert not ends, f"{case} {which} page {number} ends with the heading {ends[0]!r}, its rows overleaf"


@pytest.mark.parametrize("case", list(CASES))
def test_a_name_cut_short_on_a_chart_keeps_its_clinics_code(printed, case) -> None:
    """Consenting clinics named on the charts with long names alike ('Lægefællesskabet Søndre Skovbrynsallé og…'
    four times): a name cut to fit keeps its code, 'Lægefællesskabet Søndre… (K)', so each row is someone's."""
    _, pages = printed[case]
    for number, page in enumerate([*pages, *(p for h in personals[case] for p in h)], 1):
        m = re.search(r"\w… (?!\([A-Z0-9]{1,4}\))", page)
        assert not m, f"{case} page {number}: a label cut without its code: …{page[max(0, m.start() - 60):m.end() + 20]}"


@pytest.mark.parametrize("case", list(CASES))
def test_the_summary_says_what_a_row_of_dashes_means_where_a_cluster_value_was_withheld(printed, case) -> None:
    """'Antibiotikaordinationer … – – –' in the summary beside clinics' values on its page reads as data lost:
    where an indicator page says its cluster value was withheld, the summary says what its dashes mean."""
    lang, pages = printed[case]
    head = re.escape(tr("Cluster as a whole", lang))
    withheld = any(re.search(rf"{head} – \(", p) for p in pages)
    said = tr("A row of dashes where the clinics have figures: the anonymity check withheld the cluster as a whole "
              "and its change, as beside the clinics' values shown they would give a hidden clinic's figures away.",
              lang)
    hidden = tr("A row of dashes where every clinic's figures are hidden: the anonymity check withheld the clinics, "
                "the cluster as a whole and its change, as with the material's other figures they would give a "
                "clinic's small count or list size away.", lang)   # the clinics hidden too (test_pack_reader_hidden)
    summary = summary_table(pages, lang)
    assert (said in summary or hidden in summary) == withheld, \
        f"{case}: withheld {withheld}, the summary says so: {not withheld}"


@pytest.mark.parametrize("case", list(CASES))
def test_no_change_larger_than_chance_is_said_only_beside_changes_printed(printed, case) -> None:
    """'Ingen ændring siden 2. halvår 2025 er større, end tilfældigheder alene kan forklare' above a table whose
    every change is '–' (all withheld) claims what no number on the page shows."""
    lang, pages = printed[case]
    summary = summary_table(pages, lang)
    none = tr("No change since {baseline} is larger than chance alone can explain.", lang, baseline="QQ").split("QQ")
    if none[0] in summary and none[1] in summary:
        assert any(r[3] != "–" for r in _summary_rows(summary, lang)), \
            f"{case}: '{none[0]}…{none[1]}' said, yet the summary prints no change"


@pytest.mark.parametrize("case", list(CASES))
def test_a_clinic_is_not_told_it_lies_inside_limits_nobody_worked_out(printed, case) -> None:
    """Where the limits are centred on a withheld cluster value and widened by the hidden clinics' spread, the
    clinic's own flag is left out: its summary row then said 'inden for' all the same (a clinic with no events
    at all, where the others have 35 per 1.000, was 'inside'), and 'inside on every indicator' above it. Such a
    row prints '–', and the key message counts only the rows that say 'inside'."""
    lang, _ = printed[case]
    every = tr("Your clinic lies inside the 99.8% limits on every indicator: its differences from the cluster can "
               "be chance.", lang)
    for clinic, own in unknown_limits[case].items():
        summary = personal_summary(personals[case][clinic], lang)
        table = summary[summary.index(tr("Indicator", lang)):]
        heads = "|".join([*(re.escape(t) for t in sorted(row_heads[case], key=len, reverse=True)),
                          re.escape(tr("Indicator", lang))])   # the header repeated over the next page
        for title in own:
            rows = [m["row"] for m in re.finditer(rf"{re.escape(title)} (?P<row>.*?)(?= (?:{heads}) |$)", table)]
            assert rows and all(r.rstrip().endswith(" –") for r in rows), f"{case}: '{title}' with no limit worked out: {rows}"
        if own:
            assert every not in summary, f"{case}: '{every}' though no limit was worked out for {own}"


@pytest.mark.parametrize("case", list(CASES))
def test_a_clinics_own_figures_never_say_inside_limits_its_summary_leaves_out(printed, case) -> None:
    """The summary's row says '–' for the 99.8 % limits nobody worked out (and '… vises ikke på nogen af jeres
    praksis' indikatorer' above it), while the clinic's own lines under its chart said '· inden for
    99,8 %-grænserne' all the same: the two pages of one handout contradicted each other."""
    lang, _ = printed[case]
    inside = tr("inside the 99.8% limits", lang)
    figures = tr("Your figures", lang)
    for clinic, own in unknown_limits[case].items():
        pages = personals[case][clinic]
        text = " ".join(pages)
        rest = text[len(personal_summary(pages, lang)):]
        heads = "|".join(re.escape(t) for t in sorted(row_heads[case], key=len, reverse=True))
        for title in own:
            for m in re.finditer(rf"{re.escape(title)} (?P<part>.*?)(?= (?:{heads}) |$)", rest):
                if figures in m["part"]:
                    assert inside not in m["part"], f"{case}: '{title}': '{inside}' though no limit was worked out"
