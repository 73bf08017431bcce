"""The anonymiser's rounds that rebuild only what a mend changed give exactly the packs of the full rebuild.

A round of mending hides a count, coarsens a rate or leaves intervals out: most indicators' rows, and their part
of the disclosure model, are as the round before. `build.REUSE` keeps them (`_table`'s `kept`,
`disclosure.Pieces`); False rebuilds everything every round (the anonymiser before it). On the demo (7, 20 and 60
clinics, three rounds so that trends are printed, one and two earlier packs, consents, list sizes in bands or
hidden), the unusual clusters of tests/pack_clusters.py and seeded random clusters, every topic of every meeting is
anonymised both ways against the same earlier packs: the printed tables (hence the hidden cells), the disclosure
models (every relation, target and printed value, in order) and the breaches left are equal, the reuse did take
rows and pieces from earlier rounds, and the full audit of the last pack with every earlier one finds nothing.
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from attacker import PERIODS, add_meeting, make_cluster
from pack_clusters import CLUSTERS, FOLLOW_UP, build_cluster
from test_audit_coalitions import _case

import klyngedesk.core.anonymise.build as build_module
import klyngedesk.core.anonymise.disclosure as disclosure_module
from klyngedesk.core.anonymise import draw_codes
from klyngedesk.core.anonymise.audit import audit
from klyngedesk.core.anonymise.build import anonymised_meeting, earlier_disclosures
from klyngedesk.core.anonymise.disclosure import Disclosure
from klyngedesk.core.demo import build_demo
from klyngedesk.core.store import Project

BASELINE = "2026-03"


@contextmanager
def _counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """How often an indicator's rows and its part of the model are made (what the reuse saves)."""
    made = {"rows": 0, "pieces": 0}
    rows, piece = build_module._indicator, disclosure_module._indicator

    def count_rows(*args, **kwargs):
        made["rows"] += 1
        return rows(*args, **kwargs)

    def count_piece(*args, **kwargs):
        made["pieces"] += 1
        return piece(*args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(build_module, "_indicator", count_rows)
        m.setattr(disclosure_module, "_indicator", count_piece)
        yield made


def _printed(results: list) -> list:
    """What a meeting's pack prints and keeps, per topic: the table, the hidden cells, the whole disclosure model
    (also what only the anonymiser reads of it) and the breaches left."""
    out = []
    for table, disclosure, left in results:
        hidden = sorted((rnd, i.key, r.code) for i in table.indicators for r in i.rows
                        for rnd, shown in (("cur", r.suppressed), ("base", r.baseline_suppressed)) if shown)
        out.append((json.dumps(table.to_json(), sort_keys=True), hidden,
                    json.dumps(disclosure.to_json(), sort_keys=True), sorted(disclosure.bounded_by.items()),
                    [(t.terms, t.owner) for t in disclosure.rate_only], disclosure.dropped,
                    [(b.target.terms, b.reader, b.meeting, b.low, b.high) for b in left]))
    return out


def _both_ways(project: Project, meetings: list[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, float]:
    """Every meeting in turn anonymised with and without the reuse against the same earlier packs (the reused one
    then kept as printed): equal packs. Returns how often rows and pieces were made each way, the breaches reported
    as the earlier packs' and, per meeting, the share of its counts hidden."""
    spent: dict[str, float] = {"rows": 0, "pieces": 0, "rows_full": 0, "pieces_full": 0, "reported": 0}
    for meeting in meetings:
        monkeypatch.setattr(build_module, "REUSE", True)
        with _counted(monkeypatch) as made:
            reused = anonymised_meeting(project, meeting)
        monkeypatch.setattr(build_module, "REUSE", False)
        with _counted(monkeypatch) as full:
            rebuilt = anonymised_meeting(project, meeting)
        monkeypatch.setattr(build_module, "REUSE", True)
        assert len(reused) == len(rebuilt)
        for topic, (a, b) in enumerate(zip(_printed(reused), _printed(rebuilt), strict=True)):
            for what, x, y in zip(("table", "hidden", "model", "bounded_by", "rate_only", "dropped", "breaches"),
                                  a, b, strict=True):
                assert x == y, f"{meeting} topic {topic}: {what} differs with the reuse"
        for (_, d1, _), (_, d2, _) in zip(reused, rebuilt, strict=True):
            assert d1 == d2
            assert d1.dropped == 0, "a relation of the model did not hold for the true counts"
        # the last pack and every earlier one together: no reader narrows anything but what the anonymiser
        # reports as given away by the earlier packs alone (which they do give away without this pack)
        earlier = earlier_disclosures(project, meeting)
        everything = {(b.target.terms, b.reader) for b in audit([*earlier, *(d for _, d, _ in reused)])}
        reported = {(b.target.terms, b.reader): b.target for _, _, left in reused for b in left}
        assert everything <= set(reported)
        spent["reported"] += len(reported)
        if reported:
            alone = Disclosure(meeting, "", reused[0][1].threshold, targets=list(reported.values()),
                               truth={k: v for _, d, _ in reused for k, v in d.truth.items()})
            given = {(b.target.terms, b.reader) for b in audit([*(dataclasses.replace(e, targets=[]) for e in earlier),
                                                                alone])}
            assert set(reported) <= given, "a breach left that the earlier packs alone do not cause"
        for (_, disclosure, _), topic in zip(reused, project.meeting(meeting).topics, strict=True):
            project.save_published(meeting, topic, disclosure.to_json())
        rows = [r for t, _, _ in reused for i in t.indicators for r in i.rows]
        spent[meeting] = sum(r.suppressed + r.baseline_suppressed for r in rows) / max(1, 2 * len(rows))
        spent["rows"] += made["rows"]
        spent["pieces"] += made["pieces"]
        spent["rows_full"] += full["rows"]
        spent["pieces_full"] += full["pieces"]
    return spent


def _three_meetings(path: Path, display: str) -> tuple[Project, list[str]]:
    """The demo with three rounds (a trend), a meeting on each: the last pack has two earlier ones; clinics named
    by consent in the first and the last."""
    project = Project.open(path)
    if display != "bands":
        project.set_setting("list_size_display", display)
    periods = [p.key for p in project.periods()]
    first = project.meeting(BASELINE)
    project.save_meeting(dataclasses.replace(first, key="2025-09", date=date(2025, 9, 4), period=periods[0]))
    draw_codes(project, "2025-09", rng=random.Random(3))
    project.save_meeting(dataclasses.replace(first, baseline_period=periods[0]))
    keys = sorted(c.key for c in project.clinics())
    project.set_consent("2025-09", keys[0], True, "Gav sig til kende på mødet")
    draw_codes(project, FOLLOW_UP, rng=random.Random(4))
    project.set_consent(FOLLOW_UP, keys[-1], True, "Gav sig til kende på mødet")
    return project, ["2025-09", BASELINE, FOLLOW_UP]


def _assert_reused(spent: dict[str, float]) -> None:
    assert spent["rows"] < spent["rows_full"], "no round took an indicator's rows from the round before"
    assert spent["pieces"] < spent["pieces_full"], "no round took a part of the model from the round before"


@pytest.mark.parametrize(("clinics", "display"), [(7, "bands"), (7, "hidden")])
def test_the_demo_with_two_earlier_packs_is_printed_the_same(clinics: int, display: str, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = build_demo(tmp_path / "d.klynge", clinics=clinics, periods=3, seed=clinics)
    project, meetings = _three_meetings(path, display)
    try:
        _assert_reused(_both_ways(project, meetings, monkeypatch))
    finally:
        project.close()


def test_counts_the_earlier_packs_already_give_away_are_reported_not_chased(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """20 clinics, three meetings: the first pack prints a clinic's rates (their counts not hidden, so not
    protected) narrowly enough that another clinic gets a count to +/-1; the next pack hides that count as its
    baseline. Nothing printed now protects it: it is reported as given away by the earlier pack (each such breach is
    one the earlier packs alone cause), not chased by hiding every count of the pack (as it was: all 280)."""
    path = build_demo(tmp_path / "d.klynge", clinics=20, periods=3, seed=20)
    project, meetings = _three_meetings(path, "bands")
    try:
        spent = _both_ways(project, meetings, monkeypatch)
        _assert_reused(spent)
        assert spent["reported"], "the case no longer has a count given away by the earlier pack"
        assert spent[meetings[1]] < 0.5
    finally:
        project.close()


@pytest.mark.parametrize("name", [n for n in CLUSTERS if not n.endswith("-en") and n != "sixty"])
def test_the_unusual_clusters_are_printed_the_same(name: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    with Project.open(build_cluster(tmp_path, name)) as project:
        draw_codes(project, FOLLOW_UP, rng=random.Random(2))
        drawn = set((project.draw(BASELINE) or {}).get("codes", {}))
        every = {c.key for c in project.clinics()} <= drawn   # a clinic that joined later has no code back then
        _both_ways(project, [BASELINE, FOLLOW_UP] if every else [FOLLOW_UP], monkeypatch)


@pytest.mark.parametrize("seed", [1, 2, 3, 5, 9, 13, 21])
def test_seeded_random_clusters_are_printed_the_same(seed: int, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Small counts, thresholds of 5 or 10, list sizes in bands or hidden, one to four topics, two meetings."""
    case = _case(seed)
    made = make_cluster(tmp_path / "c.klynge", case["topic"], case["sizes"], case["counts"], case["missing"],
                        case["threshold"], case["display"], case["over"], frozenset(), case["extra"])
    project = made.project
    try:
        topics = (case["topic"], *case["extra"])
        for r in range(2):
            add_meeting(project, f"m{r}", date(2026, 1 + r, 1), topics, PERIODS[r].key,
                        PERIODS[r - 1].key if r else None)
            draw_codes(project, f"m{r}", rng=random.Random(r))
        _both_ways(project, ["m0", "m1"], monkeypatch)
    finally:
        project.close()
