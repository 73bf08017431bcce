"""Limits checked before a file is read: ordinary file, size, cells per sheet (from the XML, not the declared size)."""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from klyngedesk.core.ingest.problems import Count, FileRefused

MAX_FILE_BYTES = 300 << 20
MAX_SHEET_CELLS = 2_000_000  # the area from A1 to the farthest used cell, as calamine lays a sheet out
MAX_WORKBOOK_CELLS = 4_000_000
MAX_TEXT_CELLS = 3_000_000
MAX_COLUMNS = 16_384  # Excel's own limit (XFD)
_CHUNK = 1 << 20
_MAX_CARRY = 1 << 20


def read_bounded(path: Path) -> bytes:
    """The file's bytes, refusing at once (without a blocking open) what is not an ordinary file or too large."""
    info = os.stat(path)  # follows a symlink: a link to a FIFO is judged as the FIFO
    _refuse_special(info.st_mode)
    if info.st_size > MAX_FILE_BYTES:
        raise FileRefused("The file is too large ({size} MB) to be a clinic's aggregated data.", kind="size",
                          size=Count(info.st_size >> 20))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        _refuse_special(os.fstat(fd).st_mode)  # the file may have been swapped since the stat
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused("The file is too large ({size} MB) to be a clinic's aggregated data.", kind="size",
                          size=Count(len(data) >> 20))
    return data


def _refuse_special(mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise FileRefused("This is a folder, not a file. Choose the files inside it.", kind="special")
    if stat.S_ISFIFO(mode):
        raise FileRefused("This is a named pipe (FIFO), not an ordinary file; it was not opened.", kind="special")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        raise FileRefused("This is a device, not an ordinary file; it was not opened.", kind="special")
    raise FileRefused("This is not an ordinary file (perhaps a socket); it was not opened.", kind="special")


def check_text_cells(data: bytes) -> None:
    """Refuse a text file with far more cells than aggregated data has, before it is split into cells."""
    lines = data.count(b"\n") + data.count(b"\r") // 2 + 1
    separators = max(data.count(d) for d in (b";", b",", b"\t", b"|"))
    estimate = max(lines, separators + lines // 2)
    if estimate > MAX_TEXT_CELLS:
        raise FileRefused("The file has about {cells} cells, more than KlyngeDesk reads in one file ({limit}). "
                          "Aggregated clinic data is much smaller; check that this is the right file.",
                          kind="size", cells=Count(estimate), limit=Count(MAX_TEXT_CELLS))


def check_columns(rows: list[list]) -> None:
    for i, row in enumerate(rows, 1):
        if len(row) > MAX_COLUMNS:
            raise FileRefused("Row {row} of the file has {n} columns; KlyngeDesk reads at most {limit}. Check that "
                              "the file is a table and that its delimiter is right.", kind="size", row=i,
                              n=Count(len(row)), limit=Count(MAX_COLUMNS))


# --- spreadsheets: the used area of every sheet, counted from the XML itself ---------------------------------
@dataclass
class Extent:
    rows: int = 0
    columns: int = 0
    cells: int = 0
    bounded: bool = False  # rows, columns and cells are upper bounds (exact ones are counted if they exceed)

    @property
    def area(self) -> int:
        return self.rows * self.columns


_XLSX_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)\b([^>]*)>")
_XLSX_FAST = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>/]*(/?)>')  # r first, as Excel writes it
_ANY_CELL = re.compile(rb"<c[\s/>]")
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s>/]")
_CELL_WITHOUT_REF = re.compile(rb'<c(?=[\s/>])(?! r="[A-Z]{1,3}[0-9]{1,7}")')
_CANONICAL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
# calamine reads any run of letters and digits (lower case, leading zeros, more than Excel's 3 and 7): so does this
_XLSX_REF = re.compile(rb'\br\s*=\s*["\']([A-Za-z]{0,12})([0-9]{0,24})["\']')
_ODS_TAG = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*)>")
_ODS_REPEAT_ROWS = re.compile(rb'number-rows-repeated\s*=\s*["\']([0-9]{1,10})["\']')
_ODS_REPEAT_COLS = re.compile(rb'number-columns-repeated\s*=\s*["\']([0-9]{1,10})["\']')
_ODS_NAME = re.compile(rb'\btable:name\s*=\s*"([^"]*)"')


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _chunks(stream) -> Iterator[bytes]:
    """Pieces of an XML stream that never cut a tag in two."""
    carry = b""
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            if carry:
                yield carry
            return
        buf = carry + chunk
        cut = buf.rfind(b"<")
        if cut <= 0:
            cut = len(buf)
        yield buf[:cut]
        carry = buf[cut:]
        if len(carry) > _MAX_CARRY:  # one absurdly long tag: its attributes are not needed
            carry = b""


