"""Files written by other programs: each is read to exactly the right numbers, or refused with a Danish message
naming file, sheet, row and column, and then nothing is stored (percent formats, xls, ods, ...)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import clinic_files as cf
import pytest

from klyngedesk.cli.main import main
from klyngedesk.core.ingest import commit_plan, plan_import
from klyngedesk.core.model import Period
from klyngedesk.core.store import Project

NEW = "2026H2"


@pytest.fixture
def project_path(demo_path: Path) -> Path:
    """The demo cluster with a fresh round (2. halvår 2026, no list sizes) to import into (closed)."""
    with Project.open(demo_path) as project:
        project.add_period(Period(NEW, "2. halvår 2026", date(2026, 7, 1), date(2026, 12, 31)))
    return demo_path


@pytest.fixture
def clinics(project_path: Path) -> list[cf.DemoClinic]:
    with Project.open(project_path) as project:
        return cf.demo_clinics(project)


def _plan(project_path: Path, *paths: Path, store: bool = False, **kw):
    with Project.open(project_path) as project:
        plan = plan_import(project, list(paths), confirm=True, **kw)
        if store:
            assert plan.ok, _errors(plan)
            commit_plan(project, plan)
    return plan


def _stored(project_path: Path) -> dict:
    with Project.open(project_path) as project:
        df = project.values(period=NEW)
    return {(r.clinic, r.measure, r.period): (r.value if r.status == "ok" else r.status)
            for r in df.itertuples(index=False)}


def _write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _morfin(clinics: list[cf.DemoClinic], base: int) -> dict:
    """What a correct import stores from morfin_brugere counts base, base + 1, ... of these clinics."""
    return {(c.key, "morfin_brugere", NEW): float(base + i) for i, c in enumerate(clinics)}


def _cli(project_path: Path, path: Path, capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["--lang", "da", "import", str(project_path), str(path), *args])
    err = capsys.readouterr().err
    assert "Traceback" not in err and "er allerede åbent" not in err, err
    return code, err


def _errors(plan) -> list[str]:
    return [p.message(fp.name, "da") for fp in plan.files for p in fp.problems if p.severity == "error"]


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".ods"])
def test_each_spreadsheet_format_reads_the_exact_counts(project_path, clinics, tmp_path: Path, suffix: str) -> None:
    rows, expected = cf.wide_rows(clinics[:6], NEW)
    path = cf.write_sheet(tmp_path / f"kol{suffix}", rows)
    _plan(project_path, path, store=True)
    assert _stored(project_path) == expected


@pytest.mark.parametrize(("suffix", "number_format"), [(".xlsx", "0%"), (".xlsx", "0.0 %"), (".xlsx", "0.00%"),
                                                        (".xlsx", '0,0" pct."%'), (".xls", "0%"),
                                                        (".xls", "0.0%"), (".ods", "")])
def test_a_count_column_formatted_as_percent_is_refused_not_read_as_a_fraction(project_path, clinics, tmp_path: Path,
                                                                               suffix: str, number_format: str,
                                                                               capsys) -> None:
    """0.25 that the clinic sees as 25 % is a share: stored as the count 0.25 (or 25) it would be a wrong number."""
    rows, _ = cf.wide_rows(clinics[:4], NEW)
    for row in rows[1:]:
        row[4] = round(row[4] / row[3], 4)  # kol_lfu as a share of kol_patienter, shown as a percentage
    path = cf.write_sheet(tmp_path / f"andele{suffix}", rows, percent_columns=(4,), percent_format=number_format)
    plan = _plan(project_path, path)
    assert not plan.ok
    assert any("kolonne kol_lfu" in e and "procenter" in e and "ark Data" in e for e in _errors(plan)), _errors(plan)
    code, err = _cli(project_path, path, capsys, "--yes")
    assert code == 1 and "kolonne kol_lfu" in err
    assert _stored(project_path) == {}


def test_one_percent_formatted_cell_among_counts_is_refused_by_its_cell(project_path, clinics, tmp_path: Path) -> None:
    rows, _ = cf.wide_rows(clinics[:5], NEW)
    rows[3][5] = 0.12  # kol_rehab of the third clinic typed as 12 % in a column of counts
    path = cf.write_sheet(tmp_path / "en_celle.xlsx", rows, percent_cells=frozenset({(3, 5)}))
    plan = _plan(project_path, path)
    errors = _errors(plan)
    assert not plan.ok and any("række 4" in e and "kolonne kol_rehab" in e and "12 %" in e for e in errors), errors


def test_a_percentage_written_as_text_among_counts_is_refused(project_path, clinics, tmp_path: Path, capsys) -> None:
    lines = ["Ydernummer;Periode;morfin_brugere"] + [f"{c.yder};{NEW};{v}" for c, v in
                                                     zip(clinics[:4], ["40", "25 %", "31", "12"], strict=True)]
    path = tmp_path / "morfin.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, err = _cli(project_path, path, capsys, "--yes")
    assert code == 1 and "række 3, kolonne morfin_brugere" in err and "25 % er en procentdel" in err
    assert _stored(project_path) == {}


# --- clinics named otherwise than in the project ------------------------------------------------------------
def _names_file(path: Path, rows: list[tuple[object, object, int]]) -> Path:
    lines = ["Ydernummer;Praksis;Periode;kol_patienter"] + [f"{'' if y is None else y};{n or ''};{NEW};{v}"
                                                            for y, n, v in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_names_written_otherwise_find_their_clinic(project_path, clinics, tmp_path: Path) -> None:
    """Case, æøå as ae/oe/aa or a/o/a, and a name without its 'Lægehuset' find the one clinic they can be."""
    by_name = {c.name: c for c in clinics}
    variants = {"Lægerne Åparken": "LÆGERNE ÅPARKEN", "Lægepraksis Østerbro": "Laegepraksis Oesterbro",
                "Lægerne Bøgevej": "Lagerne Bogevej", "Lægehuset Vestergade": "Vestergade",
                "Lægeklinikken Kastanievej": "lægeklinikken  kastanievej"}
    path = _names_file(tmp_path / "navne.csv", [(None, v, 40 + i) for i, v in enumerate(variants.values())])
    with Project.open(project_path) as project:
        asked = plan_import(project, [path])
    assert asked.files[0].status == "questions"  # only the spellings that are not the name are asked about
    assert {q.params["name"] for q in asked.files[0].questions} == {"Lægerne Bøgevej", "Lægehuset Vestergade"}
    _plan(project_path, path, store=True)
    assert _stored(project_path) == {(by_name[n].key, "kol_patienter", NEW): 40.0 + i
                                     for i, n in enumerate(variants)}


@pytest.mark.parametrize("short", ["Torvet", "Rosenvænget", "Kirkebakken", "Lægehuset Kirkebakken"])
def test_a_name_that_could_be_two_clinics_is_refused_even_with_yes(project_path, clinics, tmp_path: Path, capsys,
                                                                    short: str) -> None:
    """'Torvet' is Lægehuset Torvet or Lægeklinikken Torvet: --yes must not pick one of them."""
    path = _names_file(tmp_path / "kort.csv", [(None, short, 50), (None, clinics[0].name, 60)])
    code, err = _cli(project_path, path, capsys, "--yes")
    candidates = [c.name for c in clinics if short.split()[-1] in c.name]
    assert code == 1 and "række 2" in err and "vælger ikke" in err and all(n in err for n in candidates), err
    assert _stored(project_path) == {}


def test_a_yder_number_and_a_name_of_two_clinics_are_refused(project_path, clinics, tmp_path: Path, capsys) -> None:
    a, b = clinics[0], clinics[1]
    path = _names_file(tmp_path / "byttet.csv", [(a.yder, a.name, 50), (a.yder[:3] + " " + a.yder[3:], b.name, 60)])
    code, err = _cli(project_path, path, capsys, "--yes")
    assert code == 1 and "række 3" in err and f"Ydernummeret {a.yder}" in err and b.name in err, err
    assert _stored(project_path) == {}


def test_a_yder_number_outside_the_cluster_is_not_matched_by_its_name(project_path, clinics, tmp_path: Path,
                                                                     capsys) -> None:
    """A region's file lists other towns' clinics of the same name: their rows are not ours."""
    path = _names_file(tmp_path / "region.csv", [(c.yder, c.name, 50) for c in clinics[1:4]] +
                       [("999990", clinics[0].name, 60)])
    code, err = _cli(project_path, path, capsys, "--yes")
    assert code == 1 and "række 5" in err and "Ukendt klinik 999990" in err, err
    assert _stored(project_path) == {}


@pytest.mark.parametrize("form", [float, lambda y: f"{y[:3]} {y[3:]}", lambda y: "0" + y, int, lambda y: f"{y}.0"])
def test_yder_numbers_as_floats_with_spaces_or_a_lost_zero_find_their_clinic(project_path, clinics, tmp_path: Path,
                                                                            form) -> None:
    rows = [["Ydernr.", "kol_patienter"]] + [[form(c.yder), 100 + i] for i, c in enumerate(clinics[:5])]
    path = cf.write_sheet(tmp_path / "ydernumre.xlsx", rows)
    _plan(project_path, path, store=True, period=NEW)
    assert _stored(project_path) == {(c.key, "kol_patienter", NEW): 100.0 + i for i, c in enumerate(clinics[:5])}


# --- totals, averages and what follows them ------------------------------------------------------------------
AGGREGATES = ["I alt", "Total", "Sum", "Klyngen", "Klyngen i alt", "Gennemsnit", "Median", "Region Nord i alt",
              "Hovedtotal"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_totals_and_averages_are_left_out_and_said_in_the_plan(project_path, clinics, tmp_path: Path, capsys,
                                                              suffix: str) -> None:
    """Totals rows anywhere in the table (also between clinics) store nothing, every clinic row is kept, and
    the plan the user confirms names each row left out ('known gap': they were left out without a word)."""
    rows: list[list] = [["Praksis", "Periode", "morfin_brugere"]]
    expected = {}
    for i, c in enumerate(clinics[:9]):
        rows.append([c.name, NEW, 30 + i])
        expected[(c.key, "morfin_brugere", NEW)] = 30.0 + i
        rows.append([AGGREGATES[i], NEW, 999])  # a total after every clinic: the next clinic is still data
    if suffix == ".csv":
        path = tmp_path / "totaler.csv"
        path.write_text("\n".join(";".join(map(str, r)) for r in rows) + "\n", encoding="utf-8")
    else:
        path = cf.write_sheet(tmp_path / "totaler.xlsx", rows)
    code, err = _cli(project_path, path, capsys, "--yes")
    assert code == 0, err
    assert _stored(project_path) == expected
    warning = next(line for line in err.splitlines() if "Udeladt som totaler" in line)
    assert all(f"række {2 * i + 3} ({label})" in warning for i, label in enumerate(AGGREGATES[:5])), warning
    assert "og 4 flere" in warning


def test_an_average_word_further_right_is_data(project_path, clinics, tmp_path: Path) -> None:
    """'Gennemsnit' as a unit in the third column is not a totals row: the row's value is stored."""
    lines = ["Ydernummer;Måling;Enhed;Periode;Antal"] + [f"{c.yder};morfin_brugere;Gennemsnit;{NEW};{20 + i}"
                                                          for i, c in enumerate(clinics[:4])]
    _plan(project_path, _write_csv(tmp_path / "enhed.csv", lines), store=True)
    assert _stored(project_path) == _morfin(clinics[:4], 20)


