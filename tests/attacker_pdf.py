"""The member who keeps every printed group handout and reads only its text, as a PDF text extractor does.

It renders the real group handout of a meeting (the pack's own path: `render_group` over the pack's group
materials), reads every page's text with pdfium, parses the printed numbers (Danish format: 1.234,5;
"<5"; "skjult"; bands "2.000–3.999"; "Klyngen samlet 12,1 (95 %-KI 9,8 til 14,8)"; "Før og nu 13,9 i
…, 12,1 i …") and turns them into the relations of `attacker.Attacker`, so that the same linear program
plays every clinic as the reader with every earlier handout. Where the text is silent it is granted the
worst case, as the JSON attacker is: which code is which clinic, the rounding step of the rates (it can
be read off the printed values), the totals behind a pooled value or a change printed with its interval
(the interval's width gives the count), and which clinics have data in both rounds.

`divided(...)` is the other attack: every printed count of a measure divided by a printed rate per list
size of the same measure and clinic gives the list size back; it must not do so to better than the
protection margin.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field

from attacker import LS, PERIODS, SIZE_MARGIN, Attacker, _meta

from klyngedesk.core.render.group_handout import render_group
from klyngedesk.core.render.pack import _Pack
from klyngedesk.core.store import Project

NUMBER = r"[−-]?\d{1,3}(?:\.\d{3})*(?:,\d+)?"
CELL = rf"skjult|<\d+|–|{NUMBER}–{NUMBER}|{NUMBER}"
ROW = re.compile(rf"^(?P<label>.+?) (?P<value>ingen data|skjult|<\d+|under \d+ tilfælde|{NUMBER}(?: %)?) (?P<n>{CELL}) "
                 rf"(?P<den>{CELL})$")
FEWER = re.compile(r"under (\d+) tilfælde")   # a small count in a rate or share column, in words: "<5"
POOLED = re.compile(rf"Klyngen samlet (?P<v>{NUMBER})(?: %)? \(95 %-KI (?P<lo>{NUMBER})(?: %)? til (?P<hi>{NUMBER})")
BEFORE_AFTER = re.compile(rf"^Før og nu (?P<b>{NUMBER})(?: %)? i .+?, (?P<a>{NUMBER})(?: %)? i ")
HEADER = re.compile(r"^Værdi n (Listede|Nævner)")
PAGE_HEAD = re.compile(r" · side \d+ af ?$")


def number(text: str) -> float:
    """A number printed the Danish way: 1.234,5 -> 1234.5 (a minus may be the typographic one)."""
    return float(text.replace("−", "-").replace(".", "").replace(",", "."))


def decimals(text: str) -> int:
    return len(text.split(",")[1]) if "," in text else 0


def _plain(title: str) -> str:
    return re.sub(r"(?<=\d)\.(?=\d{3})", "", title).strip()


@dataclass
class PrintedRow:
    label: str
    value: str
    n: str
    den: str


@dataclass
class PrintedIndicator:
    key: str
    rows: list[PrintedRow] = field(default_factory=list)
    pooled: tuple[float, float, float] | None = None
    pooled_decimals: int = 1
    before_after: tuple[float, float] | None = None


def _metas(topics: str | tuple[str, ...]) -> dict:
    """The indicators' definitions of every topic printed in the handout (keys are unique across topics)."""
    out: dict = {}
    for topic in (topics,) if isinstance(topics, str) else topics:
        out.update(_meta(topic))
    return out


def handout(project: Project, meeting: str, lang: str = "da") -> tuple[bytes, _Pack]:
    """The meeting's group handout as the pack prints it (without the personal handouts), and its pack."""
    pack = _Pack(project, meeting, lang)
    buffer = io.BytesIO()
    render_group(buffer, pack.group_materials(), pack.meeting, pack.cluster_name, lang,
                 general_notes=pack.group_notes()[1])
    return buffer.getvalue(), pack


