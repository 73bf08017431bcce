"""Zeros do not make the anonymiser hide what would disclose nothing.

Two shapes a GP reading the pack stumbled on: a cluster of 25 where one clinic has no events of any kind
(zero-among-25), and one where every COPD and penicillin share is 0 % or 100 % (zero-and-full-shares). Primary
suppression hides nothing there that a zero would need (a count of 0 identifies no patient and is printed by rule),
yet every cluster value was withheld and every clinic of the KOL topic printed "skjult": the audit protected hidden
zeros as if they were small counts, and a breach of an earlier topic's count (over a list size the KOL rates read)
found no cell of the KOL topic to mend and hid all of it. The packs are the pack reader's own prints (printed once
a run for every module); the attacker tests play such prints as well.
"""

from __future__ import annotations

import pytest
from test_pack_reader import printed_cases, value_of
from test_pack_stat_reader import indicators

from klyngedesk.i18n import tr

SHAPES = ["zero-among-25", "zero-and-full-shares"]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, list[str]]]:
    return printed_cases(tmp_path_factory)


@pytest.mark.parametrize("name", SHAPES)
def test_every_cluster_value_is_printed_beside_a_clinic_with_zeros(printed, name) -> None:
    """'Klyngen samlet – (holdt tilbage …)' on every indicator, every clinic 'skjult': the cluster value is printed
    on each, and at least half the clinics' values, where counts under 5 are hidden in a few clinics only."""
    lang, pages = printed[name]
    text = " ".join(pages)
    assert f"{tr('Cluster as a whole', lang)} – (" not in text, f"{name}: a cluster value withheld"
    found = indicators(pages, lang)
    assert len(found) >= 10
    for ind in found:
        assert ind.pooled is not None, f"{name}: no cluster value printed: {ind.text[:80]}"
        assert len(ind.rows) >= ind.hidden, f"{name}: {ind.hidden} clinics hidden, {len(ind.rows)} shown: {ind.text[:80]}"


def test_the_copd_shares_of_0_and_100_percent_are_printed(printed) -> None:
    """Every clinic followed up all or none of its COPD patients: each value is printed, 0,0 % or 100,0 %, as the
    cover promises for zeros, not 'skjult' for all ten."""
    lang, pages = printed["zero-and-full-shares"]
    shares = [ind for ind in indicators(pages, lang) if ind.share and "KOL" in ind.text[:200]]
    assert len(shares) == 2
    for ind in shares:
        values = {value_of(r.value.rstrip(" %"), lang) for r in ind.rows}
        assert len(ind.rows) == 10 and values == {0.0, 100.0}, f"{[r.value for r in ind.rows]}: {ind.text[:80]}"


def test_the_clinic_without_events_is_printed_with_its_zeros(printed) -> None:
    """The clinic with no events prints 0 on every rate of the pain topic, not 'skjult'."""
    lang, pages = printed["zero-among-25"]
    rates = [ind for ind in indicators(pages, lang) if ind.per_1000]
    assert rates
    for ind in rates:
        assert any(value_of(r.value, lang) == 0.0 for r in ind.rows), f"no 0 printed: {ind.text[:80]}"


def test_a_count_that_is_truly_0_is_no_target_of_the_audit() -> None:
    """The kind of the fix: the disclosure model protects no count whose true value is 0 (it is an unknown
    there all the same, so every other target is bounded with it)."""
    from klyngedesk.core.anonymise.disclosure import Disclosure

    d = Disclosure("m", "t", 5, truth={"a": 0.0, "b": 3.0, "c": 3.0})
    d.target([("a", 1.0)], "K01", "count", "a")
    d.target([("b", 1.0)], "K02", "count", "b")
    d.target([("b", 1.0), ("c", -1.0)], "K02", "count", "b - c")
    d.target([("a", 1.0)], "K01", "size", "a as a size")
    assert [t.label for t in d.targets] == ["b", "a as a size"]
