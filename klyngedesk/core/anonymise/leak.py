"""The leak check: scans text meant for group use for any identity string of the cluster's clinics."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

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


class IdentityLeak(KlyngeError):
    """Group material contains an identity string of a clinic that did not consent: never print it."""


@dataclass(frozen=True)
class Leak:
    kind: str        # "name" | "name_word" | "yder" | "doctor" | "address" | "email" | "ehr"
    clinic: str      # clinic key (for the coordinator's eyes only)
    found: str


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


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


class LeakChecker:
    """Compiled identity patterns for a set of clinics; `find(text)` lists every hit."""

    def __init__(self, clinics: Iterable[Clinic], consenting: Iterable[str] = (), allowed: Iterable[str] = (),
                 common_words: Iterable[str] = ()) -> None:
        """`common_words`: words that identify no clinic here (e.g. the town in the cluster's name)."""
        consenting = set(consenting)
        common = {_norm(w) for w in common_words}
        clinics = list(clinics)
        self._allowed = sorted({_norm(a) for a in allowed if a} |
                               {_norm(c.name) for c in clinics if c.key in consenting}, key=len, reverse=True)
        self._patterns: list[tuple[re.Pattern[str], str, str, str]] = []
        for clinic in clinics:
            for kind, text in identity_strings(clinic, clinic.key in consenting):
                if kind == "name_word" and _norm(text) in common:
                    continue
                body = re.escape(_norm(text)).replace(r"\ ", r"\s+")
                self._patterns.append((re.compile(rf"(?<!\w){body}(?!\w)"), kind, clinic.key, text))

    def find(self, text: str) -> list[Leak]:
        if not text:
            return []
        norm = _norm(text)
        for allowed in self._allowed:
            norm = norm.replace(allowed, " ")
        joined = _DIGIT_SEPARATORS.sub("", norm)
        hits = []
        for pattern, kind, clinic, original in self._patterns:
            if pattern.search(norm) or (kind == "yder" and pattern.search(joined)):
                hits.append(Leak(kind, clinic, original))
        return hits

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
