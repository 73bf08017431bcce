"""The leak check on finished PDFs: every page's extracted text and the file's metadata and bookmarks."""

from __future__ import annotations

from collections.abc import Sequence
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


def page_texts(data: bytes) -> list[str]:
    """The text of every page as a PDF text extractor (pdfium) reads it."""
    document = pypdfium2.PdfDocument(data)
    try:
        texts = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()


def info_texts(data: bytes) -> list[str]:
    """What a viewer shows besides the pages: title, subject, keywords, author and every bookmark."""
    document = pypdfium2.PdfDocument(data)
    try:
        texts = [str(v) for v in document.get_metadata_dict(skip_empty=True).values()]
        texts += [bookmark.get_title() for bookmark in document.get_toc()]
        return texts
    finally:
        document.close()


def scan_pdf(data: bytes, sections: Sequence[Section], info: Section | None = None) -> None:
    """Raise IdentityLeak naming the document, the page and the kind of identity at the first page (or the
    file's metadata/bookmarks, checked with `info`) where an identity may not be; nothing is echoed."""
    pages = page_texts(data)
    for section in sections:
        end = len(pages) if section.end is None else section.end
        for index in range(section.start, end):
            leaks = section.checker.find(pages[index])
            if leaks:
                raise IdentityLeak("Identity leak in {document}, page {page}: it contains {kinds} of a clinic that "
                                   "may not be named there. The pack was not written: change the text (a note, "
                                   "agenda item, question, action or the clinic's details) and print again.",
                                   leaks=leaks, document=section.document, page=index - section.start + 1,
                                   kinds=leak_kinds(leaks))
    if info is not None:
        leaks = [leak for text in info_texts(data) for leak in info.checker.find(text)]
        if leaks:
            raise IdentityLeak("Identity leak in {document}: its title, bookmarks or file properties contain "
                               "{kinds} of a clinic that may not be named there. The pack was not written.",
                               leaks=leaks, document=info.document, kinds=leak_kinds(leaks))


def scan_document(data: bytes, checker: LeakChecker, document: str) -> None:
    """Every page and the metadata of one PDF, read by one audience."""
    section = Section(document, checker)
    scan_pdf(data, [section], section)