def _xlsx_extent(stream, budget: int, exact: bool = True) -> Extent:
    ext = Extent()
    row = col = 0
    for piece in _chunks(stream):
        if (not exact and _xlsx_bound(piece, ext)) or _xlsx_fast(piece, ext):  # every cell says where it is (as Excel writes them): counted in C
            if ext.area > budget or ext.cells > budget:
                return ext
            continue
        for m in _XLSX_TAG.finditer(piece):
            attrs = m.group(2)
            ref = _XLSX_REF.search(attrs)
            if m.group(1) == b"row":
                row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                col = 0
                continue
            if ref and ref.group(1):
                col = _column_index(ref.group(1))
                if ref.group(2):
                    row = int(ref.group(2))
            else:
                col += 1
            if attrs.rstrip().endswith(b"/"):
                continue  # a cell with a style and nothing in it: calamine leaves it out
            ext.cells += 1
            ext.rows, ext.columns = max(ext.rows, row), max(ext.columns, col)
            if ext.area > budget or ext.cells > budget:
                return ext
    return ext


def _xlsx_bound(piece: bytes, ext: Extent) -> bool:
    """Bound a piece whose every cell starts with an r="A1" reference, as Excel writes them, without looking
    at each cell in Python: the cells by one count, the far corner from the piece's last cell, and one search
    showing that every cell's reference is canonical and inside it (rows and columns can only be upper bounds:
    an empty styled cell counts). False when that does not hold; the piece is then counted cell by cell."""
    cells = piece.count(b'<c r="')
    if piece.count(b"<c") != cells and _CELL_WITHOUT_REF.search(piece):  # <col>, <cfRule> ... also start <c
        return False
    if holds(piece, b":c") and _PREFIXED_CELL.search(piece):
        return False
    if not cells:
        return True
    last = _CANONICAL_REF.match(piece, piece.rfind(b'<c r="'))  # the lowest row comes last
    end = piece.rfind(b"</row>")  # the rightmost column ends a row
    right = _CANONICAL_REF.match(piece, piece.rfind(b'<c r="', 0, end)) if end > 0 else last
    if last is None or right is None or last.group(2).startswith(b"0"):
        return False
    letters = max(last.group(1), right.group(1), key=lambda x: (len(x), x))
    rows = _two_digits_up(int(last.group(2)))  # a round bound: the pieces of a sheet share a few searches
    if _outside(letters, b"%d" % rows).search(piece):
        return False
    ext.cells += cells
    ext.rows, ext.columns = max(ext.rows, rows), max(ext.columns, _column_index(letters))
    ext.bounded = True
    return True


def holds(data: bytes, needle: bytes, start: int = 0, end: int | None = None) -> bool:
    """Whether data[start:end] holds `needle`, found from its first byte's first place: one byte is sought at
    memory speed, a short needle of common bytes an order of magnitude slower; for a needle whose first byte is
    rare in a sheet (':' of a namespace prefix) that is the whole search."""
    end = len(data) if end is None else end
    at = data.find(needle[:1], start, end)
    return at >= 0 and data.find(needle, at, end) >= 0