def test_a_second_table_that_is_not_imported_is_said(project_path, clinics, tmp_path: Path, capsys) -> None:
    rows = [["Ydernummer", "Periode", "morfin_brugere"]] + [[c.yder, NEW, 10 + i] for i, c in enumerate(clinics[:4])]
    rows += [[], ["Uge", "Antal opkald"], [1, 40], [2, 45]]
    path = cf.write_sheet(tmp_path / "to_tabeller.xlsx", rows)
    code, err = _cli(project_path, path, capsys, "--yes")
    assert code == 0 and "Tabellen fra række 7 (2 rækker; kolonner Uge, Antal opkald) blev ikke importeret" in err, err


# --- text files ------------------------------------------------------------------------------------------------
def test_a_standard_file_saved_with_commas_does_not_read_1_234_as_a_decimal(project_path, clinics, tmp_path: Path,
                                                                          capsys) -> None:
    """The standard format is defined with a decimal comma, but a ','-delimited copy quotes "1,234": which
    reading is meant the file does not say, so it is asked, never taken as 1.234."""
    lines = ["ydernummer,praksis,maaling,periode,vaerdi"] + [f'{c.yder},{c.name},morfin_brugere,{NEW},"{v}"' for c, v
                                                             in zip(clinics[:3], ["1,234", "1,500", "900"],
                                                                    strict=True)]
    path = tmp_path / "standard_komma.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, err = _cli(project_path, path, capsys, "--yes")
    assert code == 1 and "kolonne vaerdi" in err and "1234" in err and "gætter ikke" in err, err
    assert _stored(project_path) == {}
    lines[1:] = [f'{c.yder};{c.name};morfin_brugere;{NEW};{v}' for c, v in zip(clinics[:3], ["1.234", "2", "3"],
                                                                                strict=True)]
    path.write_text("\n".join(lines).replace(",", ";", 4) + "\n", encoding="utf-8")  # ';' as defined: 1.234 = 1234
    _plan(project_path, path, store=True)
    assert _stored(project_path)[(clinics[0].key, "morfin_brugere", NEW)] == 1234.0


