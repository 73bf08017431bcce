"""The sheet-extent guard's quick bound (one count and two searches per piece of XML) never lets a far cell
through: where it applies it is at least the exact area, and a file it puts over a limit is counted again
cell by cell before it is refused, so the refusal names the real far cell and an empty styled one refuses
nothing."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from clinic_files import one_sheet_xlsx
from hypothesis import given, settings
from hypothesis import strategies as st

from klyngedesk.core.ingest.limits import (
    MAX_SHEET_CELLS,
    Extent,
    _outside,
    _two_digits_up,
    _xlsx_bound,
    _xlsx_extent,
    check_sheet_extents,
    holds,
)
from klyngedesk.core.ingest.problems import FileRefused
from klyngedesk.core.ingest.tables import col_letter

cells = st.lists(st.tuples(st.integers(1, 1_048_576), st.integers(1, 16_384), st.booleans()), max_size=40)


def _rows_xml(found: list[tuple[int, int, bool]]) -> bytes:
    """Cells in the order given, each in a row of its own (empty ones only styled)."""
    parts = [f'<row r="{r}">' + (f'<c r="{col_letter(c - 1)}{r}" s="1"/>' if empty else
                                 f'<c r="{col_letter(c - 1)}{r}" t="n"><v>1</v></c>') + "</row>"
             for r, c, empty in found]
    return ("<worksheet><sheetData>" + "".join(parts) + "</sheetData></worksheet>").encode()


@settings(max_examples=300, deadline=None, derandomize=True)
@given(cells)
def test_where_the_bound_applies_it_is_never_below_the_exact_extent(found: list[tuple[int, int, bool]]) -> None:
    xml = _rows_xml(found)
    bound = Extent()
    exact = _xlsx_extent(io.BytesIO(xml), 10**15)
    if _xlsx_bound(xml, bound):
        assert bound.rows >= exact.rows and bound.columns >= exact.columns and bound.cells >= exact.cells


def _region(rows: int, far: tuple[int, str, bool] | None = None) -> bytes:
    """An Excel-written sheet of `rows` rows of five cells, with one more cell (row, column, empty) inserted."""
    body = []
    for r in range(1, rows + 1):
        cells = "".join(f'<c r="{x}{r}" t="n"><v>{r}</v></c>' for x in "ABCDE")
        if far and far[0] == r:
            cells += f'<c r="{far[1]}{r}" s="1"/>' if far[2] else f'<c r="{far[1]}{r}" t="n"><v>1</v></c>'
        body.append(f'<row r="{r}">{cells}</row>')
    sheet = "<worksheet><sheetData>" + "".join(body) + "</sheetData></worksheet>"
    return one_sheet_xlsx(sheet)


def test_an_ordinary_region_sheet_is_bounded_exactly() -> None:
    xml = zipfile.ZipFile(io.BytesIO(_region(30_000))).read("xl/worksheets/sheet1.xml")
    bound = Extent()
    assert _xlsx_bound(xml, bound)
    assert (bound.rows, bound.columns, bound.cells) == (30_000, 5, 150_000)


@pytest.mark.parametrize("row", [1, 12_345, 29_999])
def test_a_far_cell_with_content_anywhere_among_the_rows_is_refused_by_its_real_place(row: int) -> None:
    far = random.Random(row).choice(["XFD", "ZZ", "AAA"])
    with pytest.raises(FileRefused) as refused:
        check_sheet_extents(_region(30_000, (row, far, False)), "xlsx")
    assert refused.value.params["cell"].startswith(far)


def test_a_far_empty_styled_cell_refuses_nothing() -> None:
    """Its bound is over the limit, the exact count is not: the file is read."""
    data = _region(30_000, (29_000, "XFD", True))
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert _xlsx_extent(io.BytesIO(xml), MAX_SHEET_CELLS).area <= MAX_SHEET_CELLS
    check_sheet_extents(data, "xlsx")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.integers(1, 16_384), st.integers(1, 1_048_576), st.integers(1, 16_384), st.integers(1, 1_048_576))
def test_the_inside_search_flags_exactly_the_cells_right_of_or_below_the_corner(
        corner_col: int, corner_row: int, col: int, row: int) -> None:
    """The one search per piece that replaced a regular-expression match per cell: a canonical reference is
    flagged exactly when it lies beyond the piece's (rounded) far corner, whatever the digits and letters."""
    rows = _two_digits_up(corner_row)
    pattern = _outside(col_letter(corner_col - 1).encode(), b"%d" % rows)
    for c, r in ((col, row), (corner_col, rows), (corner_col + 1, rows), (corner_col, rows + 1)):
        ref = f"{col_letter(c - 1)}{r}".encode()
        assert bool(pattern.search(b'<c r="' + ref + b'"/>')) == (c > corner_col or r > rows), ref


@pytest.mark.parametrize("ref", ["xfd2", "Xfd2", "A01048576", "A00002", "AAAA2", "A12345678", "$XFD$2", "XFD 2",
                                 "A2 ", "XFD"])
def test_a_cell_written_unlike_excel_is_never_bounded_below_its_real_place(ref: str) -> None:
    """Lower case, leading zeros, too many letters or digits, $ signs, spaces: the quick bound does not apply
    (the piece is counted cell by cell) or is still at least the exact extent."""
    xml = _rows_xml([(1, 1, False), (3, 2, False)]).replace(b'<c r="B3"', b'<c r="' + ref.encode() + b'"')
    bound = Extent()
    exact = _xlsx_extent(io.BytesIO(xml), 10**15)
    if _xlsx_bound(xml, bound):
        assert bound.rows >= max(exact.rows, 3) and bound.columns >= exact.columns


@pytest.mark.parametrize("far", ["xfd20000", "zz20000", "A0001048576"])
def test_a_far_cell_in_lower_case_or_with_leading_zeros_is_refused(far: str) -> None:
    """calamine reads lower-case references and leading zeros too: such a far cell is refused before it reads."""
    data = _region(30_000)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    xml = xml.replace(b"</row></sheetData>", b'<c r="' + far.encode() + b'" t="n"><v>1</v></c></row></sheetData>')
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            z.writestr(name, xml if name == "xl/worksheets/sheet1.xml" else src.read(name))
    with pytest.raises(FileRefused):
        check_sheet_extents(out.getvalue(), "xlsx")


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from([b":", b"c", b"f", b"<", b">", b"x", b":c", b":f"]), max_size=30).map(b"".join),
       st.sampled_from([b":c", b":f", b"<f", b"f>", b"x:c"]), st.integers(0, 40), st.integers(-1, 40))
def test_the_first_byte_search_finds_exactly_what_a_plain_search_finds(data, needle, start, end):
    """`holds` (the ':' of a namespace prefix sought first, at memory speed) is `needle in data[start:end]`."""
    stop = None if end < 0 else end
    assert holds(data, needle, start, stop) == (needle in data[start:stop])
