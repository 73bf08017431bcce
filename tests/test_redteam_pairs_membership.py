"""Red team: packs before and after a clinic joins or leaves the cluster, read by a member who knows who did.

Membership is no secret in a cluster, nor which clinic sent no figures for a round. A pack prints per code
which rounds have something (the current round, the baseline beside it, the trend's further rounds) and which
have nothing: the one code with no baseline is the clinic that joined, the one code with a baseline and no
current value the clinic that left (its earlier figures then stand beside its name). `attacker_pairs` reads the
anonymised JSON as that member; every clinic that did not consent and has something printed must keep at least
three codes it could be. The counts are played too (tests/attacker.py, every pack kept): a total over the
clinics before a clinic joined, minus the same round's total after its earlier figures came in, is that
clinic's count.
"""

from __future__ import annotations

import random
import tempfile
from datetime import date
from pathlib import Path

import pytest
from attacker import PERIODS, TOPICS, Attacker, _meta, add_meeting, make_cluster, scale_of
from attacker_pairs import across_packs, by_totals, singled_out, singled_out_across

from klyngedesk.core.anonymise import draw_codes
from klyngedesk.core.anonymise.build import anonymised_meeting
from klyngedesk.core.model import NewValue

SIZES = [2400, 3100, 2800, 4100, 1900, 3600, 3000, 2950, 3300]
AB = [[(40, [20]), (55, [30]), (3, [1]), (61, [40]), (38, [12]), (70, [33]), (210, [99]), (2, [1]), (50, [20])],
      [(42, [21]), (51, [28]), (3, [2]), (66, [41]), (35, [15]), (72, [30]), (190, [90]), (4, [2]), (48, [25])],
      [(45, [22]), (50, [27]), (2, [1]), (64, [40]), (33, [14]), (75, [31]), (205, [95]), (3, [1]), (47, [24])]]


def play(case: dict) -> tuple[list[tuple[dict, dict[str, str]]], dict[tuple[str, str, str], float]]:
    """Every meeting of the case; after each, no clinic singled out by its rounds and no hidden count pinned.
    `meetings`: (round, compared round or None) per meeting, else one a round, each compared with the one before;
    `late`: (round, clinic) values that arrive only before meeting `late_at` (1; a clinic bringing its history)."""
    held: list[tuple[dict, dict[str, str]]] = []   # every pack with the clinic behind each code
    late = case.get("late", set())
    with tempfile.TemporaryDirectory() as folder:
        made = make_cluster(Path(folder) / "c.klynge", case["topic"], case["sizes"], case["counts"],
                            case["missing"] | late, case["threshold"], case["display"], False)
        project, keys = made.project, sorted(made.names)
        attacker = Attacker(made.truth)
        parent, shares = TOPICS[case["topic"]]
        withheld = {}
        for r, i in late:
            par, parts = case["counts"][r][i]
            withheld[(PERIODS[r].key, parent, keys[i])] = float(par)
            withheld.update({(PERIODS[r].key, m, keys[i]): float(v) for m, v in zip(shares, parts, strict=True)})
        try:
            rounds = case.get("meetings") or [(r, r - 1 if r else None) for r in range(len(case["counts"]))]
            for m, (r, compare) in enumerate(rounds):
                meeting = f"m{m}"
                if m == case.get("late_at", 1) and late:   # the late figures come in before this meeting
                    project.add_batch("late.xlsx", "", [NewValue(k[2], k[1], k[0], v) for k, v in withheld.items()])
                    made.truth.update(withheld)
                add_meeting(project, meeting, date(2026, 1 + m, 1), case["topic"], PERIODS[r].key,
                            None if compare is None else PERIODS[compare].key)
                codes = draw_codes(project, meeting)
                clinic_of = {code: k for k, code in codes.items()}
                for i in case.get("consents", {}).get(m, ()):
                    project.set_consent(meeting, keys[i], True)
                    clinic_of[made.names[keys[i]]] = keys[i]   # printed by name
                for table, disclosure, _ in anonymised_meeting(project, meeting):
                    project.save_published(meeting, case["topic"], disclosure.to_json())
                    pack = table.to_json()
                    held.append((pack, dict(clinic_of)))
                    out = singled_out(pack, case["topic"], made.truth, clinic_of)
                    assert not out, ("singled out by its rounds", meeting, out)
                    out = singled_out_across(held, case["topic"], made.truth)
                    assert not out, ("singled out by the packs linked", meeting, out)
                    days = {p.key: p.days for p in PERIODS}[PERIODS[r].key]
                    scales = {k: scale_of(m, days) for k, m in _meta(case["topic"]).items()}
                    out = by_totals(pack, case["topic"], made.truth, clinic_of, scales)
                    assert not out, ("singled out by the totals", meeting, out)
                    attacker.keep(pack, case["topic"], clinic_of)
                    pinned = attacker.pinned([None, *keys])
                    assert not pinned, ("pinned", meeting, pinned[:3])
        finally:
            project.close()
    return held, made.truth   # every pack with the clinic behind each code; the counts at the end


