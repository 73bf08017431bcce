"""A4 page template: running header with "side N af M", metadata, outline entries, shared paragraph styles."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from klyngedesk import __version__
from klyngedesk.core.render.fonts import BOLD, ITALIC, REGULAR, SEMIBOLD, register_fonts
from klyngedesk.i18n import tr

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 20 * mm, 22 * mm, 18 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
FRAME_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
TEXT = HexColor("#1F2933")
MUTED = HexColor("#5B6770")
RULE = HexColor("#C9D2DB")
ACCENT = HexColor("#0072B2")
_TOTAL_FORM = "kdPageTotal"
HEADER_SIZE = 8.0
FOOTER_SIZE = 8.0   # print: no glyph under 8 pt (tests/test_pack_layout.py)
WARNING = HexColor("#D55E00")


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=13.5, textColor=TEXT, spaceAfter=4)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11.5, textColor=MUTED, spaceAfter=2),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=11.5, spaceAfter=0),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName=BOLD, fontSize=9, leading=11.5, spaceAfter=0),
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=24, leading=29, spaceAfter=8,
                                textColor=TEXT),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontName=REGULAR, fontSize=13, leading=18,
                                   textColor=MUTED, spaceAfter=14),
        "h1": ParagraphStyle("h1", parent=body, fontName=BOLD, fontSize=16, leading=20, spaceBefore=0,
                             spaceAfter=8, keepWithNext=True, textColor=ACCENT),
        "h2": ParagraphStyle("h2", parent=body, fontName=BOLD, fontSize=12.5, leading=16, spaceBefore=4,
                             spaceAfter=5, keepWithNext=True),
        "h3": ParagraphStyle("h3", parent=body, fontName=SEMIBOLD, fontSize=10, leading=13, spaceBefore=8,
                             spaceAfter=3, keepWithNext=True),
        "h3_tight": ParagraphStyle("h3_tight", parent=body, fontName=SEMIBOLD, fontSize=10, leading=12.5,
                                   spaceBefore=0, spaceAfter=2, keepWithNext=True),
        "label": ParagraphStyle("label", parent=body, fontName=SEMIBOLD, fontSize=8.5, leading=11, textColor=MUTED,
                                spaceAfter=1),
        "italic": ParagraphStyle("italic", parent=body, fontName=ITALIC),
        "banner": ParagraphStyle("banner", parent=body, fontName=BOLD, fontSize=13, leading=17,
                                 textColor=HexColor("#D55E00"), spaceAfter=10),
        "note": ParagraphStyle("note", parent=body, fontSize=9, leading=12.5, textColor=MUTED,
                               backColor=HexColor("#F4F6F8"), borderPadding=(6, 8, 6, 8), leftIndent=8, rightIndent=8, spaceBefore=4,
                               spaceAfter=8),
        "callout": ParagraphStyle("callout", parent=body, fontName=SEMIBOLD, fontSize=11.5, leading=16,
                                  backColor=HexColor("#FDF3E1"), borderColor=HexColor("#E69F00"), borderWidth=0.8,
                                  borderPadding=(7, 9, 7, 9), leftIndent=9, rightIndent=9, spaceBefore=6,
                                  spaceAfter=14),
    }


STYLES = _styles()


class OutlineEntry(Flowable):
    """An invisible flowable that becomes a PDF bookmark at the place it lands."""

    def __init__(self, title: str, level: int = 0) -> None:
        super().__init__()
        self.title, self.level = title, level
        self.width = self.height = 0

    def wrap(self, *_: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        key = f"kd{id(self)}"
        self.canv.bookmarkHorizontal(key, 0, 0)
        self.canv.addOutlineEntry(self.title, key, self.level, closed=self.level > 0)


def draw_footer(canv: Canvas, text: str) -> None:
    """The sealed sections' line at the foot of a page (e.g. whose personal material it is)."""
    canv.saveState()
    canv.setFont(BOLD, FOOTER_SIZE)
    canv.setFillColor(WARNING)
    canv.drawString(MARGIN_X, 9 * mm, text)
    canv.restoreState()


def blank_back(canv: Canvas, lang: str, footer: str = "") -> None:
    """An intentionally blank page (with `footer`), so a document fills whole sheets printed double-sided."""
    canv.setFont(REGULAR, 9)
    canv.setFillColor(MUTED)
    canv.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT / 2, tr("This page is intentionally blank.", lang))
    if footer:
        draw_footer(canv, footer)
    canv.showPage()


