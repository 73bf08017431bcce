"""Messy files clinics send, each with one clear Danish message (or the right values): columns left out, two
columns for one measure, negatives written the accountant's way, dates and several numbers in a count cell, clinic
numbers merged over their rows, a clinic twice, a file of another topic, and spreadsheets saved as templates."""

from __future__ import annotations

import re
from pathlib import Path

import clinic_files as cf
import pytest

from klyngedesk.cli.main import main
from klyngedesk.core.store import Project


def _clinics(project_path: Path) -> list[cf.DemoClinic]:
    with Project.open(project_path, readonly=True) as project:
        return cf.demo_clinics(project)


def _snapshot(path: Path) -> tuple:
    with Project.open(path, readonly=True) as project:
        return project.values(history=True).astype(object).fillna("").to_dict("records"), len(project.batches())


def _import(project_path: Path, path: Path, capsys) -> tuple[int, str]:
    rc = main(["--lang", "da", "import", str(project_path), str(path), "--yes"])
    err = capsys.readouterr().err
    assert "Traceback" not in err and "None" not in err, err
    return rc, err


def _stored(project_path: Path, clinics: list[cf.DemoClinic], measures: list[str]) -> dict[tuple[str, str], float]:
    """(clinic, measure) -> the value stored for 2026H1 for these clinics."""
    with Project.open(project_path, readonly=True) as project:
        values = project.values()
    got = values[(values["period"] == "2026H1") & values["measure"].isin(measures) &
                 values["clinic"].isin([c.key for c in clinics])]
    return {(c, m): v for c, m, v in zip(got["clinic"], got["measure"], got["value"], strict=True)}


def _errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if line and not line.startswith("Advarsel") and
            "Intet blev importeret" not in line]


@pytest.mark.parametrize("suffix", [".xltx", ".xltm", ".ots"])
def test_a_spreadsheet_saved_as_a_template_is_read_as_the_workbook_it_is(demo_path: Path, tmp_path: Path, capsys,
                                                                        suffix: str) -> None:
    """A clinic that keeps our form as an Excel or LibreOffice template sends the template file: it was refused
    as 'named .xltx but holds xlsx'."""
    clinics = _clinics(demo_path)[:3]
    rows, expected = cf.wide_rows(clinics, "2026H1")
    path = cf.template_sheet(tmp_path / f"skabelon{suffix}", rows)
    rc, err = _import(demo_path, path, capsys)
    assert rc == 0, err
    assert "passer ikke til navnet" not in err, err
    assert _stored(demo_path, clinics, list(cf.KOL)) == {(c, m): v for (c, m, _), v in expected.items()}


@pytest.mark.parametrize(("written", "shown"), [
    ("(12)", "Et antal kan ikke være negativt: cellen indeholder '(12)', som læses som -12."),
    ("12-", "Et antal kan ikke være negativt: cellen indeholder '12-', som læses som -12."),
    ("( 1.234 )", "Et antal kan ikke være negativt: cellen indeholder '( 1.234 )', som læses som -1234."),
    ("7 -", "Et antal kan ikke være negativt: cellen indeholder '7 -', som læses som -7."),
    ("-12", "Et antal kan ikke være negativt (-12).")])
def test_an_accounting_or_trailing_minus_negative_is_refused_as_a_negative_count(
        demo_path: Path, tmp_path: Path, capsys, written: str, shown: str) -> None:
    """'(12)' and '12-' are how accountants and some exports write -12: they were called 'not a number' (and a
    reader that drops the sign would store 12). The message quotes the cell as the clinic wrote it (it said
    '-12', which the clinic searches its sheet for in vain), and how it was read."""
    a, b, c = _clinics(demo_path)[:3]
    path = cf.wide_csv(tmp_path / "negativ.csv", [a, b, c], {"kol_patienter": [written, 80, 60],
                                                              "kol_lfu": [5, 40, 30]})
    before = _snapshot(demo_path)
    rc, err = _import(demo_path, path, capsys)
    assert rc == 1
    # the one problem: a numerator is not also said to be 'larger than' the negative count
    assert _errors(err) == [f"negativ.csv, række 2, kolonne kol_patienter (D): {shown}"], err
    assert "ikke et tal" not in err, err
    assert _snapshot(demo_path) == before


