"""The leak check on finished PDFs: every page's extracted text and the file's metadata and bookmarks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pypdfium2

from klyngedesk.core.anonymise.leak import IdentityLeak, LeakChecker, leak_kinds


@dataclass(frozen=True)
class Section:
    """Pages of a PDF (0-based, end exclusive) read by one audience: `checker` says who may be named there."""

    document: str          # the document as the user knows it, e.g. "Fællesmateriale" or "Personligt materiale"
    checker: LeakChecker
    start: int = 0
    end: int | None = None


def page_texts(data: bytes, known: Mapping[int, str] | None = None) -> list[str]:
    """The text of every page as a PDF text extractor (pdfium) reads it. `known`: pages (by index) whose text
    was read before from the file they were copied from: taken from there, not read again."""
    return _read(data, known or {}, info=False)[0]


def info_texts(data: bytes) -> list[str]:
    """What a viewer shows besides the pages: title, subject, keywords, author and every bookmark."""
    return _read(data, {}, pages=False)[1]


def _read(data: bytes, known: Mapping[int, str], pages: bool = True, info: bool = True
          ) -> tuple[list[str], list[str]]:
    """The file opened once: the pages' texts and the file's metadata and bookmarks."""
    document = pypdfium2.PdfDocument(data)
    try:
        texts = []
        for index in range(len(document)) if pages else ():
            if index in known:
                texts.append(known[index])
                continue
            page = document[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        about = [str(v) for v in document.get_metadata_dict(skip_empty=True).values()] if info else []
        about += [bookmark.get_title() for bookmark in document.get_toc()] if info else []
        return texts, about
    finally:
        document.close()


def scan_pdf(data: bytes, sections: Sequence[Section], info: Section | None = None,
             known: Mapping[int, str] | None = None, checked: Mapping[int, LeakChecker] | None = None) -> list[str]:
    """Raise IdentityLeak naming the document, the page and the kind of identity at the first page (or the
    file's metadata/bookmarks, checked with `info`) where an identity may not be; nothing is echoed. Every
    page of every section is checked; `known` (see `page_texts`) spares reading a copied page again, and
    `checked` checking it again: a known page's text found clean by that very checker in the file it was
    copied from (the same text and the same checker find the same). Returns the pages' texts (for a file
    that copies these pages)."""
    pages, about = _read(data, known or {}, info=info is not None)
    checked = checked or {}
    for section in sections:
        end = len(pages) if section.end is None else section.end
        for index in range(section.start, end):
            if index in checked and checked[index] is section.checker and known and index in known:
                continue
            leaks = section.checker.find(pages[index])
            if any(leak.kind == "cpr" for leak in leaks):
                raise IdentityLeak("A CPR number in {document}, page {page}: no material may print a person's CPR "
                                   "number. The pack was not written: take the number out of the text (a note, "
                                   "agenda item, question or action) and print again.",
                                   leaks=leaks, document=section.document, page=index - section.start + 1)
            if leaks:
                raise IdentityLeak("Identity leak in {document}, page {page}: it contains {kinds} of a clinic that "
                                   "may not be named there. The pack was not written: change the text (a note, "
                                   "agenda item, question, action or the clinic's details) and print again.",
                                   leaks=leaks, document=section.document, page=index - section.start + 1,
                                   kinds=leak_kinds(leaks))
    if info is not None:
        leaks = [leak for text in about for leak in info.checker.find(text)]
        if any(leak.kind == "cpr" for leak in leaks):
            raise IdentityLeak("A CPR number in {document}: its title, bookmarks or file properties hold a person's "
                               "CPR number. The pack was not written.", leaks=leaks, document=info.document)
        if leaks:
            raise IdentityLeak("Identity leak in {document}: its title, bookmarks or file properties contain "
                               "{kinds} of a clinic that may not be named there. The pack was not written.",
                               leaks=leaks, document=info.document, kinds=leak_kinds(leaks))
    return pages


def scan_document(data: bytes, checker: LeakChecker, document: str) -> list[str]:
    """Every page and the metadata of one PDF, read by one audience; returns the pages' texts."""
    section = Section(document, checker)
    return scan_pdf(data, [section], section)
