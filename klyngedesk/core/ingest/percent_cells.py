"""Cells whose format changes their meaning: percentages (0.25 shown as 25 %: xlsx styles, ods types, xls formats)
and dates shown as a month or a year (an xlsx date cell shown 'jul. 2026' names July, not 1 July)."""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
import zlib

# sheet name -> {(row, column): kind}, 0-based. Kinds: "percent" (the format multiplies by 100: 0% shows 0.25 as
# 25 %), "percent_sign" (a literal % after the number as it is: 0" %"), "month" and "year" (a date shown as one).
Places = dict[str, dict[tuple[int, int], str]]
PERCENT, PERCENT_SIGN, MONTH, YEAR = "percent", "percent_sign", "month", "year"
PARENTHESES = "parentheses"   # a negative number shown in parentheses without a minus (0;(0)): '(12)' for −12

_NS = rb"(?:[A-Za-z_][\w.-]*:)?"
_NUMFMT = re.compile(rb"<" + _NS + rb"numFmt\b([^>]*)>")
_CELLXFS = re.compile(rb"<" + _NS + rb"cellXfs\b[^>]*>(.*?)</" + _NS + rb"cellXfs>", re.S)
_XF = re.compile(rb"<" + _NS + rb"xf\b([^>]*)>")
_ID = re.compile(rb'\bnumFmtId="(\d+)"')
_CODE = re.compile(rb'\bformatCode="([^"]*)"')
_ROW_OR_CELL = re.compile(rb"<" + _NS + rb"(row|c)\b([^>]*)>")
_R = re.compile(rb'\br="([A-Z]{0,3})(\d+)"')
_S = re.compile(rb'\bs="(\d+)"')
_T = re.compile(rb'\bt="(\w+)"')
PERCENT_BUILTIN = {9, 10}  # 0% and 0.00%, in xlsx and xls alike


def percent_format(code: str) -> bool | None:
    """True when a number format shows the value times 100 with a % sign (a % outside quotes, escapes, [..]);
    False when it shows the number as it is with a literal % after it (0" %", 0\\%); None for no %."""
    code = code.replace("&quot;", '"').replace("&amp;", "&").split(";")[0]
    plain = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', "", code)
    if "%" in plain:
        return True
    return False if "%" in re.sub(r"\[[^\]]*\]", "", code) else None


def date_part_format(code: str) -> str | None:
    """"month" for a date format without a day ('mmm yyyy', 'mm/yy', 'mmmm'), "year" for years only ('yyyy')."""
    plain = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', "", code.replace("&quot;", '"').split(";")[0]).lower()
    if not ("y" in plain or "m" in plain) or any(ch in plain for ch in "dhs0#?@"):
        return None  # a day in it ('d'), a time ('h:mm', 'mm:ss'), a number or text format: not a month
    return MONTH if "m" in plain else YEAR


def negative_in_parentheses(code: str) -> bool:
    """Whether a number format shows a negative number in parentheses, without its minus ('0;(0)',
    '#,##0;[Red](#,##0)'): the cell shows '(12)' where it holds −12."""
    sections = code.replace("&quot;", '"').replace("&amp;", "&").split(";")
    if len(sections) < 2:
        return False
    plain = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', "", sections[1])
    return bool(re.search(r"\([^()]*[0#?][^()]*\)", plain)) and "-" not in plain


def _kind(code: str) -> str | None:
    scaled = percent_format(code)
    if scaled is not None:
        return PERCENT if scaled else PERCENT_SIGN
    return date_part_format(code) or (PARENTHESES if negative_in_parentheses(code) else None)


MONTH_BUILTIN = {17}  # mmm-yy
PARENTHESES_BUILTIN = {37, 38, 39, 40}  # #,##0_);(#,##0) and its red and two-decimal forms


def percent_cells(data: bytes, fmt: str, sheet_xml: dict[str, bytes] | None = None) -> Places:
    """Where each sheet holds a number formatted as a percentage; {} when none is (or the file says nothing)."""
    try:
        if fmt == "xlsx":
            return _xlsx(data, sheet_xml or {})
        if fmt == "ods":
            return _ods(data)
        if fmt == "xls":
            return _xls(data)
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, KeyError, EOFError, struct.error, IndexError,
            NotImplementedError):
        return {}  # a damaged file: the reader says what is wrong with it
    return {}


