"""The shapes clinics send import into the demo cluster correctly; duplicates, re-sent data and undo."""

from __future__ import annotations

import json
from pathlib import Path

import clinic_files as cf
import pytest

from klyngedesk.cli.main import main
from klyngedesk.core.ingest import commit_plan, plan_import, undo_import
from klyngedesk.core.ingest.mapping import signature_of
from klyngedesk.core.model import Period
from klyngedesk.core.store import Project

NEW = "2026H2"


@pytest.fixture
def project(demo_project):
    """The demo cluster with a fresh round (2. halvår 2026) to import into."""
    from datetime import date

    demo_project.add_period(Period(NEW, "2. halvår 2026", date(2026, 7, 1), date(2026, 12, 31)))
    return demo_project


def _stored(project, period: str = NEW) -> dict:
    df = project.values(period=period)
    return {(r.clinic, r.measure, r.period): (r.value if r.status == "ok" else r.status)
            for r in df.itertuples(index=False)}


def _import(project, f: cf.ClinicFile, **kw) -> None:
    plan = plan_import(project, [f.path], **kw)
    assert plan.ok, [p.message(f.path.name, "en") for fp in plan.files for p in fp.problems] + \
        [fp.message("en") for fp in plan.files]
    commit_plan(project, plan)


def test_standard_csv_imports_without_questions(project, tmp_path: Path) -> None:
    f = cf.standard_csv(tmp_path, cf.demo_clinics(project), NEW)
    _import(project, f)
    assert _stored(project) == f.expected


def test_filled_template_imports_and_keeps_suppressed_cells(project, tmp_path: Path) -> None:
    clinic = cf.demo_clinics(project)[0]
    f = cf.filled_template(tmp_path, clinic, NEW)
    _import(project, f)
    stored = _stored(project)
    assert stored == f.expected and stored[(clinic.key, "kol_rehab", NEW)] == "suppressed"
    row = project.values(period=NEW).query("measure == 'kol_rehab'").iloc[0]
    assert row.source_text == "<5" and row.file_name == f.path.name and row.sheet == "Data" and row.row == 4


def test_unfilled_template_is_refused_as_empty(project, tmp_path: Path) -> None:
    f = cf.filled_template(tmp_path, cf.demo_clinics(project)[0], NEW, filled=False)
    plan = plan_import(project, [f.path])
    assert plan.files[0].status == "refused" and plan.files[0].report.refusal.kind == "empty"


def test_ehr_export_in_cp1252_with_title_and_totals_rows(project, tmp_path: Path) -> None:
    clinic = cf.demo_clinics(project)[3]
    f = cf.ehr_export(tmp_path, clinic, "2. halvår 2026", NEW)
    plan = plan_import(project, [f.path])
    fp = plan.files[0]
    assert fp.report.encoding == "cp1252" and fp.mapping.layout == "single" and fp.mapping.clinic == clinic.key
    assert [r for r, why in fp.report.tables[0].excluded if why == "total"] == [9]
    commit_plan(project, plan)
    assert _stored(project) == f.expected


def test_region_extract_in_long_format(project, tmp_path: Path) -> None:
    f = cf.region_extract(tmp_path, cf.demo_clinics(project), "2. halvår 2026", NEW)
    _import(project, f)
    assert _stored(project) == f.expected and len(f.expected) == 28


def test_ordiprax_export_needs_a_profile_once_then_is_recognised(project, tmp_path: Path) -> None:
    clinics = cf.demo_clinics(project)[4:9]
    f = cf.ordiprax_export(tmp_path, clinics, "2. halvår 2026", NEW)
    plan = plan_import(project, [f.path])
    assert plan.files[0].status == "failed"  # no silent guessing of "KOL-pt. i alt"
    project.save_mapping_profile("Ordiprax KOL", signature_of(cf.ORDIPRAX_HEADERS), cf.ORDIPRAX_SPEC)
    plan = plan_import(project, [f.path])
    fp = plan.files[0]
    assert plan.ok and fp.mapping.name == "Ordiprax KOL" and fp.mapping.period == NEW  # "Periode: ..." line
    commit_plan(project, plan)
    assert _stored(project) == f.expected
    assert project.batches()[-1].mapping == "Ordiprax KOL"


