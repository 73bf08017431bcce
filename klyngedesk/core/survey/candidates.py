"""Candidate topics for a survey: the built-in packages, the project's own topics and free-text ideas."""

from __future__ import annotations

from collections.abc import Iterable

from klyngedesk.core.packages import builtin_packages
from klyngedesk.core.survey.model import Candidate, slug
from klyngedesk.i18n import KlyngeError


def candidate_topics(keys: Iterable[str] | None = None, *, project=None, extra: Iterable[str] = ()) -> list[Candidate]:
    """Candidates by topic key (built-in packages and the project's topics), or all built-ins when no keys are
    given, followed by free-text topics (their key is made from the title)."""
    known: dict[str, Candidate] = {}
    for p in builtin_packages():
        known[p["topic"]["key"]] = Candidate(p["topic"]["key"], p["topic"]["title"], p["topic"]["description"])
    if project is not None:
        for t in project.topics():
            known.setdefault(t.key, Candidate(t.key, t.title, t.description))
    chosen = list(keys) if keys is not None else sorted(known, key=lambda k: known[k].title.lower())
    out = []
    for key in chosen:
        if key not in known:
            raise KlyngeError("Unknown topic {key}.", key=key)
        out.append(known[key])
    for title in extra:
        title = title.strip()
        if title:
            out.append(Candidate(slug(title), title))
    return out
