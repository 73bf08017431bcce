"""The HTML-table reader (what journal systems save as .xls): any table written out comes back cell for cell."""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st

from klyngedesk.core.ingest.html_reader import read_html

TEXT = st.text(alphabet=st.sampled_from(list("abcæøå ÆØÅ019.,;%<>&\"'-")), max_size=12)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.lists(TEXT, min_size=1, max_size=6), min_size=1, max_size=8), st.booleans())
def test_any_table_comes_back_cell_for_cell(grid: list[list[str]], header: bool) -> None:
    width = max(map(len, grid))
    grid = [row + [""] * (width - len(row)) for row in grid]
    cells = [["th" if header and r == 0 else "td" for _ in row] for r, row in enumerate(grid)]
    page = "<html><head><title>x</title></head><body><table>" + "".join(
        "<tr>" + "".join(f"<{t}>{html.escape(v)}</{t}>" for t, v in zip(tags, row, strict=True)) + "</tr>\n"
        for tags, row in zip(cells, grid, strict=True)) + "</table></body></html>"
    rows, _ = read_html(page)
    expected = [[" ".join(v.split()) for v in row] for row in grid]
    while expected and not any(expected[-1]) and rows and not any(rows[-1]):
        expected.pop()
        rows.pop()
    assert rows == expected


def test_merged_cells_nested_tables_and_text_outside() -> None:
    page = ("<html><head><title>Udtræk 2026</title><style>td {color: red}</style></head><body><!-- note -->"
            "<table><tr><th rowspan=2>A</th><th colspan=2>B</th></tr><tr><td>b1</td><td>b2<br>x</td></tr>"
            "<tr><td>1</td><td><table><tr><td>inde</td></tr></table></td><td>3</td></tr></table>"
            "<p>efter</p><table><tr><td>ny</td></tr></table></body></html>")
    rows, outside = read_html(page)
    assert rows == [["A", "B", ""], ["", "b1", "b2 x"], ["1", "inde", "3"], [], ["ny"]]
    assert "Udtræk 2026" in outside and "note" in outside and "efter" in outside and "color: red" in outside


def test_a_cpr_number_anywhere_in_an_html_xls_refuses_it_without_showing_it(tmp_path) -> None:
    from klyngedesk.core.ingest import inspect_file

    table = "<table><tr><td>Ydernummer</td><td>Antal</td></tr><tr><td>{cell}</td><td>2</td></tr></table>"
    places = {"010170&nbsp;1234": "række 2, kolonne A", "&#48;&#49;0170-1234": "række 2, kolonne A",
              "0101<b>70</b>-1234": "række 2, kolonne A"}
    pages = {f"<html>{table.format(cell=c)}</html>": where for c, where in places.items()}
    outside = "uden for cellerne"
    pages['<html><table><tr><td title="010170-1234">x</td><td>1</td></tr></table></html>'] = outside
    pages[f"<html><!-- patient 0101701234 -->{table.format(cell='1')}</html>"] = outside
    pages[f"<html><script>var p = '010170-1234';</script>{table.format(cell='1')}</html>"] = outside
    for i, (page, where) in enumerate(pages.items()):
        path = tmp_path / f"cpr{i}.xls"
        path.write_text(page, encoding="utf-8")
        report = inspect_file(path)
        message = report.refusal.message("da") if report.refusal else ""
        assert report.refusal is not None and report.refusal.kind == "cpr" and where in message, (page, message)
        assert "0101" not in message and "1234" not in message