def test_a_list_size_written_the_accountant_way_is_quoted_as_written(demo_path: Path, tmp_path: Path,
                                                                     capsys) -> None:
    """A negative list size written '(2.300)' among the counts: refused with the cell as written, not '-2300'."""
    a, b, c = _clinics(demo_path)[:3]
    path = cf.wide_csv(tmp_path / "liste.csv", [a, b, c], {"kol_patienter": [100, 80, 60], "kol_lfu": [50, 40, 30]},
                       extra={"listestoerrelse": ["(2.300)", "1.800", "2.100"]})
    before = _snapshot(demo_path)
    rc, err = _import(demo_path, path, capsys)
    assert rc == 1
    assert _errors(err) == ["liste.csv, række 2, kolonne listestoerrelse (F): En listestørrelse skal være et helt "
                            "antal patienter: cellen indeholder '(2.300)', som læses som -2300."], err
    assert _snapshot(demo_path) == before


def test_two_columns_for_one_measure_are_refused_once_naming_both(demo_path: Path, tmp_path: Path, capsys) -> None:
    """A key heading and a title heading for the same count (kol_patienter beside 'Patienter med KOL') gave
    'the clinic appears twice' once per row and column."""
    clinics = _clinics(demo_path)[:6]
    counts = [100 + 10 * k for k in range(6)]
    path = cf.wide_csv(tmp_path / "dobbelt.csv", clinics, {"kol_patienter": counts, "Patienter med KOL": counts,
                                                            "kol_lfu": [50] * 6})
    before = _snapshot(demo_path)
    rc, err = _import(demo_path, path, capsys)
    assert rc == 1
    assert _errors(err) == ["dobbelt.csv: Kolonnerne kol_patienter (D) og Patienter med KOL (E) indeholder den "
                            "samme måling, kol_patienter; KlyngeDesk vælger ikke mellem dem. Importér kun én af dem "
                            "(vælg '— importeres ikke —' for de andre i vinduet), eller slet de ekstra kolonner i "
                            "filen."], err
    assert _snapshot(demo_path) == before


@pytest.mark.parametrize("several", ["1 2 3 4", "12 14", "1,5 2,5"])
def test_several_numbers_in_count_cells_give_one_message_for_the_column(demo_path: Path, tmp_path: Path, capsys,
                                                                        several: str) -> None:
    """'1 2 3 4' pasted into one cell: a warning and an error per row ('not written like the rest', 'not a
    number'), neither saying what is wrong."""
    clinics = _clinics(demo_path)[:8]
    patients: list[object] = [several] * 7 + [60]
    path = cf.wide_csv(tmp_path / "flere.csv", clinics, {"kol_patienter": patients, "kol_lfu": [30] * 8})
    rc, err = _import(demo_path, path, capsys)
    assert rc == 1
    about = [line for line in err.splitlines() if several in line]
    assert len(about) == 1, err
    assert about[0].startswith("flere.csv, række 2, kolonne kol_patienter: En celle indeholder flere tal"), err
    assert "række 2, række 3, række 4, række 5, række 6 og 2 flere" in about[0], err
    assert "ikke et tal" not in err and "ikke skrevet som resten" not in err, err


