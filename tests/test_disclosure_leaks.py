"""The leaks of issue 11, items 2-4, each played as the member who keeps every pack would play it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pypdf
import pytest
from attacker import PERIODS, Attacker, add_meeting, make_cluster

from klyngedesk.core.anonymise import anonymised_table, draw_codes, meeting_codes
from klyngedesk.core.render.pack import build_pack

P0, P1 = PERIODS[0].key, PERIODS[1].key


def _cluster(tmp_path: Path, counts, *, sizes=None, missing=(), display="bands", over=False, threshold=5):
    sizes = sizes or [1500 + 700 * i for i in range(len(counts[0]))]
    return make_cluster(tmp_path / "c.klynge", "antibiotika", sizes, counts, set(missing), threshold, display, over)


def _codes_to_clinics(project, meeting: str, names: dict[str, str]) -> dict[str, str]:
    codes = meeting_codes(project, meeting)
    consenting = project.consents(meeting)
    return {code: k for k, code in codes.items()} | {names[k]: k for k in consenting}


def test_a_missing_round_does_not_give_a_hidden_count_back(tmp_path: Path) -> None:
    """K00 has no baseline round: the cluster change's totals cover one clinic fewer than the pooled value
    (355 - 352 = 3 in the issue). Its small current count must keep a range of at least 4 values."""
    cur = [(40, [3]), (60, [30]), (55, [25]), (70, [35]), (65, [33]), (80, [41])]
    base = [(0, [0]), (62, [28]), (50, [22]), (72, [30]), (66, [35]), (75, [40])]
    made = _cluster(tmp_path, [base, cur], missing={(0, 0)})
    add_meeting(made.project, "m1", date(2026, 3, 1), "antibiotika", P1, P0)
    draw_codes(made.project, "m1")
    pack = anonymised_table(made.project, "m1", "antibiotika").to_json()
    attacker = Attacker(made.truth)
    attacker.keep(pack, "antibiotika", _codes_to_clinics(made.project, "m1", made.names))
    assert (P1, "pcv_ordinationer", "K00") in attacker.hidden
    assert attacker.pinned([None, *sorted(made.names)]) == []
    made.project.close()


def test_adjusted_funnel_limits_do_not_depend_on_how_hidden_counts_split(tmp_path: Path) -> None:
    """With the overdispersion adjustment, tau^2 over every clinic (hidden ones too) left one assignment of
    the hidden counts. Two clusters that differ only in how hidden counts split must print the same limits."""
    limits = []
    for k0, k1 in ((2, 7), (4, 5)):   # K00 small, K01 hidden beside it; same total
        cur = [(40, [k0]), (45, [k1]), (55, [5]), (70, [50]), (65, [20]), (80, [60]), (90, [30])]
        folder = tmp_path / f"c{k0}"
        folder.mkdir()
        made = _cluster(folder, [cur], over=True)
        add_meeting(made.project, "m", date(2026, 3, 1), "antibiotika", P0, None)
        draw_codes(made.project, "m")
        table = anonymised_table(made.project, "m", "antibiotika")
        by_clinic = {k: c for c, k in _codes_to_clinics(made.project, "m", made.names).items()}
        ind = table.indicator("pcv_andel")
        rows = {r.code: r for r in ind.rows}
        shown = {k: rows[c].funnel for k, c in by_clinic.items() if not rows[c].suppressed}
        limits.append((frozenset(k for k, c in by_clinic.items() if rows[c].suppressed), shown))
        made.project.close()
    assert "K00" in limits[0][0] and limits[0][0] == limits[1][0]
    assert limits[0][1] == limits[1][1]


def test_complementary_cells_are_marked_hidden_not_small(tmp_path: Path) -> None:
    """A count hidden only to protect another (true count 5 or more) is "skjult" with its reason, never
    "<5" beside a legend saying that 1-4 are shown as <5."""
    cur = [(40, [3]), (45, [8]), (55, [25]), (70, [35]), (65, [33]), (80, [41])]
    made = _cluster(tmp_path, [cur])
    add_meeting(made.project, "m", date(2026, 3, 1), "antibiotika", P0, None)
    draw_codes(made.project, "m")
    table = anonymised_table(made.project, "m", "antibiotika")
    clinic_of = _codes_to_clinics(made.project, "m", made.names)
    rows = [(r, made.truth[(P0, "pcv_ordinationer", clinic_of[r.code])]) for r in table.indicator("pcv_andel").rows]
    assert any(r.suppressed and true >= 5 for r, true in rows)
    for r, true in rows:
        if r.suppressed:
            assert r.hidden_reason == ("small" if 0 < true < 5 else "protect")
    result = build_pack(made.project, "m", tmp_path / "out", lang="da")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(result.group).pages)
    assert "skjult" in text and "kan være store, små eller 0" in text
    made.project.close()


def test_a_count_and_its_rate_do_not_give_the_list_size_back(tmp_path: Path) -> None:
    """With list sizes in bands, 36 / 29,2 per 1.000 gave 1.233 back. Every list size the printed counts
    and rates allow must span at least 3 % of the size."""
    cur = [(36 + 7 * i, [10 + i]) for i in range(8)]
    made = _cluster(tmp_path, [cur], sizes=[1233 + 411 * i for i in range(8)])
    add_meeting(made.project, "m", date(2026, 3, 1), "antibiotika", P0, None)
    draw_codes(made.project, "m")
    pack = anonymised_table(made.project, "m", "antibiotika").to_json()
    clinic_of = _codes_to_clinics(made.project, "m", made.names)
    counts = {}   # every ab count printed anywhere (as a numerator, or as the share's denominator)
    for ind in pack["indicators"]:
        for r in ind["rows"]:
            key = "numerator" if ind["key"] == "ab_pr1000" else "denominator"
            if r[key] is not None:
                counts[clinic_of[r["code"]]] = r[key]
    rate = next(ind for ind in pack["indicators"] if ind["key"] == "ab_pr1000")
    step = rate.get("value_step") or 0.0
    scale = 1000 * 365.25 / PERIODS[0].days
    checked = 0
    for r in rate["rows"]:
        clinic = clinic_of[r["code"]]
        if r["value"] is None or clinic not in counts:
            continue
        size = made.truth[(P0, "_ls", clinic)]
        low, high = counts[clinic] * scale / (r["value"] + step / 2), counts[clinic] * scale / max(r["value"] - step / 2, 1e-9)
        assert low <= size + 1e-6 and high >= size - 1e-6
        assert high - low >= 0.03 * size, (clinic, low, high, size)
        checked += 1
    assert checked >= 6
    made.project.close()


def _named_then_withdrawn(tmp_path: Path):
    """K05 alone in the 8.000-9.999 band, and K02, are shown by name at m0 and withdraw at m1."""
    base = [(60 + 5 * i, [20 + 3 * i]) for i in range(6)]
    cur = [(63 + 4 * i, [22 + 2 * i]) for i in range(6)]
    made = _cluster(tmp_path, [base, cur], sizes=[2100, 2600, 3100, 4200, 4700, 8900])
    add_meeting(made.project, "m0", date(2026, 1, 1), "antibiotika", P0, None)
    add_meeting(made.project, "m1", date(2026, 6, 1), "antibiotika", P1, P0)
    draw_codes(made.project, "m0")
    for k in ("K02", "K05"):
        made.project.set_consent("m0", k, True)
    first = build_pack(made.project, "m0", tmp_path / "out", lang="da")
    draw_codes(made.project, "m1")
    return made, first


def test_values_printed_with_a_name_earlier_do_not_link_the_code_later(tmp_path: Path) -> None:
    """K02 was shown by name at m0; at m1 it does not consent. Its m0 values (now the baseline) must not be
    printed beside its new code (the coordinator's default: the baseline column is left out)."""
    made, _ = _named_then_withdrawn(tmp_path)
    m0 = anonymised_table(made.project, "m0", "antibiotika").to_json()
    named = {ind["key"]: next(r["value"] for r in ind["rows"] if r["clinic"] == made.names["K02"])
             for ind in m0["indicators"]}
    m1 = anonymised_table(made.project, "m1", "antibiotika").to_json()
    code = meeting_codes(made.project, "m1")["K02"]
    for ind in m1["indicators"]:
        row = next(r for r in ind["rows"] if r["code"] == code)
        assert row["clinic"] is None
        assert row["baseline_value"] is None or row["baseline_value"] != pytest.approx(named[ind["key"]])
    made.project.close()


def test_the_report_names_a_clinic_alone_in_its_band_and_one_that_withdrew(tmp_path: Path) -> None:
    from klyngedesk.core.anonymise.disclosure_report import disclosure_report

    made, first = _named_then_withdrawn(tmp_path)
    report = disclosure_report(made.project, "m1", "da")
    reasons = {(f.clinic, f.reason) for f in report.findings}
    assert ("K05", "unique_size") in reasons
    assert ("K02", "consent_withdrawn") in reasons and ("K05", "consent_withdrawn") in reasons
    text = "\n".join(report.lines("da"))
    assert made.names["K05"] in text and "listestørrelse" in text and "Tilbage er denne risiko" in text
    assert first.disclosure is not None   # the first pack's own report came with it
    made.project.close()