def _two_digits_up(n: int) -> int:
    """n rounded up to two significant digits (100001 -> 110000, 3501 -> 3600, 87 -> 87)."""
    step = 10 ** max(len(str(n)) - 2, 0)
    return -(-n // step) * step


def _at_most(text: bytes, low: int, high: int, first_low: int) -> bytes:
    """A pattern for the strings of text's length over the alphabet low..high (the first character from
    first_low) that are at most text in order, and of any shorter length (from 1)."""
    same = []
    for i, ch in enumerate(text):
        floor = first_low if i == 0 else low
        if ch > floor:
            rest = len(text) - i - 1
            same.append(re.escape(text[:i]) + b"[" + bytes([floor]) + b"-" + bytes([ch - 1]) + b"]" +
                        (b"[" + bytes([low]) + b"-" + bytes([high]) + b"]{%d}" % rest if rest else b""))
    same.append(re.escape(text))
    shorter = [b"[" + bytes([first_low]) + b"-" + bytes([high]) + b"]" +
               (b"[" + bytes([low]) + b"-" + bytes([high]) + b"]{0,%d}" % (len(text) - 2) if len(text) > 2 else b"")
               ] if len(text) > 1 else []
    return b"(?:" + b"|".join(shorter + same) + b")"


@lru_cache(maxsize=64)
def _outside(letters: bytes, digits: bytes) -> re.Pattern[bytes]:
    """A cell whose reference is not a canonical one (upper-case column, row without a leading zero) at or
    left of column `letters` and at or above row `digits`: a far cell, or one written as calamine may read
    differently (lower case, a leading zero, more letters or digits)."""
    columns = _at_most(letters, ord("A"), ord("Z"), ord("A"))
    rows = _at_most(digits, ord("0"), ord("9"), ord("1"))
    return re.compile(b'<c r="(?!' + columns + rows + b'")')


def _xlsx_fast(piece: bytes, ext: Extent) -> bool:
    """Count a piece whose every cell has an r="A1" reference; False when some cell lacks one."""
    tags = len(_ANY_CELL.findall(piece))
    found = _XLSX_FAST.findall(piece)
    if len(found) != tags or (holds(piece, b":c") and _PREFIXED_CELL.search(piece)):
        return False
    rows = [digits for _, digits, slash in found if not slash]
    if rows:
        ext.cells += len(rows)
        ext.rows = max(ext.rows, _largest(rows))
        ext.columns = max(ext.columns, max(map(_column_index, {x for x, _, slash in found if not slash})))
    return True


def _largest(numbers: list[bytes]) -> int:
    """The largest of many digit strings without converting each: among the longest, the last in byte order
    (written with a leading zero somewhere, every one is converted)."""
    if min(numbers).startswith(b"0"):
        return max(map(int, numbers))
    longest = max(map(len, numbers))
    return int(max(d for d in numbers if len(d) == longest))


def _ods_extents(stream, budget: int) -> list[tuple[str, Extent]]:
    out: list[tuple[str, Extent]] = []
    ext = Extent()
    row = col = 0
    row_repeat, row_content, row_cols = 1, 0, 0
    for piece in _chunks(stream):
        for m in _ODS_TAG.finditer(piece):
            closing, tag, attrs = m.group(1), m.group(2), m.group(3)
            empty_tag = attrs.rstrip().endswith(b"/")
            if tag == b"table" and not closing:
                name = _ODS_NAME.search(attrs)
                ext, row = Extent(), 0
                out.append((name.group(1).decode("utf-8", "replace") if name else "?", ext))
            elif tag == b"table-row" and not closing:
                rep = _ODS_REPEAT_ROWS.search(attrs)
                row_repeat, row_content, row_cols, col = int(rep.group(1)) if rep else 1, 0, 0, 0
                if empty_tag:
                    row += row_repeat
            elif tag == b"table-row" and closing:
                if row_content:
                    ext.rows = max(ext.rows, row + row_repeat)
                    ext.columns = max(ext.columns, row_cols)
                    ext.cells += row_content * row_repeat
                row += row_repeat
                if ext.area > budget or ext.cells > budget:
                    return out
            elif tag in (b"table-cell", b"covered-table-cell") and not closing:
                rep = _ODS_REPEAT_COLS.search(attrs)
                n = int(rep.group(1)) if rep else 1
                if b"value-type" in attrs or not empty_tag:
                    row_content += n
                    row_cols = col + n
                col += n
    return out


# BIFF records that put a value in a cell (row and column in their first four bytes); BLANK/MULBLANK
# (formatting only) are left out, as calamine leaves them out.
_XLS_CELLS = frozenset({0x0203, 0x00FD, 0x027E, 0x0006, 0x0205, 0x0204, 0x00D6, 0x0406, 0x0003, 0x0004,
                        0x0002, 0x0005})
_XLS_MULRK, _XLS_BOF, _XLS_BOUNDSHEET, _XLS_DIMENSIONS = 0x00BD, 0x0809, 0x0085, 0x0200


def _xls_extents(data: bytes, budget: int) -> list[tuple[str, Extent]]:
    """The cells of every sheet of an .xls, from its BIFF records (never from the DIMENSIONS it declares)."""
    import struct

    from xlrd.compdoc import CompDoc, CompDocError

    try:
        with open(os.devnull, "w") as quiet:
            doc = CompDoc(data, logfile=quiet)
            stream = doc.get_named_stream("Workbook") or doc.get_named_stream("Book")
    except (CompDocError, IndexError, ValueError, struct.error, MemoryError, AssertionError):
        # A compound document whose sectors or directory do not add up (xlrd also asserts on a broken chain).
        # calamine is not asked: on such a file it has asked for 4 GB and aborted the whole program.
        raise FileRefused("The file is damaged or incomplete and cannot be read as {format}. Ask the clinic to "
                          "send it again.", kind="corrupt", format="xls") from None
    if not stream:
        raise FileRefused("The file is damaged or incomplete and cannot be read as {format}. Ask the clinic to "
                          "send it again.", kind="corrupt", format="xls")
    names: list[str] = []
    out: list[tuple[str, Extent]] = []
    ext: Extent | None = None
    pos, end = 0, len(stream)
    while pos + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, pos)
        body = pos + 4
        pos = body + length
        if pos > end:  # a record running past the end of the stream: damaged (it was an internal error)
            raise FileRefused("The file is damaged or incomplete and cannot be read as {format}. Ask the clinic "
                              "to send it again.", kind="corrupt", format="xls")
        if kind == _XLS_BOUNDSHEET and length >= 8:
            n, wide = stream[body + 6], stream[body + 7] & 1
            raw = stream[body + 8: body + 8 + n * (2 if wide else 1)]
            names.append(raw.decode("utf-16-le" if wide else "latin-1", "replace"))
        elif kind == _XLS_BOF:
            ext = Extent() if out or names else None  # the first BOF opens the workbook globals
            if ext is not None:
                out.append((names[len(out)] if len(out) < len(names) else str(len(out) + 1), ext))
        elif ext is not None and kind == _XLS_DIMENSIONS and length in (10, 14):
            # calamine lays the sheet out from its declared DIMENSIONS: a damaged one asked for 110 GB and
            # aborted the program. A declared area within the budget is left to the cells to bound.
            first_row, rows, first_col, cols = struct.unpack_from("<IIHH" if length == 14 else "<HHHH", stream, body)
            if first_row > rows or first_col > cols:  # a range that ends before it starts (calamine: 110 GB)
                raise FileRefused("The file is damaged or incomplete and cannot be read as {format}. Ask the clinic "
                                  "to send it again.", kind="corrupt", format="xls")
            if rows * cols > budget:
                ext.rows, ext.columns = max(ext.rows, rows), max(ext.columns, cols)
                return out
        elif ext is not None and length >= 4 and (kind in _XLS_CELLS or kind == _XLS_MULRK):
            row, col = struct.unpack_from("<HH", stream, body)
            last = struct.unpack_from("<H", stream, pos - 2)[0] if kind == _XLS_MULRK and length >= 6 else col
            ext.cells += max(last - col, 0) + 1
            ext.rows, ext.columns = max(ext.rows, row + 1), max(ext.columns, last + 1)
            if ext.area > budget or ext.cells > budget:
                return out
    return out