# --- xlsx: styles.xml says which cell styles are percent formats; the sheets say which cells use them -------
def _percent_styles(styles: bytes) -> dict[bytes, str]:
    custom: dict[int, str] = {}
    for m in _NUMFMT.finditer(styles):
        found, code = _ID.search(m.group(1)), _CODE.search(m.group(1))
        if found and code and (kind := _kind(code.group(1).decode("utf-8", "replace"))) is not None:
            custom[int(found.group(1))] = kind
    xfs = _CELLXFS.search(styles)
    if xfs is None:
        return {}
    out = {}
    for k, m in enumerate(_XF.finditer(xfs.group(1))):
        found = _ID.search(m.group(1))
        number_format = int(found.group(1)) if found else 0
        if number_format in custom:
            out[str(k).encode()] = custom[number_format]
        elif number_format in PERCENT_BUILTIN or number_format in MONTH_BUILTIN:
            out[str(k).encode()] = PERCENT if number_format in PERCENT_BUILTIN else MONTH
        elif number_format in PARENTHESES_BUILTIN:
            out[str(k).encode()] = PARENTHESES
    return out


def _xlsx(data: bytes, sheet_xml: dict[str, bytes]) -> Places:
    from klyngedesk.core.ingest.sheet_reader import sheet_parts

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = {n.replace("\\", "/"): n for n in archive.namelist()}
        if "xl/styles.xml" not in names:
            return {}
        styles = _percent_styles(archive.read(names["xl/styles.xml"]))
        if not styles:
            return {}
        probes = [b's="' + s + b'"' for s in styles]
        out: Places = {}
        for name, part in sheet_parts(archive):
            xml = sheet_xml[part] if part in sheet_xml else archive.read(part)
            if any(p in xml for p in probes):
                places = _styled_cells(xml, styles)
                if places:
                    out[name] = places
        return out


def _styled_cells(xml: bytes, styles: dict[bytes, str]) -> dict[tuple[int, int], str]:
    """Cells holding a number (not text, not an error) in one of the styles; cells without a reference are
    placed after the cell before them, as readers do."""
    places = {}
    row, col = -1, -1
    for m in _ROW_OR_CELL.finditer(xml):
        attrs = m.group(2)
        ref = _R.search(attrs)
        if m.group(1) == b"row":
            row, col = (int(ref.group(2)) - 1) if ref else row + 1, -1
            continue
        if ref and ref.group(1):
            row, col = int(ref.group(2)) - 1, _column(ref.group(1))
        else:
            col += 1
        if attrs.rstrip().endswith(b"/"):
            continue  # an empty cell with a style
        style, kind = _S.search(attrs), _T.search(attrs)
        if style and style.group(1) in styles and (kind is None or kind.group(1) in (b"n", b"d")):
            places[(row, col)] = styles[style.group(1)]
    return places


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


# --- ods: a cell's office:value-type says "percentage" -----------------------------------------------------
_ODS_ROWS = re.compile(rb'number-rows-repeated\s*=\s*["\']([0-9]{1,10})["\']')
_ODS_COLS = re.compile(rb'number-columns-repeated\s*=\s*["\']([0-9]{1,10})["\']')
_PERCENTAGE = re.compile(rb'value-type\s*=\s*["\']percentage["\']')
MAX_REPEATED = 10_000  # a repeated percent cell is placed this many times at most (the extent guard ran first)


