"""Red team: the cluster change's heterogeneity must not give back a list size that group material hides.

With list sizes in bands (or hidden) a clinic's rate per 1.000 is printed rounded to a step and its count is
not printed, so that count / rate never gives its list size to within 3 %. The cluster change is widened
when the clinics moved differently, and group material tells how much (Cochran's Q/(k-1) in the change,
the widened interval's ends): a sum over every clinic's own change log(rate now / rate then), weighted by
its counts. Clinics whose counts are hidden are held together (test_redteam_change.py); the shown ones
enter with their exact counts and list sizes. The attacker is the coalition of every other clinic: it knows
their counts and sizes, the totals give it the target's counts in both rounds, and Q is then a quadratic in
the target's own change alone: two roots, each the ratio of its list sizes now and then, exactly. With
the two rounded rates (each leaving the list size a few per cent wide) that ratio can close the range.
"""

from __future__ import annotations

import math
import tempfile
from datetime import date
from pathlib import Path

import pytest
from attacker import LS, PERIODS, SIZE_MARGIN, TOPICS, _meta, add_meeting, make_cluster, scale_of
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from klyngedesk.core.anonymise import draw_codes
from klyngedesk.core.anonymise.build import anonymised_meeting


def _band(text: str | None) -> tuple[float, float]:
    if not text:
        return 1.0, math.inf
    low, high = (float(x) for x in text.split("–"))
    return low, high


def _size_range(count: float, value: float, step: float, scale: float, band: tuple[float, float]
                ) -> tuple[float, float]:
    """The list sizes a known count and a rate printed to `step` leave, within the band."""
    h = step / 2 + 1e-7 * max(1.0, value)
    low = count * scale / (value + h)
    high = count * scale / (value - h) if value > h else math.inf
    return max(low, band[0]), min(high, band[1])


def _roots(a: float, b: float, w_t: float, big_w: float, q: float) -> list[float]:
    """y with  a + w_t y^2 - (b + w_t y)^2 / W = q,  W = big_w + w_t (the others' weights plus the target's)."""
    total = big_w + w_t
    qa = w_t - w_t * w_t / total
    qb = -2 * b * w_t / total
    qc = a - b * b / total - q
    disc = qb * qb - 4 * qa * qc
    if qa <= 0 or disc < -1e-9 * max(1.0, qb * qb):
        return []
    disc = max(disc, 0.0)
    return [(-qb - math.sqrt(disc)) / (2 * qa), (-qb + math.sqrt(disc)) / (2 * qa)]


