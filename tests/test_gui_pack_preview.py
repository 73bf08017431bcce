"""The pack's preview renders a file's pages on a worker: a big handout does not freeze the window (the event
loop keeps turning while its pages are made), and a file chosen meanwhile replaces the one still rendering."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QListWidgetItem
from reportlab.pdfgen import canvas

from klyngedesk.gui import pack_panel
from klyngedesk.gui.pack_panel import PackPanel

SLOW_S = 1.0   # how long making a big file's pages takes here (a region's personal handout: seconds)


def _pdf(path: Path, pages: int) -> Path:
    c = canvas.Canvas(str(path))
    for n in range(pages):
        c.drawString(100, 700, f"Side {n + 1}")
        c.showPage()
    c.save()
    return path


@pytest.fixture
def panel(qtbot, app_context, tmp_path: Path, monkeypatch) -> PackPanel:
    real, threads = pack_panel.render_pages, []

    def slow(*args, **kwargs):
        threads.append(threading.current_thread())
        time.sleep(SLOW_S)
        return real(*args, **kwargs)

    monkeypatch.setattr(pack_panel, "render_pages", slow)
    widget = PackPanel(app_context)
    widget.threads = threads   # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    widget.resize(800, 700)
    widget.show()
    for name, pages in (("Gruppemateriale", 3), ("Personligt materiale", 5)):
        item = QListWidgetItem(name)
        item.setData(Qt.ItemDataRole.UserRole, (str(_pdf(tmp_path / f"{name}.pdf", pages)), None))
        widget.file_list.addItem(item)
    return widget


def test_the_window_keeps_answering_while_a_preview_is_made(qtbot, panel: PackPanel) -> None:
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    started = time.monotonic()
    panel.file_list.setCurrentRow(0)
    assert time.monotonic() - started < SLOW_S / 4   # choosing the file returns at once
    shown_now = [panel.pages_layout.itemAt(i).widget().text() for i in range(panel.pages_layout.count())]
    assert panel.pages_shown() == 0 and shown_now == ["Forhåndsvisningen gøres klar…"]
    with qtbot.waitSignal(panel.preview_shown, timeout=10_000) as shown:
        pass
    timer.stop()
    assert shown.args == [3] and panel.pages_shown() == 3
    during = [t for t in ticks if t - started < SLOW_S]
    assert len(during) >= 0.5 * SLOW_S / 0.02, len(during)   # the event loop turned all along
    assert panel.threads and all(t is not threading.main_thread() for t in panel.threads)


def test_a_file_chosen_meanwhile_replaces_the_one_still_rendering(qtbot, panel: PackPanel) -> None:
    panel.file_list.setCurrentRow(0)
    panel.file_list.setCurrentRow(1)   # the coordinator moves on before the first file's pages are there
    with qtbot.waitSignal(panel.preview_shown, timeout=10_000) as shown:
        pass
    assert shown.args == [5]
    qtbot.wait(int(SLOW_S * 1000) + 300)   # the first file's late pages never come up over the second's
    assert panel.pages_shown() == 5
