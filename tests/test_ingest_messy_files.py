"""Files as clinics and regions really write them (merged title cells, totals rows, Danish thousands, "12,5 %",
numbers as text, BOM, UTF-16 and cp1252, either delimiter, hidden sheets, cached formulas, leading apostrophes
and zeros, empty trailing columns, CPR numbers in free text): each is stored exactly, or refused with a Danish
message naming the file, sheet, row and column, and then nothing at all is written."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from klyngedesk.core.ingest import commit_plan, plan_import
from klyngedesk.i18n import KlyngeError

HEADER = ["ydernummer", "praksis", "maaling", "periode", "vaerdi"]


@pytest.fixture
def setting(small_demo):
    clinics, period = small_demo.clinics()[:3], small_demo.periods()[-1].key
    measures = [i.numerator for i in small_demo.topics()[0].indicators][:2]
    rows = [[c.yder, c.name, m, period, 10 + k] for k, (c, m) in enumerate((c, m) for c in clinics for m in measures)]
    return small_demo, rows


def _xlsx(path: Path, rows: list[list], prepare: Callable | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    for row in rows:
        ws.append(row)
    if prepare:
        prepare(wb, ws)
    wb.save(path)
    return path


def _text(path: Path, rows: list[list], encoding: str = "utf-8", sep: str = ";", bom: bool = False) -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows(rows)
    path.write_bytes(("\ufeff" if bom else "").encode(encoding) + out.getvalue().encode(encoding))
    return path


def _cached_formulas(path: Path) -> Path:
    """The value cells as formulas with their results cached, as Excel saves them."""
    data = path.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for name in z.namelist():
            part = z.read(name)
            if name.startswith("xl/worksheets/"):
                part = re.sub(rb'<c r="(E\d+)" t="n"><v>(\d+)</v></c>',
                              rb'<c r="\1"><f>\2*1</f><v>\2</v></c>', part)
            w.writestr(name, part)
    path.write_bytes(out.getvalue())
    return path


def _with(rows: list[list], column: int, values: list) -> list[list]:
    return [r[:column] + [v] + r[column + 1:] for r, v in zip(rows, values, strict=True)]


def _hidden_sheet(rows: list[list]) -> Callable:
    def prepare(wb, ws) -> None:
        hidden = wb.create_sheet("Kladde")
        hidden.append(HEADER)
        hidden.append([*rows[0][:4], 999])
        hidden.sheet_state = "hidden"
    return prepare


def _merged_title(wb, ws) -> None:
    ws.insert_rows(1)
    ws["A1"] = "Indberetning til klyngen"
    ws.merge_cells("A1:E1")


STORED = {
    "plain.xlsx": lambda d, r: _xlsx(d, [HEADER, *r]),
    "totals_row.xlsx": lambda d, r: _xlsx(d, [HEADER, *r, ["I alt", "", "", "", sum(x[4] for x in r)]]),
    "totals_row_by_name.xlsx": lambda d, r: _xlsx(d, [HEADER, *r, ["", "I alt", "", "", sum(x[4] for x in r)]]),
    # practices whose names start like a totals label, beside their yder numbers, are data (they were left out)
    "named_like_totals.xlsx": lambda d, r: _xlsx(d, [HEADER, *_with(r, 1, ["Sum Lægehus", "Sum Lægehus",
                                                                           "Total Lægecenter", "Total Lægecenter",
                                                                           *(x[1] for x in r[4:])])]),
    "merged_title.xlsx": lambda d, r: _xlsx(d, [HEADER, *r], _merged_title),
    "numbers_as_text.xlsx": lambda d, r: _xlsx(d, [HEADER, *_with(r, 4, [str(x[4]) for x in r])]),
    "yder_as_number.xlsx": lambda d, r: _xlsx(d, [HEADER, *_with(r, 0, [int(x[0]) for x in r])]),
    "hidden_sheet.xlsx": lambda d, r: _xlsx(d, [HEADER, *r], _hidden_sheet(r)),
    "cached_formulas.xlsx": lambda d, r: _cached_formulas(_xlsx(d, [HEADER, *r])),
    "bom.csv": lambda d, r: _text(d, [HEADER, *r], bom=True),
    "utf16.csv": lambda d, r: _text(d, [HEADER, *r], encoding="utf-16"),
    "cp1252.csv": lambda d, r: _text(d, [HEADER, *r], encoding="cp1252"),
    "comma.csv": lambda d, r: _text(d, [HEADER, *r], sep=","),
    "trailing_columns.csv": lambda d, r: _text(d, [[*HEADER, "", ""], *[[*x, "", ""] for x in r]]),
    "apostrophe_yder.csv": lambda d, r: _text(d, [HEADER, *_with(r, 0, ["'" + x[0] for x in r])]),
    "leading_zero_yder.csv": lambda d, r: _text(d, [HEADER, *_with(r, 0, [x[0].zfill(7) for x in r])]),
}


@pytest.mark.parametrize("name", sorted(STORED))
def test_each_file_is_stored_exactly(setting, tmp_path: Path, name: str) -> None:
    project, rows = setting
    path = STORED[name](tmp_path / name, rows)
    plan = plan_import(project, [path], confirm=True)
    assert plan.ok, [f.message("da") for f in plan.files]
    commit_plan(project, plan)
    stored = project.values()
    stored = stored[stored["file_name"] == name].sort_values("row")
    assert list(stored["value"]) == [float(r[4]) for r in rows]
    assert set(stored["status"]) == {"ok"}


def test_danish_thousands_and_decimals_written_as_text(setting, tmp_path: Path) -> None:
    project, rows = setting
    texts = [f"1.2{k}4" for k in range(len(rows))]
    path = _text(tmp_path / "tusinder.csv", [HEADER, *_with(rows, 4, texts)])
    plan = plan_import(project, [path], confirm=True)
    commit_plan(project, plan)
    stored = project.values()
    assert list(stored[stored["file_name"] == "tusinder.csv"].sort_values("row")["value"]) == \
        [float(t.replace(".", "")) for t in texts]


def _only_hidden(wb, ws) -> None:
    ws.sheet_state = "hidden"
    wb.create_sheet("Forside").append(["Se arket Data"])
    wb.active = 1


REFUSED = {
    "data_on_a_hidden_sheet.xlsx": (lambda d, r: _xlsx(d, [HEADER, *r], _only_hidden), "skjulte ark (Data)"),
    # (file, cells changed) -> the place the Danish message must name
    "cpr_in_note.csv": (lambda d, r: _text(d, [[*HEADER, "note"], *[[*x, "ring 010190-1234" if k == 2 else ""]
                                                                    for k, x in enumerate(r)]]),
                        "række 4, kolonne F"),
    "cpr_in_note.xlsx": (lambda d, r: _xlsx(d, [[*HEADER, "note"], *[[*x, "ring 0101901234" if k == 2 else ""]
                                                                     for k, x in enumerate(r)]]),
                         "ark Data, række 4, kolonne F"),
    "percent_of_a_count.csv": (lambda d, r: _text(d, [HEADER, *_with(r, 4, [f"{x[4]},5 %" for x in r])]),
                               "kolonne vaerdi"),
    "negative.xlsx": (lambda d, r: _xlsx(d, [HEADER, *_with(r, 4, [-x[4] if k == 1 else x[4]
                                                                   for k, x in enumerate(r)])]),
                      "ark Data, række 3, kolonne vaerdi (E)"),
    "twice.xlsx": (lambda d, r: _xlsx(d, [HEADER, *r, r[0]]), "ark Data, række 8, kolonne vaerdi (E)"),
    "unknown_clinic.xlsx": (lambda d, r: _xlsx(d, [HEADER, *r, ["999999", "Ukendt", *r[0][2:]]]),
                            "ark Data, række 8"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_each_bad_file_is_refused_in_danish_naming_its_place_and_nothing_is_written(
        setting, tmp_path: Path, name: str) -> None:
    project, rows = setting
    make, place = REFUSED[name]
    path = make(tmp_path / name, rows)
    batches, count = len(project.batches()), project.value_count()
    plan = plan_import(project, [path], confirm=True)
    assert not plan.ok
    message = plan.files[0].message("da") or ""
    assert message.startswith(name) and place in message, message
    with pytest.raises(KlyngeError):
        commit_plan(project, plan)
    assert (len(project.batches()), project.value_count()) == (batches, count)
