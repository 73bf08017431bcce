"""Red team: the cluster's median and quartiles with list sizes in bands (or hidden) must not pin a hidden count.

tests/test_redteam_summaries.py attacks the summaries where list sizes are printed: a quartile between two
hidden clinics, q = (1 - f) v_a + f v_b, is then linear in their counts. With list sizes in bands a hidden
clinic's value v = n x scale / d has both its count n and its list size d unknown, so the relation is not
linear. The member still uses it, soundly: each hidden value becomes a cell of its own, tied to its count
and list size by the tightest linear hull of v x d = n x scale over the box the member knows (the list size
in its band, the value between 0 and 100 % or a large rate: McCormick's envelope), and the printed
summary is a linear relation on the values. Granted, as the audit grants itself, which clinics sit at the
summary's place. No hidden count may be left fewer than four whole values, no list size not printed
narrower than 3 %.
"""

from __future__ import annotations

import math

import pytest
import test_redteam_summaries as summaries
from attacker import LS, PERIODS, TOPICS, Attacker, _meta, scale_of
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from test_redteam_summaries import QUANTILES, summary_relations


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


def _hidden_value(order: bool):
    """The cell of a hidden value tied to its count and denominator by McCormick's envelope over the box the
    member knows: the denominator in its band, the value between 0 and 100 % (or a large rate), or with
    `order` between the shown values around its place (more than the place: where it lies among them)."""
    def tie(attacker: Attacker, rate: tuple, num: tuple, den: tuple, scale: float, row: dict,
            below: list[float], above: list[float], step: float) -> tuple:
        top = 100.0 if num[1] in {m for _, shares in TOPICS.values() for m in shares} else 1e5
        box = ((max(0.0, below[-1] - step / 2) if below else 0.0, above[0] + step / 2 if above else top)
               if order else (0.0, top))
        _envelope(attacker, rate, num, den, scale, box, _band(row))
        return rate
    return tie


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
    """Every meeting of the case printed and read, hidden values over denominators not printed included."""
    def read(attacker: Attacker, pack: dict, topic: str, clinic_of: dict[str, str]) -> int:
        if unrounded:
            _unrounded(attacker, pack, topic, clinic_of)
        return summary_relations(attacker, pack, topic, clinic_of, _hidden_value(order))
    return summaries.play(case, read)


def clusters():
    """The summaries' clusters (tests/test_redteam_summaries.py) with list sizes in bands or hidden."""
    return st.tuples(summaries.clusters(), st.sampled_from(["bands", "hidden"])).map(
        lambda t: {**t[0], "display": t[1]})


@pytest.mark.timeout(900)
@settings(max_examples=16, deadline=None, derandomize=True, phases=(Phase.generate,),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(clusters())
def test_summaries_with_list_sizes_in_bands_keep_every_hidden_count_hidden(case: dict) -> None:
    play(case)


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


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="beyond the printed material: granted the order of the "
                   "hidden clinics among the shown ones, a share's quartiles narrow a small count to 3 values; no "
                   "print gives that order (the ranked chart puts hidden rows last by code, ranks and a clinic's "
                   "own place count shown clinics only, the trend lists hidden codes in code order), so the audit "
                   "does not model it; were it ever printed, the order's inequalities belong in the summaries' "
                   "relations (docs/threat-model.md)")
def test_granted_the_order_of_hidden_clinics_too() -> None:
    play(ORDERED, order=True)
