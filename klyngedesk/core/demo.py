"""The demo cluster: a seeded, fictional but realistic cluster of clinics, rounds, topics and meetings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np

from klyngedesk.core.anonymise.codes import code_label
from klyngedesk.core.model import Clinic, Cluster, Meeting, NewValue, Period, ReferenceValue, Speaker
from klyngedesk.core.packages import builtin_topic
from klyngedesk.core.store import Project

DEMO_TOPICS = ("smerter", "kol", "antibiotika")
_STREETS = ["Åbrinken", "Søndergade", "Torvet", "Kirkebakken", "Havnegade", "Møllevej", "Skovbrynet",
            "Engvej", "Stationsvej", "Bøgevej", "Fjordgade", "Vestergade", "Østerbro", "Nørretorv",
            "Lindealléen", "Rosenvænget", "Bakkegården", "Strandvejen", "Åparken", "Kastanievej"]
_KINDS = ["Lægehuset", "Lægerne", "Lægeklinikken", "Lægecentret", "Lægepraksis"]
_FIRST = ["Anne", "Mette", "Søren", "Jens", "Karen", "Lars", "Birgitte", "Henrik", "Sofie", "Mads",
          "Ida", "Rasmus", "Camilla", "Niels", "Louise", "Peter", "Helle", "Thomas", "Maja", "Jørgen",
          "Signe", "Anders", "Line", "Mikkel", "Hanne", "Kasper", "Tove", "Frederik", "Julie", "Bo"]
_LAST = ["Holmgaard", "Brøndum", "Kjærsgaard", "Lindqvist", "Østergård", "Dalsgaard", "Bækgaard",
         "Frydendahl", "Hvidberg", "Skovlund", "Mølholm", "Rosenkjær", "Vestergaard", "Aagaard",
         "Thygesen", "Lundbæk", "Krogsgaard", "Sønderby", "Eskildsen", "Fjeldsø"]
_EHR = ["XMO", "EG Clinea", "MultiMed Web", "Novax", "WinPLC", "Ganglion"]
_MUNICIPALITY = "Fjordby Kommune (fiktiv)"

# Per measure: (events per 1000 listed patients per half-year, spread of the clinic effect)
_RATES = {"morfin_brugere": (3.2, 0.35), "tramadol_brugere": (17.0, 0.35), "opioid_andre": (11.0, 0.3),
          "ibuprofen_brugere": (42.0, 0.25), "nsaid_andre": (24.0, 0.3), "gabapentin_brugere": (5.5, 0.4),
          "tca_brugere": (11.0, 0.3), "kol_patienter": (38.0, 0.25), "ab_ordinationer": (185.0, 0.2)}
# Shares drawn binomially from a parent count: (share, spread on the logit scale)
_SHARES = {"kol_lfu": ("kol_patienter", 0.72, 0.6), "kol_rehab": ("kol_patienter", 0.14, 0.5),
           "pcv_ordinationer": ("ab_ordinationer", 0.33, 0.3)}


def half_year_periods(count: int, last: tuple[int, int] = (2026, 1)) -> list[Period]:
    """`count` consecutive half-year rounds ending with (year, half), oldest first: 2026H1 = "1. halvår 2026"."""
    year, half = last
    periods = []
    for _ in range(count):
        start, end = (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1), date(year, 12, 31))
        periods.append(Period(f"{year}H{half}", f"{half}. halvår {year}", start, end))
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return periods[::-1]


def _clinic_names(rng: np.random.Generator, n: int) -> list[str]:
    combos = [f"{k} {s}" for s in _STREETS for k in _KINDS]
    order = rng.permutation(len(combos))
    names = [combos[i] for i in order[:n]]
    names += [f"{combos[order[i % len(combos)]]} {i // len(combos) + 1}" for i in range(len(combos), n)]
    return names


def build_demo(path: str | Path, *, clinics: int = 14, periods: int = 2, seed: int = 2026,
               progress: Callable[[float], None] | None = None) -> Path:
    """Write a demo cluster project to `path` (which must not exist) and return the path."""
    rng = np.random.default_rng(seed)
    path = Path(path)
    project = Project.create(path, Cluster("Fjordby Klynge", _MUNICIPALITY, "Region Midtjylland",
                                           {"threshold": 5, "code_scheme": "letters", "list_size_display": "bands"}))
    try:
        with project.transaction():
            _fill(project, rng, clinics, periods, progress)
    finally:
        project.close()
    return path


def _fill(project: Project, rng: np.random.Generator, n: int, k: int,
          progress: Callable[[float], None] | None) -> None:
    names = _clinic_names(rng, n)
    lists = np.clip(rng.lognormal(np.log(4200), 0.55, n), 1200, 9000).round().astype(int)
    if n >= 3:
        lists[0], lists[1] = 1230, 8950  # a solo clinic and a large group practice
    ydere = rng.choice(np.arange(100000, 999999), size=n, replace=False)
    keys = [f"K{i + 1:04d}" if n > 99 else f"K{i + 1:02d}" for i in range(n)]
    for i, key in enumerate(keys):
        n_doctors = int(np.clip(round(lists[i] / 2100 + rng.normal(0, 0.4)), 1, 7))
        doctors = tuple(f"{_FIRST[rng.integers(len(_FIRST))]} {_LAST[rng.integers(len(_LAST))]}"
                        for _ in range(n_doctors))
        street = names[i].split(" ", 1)[1]
        project.add_clinic(Clinic(
            key, names[i], str(ydere[i]), f"{street} {rng.integers(1, 80)}, 8999 Fjordby",
            f"kontakt{i + 1}@{names[i].split()[1].lower().replace('å', 'aa').replace('ø', 'oe').replace('æ', 'ae')}"
            ".example.dk", _EHR[rng.integers(len(_EHR))], date(2015, 1, 1), None, doctors))
    for topic in DEMO_TOPICS:
        project.add_topic(builtin_topic(topic))
    period_list = half_year_periods(k)
    for period in period_list:
        project.add_period(period)

    changed = 2 % n  # the clinic that changed a lot after the baseline meeting
    effects = {m: rng.normal(0, s, n) for m, (_, s) in _RATES.items()}
    if n >= 3:  # the solo clinic prescribes little morfin and gabapentin: counts under 5 to protect
        effects["morfin_brugere"][0], effects["gabapentin_brugere"][0] = -0.4, -0.2
    share_effects = {m: rng.normal(0, s, n) for m, (_, _, s) in _SHARES.items()}
    values: list[NewValue] = []
    sizes: list[tuple[str, str, int]] = []
    for j, period in enumerate(period_list):
        drift = 1.0 + 0.04 * (k - 1 - j)  # earlier rounds were slightly higher: a gentle downward trend
        list_now = (lists * (1 + rng.normal(0.0, 0.01, n))).round().astype(int)
        sizes += [(keys[i], period.key, int(list_now[i])) for i in range(n)]
        counts = {}
        for m, (rate, _) in _RATES.items():
            mult = np.exp(effects[m]) * (drift if m != "kol_patienter" else 1.0)
            if j == k - 1 and k > 1 and m in ("ab_ordinationer", "tramadol_brugere"):
                mult[changed] *= 0.55  # this clinic acted on the last meeting
            counts[m] = rng.poisson(list_now * rate / 1000 * mult)
        for m, (parent, share, _) in _SHARES.items():
            logit = np.log(share / (1 - share)) + share_effects[m] + (0.25 * j if m == "kol_lfu" else 0)
            counts[m] = rng.binomial(counts[parent], 1 / (1 + np.exp(-logit)))
        counts["opioid_brugere"] = counts["morfin_brugere"] + counts["tramadol_brugere"] + counts.pop("opioid_andre")
        counts["nsaid_brugere"] = counts["ibuprofen_brugere"] + counts.pop("nsaid_andre")
        for m, arr in counts.items():
            values += [NewValue(keys[i], m, period.key, float(arr[i])) for i in range(n)]
        if progress:
            progress((j + 1) / k)
    project.set_list_sizes(sizes)
    project.add_batch("demo-generator", "", values, mapping="demo", details={"kind": "demo"})
    _meetings(project, rng, keys, period_list)


def _meetings(project: Project, rng: np.random.Generator, keys: list[str], periods: list[Period]) -> None:
    follow, base = periods[-1].key, periods[-2].key if len(periods) > 1 else None
    project.save_meeting(Meeting(
        key="2026-03", date=date(2026, 3, 12), title="Smertebehandling – hvor står vi?", time="13.00-16.00",
        place="Fjordby Sundhedshus, mødelokale 2",
        agenda=("Velkomst og status", "Oplæg: opioider i almen praksis", "Gruppearbejde", "Vores egne data",
                "Aftaler til næste gang"),
        speakers=(Speaker("Karen Holmgaard", "Smerteklinikken, Fjordby Sygehus (fiktiv)",
                          "Hvordan trapper vi tramadol ud hos ældre?"),),
        questions=("Hvilke patienter kunne trappes ud af tramadol?",), topics=("smerter", "antibiotika"),
        period=base or follow))
    project.save_meeting(Meeting(
        key="2026-12", date=date(2026, 12, 3), title="Opfølgning: smerter, KOL og antibiotika", time="13.00-16.30",
        place="Fjordby Sundhedshus, mødelokale 2",
        agenda=("Velkomst", "Oplæg: KOL-rehabilitering i kommunen", "Opfølgning på smerter og antibiotika",
                "Gruppearbejde", "Aftaler"),
        speakers=(Speaker("Niels Dalsgaard", "Sundhedscenter Fjordby (fiktiv)",
                          "Hvad tilbyder kommunen KOL-patienter, og hvordan henviser vi?"),),
        questions=("Hvad har virket siden sidst?", "Hvor skal vi sætte ind nu?"),
        topics=DEMO_TOPICS, period=follow, baseline_period=base))
    order = rng.permutation(len(keys))
    project.save_draw("2026-03", {keys[i]: code_label(pos) for pos, i in enumerate(order)}, "letters")
    project.freeze_draw("2026-03")
    for key in keys[3:5]:
        project.set_consent("2026-03", key, True, "Gav sig til kende på mødet")
    for ind, value in (("ab_pr1000", 377.0), ("pcv_andel", 31.5), ("kol_lfu_andel", 74.0)):
        project.add_reference(ReferenceValue(ind, "region", value, "Demoværdi (fiktiv) – ikke en rigtig referenceværdi"))

