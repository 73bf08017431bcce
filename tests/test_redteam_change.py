"""Red team: the cluster's change since last time must not depend on how hidden clinics split their counts.

The change's point and plain interval rest on the cluster's totals (public through the pooled values), but
when the clinics moved differently the interval is widened by a random-effects factor, and Cochran's Q is
printed beside it: both are sums over every clinic's own change, hidden clinics included. Two clusters
that differ only in how two hidden clinics share their prescriptions (2 + 3 or 3 + 2, the same list sizes,
the same totals) must print the same change: otherwise the member compares the printed interval with the
ones each split would give and reads the split off (as with tau^2 of the funnel limits, which the core
already estimates with the hidden clinics held together)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from attacker import PERIODS, add_meeting, make_cluster

from klyngedesk.core.anonymise import draw_codes
from klyngedesk.core.anonymise.build import anonymised_meeting

SIZES = [7432, 4211, 4294, 6345, 2317, 3907, 5395, 8131]
FIRST = [(1, [0]), (57, [46]), (1, [1]), (4, [4]), (2, [2]), (61, [60]), (68, [0]), (4, [4])]
SECOND = [(2, [1]), (3, [3]), (55, [22]), (78, [58]), (1, [0]), (80, [4]), (1, [1]), (1, [1])]
SWAPPED = [(3, [3]), (2, [1]), *SECOND[2:]]     # K00 and K01 share 5 prescriptions (4 penicillin) the other way


def _printed_changes(second: list) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        made = make_cluster(Path(folder) / "c.klynge", "antibiotika", SIZES, [FIRST, second], set(), 5, "hidden",
                            False)
        try:
            for r in range(2):
                add_meeting(made.project, f"m{r}", date(2026, 1 + r, 1), "antibiotika", PERIODS[r].key,
                            PERIODS[r - 1].key if r else None)
                draw_codes(made.project, f"m{r}")
                (table, disclosure, _), = anonymised_meeting(made.project, f"m{r}")
                made.project.save_published(f"m{r}", "antibiotika", disclosure.to_json())
            pack = table.to_json()
        finally:
            made.project.close()
    hidden = {ind["key"]: sum(r["suppressed"] for r in ind["rows"]) for ind in pack["indicators"]}
    assert hidden["ab_pr1000"] >= 2, "the test needs the two clinics hidden"
    return {ind["key"]: (ind["change"], ind["sentence"]) for ind in pack["indicators"]}


def test_the_cluster_change_does_not_tell_how_hidden_clinics_split_their_counts() -> None:
    one, other = _printed_changes(SECOND), _printed_changes(SWAPPED)
    assert one["ab_pr1000"][0] is not None, "no change printed: the test would prove nothing"
    for key in one:
        assert one[key] == other[key], key


def test_held_together_the_heterogeneity_rests_only_on_what_the_group_is_shown() -> None:
    """The stats level: the same shown clinics and the same totals of the held ones give the same change,
    Cochran's Q and interval however the held clinics split; the point and plain interval stay the totals'."""
    from klyngedesk.core.stats.change import cluster_change

    n1, n0 = [7432, 4211, 4294, 6345, 2317], [7419, 4198, 4281, 6332, 2304]
    x0 = [1, 57, 1, 4, 2]
    together = [True, True, False, False, False]
    splits = [cluster_change([2, 3, 55, 78, 1], n1, x0, n0, proportion=False, together=together),
              cluster_change([3, 2, 55, 78, 1], n1, x0, n0, proportion=False, together=together),
              cluster_change([4, 1, 55, 78, 1], n1, [1, 57, 1, 4, 2], n0, proportion=False, together=together)]
    first = splits[0]
    for other in splits[1:]:
        assert (other["estimate"], other["low"], other["high"]) == (first["estimate"], first["low"], first["high"])
        assert other["heterogeneity"]["q"] == first["heterogeneity"]["q"]
    whole = cluster_change([2, 3, 55, 78, 1], n1, x0, n0, proportion=False)
    assert whole["estimate"] == first["estimate"] and whole["clinics"] == first["clinics"] == 5