def test_a_date_in_a_count_column_is_called_a_date(demo_path: Path, tmp_path: Path, capsys) -> None:
    """Excel turns '3-12' typed into a count cell into a date; the text '03-12-2026' and a date serial formatted
    as a date were both called 'not a number' (the date shown back as 2026-12-03)."""
    from datetime import datetime

    a, b, c = _clinics(demo_path)[:3]
    csv = cf.wide_csv(tmp_path / "dato.csv", [a, b, c], {"kol_patienter": ["03-12-2026", 80, "03-12-2026"],
                                                          "kol_lfu": [5, 40, 30]})
    xlsx = cf.wide_xlsx(tmp_path / "dato.xlsx", [a, b, c], {"kol_patienter": [datetime(2026, 12, 3), 80, 60],
                                                            "kol_lfu": [5, 40, 30]},
                        formats={(0, "kol_patienter"): "dd-mm-yyyy"})
    for path, rows, where in ((csv, "række 2, række 4", "dato.csv, række 2"),
                              (xlsx, "række 2;", "dato.xlsx, ark Data, række 2")):
        before = _snapshot(demo_path)
        rc, err = _import(demo_path, path, capsys)
        assert rc == 1
        [line] = _errors(err)
        assert line.startswith(f"{where}, kolonne kol_patienter: En dato (03-12-2026) står, hvor der skal stå et "
                               "antal"), err
        assert f"i {rows}" in line and "ikke et tal" not in err, err
        assert _snapshot(demo_path) == before


def test_a_column_of_numbers_mapped_to_no_measure_is_said_to_be_left_out(demo_path: Path, tmp_path: Path,
                                                                         capsys) -> None:
    """A column of visits beside the KOL counts was dropped without a word: the coordinator never knew."""
    a, b, c = _clinics(demo_path)[:3]
    path = cf.wide_csv(tmp_path / "ekstra.csv", [a, b, c], {"kol_patienter": [100, 80, 60], "kol_lfu": [50, 40, 30]},
                       extra={"Antal besøg": [345, 120, 99]})
    rc, err = _import(demo_path, path, capsys)
    assert rc == 0, err
    [warning] = [line for line in err.splitlines() if "Antal besøg" in line]
    assert warning.startswith("Advarsel: ekstra.csv: Kolonnerne Antal besøg (F) indeholder tal, men er ikke koblet "
                              "til nogen af temaets målinger; intet fra dem er importeret."), err
    assert _stored(demo_path, [a, b, c], ["kol_patienter"]) == {(a.key, "kol_patienter"): 100.0,
                                                               (b.key, "kol_patienter"): 80.0,
                                                               (c.key, "kol_patienter"): 60.0}


def test_a_file_of_another_topic_is_refused_once_for_the_file(demo_path: Path, tmp_path: Path, capsys) -> None:
    """A diabetes file sent to the KOL round: one error for the file, not one per row."""
    clinics = _clinics(demo_path)[:8]
    path = cf.wide_csv(tmp_path / "diabetes.csv", clinics, {"HbA1c over 53": list(range(10, 18)),
                                                             "Fodstatus udført": list(range(20, 28))})
    rc, err = _import(demo_path, path, capsys)
    assert rc == 1
    assert _errors(err) == ["diabetes.csv: Ingen tabel i filen kunne kobles til klyngens klinikker og temaets "
                            "målinger. Vælg, hvilken kolonne der indeholder hvilken måling (på kommandolinjen: "
                            "--mapping), eller brug KlyngeDesks standardformat."], err


@pytest.mark.parametrize("as_text", [False, True])
def test_a_yder_number_merged_over_its_clinics_rows_fills_each_row(demo_path: Path, tmp_path: Path, capsys,
                                                                   as_text: bool) -> None:
    """A yder number (a number in Excel) merged down over the clinic's three rows: the rows under the first were
    left without a clinic and two of three counts were lost."""
    a, b = _clinics(demo_path)[:2]
    counts = {a: {"kol_patienter": 120, "kol_lfu": 90, "kol_rehab": 20},
              b: {"kol_patienter": 60, "kol_lfu": 41, "kol_rehab": 9}}
    path = cf.merged_yder_xlsx(tmp_path / "flettet.xlsx", counts, as_text=as_text)
    rc, err = _import(demo_path, path, capsys)
    assert rc == 0, err
    assert "uden klinik" not in err, err
    assert _stored(demo_path, [a, b], list(cf.KOL)) == {(c.key, m): float(v) for c, ms in counts.items()
                                                       for m, v in ms.items()}


