"""Known gaps closed: a number read one way because of the file's format is said, never silent; every
number is read exactly as asserted or the file is refused in Danish naming file, sheet, row and column."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from klyngedesk.cli.main import main
from klyngedesk.core.ingest import inspect_file
from klyngedesk.core.ingest.cells import Suppressed

HEAD = "ydernummer;maaling;periode;vaerdi\n"


def _csv(tmp_path, name: str, body: str):
    path = tmp_path / name
    path.write_text(HEAD + body, encoding="utf-8")
    return path


@pytest.mark.parametrize("others", [["<5", "*"], ["7"], ["<5"], ["-", "12"]])
def test_standard_csv_says_how_1_234_was_read_whatever_else_the_column_holds(tmp_path, capsys, others):
    """'1.234' in the standard format is 1234 (it writes decimals with a comma): inspect says so, as it does
    for any column whose reading the file decided, with suppressed cells or without."""
    rows = ["808343;kol_patienter;2026H1;1.234"] + [f"1{i:05d};kol_patienter;2026H1;{v}" for i, v in enumerate(others)]
    path = _csv(tmp_path, "standard.csv", "\n".join(rows) + "\n")
    report = inspect_file(path)
    assert report.status == "ok"
    values = report.tables[0].parsed["vaerdi"].values
    assert values[0] == 1234.0
    for raw, value in zip(others, values[1:], strict=True):
        assert value == Suppressed(raw) if not raw.isdigit() else value == float(raw)
    warnings = [p.message("da") for p in report.problems if p.column == "vaerdi"]
    assert len(warnings) == 1 and "1.234" in warnings[0] and "1234" in warnings[0]
    assert "standardformatet" in warnings[0]
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "kolonne vaerdi" in out and "læses som 1234" in out


def test_standard_column_whose_own_numbers_decide_says_nothing_more(tmp_path):
    """'12,5' beside '1.234' already shows the Danish style: nothing to say about the reading."""
    path = _csv(tmp_path, "plain.csv", "808343;kol_patienter;2026H1;1.234\n162550;kol_patienter;2026H1;12,5\n")
    report = inspect_file(path)
    assert report.tables[0].parsed["vaerdi"].values == [1234.0, 12.5]
    assert not [p for p in report.problems if p.column == "vaerdi"]


def _text_cells_workbook(tmp_path):
    """A standard-format xlsx whose values are text cells '1.234' and '1,234'."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["ydernummer", "maaling", "periode", "vaerdi"])
    ws.append(["808343", "kol_patienter", "2026H1", "1.234"])
    ws.append(["162550", "kol_patienter", "2026H1", "1,234"])
    path = tmp_path / "tekst.xlsx"
    wb.save(path)
    return path


def test_standard_workbook_text_cells_1_234_and_1_comma_234_are_read_and_said(tmp_path):
    """Text cells of a standard xlsx: '1.234' is 1234, '1,234' is 1.234, the reading is said, and a count of
    1,234 patients is refused by its row and column."""
    path = _text_cells_workbook(tmp_path)
    report = inspect_file(path)
    assert report.tables[0].parsed["vaerdi"].values == [1234.0, 1.234]
    said = [p.message("da") for p in report.problems if p.column == "vaerdi"]
    assert any("1.234 læses som 1234 ('.' som tusindtalsseparator)" in m and "standardformatet" in m for m in said)
    assert any("1,234 læses som 1,234 (',' som decimaltegn)" in m for m in said), said  # both readings said


def test_import_plan_carries_the_reading_and_refuses_a_fractional_count(demo_path, tmp_path, capsys):
    path = _text_cells_workbook(tmp_path)
    assert main(["import", str(demo_path), str(path), "--dry-run"]) == 1
    out = capsys.readouterr()
    text = out.out + out.err
    assert "tekst.xlsx, ark Data, række 3, kolonne vaerdi (D)" in text and "helt tal" in text
    assert "standardformatet" in text and "Traceback" not in text


# --- ods: a date cell shown as a month or a year names that month or year, never the round's first day -------
_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"')
_DATE_STYLES = {
    "month": '<number:month number:textual="true"/><number:text> </number:text><number:year number:style="long"/>',
    "year": '<number:year number:style="long"/>',
    "day": '<number:day/><number:text>-</number:text><number:month/><number:text>-</number:text><number:year/>',
}


