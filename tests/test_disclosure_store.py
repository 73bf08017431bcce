"""What a printed pack showed the group is kept in the project file, per meeting and topic."""

from __future__ import annotations


def test_published_snapshots_are_kept_per_meeting_and_topic(demo_project) -> None:
    assert demo_project.published() == []
    demo_project.save_published("2026-03", "smerter", {"relations": [1]})
    demo_project.save_published("2026-03", "smerter", {"relations": [2]})  # printed again: replaced
    demo_project.save_published("2026-12", "kol", {"relations": [3]})
    kept = demo_project.published()
    assert [(p["meeting"], p["topic"], p["disclosure"]) for p in kept] == [
        ("2026-03", "smerter", {"relations": [2]}), ("2026-12", "kol", {"relations": [3]})]
    assert [p["meeting"] for p in demo_project.published(before="2026-12")] == ["2026-03"]