DUPLICATE_TAIL = ("En klinik har én værdi pr. måling og periode: slet de ekstra rækker, eller ret klinikken i dem.")


def test_a_clinic_twice_in_one_file_is_one_message_naming_its_rows_and_measures(demo_path: Path, tmp_path: Path,
                                                                                capsys) -> None:
    """The same clinic's row pasted twice: one message for the clinic, naming both rows and every measure in
    them (it was one message per measure, so a wide file of ten measures said the same thing ten times)."""
    a, b, c = _clinics(demo_path)[:3]
    path = cf.wide_csv(tmp_path / "to_gange.csv", [a, b, c, a], {"kol_patienter": [100, 80, 60, 101],
                                                                  "kol_lfu": [50, 40, 30, 51],
                                                                  "kol_rehab": [9, 8, 7, 9]})
    before = _snapshot(demo_path)
    rc, err = _import(demo_path, path, capsys)
    assert rc == 1
    assert _errors(err) == [
        f"to_gange.csv, række 5: Klinikken {a.key} står der mere end én gang for 2026H1: kol_patienter, kol_lfu og "
        f"kol_rehab i række 2 og 5. {DUPLICATE_TAIL}"], err
    assert _snapshot(demo_path) == before


def test_a_long_file_pasted_twice_is_one_message_per_clinic_not_a_capped_flood(demo_path: Path, tmp_path: Path,
                                                                               capsys) -> None:
    """A standard (long) file whose rows were pasted in twice more: every clinic is named once, with each
    measure's three rows, and no message is lost to the cap of 50 (it was one message per row, cut off after 50)."""
    clinics = _clinics(demo_path)
    made = cf.standard_csv(tmp_path, clinics, "2026H1")
    lines = made.path.read_text(encoding="utf-8").splitlines()
    made.path.write_text("\n".join(lines + lines[1:] + lines[1:]) + "\n", encoding="utf-8")
    n = len(lines) - 1
    assert 2 * n > 50
    before = _snapshot(demo_path)
    rc, err = _import(demo_path, made.path, capsys)
    assert rc == 1
    expected = []
    for k, clinic in enumerate(clinics):
        places = "; ".join(f"{m} i række {2 + 3 * k + j}, {2 + n + 3 * k + j} og {2 + 2 * n + 3 * k + j}" for j, m in enumerate(cf.KOL))
        expected.append(f"klyngedesk_standard.csv, række {2 + n + 3 * k}, kolonne vaerdi (E): Klinikken {clinic.key} "
                        f"står der mere end én gang for 2026H1: {places}. {DUPLICATE_TAIL}")
    assert _errors(err) == expected, err
    assert _snapshot(demo_path) == before


def _overlong(file: str, row: int, headings: int, rows: str, where: str) -> str:
    return (f"{file}, række {row}: Flere felter, end overskriftsrækken har overskrifter ({headings}), i {rows}: en "
            "celle ser ud til at indeholde et ';', filens skilletegn (flere tal som 12; 14, eller et skilletegn for "
            f"meget), som deler cellen og flytter alle værdier efter den én kolonne til højre. {where} Ret cellen "
            "(ét tal pr. celle, eller teksten i anførselstegn), eller giv den ekstra kolonne en overskrift; intet "
            "importeres fra filen før da.")


