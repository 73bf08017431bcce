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
