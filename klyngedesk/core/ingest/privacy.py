"""Patient data never gets in: one CPR number anywhere in a file refuses it (never echoed); patient tables too."""

from __future__ import annotations

import html
import io
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import IO

from klyngedesk.core.cpr import cpr_in_text, cpr_in_value, redact
from klyngedesk.core.ingest.limits import holds
from klyngedesk.core.ingest.problems import FileRefused
from klyngedesk.core.ingest.tables import Table, col_letter, is_empty
from klyngedesk.i18n import tr

__all__ = ["CprRefused", "redact", "refuse_cpr_in_grid", "refuse_cpr_in_name", "refuse_cpr_in_package",
           "refuse_cpr_in_sheet_names", "refuse_patient_data"]

_CPR_HEADER = re.compile(r"\b(cpr|cpr-?nr|cpr-?nummer|personnummer|person-?nr|personnr)\b", re.I)
_PATIENT_HEADER = re.compile(r"^(patient|patientnavn|patient navn|patient-?id|pt\.?|pt-?nr|fødselsdato|"
                             r"foedselsdato|født|birth ?date|date of birth|dob|patientens navn|borger|"
                             r"borgernavn|nhs number|navn på patient)$", re.I)
_CPR_MESSAGE = ("The file contains a CPR number ({where}). Patient data cannot be imported: nothing from the file "
                "was stored. Remove the CPR numbers, or ask the clinic for the aggregated numbers only.")
_CPR_MESSAGE_MANY = ("The file contains CPR numbers ({where}, and {more} more places). Patient data cannot be "
                     "imported: nothing from the file was stored. Remove the CPR numbers, or ask the clinic for "
                     "the aggregated numbers only.")


@dataclass(frozen=True)
class CprPlace:
    """Where a CPR number was found, never what it was."""

    kind: str  # "cell" | "file name" | "sheet name" | "part"
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    sheet_number: int | None = None
    part: str | None = None

    def text(self, lang: str | None = None) -> str:
        if self.kind == "file name":
            return tr("in the file name", lang)
        if self.kind == "sheet name":
            return tr("in the name of sheet {n}", lang, n=self.sheet_number)
        if self.kind == "part":
            return _part_text(self.part or "", lang)
        parts = []
        if self.sheet is not None:
            parts.append(tr("sheet {sheet}", lang, sheet=redact(self.sheet)))
        if self.row is not None:
            parts.append(tr("row {row}", lang, row=self.row))
        if self.column is not None:
            parts.append(tr("column {column}", lang, column=self.column))
        return ", ".join(parts)


class CprRefused(FileRefused):
    """The file carries a CPR number; the message says where (and how many places), never the number."""

    def __init__(self, place: CprPlace, count: int = 1) -> None:
        super().__init__(_CPR_MESSAGE, kind="cpr")
        self.place, self.count = place, count

    def message(self, lang: str | None = None) -> str:
        where = self.place.text(lang)
        if self.count > 1:
            from klyngedesk.core.formatting import format_number

            return tr(_CPR_MESSAGE_MANY, lang, where=where, more=format_number(self.count - 1, 0, lang or "da"))
        return tr(_CPR_MESSAGE, lang, where=where)


def _part_text(part: str, lang: str | None) -> str:
    name = part.lower()
    if name.startswith("docprops/") or name in ("meta.xml", "\x05summaryinformation"):
        return tr("in the document properties (author, title, keywords ...)", lang)
    if "comment" in name or "persons/" in name or "vmldrawing" in name:
        return tr("in a comment or note", lang)
    if "drawings/" in name or "charts/" in name:
        return tr("in a text box, drawing or chart", lang)
    if name.startswith("xl/worksheets/") or name == "styles.xml":
        return tr("in a sheet's header, footer, validation or link text", lang)
    if name == "content.xml":
        return tr("in a comment, note or text box", lang)
    if name == "xl/sharedstrings.xml":
        return tr("in text kept in the workbook outside the cells", lang)
    if name == "raw":
        return tr("in the file's properties, comments or other text outside the cells", lang)
    return tr("in the file's internal part {part}", lang, part=redact(part))


# --- where to look -----------------------------------------------------------------------------------------
def refuse_cpr_in_name(path: Path) -> None:
    if cpr_in_text(path.name, whole_nine=False) or cpr_in_text(path.stem):
        raise CprRefused(CprPlace("file name"))


def refuse_cpr_in_sheet_names(names: Iterable[str]) -> None:
    hits = [i for i, name in enumerate(names, 1) if cpr_in_text(name)]
    if hits:
        raise CprRefused(CprPlace("sheet name", sheet_number=hits[0]), len(hits))


