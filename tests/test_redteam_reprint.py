"""Red team: two prints of one meeting. The coordinator prints the pack and hands out (or e-mails) the draft,
then a late file comes in, a value is corrected, a consent is withdrawn, the threshold is raised or the list
sizes are shown otherwise, and the same meeting is printed again. A member holding both prints differences
them (a clinic missing from the first print's totals and hidden as "<5" in the second is the difference of the
two totals). Both prints are read by the JSON attacker (tests/attacker.py) with the counts true when each was
printed (tests/attacker_reprint.py): no hidden count to +/-1, no list size not printed to 3 %, and the audit
leaves no breach.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest
from attacker import PERIODS, TOPICS, Attacker, add_meeting, make_cluster, singled_out_by_attacker
from attacker_reprint import held_together
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from test_attacker import clusters

from klyngedesk.core.anonymise import draw_codes
from klyngedesk.core.anonymise.build import anonymised_meeting, earlier_disclosures
from klyngedesk.core.anonymise.disclosure_report import ROUGH, build_report
from klyngedesk.core.model import NewValue

CHANGES = ("late_file", "correction", "consent_withdrawn", "threshold_raised", "display_changed")
# Further changes between prints (tests/test_redteam_settings_between_prints.py): the threshold lowered, a share
# indicator whose counts of the round come in after the first print.
MORE_CHANGES = ("threshold_lowered", "indicator_added")
MEETING = "m1"


@st.composite
def reprints(draw):
    case = draw(clusters(4, 9, 2, 2))
    n = len(case["sizes"])
    case["change"] = draw(st.sampled_from(CHANGES))
    case["who"] = draw(st.integers(0, n - 1))
    case["by"] = draw(st.integers(1, 6))
    case["consents"] = [set(), draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=max(1, n // 3)))]
    case["missing"] = {m for m in case["missing"] if m[0] == 0}   # round 1 of the late clinic comes late
    if case["change"] == "threshold_raised":
        case["threshold"] = 5
    return case


def _apply(project, case: dict, truth: dict, keys: list[str]) -> None:
    """The change between the two prints, in the project and in the true counts."""
    who, period, change = keys[case["who"]], PERIODS[1].key, case["change"]
    parent, shares = TOPICS[case["topic"]]
    if change == "late_file":
        par, parts = case["counts"][1][case["who"]]
        values = [NewValue(who, parent, period, float(par)),
                  *(NewValue(who, m, period, float(v)) for m, v in zip(shares, parts, strict=True))]
        project.add_batch("sen fil.xlsx", "", values, mapping="test", details={"kind": "test"})
        truth.update({(v.period, v.measure, v.clinic): v.value for v in values})
    elif change == "correction":
        old = truth.get((period, parent, who))
        if old is None:
            return
        project.correct_value(who, parent, period, old + case["by"], "sen rettelse")
        truth[(period, parent, who)] = old + case["by"]
    elif change == "consent_withdrawn":
        for k in sorted(project.consents(MEETING))[:1]:
            project.set_consent(MEETING, k, False)
    elif change in ("threshold_raised", "threshold_lowered"):
        project.set_setting("threshold", case.get("to", 10))
    elif change == "indicator_added":
        values = [NewValue(keys[i], m, period, float(v)) for i, (_, parts) in enumerate(case["counts"][1])
                  if (1, i) not in case["missing"] for m, v in zip(shares, parts, strict=True)]
        project.add_batch("ny indikator.xlsx", "", values, mapping="test", details={"kind": "test"})
        truth.update({(v.period, v.measure, v.clinic): v.value for v in values})
    else:
        order = ["bands", "hidden", "exact"]
        project.set_setting("list_size_display", case.get("to") or order[(order.index(case["display"]) + 1) % 3])


def _cell(cell: tuple | str) -> tuple[str, str, str]:
    """A cell of the attacker's or the audit's, without the print its value is versioned by."""
    period, measure, clinic = cell.split("\t") if isinstance(cell, str) else cell
    return period.split("@")[0], "_ls" if measure == "_list_size" else measure, clinic


def play(case: dict) -> None:
    late = case["change"] == "late_file"
    missing = set(case["missing"]) | ({(1, case["who"])} if late else set())
    with tempfile.TemporaryDirectory() as folder:
        # an indicator added: the round's share counts come in after the first print
        parts = frozenset((1, i) for i in range(len(case["sizes"]))) if case["change"] == "indicator_added" \
            else frozenset()
        made = make_cluster(Path(folder) / "c.klynge", case["topic"], case["sizes"], case["counts"], missing,
                            case["threshold"], case["display"], case["over"], parts)
        project, keys = made.project, sorted(made.names)
        truth = dict(made.truth)
        sizes = {(p, c): v for (p, m, c), v in truth.items() if m == "_ls"}
        try:
            add_meeting(project, MEETING, date(2026, 9, 1), case["topic"], PERIODS[1].key, PERIODS[0].key)
            codes = draw_codes(project, MEETING)
            for i in case["consents"][1]:
                project.set_consent(MEETING, keys[i], True)
            prints, held = [], []
            for time in ("draft", "again"):
                if time == "again":
                    _apply(project, case, truth, keys)
                consenting = project.consents(MEETING)
                clinic_of = {code: k for k, code in codes.items()} | {made.names[k]: k for k in consenting}
                audited = anonymised_meeting(project, MEETING)
                left = [b for _, _, bs in audited for b in bs]
                report = build_report(MEETING, [a[1] for a in audited], earlier_disclosures(project, MEETING),
                                      consenting, made.names, codes, [a[0] for a in audited], left,
                                      printed=project.published())
                project.save_print(MEETING, [(d.topic, d.to_json()) for _, d, _ in audited])
                packs = [table.to_json() for table, _, _ in audited]
                assert not (left and time == "draft"), left[:3]

                def read(attacker: Attacker, packs: list = packs, clinic_of: dict = clinic_of) -> None:
                    for pack in packs:
                        attacker.keep(pack, case["topic"], clinic_of)

                prints.append((dict(truth), read))
                for pack in packs:   # recognised by values printed beside its name in the draft: the report says so
                    missed = singled_out_by_attacker([*held, (pack, clinic_of, consenting)], sizes, ROUGH)
                    assert not missed - report.singled_out(), (time, missed - report.singled_out())
                held += [(pack, clinic_of, consenting) for pack in packs]
            pinned = held_together(prints).pinned([None, *keys])
            if left:   # what no print now can mend (a setting changed since): the coordinator is told, and why
                assert any("kan ikke beskyttes" in line and "grænse for små tal" in line
                           for line in report.lines("da")), report.lines("da")
                told = {_cell(c) for b in left for c, _ in b.target.terms}
                assert {_cell(c) for _, c, _, _ in pinned} <= told, (case["change"], pinned[:3], sorted(told)[:3])
            else:
                assert not pinned, (case["change"], pinned[:3])
        finally:
            project.close()


CHECK = [HealthCheck.too_slow, HealthCheck.data_too_large]
# Eight clinics printing antibiotics; K05's and K06's counts this round are small.
BASE = {"topic": "antibiotika", "sizes": [1477, 3814, 3705, 2762, 2636, 1192, 2200, 3100],
        "counts": [[(67, [47]), (40, [10]), (31, [28]), (23, [11]), (19, [2]), (8, [8]), (30, [12]), (44, [20])],
                   [(48, [33]), (27, [19]), (34, [12]), (25, [12]), (12, [6]), (2, [1]), (3, [1]), (51, [22])]],
        "missing": set(), "consents": [set(), {1}], "threshold": 5, "display": "bands", "over": False, "extra": {},
        "change": "late_file", "who": 5, "by": 2}
# Each broke on the code before every print was kept and audited together:
# K05's file comes late: the two pooled totals differ by its 2 prescriptions (and its list size, 1,205, exactly).
LATE = BASE
# K06's 3 prescriptions corrected to 4: K00 narrowed the corrected count to 2-4 and the old one to 1-3.
CORRECTED = {**BASE, "change": "correction", "who": 6, "by": 1}
# The list sizes hidden, then shown in bands: K01's 27 prescriptions hidden in both narrowed to 25-28.
DISPLAY = {**BASE, "change": "display_changed", "display": "hidden"}
# Threshold 5, then 10, two topics: the second print showed K02's 73 COPD patients the first one hid beside a
# small count.
THRESHOLD = {"topic": "kol", "sizes": [3807, 1024, 7860, 1063, 3000],
             "counts": [[(11, [1, 10]), (36, [13, 11]), (57, [8, 25]), (14, [11, 5]), (70, [60, 0])],
                        [(9, [6, 6]), (42, [16, 38]), (73, [13, 56]), (9, [8, 0]), (1, [0, 1])]],
             "missing": {(0, 3)}, "consents": [set(), {1}], "threshold": 5, "display": "hidden", "over": False,
             "extra": {"antibiotika": [[(12, [2]), (6, [0]), (6, [3]), (13, [9]), (6, [3])],
                                       [(21, [14]), (8, [1]), (16, [2]), (10, [2]), (50, [28])]]},
             "change": "threshold_raised", "who": 3, "by": 6}
# K01 named in the draft, its consent withdrawn before the print again: its figures beside its code are those
# printed beside its name (the report did not say so: it read other meetings' prints only).
WITHDRAWN = {**BASE, "change": "consent_withdrawn"}


@pytest.mark.timeout(1800)
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=CHECK,
          phases=(Phase.explicit, Phase.generate))
@example(LATE)
@example(CORRECTED)
@example(DISPLAY)
@example(THRESHOLD)
@example(WITHDRAWN)
@given(reprints())
def test_two_prints_of_one_meeting_give_no_hidden_count_away(case: dict) -> None:
    play(case)