def test_two_exports_joined_with_a_bom_between_them(project_path, clinics, tmp_path: Path) -> None:
    def part(cs: list[cf.DemoClinic], start: int) -> str:
        return "\ufeffydernummer;praksis;maaling;periode;vaerdi\r\n" + "".join(
            f"{c.yder};{c.name};morfin_brugere;{NEW};{start + i}\r\n" for i, c in enumerate(cs))
    path = tmp_path / "samlet.csv"
    path.write_bytes((part(clinics[:2], 10) + part(clinics[2:4], 20)).encode("utf-8"))
    plan = _plan(project_path, path, store=True)
    assert plan.files[0].report.tables[0].excluded == [(4, "repeated header")]
    assert _stored(project_path) == {(c.key, "morfin_brugere", NEW): float(v)
                                     for c, v in zip(clinics[:4], [10, 11, 20, 21], strict=True)}


@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_quoted_line_breaks_trailing_separators_and_mixed_line_ends(project_path, clinics, tmp_path: Path,
                                                                    sep: str) -> None:
    ends = ["\r\n", "\n", "\r", "\r\n", "\n"]
    text = sep.join(["Ydernummer", "Praksis", "Periode", "morfin_brugere", ""]) + ends[0]
    for i, c in enumerate(clinics[:4]):
        name = f'"{c.name}\nafd. Nord"' if i == 1 else c.name
        text += sep.join([c.yder, name, NEW, str(30 + i), ""]) + ends[i + 1]
    path = tmp_path / "blandet.csv"
    path.write_bytes(text.encode("cp1252"))
    _plan(project_path, path, store=True)
    assert _stored(project_path) == _morfin(clinics[:4], 30)


