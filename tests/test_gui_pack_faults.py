"""Printing the pack when the disk or the folder says no: a Danish sentence naming the file and what to do, never a
traceback, nothing half-written, the window still working (a PDF open in a viewer, a full disk, a read-only folder)."""

from __future__ import annotations

import errno
import pathlib
import shutil
from collections.abc import Callable
from pathlib import Path

import faults
import pytest
from gui_user import show_active
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from klyngedesk.core.store import diagnose
from klyngedesk.gui.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def pack_window(qtbot, app_context, _small_demo_master: Path, tmp_path: Path):
    """The small demo's December meeting on screen, its packs going to tmp_path/pakker."""
    path = tmp_path / "Lilleklynge.klynge"
    shutil.copy(_small_demo_master, path)
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    show_active(qtbot, window)
    window.ctx.settings.setValue("folders/packs", str(tmp_path / "pakker"))
    assert window.open_project(str(path))
    page = window.meetings_page
    window.tabs.setCurrentWidget(page)
    row = next(i for i in range(page.meeting_list.count())
               if (page.meeting_list.setCurrentRow(i) or page.meeting_key()) == "2026-12")
    page.meeting_list.setCurrentRow(row)
    yield window
    window.close_project()
    qtbot.wait(50)


def error_shown(qtbot, act: Callable[[], None]) -> tuple[str, str]:
    """Do what the user does, and read the message box that comes up (its text and its details)."""
    seen: list[tuple[str, str]] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "error_box":
            seen.append((box.text(), box.detailedText()))
            box.accept()
        elif not seen:
            QTimer.singleShot(50, answer)

    QTimer.singleShot(50, answer)
    act()
    qtbot.waitUntil(lambda: bool(seen), timeout=60000)
    return seen[0]


def build(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.meetings_page.pack.pack_written, timeout=120000):
        qtbot.mouseClick(window.meetings_page.pack.build_button, LEFT)


def test_printing_again_while_a_handout_is_open_in_a_pdf_viewer(qtbot, pack_window: MainWindow,
                                                                 monkeypatch) -> None:
    """Windows refuses to move a folder while a file in it is open (Acrobat holds the PDF): the message names
    that file and says to close it, not that the folder were read-only."""
    build(qtbot, pack_window)
    panel = pack_window.meetings_page.pack
    folder = panel.result.folder
    group = panel.result.group
    before = sorted(p.relative_to(folder) for p in folder.rglob("*.pdf"))
    real_rename, real_open = pathlib.Path.rename, open

    def rename(self, target):
        if Path(self) == folder:
            raise PermissionError(errno.EACCES, "Access is denied", str(self), None, str(target))
        return real_rename(self, target)

    def viewer_holds(file, mode="r", *args, **kwargs):
        if Path(file) == group and "+" in mode:
            error = PermissionError(errno.EACCES, "The process cannot access the file", str(file))
            error.winerror = 32  # type: ignore[attr-defined]  # ERROR_SHARING_VIOLATION
            raise error
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "rename", rename)
    monkeypatch.setattr(diagnose, "open", viewer_holds, raising=False)
    text, details = error_shown(qtbot, lambda: qtbot.mouseClick(panel.build_button, LEFT))
    assert f"{group} er åben i et andet program" in text
    assert "Luk filen dér, og prøv igen" in text
    assert "skrivebeskyttet" not in text and "rettigheder" not in text
    assert not details  # no traceback behind a "details" button
    assert sorted(p.relative_to(folder) for p in folder.rglob("*.pdf")) == before  # the earlier print is whole
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]
    assert panel.build_button.isEnabled()


def test_a_full_disk_when_the_pack_folder_is_made(qtbot, pack_window: MainWindow, monkeypatch,
                                                  tmp_path: Path) -> None:
    real_mkdir = pathlib.Path.mkdir
    packs = tmp_path / "pakker"

    def mkdir(self, *args, **kwargs):
        if Path(self) == packs:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "mkdir", mkdir)
    panel = pack_window.meetings_page.pack
    text, details = error_shown(qtbot, lambda: qtbot.mouseClick(panel.build_button, LEFT))
    assert text.startswith(f"Disken med {packs} er fuld") and not details
    assert not packs.exists() and panel.build_button.isEnabled() and panel.file_list.count() == 0


def test_a_read_only_packs_folder(qtbot, pack_window: MainWindow, tmp_path: Path) -> None:
    shelf = tmp_path / "skrivebeskyttet"
    shelf.mkdir()
    pack_window.ctx.settings.setValue("folders/packs", str(shelf / "pakker"))
    panel = pack_window.meetings_page.pack
    with faults.read_only(shelf):
        text, details = error_shown(qtbot, lambda: qtbot.mouseClick(panel.build_button, LEFT))
    assert "KlyngeDesk må ikke skrive i mappen" in text and str(shelf) in text and not details
    assert list(shelf.iterdir()) == [] and panel.build_button.isEnabled()


def _protected_pack(qtbot, window: MainWindow):
    panel = window.meetings_page.pack
    panel.encrypt.setChecked(True)
    build(qtbot, window)
    assert panel.sheets_button.isVisible()
    return panel


@pytest.mark.parametrize("fault", ["full", "read-only"])
def test_the_password_sheets_on_a_full_or_read_only_stick(qtbot, pack_window: MainWindow, monkeypatch,
                                                          tmp_path: Path, fault: str) -> None:
    panel = _protected_pack(qtbot, pack_window)
    stick = tmp_path / "USB"
    stick.mkdir()
    target = stick / "Adgangskodeark.pdf"
    chosen = staticmethod(lambda *a, **k: (str(target), "PDF (*.pdf)"))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", chosen)
    if fault == "full":
        real_write = pathlib.Path.write_bytes

        def write_bytes(self, data):
            if Path(self).parent == stick:
                real_write(self, data[: len(data) // 2])  # half of it fits
                raise OSError(errno.ENOSPC, "No space left on device", str(self))
            return real_write(self, data)

        monkeypatch.setattr(pathlib.Path, "write_bytes", write_bytes)
        text, details = error_shown(qtbot, lambda: qtbot.mouseClick(panel.sheets_button, LEFT))
        assert text.startswith(f"Disken med {stick}") and "er fuld" in text
    else:
        with faults.read_only(stick):
            text, details = error_shown(qtbot, lambda: qtbot.mouseClick(panel.sheets_button, LEFT))
        assert "KlyngeDesk må ikke skrive i mappen" in text and str(stick) in text
    assert not details
    assert list(stick.iterdir()) == []  # no half PDF left on the stick
    assert "blev gemt" not in panel.state.text()

    monkeypatch.undo()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", chosen)
    qtbot.mouseClick(panel.sheets_button, LEFT)  # the next try, with room: saved, and said
    qtbot.waitUntil(lambda: target.exists() and str(target) in panel.state.text(), timeout=10000)
    assert target.read_bytes().startswith(b"%PDF")