def parse(pages: list[str], topic: str | tuple[str, ...]) -> list[PrintedIndicator]:
    """Every indicator's printed table rows, pooled value with its interval and before/after figures."""
    titles = {_plain(ind.title): key for key, ind in _metas(topic).items()}
    found: list[PrintedIndicator] = []
    current: PrintedIndicator | None = None
    in_table = False
    for page in pages:
        for line in page.splitlines():
            line = line.strip()
            if PAGE_HEAD.search(line):
                continue
            if _plain(line) in titles:   # a title printed again (a continued page) goes on with its indicator
                key = titles[_plain(line)]
                current = next((p for p in found if p.key == key), None)
                if current is None:
                    current = PrintedIndicator(key)
                    found.append(current)
                in_table = False
                continue
            if current is None:
                continue
            if line.startswith(("Ordnet", "Alle praksissers værdier er skjult")):   # every clinic hidden: code order
                in_table = True
                continue
            if HEADER.match(line):
                in_table = False
                continue
            m = ROW.match(line)
            if in_table and m and not re.fullmatch(r"[\d\s.,]+", m["label"]):   # not an axis's tick labels
                current.rows.append(PrintedRow(m["label"], FEWER.sub(r"<\1", m["value"]), m["n"], m["den"]))
                continue
            m = POOLED.search(line)
            if m and current.pooled is None:
                current.pooled = (number(m["v"]), number(m["lo"]), number(m["hi"]))
                current.pooled_decimals = decimals(m["v"])
            m = BEFORE_AFTER.match(line)
            if m:
                current.before_after = (number(m["b"]), number(m["a"]))
    return found


def clinic_of_label(label: str, codes: dict[str, str]) -> str:
    """A row's clinic: "B" is a code, "Lægehuset Testvej 2 (G)" a consenting clinic shown with its code."""
    m = re.search(r"\((\w+)\)$", label)
    code = m[1] if m else label
    by_code = {v: k for k, v in codes.items()}
    return by_code[code]


