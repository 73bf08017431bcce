"""Code draws per meeting: unpredictable codes from `secrets`, kept from a previous meeting on request."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from klyngedesk.core.settings import CODE_SCHEME, resolve
from klyngedesk.core.store import Project
from klyngedesk.i18n import KlyngeError, tr

SCHEMES = ("letters", "numbers")
_RNG = secrets.SystemRandom()


def code_label(index: int, scheme: str = "letters") -> str:
    """The index-th code of a scheme: letters 0 -> A ... 25 -> Z, 26 -> AA ...; numbers 0 -> 1 ..."""
    if scheme == "numbers":
        return str(index + 1)
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def new_codes(clinics: Sequence[str], scheme: str = "letters", rng: secrets.SystemRandom | None = None) -> dict[str, str]:
    """Assign the first len(clinics) codes of `scheme` to the clinics in a uniformly random order.

    The order comes only from a cryptographically secure shuffle (`secrets.SystemRandom`): never from
    names, yder numbers or import order. The input order is discarded (sorted first), so even a biased
    caller order cannot leak through.
    """
    if scheme not in SCHEMES:
        raise KlyngeError("Unknown code scheme {scheme}; choose letters or numbers.", scheme=scheme)
    keys = sorted(set(clinics))
    labels = [code_label(i, scheme) for i in range(len(keys))]
    (rng or _RNG).shuffle(labels)
    return dict(zip(keys, labels, strict=True))


def draw_codes(project: Project, meeting: str, *, scheme: str | None = None, keep_from: str | None = None,
               rng: secrets.SystemRandom | None = None) -> dict[str, str]:
    """Draw (and store) the codes for a meeting; refused if that meeting's draw is frozen.

    With `keep_from` the codes of that earlier meeting are reused; clinics without a code there get
    fresh codes not in use (drawn at random among the next free codes). Returns clinic key -> code.
    """
    scheme = scheme or resolve(CODE_SCHEME, project)
    clinics = [c.key for c in project.clinics()]
    if keep_from:
        previous = project.draw(keep_from)
        if not previous:
            raise KlyngeError("The meeting {key} has no code draw to keep.", key=keep_from)
        codes = {k: v for k, v in previous["codes"].items() if k in clinics}
        scheme = previous["scheme"]
        newcomers = [k for k in clinics if k not in codes]
        free: list[str] = []
        i = 0
        while len(free) < len(newcomers):
            label = code_label(i, scheme)
            if label not in codes.values():
                free.append(label)
            i += 1
        (rng or _RNG).shuffle(free)
        codes.update(zip(sorted(newcomers), free, strict=True))
    else:
        codes = new_codes(clinics, scheme, rng)
    project.save_draw(meeting, codes, scheme)
    return codes


def meeting_codes(project: Project, meeting: str) -> dict[str, str]:
    """The meeting's current codes (clinic key -> code); refused when none have been drawn yet."""
    draw = project.draw(meeting)
    if not draw:
        raise KlyngeError("No codes have been drawn for the meeting {key} yet.", key=meeting)
    return dict(draw["codes"])


def freeze_codes(project: Project, meeting: str) -> None:
    """Freeze the meeting's draw (called when a pack is printed); later draws are refused."""
    meeting_codes(project, meeting)
    project.freeze_draw(meeting)


def consenting_names(project: Project, meeting: str) -> dict[str, str]:
    """Clinic key -> display name for the clinics that consented to be named at this meeting."""
    names = {c.key: c.name for c in project.clinics()}
    return {k: names[k] for k in sorted(project.consents(meeting)) if k in names}


CONSENT_WORDING = ("Shown by name means: the clinic's values are printed with its name, and every member keeps "
                   "the pack. They can recognise those values in later packs, also at a meeting where the clinic "
                   "is shown only by code.")


def consent_wording(lang: str | None = None) -> str:
    """What a clinic is told when it consents to be shown by name (kept as the consent's note)."""
    return tr(CONSENT_WORDING, lang)
