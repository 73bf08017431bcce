"""The attacker on the printed text: real group handouts of every meeting, read back with pdfium.

Random clusters (fewer than the JSON suite: rendering costs) and three fixed hard ones through the core API, each meeting's group
handout rendered as the pack renders it and kept as printed; the member reads only the pages' text
(tests/attacker_pdf.py) with every earlier handout at hand, plays every clinic and an outsider, and must
not narrow a hidden count to +/-1, nor get a list size the handout does not print back to within 3 %,
by the linear program over everything printed or by dividing a printed count by a printed rate.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from attacker import PERIODS, Attacker, add_meeting, make_cluster
from attacker_pdf import divided, handout, keep_printed, parse
from hypothesis import HealthCheck, Phase, example, given, settings
from test_attacker import clusters

from klyngedesk.core.anonymise import draw_codes
from klyngedesk.core.render.leakscan import page_texts


def play_printed(case: dict) -> list[list]:
    """Run the meetings; returns what was parsed per meeting (so tests can see the parser saw the tables)."""
    seen = []
    extra = case.get("extra") or {}
    topics = (case["topic"], *extra)
    with tempfile.TemporaryDirectory() as folder:
        made = make_cluster(Path(folder) / "c.klynge", case["topic"], case["sizes"], case["counts"],
                            case["missing"], case["threshold"], case["display"], case["over"],
                            frozenset(case.get("missing_parts", ())), extra)
        project = made.project
        attacker = Attacker(made.truth)
        keys = sorted(made.names)
        try:
            for r in range(len(case["counts"])):
                meeting = f"m{r}"
                compare = PERIODS[r - 1].key if r else None
                add_meeting(project, meeting, date(2026, 1 + r, 1), topics, PERIODS[r].key, compare)
                codes = draw_codes(project, meeting)
                for i in case["consents"][r]:
                    project.set_consent(meeting, keys[i], True)
                data, pack = handout(project, meeting)
                for disclosure in pack.disclosures:   # printed: later packs are audited against it
                    project.save_published(meeting, disclosure.topic, disclosure.to_json())
                tables = {ind.key: ind for table in pack.anonymised for ind in table.indicators}
                steps = {key: ind.value_step or 0.0 for key, ind in tables.items()}
                printed = parse(page_texts(data), topics)
                assert {p.key for p in printed} == set(tables), "a table was not read"
                for p in printed:
                    assert len(p.rows) == len(tables[p.key].rows), (p.key, "rows not read")
                seen.append(printed)
                keep_printed(attacker, printed, topics, PERIODS[r].key, compare, codes, steps, case["threshold"])
                pinned = attacker.pinned([None, *keys])
                assert not pinned, (meeting, pinned[:3])
                leaks = divided(printed, topics, PERIODS[r].key, codes, steps, made.truth)
                assert not leaks, (meeting, leaks[:3])
        finally:
            project.close()
    return seen


CHECK = [HealthCheck.too_slow, HealthCheck.data_too_large]
# A failing cluster is reported as found: shrinking one costs minutes of whole pipeline runs.
PHASES = (Phase.explicit, Phase.reuse, Phase.generate)


SIZES = [2400, 3100, 2800, 4100, 1900, 3600, 3000, 2950]
AB = [[(40, [20]), (55, [30]), (3, [1]), (61, [40]), (38, [12]), (70, [33]), (210, [99]), (2, [1])],
      [(42, [21]), (51, [28]), (3, [2]), (66, [41]), (35, [15]), (72, [30]), (190, [90]), (4, [2])],
      [(45, [22]), (50, [27]), (2, [1]), (64, [40]), (33, [14]), (75, [31]), (205, [95]), (3, [1])]]
KOL = [[(60, [30, 12]), (45, [20, 9]), (52, [2, 30]), (3, [1, 1]), (70, [40, 20]), (38, [15, 3]), (90, [50, 9]),
        (25, [12, 4])]] * 3
# The hard cases every run prints, whatever the draw: consent given and then withdrawn with a round missing at
# threshold 10; overdispersion on (adjusted limits beside hidden counts) with two topics in one handout and
# list sizes exact; three meetings (the trend) with list sizes hidden, threshold 10 and both settings on.
HARD = [dict(topic="antibiotika", sizes=SIZES[:6], counts=[r[:6] for r in AB[:2]], missing={(1, 2)},
             consents=[{1, 3}, {3}], threshold=10, display="bands", over=False),
        dict(topic="antibiotika", sizes=SIZES, counts=AB[:2], missing=set(), consents=[set(), {0}], threshold=5,
             display="exact", over=True, extra={"kol": KOL[:2]}),
        dict(topic="kol", sizes=SIZES, counts=KOL, missing={(2, 4)}, missing_parts={(0, 3)},
             consents=[{2}, set(), set()], threshold=10, display="hidden", over=True)]


def _with_examples(test):
    for hard in reversed(HARD):
        test = example(hard)(test)
    return test


@settings(max_examples=9, deadline=None, derandomize=True, suppress_health_check=CHECK,
          phases=PHASES)
@_with_examples
@given(clusters(3, 12))
def test_printed_handouts_keep_every_hidden_count_hidden(case) -> None:
    play_printed(case)
