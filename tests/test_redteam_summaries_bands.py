"""Red team: the cluster's median and quartiles with list sizes in bands (or hidden) must not pin a hidden count.

tests/test_redteam_summaries.py attacks the summaries where list sizes are printed: a quartile between two
hidden clinics, q = (1 - f) v_a + f v_b, is then linear in their counts. With list sizes in bands a hidden
clinic's value v = n x scale / d has both its count n and its list size d unknown, so the relation is not
linear. The member still uses it, soundly: each hidden value becomes a cell of its own, tied to its count
and list size by the tightest linear hull of v x d = n x scale over the box the member knows (the list size
in its band, the value between the shown values around its place: McCormick's envelope), and the printed
summary is a linear relation on the values. Granted, as the audit grants itself, which clinics sit at the
summary's place. No hidden count may be left fewer than four whole values, no list size not printed
narrower than 3 %.
"""

from __future__ import annotations

import math
import tempfile
from datetime import date
from pathlib import Path

import pytest
from attacker import LS, PERIODS, TOPICS, Attacker, _meta, add_meeting, make_cluster, scale_of
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from test_redteam_summaries import QUANTILES

from klyngedesk.core.anonymise import draw_codes
from klyngedesk.core.anonymise.build import anonymised_meeting

RATE = "_rate:"   # an auxiliary cell: a hidden clinic's value


def _band(row: dict) -> tuple[float, float]:
    if row.get("denominator") is not None:
        return float(row["denominator"]), float(row["denominator"])
    if row.get("denominator_band"):
        low, high = (float(x) for x in row["denominator_band"].split("–"))
        return max(low, 1.0), high + 1
    return 1.0, 1e6


def _envelope(attacker: Attacker, rate: tuple, num: tuple, den: tuple, scale: float,
              v: tuple[float, float], d: tuple[float, float]) -> None:
    """v x d = n x scale over v in [vl, vh], d in [dl, dh]: McCormick's four inequalities."""
    (vl, vh), (dl, dh) = v, d
    for a_v, a_d, sign in ((vl, dl, 1), (vh, dh, 1), (vh, dl, -1), (vl, dh, -1)):
        # sign 1: n s >= a_v d + a_d v - a_v a_d ; sign -1: n s <= a_v d + a_d v - a_v a_d
        terms = [(num, scale), (den, -a_v), (rate, -a_d)]
        bound = -a_v * a_d
        slack = 1e-7 * max(1.0, abs(bound), scale * attacker.truth[num])
        if sign > 0:
            attacker.relations.append((terms, bound - slack, math.inf))
        else:
            attacker.relations.append((terms, -math.inf, bound + slack))


def summary_relations(attacker: Attacker, pack: dict, topic: str, clinic_of: dict[str, str],
                      order: bool = False) -> int:
    """What each printed median and quartile says of the values it is interpolated between, hidden values
    as cells tied to their counts and list sizes; returns how many relations went in. With `order` the
    member is granted more than the place: where each hidden value lies among the shown ones (its box)."""
    cur, days = pack["period"], {p.key: p.days for p in PERIODS}
    added = 0
    for ind in pack["indicators"]:
        meta = _meta(topic)[ind["key"]]
        mn, md = meta.numerator, LS if meta.denominator_kind == "list_size" else meta.denominator
        scale, s, step = scale_of(meta, days[cur]), ind.get("summary_step"), ind.get("value_step") or 0.0
        if not s:
            continue
        rows = {clinic_of[r["code"]]: r for r in ind["rows"]}
        vals = []
        for c, r in rows.items():   # the place of every clinic, granted
            n, d = attacker.truth.get((cur, mn, c)), attacker.truth.get((cur, md, c))
            if n is not None and d:
                vals.append((n * scale / d, r["value"] is None, c))
        vals.sort(key=lambda t: (t[0], t[1]))
        shown = [(i, rows[c]["value"]) for i, (_, hidden, c) in enumerate(vals) if not hidden]
        for name, p in QUANTILES:
            q = ind.get(name)
            if q is None or not vals:
                continue
            h = (len(vals) - 1) * p
            lo = math.floor(h + 1e-12)
            f = 0.0 if h - lo < 1e-12 else h - lo
            terms, const, slack = [], 0.0, s / 2
            for i, w in ((lo, 1 - f), (min(lo + 1, len(vals) - 1), f)):
                if w <= 0:
                    continue
                _, hidden, c = vals[i]
                r = rows[c]
                if not hidden:
                    const, slack = const + w * r["value"], slack + w * step / 2
                    continue
                rate = (cur, RATE + mn, c)
                attacker.truth[rate] = vals[i][0]
                below = [v for j, v in shown if j < i]
                above = [v for j, v in shown if j > i]
                v_box = (0.0, 100.0 if meta.unit == "percent" else 1e5) if not order else \
                    (max(0.0, below[-1] - step / 2) if below else 0.0,
                     above[0] + step / 2 if above else max(100.0, 10 * max((v for _, v in shown), default=1.0)))
                if meta.unit == "percent":
                    v_box = (v_box[0], min(v_box[1], 100.0))
                _envelope(attacker, rate, (cur, mn, c), (cur, md, c), scale, v_box, _band(r))
                terms.append((rate, w))
            if terms:
                eps = 1e-7 * max(1.0, abs(q))
                attacker.relations.append((terms, q - slack - const - eps, q + slack - const + eps))
                added += 1
    return added


