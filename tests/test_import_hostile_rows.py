"""Rows as real files have them (short, ragged, half-filled): one clear Danish message naming the row, never 'None'."""

from __future__ import annotations

from pathlib import Path

import clinic_files as cf
from openpyxl import Workbook

from klyngedesk.cli.main import main
from klyngedesk.core.store import Project

HEADER = ["ydernummer", "praksis", "maaling", "periode", "vaerdi"]


def _snapshot(path: Path) -> tuple:
    with Project.open(path, readonly=True) as project:
        return project.values(history=True).to_dict("records"), len(project.batches())


def _clinics(project_path: Path) -> list[cf.DemoClinic]:
    with Project.open(project_path, readonly=True) as project:
        return cf.demo_clinics(project)


def _refused(project_path: Path, path: Path, capsys) -> str:
    before = _snapshot(project_path)
    assert main(["--lang", "da", "import", str(project_path), str(path), "--yes"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "None" not in err, err
    assert _snapshot(project_path) == before
    return err


def test_a_ragged_csv_row_without_its_period_names_the_row(demo_path: Path, tmp_path: Path, capsys) -> None:
    a, b = _clinics(demo_path)[:2]
    path = tmp_path / "ujævn.csv"
    path.write_text("\n".join([";".join(HEADER), f"{a.yder};{a.name};kol_patienter;2026H1;100;;ekstra",
                               f"{b.yder};{b.name};kol_patienter"]) + "\n", encoding="utf-8")
    err = _refused(demo_path, path, capsys)
    assert "række 3" in err and "periode" in err.lower()


def test_an_empty_period_cell_with_a_value_is_an_error_not_a_silent_drop(demo_path: Path, tmp_path: Path,
                                                                        capsys) -> None:
    a = _clinics(demo_path)[0]
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(HEADER)
    ws.append([a.yder, a.name, "kol_patienter", "2026H1", 120])
    ws.append([a.yder, a.name, "kol_lfu", None, 90])
    path = tmp_path / "halvt.xlsx"
    wb.save(path)
    err = _refused(demo_path, path, capsys)
    assert "række 3" in err and "ark Data" in err and "periode" in err.lower()


def test_empty_period_cells_are_counted_once_and_the_rest_of_the_file_is_unharmed(demo_path: Path, tmp_path: Path,
                                                                                   capsys) -> None:
    """Several rows without a period: one message (the first row), nothing stored; the same file with the
    periods filled in imports the right numbers."""
    a = _clinics(demo_path)[0]
    rows = [("kol_patienter", "120"), ("kol_lfu", "90"), ("kol_rehab", "20")]
    path = tmp_path / "uden_periode.csv"
    path.write_text("\n".join([";".join(HEADER), *(f"{a.yder};{a.name};{m};;{v}" for m, v in rows)]) + "\n",
                    encoding="cp1252")
    err = _refused(demo_path, path, capsys)
    assert err.count("perioden er tom") == 1 and "række 2" in err
    path.write_text("\n".join([";".join(HEADER), *(f"{a.yder};{a.name};{m};2026H1;{v}" for m, v in rows)]) + "\n",
                    encoding="cp1252")
    assert main(["--lang", "da", "import", str(demo_path), str(path), "--yes"]) == 0, capsys.readouterr().err
    with Project.open(demo_path, readonly=True) as project:
        values = project.values()
        got = values[(values["clinic"] == a.key) & (values["period"] == "2026H1")]
        stored = dict(zip(got["measure"], got["value"], strict=True))
        assert {m: stored[m] for m, _ in rows} == {"kol_patienter": 120.0, "kol_lfu": 90.0, "kol_rehab": 20.0}


def test_a_fractional_count_of_patients_is_refused_with_its_cell(demo_path: Path, tmp_path: Path, capsys) -> None:
    """'100,5' patients (a decimal comma typed where none belongs) is no count of patients: refused, not stored."""
    a = _clinics(demo_path)[0]
    path = tmp_path / "brøk.csv"
    path.write_text("\n".join([";".join(HEADER), f"{a.yder};{a.name};kol_patienter;2026H1;100,5",
                               f"{a.yder};{a.name};kol_lfu;2026H1;80"]) + "\n", encoding="utf-8")
    err = _refused(demo_path, path, capsys)
    assert "100,5" in err and "helt tal" in err and "række 2" in err, err


def test_whole_counts_written_with_a_decimal_part_import(demo_path: Path, tmp_path: Path, capsys) -> None:
    """'120,0' is a whole number in Danish notation: it imports as 120."""
    a = _clinics(demo_path)[0]
    path = tmp_path / "hele.csv"
    path.write_text("\n".join([";".join(HEADER), f"{a.yder};{a.name};kol_patienter;2026H1;120,0",
                               f"{a.yder};{a.name};kol_lfu;2026H1;80"]) + "\n", encoding="utf-8")
    assert main(["--lang", "da", "import", str(demo_path), str(path), "--yes"]) == 0, capsys.readouterr().err
    with Project.open(demo_path, readonly=True) as project:
        values = project.values()
        got = values[(values["clinic"] == a.key) & (values["period"] == "2026H1")]
        stored = dict(zip(got["measure"], got["value"], strict=True))
        assert (stored["kol_patienter"], stored["kol_lfu"]) == (120.0, 80.0)


def test_a_danish_excel_csv_with_danish_error_codes_imports_them_as_missing(demo_path: Path, tmp_path: Path,
                                                                           capsys) -> None:
    """Danish Excel saves #N/A as '#I/T' and #DIV/0! as '#DIVISION/0!' (cp1252, semicolons): the same warning
    and 'missing' as the English codes, the other values stored right."""
    a, b, c = _clinics(demo_path)[:3]
    path = tmp_path / "eksport fra Excel.csv"
    path.write_text("\r\n".join([";".join(HEADER), f"{a.yder};{a.name};kol_patienter;2026H1;#I/T",
                                 f"{b.yder};{b.name};kol_patienter;2026H1;#DIVISION/0!",
                                 f"{c.yder};{c.name};kol_patienter;2026H1;#værdi!",
                                 f"{a.yder};{a.name};kol_lfu;2026H1;1.000"]) + "\r\n", encoding="cp1252")
    assert main(["--lang", "da", "import", str(demo_path), str(path), "--yes"]) == 0
    err = capsys.readouterr().err
    assert "regnearksfejlen #I/T" in err and "regnearksfejlen #DIVISION/0!" in err and "#VÆRDI!" in err, err
    with Project.open(demo_path, readonly=True) as project:
        values = project.values()
        now = values[values["period"] == "2026H1"].set_index(["clinic", "measure"])
        assert {now.loc[(k.key, "kol_patienter"), "status"] for k in (a, b, c)} == {"missing"}
        assert now.loc[(a.key, "kol_lfu"), "value"] == 1000.0


def test_a_true_false_cell_is_named_as_the_spreadsheet_shows_it(demo_path: Path, tmp_path: Path, capsys) -> None:
    """A ticked check box (TRUE) where a count belongs: refused, said as Danish Excel shows it, never 'True'."""
    a = _clinics(demo_path)[0]
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(HEADER)
    ws.append([a.yder, a.name, "kol_patienter", "2026H1", True])
    path = tmp_path / "afkrydset.xlsx"
    wb.save(path)
    err = _refused(demo_path, path, capsys)
    assert "Værdien SAND er ikke et tal" in err and "True" not in err, err
    assert main(["--lang", "en", "import", str(demo_path), str(path), "--yes"]) == 1
    assert "The value TRUE is not a number" in capsys.readouterr().err
