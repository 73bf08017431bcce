"""Key figures beside their chart go on over a page rather than leave half a page blank: every figure once,
the before-and-now line with the change sentence that reads it, and the page it left well filled."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate, Spacer
from test_pack_layout import FRAME_TOP, content_bottom

from klyngedesk.core.render.continued import MIN_FACTS, FiguresBeside
from klyngedesk.core.render.indicator_pages import key_figures_table
from klyngedesk.core.render.leakscan import page_texts
from klyngedesk.core.render.page_template import FRAME_HEIGHT
from klyngedesk.i18n import tr
from tests.reference.make_pack_texts import demo_pack

MIN_LEFT_FILL = 0.60   # a page whose key figures go on over the next was full enough to leave
CASES = {"demo-da": (14, 2, "2026-12", "da"), "rounds-en": (7, 4, "2026-12", "en"),
         "small-da": (5, 3, "2026-12", "da")}
LABELS = ("Before and now", "Change", "Read with care", "Median")


@pytest.fixture(scope="module")
def packs(tmp_path_factory) -> dict[str, tuple[str, Path]]:
    out = {}
    for name, (clinics, periods, meeting, lang) in CASES.items():
        out[name] = (lang, demo_pack(tmp_path_factory.mktemp(name), clinics, periods, meeting, lang).group)
    return out


def _heading(lang: str) -> re.Pattern:
    """The key figures' own heading line (not the chart key's or the continued heading)."""
    return re.compile(rf"(?m)^{re.escape(tr('Key figures', lang))}$")


def _first_fact(lang: str) -> re.Pattern:
    """The key figures' first line, the cluster's value with its interval or a dash (not a chart key's)."""
    ci = re.escape(tr("95% CI", lang))
    return re.compile(rf"(?m)^{re.escape(tr('Cluster as a whole', lang))} (?:[^\n()]*\({ci}|– )")


def _continued(lang: str) -> re.Pattern:
    head = re.escape(tr("Key figures: {indicator}", lang, indicator="@")).replace("@", ".+?")
    return re.compile(rf"(?m)^{head} \({re.escape(tr('continued', lang))}\)$")


def _texts(path: Path) -> list[str]:
    return [page.replace("\r\n", "\n") for page in page_texts(path.read_bytes())]


def _count(label: str, text: str, lang: str) -> int:
    return len(re.findall(rf"(?m)^{re.escape(tr(label, lang))} ", text))


@pytest.mark.parametrize("case", list(CASES))
def test_each_key_figure_is_printed_once_whether_or_not_it_goes_on_over_a_page(packs, case) -> None:
    lang, path = packs[case]
    text = "\n".join(_texts(path))
    text = text[:text.index(tr("How to read the figures: methods", lang))]   # the indicators' pages only
    starts = [m.start() for m in _first_fact(lang).finditer(text)]
    assert starts, "no key figures found"
    for a, b in zip(starts, [*starts[1:], len(text)], strict=True):
        # one indicator's figures: from the first to the next indicator's first
        part = " ".join(text[a:b].split())   # a label beside its chart may wrap ('Læs med / forsigtighed')
        for label in ("Before and now", "Change", "Read with care"):
            assert part.count(f"{tr(label, lang)} ") <= 1, (label, part[:400])
        assert tr("Read with care", lang) in part, part[:600]   # every indicator's figures end with it


@pytest.mark.parametrize("case", list(CASES))
def test_before_and_now_stands_on_the_page_of_the_change_sentence(packs, case) -> None:
    lang, path = packs[case]
    for number, page in enumerate(_texts(path), start=1):
        if not (_heading(lang).search(page) or _continued(lang).search(page)):
            continue   # not an indicator's key figures (the methods page explains 'Change' too)
        assert _count("Before and now", page, lang) == _count("Change", page, lang), f"page {number}"


def test_the_demo_key_figures_go_on_over_a_page_and_the_page_they_leave_is_well_filled(packs) -> None:
    """The demo's ibuprofen and COPD figures do not fit beside their chart: they start there and go on."""
    went_on = 0
    for lang, path in packs.values():
        texts = _texts(path)
        doc = pdfium.PdfDocument(str(path))
        for index in range(1, len(texts)):
            if not _continued(lang).search(texts[index]):
                continue
            went_on += 1
            before = texts[index - 1]
            assert _heading(lang).search(before), f"page {index + 1} goes on from a page without key figures"
            fill = (FRAME_TOP - content_bottom(doc[index - 1])) / FRAME_HEIGHT
            assert fill >= MIN_LEFT_FILL, f"page {index}: {fill:.0%} full when its key figures went on"
            assert _count("Before and now", texts[index], lang) + _count("Before and now", before, lang) <= 1
        doc.close()
    assert went_on >= 2


def _facts(n: int) -> list[list[tuple[str, str]]]:
    return [[(f"Label {i}", f"value {i} " + "word " * 30)] for i in range(n)]


def _drawn_text(flowables, tmp_path: Path) -> str:
    path = tmp_path / "t.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build(list(flowables))   # build() empties the list it gets
    return "\n".join(page_texts(path.read_bytes())).replace("\r\n", "\n")


def test_a_split_keeps_every_figure_once_and_never_leaves_too_few_on_either_side(tmp_path) -> None:
    row = FiguresBeside(Spacer(200, 200), "Key figures", _facts(12), key_figures_table, "Key figures: X (continued)")
    width, height = row.wrap(460, 2000)
    parts = row.split(460, height * 0.7)
    assert len(parts) == 2
    text = _drawn_text(parts, tmp_path)
    for i in range(12):
        assert len(re.findall(rf"(?m)^Label {i} ", text)) == 1, i
    kept = len(re.findall(r"(?m)^Label \d+ ", _drawn_text([parts[0]], tmp_path)))
    assert MIN_FACTS <= kept <= 12 - MIN_FACTS
    assert "Key figures: X (continued)" in text
    # too little room for the chart and its first figures, or too few figures to part: the row moves whole
    assert row.split(460, 150) == []
    assert FiguresBeside(Spacer(200, 10), "Key figures", _facts(5), key_figures_table, "X").split(460, 100) == []