def test_invisible_characters_inside_numbers_and_names(project_path, clinics, tmp_path: Path) -> None:
    lines = ["Ydernummer;Periode;morfin_brugere"] + [f"\u200b{c.yder};{NEW};1\u2060{i}\ufeff"
                                                     for i, c in enumerate(clinics[:3])]
    _plan(project_path, _write_csv(tmp_path / "usynlige.csv", lines), store=True)
    assert _stored(project_path) == _morfin(clinics[:3], 10)


# --- periods ---------------------------------------------------------------------------------------------------
def _stacked_rounds(path: Path, clinics: list[cf.DemoClinic], labels: tuple[str, str]) -> Path:
    rows: list[list] = []
    for k, label in enumerate(labels):
        rows += [[f"Periode: {label}"], ["Ydernummer", "morfin_brugere"]]
        rows += [[c.yder, 10 * (k + 1) + i] for i, c in enumerate(clinics[2 * k:2 * k + 2])]
        rows.append([])
    return cf.write_sheet(path, rows)


def test_two_stacked_tables_keep_the_period_each_names(project_path, clinics, tmp_path: Path) -> None:
    """The second table's 'Periode:' line is its own: its values were stored under the first table's period."""
    path = _stacked_rounds(tmp_path / "to_runder.xlsx", clinics, ("1. halvår 2026", "2. halvår 2026"))
    _plan(project_path, path, store=True)
    with Project.open(project_path) as project:
        stored = {(r.clinic, r.period): r.value for r in project.values().itertuples() if r.batch_id is not None
                  and r.measure == "morfin_brugere" and r.file_name == path.name}
    assert stored == {(clinics[0].key, "2026H1"): 10.0, (clinics[1].key, "2026H1"): 11.0,
                      (clinics[2].key, NEW): 20.0, (clinics[3].key, NEW): 21.0}


def test_a_chosen_period_that_the_file_contradicts_is_refused(project_path, clinics, tmp_path: Path, capsys) -> None:
    path = _stacked_rounds(tmp_path / "sidste_runde.xlsx", clinics, ("1. halvår 2026", "1. halvår 2026"))
    code, err = _cli(project_path, path, capsys, "--period", NEW, "--yes")
    assert code == 1 and "Filen siger, at værdierne er for 2026H1, men de skulle importeres som 2026H2" in err, err
    assert _stored(project_path) == {}


@pytest.mark.parametrize("label", ["jan. 2026", "juli 2026", "2026-09", "15-10-2026"])
def test_a_month_inside_a_round_is_refused_naming_the_round(project_path, clinics, tmp_path: Path, capsys,
                                                           label: str) -> None:
    lines = ["ydernummer;praksis;maaling;periode;vaerdi", f"{clinics[0].yder};x;morfin_brugere;{label};7"]
    path = tmp_path / "maaned.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, err = _cli(project_path, path, capsys, "--yes")
    expected_round = "2026H1" if label.startswith("jan") else NEW
    assert code == 1 and "række 2" in err and f"inden for {expected_round}, ikke hele perioden" in err, err


@pytest.mark.parametrize("label", ["2026K3", "Q3 2026", "2. halvår", "3. kvartal 2026", "uge 27 2026", "2026", "46204",
                                   "2031-07", "jan. 2031"])
def test_a_period_the_project_does_not_have_is_refused_by_its_row(project_path, clinics, tmp_path: Path, capsys,
                                                                 label: str) -> None:
    """A quarter, a week, a year, a half year without its year, a bare serial number: never put in a round."""
    lines = ["ydernummer;praksis;maaling;periode;vaerdi", f"{clinics[0].yder};x;morfin_brugere;{NEW};5",
             f"{clinics[1].yder};x;morfin_brugere;{label};7"]
    path = tmp_path / "perioder.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, err = _cli(project_path, path, capsys, "--yes")
    assert code == 1 and "række 3" in err and f"Ukendt periode {label}" in err, err
    assert _stored(project_path) == {}


