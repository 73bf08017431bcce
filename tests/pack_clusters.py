"""Unusual synthetic clusters (fictional names) whose packs stress the wording and layout: built on the demo."""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Callable
from pathlib import Path

from klyngedesk.core.demo import build_demo
from klyngedesk.core.model import Clinic, Indicator, Measure, NewValue, Topic
from klyngedesk.core.store import Project

FOLLOW_UP = "2026-12"
_SHARES = {"kol_lfu": "kol_patienter", "kol_rehab": "kol_patienter", "pcv_ordinationer": "ab_ordinationer"}


def _counts(project: Project) -> dict[tuple[str, str, str], float]:
    frame = project.values()
    frame = frame[frame["status"] == "ok"]
    return {(str(r.clinic), str(r.measure), str(r.period)): float(r.value) for r in frame.itertuples()
            if r.value is not None}


def _put(project: Project, name: str, values: dict[tuple[str, str, str], float | None]) -> None:
    project.add_batch(name, "", [NewValue(c, m, p, v, "ok" if v is not None else "missing")
                                 for (c, m, p), v in sorted(values.items())])


def _keys(project: Project) -> list[str]:
    return sorted(c.key for c in project.clinics())


def zero_everywhere(project: Project) -> None:
    """One clinic with no events of any kind in any round (its COPD shares 0 of 0)."""
    key = _keys(project)[3]
    _put(project, "zero.xlsx", {k: 0.0 for k in _counts(project) if k[0] == key})


def scaled(project: Project, factors: dict[str, float]) -> None:
    """Clinics' list sizes and counts scaled (all tiny, one huge): the rates stay, the counts move."""
    sizes = project.list_sizes()
    rows = [(str(r.clinic), str(r.period), max(1, round(float(r.patients) * factors.get(str(r.clinic), 1.0))))
            for r in sizes.itertuples()]
    project.set_list_sizes(rows)
    counts = _counts(project)
    new = {}
    for (c, m, p), v in counts.items():
        if c in factors and m not in _SHARES:
            new[(c, m, p)] = float(round(v * factors[c]))
    for (c, m, p), v in counts.items():   # shares keep their proportion of the scaled parent
        if c in factors and m in _SHARES:
            parent, scaled_parent = counts.get((c, _SHARES[m], p), 0.0), new.get((c, _SHARES[m], p), 0.0)
            new[(c, m, p)] = float(round(v * scaled_parent / parent)) if parent else 0.0
    _put(project, "scaled.xlsx", new)


def all_tiny(project: Project) -> None:
    scaled(project, {k: 0.35 for k in _keys(project)})


def one_huge(project: Project) -> None:
    keys = _keys(project)
    scaled(project, {keys[0]: 12.0, **{k: 0.4 for k in keys[1:]}})


def whole_and_none(project: Project) -> None:
    """A share of 100 % (every COPD patient followed up) in one clinic, 0 % (no rehabilitation) in another."""
    keys, counts = _keys(project), _counts(project)
    new: dict[tuple[str, str, str], float | None] = {}
    for c, m, p in counts:
        if c == keys[5] and m == "kol_lfu":
            new[(c, m, p)] = counts[(c, "kol_patienter", p)]
        if c == keys[6] and m == "kol_rehab":
            new[(c, m, p)] = 0.0
    _put(project, "shares.xlsx", new)


def missing_baseline(project: Project) -> None:
    """The last clinic reported nothing the baseline round."""
    periods = [p.key for p in project.periods()]
    key = _keys(project)[-1]
    _put(project, "withdrawn.xlsx", {k: None for k in _counts(project) if k[0] == key and k[2] == periods[-2]})


LONG_TITLE = ("Andel af patienter med kronisk obstruktiv lungesygdom, der har fået tilbudt et "
              "kommunalt rehabiliteringsforløb inden for de seneste tolv måneder efter udskrivelsen")


def new_indicator(project: Project) -> None:
    """A new topic whose one indicator (a long Danish title) was first measured in the follow-up round."""
    periods = [p.key for p in project.periods()]
    project.add_topic(Topic("opfoelgning", "Opfølgning efter indlæggelse med KOL-eksacerbation",
                            "Nyt emne: kun målt i seneste runde.",
                            (Measure("kol_udskrevne", "Udskrevne efter KOL-eksacerbation"),
                             Measure("kol_kontakt", "Kontakt til egen læge inden for 14 dage")),
                            (Indicator("kol_kontakt_andel", LONG_TITLE, "kol_kontakt", "kol_udskrevne", "measure",
                                       "percent", "Hvor mange af de udskrevne blev kontaktet.", direction="max"),)))
    counts = _counts(project)
    new = {}
    for (c, m, p), v in counts.items():
        if m == "kol_patienter" and p == periods[-1]:
            out = float(round(v * 0.3))
            new[(c, "kol_udskrevne", p)] = out
            new[(c, "kol_kontakt", p)] = float(round(out * (0.4 + 0.5 * (zlib.crc32(c.encode()) % 7) / 7)))
    _put(project, "new.xlsx", new)
    meeting = project.meeting(FOLLOW_UP)
    project.save_meeting(dataclasses.replace(meeting, topics=(*meeting.topics, "opfoelgning")))


