"""The topic survey's records: the survey (candidate topics, how many priorities), ballots, tallies, ranking."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from klyngedesk.i18n import KlyngeError


@dataclass(frozen=True)
class Candidate:
    key: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Survey:
    """What the members are asked: rank up to `choices` of the candidate topics (1 = most wanted)."""

    title: str
    candidates: tuple[Candidate, ...]
    choices: int = 3
    cluster: str = ""
    deadline: str = ""
    survey_id: str = field(default_factory=lambda: secrets.token_hex(4))

    def __post_init__(self) -> None:
        if not self.candidates:
            raise KlyngeError("A survey needs at least one candidate topic.")
        keys = [c.key for c in self.candidates]
        if len(set(keys)) != len(keys):
            raise KlyngeError("The candidate topic {key} appears twice.", key=next(k for k in keys if keys.count(k) > 1))
        if not 1 <= self.choices <= len(self.candidates):
            raise KlyngeError("Each member can rank between 1 and {n} topics, not {choices}.",
                              n=len(self.candidates), choices=self.choices)

    def title_of(self, key: str) -> str:
        return next((c.title for c in self.candidates if c.key == key), key)

    def to_dict(self) -> dict:
        return {"title": self.title, "cluster": self.cluster, "deadline": self.deadline, "choices": self.choices,
                "survey_id": self.survey_id,
                "candidates": [{"key": c.key, "title": c.title, "description": c.description} for c in self.candidates]}

    @classmethod
    def from_dict(cls, d: dict) -> Survey:
        return cls(d["title"], tuple(Candidate(**c) for c in d["candidates"]), int(d.get("choices", 3)),
                   d.get("cluster", ""), d.get("deadline", ""), d.get("survey_id") or secrets.token_hex(4))


@dataclass(frozen=True)
class Ballot:
    """One member's answer: topic key -> priority (1 = most wanted)."""

    priorities: dict[str, int]
    source: str = ""


@dataclass(frozen=True)
class RankedTopic:
    place: int
    key: str
    title: str
    points: int
    votes: int  # how many ballots named the topic at all
    by_priority: tuple[int, ...]  # votes at priority 1, 2, ...

    def to_dict(self) -> dict:
        return {"place": self.place, "key": self.key, "title": self.title, "points": self.points,
                "votes": self.votes, "first_choices": self.by_priority[0] if self.by_priority else 0,
                "by_priority": list(self.by_priority)}


def slug(title: str) -> str:
    """A key for a free-text candidate topic: 'Søvn og sovemidler' -> 'soevn_og_sovemidler'."""
    text = title.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_") or "emne"