def test_several_numbers_split_by_the_semicolon_are_refused_by_their_row(demo_path: Path, tmp_path: Path,
                                                                         capsys) -> None:
    """'12; 14' in a ';' file is split by the reader before any cell check sees it: the row got one field too
    many, 14 was stored as kol_lfu and kol_lfu's 5 landed in a column without a heading. Now the row is named,
    with the cell that seems split, and nothing else is said about its shifted values."""
    a, b, c = _clinics(demo_path)[:3]
    path = cf.wide_csv(tmp_path / "semikolon.csv", [a, b, c], {"kol_patienter": ["12; 14", 80, 60],
                                                                "kol_lfu": [5, 40, 30]})
    before = _snapshot(demo_path)
    rc, err = _import(demo_path, path, capsys)
    assert rc == 1
    assert _errors(err) == [_overlong("semikolon.csv", 2, 5, "række 2 (12; 14)",
                                        "Den delte celle er i kolonnen kol_patienter (D).")], err
    assert "ingen overskrift" not in err and "ikke koblet" not in err, err
    assert _snapshot(demo_path) == before


def test_a_stray_semicolon_in_two_rows_is_one_message_naming_both(demo_path: Path, tmp_path: Path, capsys) -> None:
    """'50;51' in a middle column of two rows (no space to show where): one message for the file naming the
    rows; the values after the split, which would have gone under the next measure, are never stored."""
    a, b, c = _clinics(demo_path)[:3]
    path = cf.wide_csv(tmp_path / "skilletegn.csv", [a, b, c], {"kol_patienter": [100, 80, 60],
                                                                 "kol_lfu": ["50;51", 40, "30;"],
                                                                 "kol_rehab": [5, 6, 7]})
    before = _snapshot(demo_path)
    rc, err = _import(demo_path, path, capsys)
    assert rc == 1
    assert _errors(err) == [_overlong("skilletegn.csv", 2, 6, "række 2, række 4",
                                        # the period, a text in the other rows, cannot hold a number moved to it
                                        "Den delte celle er i en af kolonnerne periode (C) til kol_rehab (F).")], err
    assert _snapshot(demo_path) == before


def test_a_trailing_semicolon_in_every_row_still_imports(demo_path: Path, tmp_path: Path, capsys) -> None:
    """Not a split cell: a ';' at the end of the heading and of every row (an empty last field) is read as before."""
    clinics = _clinics(demo_path)[:3]
    path = cf.wide_csv(tmp_path / "hale.csv", clinics, {"kol_patienter": [100, 80, 60], "kol_lfu": [50, 40, 30]})
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0] + ";"] + [line + ";;" for line in lines[1:]]) + "\n", encoding="utf-8")
    rc, err = _import(demo_path, path, capsys)
    assert rc == 0, err
    assert "Flere felter" not in err, err
    assert _stored(demo_path, clinics, ["kol_patienter", "kol_lfu"]) == {
        (c.key, m): float(v) for c, vs in zip(clinics, [(100, 50), (80, 40), (60, 30)], strict=True)
        for m, v in zip(["kol_patienter", "kol_lfu"], vs, strict=True)}


@pytest.mark.parametrize("extra", ["7", "12;5"])
def test_a_filled_field_past_the_headings_in_every_row_is_refused(demo_path: Path, tmp_path: Path, capsys,
                                                                  extra: str) -> None:
    """A field beyond the headings in every row cannot be told from a cell split in every row (a decimal comma
    in a ',' file, a name holding the delimiter): the values after the split would be stored under the next
    heading. Refused, saying every data row and the columns the split may be in, and nothing is stored."""
    clinics = _clinics(demo_path)[:4]
    path = cf.wide_csv(tmp_path / "ekstra.csv", clinics, {"kol_patienter": [100, 80, 60, 70],
                                                          "kol_lfu": [50, 40, 30, 35]})
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0]] + [f"{line};{extra}" for line in lines[1:]]) + "\n", encoding="utf-8")
    before = _snapshot(demo_path)
    rc, err = _import(demo_path, path, capsys)
    assert rc == 1
    headings = lines[0].count(";") + 1
    last = lines[0].split(";")[-1]
    assert _errors(err) == [_overlong("ekstra.csv", 2, headings, "alle datarækker (2–5)",
                                      f"Den delte celle er i en af kolonnerne ydernummer (A) til {last} "
                                      f"({chr(64 + headings)}).")], err
    assert _snapshot(demo_path) == before