def check_sheet_extents(data: bytes, fmt: str) -> dict[str, bytes]:
    """Refuse a workbook whose sheets would unfold into more cells than memory allows (a far stray cell,
    a declared size that lies, a repeated row), judged from the cells themselves before calamine sees them.

    Returns the xlsx sheets' XML as read here (zip member name -> bytes), so that the later scans of the
    same parts (error cells, hidden rows, CPR numbers outside the cells) do not inflate them again."""
    if fmt == "xls":
        _refuse_extents(_xls_extents(data, MAX_SHEET_CELLS))
        return {}
    xml: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if fmt == "xlsx":
                sheets = _xlsx_sheets(archive, xml)
            elif fmt == "ods" and "content.xml" in archive.namelist():
                with archive.open("content.xml") as part:
                    sheets = _ods_extents(part, MAX_SHEET_CELLS)
            else:
                return {}
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError, KeyError):
        raise FileRefused("The file is damaged or incomplete and cannot be read as {format}. Ask the clinic to "
                          "send it again.", kind="corrupt", format=fmt) from None
    _refuse_extents(sheets)
    return xml


def _refuse_extents(sheets: list[tuple[str, Extent]]) -> None:
    total = 0
    for name, ext in sheets:
        if ext.area > MAX_SHEET_CELLS or ext.cells > MAX_SHEET_CELLS:
            from klyngedesk.core.cpr import redact
            from klyngedesk.core.ingest.tables import col_letter

            far = f"{col_letter(min(max(ext.columns, 1), MAX_COLUMNS) - 1)}{ext.rows}"
            raise FileRefused("Sheet {sheet} uses cells as far out as {cell} ({cells} cells from A1), more than "
                              "KlyngeDesk reads in one sheet ({limit}). Delete the rows and columns outside the "
                              "table in the spreadsheet program, save, and import again.", kind="size",
                              sheet=redact(name), cell=far if ext.columns <= MAX_COLUMNS else "?",
                              cells=Count(max(ext.area, ext.cells)), limit=Count(MAX_SHEET_CELLS))
        total += ext.area
    if total > MAX_WORKBOOK_CELLS:
        raise FileRefused("The workbook's sheets hold {cells} cells in all, more than KlyngeDesk reads in one file "
                          "({limit}). Import the sheets with the clinics' numbers as a smaller file.", kind="size",
                          cells=Count(total), limit=Count(MAX_WORKBOOK_CELLS))


