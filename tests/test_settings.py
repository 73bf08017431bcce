"""One typed settings module: a threshold chosen in Settings is what a new project's collate, anonymiser and
pack use; a project's own value wins; nonsense in a file is ignored, never used."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from klyngedesk.core.anonymise import anonymised_table
from klyngedesk.core.collate import collate
from klyngedesk.core.render.leakscan import page_texts
from klyngedesk.core.render.pack import build_pack
from klyngedesk.core.settings import CODE_SCHEME, SETTINGS, THRESHOLD, UserDefaults, resolve
from klyngedesk.core.store import Project


def as_new_project(project: Project) -> Project:
    """The small demo as a project made by the wizard: no threshold or code scheme of its own."""
    cluster = project.cluster()
    project.set_cluster(dataclasses.replace(cluster, settings={}))
    return project


def test_resolution_goes_project_then_user_then_built_in(small_demo: Project) -> None:
    project = as_new_project(small_demo)
    assert resolve(THRESHOLD, project) == 5                      # built-in
    UserDefaults().set(THRESHOLD, 10)
    assert resolve(THRESHOLD, project) == 10                     # the user's default
    project.set_setting("threshold", 7)
    assert resolve(THRESHOLD, project) == 7                      # the project's own
    project.set_setting("threshold", "lots")
    assert resolve(THRESHOLD, project) == 10                     # a broken project value is not used


def test_nonsense_in_the_user_file_is_ignored(_user_defaults_apart: Path) -> None:
    (_user_defaults_apart / "settings.json").write_text(json.dumps(
        {"threshold": 0, "code_scheme": "emoji", "overdispersion": "maybe", "unknown": 1}), encoding="utf-8")
    assert UserDefaults().values() == {}
    assert resolve(THRESHOLD) == 5 and resolve(CODE_SCHEME) == "letters"
    (_user_defaults_apart / "settings.json").write_text("{not json", encoding="utf-8")
    assert UserDefaults().values() == {}
    with pytest.raises(ValueError):
        UserDefaults().set(THRESHOLD, 500)
    assert set(SETTINGS) >= {"threshold", "code_scheme", "list_size_display", "overdispersion"}


def test_a_user_threshold_of_10_reaches_collate_anonymiser_and_pack(small_demo: Project, tmp_path: Path) -> None:
    project = as_new_project(small_demo)
    UserDefaults().set(THRESHOLD, 10)
    meeting = project.meeting("2026-12")
    table = collate(project, "kol", meeting.period, meeting.baseline_period)
    assert table.threshold == 10
    result = build_pack(project, "2026-12", tmp_path / "out")
    anonymised = anonymised_table(project, "2026-12", "kol")
    assert anonymised.threshold == 10 and anonymised.suppressed_text == "<10"
    group = " ".join(" ".join(page_texts(result.group.read_bytes())).split())
    assert "<10" in group and "<5" not in group
    codes = project.draw("2026-12")["codes"]
    for ind in table.indicators:                                  # counts of 5-9 are hidden like 1-4
        for row in ind.rows:
            if row.numerator is not None and 0 < row.numerator < 10:
                shown = next(r for r in anonymised.indicator(ind.key).rows if r.code == codes[row.clinic])
                assert shown.numerator is None


def test_the_settings_dialog_sets_the_default_for_new_projects(qtbot, app_context, small_demo: Project) -> None:
    from klyngedesk.gui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(app_context)
    qtbot.addWidget(dialog)
    dialog.threshold.setValue(10)
    dialog.code_scheme.setCurrentIndex(dialog.code_scheme.findData("numbers"))
    dialog.accept()
    assert UserDefaults().values() == {"threshold": 10, "code_scheme": "numbers"}
    project = as_new_project(small_demo)                          # the CLI reads the same defaults
    assert resolve(THRESHOLD, project) == 10 and resolve(CODE_SCHEME, project) == "numbers"
    assert app_context.threshold() == 10


def test_defaults_kept_in_qt_settings_by_an_older_version_move_to_the_core(qapp, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from klyngedesk.gui.app import make_context

    settings = QSettings(str(tmp_path / "old.ini"), QSettings.Format.IniFormat)
    settings.setValue("threshold", 8)
    ctx = make_context(settings, lang="da")
    assert UserDefaults().get(THRESHOLD) == 8 and ctx.threshold() == 8
    assert settings.value("threshold") is None
