"""Data-collection templates: what a clinic sees and may change, and what the importer is told."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from klyngedesk.cli.main import main
from klyngedesk.core.store import Project
from klyngedesk.core.templates import (
    DATA_COLUMNS,
    META_SHEET,
    make_clinic_templates,
    make_template,
    read_template_meta,
)
from klyngedesk.i18n import KlyngeError


def test_a_clinic_template_has_its_identity_and_nothing_else(demo_project: Project, tmp_path: Path) -> None:
    clinic = demo_project.clinic("K03")
    out = make_template(demo_project, "antibiotika", "2026H1", tmp_path / "ab.xlsx", clinic="K03")
    wb = load_workbook(out)
    assert wb.sheetnames == ["Data", "Vejledning", META_SHEET]
    assert wb[META_SHEET].sheet_state == "hidden"
    data = wb["Data"]
    rows = list(data.iter_rows(values_only=True))
    assert rows[0][:5] == DATA_COLUMNS
    assert [r[:5] for r in rows[1:]] == [(clinic.yder, clinic.name, "ab_ordinationer", "2026H1", None),
                                         (clinic.yder, clinic.name, "pcv_ordinationer", "2026H1", None)]
    text = " ".join(str(c) for s in wb for r in s.iter_rows(values_only=True) for c in r if c)
    for other in demo_project.clinics():
        if other.key != "K03":
            assert other.name not in text and other.yder not in text
    instructions = " ".join(str(c) for r in wb["Vejledning"].iter_rows(values_only=True) for c in r if c)
    assert "Sådan udfylder du skemaet" in instructions and clinic.name in instructions
    assert "J01CE02" in instructions and "ikke verificeret" in instructions
    assert read_template_meta(out) == {**read_template_meta(out), "format": "klyngedesk-template", "version": "1",
                                       "topic": "antibiotika", "period": "2026H1", "clinic": clinic.yder, "clinic_key": "K03",
                                       "yder": clinic.yder}


def test_only_the_value_cells_can_be_changed(demo_project: Project, tmp_path: Path) -> None:
    out = make_template(demo_project, "kol", "2026H1", tmp_path / "kol.xlsx", clinic="K01")
    wb = load_workbook(out)
    data = wb["Data"]
    assert data.protection.sheet and wb["Vejledning"].protection.sheet
    for row in data.iter_rows(min_row=1, max_row=data.max_row):
        for cell in row:
            assert cell.protection.locked == (cell.column_letter != "E" or cell.row == 1), cell.coordinate
    (rule,) = data.data_validations.dataValidation
    assert (rule.type, rule.operator, rule.formula1) == ("whole", "greaterThanOrEqual", "0")
    assert str(rule.sqref) == "E2:E4"


def test_numerator_above_denominator_is_flagged_in_the_sheet(demo_project: Project, tmp_path: Path) -> None:
    out = make_template(demo_project, "kol", "2026H1", tmp_path / "kol.xlsx", clinic="K01")
    data = load_workbook(out)["Data"]
    formulas = {str(cf.sqref): [r.formula[0] for r in cf.rules] for cf in data.conditional_formatting}
    # rows: 2 kol_patienter, 3 kol_lfu, 4 kol_rehab; both shares are checked against the patients
    assert formulas == {"E3": ["AND(ISNUMBER($E$3),ISNUMBER($E$2),$E$3>$E$2)"],
                        "E4": ["AND(ISNUMBER($E$4),ISNUMBER($E$2),$E$4>$E$2)"]}


def test_a_cluster_template_has_a_block_per_clinic(demo_project: Project, tmp_path: Path) -> None:
    out = make_template(demo_project, "smerter", "2026H1", tmp_path / "alle.xlsx")
    rows = list(load_workbook(out)["Data"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 14 * 7
    assert {r[0] for r in rows} == {c.yder for c in demo_project.clinics()}
    assert read_template_meta(out)["clinic"] == ""
    made = make_clinic_templates(demo_project, "kol", "2026H1", tmp_path / "each")
    assert sorted(p.name for p in made)[0] == "kol_2026H1_K01.xlsx" and len(made) == 14


@pytest.mark.parametrize(("kwargs", "word"), [({"topic": "ukendt"}, "ukendt"), ({"period": "2031H1"}, "2031H1"),
                                              ({"clinic": "K99"}, "K99")])
def test_unknown_topic_period_or_clinic_is_refused(demo_project: Project, tmp_path: Path, kwargs, word) -> None:
    args = {"topic": "kol", "period": "2026H1", **kwargs}
    with pytest.raises(KlyngeError) as err:
        make_template(demo_project, args.pop("topic"), args.pop("period"), tmp_path / "x.xlsx", **args)
    assert word in err.value.message()
    assert not (tmp_path / "x.xlsx").exists()


def test_cli_template(demo_path: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "smerter_K02.xlsx"
    assert main(["template", str(demo_path), "--topic", "smerter", "--period", "2026H1", "--out", str(out),
                 "--clinic", "K02"]) == 0
    assert read_template_meta(out)["clinic_key"] == "K02"
    assert "smerter_K02.xlsx" in capsys.readouterr().err
    bad = tmp_path / "bad.xlsx"
    assert main(["template", str(demo_path), "--topic", "findes_ikke", "--period", "2026H1", "--out", str(bad)]) == 1
    assert not bad.exists()
    assert main(["template", str(demo_path), "--topic", "kol"]) == 2
    before = out.read_bytes()  # an existing (perhaps already filled) template is never overwritten silently
    assert main(["template", str(demo_path), "--topic", "kol", "--period", "2026H1", "--out", str(out)]) == 1
    assert out.read_bytes() == before and "findes allerede" in capsys.readouterr().err
    assert main(["template", str(demo_path), "--topic", "kol", "--period", "2026H1", "--out", str(out), "--force"]) == 0
    assert read_template_meta(out)["topic"] == "kol"
