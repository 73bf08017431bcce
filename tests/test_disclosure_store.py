"""What a printed pack showed the group is kept in the project file: every print of every meeting, per topic."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from klyngedesk.core.store import Project
from klyngedesk.core.store.connection import APPLICATION_ID
from klyngedesk.core.store.schema import LATEST_VERSION, MIGRATIONS


def test_every_print_is_kept_and_an_unchanged_one_adds_nothing(demo_project) -> None:
    assert demo_project.published() == []
    assert demo_project.save_published("2026-03", "smerter", {"relations": [1]})
    assert demo_project.save_published("2026-03", "smerter", {"relations": [2]})   # printed again: both kept
    assert not demo_project.save_published("2026-03", "smerter", {"relations": [2]})   # the same again: nothing new
    assert demo_project.save_print("2026-12", [("kol", {"relations": [3]}), ("smerter", {"relations": [4]})])
    kept = demo_project.published()
    assert [(p["meeting"], p["topic"], p["disclosure"]) for p in kept] == [
        ("2026-03", "smerter", {"relations": [1]}), ("2026-03", "smerter", {"relations": [2]}),
        ("2026-12", "kol", {"relations": [3]}), ("2026-12", "smerter", {"relations": [4]})]
    assert len({p["print"] for p in kept}) == 3 and kept[2]["print"] == kept[3]["print"]
    assert [p["disclosure"] for p in demo_project.published(without_latest="2026-03")][0] == {"relations": [1]}
    assert len(demo_project.published(without_latest="2026-03")) == 3
    assert demo_project.latest_print("2026-03") == {"smerter": {"relations": [2]}}
    assert demo_project.latest_print("2026-12") == {"kol": {"relations": [3]}, "smerter": {"relations": [4]}}


def test_a_file_from_version_6_keeps_its_prints_and_then_keeps_every_reprint(tmp_path: Path) -> None:
    """A project file made before every print was kept: its one print per meeting and topic survives, and the
    next print of the same meeting is kept beside it, not in its place."""
    path = tmp_path / "v6.klynge"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.executescript("".join(MIGRATIONS[:6]) + "\nPRAGMA user_version = 6;")
    conn.execute("INSERT INTO cluster(id, name) VALUES (1, 'Gammel klynge')")
    conn.execute("INSERT INTO meetings(key, date, title) VALUES ('m1', '2026-03-01', 'Møde 1')")
    conn.execute("INSERT INTO meetings(key, date, title) VALUES ('m2', '2026-09-01', 'Møde 2')")
    for meeting, topic, text in ((1, "kol", '{"relations": [1]}'), (1, "smerter", '{"relations": [2]}'),
                                 (2, "kol", '{"relations": [3]}')):
        conn.execute("INSERT INTO published(meeting_id, topic, printed_at, disclosure_json) VALUES (?, ?, ?, ?)",
                     (meeting, topic, "2026-03-01T10:00:00", text))
    conn.commit()
    conn.close()
    with Project.open(path) as project:
        assert project.schema_version() == LATEST_VERSION >= 7
        assert [(p["meeting"], p["topic"], p["disclosure"]) for p in project.published()] == [
            ("m1", "kol", {"relations": [1]}), ("m1", "smerter", {"relations": [2]}), ("m2", "kol", {"relations": [3]})]
        assert project.latest_print("m1") == {"kol": {"relations": [1]}, "smerter": {"relations": [2]}}
        assert not project.save_print("m1", [("kol", {"relations": [1]}), ("smerter", {"relations": [2]})])
        assert project.save_print("m1", [("kol", {"relations": [5]}), ("smerter", {"relations": [2]})])
        assert [p["disclosure"] for p in project.published() if p["meeting"] == "m1"] == [
            {"relations": [1]}, {"relations": [2]}, {"relations": [5]}, {"relations": [2]}]
    with Project.open(path) as project:
        assert len(project.published()) == 5 and project.latest_print("m1")["kol"] == {"relations": [5]}
