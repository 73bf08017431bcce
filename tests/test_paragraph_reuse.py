"""Paragraphs of the same text share their parsed markup (parsed once per pack): each still breaks its own
lines at its own width, and one wrapped narrow leaves another of the same text as it was."""

from __future__ import annotations

import io

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from klyngedesk.core.render.page_template import STYLES
from klyngedesk.core.render.sections import p, rich

TEXT = "Andel KOL-patienter med LFU inden for 12 måneder & deres 95 % KI"


def lines(para: Paragraph, width: float) -> list[str]:
    para.wrapOn(Canvas(io.BytesIO()), width, 1000)
    return [" ".join(w if isinstance(w, str) else w.text for w in line[1]) if isinstance(line, tuple)
            else "".join(getattr(f, "text", "") for f in line.words) for line in para.blPara.lines]


def test_paragraphs_of_one_text_break_at_their_own_widths() -> None:
    wide, narrow, again = p(TEXT, "cell"), p(TEXT, "cell"), p(TEXT, "cell")
    fresh = Paragraph(TEXT.replace("&", "&amp;").replace(" %", "\u00a0%"), STYLES["cell"])
    assert lines(wide, 400) == lines(fresh, 400) and len(lines(wide, 400)) == 1
    assert lines(narrow, 60) == lines(fresh, 60) and len(lines(narrow, 60)) > 3
    assert lines(wide, 400) == lines(Paragraph(fresh.text, STYLES["cell"]), 400)   # the narrow one left it alone
    assert again.wrap(60, 1000) == narrow.wrap(60, 1000)
    assert again.wrap(400, 1000)[1] < narrow.wrap(60, 1000)[1]   # rewrapped at another width: broken again


def test_markup_is_kept_per_paragraph() -> None:
    bold = rich("<b>Jeres tal:</b> 12,5", "cell")
    plain = p("<b>Jeres tal:</b> 12,5", "cell")      # typed text: printed as written, not as markup
    assert [f.fontName for f in bold.frags][0] != [f.fontName for f in plain.frags][0]
    assert "<b>" in "".join(f.text for f in plain.frags)
