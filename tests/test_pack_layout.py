"""Layout check of printed packs, read back from the PDFs with pypdfium2: no overprinted text, no glyph under
8 pt, no page under 40 % full except a section's last, tick labels that equal their ticks; page counts."""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from large_pack import LargePack, large_pack

from klyngedesk.core.demo import build_demo
from klyngedesk.core.render.chart_builder import ranked_title
from klyngedesk.core.render.pack import build_pack
from klyngedesk.core.render.page_template import (
    FRAME_HEIGHT,
    MARGIN_BOTTOM,
    MARGIN_X,
    PAGE_HEIGHT,
    PAGE_WIDTH,
)
from klyngedesk.core.store import Project
from klyngedesk.i18n import tr

MIN_GLYPH = 8.0
MIN_FILL = 0.40
MIN_TAIL = 0.10        # a section's last page may be short, but not a stray line or two spilled from the page before
FRAME_TOP = MARGIN_BOTTOM + FRAME_HEIGHT
SLACK = 0.3            # glyph boxes are tight; a touch of this much is not an overlap
MAX_Y_TICK_GAP = 120.0  # the most space between two ticks of a value axis up the page (a chart is ~200 pt high)


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    baseline: float


def page_words(page: pdfium.PdfPage) -> list[Word]:
    """The page's words: runs of glyphs on one baseline in one size without a space or a gap between them."""
    tp = page.get_textpage()
    words: list[Word] = []
    chars: list[tuple[str, tuple[float, float, float, float], float]] = []

    def flush() -> None:
        if chars:
            boxes = [b for _, b, _ in chars]
            words.append(Word("".join(c for c, _, _ in chars), min(b[0] for b in boxes), min(b[1] for b in boxes),
                              max(b[2] for b in boxes), max(b[3] for b in boxes), chars[0][2],
                              _baseline(tp, start)))
            chars.clear()

    start = 0
    for i in range(tp.count_chars()):
        ch = tp.get_text_range(i, 1)
        size = pdfium_raw.FPDFText_GetFontSize(tp.raw, i)
        if not ch.strip():
            flush()
            continue
        box = tp.get_charbox(i)
        if chars:
            last_box, last_size = chars[-1][1], chars[-1][2]
            gap = box[0] - last_box[2]
            if abs(size - last_size) > 0.01 or abs(_baseline(tp, i) - _baseline(tp, start)) > 0.5 or \
                    gap > 0.45 * size or gap < -0.5 * size:
                flush()
        if not chars:
            start = i
        chars.append((ch, box, size))
    flush()
    return words


def _baseline(tp: pdfium.PdfTextPage, index: int) -> float:
    x, y = ctypes.c_double(), ctypes.c_double()
    pdfium_raw.FPDFText_GetCharOrigin(tp.raw, index, x, y)
    return round(y.value, 2)


def overlaps(a: Word, b: Word) -> bool:
    return (a.x0 + SLACK < b.x1 - SLACK and b.x0 + SLACK < a.x1 - SLACK and
            a.y0 + SLACK < b.y1 - SLACK and b.y0 + SLACK < a.y1 - SLACK)


def overlapping(words: list[Word]) -> list[tuple[str, str]]:
    out = []
    ordered = sorted(words, key=lambda w: w.x0)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.x0 > a.x1:
                break
            if overlaps(a, b):
                out.append((a.text, b.text))
    return out


def content_bottom(page: pdfium.PdfPage) -> float:
    """The lowest point of anything drawn in the frame (text, charts, table rules)."""
    lows = []
    for obj in page.get_objects(max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        if top <= FRAME_TOP + 1 and bottom >= MARGIN_BOTTOM - 20 and right > left:
            lows.append(bottom)
    return min(lows, default=FRAME_TOP)


_NUMBER = re.compile(r"^[−-]?\d{1,3}([.,]\d{3})*([.,]\d+)?$")


def parse_number(text: str, lang: str) -> float | None:
    text = text.replace("−", "-")
    if not _NUMBER.match(text):
        return None
    if lang == "da":
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "")
    return float(text)


