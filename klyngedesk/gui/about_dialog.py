"""The About box: version and the components KlyngeDesk stands on."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from PySide6.QtWidgets import QMessageBox, QWidget

from klyngedesk import __version__
from klyngedesk.i18n import tr

COMPONENTS = [("PySide6-Essentials", "LGPL-3.0"), ("pandas", "BSD-3-Clause"), ("numpy", "BSD-3-Clause"),
              ("pyqtgraph", "MIT"), ("openpyxl", "MIT"), ("reportlab", "BSD"), ("python-calamine", "MIT"),
              ("defusedxml", "PSF-2.0"), ("python-stdnum", "LGPL-2.1+"), ("rapidfuzz", "MIT"),
              ("pikepdf", "MPL-2.0"), ("xlrd", "BSD"), ("odfpy", "Apache-2.0 / LGPL")]


def about_text(lang: str) -> str:
    rows = []
    for name, licence in COMPONENTS:
        try:
            rows.append(f"<tr><td>{name}</td><td>{version(name)}</td><td>{licence}</td></tr>")
        except PackageNotFoundError:
            continue
    return (f"<h3>KlyngeDesk {__version__}</h3>"
            f"<p>{tr('The quality-cluster coordinator desk: import, collate, anonymise, print. Offline.', lang)}</p>"
            f"<p><b>{tr('Built with', lang)}</b></p><table cellspacing='6'>{''.join(rows)}</table>")


def show_about(parent: QWidget, lang: str) -> None:
    QMessageBox.about(parent, tr("About KlyngeDesk", lang), about_text(lang))
