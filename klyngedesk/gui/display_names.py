"""What the window shows instead of internal keys: clinic names and measure titles in messages and undo texts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from klyngedesk.core.ingest.problems import Problem
from klyngedesk.core.model import Indicator, Topic
from klyngedesk.core.packages import builtin_packages, indicator_text, measure_text, text_in, topic_title
from klyngedesk.core.store import Project

DATE_FORMAT = "dd.MM.yyyy"  # date fields in Danish: as core.formatting.format_short_date writes a date
_DATE_FORMATS = {"da": DATE_FORMAT, "en": "yyyy-MM-dd"}


def date_format(lang: str) -> str:
    """The display format of a date field: the way format_short_date writes a date in that language."""
    return _DATE_FORMATS.get(lang, DATE_FORMAT)


def topic_shown(topic: Topic, lang: str) -> str:
    """A topic's title in the window's language (the package's English title in English, when it has one)."""
    return topic_title(topic, lang)


def indicator_shown(topic: Topic, indicator: Indicator, lang: str) -> str:
    """An indicator's title in the window's language: the project's own title in Danish (the coordinator may
    have edited it), the package's English title in English when it has one."""
    return indicator_text(topic, indicator.key, "title", lang, indicator.title) if lang == "en" else indicator.title


def measure_shown(topic: Topic, key: str, title: str, lang: str) -> str:
    """A measure's title in the window's language, as indicator_shown does for an indicator."""
    return measure_text(topic, key, "title", lang, title) if lang == "en" else title


def candidate_shown(key: str, title: str, lang: str, project: Project | None = None) -> str:
    """A survey candidate's title in the window's language: a project topic as topic_shown gives it, a built-in
    package's topic in its own English title, a free-text candidate as the coordinator wrote it."""
    if lang != "en":
        return title
    for topic in project.topics() if project is not None else ():
        if topic.key == key:
            return topic_shown(topic, lang)
    for package in builtin_packages():
        head = package.get("topic", {})
        if head.get("key") == key:
            return text_in(head, "title", lang, title)
    return title


_CLI_HINT = re.compile(r"\s*\((?:on the command line|på kommandolinjen):[^)]*\)")


def window_text(text: str) -> str:
    """A core message as the window shows it: without the hint for command-line users."""
    return _CLI_HINT.sub("", text)


@dataclass(frozen=True)
class DisplayNames:
    clinics: dict[str, str] = field(default_factory=dict)  # key -> the name the window shows (short name first)
    measures: dict[str, str] = field(default_factory=dict)  # key -> title
    full: dict[str, str] = field(default_factory=dict)      # key -> the clinic's whole name (for tooltips)

    @classmethod
    def of(cls, project: Project | None) -> DisplayNames:
        if project is None:
            return cls()
        clinics = project.clinics()
        return cls({c.key: c.shown_name for c in clinics},
                   {m.key: m.title for t in project.topics() for m in t.measures},
                   {c.key: c.name for c in clinics})

    def clinic(self, key: str) -> str:
        return self.clinics.get(key, key)

    def clinic_tooltip(self, key: str) -> str:
        """The whole name, shown when the pointer rests on a (short or elided) clinic name."""
        return self.full.get(key, self.clinic(key))

    def measure(self, key: str) -> str:
        return self.measures.get(key, key)

    def params(self, params: dict[str, Any]) -> dict[str, Any]:
        """Message parameters with clinic and measure keys replaced by what the user knows them as."""
        shown = dict(params)
        for name, value in params.items():
            if not isinstance(value, str):
                continue
            if name in ("clinic", "key") and value in self.clinics:
                shown[name] = self.clinics[value]
            elif name in ("measure", "numerator", "denominator") and value in self.measures:
                shown[name] = self.measures[value]
        return shown

    def problem(self, problem: Problem) -> Problem:
        return replace(problem, params=self.params(problem.params))

    def problem_text(self, problem: Problem, lang: str) -> str:
        return window_text(self.problem(problem).message(None, lang))
