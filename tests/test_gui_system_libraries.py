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
    assert cli_main.main(["--demo"]) != 0
    assert not started, "Qt must not be started when a library is missing"
    err = capsys.readouterr().err.strip()
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
