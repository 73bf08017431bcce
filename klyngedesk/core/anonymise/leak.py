"""The leak check: scans text meant for group use for any identity string of the cluster's clinics."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from klyngedesk.core.model import Clinic
from klyngedesk.core.store import Project
from klyngedesk.i18n import KlyngeError

# Words in clinic names that identify nobody on their own (a name's other words are "distinctive").
GENERIC_WORDS = frozenset({
    "læge", "læger", "lægerne", "lægehus", "lægehuset", "lægeklinik", "lægeklinikken", "lægecenter",
    "lægecentret", "lægecentre", "lægepraksis", "lægepraksissen", "praksis", "praksissen", "klinik",
    "klinikken", "klinikker", "sundhedshus", "sundhedshuset", "center", "centret", "centeret", "huset",
    "almen", "almenpraksis", "medicin", "familielæge", "familielægerne", "doctors", "clinic", "practice",
    "medical", "centre", "group", "gruppe", "gruppen", "and", "the", "og", "ved", "på", "i", "v",
})
_DIGIT_SEPARATORS = re.compile(r"(?<=\d)[.\s\u00a0\u202f-](?=\d)")
_WHITESPACE = re.compile(r"\s+")
_WORD_CHAR = re.compile(r"\w")


class IdentityLeak(KlyngeError):
    """Group material contains an identity string of a clinic that did not consent: never print it."""


@dataclass(frozen=True)
class Leak:
    kind: str        # "name" | "name_word" | "yder" | "doctor" | "address" | "email" | "ehr"
    clinic: str      # clinic key (for the coordinator's eyes only)
    found: str


def _norm(text: str) -> str:
    """NFC, case-folded, every run of whitespace (line breaks, tabs, non-breaking spaces) as one space."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text).casefold())


def distinctive_words(name: str) -> list[str]:
    """The words of a clinic name that point to that clinic (not 'Lægehuset', 'og', numbers...)."""
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", unicodedata.normalize("NFC", name))
    return [w for w in words if len(w) >= 4 and _norm(w) not in GENERIC_WORDS]


def identity_strings(clinic: Clinic, consented: bool = False) -> list[tuple[str, str]]:
    """(kind, string) pairs that must not appear in group material for this clinic.

    A consenting clinic may be shown by name (and its doctors and EHR system may be mentioned), but its
    yder number, address and e-mail are never group material.
    """
    out: list[tuple[str, str]] = []
    if not consented:
        out.append(("name", clinic.name))
        out += [("name_word", w) for w in distinctive_words(clinic.name)]
        out += [("doctor", d) for d in clinic.doctors if d.strip()]
        if clinic.ehr_system:
            out.append(("ehr", clinic.ehr_system))
    if clinic.yder:
        out.append(("yder", clinic.yder))
    if clinic.address:
        out.append(("address", clinic.address))
        street = clinic.address.split(",")[0].strip()
        if street and street != clinic.address:
            out.append(("address", street))
    if clinic.email:
        out.append(("email", clinic.email))
        domain = clinic.email.rsplit("@", 1)[-1]
        if "." in domain and not domain.endswith(("gmail.com", "hotmail.com", "outlook.com")):
            out.append(("email", domain))
    return [(k, s.strip()) for k, s in out if s and s.strip()]


@lru_cache(maxsize=64)
def _scanner(strings: tuple[str, ...]) -> tuple[re.Pattern[str] | None, dict[str, tuple[str, ...]]]:
    """One pattern for all `strings` (normalised): at every position where one of them starts as whole
    words, it captures the longest. With it, each string's whole-word prefixes among `strings` (itself
    included): they occur at the same position. Cached, so checkers over the same clinics share one
    compiled pattern (the group checks of a meeting, the anonymised table of each topic)."""
    if not strings:
        return None, {}
    body = "|".join(re.escape(s) for s in sorted(strings, key=lambda s: (-len(s), s)))
    present = set(strings)
    prefixes = {s: tuple(s[:n] for n in range(1, len(s) + 1)
                         if s[:n] in present and (n == len(s) or not _WORD_CHAR.match(s[n]))) for s in strings}
    return re.compile(rf"(?<!\w)(?=({body})(?!\w))"), prefixes


