"""The overdispersion adjustment has a switch in the settings dialog: turned off there, the project collates
with unadjusted limits, the funnel says so on screen and in the handout, and more clinics are flagged."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
from gui_user import press, show_active
from PySide6.QtCore import Qt

from klyngedesk.core.anonymise import anonymised_table
from klyngedesk.core.collate import collate
from klyngedesk.core.render.group_handout import render_group
from klyngedesk.core.render.indicator_pages import TopicMaterial
from klyngedesk.core.settings import OVERDISPERSION, UserDefaults, resolve
from klyngedesk.core.store import Project
from klyngedesk.gui.chart_specs import ChartRequest, build_spec
from klyngedesk.gui.main_window import MainWindow


def _flagged(project: Project) -> int:
    ind = collate(project, "antibiotika", "2026H1").indicator("ab_pr1000")
    return sum(r.flag in ("above_998", "below_998") for r in ind.rows)


def test_switching_the_adjustment_off_in_the_settings_dialog(qtbot, app_context, demo_path: Path) -> None:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    window.open_project(str(demo_path))
    project = app_context.holder.project
    before = _flagged(project)
    dialog = window.open_settings()
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    box = dialog.overdispersion
    assert box.isChecked() and box.text().startswith("Justér tragtgrænserne")       # Danish first
    box.setFocus()
    press(qtbot, Qt.Key.Key_Space)                   # the user unticks it with the keyboard
    assert not box.isChecked()
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    assert project.setting("overdispersion") is False and resolve(OVERDISPERSION, project) is False
    assert UserDefaults().get(OVERDISPERSION) is False       # and the default for new projects
    ind = collate(project, "antibiotika", "2026H1").indicator("ab_pr1000")
    assert not ind.overdispersion["adjusted"] and ind.overdispersion["adjustment"] is False
    assert _flagged(project) > before
    spec, _ = build_spec(project, ChartRequest("antibiotika", "ab_pr1000", "2026H1", None, "funnel"), "da")
    assert spec is not None and "ikke justeret for overspredning: slået fra i indstillingerne" in spec.note
    assert not any(lim.unadjusted for lim in spec.limits)
    table = anonymised_table(project, "2026-03", "smerter", lang="da")
    out = io.BytesIO()
    render_group(out, [TopicMaterial(table, project.topic("smerter"))], project.meeting("2026-03"), "Fjordby", "da")
    text = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(out.getvalue())).pages)
    assert "justeringen er slået fra i indstillingerne" in text                                   # in the pack
    dialog = window.open_settings()                 # and back on: the box shows the project's choice
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    assert not dialog.overdispersion.isChecked()
    dialog.overdispersion.setChecked(True)
    dialog.accept()
    assert project.setting("overdispersion") is True and _flagged(project) == before


def test_an_unchanged_switch_writes_no_default(qtbot, app_context) -> None:
    from klyngedesk.gui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(app_context)
    qtbot.addWidget(dialog)
    assert dialog.overdispersion.isChecked()        # the built-in default: FunnelPlotR's, adjusted
    dialog.accept()
    assert UserDefaults().get(OVERDISPERSION) is None
