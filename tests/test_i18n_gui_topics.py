"""The English window's topics tab and pack panel in English: the topic list, the description, the indicators
and reference values, the built-in topics offered, and the pack panel's warning about a topic without data."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest
from gui_user import show_active
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QInputDialog

from klyngedesk.core.model import Period
from klyngedesk.core.store import Project
from klyngedesk.gui.app import make_context
from klyngedesk.gui.main_window import MainWindow

DANISH = re.compile(r"Smertebehandling|Antibiotika|Diabetes(?:patienter)|brugere|patienter\b|ordinationer|"
                    r"blandt|\bhalvår\b|ikke verificeret|\bAndel\b")


@pytest.fixture
def english(qtbot, tmp_path: Path, demo_path: Path):
    ctx = make_context(QSettings(str(tmp_path / "en.ini"), QSettings.Format.IniFormat), lang="en")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    show_active(qtbot, window)
    try:
        yield window
    finally:
        ctx.holder.set_project(None)
        make_context(QSettings(str(tmp_path / "da.ini"), QSettings.Format.IniFormat), lang="da")


def _texts(table, col: int) -> list[str]:
    return [table.item(r, col).text() for r in range(table.rowCount())]


def test_the_english_topics_tab_names_topics_indicators_and_references_in_english(english: MainWindow,
                                                                                    demo_path: Path,
                                                                                    monkeypatch) -> None:
    with Project.open(demo_path) as project:
        from klyngedesk.core.references import add_reference_value

        add_reference_value(project, "tramadol_pr1000", "national", "17,5", "Demoværdi (fiktiv)",
                            period=project.periods()[-1].key)
    assert english.open_project(str(demo_path), remember=False)
    english.tabs.setCurrentWidget(english.topics_page)
    panel = english.topics_page.topics
    titles = [panel.topic_list.item(i).text() for i in range(panel.topic_list.count())]
    assert titles == ["Pain treatment", "COPD", "Antibiotics"]
    shown: list[str] = []
    sources: list[str] = []
    for key in ("smerter", "kol", "antibiotika"):
        panel.select_topic(key)
        shown += [panel.description.text(), *_texts(panel.indicators, 0), *_texts(panel.indicators, 3),
                  *_texts(panel.references, 0), *_texts(panel.references, 4)]
        # a source is a Danish document's name, cited as written; the notes added to it are in English
        sources += [*_texts(panel.indicators, 4), *_texts(panel.references, 3)]
    danish = [t for t in shown if DANISH.search(t)]
    assert not danish, f"Danish in the English topics tab: {danish}"
    assert sources and not [s for s in sources if re.search(r"ikke verificeret|Demoværdi|fiktiv", s)], sources
    panel.select_topic("smerter")
    assert "Tramadol users per 1,000 patients" in _texts(panel.indicators, 0)
    assert any(t.startswith("Tramadol users") for t in _texts(panel.references, 0))
    assert "H1 2026" in _texts(panel.references, 4)   # the round by its name, not the project's key

    offered: list[list[str]] = []
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (offered.append(list(a[3])), ("", False))[1])
    panel.add_builtin()
    assert offered and offered[0], "no built-in topic offered"
    assert not [t for t in offered[0] if DANISH.search(t)], f"built-in topics offered in Danish: {offered[0]}"


def test_the_english_pack_panel_names_a_topic_without_data_in_english(qtbot, english: MainWindow,
                                                                      demo_path: Path, tmp_path: Path) -> None:
    with Project.open(demo_path) as project:
        project.add_period(Period("2026H2", "2. halvår 2026", date(2026, 7, 1), date(2026, 12, 31)))
        meeting = dataclasses.replace(project.meeting("2026-12"), key="2027-03", date=date(2027, 3, 4),
                                      period="2026H2", baseline_period="2026H1", topics=("smerter", "antibiotika"))
        project.save_meeting(meeting)
    english.ctx.settings.setValue("folders/packs", str(tmp_path / "packs"))
    assert english.open_project(str(demo_path), remember=False)
    page = english.meetings_page
    english.tabs.setCurrentWidget(page)
    page.meeting_list.setCurrentRow(page.meeting_list.count() - 1)
    assert page.meeting_key() == "2027-03"
    qtbot.mouseClick(page.draw_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.pack.build_button, Qt.MouseButton.LeftButton)
    box = page.pack.confirm_box
    text = box.text()
    box.reject()
    assert "Pain treatment and Antibiotics have no data for this meeting's round" in text, text
    assert not DANISH.search(text), text
