"""Grabs every page of the window (demo cluster) in Danish and English, at 1024x700 and on a 1366x768 screen at 150 %.

One clinic carries the realistic long name from issue 16, another a short name ("Kort navn"), so that the pictures
show the layouts holding with both.

Run: .venv/bin/python docs/screenshots/take_screenshots.py   (offscreen; one child process per language and scale)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
# (name, scale, logical window size): 150 % on a 1366x768 laptop leaves 911x512 logical pixels for the window.
SLUGS = ("clinics", "data", "imports", "charts", "meetings", "topics")  # the same file names in both languages
SETUPS = (("1024x700", "1", (1024, 700)), ("150pct", "1.5", (911, 512)))
LONG = "Lægepraksis ved Speciallæge i almen medicin Anne-Mette Østergaard-Kristensen og Jens Peter Bøgh-Andersen"


def _demo_with_long_names(folder: Path) -> Path:
    import dataclasses

    from klyngedesk.core.demo import build_demo
    from klyngedesk.core.store import Project

    path = build_demo(folder / "Demoklynge.klynge")
    with Project.open(path) as project:
        first, second = sorted(project.clinics(), key=lambda c: c.key)[:2]
        project.update_clinic(dataclasses.replace(first, name=LONG))
        project.update_clinic(dataclasses.replace(second, name=f"{second.name} og Sundhedshuset ved Fjorden",
                                                  short_name=second.name))
    return path


def grab_all(lang: str, name: str, size: tuple[int, int]) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from klyngedesk.gui.app import make_context
    from klyngedesk.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    folder = Path(tempfile.mkdtemp())
    ctx = make_context(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat), lang=lang)
    window = MainWindow(ctx)
    window.resize(*size)
    window.show()
    app.processEvents()
    window.grab().save(str(HERE / f"{lang}-{name}-0-welcome.png"))
    window.open_project(str(_demo_with_long_names(folder)), remember=False)
    for n, page in enumerate(window.pages, start=1):
        window.tabs.setCurrentWidget(page)
        if page is window.data_page and page.model.rowCount():
            page.table.selectRow(0)
            page.show_details(page.model.index(0, 0))
        if page is window.meetings_page and page.meeting_list.count():
            page.meeting_list.setCurrentRow(page.meeting_list.count() - 1)
        for _ in range(3):
            app.processEvents()
        slug = SLUGS[n - 1]
        window.grab().save(str(HERE / f"{lang}-{name}-{n}-{slug}.png"))
    charts = window.charts_page
    window.tabs.setCurrentWidget(charts)
    for letter, kind in (("b", "funnel"), ("c", "before_after"), ("d", "trend")):
        charts.kind_box.setCurrentIndex(charts.kind_box.findData(kind))
        for _ in range(5):
            app.processEvents()
        window.grab().save(str(HERE / f"{lang}-{name}-4{letter}-charts-{kind.replace('_', '-')}.png"))
    dialog = window.open_templates()
    if dialog is not None:
        app.processEvents()
        dialog.grab().save(str(HERE / f"{lang}-{name}-7-templates.png"))
        dialog.reject()
    window.tabs.setCurrentWidget(window.clinics_page)
    window.clinics_page.table.selectRow(1)
    clinic = window.clinics_page.edit_clinic()
    if clinic is not None:
        for _ in range(3):
            app.processEvents()
        clinic.grab().save(str(HERE / f"{lang}-{name}-8-clinic-dialog.png"))
        clinic.done(0)
    window.close()


if __name__ == "__main__":
    if len(sys.argv) == 4:
        width, height = map(int, sys.argv[3].split("x"))
        grab_all(sys.argv[1], sys.argv[2], (width, height))
        os._exit(0)  # the files are written; skip Qt/pyqtgraph teardown at interpreter exit (it can crash offscreen)
    else:
        for lang in ("da", "en"):
            for name, scale, (w, h) in SETUPS:
                env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR=scale)
                subprocess.run([sys.executable, __file__, lang, name, f"{w}x{h}"], env=env, check=True)
