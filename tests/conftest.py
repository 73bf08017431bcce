"""Shared fixtures: a demo project per test, isolated Qt settings, the path to shared test data."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# CI runs the property tests on a fixed sequence of examples, so a landing never depends on luck; on a
# developer's machine they keep exploring new examples (and remember failures in .hypothesis/).
# Health checks that time data generation are about the machine's load, not the code: a busy CI machine
# must not fail a property that holds.
settings.register_profile("ci", derandomize=True, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
# The real files written by others; KLYNGEDESK_TESTDATA points elsewhere when the checkout is not beside shared/.
EXTERNAL = Path(os.environ.get("KLYNGEDESK_TESTDATA", REPO.parent / "shared" / "testdata" / "external"))


@pytest.fixture(autouse=True)
def _danish_by_default():
    """Every test starts in Danish, whatever an earlier test (e.g. `--lang en`) chose."""
    from klyngedesk.i18n import set_language

    set_language("da")
    yield
    set_language("da")


@pytest.fixture(autouse=True)
def _no_log_file_carried_over():
    """A log file opened by one test (in its own tmp folder) is closed before the next test starts."""
    yield
    import logging

    logger = logging.getLogger("klyngedesk")
    for handler in list(logger.handlers):
        if isinstance(handler, logging.FileHandler):
            logger.removeHandler(handler)
            handler.close()


@pytest.fixture(autouse=True)
def _user_defaults_apart(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's defaults (core/settings.py) in a fresh folder per test, never the real ones."""
    from klyngedesk.core.settings import CONFIG_ENV

    folder = tmp_path_factory.mktemp("user-config")
    monkeypatch.setenv(CONFIG_ENV, str(folder))
    return folder


# Qt keeps these few top-level helpers for the whole application once used (tool tips, combo pop-ups).
_QT_OWN_TOP_LEVELS = {"QTipLabel", "QComboBoxPrivateContainer", "QMenu", "QWhatsThat", "QDesktopScreenWidget"}


@pytest.fixture(autouse=True)
def _no_leaked_windows(request):
    """Fail a test that leaves a top-level widget behind (as napari's fixtures do): a leaked window keeps
    its project, timers and threads alive into the next test. Runs only once Qt is in use."""
    widgets_module = sys.modules.get("PySide6.QtWidgets")
    app = widgets_module.QApplication.instance() if widgets_module else None
    before = {id(w) for w in app.topLevelWidgets()} if app else set()
    yield
    widgets_module = sys.modules.get("PySide6.QtWidgets")
    app = widgets_module.QApplication.instance() if widgets_module else None
    if app is None:
        return
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    leaked = [w for w in app.topLevelWidgets()
              if id(w) not in before and type(w).__name__ not in _QT_OWN_TOP_LEVELS and w.isVisible()]
    if leaked:
        names = ", ".join(f"{type(w).__name__}({w.objectName() or w.windowTitle()!r})" for w in leaked)
        for w in leaked:
            w.close()
            w.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        pytest.fail(f"{request.node.nodeid} left top-level widgets open: {names}. Close them (or register them "
                    "with qtbot.addWidget).", pytrace=False)


@pytest.fixture(autouse=True)
def _qt_translators_removed():
    """A test that installed our Qt translators (make_context) takes them out again while Python runs: left
    in the application, they are destroyed during the interpreter's exit and crash pytest after the summary
    (exit code 139 with every test passed), as they crashed the program before gui/app.py's tear-down."""
    yield
    app_module = sys.modules.get("klyngedesk.gui.app")
    if app_module is not None:
        app_module.remove_qt_translations()


@pytest.fixture(scope="session")
def _demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from klyngedesk.core.demo import build_demo

    return build_demo(tmp_path_factory.mktemp("demo-master") / "Demoklynge.klynge")


@pytest.fixture
def demo_path(_demo_master: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo cluster that the test may change."""
    target = tmp_path / "Demoklynge.klynge"
    shutil.copy(_demo_master, target)
    return target


@pytest.fixture(scope="session")
def _small_demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six demo clinics, the December meeting with one topic: a pack prints in a few seconds."""
    import dataclasses

    from klyngedesk.core.demo import build_demo
    from klyngedesk.core.store import Project

    path = build_demo(tmp_path_factory.mktemp("small-demo-master") / "Lilleklynge.klynge", clinics=6)
    with Project.open(path) as project:
        project.save_meeting(dataclasses.replace(project.meeting("2026-12"), topics=("kol",)))
    return path


@pytest.fixture
def small_demo(_small_demo_master: Path, tmp_path: Path):
    """A fresh, open copy of the small demo cluster (see _small_demo_master) that the test may change."""
    from klyngedesk.core.store import Project

    target = tmp_path / "Lilleklynge.klynge"
    shutil.copy(_small_demo_master, target)
    with Project.open(target) as project:
        yield project


@pytest.fixture
def demo_project(demo_path: Path):
    from klyngedesk.core.store import Project

    project = Project.open(demo_path)
    yield project
    project.close()


@pytest.fixture
def external() -> Path:
    if not EXTERNAL.is_dir():
        message = f"{EXTERNAL} not found: put shared/ beside the checkout or set KLYNGEDESK_TESTDATA"
        if os.environ.get("CI"):  # CI has shared/ beside the clone: a missing folder is a broken set-up
            pytest.fail(message)
        pytest.skip(message)
    return EXTERNAL


@pytest.fixture
def app_context(tmp_path: Path, qapp):
    """A GUI context with settings in a temporary ini file, never the user's real settings."""
    from PySide6.QtCore import QSettings

    from klyngedesk.gui.app import make_context

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    ctx = make_context(settings, lang="da")
    yield ctx
    ctx.holder.set_project(None)


NEW_ROUND = "2026H2"


@pytest.fixture
def import_window(qtbot, app_context, demo_path: Path):
    """The main window on the demo project, shown at 1200×800, with an empty new round 2026H2 to import into."""
    from datetime import date

    from klyngedesk.core.model import Period
    from klyngedesk.gui.main_window import MainWindow

    w = MainWindow(app_context)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    assert w.open_project(str(demo_path))
    w.ctx.holder.project.add_period(Period(NEW_ROUND, "2. halvår 2026", date(2026, 7, 1), date(2026, 12, 31)))
    return w


@pytest.fixture
def open_window(qtbot, app_context):
    """`open_window(path, size=(1200, 800))`: the main window on that project, at that size, with the keyboard
    (shortcuts only reach the active window), as a coordinator opens it."""
    from gui_user import show_active

    from klyngedesk.gui.main_window import MainWindow

    def open_(path: Path, size: tuple[int, int] = (1200, 800)) -> MainWindow:
        window = MainWindow(app_context)
        qtbot.addWidget(window)
        window.resize(*size)
        show_active(qtbot, window)
        assert window.open_project(str(path))
        return window

    return open_
