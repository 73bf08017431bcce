"""The pack's tables as a reader sees them: a column heading breaks only between words (never "Klynge" / "ns
median"), every column is as wide as its widest unbreakable text, and a long table goes on over pages."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.platypus import Paragraph, Table

from klyngedesk.core.render.page_template import CONTENT_WIDTH
from klyngedesk.core.render.sections import data_table
from klyngedesk.core.render.summary_page import group_header, personal_header

WORDS = ["Klyngens", "median", "Jeres", "værdi", "(95 %-KI)", "Placering", "(1 = bedst)", "Grænser", "(99,8 %)",
         "Ændring", "Mål,", "reference", "Spredning", "Indikator", "Bedre", "Your", "value", "Cluster", "Place",
         "limits", "Denominator", "Listestørrelse", "laveste–højeste"]


def header_lines(table: Table) -> list[list[list[str]]]:
    """Each header cell's lines after the table is laid out, each line as its words."""
    table.wrap(CONTENT_WIDTH, 2000)
    out = []
    for cell, width in zip(table._cellvalues[0], table._colWidths, strict=True):
        cell = cell[0] if isinstance(cell, list | tuple) else cell
        assert isinstance(cell, Paragraph)
        cell.wrap(width - 8, 2000)
        out.append([list(words) for _, words in cell.blPara.lines])
    return out


def whole_words(header: list[str], table: Table) -> list[str]:
    """The header words that were broken inside (printed as pieces on two lines)."""
    broken = []
    for text, lines in zip(header, header_lines(table), strict=True):
        printed = [w for line in lines for w in line]
        wanted = [w for w in re.split(r"\s+", text.replace("\u00a0", " ")) if w]
        if printed != wanted and " ".join(printed).replace("\u00a0", " ") != " ".join(wanted):
            broken.append(f"{text!r} -> {lines}")
    return broken


def test_the_summary_headings_break_only_between_words() -> None:
    for lang in ("da", "en"):
        for header, widths in (group_header(lang), personal_header(lang)):
            rows = [["Morfinbrugere pr. 1.000 patienter", "", "12,5", "3 af 14", "−8 % (−42 % til +45 %)", "–",
                     "inden for"][:len(header)]]
            table = data_table(header, rows, widths, align_right_from=2, wrap_cols=(0, 4))
            assert not whole_words(header, table), (lang, whole_words(header, table))
            assert abs(sum(table._colWidths) - sum(widths)) < 0.01      # the table keeps its width


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3), min_size=3, max_size=7),
       st.integers(0, 2**16))
def test_any_heading_breaks_only_between_words_and_cells_fit(headings: list[list[str]], seed: int) -> None:
    header = [" ".join(words) for words in headings]
    n = len(header)
    widths = [CONTENT_WIDTH / n * (0.4 + ((seed >> k) % 5) / 5) for k in range(n)]   # uneven, some too narrow
    widths[0] += CONTENT_WIDTH - sum(widths)
    rows = [["Tramadolbrugere pr. 1.000 patienter", *["2.000–3.999"] * (n - 1)]]
    table = data_table(header, rows, widths, wrap_cols=(0,))
    assert not whole_words(header, table)
    for j, width in enumerate(table._colWidths[1:], start=1):   # plain cells print on one line inside their column
        from klyngedesk.core.render.fonts import text_width
        assert text_width("2.000–3.999", "KD-Regular", 9) + 8 <= width + 0.01, (j, width)


def test_a_400_clinic_key_goes_on_over_pages_with_its_headings(tmp_path) -> None:
    """The coordinator's key of a 400-clinic cluster: every code once, on pages that each repeat the heading
    ("Koder og praksisser (fortsat)") and the column headings, laid out as the layout check demands."""
    from datetime import date

    import pypdfium2 as pdfium
    from test_pack_layout import Report, check_pdf, lines

    from klyngedesk.core.anonymise.codes import code_label
    from klyngedesk.core.model import Meeting
    from klyngedesk.core.render.key_document import KeyMaterial, KeyRow, key_pdf

    codes = [code_label(i) for i in range(400)]
    rows = tuple(KeyRow(code, f"Lægehuset Nummer {i}", f"{100000 + i}", i % 7 == 0) for i, code in enumerate(codes))
    meeting = Meeting("2026-12", date(2026, 12, 3), "Opfølgning")
    path = tmp_path / "key.pdf"
    path.write_bytes(key_pdf(KeyMaterial(rows, "2026-11-01T10:00:00", "letters", "2026-11-20T09:00:00"), meeting,
                             "Fjordby Klynge", "da"))
    report = Report()
    check_pdf(path, "da", report)
    assert report.pages > 5 and not report.overlaps and not report.small and not report.outside, report
    assert not report.empty, report.empty
    doc = pdfium.PdfDocument(str(path))
    seen: dict[str, int] = {}
    for index in range(len(doc)):
        texts = [" ".join(w.text for w in line) for line in lines(doc[index])]
        if index:
            assert "Koder og praksisser (fortsat)" in texts, (index + 1, texts[:4])
            assert any(t.startswith("Kode Praksis") for t in texts), index + 1
        for t in texts:
            first = t.split(" ")[0]
            if first in set(codes) and "Lægehuset" in t:
                seen[first] = seen.get(first, 0) + 1
    doc.close()
    assert seen == dict.fromkeys(codes, 1)
