"""Collating every round from one fetch gives exactly the tables collated round by round."""

from __future__ import annotations

import json

import pytest

from klyngedesk.core.collate import collate, collate_many
from klyngedesk.core.demo import build_demo
from klyngedesk.core.store import Project
from klyngedesk.i18n import KlyngeError


def _per_round(project: Project, rounds) -> dict:
    return {r: collate(project, *r) for r in rounds}


def _assert_same(many: dict, single: dict) -> None:
    assert list(many) == list(single)
    for key, table in single.items():
        assert many[key] == table, key
        assert json.dumps(many[key].to_json(), sort_keys=True) == json.dumps(table.to_json(), sort_keys=True)


def test_one_fetch_equals_per_round_on_the_demo(demo_project) -> None:
    periods = [p.key for p in demo_project.periods()]
    rounds = [(t.key, p, periods[i - 1] if i else None) for t in demo_project.topics() for i, p in enumerate(periods)]
    many = collate_many(demo_project)
    assert list(many) == rounds
    _assert_same(many, _per_round(demo_project, rounds))


def test_one_fetch_equals_per_round_with_notes_corrections_and_gaps(tmp_path) -> None:
    path = build_demo(tmp_path / "wide.klynge", clinics=40, periods=4, seed=7)
    with Project.open(path) as project:
        periods = [p.key for p in project.periods()]
        topics = project.topics()
        clinic = project.clinics()[3].key
        measure = topics[0].indicators[0].numerator
        project.correct_value(clinic, measure, periods[-1], None, "fejl i udtræk")
        project.correct_value(project.clinics()[5].key, measure, periods[1], 0.0, "ingen patienter")
        project.add_note("Ny læge i praksis", clinic=clinic, measure=measure, period=periods[-1])
        project.add_note("Ændret kodning i regionen", measure=measure)
        # Any baseline, not only the period before; a round asked for twice; the first period compared later.
        rounds = [(topics[0].key, periods[-1], periods[0]), (topics[-1].key, periods[0], periods[2]),
                  (topics[0].key, periods[-1], periods[0]), (topics[1].key, periods[2], None)]
        _assert_same(collate_many(project, rounds), _per_round(project, dict.fromkeys(rounds)))
        with pytest.raises(KlyngeError):
            collate_many(project, [(topics[0].key, "2099H9", None)])
        with pytest.raises(KlyngeError):
            collate_many(project, [("ingen_emne", periods[0], None)])
        with pytest.raises(KlyngeError):
            collate_many(project, [(topics[0].key, periods[0], periods[0])])