_ODS_DATE_STYLE = re.compile(rb"<number:date-style\b([^>]*)>(.*?)</number:date-style>", re.S)
_ODS_STYLE_NAME = re.compile(rb'\bstyle:name\s*=\s*"([^"]*)"')
_ODS_CELL_STYLE = re.compile(rb"<style:style\b([^>]*)>")
_ODS_DATA_STYLE = re.compile(rb'\bstyle:data-style-name\s*=\s*"([^"]*)"')
_ODS_CELL_STYLE_REF = re.compile(rb'\btable:style-name\s*=\s*"([^"]*)"')
_ODS_COLUMN_DEFAULT = re.compile(rb'\btable:default-cell-style-name\s*=\s*"([^"]*)"')
_ODS_DATE_CELL = re.compile(rb'value-type\s*=\s*["\']date["\']')
_ODS_ALL_TAGS = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table-column|table)(?=[\s/>])"
                           rb"([^>]*)>")


def _ods_date_parts(*xmls: bytes) -> dict[bytes, str]:
    """Cell style name -> "month" or "year" for the cell styles whose date format shows no day (a month and a
    year, 'jul. 2026'; or a year alone), from the automatic and common styles of an ods."""
    kinds: dict[bytes, str] = {}
    for xml in xmls:
        for m in _ODS_DATE_STYLE.finditer(xml):
            name, body = _ODS_STYLE_NAME.search(m.group(1)), m.group(2)
            if name is None or b"<number:day" in body or b"<number:hours" in body:
                continue
            if b"<number:month" in body:
                kinds[name.group(1)] = MONTH
            elif b"<number:year" in body:
                kinds[name.group(1)] = YEAR
    out: dict[bytes, str] = {}
    if kinds:
        for xml in xmls:
            for m in _ODS_CELL_STYLE.finditer(xml):
                name, data_style = _ODS_STYLE_NAME.search(m.group(1)), _ODS_DATA_STYLE.search(m.group(1))
                if name and data_style and data_style.group(1) in kinds:
                    out[name.group(1)] = kinds[data_style.group(1)]
    return out


def _ods(data: bytes) -> Places:
    """Percentages (office:value-type="percentage") and date cells whose style shows a month or a year; a cell
    without a style of its own takes its column's default cell style, as LibreOffice shows it."""
    from klyngedesk.core.ingest.limits import _ODS_NAME
    from klyngedesk.core.ingest.sheet_reader import _unescape

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        if "content.xml" not in names:
            return {}
        xml = archive.read("content.xml")
        styles = b""
        if "styles.xml" in names:  # the common styles (a date format may be defined there); at most 16 MB read
            with archive.open("styles.xml") as part:
                styles = part.read(16 << 20)
    parts = _ods_date_parts(xml, styles) if b"number:date-style" in xml or b"number:date-style" in styles else {}
    if not _PERCENTAGE.search(xml) and not parts:
        return {}
    out: Places = {}
    sheet: dict[tuple[int, int], str] = {}
    row = col = 0
    repeat = 1
    defaults: list[tuple[int, bytes | None]] = []  # (columns, default cell style) of the table's columns
    for m in _ODS_ALL_TAGS.finditer(xml):
        closing, tag, attrs = m.group(1), m.group(2), m.group(3)
        empty = attrs.rstrip().endswith(b"/")
        if tag == b"table" and not closing:
            name = _ODS_NAME.search(attrs)
            sheet, row, defaults = {}, 0, []
            out[_unescape(name.group(1).decode("utf-8", "replace")) if name else "?"] = sheet
        elif tag == b"table-column" and not closing:
            rep, default = _ODS_COLS.search(attrs), _ODS_COLUMN_DEFAULT.search(attrs)
            defaults.append((min(int(rep.group(1)) if rep else 1, 16_384), default.group(1) if default else None))
        elif tag == b"table-row" and not closing:
            rep = _ODS_ROWS.search(attrs)
            repeat, col = min(int(rep.group(1)) if rep else 1, MAX_REPEATED), 0
            if empty:
                row += repeat
        elif tag == b"table-row":
            row += repeat
        elif not closing:
            rep = _ODS_COLS.search(attrs)
            n = min(int(rep.group(1)) if rep else 1, MAX_REPEATED)
            if tag == b"table-cell" and _PERCENTAGE.search(attrs):
                sheet.update(((row + r, col + c), PERCENT) for r in range(repeat) for c in range(n))
            elif tag == b"table-cell" and parts and _ODS_DATE_CELL.search(attrs):
                own = _ODS_CELL_STYLE_REF.search(attrs)
                style = own.group(1) if own else _column_default(defaults, col)
                if style in parts:
                    sheet.update(((row + r, col + c), parts[style]) for r in range(repeat) for c in range(n))
            col += n
    return {k: v for k, v in out.items() if v}