def coalition_attack(truth: dict, first: dict, second: dict, clinic_of: dict[str, str], topic: str) -> list[tuple]:
    """(indicator, target clinic, low, high, size) for every list size not printed that the coalition of all
    other clinics narrows to less than SIZE_MARGIN of itself with the second pack's heterogeneity."""
    cur, base = second["period"], second["compare"]
    days = {p.key: p.days for p in PERIODS}
    found = []
    first_rows = {ind["key"]: {clinic_of[r["code"]]: r for r in ind["rows"]} for ind in first["indicators"]}
    for ind in second["indicators"]:
        meta = _meta(topic)[ind["key"]]
        change = ind["change"]
        if meta.denominator_kind != "list_size" or change is None or change.get("heterogeneity") is None \
                or not math.isfinite(change["heterogeneity"]):
            continue
        mn, step = meta.numerator, ind.get("value_step") or 0.0
        scale1, scale0 = scale_of(meta, days[cur]), scale_of(meta, days[base])
        t1, t0 = (days[cur], days[base]) if meta.per_year else (1, 1)
        rows = {clinic_of[r["code"]]: r for r in ind["rows"]}
        paired = [c for c in rows if all(truth.get((p, m, c), 0) > 0 for p in (cur, base) for m in (LS,))
                  and (cur, mn, c) in truth and (base, mn, c) in truth]
        together = [c for c in paired if rows[c]["suppressed"] or rows[c]["baseline_suppressed"]]
        entries = [c for c in paired if c not in together]

        def yv(cells: list[str], mn: str = mn, t1: float = t1, t0: float = t0) -> tuple[float, float] | None:
            x1 = sum(truth[(cur, mn, c)] for c in cells)
            x0 = sum(truth[(base, mn, c)] for c in cells)
            n1 = sum(truth[(cur, LS, c)] for c in cells) * t1
            n0 = sum(truth[(base, LS, c)] for c in cells) * t0
            if x1 <= 0 or x0 <= 0:
                return None
            return math.log((x1 / n1) / (x0 / n0)), 1 / x1 + 1 / x0

        groups = [[c] for c in entries] + ([together] if together else [])
        known = {tuple(g): yv(g) for g in groups}
        k = sum(v is not None for v in known.values())
        if k < 3:
            continue
        q = change["heterogeneity"] * (k - 1)
        # the heterogeneity the printed rates give has nothing in it to solve for
        solve = not _from_printed(change["heterogeneity"], entries, rows, truth, cur, base, mn, step)
        for target in entries:
            r = rows[target]
            if r["denominator"] is not None or r["value"] is None or r["baseline_value"] is None \
                    or known[(target,)] is None:
                continue
            others = [v for g, v in known.items() if v is not None and g != (target,)]
            w = [1 / vv for _, vv in others]
            a = sum(wi * y * y for wi, (y, _) in zip(w, others, strict=True))
            b = sum(wi * y for wi, (y, _) in zip(w, others, strict=True))
            x1, x0 = truth[(cur, mn, target)], truth[(base, mn, target)]
            w_t = 1 / (1 / x1 + 1 / x0)
            r1 = _size_range(x1, r["value"], step, scale1, _band(r["denominator_band"]))
            before = first_rows.get(ind["key"], {}).get(target)
            r0 = _size_range(x0, r["baseline_value"], step, scale0,
                             _band(before["denominator_band"] if before else None))
            ends = []
            for y in _roots(a, b, w_t, sum(w), q) if solve else ():
                # y = log(x1/x0) - log(n1 t1 / (n0 t0)): the list sizes' ratio now / then
                ratio = math.exp(math.log(x1 / x0) - y) * t0 / t1
                low, high = max(r1[0], ratio * r0[0]), min(r1[1], ratio * r0[1])
                slack = 1e-6 * max(low, 1.0)
                if low <= high + slack:
                    ends += [low - slack, high + slack]
            rel = r.get("change_relative")
            if rel is not None and r["baseline_value"] and abs(rel - round(r["value"] / r["baseline_value"] - 1, 2)) < 1e-9:
                rel = None   # its own change is the one its printed rates give: nothing new
            if rel is not None:   # its own change, printed to whole per cent: the ratio of its rates to 0.5 %
                for lo_r, hi_r in [((x1 / x0) / (1 + rel + 0.005) * t0 / t1, (x1 / x0) / (1 + rel - 0.005) * t0 / t1)]:
                    low, high = max(r1[0], lo_r * r0[0]), min(r1[1], hi_r * r0[1])
                    if ends:
                        low, high = max(low, min(ends)), min(high, max(ends))
                    ends = [low - 1e-6 * low, high + 1e-6 * high] if low <= high else ends
            size = truth[(cur, LS, target)]
            assert not ends or min(ends) <= size <= max(ends) or any(
                lo <= size <= hi for lo, hi in zip(ends[::2], ends[1::2], strict=True)), "unsound"
            if ends and max(ends) - min(ends) < SIZE_MARGIN * size:
                found.append((ind["key"], target, min(ends), max(ends), size))
    return found


