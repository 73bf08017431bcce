"""Plain typed records of the cluster's world: clinics, periods, topics, indicators, meetings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

UNIT_DECIMALS = {"per1000": 1, "percent": 1, "per_patient": 2, "count": 0}  # the usual printed precision


def usual_decimals(value: float | None, unit: str) -> int:
    """The decimals a value of the unit is printed with, everywhere it is printed (the change sentence as
    the values beside it): fewer for large values (350, not the false precision 350,0)."""
    d = UNIT_DECIMALS.get(unit, 1)
    if unit != "percent" and value is not None and abs(value) >= 100:
        return 0
    if unit == "per_patient" and value is not None and abs(value) >= 10:
        return 1
    return d

Unit = Literal["per1000", "percent", "per_patient", "count"]
DenominatorKind = Literal["measure", "list_size", "none"]
Direction = Literal["max", "min"]
UNITS: tuple[str, ...] = ("per1000", "percent", "per_patient", "count")


@dataclass(frozen=True)
class Cluster:
    name: str
    municipality: str = ""
    region: str = ""
    settings: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Clinic:
    key: str
    name: str
    yder: str = ""
    address: str | None = None
    email: str | None = None
    ehr_system: str | None = None
    active_from: date | None = None
    active_to: date | None = None
    doctors: tuple[str, ...] = ()
    short_name: str = ""   # what the window shows instead of a long name ("Kort navn"); identifying too

    @property
    def shown_name(self) -> str:
        """The name the window shows: the short name when one is set, else the name."""
        return self.short_name.strip() or self.name


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Indicator:
    key: str
    title: str
    numerator: str
    denominator: str | None
    denominator_kind: DenominatorKind
    unit: Unit
    description: str = ""
    per_year: bool = False
    direction: Direction | None = None
    target_value: float | None = None
    target_source: str | None = None
    group_key: str | None = None


@dataclass(frozen=True)
class Topic:
    key: str
    title: str
    description: str = ""
    measures: tuple[Measure, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    package: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Speaker:
    name: str
    organisation: str = ""
    problem_statement: str = ""


@dataclass(frozen=True)
class Meeting:
    key: str
    date: date
    title: str
    time: str = ""
    place: str = ""
    agenda: tuple[str, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    questions: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    period: str | None = None
    baseline_period: str | None = None
    settings: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ReferenceValue:
    indicator: str
    scope: Literal["region", "national"]
    value: float
    source: str
    period: str | None = None
    recorded: str = ""


@dataclass(frozen=True)
class NewValue:
    """One value to store: clinic x measure x period, with where it came from."""

    clinic: str
    measure: str
    period: str
    value: float | None
    status: Literal["ok", "suppressed", "missing"] = "ok"
    source_text: str | None = None
    sheet: str | None = None
    row: int | None = None
    col: str | None = None
