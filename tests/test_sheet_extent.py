"""The used area of an xlsx sheet is counted from its cells as written (the guard before calamine reads it)."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from klyngedesk.core.ingest.limits import MAX_SHEET_CELLS, _xlsx_extent
from klyngedesk.core.ingest.tables import col_letter

cells = st.lists(st.tuples(st.integers(1, 1_048_576), st.integers(1, 16_384), st.booleans(), st.booleans()),
                 max_size=40)


def _xml(found: list[tuple[int, int, bool, bool]]) -> bytes:
    """A sheet holding the cells (row, column, empty and styled only, row written with leading zeros)."""
    parts = []
    for row, col, empty, zeros in found:
        ref = f"{col_letter(col - 1)}{str(row).zfill(7) if zeros else row}"
        parts.append(f'<c r="{ref}" s="1"/>' if empty else f'<c r="{ref}" t="n"><v>{row}</v></c>')
    return ('<worksheet><sheetData><row r="1">' + "".join(parts) + "</row></sheetData></worksheet>").encode()


@settings(max_examples=200, deadline=None, derandomize=True)
@given(cells)
def test_the_farthest_cell_with_content_sets_the_area(found: list[tuple[int, int, bool, bool]]) -> None:
    ext = _xlsx_extent(io.BytesIO(_xml(found)), MAX_SHEET_CELLS * 10**6)
    content = [(r, c) for r, c, empty, _ in found if not empty]
    assert ext.cells == len(content)
    assert ext.rows == max((r for r, _ in content), default=0)
    assert ext.columns == max((c for _, c in content), default=0)


def test_a_stray_cell_far_out_counts_even_among_a_hundred_thousand_near_ones() -> None:
    near = [(r, c, False, False) for r in range(2, 20_002) for c in (1, 2, 3, 4, 5)]
    far = near[:50_000] + [(1_048_576, 16_384, False, False), (999_999, 3, False, True)] + near[50_000:]
    ext = _xlsx_extent(io.BytesIO(_xml(far)), 10**12)
    assert (ext.rows, ext.columns, ext.cells) == (1_048_576, 16_384, len(far))
