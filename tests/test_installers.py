"""Installers: the bundle spec, the Windows installer script, the icons, the selftest, the Linux bundle."""

from __future__ import annotations

import ast
import configparser
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
INSTALLERS = REPO / "installers"
ICONS = REPO / "resources" / "icons"
SPEC = INSTALLERS / "klyngedesk.spec"
ISS = INSTALLERS / "windows" / "klyngedesk.iss"


def _spec_constant(name: str) -> list[str]:
    for node in ast.parse(SPEC.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not found in {SPEC}")


def _spec_call_keywords(function: str) -> dict[str, str]:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == function:
            return {k.arg: ast.unparse(k.value) for k in node.keywords if k.arg}
    raise AssertionError(f"{function}(...) not found in {SPEC}")


def test_spec_parses_and_excludes_the_unused_qt_modules() -> None:
    excluded = _spec_constant("EXCLUDED_QT_MODULES")
    for module in ("QtNetwork", "QtWebEngineCore", "QtWebEngineWidgets", "QtQml", "QtQuick", "QtDesigner"):
        assert f"PySide6.{module}" in excluded
    analysis = _spec_call_keywords("Analysis")
    assert "EXCLUDED_QT_MODULES" in analysis["excludes"]
    assert "collect_submodules('klyngedesk')" in ast.unparse(ast.parse(SPEC.read_text(encoding="utf-8")))
    # One folder, not one file: the executables leave their libraries to COLLECT.
    assert _spec_call_keywords("EXE")["exclude_binaries"] == "True"
    assert "COLLECT(" in SPEC.read_text(encoding="utf-8")
    # Data files inside the package (precomputed tables) travel with it.
    assert "collect_data_files('klyngedesk')" in ast.unparse(ast.parse(SPEC.read_text(encoding="utf-8")))
    # The whole resources folder goes where klyngedesk/resources.py looks in a frozen program.
    assert "(str(ROOT / 'resources'), 'klyngedesk/resources')" in ast.unparse(ast.parse(SPEC.read_text(encoding="utf-8")))


def test_the_program_never_imports_a_qt_module_the_bundle_leaves_out() -> None:
    """A new `from PySide6 import QtNetwork` would work from pip but crash the installed program."""
    excluded = {m.split(".", 1)[1] for m in _spec_constant("EXCLUDED_QT_MODULES")}
    offenders = []
    for path in (REPO / "klyngedesk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            offenders += [f"{path.relative_to(REPO)}: {n}" for n in names
                          if n.startswith("PySide6.") and n.split(".")[1] in excluded]
    assert not offenders, offenders


def test_pyinstaller_is_a_build_extra_not_a_runtime_dependency() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert any(d.lower().startswith("pyinstaller") for d in project["optional-dependencies"]["installer"])
    assert not any(d.lower().startswith("pyinstaller") for d in project["dependencies"])


def _iss_sections() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in ISS.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(";") or line.startswith("#"):
            continue
        if re.fullmatch(r"\[\w+\]", line):
            current = line[1:-1].lower()
            sections.setdefault(current, [])
        else:
            sections.setdefault(current, []).append(line)
    return sections


def test_windows_installer_installs_without_admin_and_lets_it_install_for_everyone() -> None:
    setup = dict(line.split("=", 1) for line in _iss_sections()["setup"])
    assert setup["PrivilegesRequired"] == "lowest"
    assert "commandline" in setup["PrivilegesRequiredOverridesAllowed"].split()
    assert setup["DefaultDirName"].startswith("{autopf}")  # user folder per user, Program Files for all
    assert setup["ChangesAssociations"] == "yes"


def test_windows_installer_speaks_danish_and_english_and_registers_the_project_files() -> None:
    sections = _iss_sections()
    languages = " ".join(sections["languages"])
    assert "Danish.isl" in languages and "Default.isl" in languages
    assert sections["languages"][0].startswith('Name: "danish"')  # Danish first: the default
    registry = " ".join(sections["registry"])
    assert "Software\\Classes\\.klynge" in registry and "Root: HKA" in registry
    assert '""%1""' in registry  # the double-clicked file is passed to the program
    assert any("{autoprograms}" in line for line in sections["icons"])  # start-menu entry
    # Uninstall removes only what Setup installed: nothing deletes the user's projects.
    assert "uninstalldelete" not in sections


def test_linux_desktop_entry_and_file_type_agree() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment]
    entry.read(INSTALLERS / "linux" / "klyngedesk.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Exec"].endswith("%f") and desktop["Icon"] == "klyngedesk"
    mime = (INSTALLERS / "linux" / "klyngedesk-mime.xml").read_text(encoding="utf-8")
    assert desktop["MimeType"].rstrip(";") in mime and 'pattern="*.klynge"' in mime
    if shutil.which("desktop-file-validate"):  # the freedesktop checker, where installed
        check = subprocess.run(["desktop-file-validate", str(INSTALLERS / "linux" / "klyngedesk.desktop")],
                               capture_output=True, text=True)
        assert check.returncode == 0 and "error" not in check.stdout, check.stdout


@pytest.mark.parametrize("size", [16, 24, 32, 48, 64, 128, 256, 512, 1024])
def test_png_icons_have_their_sizes(size: int) -> None:
    from PIL import Image

    with Image.open(ICONS / f"klyngedesk-{size}.png") as image:
        assert image.size == (size, size) and image.mode == "RGBA"
        assert image.getpixel((0, 0))[3] == 0  # transparent corner: the rounded square shows


