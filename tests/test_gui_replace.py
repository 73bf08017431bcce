"""Replacing stored values always asks, per file: also for a file whose clinics were matched by a fuzzy name."""

from __future__ import annotations

from pathlib import Path

import clinic_files as cf
from gui_user import show_active
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


def _exact_file(folder: Path, project) -> Path:
    clinics = cf.demo_clinics(project)[2:4]
    rows = [f"{c.yder};{c.name};ab_ordinationer;{ROUND};700" for c in clinics]
    path = folder / "standard.csv"
    path.write_text("ydernummer;praksis;maaling;periode;vaerdi\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _tick(qtbot, window: MainWindow, wizard, text: str) -> None:
    """Select the question that contains `text` and press Space: the user's "yes"."""
    questions = wizard.questions
    row = next(i for i in range(questions.count()) if text in questions.item(i).text())
    questions.setFocus()
    questions.setCurrentRow(row)
    qtbot.keyClick(questions, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=20000)


def test_a_fuzzy_matched_file_asks_before_replacing_even_after_another_file_was_allowed(
        qtbot, app_context, demo_path: Path, tmp_path: Path) -> None:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    show_active(qtbot, window)
    window.open_project(str(demo_path))
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
    texts = [wizard.questions.item(i).text() for i in range(wizard.questions.count())]
    assert any("antibiotika_fra_regionen.csv erstatter 4" in t for t in texts), texts
    assert not wizard.import_button.isEnabled()
    assert project.values(period=ROUND, topic="antibiotika").equals(before)  # nothing stored while asking

    _tick(qtbot, window, wizard, "antibiotika_fra_regionen.csv erstatter")
    assert wizard.plan.ok and wizard.import_button.isEnabled()
    with qtbot.waitSignal(wizard.committed, timeout=20000):
        qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
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
