"""The coordinator's whole year in the window, with real clicks, drops and keys, counting the user's actions."""

from __future__ import annotations

import warnings
from pathlib import Path

import clinic_files as cf
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox, QWidget
from test_gui_desk import make_cluster

from klyngedesk.gui.main_window import MainWindow

MAX_ACTIONS = 13  # from "files dropped" to "pack written" (the first drop starts the count); one of them is
# the tick on "Husk koblingen" (a mapping is kept only when the user asks), three undo and import a file again

CLINICS = "\n".join(f"{name}\t{yder}\t{doctors}\t{ehr}\t{size}" for name, yder, doctors, ehr, size in (
    ("Lægehuset Åbrinken", "101010", "Anne Kragh, Bo Lind", "XMO", "4.200"),
    ("Lægerne Søndergade", "202020", "Carl Holm", "EG Clinea", "2.900"),
    ("Lægeklinikken Torvet", "303030", "Dorte Friis, Erik Sand, Fie Mørk", "Novax", "7.800"),
    ("Lægecentret Havnegade", "404040", "Gorm Lund", "XMO", "3.100"),
    ("Lægepraksis Møllevej", "505050", "Hanne Bech, Ivan Dahl", "WinPLC", "5.600"),
    ("Lægehuset Skovbrynet", "606060", "Jonna Krog", "MultiMed Web", "1.900"),
    ("Lægerne Engvej", "707070", "Kim Storm, Lise Vang", "XMO", "6.300"),
    ("Lægeklinikken Bøgevej", "808080", "Mads Riis", "Ganglion", "2.400"),
))


