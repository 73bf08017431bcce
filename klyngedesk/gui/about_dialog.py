"""The About box: version, and every bundled component with its version and licence."""

from __future__ import annotations

import platform
import re
from html import escape
from importlib.metadata import PackageNotFoundError, metadata, requires

from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from klyngedesk import __version__
from klyngedesk.i18n import tr

# The licence under which KlyngeDesk uses each direct dependency (package metadata is often vague:
# "BSD", a whole licence text, or several choices such as Qt's LGPL/GPL).
LICENCES = {"pyside6-essentials": "LGPL-3.0", "shiboken6": "LGPL-3.0", "pandas": "BSD-3-Clause",
            "numpy": "BSD-3-Clause", "pyqtgraph": "MIT", "openpyxl": "MIT", "reportlab": "BSD-3-Clause",
            "python-calamine": "MIT", "defusedxml": "PSF-2.0", "python-stdnum": "LGPL-2.1+",
            "rapidfuzz": "MIT", "pikepdf": "MPL-2.0", "xlrd": "BSD-3-Clause",
            "odfpy": "Apache-2.0 / LGPL-2.1+", "pillow": "MIT-CMU", "lxml": "BSD-3-Clause",
            "pypdfium2": "Apache-2.0 / BSD-3-Clause"}
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements(dist: str) -> list[str]:
    """Names a distribution requires, leaving out optional extras."""
    try:
        found = requires(dist) or []
    except PackageNotFoundError:
        return []
    names = []
    for requirement in found:
        match = _NAME.match(requirement)
        if match and _applies(requirement):
            names.append(match.group(0))
    return names


def _applies(requirement: str) -> bool:
    """False for optional extras and for other platforms (e.g. colorama only on Windows)."""
    if ";" not in requirement:
        return True
    try:
        from packaging.requirements import Requirement
    except ImportError:  # without packaging: keep all but the extras
        return "extra" not in requirement.split(";", 1)[1]
    marker = Requirement(requirement).marker
    return marker is None or marker.evaluate({"extra": ""})


def _licence(dist: str) -> str:
    meta = metadata(dist)
    known = LICENCES.get(_key(meta["Name"]))
    if known:
        return known
    expression = meta.get("License-Expression") or ""
    text = (meta.get("License") or "").strip()
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    if expression:
        return expression
    if text and "\n" not in text and len(text) <= 60:
        return text
    return " / ".join(classifiers) or "?"


def bundled_components() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(direct dependencies, everything they pull in) as (name, version, licence), with Python and Qt."""
    direct_names = _requirements("klyngedesk") or [name for name in LICENCES if name != "shiboken6"]
    direct: list[tuple[str, str, str]] = [("Python", platform.python_version(), "PSF-2.0"),
                                          ("Qt", qVersion(), "LGPL-3.0")]
    indirect: list[tuple[str, str, str]] = []
    seen: set[str] = {"klyngedesk"}
    queue = [(name, True) for name in direct_names]
    while queue:
        name, is_direct = queue.pop(0)
        try:
            meta = metadata(name)
        except PackageNotFoundError:  # a requirement for another platform or Python version
            continue
        if _key(meta["Name"]) in seen:
            continue
        seen.add(_key(meta["Name"]))
        (direct if is_direct else indirect).append((meta["Name"], meta["Version"], _licence(name)))
        queue.extend((child, False) for child in _requirements(name))
    by_name = lambda row: row[0].lower()  # noqa: E731
    return direct[:2] + sorted(direct[2:], key=by_name), sorted(indirect, key=by_name)


def about_text(lang: str) -> str:
    direct, indirect = bundled_components()
    rows = "".join(f"<tr><td>{escape(n)}</td><td>{escape(v)}</td><td>{escape(lic)}</td></tr>" for n, v, lic in direct)
    also = ", ".join(f"{escape(n)} {escape(v)} ({escape(lic)})" for n, v, lic in indirect)
    lgpl = tr("Qt and PySide6 are used under the LGPL-3.0. They are separate library files in the program folder "
              "and may be replaced; their source code is at {url}.", lang, url="https://code.qt.io")
    also_line = f"<p><small>{tr('Also included: {components}.', lang, components=also)}</small></p>" if also else ""
    return (f"<h3>KlyngeDesk {__version__}</h3>"
            f"<p>{tr('The quality-cluster coordinator desk: import, collate, anonymise, print. Offline.', lang)}</p>"
            f"<p><b>{tr('Built with', lang)}</b></p><table cellspacing='4'>{rows}</table>"
            f"{also_line}<p><small>{lgpl}</small></p>")


def show_about(parent: QWidget, lang: str) -> None:
    QMessageBox.about(parent, tr("About KlyngeDesk", lang), about_text(lang))
