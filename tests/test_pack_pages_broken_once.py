"""Paragraphs broken into lines once for every handout that prints them (sections._Paragraph.breakLines): a
handout whose paragraphs were broken before, for another clinic, prints the same pages as one made first."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from klyngedesk.core.render import sections
from klyngedesk.core.render.leakscan import page_texts
from klyngedesk.core.render.page_template import DocumentInfo, PackDocument
from klyngedesk.core.render.sections import bullets, p, rich

LONG = ("Morfin er førstevalg, når et opioid er nødvendigt, men langvarig opioidbehandling af ikke-kræftrelaterede "
        "smerter giver sjældent varig effekt og risiko for afhængighed, fald og obstipation. ") * 40


def _story(code: str) -> list:
    """What two clinics' handouts share (a paragraph long enough to split over pages, marked-up and bulleted
    text, a word longer than its line) and what only one prints (its code)."""
    return [p(f"Jeres praksis har kode {code}", "callout"), p(LONG), rich("<b>Tæller</b> Brugere af morfin " * 30),
            bullets(["Hvordan vælger vi mellem morfin og tramadol hos ældre patienter?" * 3, "Hvem følger op?"]),
            p("Lægefællesskabet" * 12, "cell"), p(LONG, "small")]


def _pdf(code: str) -> bytes:
    buffer = io.BytesIO()
    info = DocumentInfo(title="t", header="Fjordby Klynge", page_word="side", of_word="af", author="Fjordby")
    PackDocument(buffer, info).build_story(_story(code))
    return buffer.getvalue()


def _pixels(pdf: bytes, folder: Path) -> list[str]:
    folder.mkdir()
    (folder / "f.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(folder / "f.pdf"), str(folder / "p")], check=True)
    return [hashlib.sha256(png.read_bytes()).hexdigest() for png in sorted(folder.glob("p-*.png"))]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) rasterises the pages")
def test_a_handout_whose_paragraphs_were_broken_before_prints_the_same_pages(tmp_path: Path) -> None:
    sections._BROKEN.clear()
    first = _pdf("A")
    assert sections._BROKEN, "no paragraph's lines were kept for the next handout"
    again, other = _pdf("A"), _pdf("B")   # every shared paragraph's lines from the first handout
    sections._BROKEN.clear()
    fresh = _pdf("B")                       # ... and broken afresh
    assert page_texts(again) == page_texts(first)
    assert page_texts(other) == page_texts(fresh)
    assert len(page_texts(first)) >= 3   # the long paragraphs split over pages
    assert _pixels(again, tmp_path / "again") == _pixels(first, tmp_path / "first")   # pixel for pixel
    assert _pixels(other, tmp_path / "other") == _pixels(fresh, tmp_path / "fresh")