class Actions:
    """Counts what the user does; every step of the test goes through here."""

    def __init__(self, qtbot) -> None:
        self.qtbot, self.steps = qtbot, []

    def click(self, widget: QWidget, what: str, **kw) -> None:
        self.steps.append(what)
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, **kw)

    def key(self, widget: QWidget, key: Qt.Key, what: str) -> None:
        self.steps.append(what)
        self.qtbot.keyClick(widget, key)

    def choose(self, box: QComboBox, text: str, what: str) -> None:
        """Pick an entry in a drop-down by typing its first letters (one choice)."""
        self.steps.append(what)
        box.setFocus()
        self.qtbot.keyClicks(box, text)
        assert box.currentText() == text, (text, [box.itemText(i) for i in range(box.count())])

    def drop(self, window: MainWindow, paths: list[Path], what: str) -> None:
        self.steps.append(what)
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
        pos = QPoint(window.width() // 2, window.height() // 2)
        args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            enter = QDragEnterEvent(pos, *args)
        QApplication.sendEvent(window, enter)
        assert enter.isAccepted(), "the window refused the dragged files"
        QApplication.sendEvent(window, QDropEvent(QPointF(pos), *args))


def _wait_planned(qtbot, window: MainWindow):
    wizard = window.import_wizard
    qtbot.waitUntil(lambda: wizard.plan is not None and not window.runner.busy, timeout=20000)
    return wizard


def test_the_whole_year(qtbot, app_context, tmp_path: Path) -> None:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.resize(1280, 860)
    window.show()

    # New cluster, clinics pasted from a spreadsheet, topics KOL and Antibiotika.
    make_cluster(qtbot, window, tmp_path, CLINICS, topics=("KOL", "Antibiotika"))
    project = window.ctx.holder.project
    assert window.clinics_page.model.rowCount() == 8
    period = project.periods()[-1]
    clinics = cf.demo_clinics(project)
    incoming = tmp_path / "indbakke"
    incoming.mkdir()
    files = [cf.standard_csv(incoming, clinics[0:2], period.key),
             cf.filled_template(incoming, clinics[2], period.key),
             cf.ehr_export(incoming, clinics[3], period.label, period.key),
             cf.region_extract(incoming, clinics, period.label, period.key),
             cf.ordiprax_export(incoming, clinics[4:8], period.label, period.key)]
    act = Actions(qtbot)

    # 1. Drop five files on the window: the wizard reads them; the Ordiprax export needs a mapping once.
    act.drop(window, [f.path for f in files], "drop 5 files")
    wizard = _wait_planned(qtbot, window)
    statuses = [f.status for f in wizard.plan.files]
    assert statuses == ["ready", "ready", "ready", "ready", "failed"], statuses
    assert wizard.files.currentRow() == 4  # the file that needs attention is shown
    assert "Ydernr." in wizard.preview.grid.horizontalHeaderItem(0).text()
    roles = wizard.preview.edited_roles()
    assert roles["Ydernr."] == "@yder" and roles["Henvist til rehab."] == "kol_rehab"  # suggested
    assert "KOL-pt. i alt" not in roles  # not clear enough to suggest: the user chooses
    row = [wizard.preview.mapping.item(r, 0).text() for r in range(wizard.preview.mapping.rowCount())].index(
        "KOL-pt. i alt")
    act.choose(wizard.preview.mapping.cellWidget(row, 1), "Patienter med KOL", "map the column")  # applied at once
    qtbot.waitUntil(lambda: wizard.plan.ok and not window.runner.busy, timeout=20000)
    assert not wizard.remember.isChecked()  # kept for next time only when the user asks
    act.click(wizard.remember, "remember the mapping", pos=QPoint(8, wizard.remember.height() // 2))
    assert [m["name"] for m in project.mapping_profiles()] == ["ordiprax_kol_udtraek"]

    # 2. Commit: five batches; the history shows them with the newest selected.
    with qtbot.waitSignal(wizard.committed, timeout=20000):
        act.click(wizard.import_button, "import")
    stored = project.values(period=period.key)
    expected = {k: v for f in files for k, v in f.expected.items()}
    assert len(stored) == len(expected)
    assert window.tabs.currentWidget() is window.history_page
    assert len([b for b in project.batches() if b.status == "committed"]) == 5

    # 3. Undo the Ordiprax import, then drop that file again.
    act.click(window.history_page.undo_button, "undo the import")
    assert len(project.values(period=period.key)) == len(expected) - len(files[4].expected)
    act.drop(window, [files[4].path], "drop the file again")
    wizard = _wait_planned(qtbot, window)
    assert wizard.plan.ok and wizard.plan.files[0].mapping.name == "ordiprax_kol_udtraek"  # remembered
    with qtbot.waitSignal(wizard.committed, timeout=20000):
        act.click(wizard.import_button, "import again")
    assert len(project.values(period=period.key)) == len(expected)

    # 4. Plan the meeting (defaults: the latest round with data, its topics), draw codes, one consent.
    page = window.meetings_page
    bar = window.tabs.tabBar()
    act.click(bar, "the meetings tab", pos=bar.tabRect(window.tabs.indexOf(page)).center())
    assert window.tabs.currentWidget() is page
    act.click(page.new_button, "plan meeting")
    dialog = page.dialog
    assert set(dialog.chosen_topics()) == {"kol", "antibiotika"}
    act.click(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), "accept the plan")
    meeting = page.meeting_key()
    assert meeting is not None
    act.click(page.draw_button, "draw codes")
    codes = project.draw(meeting)["codes"]
    assert sorted(codes.values()) == list("ABCDEFGH")
    box = page.codes.visualItemRect(page.codes.item(0, 2))
    act.click(page.codes.viewport(), "record a consent", pos=QPoint(box.left() + 11, box.center().y()))
    assert project.consents(meeting) == {page.codes.item(0, 0).data(Qt.ItemDataRole.UserRole)}

    # 5. Build the pack: the files exist and the preview shows the group handout's pages.
    with qtbot.waitSignal(page.pack.pack_written, timeout=120000) as written:
        act.click(page.pack.build_button, "build the pack")
    result = written.args[0]
    assert result.group.exists() and result.key.exists()
    assert len(result.personal) == 8 and all(p.exists() for p in result.personal.values())
    qtbot.waitUntil(lambda: page.pack.pages_shown() >= 1, timeout=30000)  # the group handout's pages, made on the worker
    assert project.draw(meeting)["frozen_at"]  # printing froze the codes

    print(f"\nUser actions from the drop to the written pack: {len(act.steps)}: {act.steps}")
    assert len(act.steps) <= MAX_ACTIONS, act.steps
