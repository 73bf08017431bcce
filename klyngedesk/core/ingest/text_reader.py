"""CSV and text files: encoding (BOM, UTF-8, UTF-16, cp1252 or a DOS code page), delimiter, line endings."""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections import Counter
from dataclasses import dataclass

from klyngedesk.core.ingest.problems import Count, FileRefused

DELIMITERS = (";", "\t", ",", "|")
SNIFF_RECORDS = 60
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CONTROL = set(range(0, 9)) | {11, 12} | set(range(14, 32))


@dataclass
class TextGrid:
    rows: list[list[str]]
    encoding: str
    delimiter: str | None
    had_nul: bool


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding used: a BOM wins, then strict UTF-8, then the most plausible single-byte page."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                raise FileRefused("The file says it is {encoding} text but is not; it may be damaged.",
                                  kind="corrupt", encoding=name) from None
    if _looks_utf16_without_bom(data):
        for name in ("utf-16-le", "utf-16-be"):
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                continue
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _best_single_byte(data)


# Single-byte code pages a Danish file may be written in: Windows, then the DOS pages Danish EHRs still
# write (865 Nordic, 850 Western, 437 US), then latin-1, which decodes anything.
SINGLE_BYTE = ("cp1252", "cp865", "cp850", "cp437", "latin-1")
_DANISH = set("æøåÆØÅ")
_WESTERN = set("éèêëáàâäíìîïóòôöúùûüýÿçñÉÈÊÁÀÂÄÍÓÖÔÚÜÇÑß")
SCORE_SAMPLE = 200_000


def plausibility(text: str) -> int:
    """How much a decoding reads like Danish/Western text: æøå count for it, control characters and symbols
    wedged between letters (K›benhavn, L‘gehus) against it."""
    score = 0
    for i, ch in enumerate(text):
        if ch < "\x80":
            continue
        if ch in _DANISH:
            score += 2
        elif ch in _WESTERN:
            score += 1
        elif unicodedata.category(ch) in ("Cc", "Cn", "Co") or ch == "\ufffd":
            score -= 5
        elif not ch.isalpha() and 0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha():
            score -= 3
        elif ch.isalpha():
            score -= 1  # a letter no Danish text uses (ƒ, Š, Ω): likely the wrong page
    return score


def _best_single_byte(data: bytes) -> tuple[str, str]:
    """The most plausible single-byte decoding (ties keep the order of SINGLE_BYTE)."""
    sample = data[:SCORE_SAMPLE]
    best: tuple[int, str] | None = None
    for name in SINGLE_BYTE:
        try:
            score = plausibility(sample.decode(name))
        except UnicodeDecodeError:
            continue
        if best is None or score > best[0]:
            best = (score, name)
    name = best[1] if best else "latin-1"
    return data.decode(name), name


def _looks_utf16_without_bom(data: bytes) -> bool:
    sample = data[:4000]
    return len(sample) >= 8 and sample[1::2].count(0) > 0.4 * len(sample) / 2 or \
        len(sample) >= 8 and sample[0::2].count(0) > 0.4 * len(sample) / 2


def _check_binary(text: str) -> bool:
    """Refuse binary content; a stray NUL in otherwise normal text is only reported."""
    sample = text[:8000]
    controls = sum(1 for ch in sample if ord(ch) in _CONTROL)
    nuls = sample.count("\x00")
    if sample and (nuls > 0.1 * len(sample) or controls - nuls > 0.05 * len(sample)):
        raise FileRefused("The file is not a spreadsheet or a text file (its content does not match {ext}).",
                          kind="mismatch", ext="csv")
    return nuls > 0


def _records(text: str, delimiter: str, limit: int | None = None) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', skipinitialspace=False,
                        strict=False)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if limit is not None and len(rows) >= limit:
                break
    except csv.Error as exc:
        if limit is None and "field limit" in str(exc):  # a cell of 128 KB or more: not a quote left open
            raise FileRefused("Row {row} of the text file holds a cell of more than {limit} characters; no cell of a "
                              "clinic's table is that long. Check that the file is the table you meant to import.",
                              kind="size", row=len(rows) + 1, limit=Count(csv.field_size_limit())) from None
        if limit is None:
            raise FileRefused("The text file cannot be split into columns (a quote is never closed).",
                              kind="corrupt") from None
    return rows


def sniff_delimiter(text: str) -> str | None:
    """The delimiter that gives the most rows with the same plural number of columns.

    Title, unit and note lines (one field whatever the delimiter) are not counted, so a title with a
    comma above a ';' table does not make ',' the delimiter.
    """
    best: tuple[int, float, int, int] | None = None
    chosen: str | None = None
    for rank, delimiter in enumerate(DELIMITERS):
        if delimiter not in text[:20000]:
            continue
        rows = [r for r in _records(text, delimiter, SNIFF_RECORDS) if any(c.strip() for c in r)]
        multi = [len(r) for r in rows if len(r) >= 2]
        if not multi:
            continue
        width, count = Counter(multi).most_common(1)[0]
        score = (count, count / len(multi), width, -rank)
        if best is None or score > best:
            best, chosen = score, delimiter
    return chosen


def read_text(data: bytes) -> TextGrid:
    """Decode and split a text file into rows of strings."""
    text, encoding = decode(data)
    had_nul = _check_binary(text)
    if had_nul:
        text = text.replace("\x00", "")
    if "\ufeff" in text:  # a BOM inside the text: two exports joined into one file; never part of a cell
        text = text.replace("\ufeff", "")
    if not text.strip():
        raise FileRefused("The file is empty.", kind="empty")
    delimiter = sniff_delimiter(text)
    rows = _records(text, delimiter or ",") if delimiter else [[line] for line in text.splitlines()]
    return TextGrid(rows, encoding, delimiter, had_nul)
