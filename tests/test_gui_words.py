"""The window's words: names instead of keys, no command-line hints, Danish Qt dialogs, one date format."""

from __future__ import annotations

import re
from pathlib import Path

import clinic_files as cf
from gui_user import press, show_active
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel
from test_main_window import _drop_file

from klyngedesk.core.formatting import format_short_date
from klyngedesk.core.period_names import period_label
from klyngedesk.gui.app import make_context
from klyngedesk.gui.main_window import MainWindow

KEYS = re.compile(r"\bK\d\d\b|_ordinationer|_patienter|kol_")


def _window(qtbot, ctx, path: Path) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    show_active(qtbot, window)
    window.open_project(str(path))
    return window


def test_undo_texts_name_the_clinic_and_the_measure(qtbot, app_context, demo_path: Path) -> None:
    window = _window(qtbot, app_context, demo_path)
    press(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = window.data_page
    page.topic_box.setCurrentIndex(page.topic_box.findText("Antibiotika"))
    page.table.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    dialog = page.dialog
    dialog.number.setValue(1.0)
    qtbot.keyClicks(dialog.reason_edit, "klinikken rettede tallet")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    text = window.undo_action.text().replace("&", "")
    clinic = window.ctx.holder.project.clinic(page.model.clinic_keys[page.table.currentIndex().row()]).name
    assert text.startswith("Fortryd rettelse af ") and clinic in text and not KEYS.search(text), text

    project = window.ctx.holder.project
    file = cf.standard_csv(Path(window.ctx.settings.fileName()).parent, cf.demo_clinics(project)[:2], "2026H1",
                           seed=3, name="tal.csv")
    _drop_file(window, file.path)
    wizard = window.import_wizard
    qtbot.waitUntil(lambda: wizard.plan is not None and not window.runner.busy, timeout=20000)
    [replace] = [i for i in range(wizard.questions.count()) if "erstatter" in wizard.questions.item(i).text()]
    wizard.questions.setCurrentRow(replace)
    qtbot.keyClick(wizard.questions, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.runner.busy and wizard.plan.ok, timeout=20000)
    problems = [wizard.preview.problems.item(i).text() for i in range(wizard.preview.problems.count())]
    assert not any(KEYS.search(p) for p in problems), problems  # "…for Lægehuset X ændrede sig…"
    assert "Klinikker" in wizard.preview.facts.text() and not KEYS.search(wizard.preview.facts.text())
    with qtbot.waitSignal(wizard.committed, timeout=20000):
        qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    assert window.undo_action.text().replace("&", "") == "Fortryd import af tal.csv"

    history = window.history_page
    history.table.selectRow(0)
    qtbot.mouseClick(history.undo_button, Qt.MouseButton.LeftButton)
    assert window.undo_action.text().replace("&", "") == "Fortryd fjernelse af importen af tal.csv"
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} kl\. \d\d\.\d\d", history.table.item(0, 2).text())  # as the key writes it


def test_no_command_line_hints_in_the_wizard(qtbot, app_context, demo_path: Path, tmp_path: Path) -> None:
    window = _window(qtbot, app_context, demo_path)
    f = tmp_path / "uden_periode.csv"
    f.write_text("Praksis;Måling;Antal\nLægehuset Torvett;kol_patienter;120\n", encoding="utf-8")
    _drop_file(window, f)
    wizard = window.import_wizard
    qtbot.waitUntil(lambda: wizard.plan is not None and not window.runner.busy, timeout=20000)
    shown = [wizard.preview.problems.item(i).text() for i in range(wizard.preview.problems.count())]
    shown += [wizard.preview.facts.text(), wizard.files.item(0).toolTip()]
    assert any("vælg perioden" in s for s in shown), shown
    assert not any("kommandolinje" in s or "--" in s for s in shown), shown


def test_qt_dialogs_speak_danish(qtbot, app_context) -> None:
    dialog = QFileDialog(None, "Importér filer")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = {label.text() for label in dialog.findChildren(QLabel)}
    assert {"&Kig i:", "&Filnavn:", "&Filer af type:"} <= labels, labels


