"""A survey and its counts kept in the project (a cluster setting), so the result can be shown again later."""

from __future__ import annotations

from datetime import date

from klyngedesk.core.survey.model import Survey

SETTING = "topic_survey"


def save_survey(project, survey: Survey, counts: dict[str, list[int]], ballots: int) -> None:
    """Keep the latest survey, its votes per topic and priority, and how many ballots were counted."""
    project.set_setting(SETTING, {"survey": survey.to_dict(), "counts": {k: list(v) for k, v in counts.items()},
                                  "ballots": ballots, "saved": date.today().isoformat()})
    project.audit("survey_save", title=survey.title, ballots=ballots)


def load_survey(project) -> tuple[Survey, dict[str, list[int]], int] | None:
    """The kept survey, counts and ballot count; None when the project has none."""
    saved = project.setting(SETTING)
    if not saved:
        return None
    return Survey.from_dict(saved["survey"]), {k: list(v) for k, v in saved["counts"].items()}, int(saved["ballots"])
