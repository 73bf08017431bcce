"""The reference register: typed-in and file-imported region/national values, and which one a chart draws."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from klyngedesk.core.references import add_reference_value, import_references, parse_number, reference_lines
from klyngedesk.core.store import Project
from klyngedesk.i18n import KlyngeError


def test_typed_in_value_is_checked_and_stored(demo_project: Project) -> None:
    ref = add_reference_value(demo_project, "kol_lfu_andel", "Hele landet", "81,5", "Eksempelkilde", period="2026H1",
                              recorded="2026-10-01")
    assert (ref.scope, ref.value, ref.period) == ("national", 81.5, "2026H1")
    assert ref in demo_project.references("kol_lfu_andel")
    for bad, word in ((("kol_lfu", "region", 1, "x"), "kol_lfu"), (("kol_lfu_andel", "kommune", 1, "x"), "kommune"),
                      (("kol_lfu_andel", "region", "mange", "x"), "mange"), (("kol_lfu_andel", "region", 1, " "), "source")):
        with pytest.raises(KlyngeError) as err:
            add_reference_value(demo_project, *bad)
        assert word in err.value.message("en")


def test_a_reference_file_imports_in_one_go(demo_project: Project, tmp_path: Path) -> None:
    csv_file = tmp_path / "referencer.csv"
    csv_file.write_text("indikator;niveau;vaerdi;kilde;periode;dato\n"
                        "ab_pr1000;national;402,3;Eksempel (fiktiv);2026H1;2026-09-01\n"
                        "pcv_andel;Region;33,9 %;Eksempel (fiktiv);;\n", encoding="utf-8")
    refs = import_references(demo_project, csv_file)
    assert [(r.indicator, r.scope, r.value, r.period) for r in refs] == [
        ("ab_pr1000", "national", 402.3, "2026H1"), ("pcv_andel", "region", 33.9, None)]
    wb = Workbook()
    wb.active.append(["Indikator", "Niveau", "Værdi", "Kilde"])
    wb.active.append(["kol_lfu_andel", "region", 70, "Eksempel"])
    wb.active.append(["kol_ukendt", "region", 70, "Eksempel"])
    wb.save(tmp_path / "ref.xlsx")
    before = len(demo_project.references())
    with pytest.raises(KlyngeError) as err:
        import_references(demo_project, tmp_path / "ref.xlsx")
    assert "ref.xlsx, række 3: " in str(err.value) and "kol_ukendt" in str(err.value)
    assert len(demo_project.references()) == before  # nothing stored from a refused file


def test_the_periods_own_value_wins_over_a_general_one(demo_project: Project) -> None:
    add_reference_value(demo_project, "ab_pr1000", "region", 390, "Generel", recorded="2026-01-01")
    add_reference_value(demo_project, "ab_pr1000", "region", 360, "Periodens", period="2026H1", recorded="2025-01-01")
    add_reference_value(demo_project, "ab_pr1000", "national", 410, "Landet", recorded="2026-01-01")
    lines = reference_lines(demo_project, "antibiotika", "2026H1")
    assert [(r.scope, r.value) for r in lines["ab_pr1000"]] == [("region", 360.0), ("national", 410.0)]
    lines = reference_lines(demo_project, "antibiotika", "2025H2")
    assert [(r.scope, r.value) for r in lines["ab_pr1000"]] == [("region", 390.0), ("national", 410.0)]


@pytest.mark.parametrize(("text", "number"), [("1.234,5", 1234.5), ("36 %", 36.0), ("350", 350.0), ("3.5", 3.5),
                                              ("−2,0", -2.0), ("x", None)])
def test_numbers_the_danish_way(text: str, number: float | None) -> None:
    assert parse_number(text) == number


def test_references_from_the_command_line(demo_path: Path, tmp_path: Path, capsys) -> None:
    import json

    from klyngedesk.cli.main import main

    assert main(["reference", "add", str(demo_path), "--indicator", "kol_lfu_andel", "--scope", "national",
                 "--value", "80,5", "--source", "Eksempel (fiktiv)", "--period", "2026H1"]) == 0
    csv_file = tmp_path / "ref.csv"
    csv_file.write_text("indikator;niveau;vaerdi;kilde\nab_pr1000;national;401;Eksempel\n", encoding="utf-8")
    assert main(["reference", "import", str(demo_path), str(csv_file)]) == 0
    capsys.readouterr()
    assert main(["reference", "list", str(demo_path), "--json"]) == 0
    refs = json.loads(capsys.readouterr().out)["references"]
    assert {(r["indicator"], r["value"]) for r in refs} >= {("kol_lfu_andel", 80.5), ("ab_pr1000", 401.0)}
    assert main(["reference", "add", str(demo_path), "--indicator", "findes_ikke", "--scope", "region",
                 "--value", "1", "--source", "x"]) == 1