def refuse_cpr_in_grid(grids: Iterable[tuple[str | None, list[list]]]) -> None:
    """Every cell of every grid (hidden sheets too), whatever its type; the first hit names the place.

    Each distinct cell value of a grid is judged once (a region's sheet repeats its clinics, measures and
    periods on every row); only a grid holding a CPR number is walked cell by cell, to name the place."""
    first: CprPlace | None = None
    count = 0
    judged: dict[str, bool] = {}  # the same texts repeat down a column: judge each once
    for sheet, rows in grids:
        try:
            distinct = set(chain.from_iterable(rows))
        except TypeError:  # an unhashable cell (never from the readers): walk the cells
            distinct = None
        if distinct is not None and not any(_cpr_cell(v, judged) for v in distinct):
            continue
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if _cpr_cell(value, judged):
                    count += 1
                    if first is None:
                        first = CprPlace("cell", sheet, r + 1, col_letter(c))
    if first is not None:
        raise CprRefused(first, count)


def _cpr_cell(value, judged: dict[str, bool]) -> bool:
    """Whether one cell value holds a CPR number (texts judged once, numbers only in the ten-digit range)."""
    kind = value.__class__
    if kind is str:
        if len(value) < 9:
            return False
        found = judged.get(value)
        if found is None:
            found = judged[value] = cpr_in_text(value)
        return found
    if kind is float:
        return 1e8 <= abs(value) < 1e10 and cpr_in_value(value)
    return value is not None and cpr_in_value(value)


# --- what the cells do not show: comments, properties, headers, text boxes -------------------------------
_D = rb"(?:[0-9]|\xef\xbc[\x90-\x99]|&#(?:4[89]|5[0-7]);|&#[xX]3[0-9];)"
_S = (rb"(?:[ \t/\-]|\xc2[\xa0\xad]|\xe2\x80[\x80-\x95\xaf]|\xe2\x81[\x9f\xa0-\xa4]|\xe2\x88\x92|\xef\xbb\xbf|"
      rb"\xef\xb9[\x98\xa3]|\xef\xbc\x8d|\xe3\x80\x80|\xe1\xa0\x8e|\xe1\x9a\x80|\xcd\x8f|"
      rb"&#[0-9]{1,7};|&#[xX][0-9a-fA-F]{1,6};|&[a-zA-Z]{2,8};)")
# Tried only where a run of digits starts: a match from inside a run is the tail of one from its start (which
# is tried first), so the matches are the same; a text of many short digit runs is not tried at every digit.
_CANDIDATE = re.compile(rb"(?<![0-9])" + _D + rb"(?:" + _S + rb"{0,6}" + _D + rb"){8,}")
_BOUNDARY = re.compile(rb"[<>\"']")
_CHUNK = 1 << 20
_CARRY = 2048
_WINDOW = 96


def _hits_in_bytes(stream: io.BufferedIOBase | IO[bytes] | _OutsideCells, decode: str = "utf-8") -> tuple[int, int]:
    """(hits, first offset) of CPR numbers in text nodes and attribute values of an XML (or text) stream."""
    hits, first, seen_until = 0, -1, -1
    offset = 0  # absolute offset of buf[0]
    buf = b""
    while True:
        chunk = stream.read(_CHUNK)
        buf += chunk
        for m in _CANDIDATE.finditer(buf):
            at = offset + m.start()
            if at <= seen_until:
                continue
            lo = max(m.start() - _WINDOW, 0)
            hi = min(m.end() + _WINDOW, len(buf))
            left = buf.rfind(b">", lo, m.start()), buf.rfind(b"<", lo, m.start()), buf.rfind(b'"', lo, m.start())
            start = max(max(left) + 1, lo)
            stop = _BOUNDARY.search(buf, m.end(), hi)
            segment = html.unescape(buf[start:stop.start() if stop else hi].decode(decode, "replace"))
            if cpr_in_text(segment, whole_nine=False):
                hits += 1
                first = at if first < 0 else first
                seen_until = offset + m.end()
        if not chunk:
            return hits, first
        keep = min(_CARRY, len(buf))
        offset += len(buf) - keep
        buf = buf[-keep:] if keep else b""


class _OutsideCells:
    """A worksheet part without its cells' values (already scanned as values): its formulas, headers,
    footers, validation and link texts. Reads like a file."""

    _START, _END = b"<sheetData", b"</sheetData>"
    _FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f\b[^>]*>([^<]*)</(?:[A-Za-z_][\w.-]*:)?f>")

    @classmethod
    def _formulas(cls, cells: bytes, out: bytearray) -> None:
        if b"<f" in cells or b":f" in cells:
            for text in cls._FORMULA.findall(cells):
                out += b">" + text + b"<"

    def __init__(self, stream) -> None:
        self.stream, self.inside, self.tail = stream, False, b""

    def read(self, size: int) -> bytes:
        while True:
            chunk = self.stream.read(size)
            if not chunk:
                rest, self.tail = (b"" if self.inside else self.tail), b""
                return rest
            buf, out = self.tail + chunk, bytearray()
            keep = len(self._END)
            while True:
                if self.inside:
                    at = buf.find(self._END)
                    if at < 0:
                        last_open = buf.rfind(b"<f")
                        cut = last_open if last_open >= 0 and buf.find(b"</f>", last_open) < 0 else buf.rfind(b"<")
                        if cut < 0 or len(buf) - cut > 1 << 16:
                            cut = max(len(buf) - keep, 0)
                        self._formulas(buf[:cut], out)
                        buf = buf[cut:]
                        break
                    self._formulas(buf[:at], out)
                    buf, self.inside = buf[at + len(self._END):], False
                else:
                    at = buf.find(self._START)
                    if at < 0:
                        out += buf[:-keep] if len(buf) > keep else b""
                        buf = buf[-keep:]
                        break
                    out += buf[:at]
                    buf, self.inside = buf[at + len(self._START):], True
            self.tail = buf
            if out:
                return bytes(out)


