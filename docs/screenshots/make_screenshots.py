"""Renders every page of the desk to PNG (offscreen), for review and for the README.

    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_screenshots.py OUT_DIR [--lang da|en]
    QT_SCALE_FACTOR=1.5 QT_QPA_PLATFORM=offscreen python docs/screenshots/make_screenshots.py OUT_DIR

Uses the demo cluster and synthetic clinic files (tests/clinic_files.py); nothing real.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--lang", default="da", choices=("da", "en"))
    args = parser.parse_args()
    import clinic_files as cf
    from PySide6.QtCore import QSettings
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QWidget

    from klyngedesk.core.demo import build_demo
    from klyngedesk.core.model import Period
    from klyngedesk.gui.app import make_context
    from klyngedesk.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    app.setStyle("Fusion")
    work = Path(tempfile.mkdtemp(prefix="klyngedesk-shots-"))
    settings = QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)
    ctx = make_context(settings, lang=args.lang)
    scale = os.environ.get("QT_SCALE_FACTOR", "1")
    args.out.mkdir(parents=True, exist_ok=True)

    def wait_until(condition) -> None:
        """Let the background task run (a calm loop: no busy spinning of the event loop)."""
        for _ in range(1200):
            if condition():
                return
            QTest.qWait(50)
        raise TimeoutError

    def shot(widget: QWidget, name: str) -> None:
        for _ in range(5):
            app.processEvents()
        path = args.out / f"{args.lang}-{scale.replace('.', '_')}x-{name}.png"
        widget.grab().save(str(path))
        print(path)

    window = MainWindow(ctx)
    window.resize(1280, 820)
    window.show()
    shot(window, "01-welcome")
    wizard = window.new_cluster()
    wizard.resize(760, 540)
    shot(wizard, "02-new-cluster")
    wizard.next()
    wizard.clinics_page.table.paste_text("Lægehuset Ved Åen\t12345\tAnne Kragh, Bo Lind\tXMO\t4.200\n"
                                         "Lægerne i Byen\t2345\tCarl Holm\tEG Clinea\t2.900\n")
    shot(wizard, "03-new-cluster-clinics")
    wizard.reject()

    demo = build_demo(work / "Demoklynge.klynge")
    window.open_project(str(demo))
    project = ctx.holder.project
    project.add_period(Period("2026H2", "2. halvår 2026", date(2026, 7, 1), date(2026, 12, 31)))
    window.reload_pages()
    window.tabs.setCurrentWidget(window.clinics_page)
    shot(window, "04-clinics")
    window.clinics_page.table.selectRow(2)
    dialog = window.clinics_page.edit_clinic()
    dialog.yder.setText("12")
    shot(dialog, "05-clinic-dialog")
    dialog.reject()
    window.tabs.setCurrentWidget(window.data_page)
    page = window.data_page
    page.topic_box.setCurrentIndex(page.topic_box.count() - 1)
    page.period_box.setCurrentIndex(page.period_box.findData("2026H1"))
    page.table.setCurrentIndex(page.model.index(3, 0))
    shot(window, "06-data")

    incoming = work / "indbakke"
    incoming.mkdir()
    clinics = cf.demo_clinics(project)
    files = [cf.standard_csv(incoming, clinics[:4], "2026H2"), cf.ehr_export(incoming, clinics[5], "2. halvår 2026",
                                                                               "2026H2"),
             cf.ordiprax_export(incoming, clinics[6:10], "2. halvår 2026", "2026H2"), cf.cpr_file(incoming)]
    importer = window.import_files([str(f.path if hasattr(f, "path") else f) for f in files])
    importer.resize(1200, 760)
    wait_until(lambda: importer.plan is not None and not window.runner.busy)
    importer.files.setCurrentRow(2)
    shot(importer, "07-import-mapping")
    importer.files.setCurrentRow(3)
    shot(importer, "08-import-refused")
    importer.leave_out_file(3)
    wait_until(lambda: len(importer.plan.files) == 3 and not window.runner.busy)
    importer.leave_out_file(2)
    wait_until(lambda: len(importer.plan.files) == 2 and not window.runner.busy)
    importer.commit()
    wait_until(lambda: not importer.isVisible() and not window.runner.busy)

    window.tabs.setCurrentWidget(window.history_page)
    shot(window, "09-import-history")
    window.tabs.setCurrentWidget(window.data_page)
    page.topic_box.setCurrentIndex(page.topic_box.findData("kol"))
    page.period_box.setCurrentIndex(page.period_box.findData("2026H2"))
    page.table.setCurrentIndex(page.model.index(page.model.clinic_keys.index(clinics[1].key), 1))
    shot(window, "09-data-provenance")
    window.tabs.setCurrentWidget(window.charts_page)
    charts = window.charts_page
    charts.topic_box.setCurrentIndex(charts.topic_box.findData("antibiotika"))
    charts.period_box.setCurrentIndex(charts.period_box.findData("2026H1"))
    charts.compare_box.setCurrentIndex(charts.compare_box.findData("2025H2"))
    for kind in ("ranked", "funnel", "composition", "before_after", "trend"):
        charts.kind_box.setCurrentIndex(charts.kind_box.findData(kind))
        if kind == "ranked":
            charts.show_clinic(charts.chart._row_labels[0]) if charts.chart._row_labels else None
        shot(window, f"10-charts-{kind}")
    charts.kind_box.setCurrentIndex(0)
    charts.meeting_box.setCurrentIndex(charts.meeting_box.findData("2026-03"))
    charts.codes_radio.setChecked(True)
    shot(window, "11-charts-anonymised")

    window.tabs.setCurrentWidget(window.meetings_page)
    meetings = window.meetings_page
    meetings.meeting_list.setCurrentRow(meetings.meeting_list.count() - 1)
    meetings.draw()
    shot(window, "12-meetings")
    dialog = meetings.edit_meeting()
    dialog.resize(760, 720)
    shot(dialog, "13-meeting-dialog")
    dialog.reject()
    meetings.pack.build()
    wait_until(lambda: not window.runner.busy and meetings.pack.result is not None)
    shot(window, "14-pack-preview")
    show = window.present("2026-12")
    show.showNormal()  # the offscreen "screen" is small; show the slide as on a 1280 x 800 projector
    show.resize(1280, 800)
    shot(show, "15-presentation")
    show.close()
    settings_dialog = window.open_settings()
    shot(settings_dialog, "16-settings")
    settings_dialog.reject()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
