"""Anonymisation: code draws, consents, the identity-free table, suppression that resists arithmetic, leaks."""

from __future__ import annotations

import dataclasses
import json
import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klyngedesk.cli.main import main
from klyngedesk.core.anonymise import (
    AnonymisedComposition,
    AnonymisedIndicator,
    AnonymisedRow,
    AnonymisedTable,
    IdentityLeak,
    LeakChecker,
    anonymise,
    anonymised_table,
    check_no_leak,
    code_label,
    draw_codes,
    freeze_codes,
    leak_checker,
    meeting_codes,
    new_codes,
)
from klyngedesk.core.anonymise.build import list_size_band
from klyngedesk.core.anonymise.leak import distinctive_words
from klyngedesk.core.collate import collate
from klyngedesk.core.collate.table import (
    ClinicRow,
    Composition,
    CompositionPart,
    IndicatorResult,
    IndicatorTable,
)
from klyngedesk.core.stats.change import change_sentence
from klyngedesk.core.stats.special import gamma_ppf
from klyngedesk.i18n import KlyngeError

IDENTITY_FIELDS = {"clinic", "clinic_key", "yder", "doctors", "doctor", "address", "email", "ehr_system",
                   "clinic_names", "notes"}


def chi2_critical(df: int, p: float = 0.999) -> float:
    return 2 * float(gamma_ppf(p, np.array([df / 2]))[0])


# --- codes ----------------------------------------------------------------------------------------------