def _unrounded(attacker: Attacker, pack: dict, topic: str, clinic_of: dict[str, str]) -> None:
    """The pack's medians and quartiles as if printed to full precision (the attack's own test)."""
    cur, days = pack["period"], {p.key: p.days for p in PERIODS}
    for ind in pack["indicators"]:
        meta = _meta(topic)[ind["key"]]
        mn, md = meta.numerator, LS if meta.denominator_kind == "list_size" else meta.denominator
        cells = [((cur, mn, clinic_of[r["code"]]), (cur, md, clinic_of[r["code"]])) for r in ind["rows"]]
        vals = sorted(attacker.truth[n] * scale_of(meta, days[cur]) / attacker.truth[d] for n, d in cells
                      if n in attacker.truth and attacker.truth.get(d))
        if not ind.get("summary_step") or not vals:
            continue
        for name, p in QUANTILES:
            h = (len(vals) - 1) * p
            lo = math.floor(h + 1e-12)
            ind[name] = (1 - (h - lo)) * vals[lo] + (h - lo) * vals[min(lo + 1, len(vals) - 1)]
        ind["summary_step"] = 1e-9


def play(case: dict, unrounded: bool = False, order: bool = False) -> int:
    added = 0
    with tempfile.TemporaryDirectory() as folder:
        made = make_cluster(Path(folder) / "c.klynge", case["topic"], case["sizes"], case["counts"], set(),
                            case["threshold"], case["display"], case["over"])
        project, keys = made.project, sorted(made.names)
        attacker = Attacker(made.truth)
        try:
            for r in range(len(case["counts"])):
                meeting = f"m{r}"
                add_meeting(project, meeting, date(2026, 1 + r, 1), case["topic"], PERIODS[r].key,
                            PERIODS[r - 1].key if r else None)
                codes = draw_codes(project, meeting)
                clinic_of = {code: k for k, code in codes.items()}
                for table, disclosure, _ in anonymised_meeting(project, meeting):
                    project.save_published(meeting, case["topic"], disclosure.to_json())
                    pack = table.to_json()
                    attacker.keep(pack, case["topic"], clinic_of)
                    if unrounded:
                        _unrounded(attacker, pack, case["topic"], clinic_of)
                    added += summary_relations(attacker, pack, case["topic"], clinic_of, order)
                    attacker.check_sound()
                    pinned = attacker.pinned([None, *keys])
                    assert not pinned, ("pinned", meeting, pinned[:3])
        finally:
            project.close()
    return added


@st.composite
def clusters(draw):
    n, rounds = draw(st.integers(5, 10)), draw(st.integers(1, 2))
    topic = draw(st.sampled_from(sorted(TOPICS)))
    counts = []
    for _ in range(rounds):
        row = []
        for _ in range(n):
            parent = draw(st.one_of(st.integers(0, 12), st.integers(10, 80)))
            row.append((parent, [draw(st.integers(0, parent)) for _ in TOPICS[topic][1]]))
        counts.append(row)
    return {"topic": topic, "sizes": draw(st.lists(st.integers(900, 9000), min_size=n, max_size=n)),
            "counts": counts, "threshold": draw(st.sampled_from([5, 10])), "over": draw(st.booleans()),
            "display": draw(st.sampled_from(["bands", "hidden"]))}


SEEN: list[int] = []


@pytest.mark.timeout(900)
@settings(max_examples=16, deadline=None, derandomize=True, phases=(Phase.generate,),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(clusters())
def test_summaries_with_list_sizes_in_bands_keep_every_hidden_count_hidden(case: dict) -> None:
    SEEN.append(play(case))


def test_the_search_reached_summaries_between_hidden_clinics() -> None:
    """The search above must have put relations in (a median or quartile on a hidden value), else it proved
    nothing: one fixed cluster with hidden counts in the middle."""
    case = {"topic": "antibiotika", "sizes": [3580, 2430, 3494, 7394, 7839, 5643, 8219],
            "counts": [[(41, [6]), (8, [3]), (41, [4]), (4, [0]), (11, [5]), (7, [1]), (8, [8])]],
            "threshold": 10, "over": False, "display": "bands"}
    assert play(case) > 0


ORDERED = {"topic": "kol", "sizes": [7019, 2276, 8559, 1148, 2570, 7434],
           "counts": [[(17, [13, 12]), (6, [3, 2]), (44, [11, 10]), (69, [29, 25]), (12, [5, 12]), (11, [11, 1])],
                      [(11, [9, 3]), (12, [12, 5]), (2, [0, 0]), (64, [54, 13]), (17, [13, 12]), (7, [3, 4])]],
           "threshold": 5, "over": True, "display": "bands"}


def test_summaries_printed_unrounded_would_be_caught() -> None:
    """The attack has teeth: the same cluster's medians and quartiles printed to full precision pin a hidden
    count of antibiotic prescriptions, list sizes in bands (the audit rounds them to the summary step, or
    leaves them out)."""
    case = {"topic": "antibiotika", "sizes": [5074, 1877, 5980, 1244, 7031],
            "counts": [[(1, [0]), (42, [22]), (3, [2]), (60, [13]), (3, [1])],
                       [(57, [51]), (12, [5]), (7, [2]), (13, [0]), (0, [0])]],
            "threshold": 10, "over": True, "display": "bands"}
    play(case)
    with pytest.raises(AssertionError, match="pinned"):
        play(case, unrounded=True)


@pytest.mark.xfail(strict=True, reason="open: granted the order of the hidden clinics among the shown ones, a "
                   "share's quartiles narrow a small count to 3 values (docs/threat-model.md, Still open)")
def test_granted_the_order_of_hidden_clinics_too() -> None:
    play(ORDERED, order=True)