def _ods(path, clinics, shown: str, where: str):
    """An ods as LibreOffice writes it: the period column's date cells (1 July 2026) shown by a date style;
    `where` puts the style on each cell, on the column's default cell style, or in styles.xml."""
    import zipfile

    data_style = f'<number:date-style style:name="N1">{_DATE_STYLES[shown]}</number:date-style>'
    cell_style = '<style:style style:name="ce1" style:family="table-cell" style:data-style-name="N1"/>'
    automatic = "" if where == "styles.xml" else data_style + cell_style
    column = '<table:table-column table:number-columns-repeated="2"/><table:table-column ' + \
        ('table:default-cell-style-name="ce1"/>' if where == "column" else "/>") + '<table:table-column/>'
    own = ' table:style-name="ce1"' if where in ("cell", "styles.xml") else ""

    def cell(value) -> str:
        if isinstance(value, int):
            return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p>' \
                   '</table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'

    rows = "<table:table-row>" + "".join(cell(h) for h in ("ydernummer", "maaling", "periode", "vaerdi")) + \
        "</table:table-row>"
    for i, c in enumerate(clinics):
        rows += (f"<table:table-row>{cell(c.yder)}{cell('morfin_brugere')}<table:table-cell{own} "
                 'office:value-type="date" office:date-value="2026-07-01"><text:p>jul. 2026</text:p>'
                 f"</table:table-cell>{cell(10 + i)}</table:table-row>")
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} office:version="1.2">'
               f"<office:automatic-styles>{automatic}</office:automatic-styles><office:body><office:spreadsheet>"
               f'<table:table table:name="Data">{column}{rows}</table:table></office:spreadsheet></office:body>'
               "</office:document-content>")
    styles = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {_ODS_NS} office:version="1.2">'
              f"<office:styles>{data_style + cell_style if where == 'styles.xml' else ''}</office:styles>"
              "</office:document-styles>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:'
                   'names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')
        z.writestr("content.xml", content)
        z.writestr("styles.xml", styles)
    return path


@pytest.mark.parametrize("where", ["cell", "column", "styles.xml"])
@pytest.mark.parametrize("shown", ["month", "year", "day"])
def test_ods_date_shown_as_a_month_or_year_is_not_the_rounds_first_day(demo_path, tmp_path, shown, where):
    """1 July 2026 shown 'jul. 2026' is July: a month's count is refused naming the round that holds it (as in
    xlsx and xls); shown as a year it is not the half year either; shown as a day it is the round's first day
    and the counts are stored exactly."""
    from datetime import date as day

    import clinic_files as cf

    from klyngedesk.core.ingest import commit_plan, plan_import
    from klyngedesk.core.model import Period
    from klyngedesk.core.store import Project

    with Project.open(demo_path) as project:
        project.add_period(Period("2026H2", "2. halvår 2026", day(2026, 7, 1), day(2026, 12, 31)))
        clinics = cf.demo_clinics(project)[:3]
    path = _ods(tmp_path / "perioder.ods", clinics, shown, where)
    with Project.open(demo_path) as project:
        plan = plan_import(project, [path], confirm=True)
        errors = [p.message(fp.name, "da") for fp in plan.files for p in fp.problems if p.severity == "error"]
        if shown == "day":
            assert plan.ok, errors
            commit_plan(project, plan)
            df = project.values(period="2026H2")
            got = {(r.clinic, r.measure): r.value for r in df.itertuples(index=False)}
            assert got == {(c.key, "morfin_brugere"): float(10 + i) for i, c in enumerate(clinics)}
        else:
            assert not plan.ok and errors
            assert all("perioder.ods, ark Data, række" in e for e in errors[:1]), errors
            assert any("2026" in e and ("ikke hele perioden" in e or "Ukendt periode" in e) for e in errors), errors


# --- periods in columns (wide by period) and the same clinic twice under two names ----------------------------
def _clinics(demo_path):
    import clinic_files as cf

    from klyngedesk.core.store import Project

    with Project.open(demo_path) as project:
        return cf.demo_clinics(project), len(project.batches()), len(project.values())


