"""Replacing stored values always asks, per file: also for a file whose clinics were matched by a fuzzy name."""

from __future__ import annotations

from pathlib import Path

import clinic_files as cf
from gui_user import click_import
from PySide6.QtCore import Qt
from test_main_window import _drop_file

from klyngedesk.cli.main import main
from klyngedesk.core.ingest import plan_import
from klyngedesk.gui.main_window import MainWindow

ROUND = "2026H1"  # the demo's newest round: it already holds antibiotics values


def _fuzzy_file(folder: Path, project) -> Path:
    """Names only, each slightly misspelled (no yder numbers): every clinic is a fuzzy match."""
    clinics = cf.demo_clinics(project)[:2]
    path = folder / "antibiotika_fra_regionen.csv"
    rows = [f"{c.name}e;705;31" for c in clinics]
    path.write_text("Praksis;ab_ordinationer;pcv_ordinationer\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _standard_file(path: Path, clinics, measure: str, values) -> Path:
    """A file in the standard long format: one row per clinic with its value of `measure` for ROUND."""
    rows = [f"{c.yder};{c.name};{measure};{ROUND};{value}" for c, value in zip(clinics, values, strict=True)]
    path.write_text("ydernummer;praksis;maaling;periode;vaerdi\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _exact_file(folder: Path, project) -> Path:
    return _standard_file(folder / "standard.csv", cf.demo_clinics(project)[2:4], "ab_ordinationer", (700, 700))


def _questions(wizard) -> list[str]:
    return [wizard.questions.item(i).text() for i in range(wizard.questions.count())]


def _tick(qtbot, window: MainWindow, wizard, text: str) -> None:
    """Select the question that contains `text` and press Space: the user's "yes"."""
    questions = wizard.questions
    row = next(i for i in range(questions.count()) if text in questions.item(i).text())
    questions.setFocus()
    questions.setCurrentRow(row)
    qtbot.keyClick(questions, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=20000)


def test_a_fuzzy_matched_file_asks_before_replacing_even_after_another_file_was_allowed(
        qtbot, open_window, demo_path: Path, tmp_path: Path) -> None:
    window = open_window(demo_path)
    project = window.ctx.holder.project
    before = project.values(period=ROUND, topic="antibiotika")
    exact, fuzzy = _exact_file(tmp_path, project), _fuzzy_file(tmp_path, project)
    _drop_file(window, exact)
    wizard = window.import_wizard
    qtbot.waitUntil(lambda: wizard.plan is not None and not window.runner.busy, timeout=20000)
    wizard.add_files([str(fuzzy)])  # the second file dropped onto the open wizard
    qtbot.waitUntil(lambda: len(wizard.plan.files) == 2 and not window.runner.busy, timeout=20000)
    wizard.period_box.setCurrentIndex(wizard.period_box.findData(ROUND))
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=20000)

    _tick(qtbot, window, wizard, "standard.csv erstatter")  # yes to the standard file's replacement
    names = [c.name for c in cf.demo_clinics(project)[:2]]
    for name in names:  # yes, "…e" in the file is that clinic
        _tick(qtbot, window, wizard, f"{name}e")
    fuzzy_plan = wizard.plan.files[1]
    assert fuzzy_plan.status == "questions" and fuzzy_plan.replaces == 4
    texts = _questions(wizard)
    assert any("antibiotika_fra_regionen.csv erstatter 4" in t for t in texts), texts
    assert not wizard.import_button.isEnabled()
    assert project.values(period=ROUND, topic="antibiotika").equals(before)  # nothing stored while asking

    _tick(qtbot, window, wizard, "antibiotika_fra_regionen.csv erstatter")
    assert wizard.plan.ok and wizard.import_button.isEnabled()
    click_import(qtbot, wizard)
    stored = project.values(period=ROUND, topic="antibiotika")
    k01 = stored[(stored.clinic == cf.demo_clinics(project)[0].key) & (stored.measure == "ab_ordinationer")]
    assert list(k01.value) == [705.0]


def test_a_yes_covers_only_that_file_and_that_many_values(demo_project, tmp_path: Path) -> None:
    exact, fuzzy = _exact_file(tmp_path, demo_project), _fuzzy_file(tmp_path, demo_project)
    plan = plan_import(demo_project, [exact, fuzzy], period=ROUND)
    [replace] = [q for q in plan.files[0].questions if q.id.startswith("replace")]
    clinic_answers = {q.id: True for q in plan.files[1].questions}
    plan = plan_import(demo_project, [exact, fuzzy], period=ROUND, answers={replace.id: True, **clinic_answers})
    assert plan.files[0].status == "ready"
    assert plan.files[1].status == "questions" and plan.files[1].replaces == 4


def test_the_cli_asks_for_yes_before_replacing_fuzzy_matched_values(demo_path: Path, tmp_path: Path, capsys) -> None:
    from klyngedesk.core.store import Project

    with Project.open(demo_path) as project:
        fuzzy = _fuzzy_file(tmp_path, project)
        before = project.values(period=ROUND, topic="antibiotika")
    assert main(["import", str(demo_path), str(fuzzy), "--period", ROUND]) == 1
    assert "Intet blev importeret" in capsys.readouterr().err
    with Project.open(demo_path) as project:
        assert project.values(period=ROUND, topic="antibiotika").equals(before)
    assert main(["import", str(demo_path), str(fuzzy), "--period", ROUND, "--yes"]) == 0
    with Project.open(demo_path) as project:
        assert 705.0 in set(project.values(period=ROUND, topic="antibiotika").value)


def _sizes_file(folder: Path, project, *, standard: bool) -> tuple[Path, dict[str, int]]:
    """New list sizes for two clinics that already have one stored for ROUND (+40 patients each)."""
    stored = project.list_sizes(ROUND)
    clinics = [c for c in cf.demo_clinics(project) if c.key in set(stored.clinic)][:2]
    sizes = {c.key: int(stored.loc[stored.clinic == c.key, "patients"].iloc[0]) + 40 for c in clinics}
    if standard:
        path = _standard_file(folder / "listestoerrelser.csv", clinics, "listestoerrelse",
                              [sizes[c.key] for c in clinics])
    else:  # a region's sheet: fuzzy names, a list size column beside a measure
        path = folder / "regionens_tal.csv"
        rows = [f"{c.name}e;{sizes[c.key]};705" for c in clinics]
        path.write_text("Praksis;Listestørrelse;ab_ordinationer\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path, sizes


def _stored_sizes(project) -> dict[str, int]:
    table = project.list_sizes(ROUND)
    return {r.clinic: int(r.patients) for r in table.itertuples(index=False)}


def test_a_standard_file_that_changes_stored_list_sizes_asks_before_storing_them(
        qtbot, open_window, demo_path: Path, tmp_path: Path) -> None:
    window = open_window(demo_path)
    project = window.ctx.holder.project
    before = _stored_sizes(project)
    path, sizes = _sizes_file(tmp_path, project, standard=True)
    _drop_file(window, path)
    wizard = window.import_wizard
    qtbot.waitUntil(lambda: wizard.plan is not None and not window.runner.busy, timeout=20000)
    texts = _questions(wizard)
    assert any("ændrer 2 gemte listestørrelser" in t for t in texts), texts
    shown = cf.demo_clinics(project)
    assert any(c.name in t for t in texts for c in shown if c.key in sizes), texts  # the clinic by name, not K01
    assert not wizard.import_button.isEnabled() and _stored_sizes(project) == before
    _tick(qtbot, window, wizard, "listestørrelser")
    assert wizard.plan.ok and wizard.import_button.isEnabled()
    click_import(qtbot, wizard)
    after = _stored_sizes(project)
    assert {k: after[k] for k in sizes} == sizes
    window.undo_stack.undo()                                   # undo brings the old list sizes back
    assert _stored_sizes(project) == before


def test_a_fuzzy_matched_file_asks_before_changing_list_sizes_and_a_yes_covers_only_that_count(
        demo_project, tmp_path: Path) -> None:
    path, sizes = _sizes_file(tmp_path, demo_project, standard=False)
    plan = plan_import(demo_project, [path], period=ROUND)
    answers = {q.id: True for q in plan.files[0].questions}       # yes, "…e" is that clinic
    plan = plan_import(demo_project, [path], period=ROUND, answers=answers)
    ids = {q.id.split(":")[0] for q in plan.files[0].questions}
    assert "list_sizes" in ids and plan.files[0].status == "questions"
    answers |= {q.id: True for q in plan.files[0].questions}
    plan = plan_import(demo_project, [path], period=ROUND, answers=answers)
    assert plan.ok
    stale = {q: True for q in answers if q.startswith("list_sizes")}
    stale = {q.rsplit(":", 1)[0] + ":1": True for q in stale}   # a yes for fewer list sizes covers nothing here
    plan = plan_import(demo_project, [path], period=ROUND,
                       answers={**{q: a for q, a in answers.items() if not q.startswith("list_sizes")}, **stale})
    assert not plan.ok


def test_same_list_sizes_again_are_no_question(demo_project, tmp_path: Path) -> None:
    stored = _stored_sizes(demo_project)
    clinics = [c for c in cf.demo_clinics(demo_project) if c.key in stored][:2]
    path = _standard_file(tmp_path / "samme.csv", clinics, "listestoerrelse", [stored[c.key] for c in clinics])
    plan = plan_import(demo_project, [path], period=ROUND)
    assert not any(q.id.startswith("list_sizes") for q in plan.files[0].questions)


def test_the_cli_asks_for_yes_before_changing_list_sizes(demo_path: Path, tmp_path: Path, capsys) -> None:
    from klyngedesk.core.store import Project

    with Project.open(demo_path) as project:
        path, sizes = _sizes_file(tmp_path, project, standard=True)
        before = _stored_sizes(project)
    assert main(["import", str(demo_path), str(path)]) == 1
    err = capsys.readouterr()
    assert "listestørrelser" in err.out + err.err and "Intet blev importeret" in err.err
    with Project.open(demo_path) as project:
        assert _stored_sizes(project) == before
    assert main(["import", str(demo_path), str(path), "--yes"]) == 0
    with Project.open(demo_path) as project:
        assert {k: v for k, v in _stored_sizes(project).items() if k in sizes} == sizes


def test_undoing_an_import_from_the_history_puts_the_old_list_sizes_back(demo_project, tmp_path: Path) -> None:
    from klyngedesk.core.commands import UndoBatch
    from klyngedesk.core.ingest import commit_plan

    before = _stored_sizes(demo_project)
    path, sizes = _sizes_file(tmp_path, demo_project, standard=True)
    [batch] = commit_plan(demo_project, plan_import(demo_project, [path], confirm=True))
    undo = UndoBatch(batch)
    undo.do(demo_project)
    assert _stored_sizes(demo_project) == before
    undo.undo(demo_project)                                    # "redo" the import: the new list sizes again
    assert {k: v for k, v in _stored_sizes(demo_project).items() if k in sizes} == sizes