# --- what journal systems save as .xls: HTML tables and text ----------------------------------------------------
def _html_table(clinics: list[cf.DemoClinic], values: list[object], head: str = "", extra: str = "") -> str:
    rows = "".join(f"<tr><td>{c.yder}</td><td>{c.name}</td><td>{v}</td></tr>" for c, v in zip(clinics, values,
                                                                                              strict=True))
    return (f"<html><head><meta charset='utf-8'><title>Udtræk</title>{head}</head><body><p>Statistik</p>"
            f"<table border=1><tr><th>Ydernummer</th><th>Praksis</th><th>morfin_brugere</th></tr>{rows}</table>"
            f"{extra}</body></html>")


def test_an_html_table_named_xls_is_read_exactly(project_path, clinics, tmp_path: Path, capsys) -> None:
    """Journal systems save an HTML table as .xls (Excel opens it); the cells' shown texts are the numbers."""
    page = _html_table(clinics[:4], ["1.204", "&nbsp;87 ", "<b>12</b>", "3<br>"],
                       head="<style>td {mso-number-format:'0'}</style><script>var x = '0101701234';</script>",
                       extra="<!-- eksporteret af journalsystem --><table><tr><td colspan=2>Note</td></tr></table>")
    path = tmp_path / "journal_eksport.xls"
    path.write_bytes(page.encode("cp1252"))
    code, err = _cli(project_path, path, capsys, "--period", NEW, "--yes")
    assert code == 1 and "CPR" in err and "0101701234" not in err, err  # even in a script, never stored or shown
    path.write_bytes(page.replace("0101701234", "x").encode("cp1252"))
    code, err = _cli(project_path, path, capsys, "--period", NEW, "--yes")
    assert code == 0, err
    assert _stored(project_path) == {(c.key, "morfin_brugere", NEW): v for c, v in zip(clinics[:4], [1204.0, 87.0,
                                                                                                   12.0, 3.0],
                                                                                      strict=True)}


def test_html_merged_cells_and_percent_texts(project_path, clinics, tmp_path: Path) -> None:
    """A two-row heading (rowspan, colspan) names its measures in the lower row; a '72 %' among counts is
    refused by its row and column, and without it every count is read."""
    head = ("<tr><th rowspan=2>Ydernummer</th><th colspan=2>KOL-opfølgning</th></tr>"
            "<tr><th>Patienter med KOL</th><th>kol_lfu</th></tr>")

    def page(last: str) -> str:
        body = "".join(f"<tr><td>{c.yder}</td><td>{100 + i}</td><td>{v}</td></tr>"
                       for i, (c, v) in enumerate(zip(clinics[:3], ["70", "71", last], strict=True)))
        return f"<!DOCTYPE html><html><body><table>{head}{body}</table></body></html>"
    path = tmp_path / "flet.xls"
    path.write_text(page("72 %"), encoding="utf-8")
    plan = _plan(project_path, path, period=NEW)
    assert _errors(plan) == ["flet.xls, række 5, kolonne KOL-opfølgning kol_lfu: Værdien 72 % er en procentdel, men "
                             "målingen er et antal. Skriv antallet (antal patienter) i cellen."]
    path.write_text(page("72"), encoding="utf-8")
    _plan(project_path, path, period=NEW, store=True)
    assert _stored(project_path) == {**{(c.key, "kol_patienter", NEW): 100.0 + i for i, c in enumerate(clinics[:3])},
                                     **{(c.key, "kol_lfu", NEW): 70.0 + i for i, c in enumerate(clinics[:3])}}


def test_a_group_label_over_the_measure_titles_of_an_xlsx(project_path, clinics, tmp_path: Path) -> None:
    """Merged cells: 'KOL-opfølgning' over the three measure titles, 'Ydernummer' merged down two rows."""
    rows, expected = cf.wide_rows(clinics[:5], NEW)
    rows[0] = ["Ydernummer", "Praksis", "Periode", "KOL-opfølgning", None, None]
    rows.insert(1, [None, None, None, *(cf.KOL_TITLES[m] for m in cf.KOL)])
    path = tmp_path / "grupper.xlsx"
    wb, ws = cf._workbook("KOL", *rows)
    for cells in ("A1:A2", "B1:B2", "C1:C2", "D1:F1"):
        ws.merge_cells(cells)
    wb.save(path)
    _plan(project_path, path, store=True)
    assert _stored(project_path) == expected


