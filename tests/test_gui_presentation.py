"""Presentation mode shows codes only (consenting clinics by name), steps with the arrows and leaves on Esc."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from klyngedesk.core.anonymise import check_no_leak
from klyngedesk.gui.main_window import MainWindow


def test_presentation_mode_never_shows_a_non_consenting_clinic(qtbot, app_context, demo_path: Path) -> None:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.show()
    window.open_project(str(demo_path))
    project = window.ctx.holder.project
    window.tabs.setCurrentWidget(window.meetings_page)
    page = window.meetings_page
    items = [page.meeting_list.item(i) for i in range(page.meeting_list.count())]
    past = next(i for i in items if i.data(Qt.ItemDataRole.UserRole) == "2026-03")
    page.meeting_list.setCurrentItem(past)
    qtbot.mouseClick(page.present_button, Qt.MouseButton.LeftButton)
    show = window.presentation
    assert show is not None and show.isFullScreen() and show.isActiveWindow() or show.isVisible()
    consenting = project.consents("2026-03")
    assert consenting == {"K04", "K05"}

    seen: list[str] = []
    for _ in range(len(show.slides)):
        texts = show.texts()
        seen += texts
        qtbot.keyClick(show, Qt.Key.Key_Right)
    assert len(show.slides) >= 6 and show.index == len(show.slides) - 1
    qtbot.keyClick(show, Qt.Key.Key_Left)
    assert show.index == len(show.slides) - 2

    names = {c.key: c.name for c in project.clinics()}
    for clinic in project.clinics():
        if clinic.key in consenting:
            continue
        for secret in (clinic.name, clinic.yder, *clinic.doctors, clinic.email or "§", clinic.ehr_system or "§"):
            assert not any(secret in text for text in seen), (clinic.key, secret)
    assert any(names["K04"] in text for text in seen)  # a consenting clinic is shown by name
    assert any(text == "A" or text.startswith("A ") for text in seen)  # codes are shown
    check_no_leak(seen, project, "2026-03")  # the core's own leak check agrees
    # Nothing of the coordinator's window is in the presentation window.
    assert not show.isAncestorOf(window.tabs) and window.tabs.window() is not show

    qtbot.keyClick(show, Qt.Key.Key_Escape)
    assert not show.isVisible() and window.isVisible()


def test_presentation_draws_the_first_chart_once_when_it_opens(qtbot, demo_path: Path, monkeypatch) -> None:
    """Full screen is reached in steps (a first size, then the screen's): the first slide's chart is drawn
    once for each size it stops at (not for each resize, nor at the size the window had before it was shown),
    ending at the screen's; its texts count from the start."""
    from klyngedesk.core.store import Project
    from klyngedesk.gui import presentation
    from klyngedesk.gui.chart_view import ChartView

    with Project.open(demo_path, readonly=True) as project:
        slides = presentation.slides_for(project, "2026-03")
    drawn: list[object] = []
    real = ChartView.show_spec

    def counted(self, spec, *args, **kwargs):
        if spec is not None:
            drawn.append((self.window().size().toTuple(), self.font_size, self.window().isVisible()))
        return real(self, spec, *args, **kwargs)

    monkeypatch.setattr(ChartView, "show_spec", counted)
    early = presentation.PresentationWindow(slides, "da", "Fjordby")
    qtbot.addWidget(early)
    assert not drawn
    assert early.texts() and drawn and early.chart.texts()   # the texts asked for: the chart is drawn now
    drawn.clear()
    show = presentation.PresentationWindow(slides, "da", "Fjordby")
    qtbot.addWidget(show)
    show.showFullScreen()
    qtbot.waitUntil(lambda: bool(drawn), timeout=5000)
    qtbot.wait(200)
    sizes = [size for size, _, _ in drawn]
    assert all(shown for _, _, shown in drawn), drawn   # never drawn at the size it had before it was shown
    assert len(set(sizes)) == len(sizes) and sizes[-1] == show.size().toTuple(), drawn
    assert drawn[-1][1] == show.chart.font_size == max(10, min(22, show.height() // 48))
    before = len(drawn)
    qtbot.keyClick(show, Qt.Key.Key_Right)
    assert len(drawn) == before + 1 and show.index == 1   # a step draws its slide at once, once


def test_a_slide_says_why_its_change_is_left_out(qtbot, tmp_path: Path) -> None:
    """Where the anonymisation leaves the cluster change out (a clinic not shown by name lacks the baseline), the
    slide's caption says so in words, as the handout's key figures do, instead of saying nothing."""
    from test_pack_reader import _drop_a_round

    from klyngedesk.core.anonymise.codes import draw_codes
    from klyngedesk.core.demo import build_demo
    from klyngedesk.core.store import Project
    from klyngedesk.gui import presentation

    path = build_demo(tmp_path / "c.klynge", clinics=5, periods=3, seed=2026)
    with Project.open(path) as project:
        periods = [p.key for p in project.periods()]
        _drop_a_round(project, sorted(c.key for c in project.clinics())[-1], periods[-2])
        draw_codes(project, "2026-12")
        slides = presentation.slides_for(project, "2026-12")
    show = presentation.PresentationWindow(slides, "da", "Fjordby")
    qtbot.addWidget(show)
    show.show()
    captions = []
    for _ in range(len(show.slides)):
        captions.append(show.caption.text())
        qtbot.keyClick(show, Qt.Key.Key_Right)
    assert any("(holdt tilbage: ændringen siden 2. halvår 2025 ville" in c for c in captions), captions
