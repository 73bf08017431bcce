"""A fresh Linux machine: a missing system library is named as the Debian package to install, before Qt aborts."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from klyngedesk.cli import main as cli_main
from klyngedesk.gui import system_libraries
from klyngedesk.gui.system_libraries import debian_package, missing_library_message, needed_libraries

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb check is for Linux")


def _qxcb() -> Path:
    import PySide6

    return Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"


def test_the_xcb_plugin_is_read_for_what_it_needs() -> None:
    needed = needed_libraries(_qxcb())
    assert "libQt6XcbQpa.so.6" in needed and "libc.so.6" in needed
    assert needed_libraries(Path(__file__)) == []  # not a shared object: nothing, no crash


@pytest.mark.parametrize(("soname", "package"), [
    ("libxcb-cursor.so.0", "libxcb-cursor0"), ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libX11-xcb.so.1", "libx11-xcb1"), ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libEGL.so.1", "libegl1"), ("libglib-2.0.so.0", "libglib2.0-0")])
def test_sonames_become_debian_package_names(soname: str, package: str) -> None:
    assert debian_package(soname) == package


def test_missing_cursor_library_is_one_danish_sentence(monkeypatch, capsys) -> None:
    """`klyngedesk --demo` on a machine without libxcb-cursor0 says what to install instead of aborting."""
    monkeypatch.setattr(system_libraries, "_loads", lambda soname: soname != "libxcb-cursor.so.0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    started: list[bool] = []
    monkeypatch.setattr("klyngedesk.gui.app.run_gui", lambda **kw: started.append(True) or 0)
    on_desktop: list[str] = []  # never a real dialog during the tests
    monkeypatch.setattr(system_libraries, "show_on_desktop", lambda message: on_desktop.append(message) or False)
    assert cli_main.main(["--demo"]) != 0
    assert not started, "Qt must not be started when a library is missing"
    err = capsys.readouterr().err.strip()
    assert on_desktop == [err]  # the same sentence, for a start from the menu
    assert err.count(".") <= 3 and "\n" not in err  # one sentence
    assert "sudo apt-get install libxcb-cursor0" in err and err.startswith("Vinduet kan ikke åbne")


def test_nothing_to_say_when_everything_loads_or_qt_runs_offscreen() -> None:
    assert missing_library_message({"DISPLAY": ":0"}, loads=lambda soname: True) is None
    assert missing_library_message({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, loads=lambda s: False) is None
    english = missing_library_message({"QT_QPA_PLATFORM": "xcb"}, "en", loads=lambda s: s != "libxcb-icccm.so.4")
    assert english is not None and "sudo apt-get install libxcb-icccm4" in english


def test_several_missing_libraries_are_named_in_one_plural_sentence() -> None:
    """A minimal Debian lacks more than one: every package in one apt-get line, the sentence in the plural."""
    absent = {"libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"}
    da = missing_library_message({"QT_QPA_PLATFORM": "xcb"}, "da", loads=lambda s: s not in absent)
    assert da is not None and "systembibliotekerne" in da and "installér dem" in da
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1" in da
    en = missing_library_message({"QT_QPA_PLATFORM": "xcb"}, "en", loads=lambda s: s not in absent)
    assert en is not None and "system libraries" in en and "install them" in en
    one = missing_library_message({"QT_QPA_PLATFORM": "xcb"}, "da", loads=lambda s: s != "libxcb-cursor.so.0")
    assert one is not None and "systembiblioteket libxcb-cursor.so.0: installér det" in one


def test_started_from_the_start_menu_the_sentence_is_shown_in_a_desktop_dialog(monkeypatch) -> None:
    """No terminal (the menu entry): the same sentence in the desktop's own dialog (zenity on GNOME, kdialog
    on KDE, xmessage on bare X), since Qt cannot open; from a terminal, stderr alone."""
    shown: list[list[str]] = []
    monkeypatch.setattr(system_libraries.shutil, "which",
                        lambda tool: f"/usr/bin/{tool}" if tool in {"kdialog", "xmessage"} else None)
    monkeypatch.setattr(system_libraries.subprocess, "run", lambda argv, **kw: shown.append(argv))
    sentence = "Vinduet kan ikke åbne, fordi maskinen mangler systembiblioteket libxcb-cursor.so.0: …"
    assert system_libraries.show_on_desktop(sentence, interactive=False)
    assert shown == [["/usr/bin/kdialog", "--title", "KlyngeDesk", "--error", sentence]]
    assert not system_libraries.show_on_desktop(sentence, interactive=True) and len(shown) == 1
    monkeypatch.setattr(system_libraries.shutil, "which", lambda tool: "/usr/bin/xmessage" if tool == "xmessage" else None)
    assert system_libraries.show_on_desktop(sentence * 3, interactive=False)
    text = shown[-1][-1]  # bare X: Latin-1 bytes (xmessage shows no UTF-8), wrapped lines
    assert text.decode("latin-1").replace("\n", " ") == (sentence * 3).replace("…", "?") and b"\n" in text
    monkeypatch.setattr(system_libraries.shutil, "which", lambda tool: None)
    assert not system_libraries.show_on_desktop(sentence, interactive=False)  # no tool: stderr was all we had