def test_same_file_twice_is_detected_by_hash(project, tmp_path: Path) -> None:
    f = cf.standard_csv(tmp_path, cf.demo_clinics(project)[:3], NEW)
    _import(project, f)
    plan = plan_import(project, [f.path])
    assert plan.files[0].status == "duplicate" and plan.files[0].duplicate_of == project.batches()[-1].id


def test_resent_data_replaces_only_after_confirmation_and_undo_restores(project, tmp_path: Path) -> None:
    clinics = cf.demo_clinics(project)[:3]
    first = cf.standard_csv(tmp_path, clinics, NEW, seed=10, name="runde1.csv")
    _import(project, first)
    again = cf.standard_csv(tmp_path, clinics, NEW, seed=11, name="runde1_rettet.csv")
    plan = plan_import(project, [again.path])
    assert plan.files[0].status == "questions" and plan.files[0].replaces == 9
    with pytest.raises(Exception):  # noqa: B017 - nothing is stored without the answer
        commit_plan(project, plan)
    assert _stored(project) == first.expected
    _import(project, again, confirm=True)
    assert _stored(project) == again.expected
    history = project.values(period=NEW, history=True)
    assert len(history) == 18
    undo_import(project, project.batches()[-1].id)
    assert _stored(project) == first.expected
    assert project.audit_log()[-1]["action"] == "undo_import"


def test_unknown_clinic_measure_and_period_are_named(project, tmp_path: Path) -> None:
    path = tmp_path / "ukendt.csv"
    path.write_text("ydernummer;praksis;maaling;periode;vaerdi\n999999;Fremmed Klinik;kol_patienter;2026H2;10\n"
                    f"{project.clinics()[0].yder};x;hjerte;2026H2;5\n{project.clinics()[0].yder};x;kol_lfu;2031H1;5\n",
                    encoding="utf-8")
    plan = plan_import(project, [path])
    texts = " ".join(p.text("en") for p in plan.files[0].problems)
    assert plan.files[0].status == "failed"
    assert "999999" in texts and "hjerte" in texts and "2031H1" in texts
    assert "never creates a clinic" in texts
    assert len(project.clinics()) == 14


def test_fuzzy_clinic_name_asks_for_confirmation(project, tmp_path: Path) -> None:
    clinic = project.clinics()[0]
    path = tmp_path / "navne.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Praksis", "Patienter med KOL"])
    wb.active.append([clinic.name.upper().replace("Æ", "AE") + " ApS", 17])
    wb.save(path)
    plan = plan_import(project, [path], period=NEW)
    fp = plan.files[0]
    assert fp.status == "questions" and fp.questions[0].id.startswith("clinic:")
    plan = plan_import(project, [path], period=NEW, answers={fp.questions[0].id: True})
    assert plan.ok and plan.files[0].values[0].clinic == clinic.key


def test_checks_numerator_above_denominator_and_negative_counts(project, tmp_path: Path) -> None:
    yder = project.clinics()[0].yder
    path = tmp_path / "fejl.csv"
    path.write_text(f"ydernummer;maaling;periode;vaerdi\n{yder};kol_patienter;{NEW};10\n{yder};kol_lfu;{NEW};12\n"
                    f"{yder};kol_rehab;{NEW};-1\n", encoding="utf-8")
    plan = plan_import(project, [path])
    problems = plan.files[0].problems
    assert plan.files[0].status == "failed"
    assert any(p.row == 3 and "larger than" in p.text("en") for p in problems)
    assert any(p.row == 4 and "negative" in p.text("en") for p in problems)
    assert "række 3" in problems[0].message("fejl.csv", "da") or any("række" in p.message("f", "da") for p in problems)