def test_a_huge_cell_in_a_text_file_is_said_as_such_not_as_an_open_quote(demo_path: Path, tmp_path: Path,
                                                                         capsys) -> None:
    """A 5 MB name cell (a pasted document) has no quote in it: it was refused as 'a quote is never closed'."""
    a = _clinics(demo_path)[0]
    path = tmp_path / "stor_celle.csv"
    path.write_text(f"ydernummer;praksis;periode;kol_patienter\n{a.yder};{'x' * 5_000_000};2026H1;100\n",
                    encoding="utf-8")
    before = _snapshot(demo_path)
    rc, err = _import(demo_path, path, capsys)
    assert rc == 1
    assert _errors(err) == ["stor_celle.csv: Række 2 i tekstfilen har en celle med mere end 131.072 tegn; ingen "
                            "celle i en kliniks tabel er så lang. Tjek, at filen er den tabel, du ville importere."], err
    assert _snapshot(demo_path) == before


def test_inspect_marks_a_warning_and_an_error_as_the_import_does(demo_path: Path, tmp_path: Path, capsys) -> None:
    """inspect printed its findings bare: a warning read like an error. Now each says which it is."""
    clinics = _clinics(demo_path)[:3]
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["ydernummer", "kol_patienter", None])   # a spreadsheet's column without a heading: a warning
    for clinic, n in zip(clinics, [100, 80, 60], strict=True):
        sheet.append([clinic.yder, n, 7])
    warned = tmp_path / "uden_overskrift.xlsx"
    book.save(warned)
    refused = cf.wide_csv(tmp_path / "ekstra.csv", clinics, {"kol_patienter": [100, 80, 60]})
    lines = refused.read_text(encoding="utf-8").splitlines()
    refused.write_text("\n".join([lines[0]] + [f"{line};7" for line in lines[1:]]) + "\n", encoding="utf-8")
    main(["--lang", "da", "inspect", str(warned)])
    out = capsys.readouterr().out
    assert re.search(r"(?m)^  Advarsel: .*kolonne Kolonne C: En kolonne har værdier, men ingen overskrift", out), out
    assert main(["--lang", "da", "inspect", str(refused)]) != 0
    out = capsys.readouterr().out
    assert re.search(r"(?m)^  Fejl: række 2: Flere felter", out), out


@pytest.mark.parametrize("fmt", ["#,##0_);[Red](#,##0)", "0;(0)"])   # built in, and the file's own
def test_a_negative_shown_in_parentheses_by_its_format_is_quoted_as_the_clinic_sees_it(demo_path: Path,
                                                                                      tmp_path: Path, capsys,
                                                                                      fmt: str) -> None:
    """An accountant's format '0;(0)' shows −12 as '(12)': the refusal quoted '-12', a number the clinic never
    sees in its sheet. Now it quotes '(12)' and says how it is read, as for a text file's '(12)'."""
    from openpyxl import Workbook

    clinics = _clinics(demo_path)[:3]
    book = Workbook()
    sheet = book.active
    sheet.append(["ydernummer", "periode", "kol_patienter", "kol_lfu"])
    for clinic, (n, m) in zip(clinics, [(100, -12), (80, 40), (60, 30)], strict=True):
        sheet.append([clinic.yder, "2026H1", n, m])
    sheet["D2"].number_format = fmt
    path = tmp_path / "regnskab.xlsx"
    book.save(path)
    before = _snapshot(demo_path)
    rc, err = _import(demo_path, path, capsys)
    assert rc == 1
    assert "cellen indeholder '(12)', som læses som -12." in err, err
    assert _snapshot(demo_path) == before