def test_english_window_translates_rounds_and_writes_dates_one_way(qtbot, tmp_path: Path, demo_path: Path) -> None:
    ctx = make_context(QSettings(str(tmp_path / "en.ini"), QSettings.Format.IniFormat), lang="en")
    try:
        window = _window(qtbot, ctx, demo_path)
        page = window.data_page
        assert [page.period_box.itemText(i) for i in range(page.period_box.count())] == ["H2 2025", "H1 2026"]
        qtbot.mouseClick(window.meetings_page.new_button, Qt.MouseButton.LeftButton)
        dialog = window.meetings_page.dialog
        assert dialog.date.text() == format_short_date(dialog.date.date().toPython(), "en")  # as tables write it
        assert "halvår" not in dialog.period.currentText()
        dialog.reject()
        window.tabs.setCurrentWidget(window.charts_page)   # the built-in topics' own English titles
        charts = window.charts_page
        topics = [charts.topic_box.itemText(i) for i in range(charts.topic_box.count())]
        assert "Pain treatment" in topics and "Smertebehandling" not in topics, topics
        charts.topic_box.setCurrentIndex(topics.index("Pain treatment"))
        indicators = [charts.indicator_box.itemText(i) for i in range(charts.indicator_box.count())]
        assert "Morphine users per 1,000 patients" in indicators and not any("brugere" in t for t in indicators)
        data = window.data_page
        window.tabs.setCurrentWidget(data)
        data.topic_box.setCurrentIndex(data.topic_box.findText("Pain treatment"))
        qtbot.waitUntil(lambda: data.model.columnCount() > 0 and "Morphine" in data.model.headerData(
            0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole), timeout=20000)
    finally:
        ctx.holder.set_project(None)
        make_context(QSettings(str(tmp_path / "da.ini"), QSettings.Format.IniFormat), lang="da")
    assert period_label("2. kvartal 2026", "en") == "Q2 2026" and period_label("Efterår 2026", "en") == "Efterår 2026"


def test_english_window_names_topics_and_indicators_in_english_in_every_dialog(qtbot, tmp_path: Path,
                                                                               demo_path: Path) -> None:
    """The built-in topics' English titles wherever the English window lists topics or indicators: planning a
    meeting, the clinics' templates, the import wizard, a reference value, a planned action, the topic survey."""
    from klyngedesk.gui.topic_dialogs import ActionDialog, ReferenceDialog

    danish = re.compile(r"Smertebehandling|Antibiotika|brugere|patienter\b")
    ctx = make_context(QSettings(str(tmp_path / "en.ini"), QSettings.Format.IniFormat), lang="en")
    try:
        window = _window(qtbot, ctx, demo_path)
        project = window.ctx.holder.project
        shown: dict[str, list[str]] = {}
        qtbot.mouseClick(window.meetings_page.new_button, Qt.MouseButton.LeftButton)
        meeting = window.meetings_page.dialog
        shown["meeting"] = [meeting.topics.item(i).text() for i in range(meeting.topics.count())]
        meeting.reject()
        shown["summary"] = [window.meetings_page.summary.text()]
        templates = window.open_templates()
        shown["templates"] = [templates.topic_box.itemText(i) for i in range(templates.topic_box.count())]
        templates.reject()
        file = cf.standard_csv(tmp_path, cf.demo_clinics(project)[:2], "2026H1", seed=3, name="figures.csv")
        wizard = window.import_files([str(file.path)])
        shown["import"] = [wizard.topic_box.itemText(i) for i in range(wizard.topic_box.count())]
        qtbot.waitUntil(lambda: wizard.plan is not None and not window.runner.busy, timeout=20000)
        wizard.reject()
        pain = project.topic("smerter")
        reference = ReferenceDialog(project, pain, "en", window)
        shown["reference"] = [reference.indicator.itemText(i) for i in range(reference.indicator.count())]
        action = ActionDialog(project, "en", window)
        shown["action"] = [action.indicator.itemText(i) for i in range(1, action.indicator.count())]
        for dialog in (reference, action):
            dialog.close()
        window.tabs.setCurrentWidget(window.topics_page)
        survey = window.topics_page.survey
        shown["survey"] = [survey.candidates.item(i).text() for i in range(survey.candidates.count())]
        for place, texts in shown.items():
            assert texts and not any(danish.search(t) for t in texts), (place, texts)
        assert "Pain treatment" in shown["meeting"] and "Pain treatment" in shown["templates"]
        assert "Morphine users per 1,000 patients" in shown["reference"]
        assert "Pain treatment: Morphine users per 1,000 patients" in shown["action"]
        assert "Pain treatment" in shown["survey"] and "Pain treatment" in shown["import"]
    finally:
        ctx.holder.set_project(None)
        make_context(QSettings(str(tmp_path / "da.ini"), QSettings.Format.IniFormat), lang="da")
