"""Actions between rounds: what a clinic plans per indicator and when to measure again; the follow-up list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from klyngedesk.i18n import KlyngeError

STATUSES = ("no_date", "planned", "due", "measured")


@dataclass(frozen=True)
class FollowUp:
    """One planned action as the follow-up view shows it."""

    id: int
    clinic: str
    clinic_name: str
    text: str
    indicator: str | None
    indicator_title: str | None
    topic: str | None
    meeting: str | None
    remeasure_on: date | None
    status: str  # no_date | planned (date ahead) | due (date passed, no new data) | measured (data covers the date)


def plan_action(project, clinic: str, text: str, *, indicator: str | None = None, meeting: str | None = None,
                remeasure_on: date | None = None) -> int:
    """Record a clinic's planned action; the re-measure date may not lie before the meeting it came from."""
    if not text.strip():
        raise KlyngeError("Describe the planned action.")
    project.clinic(clinic)
    if meeting and remeasure_on and remeasure_on < project.meeting(meeting).date:
        raise KlyngeError("The date to measure again ({date}) lies before the meeting.", date=remeasure_on.isoformat())
    action_id = project.add_action(clinic, text.strip(), indicator=indicator, meeting=meeting,
                                   remeasure_on=remeasure_on)
    project.audit("action_add", clinic=clinic, indicator=indicator, meeting=meeting)
    return action_id


def follow_up(project, *, today: date | None = None, clinic: str | None = None,
              topic: str | None = None) -> list[FollowUp]:
    """Every planned action with its status on `today`, soonest re-measure date first."""
    today = today or date.today()
    indicators = {i.key: (i, t.key) for t in project.topics() for i in t.indicators}
    names = {c.key: c.name for c in project.clinics()}
    ends = {p.key: p.end for p in project.periods()}
    values = project.values()
    covered: dict[tuple[str, str | None], date] = {}  # (clinic, measure or None) -> latest period end with data
    for row in values[values["status"] != "missing"].itertuples():
        for key in ((row.clinic, row.measure), (row.clinic, None)):
            covered[key] = max(covered.get(key, date.min), ends[row.period])
    out = []
    for a in project.actions(clinic):
        ind, ind_topic = indicators.get(a["indicator"], (None, None))
        if topic and ind_topic != topic:
            continue
        when = date.fromisoformat(a["remeasure_on"]) if a["remeasure_on"] else None
        latest = covered.get((a["clinic"], ind.numerator if ind else None), date.min)
        status = ("no_date" if when is None else "measured" if latest >= when else
                  "planned" if when > today else "due")
        out.append(FollowUp(a["id"], a["clinic"], names.get(a["clinic"], a["clinic"]), a["text"], a["indicator"],
                            ind.title if ind else None, ind_topic, a["meeting"], when, status))
    return sorted(out, key=lambda f: (f.remeasure_on or date.max, f.clinic_name.casefold(), f.id))
