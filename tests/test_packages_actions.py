"""Actions between rounds: planned per clinic and indicator, edited, removed, and followed up."""

from __future__ import annotations

from datetime import date

import pytest

from klyngedesk.core.actions import follow_up, plan_action
from klyngedesk.core.model import NewValue, Period
from klyngedesk.core.store import Project
from klyngedesk.i18n import KlyngeError


def test_an_action_is_followed_until_new_data_covers_its_date(demo_project: Project) -> None:
    project = demo_project
    first = plan_action(project, "K03", "Gennemgå alle tramadol-recepter", indicator="tramadol_pr1000",
                        meeting="2026-03", remeasure_on=date(2026, 12, 31))
    plan_action(project, "K05", "Ring til kommunen om rehabilitering", indicator="kol_rehab_andel",
                remeasure_on=date(2027, 6, 30))
    plan_action(project, "K05", "Fælles telefonråd om røde øjne")
    items = follow_up(project, today=date(2027, 1, 15))
    assert [(f.clinic, f.status) for f in items] == [("K03", "due"), ("K05", "planned"), ("K05", "no_date")]
    assert items[0].indicator_title == "Tramadolbrugere pr. 1000 patienter" and items[0].topic == "smerter"
    assert items[0].clinic_name == project.clinic("K03").name

    project.add_period(Period("2026H2", "2. halvår 2026", date(2026, 7, 1), date(2026, 12, 31)))
    project.add_batch("ny.xlsx", "abc", [NewValue("K03", "tramadol_brugere", "2026H2", 40.0)])
    assert follow_up(project, today=date(2027, 1, 15), clinic="K03")[0].status == "measured"
    assert [f.clinic for f in follow_up(project, topic="kol")] == ["K05"]

    project.update_action(first, text="Gennemgå tramadol hos patienter over 75 år", remeasure_on=None)
    changed = follow_up(project, clinic="K03")[0]
    assert (changed.text, changed.remeasure_on, changed.status) == (
        "Gennemgå tramadol hos patienter over 75 år", None, "no_date")
    project.remove_action(first)
    assert follow_up(project, clinic="K03") == []


def test_an_action_needs_text_a_known_clinic_and_a_sensible_date(demo_project: Project) -> None:
    with pytest.raises(KlyngeError):
        plan_action(demo_project, "K03", "  ")
    with pytest.raises(KlyngeError, match="K99"):
        plan_action(demo_project, "K99", "x")
    with pytest.raises(KlyngeError):
        plan_action(demo_project, "K03", "x", meeting="2026-03", remeasure_on=date(2025, 1, 1))
    with pytest.raises(KlyngeError):
        demo_project.remove_action(12345)
