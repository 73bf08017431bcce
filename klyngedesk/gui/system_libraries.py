"""Before Qt starts on Linux: finds system libraries the window needs that are missing, named as Debian packages.

Stdlib only (no Qt import), so the CLI can ask before Qt would abort with an English plug-in error.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import struct
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterable
from pathlib import Path

from klyngedesk.i18n import ntr

_DT_NEEDED = 1
# Debian names that do not follow the soname rule below.
_DEBIAN_EXCEPTIONS = {"libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0",
                      "libgobject-2.0.so.0": "libglib2.0-0", "libgio-2.0.so.0": "libglib2.0-0",
                      "libstdc++.so.6": "libstdc++6", "libgcc_s.so.1": "libgcc-s1"}


def needed_libraries(path: Path) -> list[str]:
    """The DT_NEEDED entries (sonames) of an ELF shared object; [] for anything that is not one."""
    try:
        data = path.read_bytes()
    except OSError:
        return []
    if data[:4] != b"\x7fELF" or len(data) < 64:
        return []
    wide, order = data[4] == 2, "<" if data[5] == 1 else ">"
    if wide:
        shoff, = struct.unpack_from(order + "Q", data, 0x28)
        shentsize, shnum = struct.unpack_from(order + "HH", data, 0x3A)
    else:
        shoff, = struct.unpack_from(order + "I", data, 0x20)
        shentsize, shnum = struct.unpack_from(order + "HH", data, 0x2E)
    sections = []
    for i in range(shnum):
        at = shoff + i * shentsize
        if wide:
            _, kind, _, _, offset, size, link, _, _, entsize = struct.unpack_from(order + "IIQQQQIIQQ", data, at)
        else:
            _, kind, _, _, offset, size, link, _, _, entsize = struct.unpack_from(order + "IIIIIIIIII", data, at)
        sections.append((kind, offset, size, link, entsize))
    names: list[str] = []
    for kind, offset, size, link, entsize in sections:
        if kind != 6 or not entsize or link >= len(sections):  # SHT_DYNAMIC, linked to its string table
            continue
        strings_at = sections[link][1]
        for at in range(offset, offset + size, entsize):
            tag, value = struct.unpack_from(order + ("qQ" if wide else "iI"), data, at)
            if tag == 0:
                break
            if tag == _DT_NEEDED:
                end = data.index(b"\0", strings_at + value)
                names.append(data[strings_at + value:end].decode("ascii", "replace"))
    return names


def debian_package(soname: str) -> str:
    """The Debian package that ships a library: libxcb-cursor.so.0 -> libxcb-cursor0 (Debian policy 8.1)."""
    if soname in _DEBIAN_EXCEPTIONS:
        return _DEBIAN_EXCEPTIONS[soname]
    match = re.fullmatch(r"(.+?)\.so\.(\d+)(?:\..*)?", soname)
    if not match:
        return soname.removesuffix(".so").lower()
    name, version = match.group(1).lower(), match.group(2)
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_libraries(roots: Iterable[Path], bundled: Iterable[Path],
                      loads: Callable[[str], bool] | None = None) -> list[str]:
    """Sonames the roots need (directly or through bundled libraries) that the system cannot load."""
    loads = loads or _loads
    folders = [Path(f) for f in bundled]
    seen: set[str] = set()
    missing: list[str] = []
    queue = [Path(r) for r in roots if Path(r).is_file()]
    while queue:
        for soname in needed_libraries(queue.pop()):
            if soname in seen:
                continue
            seen.add(soname)
            inside = next((f / soname for f in folders if (f / soname).is_file()), None)
            if inside is not None:
                queue.append(inside)
            elif not loads(soname):
                missing.append(soname)
    return missing


def _will_use_xcb(environ: dict[str, str]) -> bool:
    platform = environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(":")[0].split(";")[0] == "xcb"
    return bool(environ.get("DISPLAY")) and not environ.get("WAYLAND_DISPLAY")


def _qt_folders() -> tuple[list[Path], list[Path]] | None:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    pyside = Path(next(iter(spec.submodule_search_locations)))
    roots = sorted(pyside.glob("QtWidgets*.so")) + [pyside / "Qt" / "plugins" / "platforms" / "libqxcb.so"]
    shiboken = importlib.util.find_spec("shiboken6")
    bundled = [pyside / "Qt" / "lib", pyside]
    if shiboken is not None and shiboken.submodule_search_locations:
        bundled.append(Path(next(iter(shiboken.submodule_search_locations))))
    return roots, bundled


def missing_library_message(environ: dict[str, str] | None = None, lang: str | None = None,
                            loads: Callable[[str], bool] | None = None) -> str | None:
    """One sentence naming the Debian packages to install, or None when the window can start."""
    environ = dict(os.environ if environ is None else environ)
    if not sys.platform.startswith("linux") or not _will_use_xcb(environ):
        return None
    folders = _qt_folders()
    if folders is None:
        return None
    missing = missing_libraries(*folders, loads=loads)
    if not missing:
        return None
    packages = sorted({debian_package(s) for s in missing})
    return ntr("The window cannot open because this machine lacks the system library {libraries}: install it "
               "with \"sudo apt-get install {packages}\" (Debian/Ubuntu) and start KlyngeDesk again.",
               "The window cannot open because this machine lacks the system libraries {libraries}: install them "
               "with \"sudo apt-get install {packages}\" (Debian/Ubuntu) and start KlyngeDesk again.",
               len(missing), lang, libraries=", ".join(missing), packages=" ".join(packages))


# Dialog tools of the common Linux desktops, tried in this order; each shows `text` and waits for OK.
_DESKTOP_DIALOGS = (("zenity", ["--error", "--title", "KlyngeDesk", "--text"]),
                    ("kdialog", ["--title", "KlyngeDesk", "--error"]),
                    ("xmessage", ["-center", "-default", "okay"]),
                    ("notify-send", ["KlyngeDesk"]))


def show_on_desktop(message: str, *, interactive: bool | None = None) -> bool:
    """Started from the start menu there is no terminal to read stderr: show the sentence with the desktop's
    own dialog tool (Qt cannot open). True when a tool showed it; nothing is shown for a terminal."""
    if interactive is None:
        interactive = sys.stderr is not None and sys.stderr.isatty()
    if interactive:
        return False
    for tool, arguments in _DESKTOP_DIALOGS:
        path = shutil.which(tool)
        if path is None:
            continue
        text: str | bytes = message
        if tool == "xmessage":  # no wrapping and Latin-1 only (æ, ø, å, », « are in it)
            text = textwrap.fill(message, 72, break_on_hyphens=False, break_long_words=False).encode("latin-1", "replace")
        try:
            subprocess.run([path, *arguments, text], check=False, timeout=3600,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            continue
        return True
    return False
