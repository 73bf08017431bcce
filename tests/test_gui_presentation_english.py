"""Presentation mode in English speaks English on every slide: the change sentence names the indicator and the
rounds in English ('H1 2026'), as the English pack prints them, not the project's Danish titles and labels."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QSettings, Qt

from klyngedesk.core.anonymise.codes import draw_codes
from klyngedesk.core.store import Project
from klyngedesk.gui.app import make_context
from klyngedesk.gui.main_window import MainWindow
from tests.test_pack_layout import DANISH_WORDS


def test_english_slides_have_no_danish_words(qtbot, qapp, tmp_path: Path, demo_path: Path) -> None:
    with Project.open(demo_path) as project:
        draw_codes(project, "2026-12")   # the meeting's codes, as the coordinator draws them before F5
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    ctx = make_context(settings, lang="en")
    try:
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        window.open_project(str(demo_path))
        window.tabs.setCurrentWidget(window.meetings_page)
        page = window.meetings_page
        items = [page.meeting_list.item(i) for i in range(page.meeting_list.count())]
        page.meeting_list.setCurrentItem(next(i for i in items if i.data(Qt.ItemDataRole.UserRole) == "2026-12"))
        qtbot.mouseClick(page.present_button, Qt.MouseButton.LeftButton)
        show = window.presentation
        assert show is not None
        found, sentences = [], 0
        for _ in range(len(show.slides)):
            texts = [show.heading.text(), show.subheading.text(), show.caption.text()]
            sentences += "The cluster's" in show.caption.text()
            words = set(re.findall(r"[^\W\d_]+", " ".join(texts).casefold()))
            found += [f"slide {show.index + 1}: {w!r}" for w in DANISH_WORDS if w in words]
            qtbot.keyClick(show, Qt.Key.Key_Right)
        assert sentences >= 5, "the slides change sentences were not found"
        assert not found, found
        show.close()
    finally:
        ctx.holder.set_project(None)