def _from_printed(ratio: float, entries: list[str], rows: dict, truth: dict, cur: str, base: str, mn: str,
                  step: float) -> bool:
    """Whether Q/(k-1) is what the clinics' printed rates give (their changes as printed, weighted by their
    counts and the rounding, as the methods say)."""
    y, w = [], []
    for c in entries:
        r, x1, x0 = rows[c], truth[(cur, mn, c)], truth[(base, mn, c)]
        if r["value"] and r["baseline_value"] and x1 > 0 and x0 > 0:
            y.append(math.log(r["value"] / r["baseline_value"]))
            w.append(1 / (1 / x1 + 1 / x0 + step * step / 12 * (r["value"] ** -2 + r["baseline_value"] ** -2)))
    if len(y) < 2:
        return False
    mean = sum(wi * yi for wi, yi in zip(w, y, strict=True)) / sum(w)
    told = sum(wi * (yi - mean) ** 2 for wi, yi in zip(w, y, strict=True))
    told /= len(y) - 1
    return abs(told - ratio) <= 1e-9 * max(1.0, ratio)


def play(case: dict) -> list[tuple]:
    with tempfile.TemporaryDirectory() as folder:
        made = make_cluster(Path(folder) / "c.klynge", case["topic"], case["sizes"], case["counts"], set(),
                            case["threshold"], case["display"], case["over"])
        project = made.project
        packs = []
        try:
            for r in range(2):
                meeting = f"m{r}"
                add_meeting(project, meeting, date(2026, 1 + r, 1), case["topic"], PERIODS[r].key,
                            PERIODS[r - 1].key if r else None)
                codes = draw_codes(project, meeting)
                (table, disclosure, _), = anonymised_meeting(project, meeting)
                project.save_published(meeting, case["topic"], disclosure.to_json())
                packs.append((table.to_json(), {code: k for k, code in codes.items()}))
        finally:
            project.close()
    (first, codes0), (second, codes1) = packs
    # every pack has its own draw: the coalition knows which code is which clinic in each (granted)
    first = {**first, "indicators": [{**ind, "rows": [{**r, "code": codes0[r["code"]]} for r in ind["rows"]]}
                                     for ind in first["indicators"]]}
    second = {**second, "indicators": [{**ind, "rows": [{**r, "code": codes1[r["code"]]} for r in ind["rows"]]}
                                       for ind in second["indicators"]]}
    identity = {k: k for k in made.names}
    return coalition_attack(made.truth, first, second, identity, case["topic"])


@st.composite
def clusters(draw):
    n = draw(st.integers(5, 10))
    topic = draw(st.sampled_from(sorted(TOPICS)))
    sizes = draw(st.lists(st.integers(900, 9000), min_size=n, max_size=n))
    counts = []
    for _ in range(2):
        row = []
        for _ in range(n):
            parent = draw(st.integers(10, 90))
            row.append((parent, [draw(st.integers(0, parent)) for _ in TOPICS[topic][1]]))
        counts.append(row)
    return {"topic": topic, "sizes": sizes, "counts": counts, "threshold": draw(st.sampled_from([5, 10])),
            "display": draw(st.sampled_from(["bands", "hidden"])), "over": draw(st.booleans())}


# Found by the search below on the code before the fix: K04's list size 2,293 narrowed to 2,256-2,299 (1.9 %).
FOUND = {"topic": "kol", "sizes": [5165, 1746, 4466, 3833, 2280, 1290, 3060],
         "counts": [[(65, [51, 13]), (28, [9, 12]), (83, [44, 29]), (89, [80, 37]), (80, [55, 7]), (18, [7, 9]),
                     (45, [17, 45])],
                    [(68, [32, 9]), (13, [1, 3]), (23, [21, 7]), (54, [52, 41]), (88, [51, 67]), (70, [11, 70]),
                     (64, [8, 40])]],
         "threshold": 5, "display": "bands", "over": True}


def test_a_clinics_list_size_is_not_solved_from_the_heterogeneity() -> None:
    assert not play(FOUND)


@pytest.mark.timeout(900)
@settings(max_examples=20, deadline=None, derandomize=True, phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(clusters())
def test_the_change_heterogeneity_gives_no_list_size_back(case: dict) -> None:
    found = play(case)
    assert not found, found[:3]