def _column_default(defaults: list[tuple[int, bytes | None]], col: int) -> bytes | None:
    """The default cell style of column `col` (0-based) from the table's <table:table-column> elements."""
    at = 0
    for count, style in defaults:
        at += count
        if col < at:
            return style
    return None


# --- xls: FORMAT and XF records in the workbook globals, then the sheets' number cells -----------------------
_FORMAT, _XF_RECORD, _BOF, _BOUNDSHEET, _EOF = 0x041E, 0x00E0, 0x0809, 0x0085, 0x000A
_NUMBER, _RK, _MULRK, _FORMULA = 0x0203, 0x027E, 0x00BD, 0x0006


def _xls(data: bytes) -> Places:
    from xlrd.compdoc import CompDoc, CompDocError

    try:
        with open(os.devnull, "w") as quiet:
            doc = CompDoc(data, logfile=quiet)
            stream = doc.get_named_stream("Workbook") or doc.get_named_stream("Book")
    except (CompDocError, IndexError, ValueError, struct.error, MemoryError, AssertionError):
        # xlrd's compound-document reader asserts on a damaged sector chain
        return {}
    if not stream:
        return {}
    custom: dict[int, str] = {}
    xf_formats: list[int] = []
    names: list[str] = []
    out: Places = {}
    sheet: dict[tuple[int, int], str] | None = None
    sheets_seen = 0
    percent_xf: dict[int, str] = {}
    pos, end = 0, len(stream)
    while pos + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, pos)
        body, pos = pos + 4, pos + 4 + length
        if kind == _FORMAT and length >= 5:
            index, count, flags = struct.unpack_from("<HHB", stream, body)
            raw = stream[body + 5: body + 5 + count * (2 if flags & 1 else 1)]
            kind = _kind(raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace"))
            if kind is not None:
                custom[index] = kind
        elif kind == _XF_RECORD and length >= 4:
            xf_formats.append(struct.unpack_from("<H", stream, body + 2)[0])
        elif kind == _BOUNDSHEET and length >= 8:
            n, wide = stream[body + 6], stream[body + 7] & 1
            names.append(stream[body + 8: body + 8 + n * (2 if wide else 1)]
                         .decode("utf-16-le" if wide else "latin-1", "replace"))
        elif kind == _BOF:
            if names and sheet is None and not percent_xf:
                percent_xf = {k: custom.get(f, MONTH if f in MONTH_BUILTIN else PERCENT)
                              for k, f in enumerate(xf_formats) if f in PERCENT_BUILTIN | MONTH_BUILTIN or f in custom}
                if not percent_xf:
                    return {}
            if names:
                name = names[sheets_seen] if sheets_seen < len(names) else str(sheets_seen + 1)
                sheet = out.setdefault(name, {})
                sheets_seen += 1
        elif sheet is not None and kind in (_NUMBER, _RK, _FORMULA) and length >= 6:
            row, col, xf = struct.unpack_from("<HHH", stream, body)
            if xf in percent_xf and (kind != _FORMULA or _numeric_result(stream, body)):
                sheet[(row, col)] = percent_xf[xf]
        elif sheet is not None and kind == _MULRK and length >= 6:
            row, first = struct.unpack_from("<HH", stream, body)
            for k in range((length - 6) // 6):
                xf = struct.unpack_from("<H", stream, body + 4 + 6 * k)[0]
                if xf in percent_xf:
                    sheet[(row, first + k)] = percent_xf[xf]
    return {k: v for k, v in out.items() if v}


def _numeric_result(stream: bytes, body: int) -> bool:
    """A FORMULA record's cached result is a number unless its last two bytes are 0xFFFF (text, bool, error)."""
    return stream[body + 12: body + 14] != b"\xff\xff"
