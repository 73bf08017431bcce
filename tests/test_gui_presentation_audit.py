"""Presentation mode on a large project (the demo, taken as large): F5 shows progress and Cancel at once, opens
with the first topic while the later ones are audited on the worker, shows exactly what the pack prints,
and opens again at once for an unchanged project; Cancel and Esc end the audit under way at once."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from klyngedesk.core.anonymise import check_no_leak
from klyngedesk.gui.main_window import MainWindow
from klyngedesk.gui.presentation import Waiting, slides_for

MEETING = "2026-03"
WAIT_MS = 120_000


@pytest.fixture(scope="module")
def _master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with five clinics (its March meeting: two topics, codes drawn, two consents)."""
    from klyngedesk.core.demo import build_demo

    return build_demo(tmp_path_factory.mktemp("five") / "Fem.klynge", clinics=5)


@pytest.fixture
def window(qtbot, app_context, _master: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The main window on a copy of the demo, presenting as it does for a region (audit on the worker)."""
    monkeypatch.setattr("klyngedesk.gui.main_window.small_project", lambda _project: False)
    path = tmp_path / "Fem.klynge"
    shutil.copy(_master, path)
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.show()
    assert window.open_project(str(path), remember=False)
    window.tabs.setCurrentWidget(window.meetings_page)
    page = window.meetings_page
    rows = [page.meeting_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(page.meeting_list.count())]
    page.meeting_list.setCurrentRow(rows.index(MEETING))
    yield window
    if window.presentation is not None:
        window.presentation.close()
    window.runner.shutdown(WAIT_MS)


def _shown(show) -> list[tuple[str, list[str]]]:
    """Each slide as the projector shows it: its heading and every text on screen."""
    out = []
    for i in range(len(show.slides)):
        show.show_slide(i)
        out.append((show.heading.text(), show.texts()))
    return out


def test_f5_on_a_large_project_opens_with_the_first_topic_and_the_rest_follow(qtbot, window: MainWindow) -> None:
    project = window.ctx.holder.project
    expected = slides_for(project, MEETING)  # what the pack prints, audited in this thread
    window.present_action.trigger()
    dialog = window.presentation_opener.dialog
    assert dialog is not None and dialog.isVisible()  # progress and Cancel at once, before any audit is done
    assert window.presentation is None or not window.presentation.isVisible()
    qtbot.waitUntil(lambda: window.presentation is not None and window.presentation.isVisible(), timeout=WAIT_MS)
    show = window.presentation
    assert window.presentation_opener.dialog is None
    first_topic = project.meeting(MEETING).topics[0]
    assert show.ready() and show.slides[0].topic.key == first_topic
    qtbot.waitUntil(lambda: not show.waiting_topics() and not window.runner.busy, timeout=WAIT_MS)
    assert not any(isinstance(s, Waiting) for s in show.slides)
    # The same slides, in the same order, with the same figures as the pack's own audit gives.
    assert [(s.topic.key, s.indicator) for s in show.slides] == [(s.topic.key, s.indicator) for s in expected]
    for got, want in zip(show.slides, expected, strict=True):
        assert got.table.indicator(got.indicator) == want.table.indicator(want.indicator)
    seen = [t for _, texts in _shown(show) for t in texts]
    check_no_leak(seen, project, MEETING)
    qtbot.keyClick(show, Qt.Key.Key_Escape)
    assert not show.isVisible()
    # F5 again, nothing changed: the slides open at once, nothing is audited again.
    window.present_action.trigger()
    again = window.presentation
    assert again is not show and again.isVisible() and window.presentation_opener.dialog is None
    assert not window.runner.busy and len(again.slides) == len(expected)
    again.close()
    # A change to the project is audited again before the slides show it.
    hidden = sorted(c.key for c in project.clinics() if c.key not in project.consents(MEETING))[0]
    name = project.clinic(hidden).name
    assert not any(name in t for t in seen)
    project.set_consent(MEETING, hidden, True, "test")  # the clinic agreed at the meeting to be shown
    window.present_action.trigger()
    assert window.presentation_opener.dialog is not None  # audited again, not the kept slides
    qtbot.waitUntil(lambda: not window.runner.busy and window.presentation is not None
                    and window.presentation.isVisible() and not window.presentation.waiting_topics(), timeout=WAIT_MS)
    assert any(name in t for _, texts in _shown(window.presentation) for t in texts)


def _auditing_first_topic(qtbot, window: MainWindow) -> bool:
    """F5, then wait for the audit's child process; False if the first topic was done before it was seen
    (a five-clinic topic is audited in a moment: then there is no progress dialog left to press)."""
    window.present_action.trigger()
    assert window.presentation_opener.dialog is not None  # progress and Cancel at once
    qtbot.waitUntil(lambda: bool(multiprocessing.active_children()) or window.presentation_opener.dialog is None,
                    timeout=WAIT_MS)
    return window.presentation_opener.dialog is not None


def test_cancel_and_esc_end_the_audit_at_once(qtbot, window: MainWindow) -> None:
    pressed = 0  # (tests/test_gui_speed.py presses Cancel during a region's audit, which takes minutes)
    # Esc reaches the dialog as Qt's reject, not its Cancel, when the desk window is the active one (under load,
    # or the user clicked the desk): the audit must stop all the same, and the slides never open by themselves.
    for press in ("Cancel", "Esc", "Esc, the desk active"):
        if not _auditing_first_topic(qtbot, window):
            break
        dialog = window.presentation_opener.dialog
        if press == "Cancel":
            qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
        else:
            if press.endswith("active"):
                window.activateWindow()
                qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        pressed += 1
        qtbot.waitUntil(lambda: not window.runner.busy, timeout=10_000)
        assert not multiprocessing.active_children()  # the child doing the audit is gone
        qtbot.wait(200)
        assert window.presentation is None and window.presentation_opener.dialog is None
    if pressed < 3:  # the first topic was audited too quickly to press: presentation mode opened instead
        qtbot.waitUntil(lambda: window.presentation is not None, timeout=WAIT_MS)
        window.presentation.close()
        qtbot.waitUntil(lambda: not window.runner.busy, timeout=10_000)
    # Esc in presentation mode stops the audit of the later topics; F5 again goes on where it stopped.
    window.present_action.trigger()
    qtbot.waitUntil(lambda: window.presentation is not None and window.presentation.isVisible(), timeout=WAIT_MS)
    show = window.presentation
    qtbot.keyClick(show, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=10_000)
    assert not multiprocessing.active_children()
    done = len(show.slides) - len(show.waiting_topics())
    window.present_action.trigger()
    assert window.presentation.isVisible() and window.presentation_opener.dialog is None  # opens with what was done
    assert len(window.presentation.slides) - len(window.presentation.waiting_topics()) >= done
    qtbot.waitUntil(lambda: not window.runner.busy and not window.presentation.waiting_topics(), timeout=WAIT_MS)
    assert {s.topic.key for s in window.presentation.slides} == set(window.ctx.holder.project.meeting(MEETING).topics)


def test_each_slide_shows_its_own_chart_when_stepped_fast_either_way(qtbot, _master: Path) -> None:
    """The next slide's chart is prepared while the current one is shown; stepping on quickly, back, and to
    the end still shows each slide's own chart."""
    from klyngedesk.core.store import Project
    from klyngedesk.gui.presentation import PresentationWindow, _ranked_spec

    with Project.open(_master, readonly=True) as project:
        slides = slides_for(project, MEETING)
    show = PresentationWindow(slides, "da", "Fem")
    qtbot.addWidget(show)
    show.show()
    keys = [Qt.Key.Key_Right] * (len(slides) - 1) + [Qt.Key.Key_Left] * 2 + [Qt.Key.Key_End, Qt.Key.Key_Home]
    for key in keys:
        qtbot.keyClick(show, key)
        assert show.chart.spec == _ranked_spec(slides[show.index], "da"), show.index
    show.close()
