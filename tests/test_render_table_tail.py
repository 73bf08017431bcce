"""A data table split over pages never leaves a stray row or two alone on its last page (the 25-clinic summary's
last indicator alone on page 3 read as forgotten): it carries rows over so that the last page holds more."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
from reportlab.platypus import Spacer

from klyngedesk.core.render.page_template import CONTENT_WIDTH, FRAME_HEIGHT, DocumentInfo, PackDocument
from klyngedesk.core.render.sections import TABLE_TAIL, data_table

ROWS = 24


def _table():
    return data_table(["Indikator", "Før", "Nu"], [[f"Række {i:02d}", "1,0", "2,0"] for i in range(ROWS)],
                      [CONTENT_WIDTH - 120, 60, 60])


def _rows_per_page(lead: float) -> list[int]:
    """How many of the table's rows each page prints, after `lead` points of other matter on the first page."""
    out = io.BytesIO()
    PackDocument(out, DocumentInfo("Test", "Fjordby Klynge · Test", "side", "af", "KlyngeDesk")).build_story(
        [Spacer(1, lead), _table()])
    pdf = pdfium.PdfDocument(out.getvalue())
    counts = [page.get_textpage().get_text_range().count("Række ") for page in pdf]
    pdf.close()
    return counts


@pytest.mark.parametrize("spill", [1, 2, 6])
def test_a_table_never_leaves_a_row_or_two_alone_on_its_last_page(spill: int) -> None:
    row = _table().wrap(CONTENT_WIDTH, FRAME_HEIGHT)[1] / (ROWS + 1)   # the header is a row too
    counts = _rows_per_page(FRAME_HEIGHT - (ROWS + 1 - spill) * row - 0.5 * row)
    assert sum(counts) == ROWS and len([c for c in counts if c]) == 2, counts
    assert (counts[-1] + 1) * row >= TABLE_TAIL * FRAME_HEIGHT - row, counts   # its header repeated over it
    assert counts[0] >= ROWS - spill - (TABLE_TAIL * FRAME_HEIGHT) / row - 1, counts   # no more carried than needed