def keep_printed(attacker: Attacker, printed: list[PrintedIndicator], topic: str | tuple[str, ...], period: str, compare: str | None,
                 codes: dict[str, str], steps: dict[str, float], threshold: int) -> None:
    """Add what one handout prints to the attacker's relations (and its hidden counts to its targets)."""
    public = {terms[0][0] for terms, lo, hi in attacker.relations if len(terms) == 1 and lo == hi}
    hidden_before = set(attacker.hidden)
    protected: set[tuple] = set()
    days = {p.key: p.days for p in PERIODS}
    truth = attacker.truth
    for ind in printed:
        meta = _metas(topic)[ind.key]
        mn = meta.numerator
        md = LS if meta.denominator_kind == "list_size" else meta.denominator
        share = meta.unit == "percent"
        scale = 100.0 if share else 1000 * (365.25 / days[period] if meta.per_year else 1.0)
        contributing = []
        for row in ind.rows:
            c = clinic_of_label(row.label, codes)
            num, den = (period, mn, c), (period, md, c)
            if share and den in truth:
                attacker.relations.append(([(den, 1.0), (num, -1.0)], 0.0, math.inf))
            if row.value != "ingen data" and num in truth and den in truth and truth[den] > 0:
                contributing.append(c)
            if re.fullmatch(NUMBER, row.n):
                attacker.relations.append(([(num, 1.0)], number(row.n), number(row.n)))
            if re.fullmatch(NUMBER, row.den):
                attacker.relations.append(([(den, 1.0)], number(row.den), number(row.den)))
            elif md == LS and den in truth:   # a band or nothing: the size must stay unknown to 3 %
                attacker.sizes.add(den)
            if "–" in row.den and row.den != "–":
                lo, hi = (number(x) for x in row.den.split("–"))
                attacker.relations.append(([(den, 1.0)], lo, hi))
            text = row.value.removesuffix(" %")
            if re.fullmatch(NUMBER, text):
                v = number(text)
                h = (steps.get(ind.key) or 0.0) / 2 + 0.5 * 10 ** -decimals(text) + 1e-9 * max(1.0, v)
                attacker.relations.append(([(num, scale), (den, -(v + h))], -math.inf, 0.0))
                attacker.relations.append(([(num, scale), (den, -(v - h))], 0.0, math.inf))
            if row.value.startswith("<"):
                attacker.relations.append(([(num, 1.0)], 1.0, threshold - 1.0))
            if row.value == "skjult" and not share:
                protected.add(num)
            if row.value == "skjult" or row.value.startswith("<"):
                attacker.hidden.add(num)
                if share:
                    attacker.hidden.add(den)
        if ind.pooled is not None:   # the interval's width gives the total count: granted exactly
            attacker._eq([(period, mn, c) for c in contributing])
            if md == LS and steps.get(ind.key):   # a rounded rate: the total list size only as far as that goes
                attacker.ratio_of_sums([(period, mn, c) for c in contributing],
                                       [(period, md, c) for c in contributing], ind.pooled[0], scale,
                                       steps[ind.key] / 2 + 0.5 * 10 ** -ind.pooled_decimals)
            else:
                attacker._eq([(period, md, c) for c in contributing])
        if compare and ind.before_after is not None:
            both = [c for c in contributing if (compare, mn, c) in truth and (compare, md, c) in truth
                    and truth[(compare, md, c)] > 0]
            for rnd in (compare, period):
                attacker._eq([(rnd, mn, c) for c in both])
                attacker._eq([(rnd, md, c) for c in both])
    attacker.hidden -= public - hidden_before
    # A rate printed "skjult" beside its count printed in another table (a share's denominator): the rate alone
    # was left out (for its list size), the count is not hidden.
    printed_now = {terms[0][0] for terms, lo, hi in attacker.relations if len(terms) == 1 and lo == hi}
    attacker.hidden -= (protected & printed_now) - hidden_before
    attacker.sizes -= public
    attacker.check_sound()


def divided(printed: list[PrintedIndicator], topic: str | tuple[str, ...], period: str, codes: dict[str, str],
            steps: dict[str, float], truth: dict[tuple, float]) -> list[tuple]:
    """(clinic, low, high, size) for every list size not printed exactly that a printed count of a measure,
    divided by the printed rate per list size of the same measure and clinic, gives back to within less
    than SIZE_MARGIN of itself. Counts are looked for in every table of the handout (a share's denominator
    is often the count of a rate)."""
    days = {p.key: p.days for p in PERIODS}
    counts: dict[tuple[str, str], float] = {}
    exact_sizes: set[str] = set()
    for ind in printed:
        meta = _metas(topic)[ind.key]
        for row in ind.rows:
            c = clinic_of_label(row.label, codes)
            if re.fullmatch(NUMBER, row.n):
                counts[(meta.numerator, c)] = number(row.n)
            if re.fullmatch(NUMBER, row.den):
                if meta.denominator_kind == "list_size":
                    exact_sizes.add(c)
                else:
                    counts[(meta.denominator, c)] = number(row.den)
    found = []
    for ind in printed:
        meta = _metas(topic)[ind.key]
        if meta.denominator_kind != "list_size":
            continue
        scale = 1000 * (365.25 / days[period] if meta.per_year else 1.0)
        for row in ind.rows:
            c = clinic_of_label(row.label, codes)
            count = counts.get((meta.numerator, c))
            if c in exact_sizes or count is None or not re.fullmatch(NUMBER, row.value) or not count:
                continue
            v = number(row.value)
            h = (steps.get(ind.key) or 0.0) / 2 + 0.5 * 10 ** -decimals(row.value)
            low, high = count * scale / (v + h), (count * scale / (v - h) if v > h else math.inf)
            size = truth[(period, LS, c)]
            if high - low < SIZE_MARGIN * size:
                found.append((c, low, high, size))
    return found
