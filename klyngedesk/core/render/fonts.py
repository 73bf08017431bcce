"""Registers the embedded Open Sans font family with reportlab (once per process)."""

from __future__ import annotations

from functools import cache, lru_cache

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from klyngedesk.resources import resource_path

REGULAR, SEMIBOLD, BOLD, ITALIC = "KD-Regular", "KD-Semibold", "KD-Bold", "KD-Italic"
_FILES = {REGULAR: "OpenSans-Regular.ttf", SEMIBOLD: "OpenSans-Semibold.ttf", BOLD: "OpenSans-Bold.ttf",
          ITALIC: "OpenSans-Italic.ttf"}


@cache
def register_fonts() -> str:
    """Register the pack's fonts (embedded as subsets in every PDF) and return the family name."""
    for name, file in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file))))
    family = "KD"
    addMapping(family, 0, 0, REGULAR)
    addMapping(family, 1, 0, BOLD)
    addMapping(family, 0, 1, ITALIC)
    addMapping(family, 1, 1, BOLD)
    for name in (REGULAR, BOLD, ITALIC, SEMIBOLD):  # <b>/<i> inside paragraphs set in any face
        addMapping(name, 0, 0, REGULAR if name != SEMIBOLD else SEMIBOLD)
        addMapping(name, 1, 0, BOLD)
        addMapping(name, 0, 1, ITALIC)
        addMapping(name, 1, 1, BOLD)
    return family


@lru_cache(maxsize=65536)
def text_width(text: str, font: str, size: float) -> float:
    """Width in points (cached: charts measure the same labels again and again)."""
    register_fonts()
    return pdfmetrics.stringWidth(text, font, size)
