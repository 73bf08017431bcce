"""A single CPR number anywhere a file carries refuses it: nothing stored, the digits never printed or logged."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import clinic_files as cf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.comments import Comment

from klyngedesk.cli.main import main
from klyngedesk.core.cpr import cpr_in_text, cpr_in_value, redact, valid_cpr_digits
from klyngedesk.core.ingest import inspect_file
from klyngedesk.core.store import Project

# Fictional numbers with real birth dates. 2001597517 is a numeric cell (20-01-1859); 0707614285 is a real
# date whose modulus-11 sum fails, as CPR numbers issued since 2007 may.
CPRS = ("0101701234", "2001597517", "0707614285")
SECRETS = ("0101701234", "010170-1234", "2001597517", "200159-7517", "0707614285", "070761-4285", "101701234")
PERIOD = "2026H1"


def _snapshot(path: Path) -> tuple:
    with Project.open(path, readonly=True) as project:
        return (project.values(history=True).to_dict("records"), len(project.batches()), len(project.audit_log()),
                project.mapping_profiles())


def _project_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file())


def _clinic(demo_path: Path) -> cf.DemoClinic:
    with Project.open(demo_path, readonly=True) as project:
        return cf.demo_clinics(project)[0]


def _standard_rows(clinic: cf.DemoClinic) -> list[list]:
    return [["ydernummer", "praksis", "maaling", "periode", "vaerdi"],
            [clinic.yder, clinic.name, "kol_patienter", PERIOD, 120],
            [clinic.yder, clinic.name, "kol_lfu", PERIOD, 80],
            [clinic.yder, clinic.name, "kol_rehab", PERIOD, 12]]


def _xlsx(folder: Path, clinic: cf.DemoClinic, change: Callable[[Workbook], None], name: str = "klinik.xlsx") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    for row in _standard_rows(clinic):
        ws.append(row)
    change(wb)
    path = folder / name
    wb.save(path)
    return path


def _csv(folder: Path, clinic: cf.DemoClinic, cell: str, name: str = "klinik.csv") -> Path:
    rows = _standard_rows(clinic)
    rows[2][4] = cell
    path = folder / name
    path.write_text("\n".join(";".join(str(v) for v in r) for r in rows) + "\n", encoding="utf-8")
    return path


def _value_cell(wb: Workbook) -> None:
    wb["Data"]["E3"] = 2001597517  # a number, as Excel keeps a CPR typed without a dash


def _hidden_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet("Gemt")
    ws["C7"] = "010170-1234"
    ws.sheet_state = "hidden"


def _comment(wb: Workbook) -> None:
    wb["Data"]["B2"].comment = Comment("Ring til patienten 010170-1234", "Læge")


def _note_under_table(wb: Workbook) -> None:
    ws = wb["Data"]
    ws["A8"] = "Note: tallene er tjekket for patient 0707614285 og andre"


def _properties(wb: Workbook) -> None:
    wb.properties.keywords = "kol 010170-1234"


def _title(wb: Workbook) -> None:
    wb.properties.title = "Udtræk for 070761\u20134285"  # en dash


def _sheet_name(wb: Workbook) -> None:
    wb.create_sheet("010170-1234")


def _header_footer(wb: Workbook) -> None:
    wb["Data"].oddFooter.center.text = "Patient 010170 1234"


def _zero_width(wb: Workbook) -> None:
    wb["Data"]["B3"] = "Lægerne 0101\u200b70\u200b-1234"


XLSX_CASES: dict[str, tuple[Callable[[Workbook], None], str]] = {
    "value_cell_number": (_value_cell, "ark Data, række 3, kolonne E"),
    "hidden_sheet": (_hidden_sheet, "ark Gemt, række 7, kolonne C"),
    "comment": (_comment, "i en kommentar eller note"),
    "note_under_table": (_note_under_table, "ark Data, række 8, kolonne A"),
    "document_keywords": (_properties, "i dokumentegenskaberne"),
    "document_title_en_dash": (_title, "i dokumentegenskaberne"),
    "sheet_name": (_sheet_name, "i navnet på ark nr. 2"),
    "footer": (_header_footer, "sidefod"),
    "zero_width_space": (_zero_width, "ark Data, række 3, kolonne B"),
}


def _import_refused(demo_path: Path, path: Path, capsys, where: str, *extra: str) -> None:
    before = _snapshot(demo_path)
    assert main(["--lang", "da", "import", str(demo_path), str(path), "--yes", *extra]) == 1
    captured = capsys.readouterr()
    assert "CPR" in captured.err and where in captured.err, captured.err
    for secret in SECRETS:
        assert secret not in captured.err and secret not in captured.out
    assert _snapshot(demo_path) == before
    data = _project_bytes(demo_path)
    for secret in SECRETS:
        assert secret.encode() not in data


@pytest.mark.parametrize("case", XLSX_CASES)
def test_a_cpr_anywhere_in_a_workbook_refuses_it(case: str, demo_path: Path, capsys) -> None:
    change, where = XLSX_CASES[case]
    folder = demo_path.parent / "indbakke"
    folder.mkdir()
    path = _xlsx(folder, _clinic(demo_path), change)
    _import_refused(demo_path, path, capsys, where)


@pytest.mark.parametrize("cell", ["010170-1234", "010170\u20131234", "010170 1234", "01 01 70-1234",
                                  "0101\u200b701234", "010170\u00a01234", "0101701234", "070761-4285",
                                  "\ufeff010170\u20111234", "101701234", "010170.1234", "01.01.70-1234",
                                  "01.01.70.1234", "01.01.70 1234", "Født 01.01.70-1234"])
def test_a_single_cpr_in_a_csv_value_refuses_the_file(cell: str, demo_path: Path, capsys) -> None:
    path = _csv(demo_path.parent, _clinic(demo_path), cell)
    _import_refused(demo_path, path, capsys, "række 3, kolonne E")


def test_a_cpr_in_the_text_above_the_table(demo_path: Path, capsys) -> None:
    clinic = _clinic(demo_path)
    path = demo_path.parent / "udtraek.csv"
    lines = ["Udtræk for patient 010170-1234 (slet ikke denne linje)", ""] + \
        [";".join(str(v) for v in r) for r in _standard_rows(clinic)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _import_refused(demo_path, path, capsys, "række 1, kolonne A")


def test_a_cpr_in_the_file_name_is_refused_and_never_echoed(demo_path: Path, tmp_path: Path, capsys) -> None:
    clinic = _clinic(demo_path)
    path = _csv(tmp_path, clinic, "80", name="kol_010170-1234.csv")
    _import_refused(demo_path, path, capsys, "i filnavnet", "--json")
    assert main(["inspect", str(path), "--json"]) == 1
    out = capsys.readouterr().out
    [entry] = json.loads(out)["files"]
    assert entry["refusal"] == "cpr" and "010170-1234" not in out and "0101701234" not in out
    assert main(["inspect", str(path)]) == 1
    shown = capsys.readouterr()
    assert "010170-1234" not in shown.out + shown.err and "kol_••••••-••••.csv" in shown.out


def test_an_ods_with_a_cpr_in_its_properties_or_an_annotation(tmp_path: Path) -> None:
    from odf import dc, office, table, text
    from odf.opendocument import OpenDocumentSpreadsheet

    def ods(name: str, meta: bool, note: bool) -> Path:
        doc = OpenDocumentSpreadsheet()
        if meta:
            doc.meta.addElement(dc.Subject(text="Patient 010170-1234"))
        sheet = table.Table(name="Data")
        for values in (["maaling", "vaerdi"], ["kol_patienter", "12"]):
            tr = table.TableRow()
            for v in values:
                cell = table.TableCell(valuetype="string")
                cell.addElement(text.P(text=v))
                if note and v == "12":
                    annotation = office.Annotation()
                    annotation.addElement(text.P(text="se 0707614285"))
                    cell.addElement(annotation)
                tr.addElement(cell)
            sheet.addElement(tr)
        doc.spreadsheet.addElement(sheet)
        path = tmp_path / name
        doc.save(str(path))
        return path

    assert not inspect_file(ods("ren.ods", False, False)).refused
    for path in (ods("meta.ods", True, False), ods("note.ods", False, True)):
        report = inspect_file(path)
        assert report.refused and report.refusal.kind == "cpr"
        for secret in SECRETS:
            assert secret not in report.refusal.message("da") and secret not in json.dumps(report.to_json())


def test_the_refusal_says_where_and_how_many_never_what(tmp_path: Path) -> None:
    path = cf.cpr_file(tmp_path)
    report = inspect_file(path)
    message = report.refusal.message("en")
    assert "row 2, column A, and 4 more places" in message
    assert not any(ch.isdigit() for ch in message.replace("row 2", "").replace("4 more", ""))


def test_numbers_that_only_look_long_are_not_cprs(demo_path: Path, tmp_path: Path) -> None:
    """Ten digits without a real date, decimals, future birth dates and GUID-like groups are not CPR numbers,
    but a value above ten million is still an error for an aggregate (and not echoed)."""
    for text in ("1234567890", "0.1234567891", "0.0101701234", "1.010.170.123", "12.345.678.901,5",
                 "192.168.100.1234", "15.01.2024 1234", "1234567890,5", "3299991234", "0101-7012-34", "12 345 678 901", "2024-01-15",
                 "{00000000-0001-0000-0000-000000000000}", "tlf. 12 34 56 78", "0311288222"):
        assert not cpr_in_text(text), text
    assert not cpr_in_value(1234567890.0) and not cpr_in_value(0.1234567891) and not cpr_in_value(True)
    assert cpr_in_value(2001597517) and cpr_in_value(2001597517.0) and cpr_in_value(101701234.0)
    assert valid_cpr_digits("0707614285")  # fails modulus 11, still a CPR number
    assert redact("fil 010170-1234 og 0101701234.csv") == "fil ••••••-•••• og ••••••-••••.csv"


def test_an_implausibly_large_value_is_an_error_not_stored(demo_path: Path, capsys) -> None:
    path = _csv(demo_path.parent, _clinic(demo_path), "1234567890")
    before = _snapshot(demo_path)
    assert main(["--lang", "en", "import", str(demo_path), str(path), "--yes"]) == 1
    err = capsys.readouterr().err
    assert "above 10,000,000" in err and "1234567890" not in err
    assert _snapshot(demo_path) == before


def test_a_patient_count_above_the_list_size_is_an_error(demo_path: Path, capsys) -> None:
    with Project.open(demo_path) as project:
        clinic = cf.demo_clinics(project)[0]
        sizes = project.list_sizes(PERIOD)
        size = int(sizes[sizes.clinic == clinic.key].patients.iloc[0])
    path = _csv(demo_path.parent, clinic, "80")
    rows = _standard_rows(clinic)
    rows[1][4] = size + 1
    path.write_text("\n".join(";".join(str(v) for v in r) for r in rows) + "\n", encoding="utf-8")
    assert main(["--lang", "en", "import", str(demo_path), str(path), "--yes"]) == 1
    assert "larger than the list size" in capsys.readouterr().err


_SEPARATORS = ["-", "\u2013", "\u2011", " ", "\u00a0", " - ", "", ".", ". "]
_INVISIBLE = ["", "\u200b", "\u200d", "\ufeff", "\u00ad"]


@settings(max_examples=150, deadline=None)
@given(born=st.dates(min_value=date(1937, 1, 1), max_value=date(1999, 12, 31)), serial=st.one_of(st.integers(0, 4999), st.integers(9000, 9999)),
       split=st.sampled_from(_SEPARATORS), pairs=st.booleans(), invisible=st.sampled_from(_INVISIBLE),
       before=st.text(alphabet="abc æø:;(", max_size=8), after=st.text(alphabet="abc æø:;)", max_size=8))
def test_any_written_form_of_a_cpr_is_found_and_redacted(born: date, serial: int, split: str, pairs: bool,
                                                         invisible: str, before: str, after: str) -> None:
    """Births 1937-1999 with a 7th digit of 0-4 or 9 (which put them in the 1900s); any separators and
    invisible characters between the groups; any text around it."""
    day = born.strftime("%d%m%y")
    date_part = f"{day[:2]}{split if pairs else ''}{day[2:4]}{split if pairs else ''}{day[4:]}"
    digits = f"{serial:04d}"
    text = f"{before}{invisible.join(date_part)}{split}{invisible.join(digits)}{after}"
    assert cpr_in_text(text)
    assert cpr_in_value(text)
    shown = redact(text)
    assert day + digits not in "".join(ch for ch in shown if ch.isdigit())


def test_a_cpr_inside_a_formula_is_found(tmp_path: Path) -> None:
    """The formula's result shows no CPR number, but the formula itself holds one."""
    wb = Workbook()
    ws = wb.active
    ws.append(["maaling", "vaerdi"])
    ws.append(["kol_patienter", 12])
    for i in range(3, 3000):  # enough cells that the formula sits past the first chunks of the sheet
        ws.append([f"linje {i}", i])
    ws["C2999"] = '=LEN("010170-1234")'
    path = tmp_path / "formel.xlsx"
    wb.save(path)
    report = inspect_file(path)
    assert report.refused and report.refusal.kind == "cpr" and "010170" not in report.refusal.message("da")
