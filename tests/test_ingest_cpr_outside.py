"""The CPR scan of what a worksheet holds outside its cells' values reads a part kept in memory in a few
searches; it sees exactly what the streaming reader of a part inflated from the zip sees."""

from __future__ import annotations

import io

import pytest
from clinic_files import one_sheet_xlsx
from hypothesis import given, settings
from hypothesis import strategies as st

from klyngedesk.core.ingest.privacy import CprRefused, _OutsideCells, outside_cells, refuse_cpr_in_package

cells = st.sampled_from([
    b'<row r="1"><c r="A1" t="n"><v>1</v></c></row>', b'<c r="B2"><f>SUM(A1:A9)</f><v>3</v></c>',
    b'<c r="C3"><x:f t="shared">"010190-1234"&amp;A1</x:f><v>0</v></c>', b"<f>2</f>", b"tekst ",
])
outside = st.sampled_from([
    b"<headerFooter><oddHeader>Kirkebakken 010190-1234</oddHeader></headerFooter>", b'<col min="1"/>',
    b'<hyperlink ref="A1" display="x"/>', b"<sheetData/>", b"",
])
sheets = st.lists(st.tuples(outside, st.lists(cells, max_size=8)), max_size=4)


def _streamed(xml: bytes, size: int) -> bytes:
    reader, out = _OutsideCells(io.BytesIO(xml)), b""
    while chunk := reader.read(size):
        out += chunk
    return out


@settings(max_examples=200, deadline=None, derandomize=True)
@given(sheets, st.just(1 << 20))  # the size the scan reads with
def test_the_in_memory_part_reads_as_the_streamed_one(blocks: list[tuple[bytes, list[bytes]]], size: int) -> None:
    xml = b"<worksheet>" + b"".join(o + b"<sheetData>" + b"".join(c) + b"</sheetData>" for o, c in blocks) + \
        b"</worksheet>"
    assert outside_cells(xml) == _streamed(xml, size)


def test_a_formula_in_a_sheet_data_never_closed_is_still_scanned() -> None:
    """The streamed reader drops an unfinished formula at the end of a cut-off part; the in-memory one not."""
    xml = b'<worksheet><sheetData><f><c r="C3"><f>"010190-1234"</f><v>0</v></c>'
    assert b"010190-1234" in outside_cells(xml)


@pytest.mark.parametrize("kept", [True, False])
@pytest.mark.parametrize("where", ["header", "formula"])
def test_a_cpr_number_in_a_header_or_a_formula_is_refused_read_from_memory_or_from_the_zip(
        kept: bool, where: str) -> None:
    cpr = b"010190-1234"
    cells = b'<row r="1"><c r="A1" t="n"><v>1</v></c>' + \
        (b'<c r="B1" t="str"><f>"' + cpr + b'"</f><v>x</v></c>' if where == "formula" else b"") + b"</row>"
    header = b"<headerFooter><oddHeader>" + cpr + b"</oddHeader></headerFooter>" if where == "header" else b""
    sheet = b"<worksheet><sheetData>" + cells + b"</sheetData>" + header + b"</worksheet>"
    data = one_sheet_xlsx(sheet)
    with pytest.raises(CprRefused):
        refuse_cpr_in_package(data, "xlsx", {"xl/worksheets/sheet1.xml": sheet} if kept else None)


def test_a_cpr_like_value_inside_the_cells_is_left_to_the_cell_scan() -> None:
    """The values inside sheetData are scanned as cells (with their own message naming the cell), not here."""
    sheet = b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>010190-1234</t></is></c></row>' \
            b"</sheetData></worksheet>"
    refuse_cpr_in_package(one_sheet_xlsx(sheet), "xlsx", {"xl/worksheets/sheet1.xml": sheet})


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from([b"1", b"2", b"0", b"9", b" ", b"-", b"/", b"a", b"<", b">", b"&#49;", b"&#x31;",
                                 b"\xc2\xa0", b"\xef\xbc\x91", b"&amp;", b"\xe2\x80\x90"]), max_size=60).map(b"".join))
def test_candidates_tried_only_where_digits_start_are_the_same_matches(text):
    """The CPR scan's candidate pattern skips positions inside a run of digits (a hostile file of many short
    digit runs was slow); it finds exactly the matches of the pattern tried at every position."""
    import re

    from klyngedesk.core.ingest import privacy

    everywhere = re.compile(privacy._D + rb"(?:" + privacy._S + rb"{0,6}" + privacy._D + rb"){8,}")
    assert [m.span() for m in privacy._CANDIDATE.finditer(text)] == [m.span() for m in everywhere.finditer(text)]
