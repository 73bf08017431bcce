"""Counting the survey: ballots and typed-in tallies become points (priority 1 of N gives N points) and a ranking."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from klyngedesk.core.survey.model import Ballot, RankedTopic, Survey
from klyngedesk.i18n import KlyngeError


def check_ballot(survey: Survey, ballot: Ballot) -> Ballot:
    """A ballot's priorities must be known topics, each priority 1..choices used at most once."""
    name = ballot.source or "?"
    if not ballot.priorities:
        raise KlyngeError("The ballot {file} is empty: no topic has a priority.", file=name)
    known = {c.key for c in survey.candidates}
    seen: dict[int, str] = {}
    for key, prio in ballot.priorities.items():
        if key not in known:
            raise KlyngeError("The ballot {file} names a topic that is not in the survey: {key}.", file=name, key=key)
        if not 1 <= prio <= survey.choices:
            raise KlyngeError("The ballot {file} gives {topic} the priority {priority}; use 1 to {n}.",
                              file=name, topic=survey.title_of(key), priority=prio, n=survey.choices)
        if prio in seen:
            raise KlyngeError("The ballot {file} gives priority {priority} to both {first} and {second}.",
                              file=name, priority=prio, first=survey.title_of(seen[prio]), second=survey.title_of(key))
        seen[prio] = key
    return ballot


def tally(survey: Survey, ballots: Iterable[Ballot] = (),
          typed: Mapping[str, Sequence[int]] | None = None) -> dict[str, list[int]]:
    """Votes per topic per priority: {key: [at priority 1, at 2, ...]}, from ballots plus typed-in counts."""
    counts = {c.key: [0] * survey.choices for c in survey.candidates}
    for ballot in ballots:
        for key, prio in check_ballot(survey, ballot).priorities.items():
            counts[key][prio - 1] += 1
    for key, numbers in (typed or {}).items():
        if key not in counts:
            raise KlyngeError("Unknown candidate topic {key}.", key=key)
        if len(numbers) > survey.choices or any(n < 0 for n in numbers):
            raise KlyngeError("The tally for {key} needs at most {n} counts of 0 or more.", key=key, n=survey.choices)
        for i, n in enumerate(numbers):
            counts[key][i] += int(n)
    return counts


def ranking(survey: Survey, counts: Mapping[str, Sequence[int]]) -> list[RankedTopic]:
    """Topics by points (priority p of N gives N + 1 - p points); ties share a place, then more first choices
    and the title decide the order on the list."""
    n = survey.choices
    rows = []
    for c in survey.candidates:
        by = tuple(int(v) for v in counts.get(c.key, [0] * n))
        points = sum(v * (n - i) for i, v in enumerate(by))
        rows.append((points, by, c))
    rows.sort(key=lambda r: (-r[0], tuple(-v for v in r[1]), r[2].title.lower()))
    out: list[RankedTopic] = []
    for i, (points, by, c) in enumerate(rows):
        place = out[-1].place if out and out[-1].points == points else i + 1
        out.append(RankedTopic(place, c.key, c.title, points, sum(by), by))
    return out


def parse_typed_tally(text: str) -> tuple[str, list[int]]:
    """'smerter=5,2,1' -> ('smerter', [5, 2, 1]): votes at priority 1, 2, 3."""
    key, sep, numbers = text.partition("=")
    try:
        if not sep or not key.strip():
            raise ValueError
        return key.strip(), [int(n) for n in numbers.replace(";", ",").split(",") if n.strip()]
    except ValueError:
        raise KlyngeError("Write a tally as topic=votes at priority 1,2,3 (e.g. smerter=5,2,1), not {text}.",
                          text=text) from None
