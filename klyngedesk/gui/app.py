"""Starts the Qt application: settings, language, the main window, and the Danish error dialog."""

from __future__ import annotations

import gc
import sys

import shiboken6
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, Qt, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from klyngedesk.gui.context import AppContext
from klyngedesk.gui.error_dialog import install_excepthook, setup_logging
from klyngedesk.gui.main_window import MainWindow
from klyngedesk.i18n import LANGUAGES, set_language
from klyngedesk.resources import resource_path


def make_context(settings: QSettings | None = None, lang: str | None = None) -> AppContext:
    settings = settings or QSettings("KlyngeDesk", "KlyngeDesk")
    chosen = lang or str(settings.value("language", "da"))
    chosen = chosen if chosen in LANGUAGES else "da"
    set_language(chosen)
    install_qt_translations(chosen)
    return AppContext(settings=settings, lang=chosen)


_translators: list[QTranslator] = []


def install_qt_translations(lang: str) -> None:
    """Qt's own texts (OK, Cancel, Next >, date pickers) in the chosen language, numbers in its locale."""
    app = QCoreApplication.instance()
    if app is None:
        return
    remove_qt_translations()
    QLocale.setDefault(QLocale("da_DK" if lang == "da" else "en_DK"))
    if lang == "en":
        return
    translator = QTranslator()
    if translator.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
        _translators.append(translator)
        fallback = MnemonicFallback(translator)  # asked first: Qt uses the translator installed last
        app.installTranslator(fallback)
        _translators.append(fallback)


def remove_qt_translations() -> None:
    """Take our translators out of the application while Python still runs: removing one sends a language
    change that calls `MnemonicFallback.translate`, which must not happen during the interpreter's exit."""
    app = QCoreApplication.instance()
    if app is not None:
        for old in reversed(_translators):
            app.removeTranslator(old)
    _translators.clear()


class MnemonicFallback(QTranslator):
    """Qt's Danish catalog lacks some texts in their keyboard-shortcut form ("&Look in:", "Files of &type:")
    though it has them without the "&": use that translation, with the shortcut on its first letter."""

    def __init__(self, base: QTranslator) -> None:
        super().__init__()
        self.base = base

    def isEmpty(self) -> bool:  # noqa: N802 - Qt name
        return False

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str | None:
        # None (a null string) lets Qt go on to the next translator; "" would blank the text.
        found = self.base.translate(context, source, disambiguation, n)
        if found or "&" not in source:
            return found or None
        plain = self.base.translate(context, source.replace("&", ""), disambiguation, n)
        return f"&{plain}" if plain else None


def run_gui(project: str | None = None, demo: bool = False, lang: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("KlyngeDesk")
    app.setOrganizationName("KlyngeDesk")
    app.setWindowIcon(QIcon(str(resource_path("icons", "klyngedesk-256.png"))))
    app.setDesktopFileName("klyngedesk")  # Linux: matches installers/linux/klyngedesk.desktop
    app.setAttribute(Qt.ApplicationAttribute.AA_DontShowIconsInMenus, False)
    ctx = make_context(lang=lang)
    setup_logging()
    install_excepthook(ctx.lang)
    window = MainWindow(ctx)
    window.show()
    if demo:
        window.open_demo()
    elif project:
        window.open_project(project)
    code = app.exec()
    _tear_down(app, window)
    return code


def _tear_down(app: QApplication, window: MainWindow) -> None:
    """Destroy the window and its workers while Qt is still whole: left to the interpreter's exit, Python
    frees Qt objects in no particular order and the process can crash after a clean quit."""
    for runner in (window.runner, window.reader):
        runner.cancel_all()
        runner.wait(30000)
    window.ctx.holder.set_project(None)  # kept open by the window's close while a worker still wrote to it
    shiboken6.delete(window)
    app.processEvents()
    remove_qt_translations()
    gc.collect()
