"""Import wizard: questions read to their end, a file can be left out, a mapping is kept only if the user says so."""

from __future__ import annotations

from pathlib import Path

import clinic_files as cf
from gui_user import click_import, show_active
from PySide6.QtCore import QPoint, Qt
from test_gui_import import NEW, _planned
from test_gui_import import window as window  # noqa: F401 - the fixture: demo project with a new round

from klyngedesk.gui.main_window import MainWindow


def _foreign_export(qtbot, window: MainWindow, tmp_path: Path):
    """An Ordiprax-like export for four demo clinics in the new round (a kind of file with no stored mapping);
    returns the project and the export."""
    show_active(qtbot, window)
    project = window.ctx.holder.project
    period = project.period(NEW)
    return project, cf.ordiprax_export(tmp_path, cf.demo_clinics(project)[4:8], period.label, period.key)


def _edit_mapping(qtbot, window: MainWindow, wizard) -> None:
    """The user types "Patienter med KOL" as the measure of the column "KOL-pt. i alt"."""
    row = [wizard.preview.mapping.item(r, 0).text() for r in range(wizard.preview.mapping.rowCount())].index(
        "KOL-pt. i alt")
    box = wizard.preview.mapping.cellWidget(row, 1)
    box.setFocus()
    qtbot.keyClicks(box, "Patienter med KOL")
    qtbot.waitUntil(lambda: wizard.plan.ok and not window.runner.busy, timeout=20000)


def _click_tick_box(qtbot, box) -> None:
    """A click on the box itself, at its left end (not on its text)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def test_questions_wrap_and_a_file_can_be_left_out(qtbot, window: MainWindow, tmp_path: Path) -> None:  # noqa: F811
    fuzzy = tmp_path / "kol_fra_praksis.csv"
    fuzzy.write_text("Praksis;Måling;Antal;Periode\nLægehuset Torvett;kol_patienter;120;2. halvår 2026\n",
                     encoding="utf-8")
    broken = tmp_path / "tom.csv"
    broken.write_text("\n", encoding="utf-8")
    wizard = _planned(qtbot, window, [fuzzy, broken])
    assert wizard.questions.wordWrap() and wizard.preview.problems.wordWrap()
    question = wizard.questions.item(0).text()
    assert question.rstrip().endswith("Lægehuset Torvet?"), question
    assert not wizard.plan.ok
    wizard.files.setCurrentRow(1)  # the file that cannot be imported
    qtbot.mouseClick(wizard.leave_out_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.runner.busy and len(wizard.plan.files) == 1, timeout=20000)
    assert wizard.plan.files[0].name == "kol_fra_praksis.csv"
    wizard.reject()


def test_a_mapping_is_forgotten_when_the_user_unticks_remember(qtbot, window: MainWindow, tmp_path: Path) -> None:  # noqa: F811
    project, export = _foreign_export(qtbot, window, tmp_path)
    wizard = _planned(qtbot, window, [export.path])
    assert not wizard.profile_name.text() or wizard.profile_name.text() == export.path.stem
    _edit_mapping(qtbot, window, wizard)
    remember = wizard.remember
    assert not remember.isChecked()  # a foreign file's mapping is kept only when the user asks
    _click_tick_box(qtbot, remember)
    assert remember.isChecked()
    _click_tick_box(qtbot, remember)
    assert not remember.isChecked()
    click_import(qtbot, wizard)
    assert project.mapping_profiles() == []
    assert len(project.values(period=NEW)) == len(export.expected)


def test_a_mapping_is_kept_when_the_user_ticks_remember(qtbot, window: MainWindow, tmp_path: Path) -> None:  # noqa: F811
    project, export = _foreign_export(qtbot, window, tmp_path)
    wizard = _planned(qtbot, window, [export.path])
    _edit_mapping(qtbot, window, wizard)
    remember = wizard.remember
    _click_tick_box(qtbot, remember)
    assert remember.isChecked()
    click_import(qtbot, wizard)
    assert [p["name"] for p in project.mapping_profiles()] == [wizard.mapping_name]


def test_a_stored_mapping_changed_in_the_wizard_is_put_back_unless_the_user_keeps_it(
        qtbot, window: MainWindow, tmp_path: Path) -> None:  # noqa: F811
    project, export = _foreign_export(qtbot, window, tmp_path)
    project.save_mapping_profile(export.path.stem, "some other source", {"layout": "wide", "columns": {}})
    before = project.mapping_profiles()
    for leave in ("cancel", "import"):
        wizard = _planned(qtbot, window, [export.path])
        _edit_mapping(qtbot, window, wizard)
        wizard.profile_name.setText(export.path.stem)         # the name of the stored mapping
        qtbot.mouseClick(wizard.save_profile, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda w=wizard: w.plan.ok and not window.runner.busy, timeout=20000)
        if leave == "cancel":
            wizard.reject()
        else:
            click_import(qtbot, wizard)
        assert project.mapping_profiles() == before, leave