class _Kept:
    """A part read through once, its bytes kept for the scans after the guard (up to a total)."""

    def __init__(self, stream, room: int) -> None:
        self.stream, self.room, self.whole = stream, room, True
        self.pieces: list[bytes] = []

    def read(self, size: int) -> bytes:
        chunk = self.stream.read(size)
        if self.whole:
            self.room -= len(chunk)
            self.pieces.append(chunk)
            if self.room < 0:
                self.whole, self.pieces = False, []
        return chunk


_KEEP_BYTES = 256 << 20  # sheet XML kept for the later scans; more is read again from the zip


def _xlsx_sheets(archive: zipfile.ZipFile, xml: dict[str, bytes] | None = None) -> list[tuple[str, Extent]]:
    """Each sheet's extent; bounded first, counted cell by cell only when a bound is above a limit. The
    sheets' XML read on the way is kept in `xml` (member name -> bytes) when the whole part was read."""
    from klyngedesk.core.ingest.sheet_reader import sheet_parts

    parts = sheet_parts(archive)
    out = []
    room = _KEEP_BYTES
    for name, part in parts:
        with archive.open(part) as stream:
            kept = _Kept(stream, room)
            out.append((name, _xlsx_extent(kept, MAX_SHEET_CELLS, exact=False)))
            if kept.whole and not stream.read(1) and xml is not None:
                xml[part] = b"".join(kept.pieces)
                room = kept.room
    over = sum(e.area for _, e in out) > MAX_WORKBOOK_CELLS or \
        any(e.area > MAX_SHEET_CELLS or e.cells > MAX_SHEET_CELLS for _, e in out)
    if over and any(e.bounded for _, e in out):
        for i, (name, part) in enumerate(parts):
            if out[i][1].bounded:
                with archive.open(part) as stream:
                    out[i] = (name, _xlsx_extent(stream, MAX_SHEET_CELLS))
    return out
