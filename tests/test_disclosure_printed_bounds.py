"""Printed intervals and rounded rates bound hidden counts too: the audit must count them, and the pack
must not give back what they pin down (issue 11, gap 1).

The member here reads only the anonymised JSON. For a rate per 1.000 listed patients, the printed value
and its exact Poisson interval are (count x scale / size) and (quantile(count) x scale / size), each rounded
to the printed step: their ratio does not depend on the list size, so it pins the count, and count / rate
then gives the list size back. The member tries every whole count and keeps those whose interval rounds to
the printed text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from attacker import PERIODS, add_meeting, make_cluster

from klyngedesk.core.anonymise import draw_codes, meeting_codes
from klyngedesk.core.anonymise.audit import SIZE_MARGIN, audit
from klyngedesk.core.anonymise.build import anonymised_with_disclosure
from klyngedesk.core.model import Clinic, Cluster, NewValue
from klyngedesk.core.packages import builtin_topic
from klyngedesk.core.stats.intervals import poisson_exact
from klyngedesk.core.store import Project

P0 = PERIODS[0].key
COUNTS = np.arange(0, 20000)
LOW, HIGH = poisson_exact(COUNTS.astype(float))


def counts_from_interval(row: dict, scale: float, step: float, band: tuple[float, float] | None
                         ) -> list[tuple[int, float, float]]:
    """Every whole count whose rate and interval could print as this row, with the list sizes it allows (the
    rate rounded to the nearest step, the interval's ends outward, as the page says)."""
    h = step / 2 + 1e-9 * max(1.0, abs(row["value"]))
    out = []
    for n in COUNTS[1:]:
        spans = [(n * scale / (row["value"] + h), n * scale / max(row["value"] - h, 1e-12))]
        for key, q, (below, above) in (("ci_low", LOW, (0, step)), ("ci_high", HIGH, (step, 0))):
            if row.get(key) is not None:   # interval ends are printed rounded outward
                spans.append((q[n] * scale / (row[key] + above + 1e-9), q[n] * scale / max(row[key] - below, 1e-12)))
        if band:
            spans.append(band)
        lo, hi = max(s[0] for s in spans), min(s[1] for s in spans)
        if lo <= hi:
            out.append((int(n), lo, hi))
    return out


def _cluster(tmp_path: Path, sizes: list[int], counts, display: str = "bands"):
    made = make_cluster(tmp_path / "c.klynge", "antibiotika", sizes, [counts], set(), 5, display, False)
    add_meeting(made.project, "m", date(2026, 3, 1), "antibiotika", P0, None)
    draw_codes(made.project, "m")
    return made


def _scale() -> float:
    return 1000 * 365.25 / PERIODS[0].days


def _pain_cluster(path: Path, sizes: list[int], tca: list[int], display: str) -> tuple[Project, dict]:
    """The pain topic; TCA users are counted in no share or composition, so their count is never printed."""
    project = Project.create(path, Cluster("Testklynge", "Testby", "Region Test", {
        "threshold": 5, "list_size_display": display, "overdispersion": False, "code_scheme": "letters"}))
    truth = {}
    with project.transaction():
        project.add_topic(builtin_topic("smerter"))
        project.add_period(PERIODS[0])
        values = []
        for i, (size, n) in enumerate(zip(sizes, tca, strict=True)):
            key = f"K{i:02d}"
            project.add_clinic(Clinic(key, f"Lægehuset Testvej {i + 1}", str(100000 + i)))
            truth[key] = (n, size)
            for measure, factor in (("tca_brugere", 1), ("morfin_brugere", 2), ("tramadol_brugere", 3),
                                    ("opioid_brugere", 7), ("ibuprofen_brugere", 4), ("nsaid_brugere", 9),
                                    ("gabapentin_brugere", 2)):
                values.append(NewValue(key, measure, P0, float(n * factor + (i if factor > 1 else 0))))
        project.set_list_sizes([(f"K{i:02d}", P0, s) for i, s in enumerate(sizes)])
        project.add_batch("generated", "", values, mapping="test", details={"kind": "test"})
    add_meeting(project, "m", date(2026, 3, 1), "smerter", P0, None)
    draw_codes(project, "m")
    return project, truth


@pytest.mark.parametrize("display", ["hidden", "bands"])
def test_a_printed_rate_interval_does_not_give_the_list_size_back(tmp_path: Path, display: str) -> None:
    """The count is never printed, the rate is (to 0,1 per 1.000 today) with its interval: 8 TCA users per
    1.000 patients prints 8,0 (3,5-15,8), which only a count of 8 gives, and 8 / 8,0 per 1.000 gives the
    list size to within 0,6 %. Every size the printed text allows must span at least 3 %."""
    sizes = [1000, 1800, 2500, 3300, 4100, 5200, 6100]
    project, truth = _pain_cluster(tmp_path / "c.klynge", sizes, [8, 16, 24, 33, 39, 49, 56], display)
    table, disclosure, left = anonymised_with_disclosure(project, "m", "smerter")
    rate = next(ind for ind in table.to_json()["indicators"] if ind["key"] == "tca_pr1000")
    clinic_of = {code: k for k, code in meeting_codes(project, "m").items()}
    step = rate["value_step"] or 0.0
    checked = 0
    for row in rate["rows"]:
        if row["value"] is None:
            continue
        n, size = truth[clinic_of[row["code"]]]
        band = tuple(float(x) for x in row["denominator_band"].split("–")) if row["denominator_band"] else None
        found = counts_from_interval(row, 1000.0, step, (band[0], band[1] + 1) if band else None)
        assert any(f[0] == n and f[1] <= size <= f[2] for f in found), "the member's attack is sound"
        low, high = min(f[1] for f in found), max(f[2] for f in found)
        assert high - low >= SIZE_MARGIN * size, (clinic_of[row["code"]], size, low, high, step)
        checked += 1
    assert checked >= 6
    assert not left and not audit([disclosure])
    project.close()


def test_a_count_hidden_in_a_share_is_not_given_back_by_its_rate_interval(tmp_path: Path) -> None:
    """K00's penicillin count is small, so its share row is hidden ("<5") and with it its antibiotic count
    (the share's denominator). Its antibiotic rate per 1.000 is still printed, with an interval: that
    interval must not pin the hidden antibiotic count to +/-1."""
    sizes = [2100, 2600, 3100, 3700, 4300, 4900, 5600]
    counts = [(41, [3]), (52, [20]), (61, [25]), (80, [30]), (95, [41]), (103, [45]), (120, [50])]
    made = _cluster(tmp_path, sizes, counts)
    table, disclosure, left = anonymised_with_disclosure(made.project, "m", "antibiotika")
    pack = table.to_json()
    clinic_of = {code: k for k, code in meeting_codes(made.project, "m").items()}
    share = {clinic_of[r["code"]]: r for r in next(i for i in pack["indicators"] if i["key"] == "pcv_andel")["rows"]}
    assert share["K00"]["suppressed"] and share["K00"]["denominator"] is None
    rate = next(ind for ind in pack["indicators"] if ind["key"] == "ab_pr1000")
    for row in rate["rows"]:
        clinic = clinic_of[row["code"]]
        if row["value"] is None or not share[clinic]["suppressed"]:
            continue
        band = tuple(float(x) for x in row["denominator_band"].split("–")) if row["denominator_band"] else None
        found = counts_from_interval(row, _scale(), rate["value_step"] or 0.0,
                                     (band[0], band[1] + 1) if band else None)
        true = made.truth[(P0, "ab_ordinationer", clinic)]
        assert min(f[0] for f in found) <= true <= max(f[0] for f in found)
        assert max(f[0] for f in found) - min(f[0] for f in found) >= 3, (clinic, true, found[:5])
    assert not audit([disclosure]) and not left
    made.project.close()


def test_the_group_handout_states_the_step_the_audit_chose(tmp_path: Path) -> None:
    """The reader is told how coarsely rates are printed and why, with the step the audit chose."""
    import pypdf

    from klyngedesk.core.formatting import format_number
    from klyngedesk.core.render.pack import build_pack

    project, _ = _pain_cluster(tmp_path / "c.klynge", [1000, 1800, 2500, 3300, 4100, 5200, 6100],
                               [8, 16, 24, 33, 39, 49, 56], "bands")
    table = anonymised_with_disclosure(project, "m", "smerter")[0]
    step = table.indicator("tca_pr1000").value_step
    assert step
    result = build_pack(project, "m", tmp_path / "out", lang="da")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(result.group).pages)
    text = " ".join(text.split())
    shown = format_number(step, 0 if step >= 1 else 1, "da")
    assert f"afrundet til nærmeste {shown}" in text and "listestørrelse" in text
    project.close()