def test_windows_and_mac_icons_hold_every_size() -> None:
    from PIL import Image

    assert (ICONS / "klyngedesk.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    with Image.open(ICONS / "klyngedesk.ico") as ico:
        assert {16, 24, 32, 48, 256} <= {w for w, _ in ico.info["sizes"]}
    with Image.open(ICONS / "klyngedesk.icns") as icns:
        assert {16, 32, 128, 256, 512} <= {s[0] for s in icns.info["sizes"]}
        assert icns.size == (1024, 1024) or (512, 512, 2) in icns.info["sizes"]


def _klyngedesk_command() -> list[str]:
    script = Path(sys.executable).with_name("klyngedesk")
    return [str(script)] if script.exists() else [sys.executable, "-m", "klyngedesk"]


def test_selftest_prints_one_line_and_leaves_nothing_behind(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}
    work = tmp_path / "cwd"
    work.mkdir()
    result = subprocess.run(_klyngedesk_command() + ["--lang", "en", "--selftest"], cwd=work, env=env,
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and "selftest ok" in lines[0] and "demo" in lines[0], result.stdout
    assert list(work.iterdir()) == []


def test_a_failing_step_is_reported_on_one_line(monkeypatch, capsys) -> None:
    from klyngedesk.cli import selftest
    from klyngedesk.i18n import set_language

    def broken(folder: Path, project_path: Path) -> None:
        raise RuntimeError("first line\nsecond line")

    monkeypatch.setattr(selftest, "STEPS", [*selftest.STEPS, ("broken", broken)])
    set_language("en")
    try:
        assert selftest.run_selftest() == 1
    finally:
        set_language("da")
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "FAILED at broken: RuntimeError: first line second line" in out


def test_about_box_lists_every_runtime_dependency_with_a_licence() -> None:
    from importlib.metadata import requires

    from klyngedesk.gui.about_dialog import about_text, bundled_components

    direct, _indirect = bundled_components()
    names = {re.sub(r"[-_.]+", "-", name).lower() for name, _version, _licence in direct}
    wanted = {re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", r).group(0)).lower()
              for r in requires("klyngedesk") or [] if "extra" not in r}
    assert wanted <= names and {"python", "qt"} <= names
    unknown = [name for name, _version, licence in direct if not licence or licence == "?"]
    assert not unknown, f"add their licences to LICENCES in klyngedesk/gui/about_dialog.py: {unknown}"
    text = about_text("en")
    assert "pandas" in text and "LGPL-3.0" in text and "replaced" in text


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("KLYNGEDESK_BUILD_BUNDLE") != "1",
                    reason="builds the Linux bundle (about 1-3 minutes); set KLYNGEDESK_BUILD_BUNDLE=1")
@pytest.mark.timeout(1500)
def test_linux_bundle_builds_runs_its_selftest_and_installs_per_user(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build = subprocess.run(["bash", str(INSTALLERS / "build_linux.sh"), "--out", str(out)],
                           capture_output=True, text=True, timeout=1400)
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-4000:]
    tarballs = list(out.glob("klyngedesk-*-linux-*.tar.gz"))
    assert len(tarballs) == 1
    with tarfile.open(tarballs[0]) as tar:
        tar.extractall(tmp_path / "unpacked", filter="tar")
    folder = next((tmp_path / "unpacked").iterdir())
    home = tmp_path / "home"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}

    # Every committed data file of the package and every resource is in the bundle.
    committed = subprocess.run(["git", "-C", str(REPO), "ls-files", "klyngedesk", "resources"],
                               capture_output=True, text=True, check=True).stdout.split()
    expected = [Path("klyngedesk/resources") / Path(f).relative_to("resources") if f.startswith("resources/")
                else Path(f) for f in committed if not f.endswith(".py")]
    missing = [str(p) for p in expected if not (folder / "_internal" / p).is_file()]
    assert not missing, missing
    assert list((folder / "_internal").glob("_rl_accel*.so")), "reportlab's C accelerator is missing"

    selftest = subprocess.run([str(folder / "klyngedesk"), "--lang", "en", "--selftest"], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=240)
    assert selftest.returncode == 0 and "selftest ok" in selftest.stdout, selftest.stdout + selftest.stderr

    install = subprocess.run(["sh", str(folder / "install.sh")], env=env, capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    entry = (home / ".local/share/applications/klyngedesk.desktop").read_text(encoding="utf-8")
    assert f'Exec="{home}/.local/lib/klyngedesk/klyngedesk" %f' in entry
    assert (home / ".local/share/icons/hicolor/256x256/apps/klyngedesk.png").exists()
    installed = subprocess.run([str(home / ".local/bin/klyngedesk"), "--selftest"], env=env,
                               capture_output=True, text=True, timeout=240)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    project = home / "Dokumenter" / "Fjordby.klynge"
    project.parent.mkdir(parents=True)
    project.write_bytes(b"the coordinator's work")
    uninstall = subprocess.run(["sh", str(home / ".local/lib/klyngedesk/uninstall.sh")], env=env,
                               capture_output=True, text=True)
    assert uninstall.returncode == 0, uninstall.stderr
    assert not (home / ".local/lib/klyngedesk").exists() and not (home / ".local/bin/klyngedesk").exists()
    assert project.read_bytes() == b"the coordinator's work"
    shutil.rmtree(out, ignore_errors=True)
