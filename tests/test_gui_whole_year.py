"""The coordinator's whole year from the window alone, counting every user action: new cluster, templates out,
two rounds of returned templates in, meeting, consent, pack, presentation, follow-up meeting with the change."""

from __future__ import annotations

from pathlib import Path

from gui_user import press, show_active
from openpyxl import load_workbook
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWizard
from test_gui_year import CLINICS, Actions
from test_main_window import _drop_file

from klyngedesk.gui.main_window import MainWindow
from klyngedesk.gui.presentation import PresentationWindow

MAX_YEAR = 30  # user actions for the whole year
MAX_FILES_TO_PACK = 8  # from the returned files arriving to the pack written
CTRL = Qt.KeyboardModifier.ControlModifier
FIGURES = {"kol_patienter": (120, 150), "kol_lfu": (80, 125), "kol_rehab": (12, 30)}  # per round: before, after


class YearActions(Actions):
    def press(self, key: Qt.Key, what: str, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier):
        self.steps.append(what)
        return press(self.qtbot, key, modifier)

    def drop_files(self, window: MainWindow, paths: list[Path], what: str) -> None:
        self.steps.append(what)
        from test_gui_year import QMimeData, QUrl  # noqa: F401 - the same drop as the other year test
        for path in paths[:1]:
            _drop_file(window, path)
        if len(paths) > 1:
            window.import_wizard.add_files([str(p) for p in paths[1:]])  # the rest of the same drop


def _clinics_fill_in(folder: Path, round_index: int) -> list[Path]:
    """What the clinics do (not the coordinator): type their counts into the template and send it back."""
    returned = []
    for n, path in enumerate(sorted(folder.glob("*.xlsx"))):
        wb = load_workbook(path)
        for row in wb["Data"].iter_rows(min_row=2):
            measure = row[2].value
            if measure in FIGURES:
                row[4].value = FIGURES[measure][round_index] + n
        wb.save(path)
        returned.append(path)
    return returned


def test_the_whole_year_from_the_window(qtbot, app_context, tmp_path: Path) -> None:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.resize(1280, 860)
    show_active(qtbot, window)
    act = YearActions(qtbot)

    # New cluster: name, municipality, folder, the clinics pasted from a spreadsheet, the topic KOL.
    act.click(window.welcome.new_button, "new cluster")
    wizard = window.wizard
    act.steps.append("type the name")
    qtbot.keyClicks(wizard.cluster_page.name, "Åby Klynge")
    act.steps.append("choose the folder")
    wizard.cluster_page.folder.setText(str(tmp_path))
    act.click(wizard.button(QWizard.WizardButton.NextButton), "next")
    table = wizard.clinics_page.table
    table.setFocus()
    table.setCurrentCell(0, 0)
    QGuiApplication.clipboard().setText(CLINICS)
    act.steps.append("paste the clinics")
    qtbot.keySequence(table, QKeySequence.StandardKey.Paste)
    act.click(wizard.button(QWizard.WizardButton.NextButton), "next")
    listing = wizard.topics_page.topics
    item = listing.findItems("KOL", Qt.MatchFlag.MatchExactly)[0]
    act.click(listing.viewport(), "select KOL", pos=listing.visualItemRect(item).center())
    act.key(listing, Qt.Key.Key_Space, "tick KOL")
    with qtbot.waitSignal(window.project_opened, timeout=5000):
        act.click(wizard.button(QWizard.WizardButton.FinishButton), "finish")
    project = window.ctx.holder.project
    first_round = project.periods()[-1]
    show_active(qtbot, window)

    def send_templates(folder: Path) -> None:
        act.press(Qt.Key.Key_T, "Skabeloner til klinikkerne…", CTRL)
        dialog = window.wizard
        dialog.topic_box.setCurrentIndex(dialog.topic_box.findData("kol"))  # the only topic: already chosen
        dialog.folder.setText(str(folder))  # (the default folder beside the project, made unique per round here)
        act.click(dialog.write_button, "write the templates")
        assert len(list(folder.glob("*.xlsx"))) == 8
        dialog.accept()  # closing the dialog is part of the next action (a key press elsewhere)

    def import_returned(folder: Path) -> list[int]:
        files = _clinics_fill_in(folder, len(project.meetings()) and 1)
        start = len(act.steps)
        act.drop_files(window, files, "drop the returned templates")
        wiz = window.import_wizard
        qtbot.waitUntil(lambda: wiz.plan is not None and len(wiz.plan.files) == 8 and not window.runner.busy,
                        timeout=30000)
        assert wiz.plan.ok, [f.message() for f in wiz.plan.files]
        with qtbot.waitSignal(wiz.committed, timeout=20000):
            act.click(wiz.import_button, "import")
        return [start]

    def meeting_and_pack(consent: bool) -> str:
        act.press(Qt.Key.Key_M, "plan meeting", CTRL)
        dialog = window.meetings_page.dialog
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog, timeout=3000)
        act.click(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), "accept the plan")
        page = window.meetings_page
        key = page.meeting_key()
        act.press(Qt.Key.Key_D, "draw codes", CTRL)
        if consent:
            box = page.codes.visualItemRect(page.codes.item(0, 2))
            act.click(page.codes.viewport(), "record a consent", pos=QPoint(box.left() + 11, box.center().y()))
        with qtbot.waitSignal(page.pack.pack_written, timeout=120000) as written:
            act.press(Qt.Key.Key_B, "build the pack", CTRL)
        result = written.args[0]
        assert result.group.exists() and len(result.personal) == 8
        return key

    # Round 1: templates out, templates back, meeting, consent, pack, presentation.
    send_templates(tmp_path / "runde1")
    start = len(act.steps)
    import_returned(tmp_path / "runde1")
    first = meeting_and_pack(consent=True)
    to_pack = len(act.steps) - start
    assert project.consents(first)
    act.press(Qt.Key.Key_F5, "present")
    slides = window.presentation
    assert isinstance(slides, PresentationWindow) and slides.isVisible()
    act.key(slides, Qt.Key.Key_Escape, "leave the presentation")
    assert not slides.isVisible()
    show_active(qtbot, window)

    # Follow-up: a new round, templates out and back, the follow-up meeting compared with the first round.
    act.press(Qt.Key.Key_R, "new round", CTRL | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.data_page.dialog
    act.click(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), "accept the round")
    second_round = project.periods()[-1]
    assert second_round.start > first_round.end
    send_templates(tmp_path / "runde2")
    import_returned(tmp_path / "runde2")
    second = meeting_and_pack(consent=False)
    meeting = project.meeting(second)
    assert meeting.period == second_round.key and meeting.baseline_period == first_round.key  # the change

    # The change is there to see: before/after per clinic in the charts.
    window.tabs.setCurrentWidget(window.charts_page)
    charts = window.charts_page
    charts.kind_box.setCurrentIndex(charts.kind_box.findData("before_after"))
    assert charts.period_box.currentData() == second_round.key
    assert charts.compare_box.currentData() == first_round.key
    assert charts.chart.spec is not None

    print(f"\nWhole year: {len(act.steps)} user actions; files to pack: {to_pack}\n{act.steps}")
    assert to_pack <= MAX_FILES_TO_PACK, act.steps[start:start + to_pack]
    assert len(act.steps) <= MAX_YEAR, act.steps