def tick_rows(words: list[Word], lang: str) -> list[list[tuple[float, float]]]:
    """Axis tick labels: three or more numbers in the tick size, evenly spaced along one line (a row under a
    plot or a column beside it); each as (position, value)."""
    ticks = [w for w in words if abs(w.size - MIN_GLYPH) < 0.01 and parse_number(w.text, lang) is not None
             and _alone(w, words)]
    rows: dict[tuple[str, float], list[tuple[float, float]]] = {}
    for w in ticks:
        value = parse_number(w.text, lang)
        assert value is not None
        rows.setdefault(("x", w.baseline), []).append(((w.x0 + w.x1) / 2, value))
        rows.setdefault(("y", round(w.x1, 0)), []).append(((w.y0 + w.y1) / 2, value))
    out = []
    for (direction, _), line in rows.items():
        for items in _side_by_side(sorted(line)):
            if len(items) < 3:
                continue
            gaps = [b[0] - a[0] for a, b in zip(items, items[1:], strict=False)]
            mean = sum(gaps) / len(gaps)
            # a value axis up the page is never taller than a chart: a wider "column" is charts stacked in rows
            # of one height, each with a tick at the same place
            if mean > 5 and all(abs(g - mean) < 0.03 * mean + 0.6 for g in gaps) and \
                    (direction == "x" or mean < MAX_Y_TICK_GAP):
                out.append(items)
    return out


