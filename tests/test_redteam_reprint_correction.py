"""Red team: a reprint of the follow-up after one value of its round is corrected by 2 (unusual clusters)."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest
from pack_clusters import FOLLOW_UP, build_cluster

from klyngedesk.core.anonymise import draw_codes
from klyngedesk.core.anonymise.build import anonymised_meeting
from klyngedesk.core.store import Project

# The reprint may hide somewhat more than the first print (what the correction needs), not twice as much.
MORE_HIDDEN = 1.4


def reprint_after_correction(folder: Path, cluster: str, seed: int) -> tuple[int, int, int]:
    """Print the follow-up (codes drawn with a seeded generator), correct one count of its round by 2 (chosen by
    the seed among the round's values in a fixed order), print again. Returns the hidden quantities of the first
    print and of the reprint, and the breaches the audit of every print together still finds in the reprint
    (what a member holding both prints narrows and nothing the reprint hides mends)."""
    with Project.open(build_cluster(folder, cluster)) as project:
        draw_codes(project, FOLLOW_UP, rng=random.Random(seed))   # type: ignore[arg-type]
        first = anonymised_meeting(project, FOLLOW_UP)
        assert not [b for _, _, bs in first for b in bs]
        project.save_print(FOLLOW_UP, [(d.topic, d.to_json()) for _, d, _ in first])
        period = project.meeting(FOLLOW_UP).period
        frame = project.values()
        rows = sorted(frame[(frame["status"] == "ok") & (frame["period"] == period)].itertuples(),
                      key=lambda r: (str(r.clinic), str(r.measure)))
        row = rows[seed % len(rows)]
        project.correct_value(str(row.clinic), str(row.measure), period, float(row.value) + 2, "sen rettelse")
        again = anonymised_meeting(project, FOLLOW_UP)
        hidden = [sum(len(d.targets) for _, d, _ in printed) for printed in (first, again)]
        return hidden[0], hidden[1], sum(len(bs) for _, _, bs in again)


@pytest.mark.timeout(900)
@pytest.mark.parametrize("seed", [1, 2])
def test_a_reprint_after_a_small_correction_protects_every_count(tmp_path: Path, seed: int) -> None:
    # Broke before the reprint started from the first print's pattern: 6 and 12 counts left, 459 hidden
    # against 250. Now none left, 330 hidden.
    first, again, left = reprint_after_correction(tmp_path, "zero-clinic", seed)
    assert left == 0, (first, again, left)
    assert again <= MORE_HIDDEN * first, (first, again)


@pytest.fixture(scope="module")
def reprinted(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[int, int, int]]:
    """`reprint_after_correction` of a cluster with seed 1, run once per module (each run costs ~20 s)."""
    done: dict[str, tuple[int, int, int]] = {}

    def run(cluster: str) -> tuple[int, int, int]:
        if cluster not in done:
            done[cluster] = reprint_after_correction(tmp_path_factory.mktemp(cluster), cluster, 1)
        return done[cluster]
    return run


@pytest.mark.timeout(900)
@pytest.mark.parametrize("cluster", ["all-tiny", "long-names-consent"])
def test_a_reprint_after_a_small_correction_on_tiny_or_named_clusters(
        reprinted: Callable[[str], tuple[int, int, int]], cluster: str) -> None:
    # Broke while a count the first print showed (beside its rate) and the reprint hid as a complementary cell
    # counted as unprotected: all-tiny left 48 such counts (415 hidden against 314), long-names-consent 183.
    first, again, left = reprinted(cluster)
    assert left == 0, (first, again, left)


@pytest.mark.timeout(900)
# Session 12 (hidden zeros are no audit targets): long-names-consent now hides little more; all-tiny hides less in
# both prints (184 and 309, were 314 and 415), but the reprint's share of it grew past the bound.
@pytest.mark.parametrize("cluster", [pytest.param("all-tiny", marks=pytest.mark.xfail(
    strict=True, raises=AssertionError, reason="open (docs/threat-model.md, Still open): the reprint protects "
    "every count but hides 309 quantities against the first print's 184")), "long-names-consent"])
def test_a_reprint_after_a_small_correction_hides_little_more(
        reprinted: Callable[[str], tuple[int, int, int]], cluster: str) -> None:
    first, again, _ = reprinted(cluster)
    assert again <= MORE_HIDDEN * first, (first, again)