@pytest.mark.parametrize("headings", [["2025H2", "2026H1"], ["2. halvår 2025", "1. halvår 2026"]])
def test_periods_in_columns_are_refused_naming_the_columns(demo_path, tmp_path, capsys, headings):
    """ydernummer; maaling; 2025H2; 2026H1 is wide by period: never read into one period; the refusal names
    the file, the sheet and the period columns, and nothing is stored."""
    from klyngedesk.core.store import Project

    clinics, batches, values = _clinics(demo_path)
    wb = Workbook()
    ws = wb.active
    ws.title = "Opgørelse"
    ws.append(["ydernummer", "maaling", *headings])
    for i, c in enumerate(clinics[:3]):
        ws.append([c.yder, "morfin_brugere", 10 + i, 20 + i])
    path = tmp_path / "perioder_i_kolonner.xlsx"
    wb.save(path)
    assert main(["import", str(demo_path), str(path), "--yes"]) == 1
    out = capsys.readouterr()
    text = out.out + out.err
    assert "perioder_i_kolonner.xlsx, ark Opgørelse: Perioderne står i kolonner" in text, text
    assert f"{headings[0]} (C), {headings[1]} (D)" in text and "Intet blev importeret" in text
    with Project.open(demo_path) as project:
        assert (len(project.batches()), len(project.values())) == (batches, values)


def test_long_file_with_the_period_in_rows_is_read_exactly(demo_path, tmp_path):
    from klyngedesk.core.ingest import plan_import
    from klyngedesk.core.store import Project

    clinics, _, _ = _clinics(demo_path)
    lines = ["ydernummer;periode;morfin_brugere"] + [f"{c.yder};{p};{10 + i + 5 * j}" for i, c in
                                                      enumerate(clinics[:3]) for j, p in enumerate(["2025H2", "2026H1"])]
    path = tmp_path / "lang.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Project.open(demo_path) as project:
        plan = plan_import(project, [path], confirm=True)
        assert plan.ok
        got = {(v.clinic, v.period): v.value for v in plan.files[0].values}
    assert got == {(c.key, p): float(10 + i + 5 * j) for i, c in enumerate(clinics[:3])
                   for j, p in enumerate(["2025H2", "2026H1"])}


@pytest.mark.parametrize(("rows", "said"), [
    # one yder number under two names: the clinic twice for the same measure and period
    (lambda a, b: [f"{a.yder};{a.name};4", f"{a.yder};{a.name} (filial);5", f"{b.yder};{b.name};6"],
     "står der mere end én gang for 2026H1: kol_patienter i række 2 og 3"),
    # the yder number of one clinic beside the name of another
    (lambda a, b: [f"{a.yder};{a.name};4", f"{b.yder};{a.name};5"], "rækken nævner to klinikker"),
])
def test_the_same_clinic_twice_under_two_names_is_refused_by_its_row(demo_path, tmp_path, capsys, rows, said):
    from klyngedesk.core.store import Project

    clinics, batches, values = _clinics(demo_path)
    body = [f"{r.split(';')[0]};{r.split(';')[1]};kol_patienter;2026H1;{r.split(';')[2]}"
            for r in rows(clinics[0], clinics[1])]
    path = tmp_path / "to_navne.csv"
    path.write_text("ydernummer;praksis;maaling;periode;vaerdi\n" + "\n".join(body) + "\n", encoding="utf-8")
    assert main(["import", str(demo_path), str(path), "--yes"]) == 1
    out = capsys.readouterr()
    text = out.out + out.err
    assert "to_navne.csv, række 3" in text and said in text, text
    with Project.open(demo_path) as project:
        assert (len(project.batches()), len(project.values())) == (batches, values)


def test_other_workbook_with_text_cells_1_234_and_1_comma_234_is_not_guessed(tmp_path, capsys):
    """Outside the standard format nothing says which mark is which: the column is an error naming the sheet
    and column and both readings; `inspect --values` gives both readings, never a number."""
    import json

    wb = Workbook()
    ws = wb.active
    ws.title = "Ark1"
    ws.append(["praksis", "antal"])
    for name, text in (("A", "1.234"), ("B", "1,234"), ("C", "<5"), ("D", "*")):
        ws.append([name, text])
    path = tmp_path / "blandet.xlsx"
    wb.save(path)
    report = inspect_file(path)
    errors = [p for p in report.problems if p.severity == "error"]
    assert errors and errors[0].column == "antal" and errors[0].sheet == "Ark1"
    assert "gætter ikke" in errors[0].message("da")
    assert main(["inspect", str(path), "--json", "--values"]) == 1
    rows = json.loads(capsys.readouterr().out)["files"][0]["tables"][0]["values"]
    assert [cell for _, cell in rows] == [{"ambiguous": "1.234", "readings": [1234, 1.234]},
                                          {"ambiguous": "1,234", "readings": [1234, 1.234]},
                                          {"suppressed": "<5"}, {"suppressed": "*"}]
