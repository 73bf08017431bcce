"""Matching a file's clinic to the cluster's clinics: yder number first, then name (fuzzy, confirmed)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from klyngedesk.core.ingest.context import squash
from klyngedesk.core.model import Clinic

FUZZY_MIN = 80


@dataclass(frozen=True)
class ClinicMatch:
    key: str | None
    exact: bool
    label: str  # what the file said (name or yder number)
    candidate_name: str | None = None


def yder_index(clinics: list[Clinic]) -> dict[str, str]:
    return {yder_text(c.yder): c.key for c in clinics if c.yder}


def yder_text(value) -> str:
    """A yder number as digits without leading zeros (Excel often drops them)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\D", "", str(value)).lstrip("0")


def match_clinic(clinics: list[Clinic], yder=None, name=None, by_yder: dict[str, str] | None = None) -> ClinicMatch:
    """The clinic by yder number, else by exact name, else the closest name awaiting confirmation."""
    if yder not in (None, ""):
        digits = yder_text(yder)
        if by_yder is None:
            by_yder = yder_index(clinics)
        if digits and digits in by_yder:
            return ClinicMatch(by_yder[digits], True, digits)
    if name not in (None, ""):
        wanted = squash(str(name))
        for c in clinics:
            if wanted in (squash(c.name), squash(c.key)):
                return ClinicMatch(c.key, True, str(name))
        from rapidfuzz import fuzz, process  # only for a name no clinic has exactly (keeps start-up short)

        choices = {c.key: squash(c.name) for c in clinics}
        best = process.extractOne(wanted, choices, scorer=fuzz.WRatio, score_cutoff=FUZZY_MIN)
        if best is not None:
            key = best[2]
            return ClinicMatch(key, False, str(name), next(c.name for c in clinics if c.key == key))
        return ClinicMatch(None, False, str(name))
    label = yder_text(yder) if yder not in (None, "") else ""
    return ClinicMatch(None, False, label)