def _side_by_side(items: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A line of labels split where two charts stand side by side (a gap over twice the usual one)."""
    if len(items) < 3:
        return [items]
    gaps = sorted(b[0] - a[0] for a, b in zip(items, items[1:], strict=False))
    usual = gaps[len(gaps) // 2]
    parts, part = [], [items[0]]
    for a, b in zip(items, items[1:], strict=False):
        if b[0] - a[0] > 2 * usual:
            parts.append(part)
            part = []
        part.append(b)
    return [*parts, part]


def _alone(word: Word, words: list[Word]) -> bool:
    """A tick label stands alone on its line: no other word on its baseline within a few spaces of it."""
    reach = 1.2 * word.size
    return not any(o is not word and abs(o.baseline - word.baseline) < 0.5 and
                   (0 <= word.x0 - o.x1 < reach or 0 <= o.x0 - word.x1 < reach) for o in words)


def tick_problems(rows: list[list[tuple[float, float]]]) -> list[str]:
    """Evenly spaced labels must step by one value: 0 · 2,5 · 5,0 · 7,5, never 0 · 2 · 5 · 8."""
    problems = []
    for items in rows:
        steps = [b[1] - a[1] for a, b in zip(items, items[1:], strict=False)]
        if any(abs(s - steps[0]) > 1e-9 * max(1.0, abs(steps[0])) for s in steps):
            problems.append(" ".join(str(v) for _, v in items))
    return problems


def section_pages(doc: pdfium.PdfDocument) -> list[range]:
    """The pages of every top-level section, in order (the pages before the first bookmark, e.g. the cover,
    are a section of their own)."""
    starts = sorted({0, *(item.get_dest().get_index() for item in doc.get_toc()
                          if item.level == 0 and item.get_dest() is not None)})
    ends = [*starts[1:], len(doc)]
    return [range(s, e) for s, e in zip(starts, ends, strict=True) if e > s]


def section_last_pages(doc: pdfium.PdfDocument) -> set[int]:
    """The last page of every top-level section (the page before the next section starts, and the last)."""
    return {section[-1] for section in section_pages(doc)}


def spilled_tails(doc: pdfium.PdfDocument, fills: list[float]) -> list[int]:
    """Last pages of sections longer than a page that hold only a stray line or two (a cover that ran over)."""
    return [s[-1] for s in section_pages(doc) if len(s) > 1 and fills[s[-1]] < MIN_TAIL]


def off_page(page: pdfium.PdfPage, words: list[Word]) -> list[str]:
    """Anything drawn past the paper's edge, and text outside the side margins (cut off by a printer)."""
    out = []
    for obj in page.get_objects(max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        if right > left and (left < -0.5 or bottom < -0.5 or right > PAGE_WIDTH + 0.5 or top > PAGE_HEIGHT + 0.5):
            out.append(f"object at {left:.0f},{bottom:.0f}–{right:.0f},{top:.0f}")
    out += [f"{w.text!r} at x {w.x0:.0f}–{w.x1:.0f}" for w in words
            if w.x0 < MARGIN_X - 2 or w.x1 > PAGE_WIDTH - MARGIN_X + 2 or w.y0 < 0 or w.y1 > PAGE_HEIGHT]
    return out


@dataclass
class Report:
    pages: int = 0
    overlaps: list[str] = None          # type: ignore[assignment]
    small: list[str] = None             # type: ignore[assignment]
    empty: list[str] = None             # type: ignore[assignment]
    ticks: list[str] = None             # type: ignore[assignment]
    outside: list[str] = None           # type: ignore[assignment]
    tick_rows: int = 0

    def __post_init__(self) -> None:
        self.overlaps, self.small, self.empty, self.ticks, self.outside = [], [], [], [], []


def check_pdf(path: Path, lang: str, report: Report) -> None:
    doc = pdfium.PdfDocument(str(path))
    exempt = section_last_pages(doc)
    fills = []
    for index in range(len(doc)):
        page = doc[index]
        words = page_words(page)
        where = f"{path.name} p{index + 1}"
        report.pages += 1
        report.overlaps += [f"{where}: {a!r} on {b!r}" for a, b in overlapping(words)]
        report.small += [f"{where}: {w.text!r} {w.size:.1f} pt" for w in words if w.size < MIN_GLYPH - 0.01]
        report.outside += [f"{where}: {o}" for o in off_page(page, words)]
        fill = (FRAME_TOP - content_bottom(page)) / FRAME_HEIGHT
        fills.append(fill)
        if fill < MIN_FILL and index not in exempt:
            report.empty.append(f"{where}: {fill:.0%}")
        rows = tick_rows(words, lang)
        report.tick_rows += len(rows)
        report.ticks += [f"{where}: {p}" for p in tick_problems(rows)]
    report.empty += [f"{path.name} p{i + 1}: {fills[i]:.0%} (spilled)" for i in spilled_tails(doc, fills)]
    doc.close()


def check_pack(folder: Path, lang: str, skip: Path | None = None) -> Report:
    """Every PDF of a pack folder except `skip` (the print-all file: the same pages as the others)."""
    report = Report()
    for path in sorted(folder.rglob("*.pdf")):
        if skip is not None and path == skip:
            continue
        check_pdf(path, lang, report)
    return report


def pages(path: Path) -> int:
    doc = pdfium.PdfDocument(str(path))
    n = len(doc)
    doc.close()
    return n


def content_pages(path: Path, lang: str) -> int:
    """The pages of a handout that are not its intentionally blank back."""
    blank = tr("This page is intentionally blank.", lang)
    doc = pdfium.PdfDocument(str(path))
    n = sum(blank not in doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    doc.close()
    return n


@pytest.fixture(scope="module")
def packs(tmp_path_factory) -> dict[str, tuple[Path, object]]:
    out = {}
    for name, clinics, lang in (("demo", None, "da"), ("demo_en", None, "en"), ("large", 25, "da")):
        base = tmp_path_factory.mktemp(name)
        path = base / "c.klynge"
        build_demo(path, **({"clinics": clinics} if clinics else {}))
        with Project.open(path) as project:
            out[name] = (base, build_pack(project, "2026-12", base / "out", lang=lang))
    return out


@pytest.mark.parametrize("name, lang", [("demo", "da"), ("demo_en", "en"), ("large", "da")])
def test_pack_pages_are_readable_on_paper(packs, name: str, lang: str) -> None:
    _, result = packs[name]
    report = check_pack(result.folder, lang, result.merged)
    assert report.pages > 20
    assert not report.overlaps, report.overlaps[:10]
    assert not report.small, report.small[:10]
    assert not report.empty, report.empty
    assert not report.outside, report.outside[:10]
    assert report.tick_rows >= report.pages // 2, "tick labels were not found"   # it looked at real axes
    assert not report.ticks, report.ticks[:10]


@pytest.mark.parametrize("name", ["demo", "demo_en"])
def test_demo_pack_prints_in_a_third_of_the_old_page_count(packs, name: str) -> None:
    """Each clinic's handout is its summary page and two pages of charts: with its cover a whole number of
    sheets, so print-all needs no blank backs in the clinics' sealed sections (a fourth page of charts, e.g.
    from one more line under every small chart, made it 110 pages)."""
    _, result = packs[name]
    group = pages(result.group)
    personal = [pages(p) for p in result.personal.values()]
    assert group + sum(personal) <= 258 // 3            # the handouts: a third of the old 258 pages at most
    assert max(personal) <= 4 and len(personal) == 14
    lang = "en" if name == "demo_en" else "da"
    printed = {path.name: content_pages(path, lang) for path in result.personal.values()}
    assert all(n == 3 for n in printed.values()), printed   # odd: a blank back in its own file, none in print-all
    merged = pages(result.merged)
    assert merged >= group + sum(personal)              # print-all: these plus each clinic's cover sheet
    assert merged <= 258 // 3, (group, personal, merged)  # ... and still a third of the old 258 pages at most


def test_the_check_finds_what_it_is_meant_to_find() -> None:
    a = Word("G", 0, 0, 6, 6, 8, 0)
    assert overlapping([a, Word("F", 4, 2, 10, 8, 8, 2)]) and not overlapping([a, Word("F", 7, 0, 12, 6, 8, 0)])
    assert tick_problems([[(0, 0), (10, 2), (20, 5), (30, 8)]]) and not tick_problems([[(0, 0), (10, 2.5), (20, 5)]])
    assert parse_number("1.000", "da") == 1000 and parse_number("2,5", "da") == 2.5 and parse_number("2.5", "en") == 2.5


def test_every_handout_page_is_held_to_the_fill_rule(packs) -> None:
    """A page escapes the 40 % rule only as a section's last: a handout must not make every page a section."""
    _, result = packs["demo"]
    for path in [result.group, *result.personal.values()]:
        doc = pdfium.PdfDocument(str(path))
        sections = section_pages(doc)
        assert len(sections) <= 8 if path == result.group else len(sections) <= 2, (path.name, sections)
        assert len(sections[0]) == 1, path.name           # the cover / the clinic's summary: one page
        doc.close()


LABEL_SIZE = 8.5
TITLE_SIZE = 9.5


def lines(page: pdfium.PdfPage) -> list[list[Word]]:
    """The page's words by line, top to bottom, each line left to right."""
    by_line: dict[float, list[Word]] = {}
    for w in page_words(page):
        by_line.setdefault(round(w.baseline, 0), []).append(w)
    return [sorted(by_line[y], key=lambda w: w.x0) for y in sorted(by_line, reverse=True)]


def ranked_charts(path: Path, lang: str, labels: list[str], columns: int = 3) -> list[dict[str, int]]:
    """Each ranked chart of a handout in reading order, as how often each clinic's row appears in it. A chart
    starts at its title; a title marked "(continued)" goes on with the chart before it. A row is a line of
    label-size words: the clinic's label (clipped with "…" if long) and the value and table columns."""
    titles = {ranked_title(d, lang) for d in ("max", "min", None)}
    word = tr("continued", lang)
    small = tr("fewer than {n} cases", lang, n=5).split()
    charts: list[dict[str, int]] = []
    doc = pdfium.PdfDocument(str(path))
    for index in range(len(doc)):
        block: list[str] = []
        for line in [*lines(doc[index]), []]:
            line = [w for w in line if w.text != "%"]       # "83,3 %" is one column
            if line and all(abs(w.size - TITLE_SIZE) < 0.01 for w in line):
                block.append(" ".join(w.text for w in line))
                continue
            if block:
                title = " ".join(block)
                if title in titles:
                    charts.append({})
                elif title.removesuffix(f" ({word})") in titles:
                    assert charts, f"{path.name} p{index + 1}: a continued chart with nothing before it"
                block = []
            if len(line) > columns and all(abs(w.size - LABEL_SIZE) < 0.01 for w in line) and charts:
                texts = _one_column(small, [w.text for w in line])   # "under 5 tilfælde" is one column
                label = " ".join(texts[:-columns])
                match = [lab for lab in labels if lab == label or (label.endswith("…") and lab.startswith(label[:-1]))]
                if match:
                    charts[-1][match[0]] = charts[-1].get(match[0], 0) + 1
    doc.close()
    return charts


def _one_column(phrase: list[str], texts: list[str]) -> list[str]:
    """A row's words with the words of `phrase` (a value printed in words) joined into one column."""
    n = len(phrase)
    for i in range(len(texts) - n + 1):
        if texts[i:i + n] == phrase:
            return [*texts[:i], " ".join(phrase), *texts[i + n:]]
    return texts


@pytest.fixture(scope="module")
def large60(tmp_path_factory) -> LargePack:
    return large_pack(tmp_path_factory.mktemp("large60"), 60)


def test_a_60_clinic_pack_is_readable_on_paper(large60: LargePack) -> None:
    """A large cluster: charts and tables go on over pages between their rows, nothing overprinted, nothing
    off the page, no page left nearly empty, every tick label its tick's value."""
    for path in (large60.group, large60.personal):
        report = Report()
        check_pdf(path, "da", report)
        assert not report.overlaps, report.overlaps[:10]
        assert not report.small, report.small[:10]
        assert not report.empty, report.empty
        assert not report.outside, report.outside[:10]
        assert not report.ticks, report.ticks[:10]
    assert pages(large60.group) > 20


def test_every_clinic_has_one_row_in_each_ranked_chart_of_a_large_cluster(large60: LargePack) -> None:
    """60 clinics do not fit one page: a ranked chart goes on under its title marked "(fortsat)", and
    every clinic's row is in it exactly once, whatever page it falls on."""
    charts = ranked_charts(large60.group, "da", large60.codes)
    assert len(charts) == large60.indicators, [sum(c.values()) for c in charts]
    for chart in charts:
        assert chart == dict.fromkeys(large60.codes, 1), {k: v for k, v in chart.items() if v != 1}
    doc = pdfium.PdfDocument(str(large60.group))
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    doc.close()
    assert f"({tr('continued', 'da')})" in text        # it did go on over a page


DANISH_WORDS = ("praksis", "praksisser", "praksissen", "klyngen", "klyngens", "fortsat", "skjult", "halvår",
                "procentpoint", "ændring", "patienter", "brugere", "nævner", "tæller", "værdi", "kode", "uden",
                "inden", "ikke", "og", "af", "til", "pr", "ki", "placering", "bedre", "mål", "afrundet",
                "nærmeste", "listede", "grænsen", "mellem", "højere", "lavere", "samlet", "jeres", "forsigtighed")
DANISH_NUMBERS = (re.compile(r"\d[ \u00a0]%"), re.compile(r"%-KI"), re.compile(r"(?<![\d,.])\d+,\d{1,2}(?![\d])"),
                  re.compile(r"(?<![\d,.])\d{1,3}\.\d{3}(?![\d])"))


def _strings(node: object, key: str) -> list[str]:
    """Every string under `key` anywhere in a package's JSON."""
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in ([v] if k == key and isinstance(v, str) else _strings(v, key))]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v, key)]
    return []