def _size_ranges(pack: dict, clinic_of: dict[str, str], truth: dict, reader: str) -> dict[str, tuple[float, float]]:
    """What `reader` (knowing its own list size) can narrow every other clinic's list size to: count / rate
    and count / interval ends per clinic (counts from the share's printed denominators), and the cluster's
    total list size from the pooled rate over the total count, propagated until nothing changes."""
    scale, rate = _scale(), next(i for i in pack["indicators"] if i["key"] == "ab_pr1000")
    share = next(i for i in pack["indicators"] if i["key"] == "pcv_andel")
    counts = {clinic_of[r["code"] if r["clinic"] is None else r["clinic"]]: r["denominator"] for r in share["rows"]}
    step = rate["value_step"] or 0.0
    h = step / 2 + 1e-9
    low, high = LOW, HIGH
    ranges: dict[str, tuple[float, float]] = {}
    for r in rate["rows"]:
        c = clinic_of[r["code"] if r["clinic"] is None else r["clinic"]]
        n = counts.get(c)
        if c == reader:
            ranges[c] = (truth[(P0, "_ls", c)],) * 2
        elif n is None or r["value"] is None:
            ranges[c] = (0.0, float("inf"))
        else:
            spans = [(n * scale / (r["value"] + h), n * scale / max(r["value"] - h, 1e-12))]
            for key, q, (below, above) in (("ci_low", low, (0, step)), ("ci_high", high, (step, 0))):
                if r[key] is not None:   # interval ends are printed rounded outward
                    spans.append((q[int(n)] * scale / (r[key] + above + 1e-9),
                                  q[int(n)] * scale / max(r[key] - below, 1e-12)))
            ranges[c] = (max(s[0] for s in spans), min(s[1] for s in spans))
    if rate["pooled"] is not None and all(v is not None for v in counts.values()):
        total_n = sum(counts.values())
        total = (total_n * scale / (rate["pooled"] + h), total_n * scale / max(rate["pooled"] - h, 1e-12))
        for _ in range(5):
            for c in ranges:
                others = [ranges[o] for o in ranges if o != c]
                lo = total[0] - sum(o[1] for o in others)
                hi = total[1] - sum(o[0] for o in others)
                ranges[c] = (max(ranges[c][0], lo), min(ranges[c][1], hi))
    return ranges


