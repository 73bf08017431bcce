"""The topics tab driven as a coordinator would: packages, reference values, the topic survey, follow-up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QInputDialog, QMessageBox

from klyngedesk.core.actions import follow_up
from klyngedesk.core.packages import builtin_packages, package_json
from klyngedesk.core.survey import load_survey
from klyngedesk.gui.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def window(qtbot, app_context, demo_path: Path) -> MainWindow:
    w = MainWindow(app_context)
    qtbot.addWidget(w)
    w.show()
    assert w.open_project(str(demo_path), remember=False)
    w.tabs.setCurrentWidget(w.topics_page)
    return w


@pytest.fixture
def shown(monkeypatch) -> list[str]:
    """Every message box text, instead of a blocking (exec) or window-modal (open) dialog."""
    texts: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: texts.append(box.text()) or 0)
    monkeypatch.setattr(QMessageBox, "open", lambda box: texts.append(box.text()))
    return texts


def _titles(listing) -> list[str]:
    return [listing.item(i).text() for i in range(listing.count())]


def _column(table, col: int) -> list[str]:
    return [table.item(r, col).text() for r in range(table.rowCount())]


def test_tab_shows_topics_with_targets_and_unverified_sources(window: MainWindow) -> None:
    panel = window.topics_page.topics
    assert window.tabs.tabText(window.tabs.indexOf(window.topics_page)) == "Temaer"
    assert _titles(panel.topic_list) == ["Smertebehandling", "KOL", "Antibiotika"]
    panel.select_topic("antibiotika")
    assert "ikke verificeret" in _column(panel.indicators, 3)
    assert all(_column(panel.indicators, 4))  # every target names its source
    assert "350" in _column(panel.indicators, 2)


def test_import_an_exported_builtin_package(qtbot, window: MainWindow, tmp_path: Path, monkeypatch,
                                            shown) -> None:
    package = next(p for p in builtin_packages() if p["topic"]["key"] == "diabetes")
    path = tmp_path / "diabetes.json"
    path.write_text(package_json(package), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    panel = window.topics_page.topics
    qtbot.mouseClick(panel.import_button, LEFT)
    assert shown == []
    assert "diabetes" in {t.key for t in window.ctx.holder.project.topics()}
    assert panel.topic_key() == "diabetes"
    assert panel.indicators.rowCount() == len(package["indicators"])
    # and it is offered to the survey as a candidate at once
    assert package["topic"]["title"] in _titles(window.topics_page.survey.candidates)
    # export writes the topic back as a package file
    out = tmp_path / "out.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    qtbot.mouseClick(panel.export_button, LEFT)
    assert json.loads(out.read_text(encoding="utf-8"))["topic"]["key"] == "diabetes"


def test_malformed_package_shows_the_field(qtbot, window: MainWindow, tmp_path: Path, monkeypatch, shown) -> None:
    package = json.loads(package_json(builtin_packages()[0]))
    package["indicators"][0]["unit"] = 17
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(package), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    before = len(window.ctx.holder.project.topics())
    qtbot.mouseClick(window.topics_page.topics.import_button, LEFT)
    assert len(shown) == 1 and "indicators[0].unit" in shown[0]
    assert len(window.ctx.holder.project.topics()) == before


def test_add_builtin_topic_offers_only_missing_ones(qtbot, window: MainWindow, monkeypatch, shown) -> None:
    offered: list[list[str]] = []

    def choose(parent, title, label, items, *rest):
        offered.append(list(items))
        return "Diabetes – forløbsplaner" if "Diabetes – forløbsplaner" in items else items[0], True

    monkeypatch.setattr(QInputDialog, "getItem", choose)
    qtbot.mouseClick(window.topics_page.topics.builtin_button, LEFT)
    assert "KOL" not in offered[0] and "Antibiotika" not in offered[0]
    assert len(window.ctx.holder.project.topics()) == 4


def test_add_reference_value(qtbot, window: MainWindow, shown) -> None:
    panel = window.topics_page.topics
    panel.select_topic("antibiotika")
    before = panel.references.rowCount()
    qtbot.mouseClick(panel.add_reference_button, LEFT)
    dialog = panel.reference_dialog
    dialog.scope.setCurrentIndex(dialog.scope.findData("national"))
    qtbot.keyClicks(dialog.value, "312,5")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), LEFT)
    assert shown and "kilde" in shown[0].lower()  # the source is required: refused, dialog stays
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.source, "Sundhedsdatastyrelsen 2025")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), LEFT)
    assert not dialog.isVisible()
    assert panel.references.rowCount() == before + 1
    rows = [[panel.references.item(r, c).text() for c in range(5)] for r in range(panel.references.rowCount())]
    assert any(r[1] == "Landsplan" and r[2] == "312,5" and r[3] == "Sundhedsdatastyrelsen 2025" for r in rows)


def test_survey_ballots_typed_votes_ranking(qtbot, window: MainWindow, tmp_path: Path, monkeypatch, shown) -> None:
    survey = window.topics_page.survey
    window.topics_page.sections.setCurrentWidget(survey)
    for title in ("KOL", "Antibiotika", "Smertebehandling"):
        item = survey.candidates.findItems(title, Qt.MatchFlag.MatchExactly)[0]
        item.setCheckState(Qt.CheckState.Checked)
    survey.choices.setValue(2)
    qtbot.mouseClick(survey.start_button, LEFT)
    assert survey.votes.rowCount() == 3
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    qtbot.mouseClick(survey.ballot_button, LEFT)
    assert (tmp_path / "stemmeseddel.pdf").stat().st_size > 0
    assert (tmp_path / "stemmeseddel.xlsx").stat().st_size > 0
    # votes from paper ballots: KOL 1x prio 1, Antibiotika 3x prio 1, Smerter 2x prio 2
    votes = {"KOL": ("1", "0"), "Antibiotika": ("3", "0"), "Smertebehandling": ("0", "2")}
    for r in range(survey.votes.rowCount()):
        for c, n in enumerate(votes[survey.votes.item(r, 0).text()], 1):
            survey.votes.item(r, c).setText(n)
    survey.paper.setValue(4)
    qtbot.mouseClick(survey.count_button, LEFT)
    assert shown == []
    assert _column(survey.ranking, 1) == ["Antibiotika", "KOL", "Smertebehandling"]
    assert _column(survey.ranking, 2) == ["6", "2", "2"]
    assert _column(survey.ranking, 0) == ["1.", "2.", "2."]
    qtbot.mouseClick(survey.save_button, LEFT)
    saved = load_survey(window.ctx.holder.project)
    assert saved is not None and saved[2] == 4 and saved[1]["antibiotika"] == [3, 0]
    pdf = tmp_path / "rangordning.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(pdf), ""))
    qtbot.mouseClick(survey.print_button, LEFT)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_plan_action_shows_in_follow_up(qtbot, window: MainWindow, shown) -> None:
    panel = window.topics_page.follow_up
    window.topics_page.sections.setCurrentWidget(panel)
    before = panel.table.rowCount()
    qtbot.mouseClick(panel.plan_button, LEFT)
    dialog = panel.dialog
    dialog.clinic.setCurrentIndex(dialog.clinic.findData("K03"))
    dialog.indicator.setCurrentIndex(dialog.indicator.findData("ab_pr1000"))
    qtbot.keyClicks(dialog.text, "Forsinket recept ved luftvejsinfektioner")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), LEFT)
    assert shown == []
    assert panel.table.rowCount() == before + 1
    assert "Forsinket recept ved luftvejsinfektioner" in _column(panel.table, 2)
    row = _column(panel.table, 2).index("Forsinket recept ved luftvejsinfektioner")
    assert panel.table.item(row, 4).text() == "Planlagt"
    assert any(f.clinic == "K03" for f in follow_up(window.ctx.holder.project))


def test_screenshot_of_the_tab(window: MainWindow, tmp_path) -> None:
    window.resize(1100, 720)
    window.topics_page.topics.select_topic("antibiotika")
    assert window.topics_page.grab().save(str(tmp_path / "topics_tab.png"))


def _fill_ballot(path: Path, out: Path, priorities: dict[str, int], name: str = "") -> Path:
    """A member fills the xlsx ballot: priority numbers in column D next to the topic titles."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.worksheets[0]
    for r in range(8, ws.max_row + 1):
        if ws[f"B{r}"].value in priorities:
            ws[f"D{r}"] = priorities[ws[f"B{r}"].value]
    ws["B5"] = name or None
    wb.save(out)
    return out


