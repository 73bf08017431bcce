"""Matching a file's clinic to the cluster's clinics: yder number first, then name (fuzzy, confirmed)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from klyngedesk.core.ingest.context import squash
from klyngedesk.core.ingest.tables import fold
from klyngedesk.core.model import Clinic

FUZZY_MIN = 80


@dataclass(frozen=True)
class ClinicMatch:
    key: str | None
    exact: bool
    label: str  # what the file said (name or yder number)
    candidate_name: str | None = None
    candidates: tuple[str, ...] = ()  # a name as close to several clinics: their names (never one of them)
    conflict: tuple[str, str] | None = None  # (clinic of the yder number, other clinic the name is exactly)


def yder_index(clinics: list[Clinic]) -> dict[str, str]:
    return {yder_text(c.yder): c.key for c in clinics if c.yder}


def yder_text(value) -> str:
    """A yder number as digits without leading zeros (Excel often drops them)."""
    if isinstance(value, float):
        if not value.is_integer():
            return ""  # 25521.3 is no yder number (its digits are another clinic's)
        value = int(value)
    return re.sub(r"\D", "", str(value)).lstrip("0")


AMBIGUOUS_MARGIN = 10  # rapidfuzz points: a name scored this close to two clinics is not a match to either


def name_index(clinics: list[Clinic]) -> dict[str, str]:
    """Folded name (and key) -> clinic key, for exact name look-ups in one step (a region's file has thousands)."""
    out: dict[str, str] = {}
    for c in clinics:
        out.setdefault(squash(c.key), c.key)
    for c in clinics:
        out[squash(c.name)] = c.key  # a name wins over another clinic's key, as the first exact match did
    return out


def match_clinic(clinics: list[Clinic], yder=None, name=None, by_yder: dict[str, str] | None = None,
                 by_name: dict[str, str] | None = None) -> ClinicMatch:
    """The clinic by yder number, else by exact name, else the closest name awaiting confirmation.

    A yder number the cluster does not have is never matched by the name beside it (a region's file names
    other towns' 'Lægehuset Torvet' too); a yder number and a name that are two different clinics of the
    cluster are a conflict; a name as close to two clinics ('Torvet') matches neither."""
    exact_name = _exact_name(clinics, name, by_name)
    if yder not in (None, ""):
        digits = yder_text(yder)
        if by_yder is None:
            by_yder = yder_index(clinics)
        if digits and digits in by_yder:
            key = by_yder[digits]
            if exact_name is not None and exact_name != key:
                return ClinicMatch(None, False, digits, conflict=(key, exact_name))
            return ClinicMatch(key, True, digits)
        if digits:
            return ClinicMatch(None, False, digits)
    if name not in (None, ""):
        if exact_name is not None:
            return ClinicMatch(exact_name, True, str(name))
        from rapidfuzz import fuzz, process  # only for a name no clinic has exactly (keeps start-up short)

        wanted = _loose(str(name))
        digits = _digits(str(name))  # a house number in a name is never fuzzy: 'Nørregade 5' is not 'Nørregade 1'
        choices = {c.key: _loose(c.name) for c in clinics if _digits(c.name) == digits}
        names = {c.key: c.name for c in clinics}
        same = [k for k, v in choices.items() if v == wanted]
        if len(same) == 1:  # 'Laegehuset Norregade': the name with å, æ, ø written a, ae, o ...
            return ClinicMatch(same[0], False, str(name), names[same[0]])
        core, kind = _core(str(name))
        cores = [k for k in choices if _core(names[k])[0] == core]
        if len(cores) > 1:  # 'Torvet', 'Lægehuset Kirkebakken': what tells the clinics apart is not in it
            fitting = [k for k in cores if kind <= _core(names[k])[1]]
            if len(fitting) != 1:
                return ClinicMatch(None, False, str(name), candidates=tuple(names[k] for k in cores))
            cores = fitting  # 'LÆGEHUSET ROSENVÆNGET ApS': Lægehuset Rosenvænget, not Lægerne Rosenvænget
        if len(cores) == 1:  # 'Vestergade' for Lægehuset Vestergade, 'Klinikken Skovbrynet' for Lægerne ...
            return ClinicMatch(cores[0], False, str(name), names[cores[0]])
        best = process.extract(wanted, choices, scorer=fuzz.WRatio, score_cutoff=FUZZY_MIN, limit=3)
        if len(best) > 1 and best[0][1] - best[1][1] < AMBIGUOUS_MARGIN:
            close = tuple(names[b[2]] for b in best if best[0][1] - b[1] < AMBIGUOUS_MARGIN)
            return ClinicMatch(None, False, str(name), candidates=close)
        if best:
            key = best[0][2]
            return ClinicMatch(key, False, str(name), names[key])
        return ClinicMatch(None, False, str(name))
    label = yder_text(yder) if yder not in (None, "") else ""
    return ClinicMatch(None, False, label)


_LOOSE = (("ae", "a"), ("oe", "o"), ("aa", "a"))


@lru_cache(maxsize=65536)
def _loose(text: str) -> str:
    """A name compared without its Danish letters' spelling: æ/ae/a, ø/oe/o and å/aa/a all alike."""
    s = squash(text)
    for long, short in _LOOSE:
        s = s.replace(long, short)
    return s


# Words naming what kind of clinic it is, not which one ('Lægehuset', 'Lægerne', 'Klinik' ...), folded; and the
# company forms after a name ('ApS'), which tell nothing at all.
GENERIC_WORDS = {"laegehuset", "laegehus", "laegehusene", "laegerne", "laeger", "laege", "laegeklinikken",
                 "laegeklinik", "laegepraksis", "laegepraksissen", "laegecenter", "laegecentret", "laegecentre",
                 "klinikken", "klinik", "praksis", "praksissen", "sundhedshuset", "sundhedshus", "almen", "dr",
                 "og", "i", "v", "ved"}
COMPANY_WORDS = {"aps", "a/s", "as", "is", "i/s", "ivs"}


@lru_cache(maxsize=65536)
def _core(text: str) -> tuple[str, frozenset[str]]:
    """The part of a clinic's name that tells it from others, loosely spelled ('Lægehuset Torvet' -> 'torvet';
    the whole name when it is only such words), and the words for its kind ({'laegehuset'})."""
    words = [w for w in re.split(r"[^0-9a-z/]+", fold(text)) if w and w not in COMPANY_WORDS]
    kept = [w for w in words if w not in GENERIC_WORDS]
    return _loose(" ".join(kept or words)), frozenset(w for w in words if w in GENERIC_WORDS)


@lru_cache(maxsize=65536)
def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _exact_name(clinics: list[Clinic], name, by_name: dict[str, str] | None = None) -> str | None:
    """The clinic whose name (or key) the text is, compared folded (case, æøå or ae/oe/aa, spacing)."""
    if name in (None, ""):
        return None
    wanted = squash(str(name))
    if not wanted:
        return None
    if by_name is not None:
        return by_name.get(wanted)
    return next((c.key for c in clinics if wanted in (squash(c.name), squash(c.key))), None)