def test_cli_import_dry_run_then_import_with_json(demo_path: Path, tmp_path: Path, capsys) -> None:
    with Project.open(demo_path) as project:
        clinics = cf.demo_clinics(project)
    f = cf.standard_csv(tmp_path, clinics, "2026H1")
    assert main(["import", str(demo_path), str(f.path), "--dry-run", "--json"]) == 0  # a question, not an error
    out = json.loads(capsys.readouterr().out)
    assert out["files"][0]["status"] == "questions" and out["imported"] is False
    assert main(["import", str(demo_path), str(f.path)]) == 1  # without --yes nothing replaces stored values
    capsys.readouterr()
    assert main(["import", str(demo_path), str(f.path), "--yes", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["imported"] and out["files"][0]["values"] == 42 and out["files"][0]["batch"]
    with Project.open(demo_path, readonly=True) as project:
        assert _stored(project, "2026H1").items() >= f.expected.items()
    assert main(["--lang", "da", "import", str(demo_path), str(f.path)]) == 0
    assert "importeret før" in capsys.readouterr().err
    assert main(["import", str(demo_path), str(f.path), "--yes", "--json"]) == 0  # the same file again
    again = json.loads(capsys.readouterr().out)
    assert again["imported"] is False and again["files"][0]["status"] == "duplicate"


def test_list_sizes_are_checked_stored_and_undone(project, tmp_path: Path) -> None:
    from openpyxl import Workbook

    a, b = project.clinics()[:2]
    before = dict(project.list_sizes("2026H1").set_index("clinic").patients)
    path = tmp_path / "lister.xlsx"
    wb = Workbook()
    wb.active.append(["Ydernummer", "Listestørrelse", "Patienter med KOL"])
    wb.active.append([a.yder, 4321, 150])
    wb.active.append([b.yder, 95000, 140])
    wb.save(path)
    plan = plan_import(project, [path], period="2026H1", confirm=True)
    fp = plan.files[0]
    assert plan.ok and len(fp.list_sizes) == 2
    assert any(p.severity == "warning" and "95000" in p.text("en") for p in fp.problems)
    [batch] = commit_plan(project, plan)
    sizes = dict(project.list_sizes("2026H1").set_index("clinic").patients)
    assert sizes[a.key] == 4321 and sizes[b.key] == 95000
    undo_import(project, batch)
    assert dict(project.list_sizes("2026H1").set_index("clinic").patients) == before


def test_the_same_file_twice_in_one_import_is_stored_once(project, tmp_path: Path) -> None:
    import shutil

    f = cf.standard_csv(tmp_path, cf.demo_clinics(project)[:2], NEW)
    copy = tmp_path / "kopi.csv"
    shutil.copy(f.path, copy)
    plan = plan_import(project, [f.path, copy])
    assert [fp.status for fp in plan.files] == ["ready", "duplicate"]
    assert "samme fil" in plan.files[1].message("da")
    commit_plan(project, plan)
    assert len([b for b in project.batches() if b.file_name in (f.path.name, copy.name)]) == 1


def test_progress_is_reported_and_cancel_stops_without_writing(project, tmp_path: Path) -> None:
    from klyngedesk.core.ingest import ImportCancelled

    files = [cf.standard_csv(tmp_path, cf.demo_clinics(project)[2 * i:2 * i + 2], NEW, seed=i, name=f"f{i}.csv").path
             for i in range(3)]
    seen: list[float] = []
    plan = plan_import(project, files, progress=seen.append)
    assert seen[-1] == 1.0 and len(seen) == 3
    with pytest.raises(ImportCancelled):
        plan_import(project, files, cancelled=lambda: True)
    before = len(project.batches())
    with pytest.raises(ImportCancelled):
        commit_plan(project, plan, cancelled=lambda: True)
    assert len(project.batches()) == before


def test_cli_mapping_name_saves_a_profile_that_is_recognised_next_time(demo_path: Path, tmp_path: Path) -> None:
    from datetime import date

    with Project.open(demo_path) as project:
        project.add_period(Period(NEW, "2. halvår 2026", date(2026, 7, 1), date(2026, 12, 31)))
        a, b = cf.demo_clinics(project)[5:7]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = cf.ehr_export(tmp_path / "a", a, "2. halvår 2026", NEW)
    second = cf.ehr_export(tmp_path / "b", b, "2. halvår 2026", NEW, seed=9)
    assert main(["import", str(demo_path), str(first.path), "--mapping", "XMO statistik"]) == 0
    with Project.open(demo_path) as project:
        assert [p["name"] for p in project.mapping_profiles()] == ["XMO statistik"]
        plan = plan_import(project, [second.path])
        assert plan.ok and plan.files[0].mapping.name == "XMO statistik"
        commit_plan(project, plan)
        assert _stored(project).items() >= (first.expected | second.expected).items()