class _TotalCanvas(Canvas):
    """Writes the page total into a form XObject at the end, so "af M" is right in a single pass; with
    `whole_sheets`, an odd page count gets an intentionally blank back (not counted in "af M")."""

    def __init__(self, *args: object, whole_sheets: bool = False, footer: str = "", blank_lang: str = "da",
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.whole_sheets, self.footer, self.blank_lang = whole_sheets, footer, blank_lang
        self.pages = 0

    def save(self) -> None:
        total = self.pages = self.getPageNumber() - 1
        self.beginForm(_TOTAL_FORM)
        self.setFont(REGULAR, HEADER_SIZE)
        self.setFillColor(MUTED)
        self.drawString(0, 0, str(total))
        self.endForm()
        if self.whole_sheets and total % 2:
            blank_back(self, self.blank_lang, self.footer)
        super().save()


@dataclass(frozen=True)
class DocumentInfo:
    """What goes into the PDF's metadata and running header."""

    title: str
    header: str          # e.g. "Fjordby Klynge · Møde 3. december 2026"
    page_word: str       # "side"/"page"
    of_word: str         # "af"/"of"
    author: str
    subject: str = ""
    keywords: tuple[str, ...] = ()
    lang: str = "da"
    banner: str = ""     # repeated in the header in colour, e.g. the key's "FORTROLIGT"
    footer: str = ""     # at the foot of every page, e.g. "FORTROLIGT · personligt materiale kun til ..."
    whole_sheets: bool = False   # an odd page count gets an intentionally blank back (with the footer)


class PackDocument(BaseDocTemplate):
    """One handout: A4 portrait, one frame, header on every page, footer rule."""

    def __init__(self, target: str | Path | BinaryIO, info: DocumentInfo) -> None:
        register_fonts()
        super().__init__(
            target if isinstance(target, str | bytes) or hasattr(target, "write") else str(target),
            pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM, title=info.title, author=info.author, subject=info.subject,
            keywords=list(info.keywords), creator=f"KlyngeDesk {__version__}", lang=info.lang,
            producer=f"KlyngeDesk {__version__} (reportlab)", invariant=0, pageCompression=1)
        self.info = info
        frame = Frame(MARGIN_X, MARGIN_BOTTOM, CONTENT_WIDTH, FRAME_HEIGHT,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="content")
        self.addPageTemplates([PageTemplate("page", frames=[frame], onPage=self._decorate,
                                            onPageEnd=self._foot)])

    def _foot(self, canv: Canvas, _doc: BaseDocTemplate) -> None:
        if self.info.footer:   # drawn last on the page, over everything else
            draw_footer(canv, self.info.footer)

    def _decorate(self, canv: Canvas, _doc: BaseDocTemplate) -> None:
        canv.saveState()
        y = PAGE_HEIGHT - 12 * mm
        x = MARGIN_X
        if self.info.banner:
            canv.setFont(BOLD, HEADER_SIZE)
            canv.setFillColor(HexColor("#D55E00"))
            canv.drawString(x, y, self.info.banner)
            x += canv.stringWidth(self.info.banner, BOLD, HEADER_SIZE) + 8
        text = f"{self.info.header} · {self.info.page_word} {canv.getPageNumber()} {self.info.of_word} "
        canv.setFont(REGULAR, HEADER_SIZE)
        canv.setFillColor(MUTED)
        canv.drawString(x, y, text)
        canv.translate(x + canv.stringWidth(text, REGULAR, HEADER_SIZE), y)
        canv.doForm(_TOTAL_FORM)
        canv.restoreState()
        canv.saveState()
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, PAGE_HEIGHT - 14 * mm, PAGE_WIDTH - MARGIN_X, PAGE_HEIGHT - 14 * mm)
        canv.restoreState()

    def build_story(self, story: list[Flowable]) -> int:
        """Lay out and write the document; returns its page count (without a blank back added for whole
        sheets)."""
        self.build(story, canvasmaker=partial(_TotalCanvas, whole_sheets=self.info.whole_sheets,
                                              footer=self.info.footer, blank_lang=self.info.lang))
        return self.canv.pages
