"""The demo cluster and `klyngedesk demo` / `info`, as CLI.md promises."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from klyngedesk.cli.main import main
from klyngedesk.core.collate.inputs import indicator_inputs
from klyngedesk.core.demo import build_demo
from klyngedesk.core.store import Project


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "klyngedesk", *args], capture_output=True, text=True,
                          encoding="utf-8")


def test_demo_then_info_json(tmp_path: Path) -> None:
    path = tmp_path / "d.klynge"
    assert _cli("demo", str(path)).returncode == 0
    result = _cli("info", str(path), "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert set(info) >= {"cluster", "clinics", "periods", "topics", "meetings", "values"}
    assert len(info["clinics"]) >= 12 and len(info["periods"]) >= 2 and len(info["meetings"]) >= 1
    assert len(info["topics"]) >= 3 and all(t["indicators"] for t in info["topics"])
    clinic = info["clinics"][0]
    assert set(clinic) >= {"key", "name", "yder", "doctors", "address", "email"}
    assert {"key", "label", "start", "end"} <= set(info["periods"][0])
    assert info["values"] > 0
    units = {i["unit"] for t in info["topics"] for i in t["indicators"]}
    assert units <= {"per1000", "percent", "per_patient", "count"}


def test_demo_is_realistic(demo_project: Project) -> None:
    clinics = demo_project.clinics()
    assert 12 <= len(clinics) <= 16
    assert 30 <= sum(len(c.doctors) for c in clinics) <= 45
    assert len({c.yder for c in clinics}) == len(clinics)
    sizes = demo_project.list_sizes()
    assert sizes["patients"].min() < 1500 and sizes["patients"].max() > 8000
    values = demo_project.values()
    assert (values["value"] < 5).any(), "the demo needs some small counts to protect"
    meetings = demo_project.meetings()
    assert any(m.baseline_period for m in meetings)
    # One clinic changed a lot between the rounds.
    first, last = [p.key for p in demo_project.periods()][-2:]
    before = indicator_inputs(demo_project, "antibiotika", first).set_index(["indicator", "clinic"])["value"]
    after = indicator_inputs(demo_project, "antibiotika", last).set_index(["indicator", "clinic"])["value"]
    change = (after / before).loc["ab_pr1000"]
    assert change.min() < 0.65 and change.median() > 0.85


def test_demo_is_reproducible(tmp_path: Path) -> None:
    a, b = build_demo(tmp_path / "a.klynge"), build_demo(tmp_path / "b.klynge")
    with Project.open(a, readonly=True) as pa, Project.open(b, readonly=True) as pb:
        assert pa.values()["value"].tolist() == pb.values()["value"].tolist()
        assert [c.name for c in pa.clinics()] == [c.name for c in pb.clinics()]


def test_large_demo_for_benchmarks(tmp_path: Path) -> None:
    path = tmp_path / "big.klynge"
    assert main(["demo", str(path), "--clinics", "300", "--periods", "6"]) == 0
    with Project.open(path, readonly=True) as project:
        assert len(project.clinics()) == 300 and len(project.periods()) == 6
        assert len({c.name for c in project.clinics()}) == 300


def test_info_text_is_danish(demo_path: Path, capsys) -> None:
    assert main(["info", str(demo_path)]) == 0
    out = capsys.readouterr().out
    assert "Klinikker: 14" in out and "Fjordby Klynge" in out and "1. halvår 2026" in out


def test_exit_codes(tmp_path: Path) -> None:
    assert _cli("info", str(tmp_path / "missing.klynge")).returncode == 1
    assert _cli("no-such-command").returncode == 2
    refused = _cli("--lang", "en", "info", str(tmp_path / "missing.klynge"))
    assert "does not exist" in refused.stderr


def test_a_project_path_alone_opens_the_window(monkeypatch, demo_path: Path) -> None:
    """A double-clicked .klynge file (file association) reaches the window; commands stay commands."""
    import klyngedesk.gui.app as gui_app

    opened: list[tuple] = []
    monkeypatch.setattr(gui_app, "run_gui", lambda **kw: opened.append((kw["project"], kw["lang"])) or 0)
    assert main(["--lang", "en", str(demo_path)]) == 0
    assert opened == [(str(demo_path), "en")]
    assert main(["info", str(demo_path)]) == 0 and len(opened) == 1


def test_usage_errors_and_help_speak_danish_and_english_after_the_command(demo_path: Path) -> None:
    danish = _cli("info")
    assert danish.returncode == 2 and "fejl: disse argumenter skal angives: project" in danish.stderr
    assert "vis denne hjælp og afslut" in _cli("info", "--help").stdout
    english = _cli("info", str(demo_path / "missing.klynge"), "--lang", "en")  # --lang after the command
    assert english.returncode == 1 and "does not exist" in english.stderr


def test_output_cut_short_by_a_pipe_is_no_crash(tmp_path: Path) -> None:
    big = tmp_path / "big.klynge"
    assert main(["demo", str(big), "--clinics", "600", "--periods", "1"]) == 0  # JSON larger than a pipe buffer
    proc = subprocess.Popen([sys.executable, "-m", "klyngedesk", "info", str(big), "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.read(10)
    proc.stdout.close()  # like `| head -c 10`
    assert b"Traceback" not in proc.stderr.read()
    assert proc.wait() == 0


def test_no_screen_gives_a_message_not_a_crash(tmp_path: Path) -> None:
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY",
                                                                          "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "klyngedesk"], capture_output=True, text=True, env=env,
                            timeout=60)
    if sys.platform.startswith("linux"):
        assert result.returncode == 1 and "ikke fundet en skærm" in result.stderr
