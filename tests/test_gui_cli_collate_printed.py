"""`collate --anonymised` after the meeting's pack was printed: on the meeting's round and comparison it prints the
pack's own table (not audited again) and says so; on any other round or comparison, before a print, or once
anything changed since the print, it says why not in Danish on stderr, and the JSON on stdout stays clean."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from klyngedesk.cli import cmd_collate
from klyngedesk.cli.main import main
from klyngedesk.core.anonymise.printed_tables import printed_or_why
from klyngedesk.core.store import Project
from klyngedesk.i18n import set_language

MEETING, TOPIC = "2026-12", "kol"


@pytest.fixture(scope="module")
def _printed_master(_small_demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo with the December meeting's pack printed once (in Danish)."""
    from klyngedesk.core.render.pack import build_pack

    folder = tmp_path_factory.mktemp("printed-collate")
    path = folder / "Lilleklynge.klynge"
    shutil.copy(_small_demo_master, path)
    with Project.open(path) as project:
        build_pack(project, MEETING, folder / "pakker")
    return path


@pytest.fixture
def printed(_printed_master: Path, tmp_path: Path) -> Path:
    target = tmp_path / "Lilleklynge.klynge"
    shutil.copy(_printed_master, target)
    return target


@pytest.fixture
def audits(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The topics the command audited now (the real audit still runs)."""
    seen: list[str] = []
    real = cmd_collate.anonymised_table

    def counted(project, meeting, topic, **kw):
        seen.append(topic)
        return real(project, meeting, topic, **kw)

    monkeypatch.setattr(cmd_collate, "anonymised_table", counted)
    return seen


def _rounds(path: Path) -> tuple[str, str | None]:
    with Project.open(path, readonly=True) as project:
        m = project.meeting(MEETING)
        return m.period, m.baseline_period


def _run(capsys, path: Path, *extra: str, lang: str = "da") -> tuple[str, str]:
    try:
        assert main(["--lang", lang, "collate", str(path), "--topic", TOPIC, "--meeting", MEETING, "--anonymised",
                     *extra]) == 0
    finally:
        set_language("da")
    got = capsys.readouterr()
    return got.out, got.err


def test_the_meetings_round_and_comparison_print_the_printed_table(printed, capsys, audits) -> None:
    period, base = _rounds(printed)
    assert base
    out, err = _run(capsys, printed, "--period", period, "--compare", base, "--json")
    assert audits == []   # nothing audited: the pack's own table
    assert "udskrevne mødemateriale, præcis som den blev udskrevet" in err
    with Project.open(printed, readonly=True) as project:
        tables, why = printed_or_why(project, MEETING, "da")
    assert why == "" and tables is not None
    got, kept = json.loads(out), json.loads(json.dumps(next(t for t in tables if t.topic == TOPIC).to_json()))
    for data in (got, kept):   # (the English change sentence is put in English words by the command, as before)
        for ind in data["indicators"]:
            ind.get("sentence", {}).pop("en", None)
    assert got == kept
    text, err = _run(capsys, printed, "--period", period, "--compare", base)
    assert audits == [] and "udskrevne mødemateriale" in err and "—" in text and "udskrevne" not in text


def test_another_comparison_says_which_rounds_the_pack_shows(printed, capsys, audits) -> None:
    period, base = _rounds(printed)
    out, err = _run(capsys, printed, "--period", period, "--json")   # no --compare: not the pack's table
    assert audits == [TOPIC]
    assert "Ikke tabellen fra det udskrevne mødemateriale" in err and f"--period {period} --compare {base}" in err
    assert json.loads(out)["compare"] is None


def test_a_change_since_the_print_is_said_and_audited(printed, capsys, audits) -> None:
    period, base = _rounds(printed)
    with Project.open(printed) as project:
        frame = project.values(topic=TOPIC)
        row = frame[(frame.period == period) & (frame.value > 0)].iloc[0]
        project.correct_value(row.clinic, row.measure, row.period, row.value * 2 + 11, "rettet efter udskrivning")
    _out, err = _run(capsys, printed, "--period", period, "--compare", base)
    assert audits == [TOPIC]
    assert "Ændret siden mødematerialet blev udskrevet" in err and "værdier" in err
    # the CLI makes no slides: it says the table it prints is audited now
    assert "slides" not in err.lower() and "kontrolleres tabellen for anonymitet nu" in err, err


def test_another_language_than_the_print_is_said(printed, capsys, audits) -> None:
    period, base = _rounds(printed)
    _out, err = _run(capsys, printed, "--period", period, "--compare", base, lang="en")
    assert audits == [TOPIC] and "printed in another language" in err
    assert "slides" not in err.lower() and "The table is audited now" in err, err


def test_before_any_print_it_says_the_pack_is_not_printed(_small_demo_master, tmp_path, capsys, audits) -> None:
    path = tmp_path / "Lille.klynge"
    shutil.copy(_small_demo_master, path)
    with Project.open(path) as project:
        from klyngedesk.core.anonymise import draw_codes

        draw_codes(project, MEETING)
    period, base = _rounds(path)
    _out, err = _run(capsys, path, "--period", period, "--compare", base)
    assert audits == [TOPIC] and "ikke udskrevet endnu" in err