@pytest.mark.parametrize("sep", ["\t", ";"])
def test_text_named_xls_is_read_as_text_and_text_named_xlsx_is_refused(project_path, clinics, tmp_path: Path,
                                                                        capsys, sep: str) -> None:
    lines = [sep.join(["ydernummer", "praksis", "maaling", "periode", "vaerdi"])]
    lines += [sep.join([c.yder, c.name, "morfin_brugere", NEW, str(5 + i)]) for i, c in enumerate(clinics[:3])]
    path = tmp_path / "tekst.xls"
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    _plan(project_path, path, store=True)
    assert _stored(project_path) == {(c.key, "morfin_brugere", NEW): 5.0 + i for i, c in enumerate(clinics[:3])}
    named = tmp_path / "tekst.xlsx"
    named.write_bytes(path.read_bytes())
    code, err = _cli(project_path, named, capsys, "--yes")
    assert code == 1 and "tekst.xlsx: Filens indhold passer ikke til navnet" in err and "Omdøb den til .csv" in err


# --- xlsx written by other programs ------------------------------------------------------------------------------
def test_shared_inline_and_rich_text_strings_and_cached_formulas(project_path, clinics, tmp_path: Path) -> None:
    a, b, c = (x.yder for x in clinics[:3])
    shared = ("<si><r><t>Yder</t></r><r><rPr><b/></rPr><t>nummer</t></r></si><si><t>kol_patienter</t></si>"
              '<si><t xml:space="preserve"> 1.204 </t></si>')
    rows = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
            f'<row r="2"><c r="A2" t="inlineStr"><is><t>{a}</t></is></c><c r="B2" t="s"><v>2</v></c></row>'
            f'<row r="3"><c r="A3"><v>{b}</v></c><c r="B3" t="inlineStr"><is><r><t>8</t></r><r><t>7</t></r></is>'
            f'</c></row><row r="4"><c r="A4" t="str"><f>"{c}"</f><v>{c}</v></c><c r="B4"><f>40+2</f><v>42</v></c>'
            "</row>")
    path = tmp_path / "strenge.xlsx"
    path.write_bytes(cf.package_xlsx(rows, shared))
    plan = _plan(project_path, path, store=True, period=NEW)
    assert any("1.204" in p.message(None, "da") and "1204" in p.message(None, "da") for p in plan.files[0].problems)
    assert _stored(project_path) == {(clinics[0].key, "kol_patienter", NEW): 1204.0,
                                     (clinics[1].key, "kol_patienter", NEW): 87.0,
                                     (clinics[2].key, "kol_patienter", NEW): 42.0}


@pytest.mark.parametrize("code", ["0%", "0.0%", '0.0&quot; %&quot;', "0\\%", "#,##0.0 %;[Red]-#,##0.0 %"])
def test_percent_formats_in_a_style_sheet_without_cell_references(project_path, clinics, tmp_path: Path,
                                                                   code: str) -> None:
    """Cells without an r attribute (a non-Excel writer) whose style's format shows a % (scaled or a literal
    sign): a share, never the count 55 or 0.55."""
    styles = (f'<numFmts count="1"><numFmt numFmtId="170" formatCode="{code}"/></numFmts>'
              '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="170" applyNumberFormat="1"/></cellXfs>')
    rows = ('<row><c t="inlineStr"><is><t>Ydernummer</t></is></c><c t="inlineStr"><is><t>morfin_brugere</t></is></c>'
            "</row>" + "".join(f'<row><c><v>{x.yder}</v></c><c s="1"><v>{v}</v></c></row>'
                               for x, v in zip(clinics[:3], ["55", "0.55", "12"], strict=True)))
    path = tmp_path / "stil.xlsx"
    path.write_bytes(cf.package_xlsx(rows, styles=styles))
    plan = _plan(project_path, path, period=NEW)
    assert not plan.ok and any("kolonne morfin_brugere" in e and "procenter" in e for e in _errors(plan)), \
        _errors(plan)


def test_a_yder_number_with_decimals_is_no_yder_number(project_path, clinics, tmp_path: Path) -> None:
    """25521.3 has the digits of yder 255213 but is not that clinic."""
    y = clinics[0].yder
    rows = [["Ydernummer", "morfin_brugere"], [float(f"{y[:5]}.{y[5:]}"), 10], [float(clinics[1].yder), 11]]
    plan = _plan(project_path, cf.write_sheet(tmp_path / "decimal.xlsx", rows), period=NEW)
    assert not plan.ok and any("række 2" in e and "Ukendt klinik" in e for e in _errors(plan)), _errors(plan)