BIG = [[(10 * p, [10 * x for x in parts]) for p, parts in row] for row in AB]   # nothing small to hide


def case(missing: set[tuple[int, int]], display: str = "exact", threshold: int = 5, **more) -> dict:
    return {"topic": "antibiotika", "sizes": SIZES, "counts": AB, "missing": missing, "display": display,
            "threshold": threshold, **more}


CASES = {
    "a clinic joins at the second round": case({(0, 8)}),
    "a clinic leaves after the first round": case({(1, 3), (2, 3)}),
    "one joins and one leaves, list sizes in bands": case({(0, 8), (1, 3), (2, 3)}, "bands"),
    "two join at once, threshold 10": case({(0, 7), (0, 8)}, threshold=10),
    "a clinic misses one round (the trend shows it)": case({(1, 5)}),
    "the joiner consents at its first meeting": case({(0, 8)}, consents={1: {8}}),
    "a joiner's earlier round comes in late": case(set(), late={(0, 8)}),
    "a clinic joins a cluster of large counts": case({(0, 8)}, counts=BIG),
    "a clinic leaves a cluster of large counts, sizes in bands": case({(1, 3), (2, 3)}, "bands", counts=BIG),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_clinic_joining_or_leaving_is_not_singled_out_by_its_rounds(name: str) -> None:
    play(CASES[name])


def test_the_rounds_are_read() -> None:
    """The attack has teeth: the packs print the baselines and trends it reads (where nobody is singled out)."""
    packs = [pack for pack, _ in play(case(set()))[0]]
    assert any(r["baseline_value"] is not None for r in packs[1]["indicators"][0]["rows"])
    assert any(x["value"] is not None or t["hidden"] for t in packs[2]["indicators"][0]["trend"] for x in t["values"])


def test_the_packs_are_linked_through_the_values_they_both_print() -> None:
    """The linking member has teeth: a round printed per code at two meetings (the current round at one, the
    baseline at the next) ties the codes of the two packs by their equal values, and leaves clinics fewer codes
    than their rounds alone (still three or more: the test above asks that of every pack)."""
    held, truth = play(CASES["a clinic leaves a cluster of large counts, sizes in bands"])
    linked, alone = across_packs(held, "antibiotika", truth), across_packs(held, "antibiotika", truth, False)
    assert sum(map(len, linked.values())) < sum(map(len, alone.values()))


def _random(seed: int) -> dict:
    rng = random.Random(seed)
    n, rounds = rng.randint(5, 10), rng.randint(2, 3)
    topic = rng.choice(sorted(TOPICS))
    counts = []
    for _ in range(rounds):
        row = []
        for _ in range(n):
            parent = rng.choice([rng.randint(0, 12), rng.randint(10, 90)])
            row.append((parent, [rng.randint(0, parent) for _ in TOPICS[topic][1]]))
        counts.append(row)
    missing: set[tuple[int, int]] = set()
    for i in rng.sample(range(n), rng.randint(1, 2)):   # joiners, leavers, a round missed
        kind = rng.choice(["join", "leave", "miss"])
        cut = rng.randint(1, rounds - 1)
        missing |= {(r, i) for r in range(rounds) if (r < cut if kind == "join" else r >= cut if kind == "leave"
                                                        else r == cut)}
    return {"topic": topic, "sizes": [rng.randint(900, 9000) for _ in range(n)], "counts": counts,
            "missing": missing, "display": rng.choice(["exact", "bands", "hidden"]),
            "threshold": rng.choice([5, 10])}


@pytest.mark.parametrize("seed", range(8))
def test_random_clusters_with_clinics_joining_and_leaving(seed: int) -> None:
    play(_random(seed))