@pytest.mark.parametrize("seed", range(4))
def test_no_reader_gets_a_list_size_back_from_rates_and_the_pooled_total(tmp_path: Path, seed: int) -> None:
    """Small clusters (3-5 clinics), some consenting to be named, list sizes hidden: every member, knowing its
    own size, combines each clinic's count / rate with the cluster's total count / pooled rate; no other
    clinic's list size may be narrowed to less than 3 %."""
    rng = np.random.default_rng(seed)
    n = 3 + seed % 3
    sizes = [int(s) for s in rng.integers(1200, 7000, n)]
    counts = [(int(s * rng.uniform(0.02, 0.05)), [int(s * rng.uniform(0.005, 0.015))]) for s in sizes]
    made = make_cluster(tmp_path / "c.klynge", "antibiotika", sizes, [counts], set(), 5, "hidden", False)
    add_meeting(made.project, "m", date(2026, 3, 1), "antibiotika", P0, None)
    draw_codes(made.project, "m")
    consenting = sorted(made.names)[: seed % 3]
    for k in consenting:
        made.project.set_consent("m", k, True)
    table, _, left = anonymised_with_disclosure(made.project, "m", "antibiotika")
    pack = table.to_json()
    clinic_of = {code: k for k, code in meeting_codes(made.project, "m").items()} | {made.names[k]: k for k in consenting}
    assert not left
    for reader in sorted(made.names):
        for c, (lo, hi) in _size_ranges(pack, clinic_of, made.truth, reader).items():
            size = made.truth[(P0, "_ls", c)]
            if c != reader:
                assert lo <= size + 1e-6 and hi >= size - 1e-6
                assert hi - lo >= SIZE_MARGIN * size, (reader, c, size, lo, hi)
    made.project.close()


def test_interval_ends_are_rounded_outward_so_they_still_hold_the_interval(tmp_path: Path) -> None:
    """With a coarse step, a narrow interval rounded to the nearest step printed "20 to 20": the ends are
    rounded outward instead, and the printed interval holds the true one (and the pooled one too). (Where
    the audit leaves a rate's clinic intervals out, only the pooled one is printed.)"""
    from klyngedesk.core.collate.collate import collate

    project, _ = _pain_cluster(tmp_path / "c.klynge", [1000, 1800, 2500, 3300, 4100, 5200, 6100],
                               [8, 16, 24, 33, 39, 49, 56], "bands")
    table = anonymised_with_disclosure(project, "m", "smerter")[0]
    true = collate(project, "smerter", P0, None)
    codes = meeting_codes(project, "m")
    checked = 0
    for ind in table.indicators:
        if not ind.value_step:
            continue
        t = true.indicator(ind.key)
        assert ind.pooled_ci_low <= t.pooled_ci_low + 1e-9 and ind.pooled_ci_high >= t.pooled_ci_high - 1e-9
        assert ind.pooled_ci_low < ind.pooled_ci_high
        checked += 1
        rows = {codes[r.clinic]: r for r in t.rows}
        for r in ind.rows:
            if r.ci_low is not None:
                assert r.ci_low <= rows[r.code].ci_low + 1e-9 and r.ci_high >= rows[r.code].ci_high - 1e-9
                assert r.ci_low < r.ci_high
                checked += 1
    assert checked
    project.close()