def test_formula_float_noise_is_read_at_the_spreadsheet_s_precision(project_path, clinics, tmp_path: Path) -> None:
    """57.00000000000001 (what =0,3*190 leaves) is the 57 the clinic sees: not refused as a fraction of a patient;
    a real fraction still is."""
    rows = [["Ydernummer", "kol_patienter", "kol_lfu"], [clinics[0].yder, 57.00000000000001, 0.1 * 3 * 100],
            [clinics[1].yder, 3 * 1.1 * 10, 20]]
    _plan(project_path, cf.write_sheet(tmp_path / "formler.xlsx", rows), store=True, period=NEW)
    assert _stored(project_path) == {(clinics[0].key, "kol_patienter", NEW): 57.0, (clinics[0].key, "kol_lfu", NEW):
                                     30.0, (clinics[1].key, "kol_patienter", NEW): 33.0,
                                     (clinics[1].key, "kol_lfu", NEW): 20.0}
    rows[2][2] = 20.5
    plan = _plan(project_path, cf.write_sheet(tmp_path / "brok.xlsx", rows), period=NEW)
    assert any("række 3" in e and "helt tal (20,5)" in e for e in _errors(plan)), _errors(plan)


def test_hidden_columns_protected_sheets_and_an_excel_sep_line(project_path, clinics, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["Ydernummer", "Periode", "kol_patienter", "kol_lfu"])
    for i, c in enumerate(clinics[:3]):
        ws.append([c.yder, NEW, 50 + i, 30 + i])
    ws.column_dimensions["D"].hidden = True
    ws.protection.sheet, ws.protection.password = True, "hemmelig"
    wb.security.lockStructure, wb.security.workbookPassword = True, "abc"
    path = tmp_path / "beskyttet.xlsx"
    wb.save(path)
    plan = _plan(project_path, path, store=True)
    assert any("Kolonnerne D er skjult" in p.message(None, "da") for p in plan.files[0].problems)
    assert len(_stored(project_path)) == 6
    text = tmp_path / "sep.csv"
    text.write_text("sep=;\nYdernummer;Periode;morfin_brugere\n" +
                    "".join(f"{c.yder};{NEW};{9 + i}\n" for i, c in enumerate(clinics[:2])), encoding="utf-8")
    _plan(project_path, text, store=True)
    assert _stored(project_path)[(clinics[1].key, "morfin_brugere", NEW)] == 10.0


def test_prescriptions_above_the_list_size_are_events_not_patients(demo_path: Path, tmp_path: Path) -> None:
    """ab_ordinationer (the numerator of prescriptions per 1000 per year) counts prescriptions: a region's
    figures above a small clinic's list size are stored; patients above it are still refused."""
    with Project.open(demo_path) as project:
        clinics = cf.demo_clinics(project)
        small = min(clinics, key=lambda c: project.list_sizes("2026H1").set_index("clinic").patients[c.key])
        size = int(project.list_sizes("2026H1").set_index("clinic").patients[small.key])
    lines = ["ydernummer;praksis;maaling;periode;vaerdi", f"{small.yder};x;ab_ordinationer;2026H1;{size + 300}",
             f"{small.yder};x;pcv_ordinationer;2026H1;{size // 3}"]
    path = tmp_path / "region.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan = _plan(demo_path, path)
    assert plan.ok, _errors(plan)
    lines[1] = f"{small.yder};x;kol_patienter;2026H1;{size + 300}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert any("større end listestørrelsen" in e for e in _errors(_plan(demo_path, path)))


# --- layouts: blank rows and columns, tables side by side and stacked, very wide sheets --------------------------
def _kol(clinics: list[cf.DemoClinic], base: int = 100) -> dict:
    return {(c.key, "kol_patienter", NEW): float(base + i) for i, c in enumerate(clinics)}


def test_blank_rows_inside_a_table_and_tables_side_by_side_or_stacked(project_path, clinics, tmp_path: Path) -> None:
    four = clinics[:4]
    gaps = [["Ydernummer", "kol_patienter"], [four[0].yder, 100], [], [four[1].yder, 101], [], [],
            [four[2].yder, 102], [four[3].yder, 103]]
    _plan(project_path, cf.write_sheet(tmp_path / "huller.xlsx", gaps), store=True, period=NEW)
    assert _stored(project_path) == _kol(four)
    side = [["Ydernummer", "kol_lfu", None, "Ydernummer", "ab_ordinationer"]] + \
        [[c.yder, 50 + i, None, c.yder, 500 + i] for i, c in enumerate(four)]
    _plan(project_path, cf.write_sheet(tmp_path / "side.xlsx", side), store=True, period=NEW)
    stacked = [["Ydernummer", "kol_rehab"]] + [[c.yder, 5 + i] for i, c in enumerate(four)] + \
        [[], ["Ydernummer", "pcv_ordinationer"]] + [[c.yder, 200 + i] for i, c in enumerate(four)]
    _plan(project_path, cf.write_sheet(tmp_path / "stablet.xlsx", stacked), store=True, period=NEW)
    stored = _stored(project_path)
    for measure, base in (("kol_lfu", 50), ("ab_ordinationer", 500), ("kol_rehab", 5), ("pcv_ordinationer", 200)):
        assert {k: v for k, v in stored.items() if k[1] == measure} == \
            {(c.key, measure, NEW): float(base + i) for i, c in enumerate(four)}