def _spans(pattern: re.Pattern[str] | None, text: str) -> list[tuple[int, str]]:
    """(start, longest string) at every position where one of the pattern's strings occurs as whole words."""
    return [(m.start(), m.group(1)) for m in pattern.finditer(text)] if pattern is not None else []


class LeakChecker:
    """Identity strings of a set of clinics in one compiled pattern; `find(text)` lists every hit.

    Text and strings are compared case-folded with any run of whitespace as one space, so a name wrapped
    over two lines is found, and so is an allowed (consenting) name: a hit is forgiven only when it lies
    wholly inside an allowed name, never when it reaches beyond it.
    """

    def __init__(self, clinics: Iterable[Clinic], consenting: Iterable[str] = (), allowed: Iterable[str] = (),
                 common_words: Iterable[str] = ()) -> None:
        """`common_words`: words that identify no clinic here (e.g. the town in the cluster's name)."""
        consenting = set(consenting)
        common = {_norm(w) for w in common_words}
        clinics = list(clinics)
        allowed_names = {_norm(a).strip() for a in allowed if a} | {_norm(c.name).strip() for c in clinics
                                                                     if c.key in consenting}
        self._allowed = _scanner(tuple(sorted(a for a in allowed_names if a)))[0]
        owners: dict[str, list[Leak]] = {}
        for clinic in clinics:
            for kind, text in identity_strings(clinic, clinic.key in consenting):
                norm = _norm(text).strip()
                if kind == "name_word" and norm in common:
                    continue
                owners.setdefault(norm, []).append(Leak(kind, clinic.key, text))
        self._owners = owners
        self._scan, self._prefixes = _scanner(tuple(sorted(owners)))
        self._yder = _scanner(tuple(sorted(s for s, hits in owners.items() if any(h.kind == "yder" for h in hits))))[0]

    def find(self, text: str) -> list[Leak]:
        if not text:
            return []
        norm = _norm(text)
        allowed = [(start, start + len(s)) for start, s in _spans(self._allowed, norm)]
        found: dict[Leak, None] = {}
        for start, longest in _spans(self._scan, norm):
            for string in self._prefixes[longest]:
                end = start + len(string)
                if not any(a <= start and end <= b for a, b in allowed):
                    found.update(dict.fromkeys(self._owners[string]))
        masked = norm
        for a, b in reversed(allowed):
            masked = masked[:a] + " " * (b - a) + masked[b:]
        for _, number in _spans(self._yder, _DIGIT_SEPARATORS.sub("", masked)):  # also "123.456", "123 456"
            found.update(dict.fromkeys(h for h in self._owners[number] if h.kind == "yder"))
        return list(found)

    def check(self, texts: str | Iterable[str]) -> None:
        """Raise IdentityLeak (loudly, naming what was found) if any text contains an identity string."""
        if isinstance(texts, str):
            texts = [texts]
        leaks = [leak for text in texts for leak in self.find(text)]
        if leaks:
            found = "; ".join(sorted({f"{leak.kind}: {leak.found} ({leak.clinic})" for leak in leaks}))
            raise IdentityLeak("Identity leak: group material contains identifying text of a clinic that has "
                               "not consented to be named: {found}", found=found)


def leak_checker(project: Project, meeting: str | None = None, allowed: Iterable[str] = ()) -> LeakChecker:
    """A checker for every clinic of the project; clinics consenting at `meeting` may be named."""
    consenting = project.consents(meeting) if meeting else set()
    cluster = project.cluster()
    common = distinctive_words(" ".join((cluster.name, cluster.municipality, cluster.region)))
    return LeakChecker(project.clinics(), consenting, allowed, common)


def check_no_leak(texts: str | Iterable[str], project: Project, meeting: str | None = None,
                  allowed: Iterable[str] = ()) -> None:
    """Scan any text produced for group use; raises IdentityLeak naming each identity string found."""
    leak_checker(project, meeting, allowed).check(texts)
