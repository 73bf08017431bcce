"""At 150 % scaling (QT_SCALE_FACTOR=1.5, a 1366x768 laptop: 911x512 logical pixels) and at 1024x700, with the
realistic long clinic name from issue 16: values and bars stay on screen, names are capped, the short name is used.

Qt's scale factor is read when the application starts, so each layout is measured in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = r'''
import dataclasses, json, sys
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

app = QApplication([])
from klyngedesk.core.demo import build_demo
from klyngedesk.core.store import Project
from klyngedesk.gui.app import make_context
from klyngedesk.gui.main_window import MainWindow

LONG = ("Lægepraksis ved Speciallæge i almen medicin Anne-Mette Østergaard-Kristensen og Jens Peter "
        "Bøgh-Andersen")
folder, width, height = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
path = build_demo(folder / "Demo.klynge")
with Project.open(path) as project:
    first, second = sorted(project.clinics(), key=lambda c: c.key)[:2]
    project.update_clinic(dataclasses.replace(first, name=LONG))
    project.update_clinic(dataclasses.replace(second, name=LONG + " II", short_name="Bøgh II"))
ctx = make_context(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat), lang="da")
window = MainWindow(ctx)
window.resize(width, height)
window.show()
window.open_project(str(path), remember=False)
out = {"ratio": app.devicePixelRatio()}

def settle():
    for _ in range(10):
        QTest.qWait(30)

window.tabs.setCurrentWidget(window.clinics_page)
settle()
table = window.clinics_page.table
out["clinics_name_width"] = table.columnWidth(0)
out["clinics_second_column_x"] = table.columnViewportPosition(1)
out["clinics_viewport"] = table.viewport().width()
window.tabs.setCurrentWidget(window.data_page)
settle()
data = window.data_page.table
out["data_header"] = data.verticalHeader().width()
out["data_first_value_x"] = data.columnViewportPosition(0)
out["data_viewport"] = data.viewport().width()
model = data.model()
out["data_rows"] = [model.headerData(r, 2) for r in range(model.rowCount())]
window.tabs.setCurrentWidget(window.charts_page)
settle()
chart = window.charts_page.chart
out["axis"] = chart.plot.getAxis("left").width()
out["plot"] = chart.plot.width()
out["plot_height"] = chart.plot.getPlotItem().vb.sceneBoundingRect().height()
out["labels"] = [label for _, label in chart.plot.getAxis("left")._tickLevels[0]]
page = window.charts_page
page.kind_box.setCurrentIndex(page.kind_box.findData("funnel"))
settle()
out["funnel_right"] = chart.plot.getPlotItem().vb.sceneBoundingRect().right()
out["funnel_view"] = chart.plot.viewport().width()
out["funnel_labels_inside"] = all(chart.plot.getPlotItem().vb.sceneBoundingRect().contains(r)
                                  for _, r in chart.point_label_rects())
print("RESULT" + json.dumps(out))
sys.stdout.flush()
ctx.holder.set_project(None)
import os
os._exit(0)   # skip Qt/pyqtgraph teardown at interpreter exit (it can crash offscreen)
'''


@pytest.mark.parametrize("scale, size", [("1", (1024, 700)), ("1.5", (911, 512))])
def test_long_and_short_names_leave_the_values_and_bars_on_screen(tmp_path: Path, scale: str,
                                                                  size: tuple[int, int]) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR=scale)
    run = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path), str(size[0]), str(size[1])], env=env,
                         capture_output=True, text=True, timeout=300)
    line = next((ln for ln in run.stdout.splitlines() if ln.startswith("RESULT")), None)
    assert line is not None, run.stderr[-2000:]
    m = json.loads(line[len("RESULT"):])
    assert m["ratio"] == float(scale)
    # Klinikker: the name column is capped, the other columns start within the window
    assert m["clinics_name_width"] <= 270 and m["clinics_second_column_x"] < m["clinics_viewport"] // 2
    # Data: the row headers are capped and the values begin in the left half of the table
    assert m["data_header"] <= 270 and m["data_first_value_x"] < m["data_viewport"] // 2
    assert "Bøgh II" in m["data_rows"] and LONG_START + " i almen medicin" not in " ".join(
        r for r in m["data_rows"] if r.endswith(" II"))   # the clinic with a short name is shown by it
    # Diagrammer: the names take less than 40 % of the chart's width; the bars have room in height too
    assert m["axis"] < 0.4 * m["plot"] and m["plot_height"] >= 120
    assert "Bøgh II" in m["labels"] and any(label.endswith("…") for label in m["labels"])
    # the funnel's plot (and its key beneath) ends inside the window; its labels stay inside the plot
    assert m["funnel_right"] <= m["funnel_view"] and m["funnel_labels_inside"]


LONG_START = "Lægepraksis ved Speciallæge"