def test_an_empty_column_that_cuts_values_from_their_clinics_is_refused_saying_so(project_path, clinics,
                                                                                  tmp_path: Path, capsys) -> None:
    rows = [["Ydernummer", "Praksis", None, "kol_patienter", "kol_lfu"]] + [[c.yder, c.name, None, 10 + i, 5]
                                                                           for i, c in enumerate(clinics[:3])]
    code, err = _cli(project_path, cf.write_sheet(tmp_path / "tom_kolonne.xlsx", rows), capsys, "--period", NEW,
                     "--yes")
    assert code == 1 and "ark Data" in err and "en tom kolonne" in err and "ved D" in err, err


def test_a_very_wide_sheet_is_read_exactly(project_path, clinics, tmp_path: Path) -> None:
    header = ["Ydernummer", *(f"felt {j}" for j in range(4000)), "kol_patienter"]
    lines = [";".join(header)] + [";".join([c.yder, *map(str, range(4000)), str(100 + i)])
                                  for i, c in enumerate(clinics[:4])]
    path = tmp_path / "bred.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _plan(project_path, path, store=True, period=NEW)
    assert _stored(project_path) == _kol(clinics[:4])


@pytest.mark.parametrize(("number_format", "stored"), [("mmm yyyy", False), ("mmm-yy", False), ('mmmm" "yyyy', False),
                                                       ("yyyy", False), ("mmmm", False), ("[$-406]mmmm yyyy;@", False),
                                                       ("dd-mm-yyyy", True), ("d. mmm yyyy", True),
                                                       ("yyyy-mm-dd hh:mm", True)])
def test_a_date_cell_shown_as_a_month_names_the_month(project_path, clinics, tmp_path: Path, number_format: str,
                                                       stored: bool) -> None:
    """1 July 2026 shown as 'jul. 2026' is July (a month's count), not the first day of the half year; shown as
    a day it is the round's first day."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["ydernummer", "praksis", "maaling", "periode", "vaerdi"])
    for i, c in enumerate(clinics[:3]):
        ws.append([c.yder, c.name, "morfin_brugere", date(2026, 7, 1), 10 + i])
        ws.cell(ws.max_row, 4).number_format = number_format
    path = tmp_path / "maaneder.xlsx"
    wb.save(path)
    _assert_month_or_day(_plan(project_path, path), stored)
    if "[" not in number_format and '"' not in number_format:  # the same in an .xls (BIFF FORMAT records)
        import xlwt

        book = xlwt.Workbook()
        sheet = book.add_sheet("Data")
        style = xlwt.easyxf(num_format_str=number_format)
        for j, heading in enumerate(["ydernummer", "praksis", "maaling", "periode", "vaerdi"]):
            sheet.write(0, j, heading)
        for i, c in enumerate(clinics[:3]):
            for j, value in enumerate([c.yder, c.name, "morfin_brugere"]):
                sheet.write(i + 1, j, value)
            sheet.write(i + 1, 3, date(2026, 7, 1), style)
            sheet.write(i + 1, 4, 10 + i)
        book.save(str(tmp_path / "maaneder.xls"))
        _assert_month_or_day(_plan(project_path, tmp_path / "maaneder.xls"), stored)


def _assert_month_or_day(plan, stored: bool) -> None:
    if stored:
        assert plan.ok, _errors(plan)
    else:
        assert not plan.ok and any("række 2" in e and "ikke hele perioden" in e or "Ukendt periode 2026" in e
                                   for e in _errors(plan)), _errors(plan)


@pytest.mark.parametrize(("line", "said"), [("Periode: juli 2026", "inden for 2026H2"),
                                            ("Periode: 3. kvartal 2026", "som ikke er en periode i projektet")])
def test_a_period_line_that_names_no_round_is_named_in_the_refusal(project_path, clinics, tmp_path: Path, capsys,
                                                                   line: str, said: str) -> None:
    """An EHR export for one clinic: 'Periode: juli 2026' is a month, not 'a file that does not say'."""
    lines = ["Statistikudtræk", f"Ydernummer: {clinics[0].yder}", line, "", "Måling;Antal",
             "morfin_brugere;12"]
    path = tmp_path / "journal.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, err = _cli(project_path, path, capsys, "--yes")
    assert code == 1 and said in err and "Filen siger ikke, hvilken periode" not in err, err