def long_names(project: Project) -> None:
    """Long Danish clinic names, and the clinics that consented named beside their codes."""
    for i, clinic in enumerate(project.clinics()):
        project.update_clinic(dataclasses.replace(
            clinic, name=f"Lægefællesskabet Søndre Skovbrynsallé og Kirkebakkegårdens Sundhedshus nr. {i + 1}"))
    for key in _keys(project)[:4]:
        project.set_consent(FOLLOW_UP, key, True, "Gav sig til kende på mødet")


def _periods(project: Project) -> list[str]:
    return [p.key for p in project.periods()]


def _sizes(project: Project) -> dict[tuple[str, str], int]:
    return {(str(r.clinic), str(r.period)): int(r.patients) for r in project.list_sizes().itertuples()}


def _add_to_meeting(project: Project, topic: str) -> None:
    meeting = project.meeting(FOLLOW_UP)
    project.save_meeting(dataclasses.replace(meeting, topics=(*meeting.topics, topic)))


def many_indicators(project: Project) -> None:
    """A topic of its own with 13 indicators: nine rates per 1.000 listed patients and four shares of one base."""
    rates = [f"maal{i:02d}" for i in range(1, 10)]
    shares = [f"andel{i:02d}" for i in range(1, 5)]
    measures = (Measure("basis", "Patienter i forløb"), *(Measure(k, f"Mål nr. {i + 1}") for i, k in
                                                            enumerate([*rates, *shares])))
    indicators = tuple(Indicator(f"i_{k}", f"Mål nr. {i + 1} pr. 1000 patienter", k, None, "list_size", "per1000",
                                 direction="min" if i % 3 == 0 else "max" if i % 3 == 1 else None)
                       for i, k in enumerate(rates))
    indicators += tuple(Indicator(f"i_{k}", f"Andel i forløb med mål nr. {i + 10}", k, "basis", "measure",
                                  "percent", direction="max") for i, k in enumerate(shares))
    project.add_topic(Topic("mange", "Mange indikatorer i ét tema", "Tretten indikatorer på én gang.", measures,
                            indicators))
    new: dict[tuple[str, str, str], float | None] = {}
    for n, ((clinic, period), size) in enumerate(sorted(_sizes(project).items())):
        base = float(round(size * 0.04))
        new[(clinic, "basis", period)] = base
        for i, k in enumerate(rates):
            new[(clinic, k, period)] = float(round(size * (2 + 3 * i) / 1000 * (0.7 + 0.6 * ((n * 7 + i) % 5) / 4)))
        for i, k in enumerate(shares):
            new[(clinic, k, period)] = float(round(base * (0.3 + 0.15 * i + 0.1 * ((n + i) % 3))))
    _put(project, "mange.xlsx", new)
    _add_to_meeting(project, "mange")


def tiny_rates(project: Project) -> None:
    """A rare event per 1.000 listed patients: 0 to 2 events in clinics of 10.000 to 40.000 (rates of 0,0x)."""
    sizes = _sizes(project)
    project.set_list_sizes([(c, p, v * 4) for (c, p), v in sizes.items()])
    project.add_topic(Topic("sjaelden", "Sjældne hændelser", "En sjælden hændelse pr. 1.000 patienter.",
                            (Measure("sjaelden", "Patienter med en sjælden hændelse"),),
                            (Indicator("sjaelden_rate", "Sjældne hændelser pr. 1000 patienter", "sjaelden", None,
                                       "list_size", "per1000", direction="min"),)))
    _put(project, "sjaelden.xlsx", {(c, "sjaelden", p): float(n % 3)
                                    for n, (c, p) in enumerate(sorted(sizes))})
    _add_to_meeting(project, "sjaelden")


def half_missing(project: Project) -> None:
    """Half the clinics reported nothing the baseline round."""
    baseline = _periods(project)[-2]
    gone = set(_keys(project)[::2])
    _put(project, "halvdelen.xlsx", {k: None for k in _counts(project) if k[0] in gone and k[2] == baseline})


def clinic_only_now(project: Project) -> None:
    """A clinic that joined this round: its list size and figures exist only in the follow-up round."""
    period = _periods(project)[-1]
    project.add_clinic(Clinic("K99", "Lægehuset Ny Åboulevard", "099999"))
    project.set_list_sizes([("K99", period, 4321)])
    counts = _counts(project)
    model = _keys(project)[0]
    size = _sizes(project)[(model, period)]
    _put(project, "ny.xlsx", {("K99", m, p): float(round(v * 4321 / size))
                              for (c, m, p), v in counts.items() if c == model and p == period})