def test_returned_ballots_are_counted_and_the_result_kept(qtbot, window: MainWindow, tmp_path: Path, monkeypatch,
                                                          shown, app_context) -> None:
    survey = window.topics_page.survey
    for title in ("KOL", "Antibiotika"):
        survey.candidates.findItems(title, Qt.MatchFlag.MatchExactly)[0].setCheckState(Qt.CheckState.Checked)
    survey.choices.setValue(1)
    qtbot.mouseClick(survey.start_button, LEFT)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    qtbot.mouseClick(survey.ballot_button, LEFT)
    blank = tmp_path / "stemmeseddel.xlsx"
    files = [str(_fill_ballot(blank, tmp_path / "a.xlsx", {"KOL": 1})),
             str(_fill_ballot(blank, tmp_path / "b.xlsx", {"Antibiotika": 1})),
             str(_fill_ballot(blank, tmp_path / "c.xlsx", {"KOL": 1}, name="Dorte"))]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: (files, ""))
    qtbot.mouseClick(survey.read_button, LEFT)
    assert shown == []
    assert "3 stemmesedler indlæst" in survey.state.text()
    qtbot.mouseClick(survey.count_button, LEFT)
    assert _column(survey.ranking, 1) == ["KOL", "Antibiotika"]
    assert _column(survey.ranking, 2) == ["2", "1"]
    qtbot.mouseClick(survey.save_button, LEFT)
    # the same ballot read twice is refused with a message, nothing counted twice
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([files[0], files[0]], ""))
    qtbot.mouseClick(survey.read_button, LEFT)
    assert len(shown) == 1 and "a.xlsx" in shown[0]
    # a fresh tab on the same project shows the kept result
    from klyngedesk.gui.survey_panel import SurveyPanel

    again = SurveyPanel(app_context)
    qtbot.addWidget(again)
    again.load(window.ctx.holder.project)
    assert _column(again.ranking, 1) == ["KOL", "Antibiotika"]
