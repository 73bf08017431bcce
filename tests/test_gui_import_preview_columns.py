"""The import preview jumps to the cell a problem names, however the problem spells the column."""

from __future__ import annotations

from pathlib import Path

import clinic_files as cf
import pytest
from PySide6.QtCore import Qt

from klyngedesk.core.ingest import plan_import
from klyngedesk.core.store import Project
from klyngedesk.gui.import_preview import FilePreview


@pytest.mark.parametrize("heading", ["vaerdi", "værdi"])
def test_a_problem_naming_the_column_with_its_letter_selects_that_cell(qtbot, demo_path: Path, tmp_path: Path,
                                                                        heading: str) -> None:
    """Problems name a value's column as provenance writes it ('vaerdi (E)'); the preview looked that up among
    the headings, found nothing and selected the row's first cell instead."""
    with Project.open(demo_path, readonly=True) as project:
        a = cf.demo_clinics(project)[0]
    path = tmp_path / "negativ.csv"
    path.write_text(f"ydernummer;praksis;maaling;periode;{heading}\n{a.yder};{a.name};kol_patienter;2026H1;-12\n",
                    encoding="utf-8")
    with Project.open(demo_path) as project:
        plan = plan_import(project, [path], confirm=True).files[0]
    preview = FilePreview("da")
    qtbot.addWidget(preview)
    preview.show_plan(plan, {})
    items = [preview.problems.item(k) for k in range(preview.problems.count())]
    item = next(i for i in items if "negativ" in i.text())
    assert item.data(Qt.ItemDataRole.UserRole)[1] == f"{heading} (E)"
    rect = preview.problems.visualItemRect(item)
    qtbot.mouseClick(preview.problems.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert (preview.grid.currentRow(), preview.grid.currentColumn()) == (0, 4)