def identical(project: Project) -> None:
    """Every clinic has the same rate and the same share (list sizes in whole hundreds): quartiles all equal."""
    sizes = {k: max(100, round(v, -2)) for k, v in _sizes(project).items()}
    project.set_list_sizes([(c, p, v) for (c, p), v in sizes.items()])
    counts = _counts(project)
    new = {}
    for (c, m, p) in counts:
        if m in _SHARES:
            continue
        new[(c, m, p)] = float(sizes[(c, p)] // 100 * 3) if m != "kol_patienter" else float(sizes[(c, p)] // 100 * 4)
    for (c, m, p) in counts:
        if m in _SHARES:
            new[(c, m, p)] = (new.get((c, _SHARES[m], p)) or 0.0) // 2
    _put(project, "ens.xlsx", new)


def denominator_one(project: Project) -> None:
    """One clinic with a single COPD patient, followed up and not referred (shares of 100 % and 0 % of 1)."""
    key = _keys(project)[2]
    new = {}
    for (c, m, p) in _counts(project):
        if c == key and m in ("kol_patienter", "kol_lfu"):
            new[(c, m, p)] = 1.0
        if c == key and m == "kol_rehab":
            new[(c, m, p)] = 0.0
    _put(project, "en.xlsx", new)


def largest_consents(project: Project) -> None:
    """The largest clinic and two others consented to be named (Danish names in whichever language)."""
    sizes = _sizes(project)
    period = _periods(project)[-1]
    largest = max(_keys(project), key=lambda k: sizes.get((k, period), 0))
    for clinic in project.clinics():
        if clinic.key == largest:
            project.update_clinic(dataclasses.replace(clinic, name="Lægehuset Ærøskøbing Søndergård"))
    for key in {largest, *_keys(project)[:2]}:
        project.set_consent(FOLLOW_UP, key, True, "Gav sig til kende på mødet")


def zero_and_full(project: Project) -> None:
    """Every share is 0 % or 100 % in every round: each clinic followed up all or none, referred all or none."""
    counts, keys = _counts(project), _keys(project)
    new: dict[tuple[str, str, str], float | None] = {}
    for c, m, p in counts:
        if m in _SHARES:
            full = (keys.index(c) + list(_SHARES).index(m)) % 2 == 0
            new[(c, m, p)] = counts.get((c, _SHARES[m], p), 0.0) if full else 0.0
    _put(project, "alt-eller-intet.xlsx", new)


def exact_list_sizes(project: Project) -> None:
    project.set_setting("list_size_display", "exact")


def hidden_list_sizes(project: Project) -> None:
    project.set_setting("list_size_display", "hidden")


Builder = Callable[[Project], None]
# name: (clinics, rounds, language, seed, what is done to the demo)
CLUSTERS: dict[str, tuple[int, int, str, int, tuple[Builder, ...]]] = {
    "three": (3, 2, "da", 31, ()),
    "three-en": (3, 2, "en", 31, ()),
    "sixty": (60, 2, "da", 60, ()),
    "zero-clinic": (9, 2, "da", 5, (zero_everywhere,)),
    "zero-clinic-en": (9, 2, "en", 5, (zero_everywhere,)),
    "all-tiny": (8, 2, "da", 8, (all_tiny,)),
    "all-tiny-en": (8, 2, "en", 8, (all_tiny,)),
    "one-huge": (10, 3, "da", 12, (one_huge,)),
    "one-huge-en": (10, 3, "en", 12, (one_huge,)),
    "shares-100-0": (11, 2, "da", 13, (whole_and_none,)),
    "shares-100-0-en": (11, 2, "en", 13, (whole_and_none,)),
    "missing-baseline-25": (25, 2, "da", 25, (missing_baseline,)),
    "new-indicator": (12, 2, "da", 14, (new_indicator,)),
    "new-indicator-en": (12, 2, "en", 14, (new_indicator,)),
    "long-names-consent": (13, 2, "da", 15, (long_names,)),
    "long-names-consent-en": (13, 2, "en", 15, (long_names,)),
    # session 9: shapes nobody had tried
    "thirteen-indicators": (12, 2, "da", 41, (many_indicators,)),
    "thirteen-indicators-en": (12, 2, "en", 41, (many_indicators,)),
    "tiny-rates": (10, 2, "da", 42, (tiny_rates,)),
    "tiny-rates-en": (10, 2, "en", 42, (tiny_rates,)),
    "half-missing": (12, 2, "da", 43, (half_missing,)),
    "clinic-only-now": (8, 2, "da", 44, (clinic_only_now,)),
    "identical-values": (10, 2, "da", 45, (identical,)),
    "denominator-one": (11, 2, "da", 46, (denominator_one,)),
    "largest-consents-en": (15, 2, "en", 47, (largest_consents,)),
    "four-rounds": (12, 4, "da", 48, ()),
    "four-rounds-en": (16, 4, "en", 48, (largest_consents,)),
    "exact-list-sizes": (12, 2, "da", 49, (exact_list_sizes,)),
    "hidden-list-sizes": (12, 2, "da", 49, (hidden_list_sizes,)),
    "zero-among-25": (25, 2, "da", 50, (zero_everywhere,)),
    # session 11: what a GP reading the pack stumbled on
    "zero-and-full-shares": (10, 2, "da", 51, (zero_and_full,)),
}


def build_cluster(folder: Path, name: str) -> Path:
    clinics, rounds, _, seed, builders = CLUSTERS[name]
    path = build_demo(folder / "c.klynge", clinics=clinics, periods=rounds, seed=seed)
    with Project.open(path) as project:
        for build in builders:
            build(project)
    return path