def test_code_labels() -> None:
    assert [code_label(i) for i in (0, 25, 26, 27, 51, 52, 701, 702)] == ["A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]
    assert [code_label(i, "numbers") for i in (0, 9)] == ["1", "10"]


def test_code_draws_are_uniform_and_independent_of_name_order() -> None:
    """3,500 draws for 14 clinics given in alphabetical name order: every clinic gets every code about
    equally often (chi-square over the 14 x 14 table), and the first-named clinic is not favoured.

    Seeded (the program itself always uses `secrets`): a chi-square test at p = 0.999 on live randomness
    fails one run in a thousand by design; on a fixed sequence it passes or fails the same every time."""
    rng = random.Random(20261201)
    clinics = [f"K{i:02d}" for i in range(1, 15)]  # key order = name order = import order here
    draws = 3500
    table = np.zeros((14, 14))
    first_gets_a = 0
    for _ in range(draws):
        codes = new_codes(clinics, rng=rng)
        for i, c in enumerate(clinics):
            table[i, ord(codes[c]) - 65] += 1
        first_gets_a += codes[clinics[0]] == "A"
    expected = draws / 14
    chi2 = float(((table - expected) ** 2 / expected).sum())
    assert chi2 < chi2_critical(13 * 13)  # independence table: (r-1)(c-1) degrees of freedom
    # Codes do not follow name order: Spearman-like correlation of name rank and code rank averages ~0.
    ranks = np.arange(14)
    mean_code_rank = (table * ranks[None, :]).sum(1) / draws
    assert np.all(np.abs(mean_code_rank - 6.5) < 0.5)
    assert abs(first_gets_a / draws - 1 / 14) < 0.02


def test_input_order_cannot_leak_into_codes() -> None:
    clinics = [f"K{i:02d}" for i in range(1, 30)]
    a = new_codes(clinics, rng=random.Random(7))
    b = new_codes(list(reversed(clinics)), rng=random.Random(7))
    assert a == b and sorted(a.values(), key=lambda c: (len(c), c)) == [code_label(i) for i in range(29)]


def test_draw_keep_and_freeze(demo_project) -> None:
    with pytest.raises(KlyngeError):
        meeting_codes(demo_project, "2026-12")
    kept = draw_codes(demo_project, "2026-12", keep_from="2026-03")
    assert kept == meeting_codes(demo_project, "2026-03")
    fresh = draw_codes(demo_project, "2026-12", scheme="numbers")
    assert sorted(fresh.values(), key=int) == [str(i) for i in range(1, 15)]
    freeze_codes(demo_project, "2026-12")
    with pytest.raises(KlyngeError):
        draw_codes(demo_project, "2026-12")
    with pytest.raises(KlyngeError):  # the demo's first meeting was printed: frozen
        draw_codes(demo_project, "2026-03")


# --- the identity-free type -----------------------------------------------------------------------------


def test_anonymised_types_have_no_identity_fields() -> None:
    for cls in (AnonymisedRow, AnonymisedIndicator, AnonymisedComposition, AnonymisedTable):
        assert not {f.name for f in dataclasses.fields(cls)} & IDENTITY_FIELDS, cls


def test_meeting_table_shows_codes_and_consenting_names_only(demo_project) -> None:
    table = anonymised_table(demo_project, "2026-03", "smerter")
    names = {c.key: c.name for c in demo_project.clinics()}
    consenting = {names["K04"], names["K05"]}
    labels = set(table.labels())
    assert consenting <= labels and len(labels) == 14
    assert all(lab in consenting or lab.isalpha() and lab.isupper() for lab in labels)
    for ind in table.indicators:  # rows in code order, never in name order
        codes = [r.code for r in ind.rows]
        assert codes == sorted(codes, key=lambda c: (len(c), c))
    leak_checker(demo_project, "2026-03").check(table.texts())


def test_list_sizes_in_bands_or_hidden(demo_project) -> None:
    rows = anonymised_table(demo_project, "2026-03", "smerter").indicator("morfin_pr1000").rows
    assert all(r.denominator is None and r.denominator_band for r in rows)
    assert list_size_band(4321) == "4000–5999"
    demo_project.set_setting("list_size_display", "hidden")
    rows = anonymised_table(demo_project, "2026-03", "smerter").indicator("morfin_pr1000").rows
    assert all(r.denominator is None and r.denominator_band is None for r in rows)


def test_small_counts_are_suppressed_in_the_demo(demo_project) -> None:
    ident = {(ind.key, r.clinic): r for ind in collate(demo_project, "smerter", "2025H2").indicators
             for r in ind.rows}
    small = [k for k, r in ident.items() if r.numerator is not None and 0 < r.numerator < 5]
    assert small  # the demo's solo clinic has few morfin users
    table = anonymised_table(demo_project, "2026-03", "smerter")
    codes = meeting_codes(demo_project, "2026-03")
    for key, clinic in small:
        row = next(r for r in table.indicator(key).rows if r.code == codes[clinic])
        assert row.numerator is None and row.value is None and row.suppressed
    for ind in table.indicators:  # never one or two hidden counts against a shown total (the other could subtract)
        hidden = sum(r.numerator is None for r in ind.rows)
        assert hidden == 0 or hidden >= 3 or ind.pooled is None, ind.key


# --- leak check -----------------------------------------------------------------------------------------


def test_leak_check_finds_every_kind_of_identity(demo_project) -> None:
    k01 = demo_project.clinic("K01")
    k01 = dataclasses.replace(k01, ehr_system="Clinea Solo")   # an EHR system only K01 uses identifies it
    demo_project.update_clinic(k01)
    checker = leak_checker(demo_project, "2026-03")
    word = distinctive_words(k01.name)[0]
    yder_dotted = f"{k01.yder[:3]}.{k01.yder[3:]}"
    for text in (k01.name, f"praksis ved {word.upper()}", yder_dotted, k01.doctors[0], k01.address.split(",")[0],
                 k01.email, f"eksporteret fra {k01.ehr_system}"):
        hits = checker.find(f"Figur 3: {text} ligger højt.")
        assert any(h.clinic == "K01" for h in hits), text
        with pytest.raises(IdentityLeak):
            check_no_leak(["ok", f"… {text} …"], demo_project, "2026-03")
    assert checker.find("Lægehuset og praksis, klinikken") == []
    k04 = demo_project.clinic("K04")
    assert not [h for h in checker.find(f"Tak til {k04.name}") if h.clinic == "K04"]  # consented: may be named
    assert [h for h in checker.find(k04.yder) if h.kind == "yder"]  # ... but never by yder number


def test_leak_check_treats_any_whitespace_as_one_space(demo_project) -> None:
    """PDF text extraction wraps names over lines. A consenting clinic's wrapped name is still its name (K04
    "Lægehuset Torvet" consented; K07 "Lægeklinikken Torvet" did not and shares the word "Torvet"), while a
    non-consenting clinic's name or doctor split over a line break is still caught."""
    checker = leak_checker(demo_project, "2026-03")
    k04, k07 = demo_project.clinic("K04"), demo_project.clinic("K07")
    for wrapped in ("Lægehuset\nTorvet", "Lægehuset \n  Torvet", "Lægehuset\u00a0Torvet", "Lægehuset\tTorvet"):
        assert checker.find(f"Tak til {wrapped} for data.") == [], wrapped
    first, last = k07.doctors[0].split(" ", 1)
    for text in ("Tak til Lægeklinikken\nTorvet.", "Lægehuset Torvet og Lægeklinikken \n Torvet",
                 f"oplyst af {first}\n{last}", f"{k04.name}\n{k07.name}"):
        assert any(h.clinic == "K07" for h in checker.find(text)), text
    assert checker.find(f"{k04.name} og {k07.name}") == checker.find(f"{k04.name}\nog\n{k07.name}")
    personal = leak_checker(demo_project, allowed=["Lægeklinikken Torvet"])
    assert not [h for h in personal.find("Lægeklinikken\nTorvet") if h.kind.startswith("name")]


def test_an_allowed_name_never_covers_a_longer_identity() -> None:
    """A consenting clinic's name inside a non-consenting clinic's longer name forgives nothing."""
    from klyngedesk.core.model import Clinic

    named, other = Clinic("A", "Lægehuset Nordby", "111111"), Clinic("B", "Lægehuset Nordby 2", "222222")
    checker = LeakChecker([named, other], consenting={"A"})
    assert checker.find("Tak til Lægehuset Nordby.") == []
    assert [h.clinic for h in checker.find("Tak til Lægehuset\nNordby 2.")] == ["B"]
    assert [h.clinic for h in checker.find("yder 222 222")] == ["B"]


def test_cli_anonymised_output_passes_the_leak_check(demo_path, capsys) -> None:
    args = ["collate", str(demo_path), "--topic", "smerter", "--period", "2025H2", "--meeting", "2026-03", "--anonymised"]
    assert main([*args, "--json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    from klyngedesk.core.store import Project

    with Project.open(demo_path, readonly=True) as project:
        leak_checker(project, "2026-03").check(out)
        names = {project.clinic(k).name for k in ("K04", "K05")}
    rows = [r for ind in data["indicators"] for r in ind["rows"]]
    assert {r["clinic"] for r in rows} == names | {None}
    assert all(r["code"] for r in rows)
    assert any(r["suppressed"] and r["numerator"] is None and r["denominator"] is None for r in rows)
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "under 5 tilfælde" in text and "<5" not in text   # a rate column: a bare "<5" reads as a rate under 5
    with Project.open(demo_path, readonly=True) as project:
        leak_checker(project, "2026-03").check(text)


def test_anonymised_collate_refuses_without_a_draw(demo_path) -> None:
    assert main(["collate", str(demo_path), "--topic", "kol", "--period", "2026H1", "--meeting", "2026-12",
                 "--anonymised"]) == 1


def test_a_leak_stops_anonymised_output(demo_project) -> None:
    k07 = demo_project.clinic("K07")
    from klyngedesk.core.model import ReferenceValue

    demo_project.add_reference(ReferenceValue("morfin_pr1000", "region", 4.0, f"Oplyst af {k07.doctors[0]}"))
    with pytest.raises(IdentityLeak):
        anonymised_table(demo_project, "2026-03", "smerter")


# --- suppression against arithmetic: the attacker ---------------------------------------------------------

def _table(a, b, o, lists, a0, b0, o0, lists0) -> IndicatorTable:
    """A synthetic identified table: rates of a and b per 1000 listed, the share of a among t = a + b + o,
    the composition a / b / others of t, in two rounds."""
    clinics = [f"C{i}" for i in range(len(a))]
    t, t0 = [x + y + z for x, y, z in zip(a, b, o, strict=True)], [x + y + z for x, y, z in zip(a0, b0, o0, strict=True)]

    def rows(num, den, num0, den0, scale):
        out = []
        for i, c in enumerate(clinics):
            v = num[i] / den[i] * scale if den[i] else None
            v0 = num0[i] / den0[i] * scale if den0[i] else None
            out.append(ClinicRow(c, float(num[i]), float(den[i]), v, None, None, None, False, None, None,
                                 float(num0[i]), float(den0[i]), v0, None))
        return tuple(out)

    def ind(key, num_m, den_m, kind, unit, rs):
        vals = [r.value for r in rs if r.value is not None]
        return IndicatorResult(key, key, unit, None, "x", float(np.mean(vals)) if vals else None, None, None,
                               None, None, None, None, None, len(vals), (), None, rs, numerator_measure=num_m,
                               denominator_measure=den_m, denominator_kind=kind)

    inds = (ind("a_rate", "a", None, "list_size", "per1000", rows(a, lists, a0, lists0, 1000)),
            ind("b_rate", "b", None, "list_size", "per1000", rows(b, lists, b0, lists0, 1000)),
            ind("a_share", "a", "t", "measure", "percent", rows(a, t, a0, t0, 100)))
    counts = {c: (float(a[i]), float(b[i]), float(o[i])) for i, c in enumerate(clinics)}
    comp = Composition("g", "g", "t", (CompositionPart("a", "a"), CompositionPart("b", "b"),
                                        CompositionPart("_other", "o")),
                       shares={c: tuple(x / t[i] * 100 if t[i] else None for x in counts[c])
                               for i, c in enumerate(clinics)},
                       counts=counts, totals={c: float(t[i]) for i, c in enumerate(clinics)}, cluster=(None, None, None))
    return IndicatorTable("x", "x", "P1", "P1", "P0", "P0", inds, (comp,))


def _attack(anon, truth: dict, lists: list[int], lists0: list[int], codes: dict[str, str],
            reader: int | None = None) -> dict:
    """Everything a reader can work out exactly from the group output, knowing every printed cluster total
    and (worst case) every list size: shown counts, counts behind shown rates and shares (also a baseline
    share's total from its baseline count), composition counts, then repeatedly 'total minus the rest', 'before/after' and 'remainders' until nothing new follows.
    `reader` is the index of the clinic reading, which knows all of its own true counts (None: an outsider)."""
    by_code = {v: k for k, v in codes.items()}
    known: dict = {c: v for c, v in truth.items() if c[2] == reader}
    rate_a, rate_b, share = (anon.indicator(k) for k in ("a_rate", "b_rate", "a_share"))
    for ind, m in ((rate_a, "a"), (rate_b, "b")):
        for r in ind.rows:
            i = int(by_code[r.code][1:])
            if r.numerator is not None:
                known[("cur", m, i)] = r.numerator
            if r.value is not None:
                known[("cur", m, i)] = round(r.value * lists[i] / 1000, 6)
            if r.baseline_value is not None:
                known[("base", m, i)] = round(r.baseline_value * lists0[i] / 1000, 6)
    for r in share.rows:
        i = int(by_code[r.code][1:])
        if r.numerator is not None:
            known[("cur", "a", i)] = r.numerator
        if r.denominator is not None:
            known[("cur", "t", i)] = r.denominator
        if r.baseline_value and ("base", "a", i) in known:  # the baseline share and count give its total
            known[("base", "t", i)] = round(known[("base", "a", i)] * 100 / r.baseline_value, 6)
    comp = anon.compositions[0]
    for label, shares in comp.shares:
        code = label if label in by_code else None
        if code and all(s is not None for s in shares) and ("cur", "t", int(by_code[code][1:])) in known:
            i = int(by_code[code][1:])
            for m, s in zip(("a", "b", "o"), shares, strict=True):
                known[("cur", m, i)] = round(s * known[("cur", "t", i)] / 100, 6)
    n = len(lists)
    equations = []  # (cells, total) with sum(cells) == total
    # The totals a pooled value (with its interval) gives away; the table has no cluster change, so no
    # baseline totals are printed.
    published = {("cur", "a"): rate_a.pooled is not None or share.pooled is not None,
                 ("cur", "b"): rate_b.pooled is not None, ("cur", "t"): share.pooled is not None}
    for rnd in ("cur", "base"):
        for m in ("a", "b", "o", "t"):
            if published.get((rnd, m)):
                equations.append(([(rnd, m, i) for i in range(n)], sum(truth[(rnd, m, i)] for i in range(n))))
        for i in range(n):  # t = a + b + o per clinic
            equations.append(([(rnd, "a", i), (rnd, "b", i), (rnd, "o", i), (rnd, "t", i, "neg")], 0))
    changed = True
    while changed:
        changed = False
        for cells, total in equations:
            vals = [(-known[c[:3]] if len(c) == 4 else known[c]) if c[:3] in known else None for c in cells]
            unknown = [c for c, v in zip(cells, vals, strict=True) if v is None]
            if len(unknown) == 1:
                rest = sum(v for v in vals if v is not None)
                c = unknown[0]
                known[c[:3]] = round(-(total - rest) if len(c) == 4 else total - rest, 6)
                changed = True
    return known


counts = st.integers(0, 12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(3, 7).flatmap(lambda n: st.tuples(*[st.lists(counts, min_size=n, max_size=n) for _ in range(6)],
                                                     st.lists(st.integers(800, 3000), min_size=n, max_size=n))),
       st.randoms(use_true_random=False), st.sampled_from([3, 5, 10]))
def test_suppressed_counts_cannot_be_recovered(data, rnd, threshold) -> None:
    a, b, o, a0, b0, o0, lists = data
    lists0 = [x + 7 for x in lists]
    table = _table(a, b, o, lists, a0, b0, o0, lists0)
    clinics = [f"C{i}" for i in range(len(a))]
    codes = new_codes(clinics, rng=rnd)
    anon = anonymise(table, codes, meeting="m", threshold=threshold, list_size_display="exact")
    truth = {}
    for i in range(len(a)):
        for rnd_, vals in (("cur", (a, b, o)), ("base", (a0, b0, o0))):
            for m, v in zip(("a", "b", "o"), vals, strict=True):
                truth[(rnd_, m, i)] = v[i]
            truth[(rnd_, "t", i)] = vals[0][i] + vals[1][i] + vals[2][i]
    small = [c for c, v in truth.items() if 0 < v < threshold]
    for reader in (None, *range(len(a))):  # an outsider, then each clinic knowing its own true counts
        known = _attack(anon, truth, lists, lists0, codes, reader)
        for cell, value in known.items():
            assert abs(value - truth[cell]) < 1e-6, cell  # the attack itself is sound
        recovered = [c for c in small if c in known and c[2] != reader]
        assert not recovered, (reader, recovered, a, b, o, a0, b0, o0)


def test_a_clinic_knowing_its_own_counts_cannot_recover_another_hidden_count() -> None:
    """The share a / t is shown with exact denominators and the pooled value; clinic 0 has a = 2. Hiding it
    and one more clinic's count is enough against an outsider, but the other hidden clinic knows its own
    count and would subtract: every relation holding a small hidden count needs three hidden cells."""
    a, b, o = [2, 20, 30, 40, 50], [30, 25, 35, 45, 55], [10, 12, 14, 16, 18]
    lists = [1500, 1600, 1700, 1800, 1900]
    lists0 = [x + 7 for x in lists]
    table = _table(a, b, o, lists, a, b, o, lists0)
    codes = {f"C{i}": code_label(i) for i in range(5)}
    anon = anonymise(table, codes, meeting="m", threshold=5, list_size_display="exact")
    for key in ("a_rate", "a_share"):
        ind = anon.indicator(key)
        assert ind.pooled is None or sum(r.numerator is None for r in ind.rows) >= 3, key
    truth = {(rnd, m, i): v[i] for i in range(5) for rnd in ("cur", "base")
             for m, v in (("a", a), ("b", b), ("o", o), ("t", [x + y + z for x, y, z in zip(a, b, o, strict=True)]))}
    for reader in range(1, 5):
        known = _attack(anon, truth, lists, lists0, codes, reader)
        assert ("cur", "a", 0) not in known and ("base", "a", 0) not in known, reader


def test_a_withheld_pooled_value_takes_its_funnel_limits_along(monkeypatch) -> None:
    """Funnel limits and flags are centred on the pooled value: where it is withheld, they go too (even if
    a row were shown)."""
    from klyngedesk.core.anonymise import build
    from klyngedesk.core.anonymise.suppression import Suppression
    from klyngedesk.core.collate.table import Funnel

    table = _table([6, 7, 8], [9, 8, 7], [5, 6, 7], [1500, 1600, 1700], [6, 7, 8], [9, 8, 7], [5, 6, 7],
                   [1507, 1607, 1707])
    rows = tuple(dataclasses.replace(r, funnel=Funnel(0.1, 2.0, 0.05, 3.0), flag="above_95")
                 for r in table.indicators[0].rows)
    table = dataclasses.replace(table, indicators=(dataclasses.replace(table.indicators[0], rows=rows),
                                                   *table.indicators[1:]))
    monkeypatch.setattr(build, "suppress", lambda problem, **_: Suppression(
        frozenset(), frozenset(), frozenset({("cur", "a_rate", "num")})))
    codes = {f"C{i}": code_label(i) for i in range(3)}
    ind = anonymise(table, codes, meeting="m", threshold=5, list_size_display="exact",
                    audited=False).indicator("a_rate")
    assert ind.pooled is None and all(r.value is not None for r in ind.rows)
    assert all(r.funnel is None and r.flag is None for r in ind.rows)


def test_town_words_shared_with_the_cluster_name_are_not_leaks(demo_project) -> None:
    from klyngedesk.core.model import Clinic

    demo_project.add_clinic(Clinic("K99", "Lægehuset Fjordby Midt", "555555"))
    checker = leak_checker(demo_project)
    assert not checker.find("Fjordby Klynge, møde i Fjordby Sundhedshus")
    assert checker.find("Tak til Lægehuset Fjordby Midt") and checker.find("midt i byen: Midt")


def test_follow_up_meeting_shows_change_only_where_both_rounds_are_shown(demo_project) -> None:
    draw_codes(demo_project, "2026-12")
    demo_project.set_consent("2026-12", "K03", True)
    table = anonymised_table(demo_project, "2026-12", "smerter")
    assert table.compare == "2025H2" and table.period == "2026H1"
    ident = collate(demo_project, "smerter", "2026H1", "2025H2")
    codes = meeting_codes(demo_project, "2026-12")
    for ind in table.indicators:
        assert ind.sentence["da"].startswith("Klyngens ")
        for row in ind.rows:
            if row.value is None or row.suppressed or row.baseline_suppressed:
                assert row.change is None and row.baseline_value is None
            else:
                key = next(k for k, c in codes.items() if c == row.code)
                true = ident.indicator(ind.key).row(key).change
                if ind.value_step is None:
                    assert row.change == true
                else:  # rates of list-size indicators are rounded so that no list size is given back, and the
                    # clinic's change is the one its printed rates give (an exact ratio would give it back)
                    assert abs(row.change.ratio - row.change.value / row.change.baseline_value) <= 0.005 + 1e-9
                    assert abs(row.change.value - true.value) <= ind.value_step / 2 + 1e-9
    assert demo_project.clinic("K03").name in table.labels()
    leak_checker(demo_project, "2026-12").check(table.texts())


def test_change_sentences_say_ki_in_danish_and_ci_in_english(demo_project) -> None:
    """Danish for a confidence interval is "konfidensinterval": the group reads "95 %-KI", never "CI"."""
    draw_codes(demo_project, "2026-12")
    table = anonymised_table(demo_project, "2026-12", "antibiotika")
    sentences = [ind.sentence for ind in table.indicators if ind.sentence]
    assert sentences
    for rel, low, high in ((-0.43, -0.5, -0.35), (0.12, 0.03, 0.22), (0.02, -0.05, 0.09)):  # fell, rose, unchanged
        sentences.append({lang: change_sentence("forbruget", rel, low, high, "2025H2", "2026H1", lang)
                          for lang in ("da", "en")})
    for sentence in sentences:
        assert "95 %-KI " in sentence["da"] and "CI" not in sentence["da"], sentence["da"]
        assert "95% CI " in sentence["en"] and "KI" not in sentence["en"], sentence["en"]


@pytest.mark.parametrize(("current", "lang", "others"), [("en", "da", "Øvrige"), ("da", "en", "Others")])
def test_composition_others_follow_the_callers_language(demo_project, current, lang, others) -> None:
    """The pack renders with an explicit language; the "others" of a composition must not follow whatever
    language the program happens to run in."""
    from klyngedesk.i18n import current_language, set_language

    before = current_language()
    set_language(current)
    try:
        table = anonymised_table(demo_project, "2026-03", "smerter", lang=lang)
    finally:
        set_language(before)
    assert any(len(c.parts) > 2 for c in table.compositions)  # morfin / tramadol / others
    assert all(c.parts[-1] == others for c in table.compositions)
    assert all({"Others", "Øvrige"}.isdisjoint(c.parts[:-1]) for c in table.compositions)


def test_stored_draws_do_not_follow_the_name_order(demo_project, monkeypatch) -> None:
    from klyngedesk.core.anonymise import codes as codes_module

    monkeypatch.setattr(codes_module, "_RNG", random.Random(20261202))  # seeded: the bounds hold every run
    first_by_name = demo_project.clinics()[0].key  # clinics() lists by name
    hits = Counter(draw_codes(demo_project, "2026-12")[first_by_name] for _ in range(280))
    assert 4 <= hits["A"] <= 40 and len(hits) >= 10  # expected 20 of 280; every code turns up


def test_group_output_leaves_out_sums_over_hidden_clinics(demo_project) -> None:
    """phi and tau^2 (sums over every clinic) stay out; the median, quartiles and range are over every clinic,
    hidden ones too, but a hidden clinic's value is never printed exactly: a range end becomes a bound."""
    table = anonymised_table(demo_project, "2026-03", "smerter")
    assert all(set(ind.overdispersion) == {"adjusted", "adjustment", "method"} for ind in table.indicators)
    full = collate(demo_project, "smerter", table.period, table.compare)
    ind, truth = table.indicator("morfin_pr1000"), full.indicator("morfin_pr1000")
    shown = sorted(r.value for r in ind.rows if r.value is not None)
    everyone = sorted(r.value for r in truth.rows if r.value is not None)
    assert everyone[0] < shown[0]                      # the lowest clinic is hidden ...
    assert ind.minimum_below and everyone[0] < ind.minimum <= shown[0] and ind.minimum != everyone[0]
    assert ind.maximum == shown[-1] and abs(ind.maximum - everyone[-1]) <= ind.value_step / 2 + 1e-9
    assert not ind.maximum_above
    assert ind.summary_step and abs(ind.median - truth.median) <= ind.summary_step / 2 + 1e-9


def test_cli_contract_counts_are_null_exactly_where_suppressed(demo_path, capsys) -> None:
    """CLI.md: with --anonymised, numerator/denominator are null where suppressed; a hidden baseline is
    reported apart (baseline_suppressed) and never blanks this round's shown numbers."""
    import json

    from klyngedesk.cli.main import main

    assert main(["collate", str(demo_path), "--topic", "smerter", "--period", "2026H1", "--compare", "2025H2",
                 "--meeting", "2026-03", "--anonymised", "--json"]) == 0
    rows = [r for ind in json.loads(capsys.readouterr().out)["indicators"] for r in ind["rows"]]
    assert any(r["baseline_suppressed"] and not r["suppressed"] for r in rows)
    for r in rows:
        if r["suppressed"]:
            assert r["numerator"] is None and r["denominator"] is None and r["value"] is None
        if r["baseline_suppressed"]:
            assert r["baseline_value"] is None and r["change_relative"] is None
    assert {r["clinic"] for r in rows} - {None} == {"Lægerne Åparken", "Lægehuset Torvet"}  # K04, K05 consented
