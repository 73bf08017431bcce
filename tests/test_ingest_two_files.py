"""Several files in one import: a value in two of them is an error naming both (the order of the files never
decides which is stored), and a file that was fine is not reported as stored when another stopped the import."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from klyngedesk.cli.main import main
from klyngedesk.core.demo import build_demo
from klyngedesk.core.ingest import plan_import
from klyngedesk.core.store import Project

HEADER = ["ydernummer", "praksis", "maaling", "periode", "vaerdi"]


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, list[list]]:
    path = build_demo(tmp_path / "demo.klynge", clinics=4)
    with Project.open(path, readonly=True) as p:
        clinics, period = p.clinics()[:3], p.periods()[-1].key
        measures = [i.numerator for i in p.topics()[0].indicators][:2]
    rows = [[c.yder, c.name, m, period, 10 + k] for k, (c, m) in enumerate((c, m) for c in clinics for m in measures)]
    return path, rows


def _xlsx(path: Path, rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    for row in [HEADER, *rows]:
        ws.append(row)
    wb.save(path)
    return path


def _stored(path: Path) -> list[tuple[str, float]]:
    with Project.open(path, readonly=True) as p:
        values = p.values()
        names = {b.id: b.file_name for b in p.batches()}
    return sorted((names[b], v) for b, v in zip(values["batch_id"], values["value"], strict=True)
                  if names.get(b, "").startswith("klinik"))


def test_a_value_in_two_files_is_refused_naming_both_cells(project, tmp_path: Path, capsys) -> None:
    path, rows = project
    first = _xlsx(tmp_path / "klinik_a.xlsx", rows[:4])
    second = _xlsx(tmp_path / "klinik_b.xlsx", [*rows[4:], [*rows[1][:4], 99]])  # row 4 repeats a's row 3
    code = main(["import", str(path), str(first), str(second), "--yes"])
    out = capsys.readouterr()
    assert code != 0 and "Traceback" not in out.err
    text = out.out + out.err
    assert ("klinik_b.xlsx, ark Data, række 4, kolonne vaerdi (E): Værdien for klinik " in text and
            "står også i klinik_a.xlsx (række 3)" in text)
    assert "klinik_a.xlsx: 4 værdier kan importeres (intet skrevet)." in text
    assert "importeret som indlæsning" not in text and "Intet blev importeret." in text
    assert _stored(path) == []
    # The same in the other order: the file read second is the one with the error, still nothing is stored.
    with Project.open(path, readonly=True) as p:
        plan = plan_import(p, [second, first], confirm=True)
    assert not plan.ok and [f.status for f in plan.files] == ["ready", "failed"]
    message = plan.files[1].problems[0].to_json("klinik_a.xlsx", "en")["message"]
    assert message.startswith("klinik_a.xlsx, sheet Data, row 3, column vaerdi (E): The value of clinic ")
    assert "is also in klinik_b.xlsx (row 4)" in message


def test_files_with_their_own_values_are_stored_together(project, tmp_path: Path, capsys) -> None:
    path, rows = project
    first = _xlsx(tmp_path / "klinik_a.xlsx", rows[:4])
    second = _xlsx(tmp_path / "klinik_b.xlsx", rows[4:])
    assert main(["import", str(path), str(first), str(second), "--yes"]) == 0
    assert _stored(path) == sorted([("klinik_a.xlsx", float(r[4])) for r in rows[:4]] +
                                   [("klinik_b.xlsx", float(r[4])) for r in rows[4:]])