def test_the_english_pack_has_no_danish_words_or_danish_number_style(packs) -> None:
    """Every page of the English pack, read back as text: no Danish word of the pack's own making and no
    Danish number style (12,5 · 4.000 · 12 % · 95 %-KI). What the coordinator typed (meeting, agenda,
    clinic names) and the names of Danish source documents are printed as written and left out."""
    from klyngedesk.core.render.wording import source_text

    base, result = packs["demo_en"]
    with Project.open(base / "c.klynge") as project:
        meeting = project.meeting("2026-12")
        typed = [meeting.title, meeting.place, *meeting.agenda, *meeting.questions, project.cluster().name,
                 *(s.name for s in meeting.speakers), *(s.organisation for s in meeting.speakers),
                 *(s.problem_statement for s in meeting.speakers), *(c.name for c in project.clinics())]
        typed += [source_text(s, "en") for t in meeting.topics for s in _strings(project.topic(t).package, "source")]
        typed += [source_text(r.source, "en") for r in project.references()]
        # the topics' own Danish names must not show through: measure titles, indicator titles, group names
        danish = [m.title for t in meeting.topics for m in project.topic(t).measures]
        danish += [i.title for t in meeting.topics for i in project.topic(t).indicators]
        danish += [i.group_key.capitalize() for t in meeting.topics for i in project.topic(t).indicators if i.group_key]
    typed = sorted({" ".join(t.split()) for t in typed if t}, key=len, reverse=True)
    found = []
    for path in [result.group, *result.personal.values(), result.key]:
        doc = pdfium.PdfDocument(str(path))
        for index in range(len(doc)):
            text = " ".join(doc[index].get_textpage().get_text_range().split())
            for t in typed:
                text = text.replace(t, " ")
            words = {w.strip(".,:;()–-·").casefold() for w in text.split()}
            found += [f"{path.name} p{index + 1}: {w!r}" for w in DANISH_WORDS if w in words]
            found += [f"{path.name} p{index + 1}: {m.group(0)!r} in …{text[max(0, m.start() - 30):m.end() + 10]}…"
                      for rx in DANISH_NUMBERS for m in rx.finditer(text)]
            found += [f"{path.name} p{index + 1}: {w!r}" for w in words if set(w) & set("æøå")]
            found += [f"{path.name} p{index + 1}: {d!r}" for d in danish if re.search(rf"\b{re.escape(d)}\b", text)]
        doc.close()
    assert not found, found[:30]
