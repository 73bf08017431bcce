"""Refused files: exit 1, one clear message, nothing stored, and their content nowhere in the project or log."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import clinic_files as cf
import pytest

from klyngedesk.cli.main import main
from klyngedesk.core.store import Project

EXTERNAL_ENCRYPTED = "lib_calamine_pass_protected.xlsx"


def _snapshot(path: Path) -> tuple:
    with Project.open(path, readonly=True) as project:
        values = project.values(history=True).to_dict("records")
        return values, len(project.batches()), len(project.audit_log()), project.mapping_profiles()


def _project_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file())


CASES: dict[str, tuple[Callable[[Path], Path], str, str]] = {
    "cpr": (cf.cpr_file, "cpr", "CPR-numre (række 2, kolonne A og 4 andre steder)"),
    "cpr_lost_zero": (cf.cpr_lost_zero_file, "cpr", "CPR-numre (ark Sheet, række 2, kolonne A"),
    "patients": (cf.patient_level_file, "patients", "ikke samlede tal"),
    "zipbomb": (cf.zip_bomb, "zipbomb", "komprimeret"),
    "xmlbomb": (cf.xml_entity_bomb, "xmlbomb", "XML-entitetserklæringer"),
    "empty": (cf.empty_file, "empty", "Filen er tom"),
    "mismatch": (cf.mismatched_file, "mismatch", "passer ikke til navnet"),
}


def _make(case: str, folder: Path, external: Path | None) -> Path:
    if case == "encrypted":
        target = folder / "beskyttet.xlsx"
        shutil.copy(external / EXTERNAL_ENCRYPTED, target)
        return target
    if case == "truncated":
        with Project.open(folder.parent / "Demoklynge.klynge", readonly=True) as project:
            good = cf.filled_template(folder, cf.demo_clinics(project)[0], "2026H1")
        return cf.truncated_xlsx(folder, good.path)
    if case == "unfilled":
        with Project.open(folder.parent / "Demoklynge.klynge", readonly=True) as project:
            return cf.filled_template(folder, cf.demo_clinics(project)[0], "2026H1", filled=False).path
    return CASES[case][0](folder)


@pytest.mark.parametrize("case", [*CASES, "encrypted", "truncated", "unfilled"])
def test_refused_file_writes_nothing_and_leaks_nothing(case: str, demo_path: Path, external: Path, capsys) -> None:
    folder = demo_path.parent / "indbakke"
    folder.mkdir()
    path = _make(case, folder, external)
    before = _snapshot(demo_path)
    assert main(["--lang", "da", "import", str(demo_path), str(path), "--yes"]) == 1
    err = capsys.readouterr().err
    expected = CASES[case][2] if case in CASES else {"encrypted": "adgangskode", "truncated": "beskadiget",
                                                      "unfilled": "ikke udfyldt"}[case]
    assert expected in err
    assert cf.MARKER not in err and "0101701234" not in err and "101701234" not in err  # never echoed
    assert _snapshot(demo_path) == before
    data = _project_bytes(demo_path)
    assert cf.MARKER.encode() not in data and b"0101701234" not in data and b"150385-4321" not in data
    with Project.open(demo_path, readonly=True) as project:
        assert cf.MARKER not in str(project.audit_log())
        assert path.name not in str(project.audit_log())


@pytest.mark.parametrize("case", [*CASES, "encrypted"])
def test_inspect_refuses_with_the_kind(case: str, tmp_path: Path, external: Path, capsys) -> None:
    import json

    path = _make(case, tmp_path, external)
    assert main(["inspect", str(path), "--json", "--values"]) == 1
    [entry] = json.loads(capsys.readouterr().out)["files"]
    assert entry["status"] == "refused" and entry["tables"] == []
    assert entry["refusal"] == (CASES[case][1] if case in CASES else "encrypted")
    assert cf.MARKER not in json.dumps(entry, ensure_ascii=False)


def test_one_refused_file_stops_the_whole_import(demo_path: Path, tmp_path: Path) -> None:
    with Project.open(demo_path, readonly=True) as project:
        good = cf.standard_csv(tmp_path, cf.demo_clinics(project)[:2], "2026H1")
    bad = cf.cpr_file(tmp_path)
    before = _snapshot(demo_path)
    assert main(["import", str(demo_path), str(good.path), str(bad), "--yes"]) == 1
    assert _snapshot(demo_path) == before


def test_a_stray_cpr_number_is_never_echoed_in_a_message(demo_path: Path, tmp_path: Path, capsys) -> None:
    with Project.open(demo_path, readonly=True) as project:
        yder = project.clinics()[0].yder
    path = tmp_path / "enkelt.csv"
    path.write_text(f"ydernummer;maaling;periode;vaerdi\n{yder};kol_patienter;2026H1;12\n{yder};kol_lfu;2026H1;"
                    "150385-4321\n0101701234;kol_rehab;2026H1;3\n", encoding="utf-8")
    assert main(["--lang", "da", "import", str(demo_path), str(path), "--yes", "--json"]) == 1
    captured = capsys.readouterr()
    for secret in ("150385-4321", "1503854321", "0101701234"):
        assert secret not in captured.err and secret not in captured.out


def test_an_unfilled_file_says_first_that_it_has_no_values(demo_path: Path, tmp_path: Path, capsys) -> None:
    """Not that it does not name its clinic or period: the user fills the values in first."""
    path = tmp_path / "tom.csv"
    path.write_text("maaling;vaerdi\nkol_patienter;\nkol_lfu;\n", encoding="utf-8")
    assert main(["--lang", "da", "import", str(demo_path), str(path), "--yes"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert "ingen værdier" in err[0] and not any("klinik" in line or "periode" in line for line in err)


def test_import_suggests_a_mapping_and_names_the_saved_ones(demo_path: Path, tmp_path: Path, capsys) -> None:
    with Project.open(demo_path) as project:
        clinics = cf.demo_clinics(project)[:3]
        project.save_mapping_profile("Ordiprax KOL", "x", cf.ORDIPRAX_SPEC)
    path = cf.ordiprax_export(tmp_path, clinics, "1. halvår 2026", "2026H1").path
    before = _snapshot(demo_path)
    assert main(["--lang", "da", "import", str(demo_path), str(path), "--mapping", "Ordiprax KLO"]) == 1
    err = capsys.readouterr().err
    assert "ingen gemt indlæsningsprofil med navnet Ordiprax KLO" in err and "gemte profiler: Ordiprax KOL" in err
    assert "forslag til indlæsning" in err and "Heraf LFU < 12 mdr. -> kol_lfu" in err
    assert _snapshot(demo_path) == before
    import json

    assert main(["import", str(demo_path), str(path), "--json", "--dry-run"]) == 1
    [entry] = json.loads(capsys.readouterr().out)["files"]
    assert entry["suggestions"]["Henvist til rehab."] == "kol_rehab"