def outside_cells(xml: bytes) -> bytes:
    """What `_OutsideCells` reads from a worksheet part held in memory, in a few searches over it (no pieces
    copied): the part without its sheetData, plus the formulas inside it."""
    start, end = _OutsideCells._START, _OutsideCells._END
    out = bytearray()
    pos = 0
    while True:
        at = xml.find(start, pos)
        if at < 0:
            out += xml[pos:]
            return bytes(out)
        out += xml[pos:at]
        inner = at + len(start)
        close = xml.find(end, inner)
        stop = close if close >= 0 else len(xml)
        if xml.find(b"<f", inner, stop) >= 0 or holds(xml, b":f", inner, stop):
            for text in _OutsideCells._FORMULA.findall(xml, inner, stop):
                out += b">" + text + b"<"
        if close < 0:
            return bytes(out)
        pos = close + len(end)


def refuse_cpr_in_package(data: bytes, fmt: str, sheet_xml: dict[str, bytes] | None = None) -> None:
    """Scan what calamine does not return: every part of an xlsx/ods package, or an xls file's raw text.
    `sheet_xml`: parts already read from the zip (member name -> bytes), scanned from memory."""
    if fmt == "xls":
        _scan_raw(data)
        return
    if fmt not in ("xlsx", "ods"):
        return
    place: CprPlace | None = None
    count = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            named = Counter(info.filename for info in infos)  # a name twice: each member read on its own
            for info in infos:
                if info.is_dir():
                    continue
                kept = sheet_xml.get(info.filename) if sheet_xml and named[info.filename] == 1 else None
                sheet = info.filename.replace("\\", "/").lower().startswith("xl/worksheets/")
                if kept is not None:
                    hits, _ = _hits_in_bytes(io.BytesIO(outside_cells(kept) if sheet else kept))
                else:
                    with archive.open(info) as part:
                        hits, _ = _hits_in_bytes(_OutsideCells(part) if sheet else part)
                if hits:
                    count += hits
                    place = place or CprPlace("part", part=info.filename.replace("\\", "/"))
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError, KeyError):
        raise FileRefused("The file is damaged or incomplete and cannot be read as {format}. Ask the clinic to "
                          "send it again.", kind="corrupt", format=fmt) from None
    if place is not None:
        raise CprRefused(place, count)


def refuse_cpr_in_text_outside(text: str) -> None:
    """Text a file holds outside its cells (an HTML page's title, comments and attributes)."""
    if text and cpr_in_text(text, whole_nine=False):
        raise CprRefused(CprPlace("part", part="raw"))


def _scan_raw(data: bytes) -> None:
    """An .xls file: its strings (8-bit or UTF-16) wherever they are, properties and comments included."""
    step = 4 << 20
    for at in range(0, max(len(data), 1), step):
        piece = data[max(at - 256, 0): at + step]  # overlapping, so a number is never cut in two
        views = (piece.decode("latin-1"), piece[: len(piece) // 2 * 2].decode("utf-16-le", "replace"),
                 piece[1: 1 + (len(piece) - 1) // 2 * 2].decode("utf-16-le", "replace"))
        if any(cpr_in_text(text, whole_nine=False) for text in views):
            raise CprRefused(CprPlace("part", part="raw"))


# --- patient-level tables -------------------------------------------------------------------------------
def refuse_patient_data(tables: list[Table]) -> None:
    """Raise FileRefused for a CPR column heading with values, or one-row-per-patient tables."""
    for table in tables:
        for name, letter in zip(table.columns, table.letters, strict=True):
            if name in table.unnamed:  # "Kolonne CPR" is column 2,304 without a heading, not a CPR heading
                continue
            if _CPR_HEADER.search(name) and any(not is_empty(v) for v in table.column(name)):
                raise FileRefused("The file has a column of CPR numbers ({column}). Patient data cannot be "
                                  "imported; ask the clinic for the aggregated numbers only.", kind="cpr",
                                  column=f"{redact(name)} ({letter})")
    for table in tables:
        for name in table.columns:
            if name not in table.unnamed and _PATIENT_HEADER.match(name.strip().rstrip(":")):
                raise FileRefused("The file lists single patients (column {column}); it is not aggregated data. "
                                  "Ask the clinic for counts per measure instead.", kind="patients", column=name)
