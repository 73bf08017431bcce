"""The keys of the charts say which intervals are drawn: exact ones, or wide ones from the printed rate and band.

Where the audit withholds the clinics' exact intervals, the charts draw wide ones (stats/wide_interval.py) for
the other clinics, and a reader's own clinic keeps its exact one in its personal handout. A key that says
"95 %-KI" over wide whiskers tells the reader they are narrower than they are. Tried on every reader of the
demo's pack, indicator by indicator, and read back from a printed personal handout.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from test_pack_reader import page_texts

from klyngedesk.core.demo import build_demo
from klyngedesk.core.render.chart_builder import interval_label, whisker_kind
from klyngedesk.core.render.pack import _Pack
from klyngedesk.core.render.personal_handout import page_interval_key, render_personal
from klyngedesk.core.store import Project
from klyngedesk.i18n import tr


@pytest.fixture(scope="module")
def demo_pack(tmp_path_factory: pytest.TempPathFactory):
    path = build_demo(Path(tmp_path_factory.mktemp("demo")) / "demo.klynge")
    with Project.open(path) as project:
        yield _Pack(project, "2026-12", "da")


def test_the_key_words_follow_what_is_drawn() -> None:
    assert interval_label({"exact", None}, "da") == "95 %-KI"
    assert interval_label({"wide"}, "da") == "95 %-KI, bredt"
    assert interval_label({"wide", None}, "da", own=True) == "95 %-KI; de andre praksissers bredt"
    assert interval_label({"wide", "exact"}, "da") == "95 %-KI, bredt for nogle praksisser"
    assert interval_label(set(), "en") == "95% CI"


def test_every_readers_key_names_the_wide_intervals_drawn(demo_pack) -> None:
    """For each clinic's personal handout: the small charts' shared key says "bredt" exactly when some chart
    draws another clinic's wide interval, and a key that leaves it to the charts is used only when the page
    has both kinds (then each chart with wide ones says so in its own note)."""
    seen_wide = 0
    for clinic in demo_pack.clinics:
        material = demo_pack.personal_material(clinic)
        key, say_wide = page_interval_key(material, "da")
        drawn = [{whisker_kind(r) for r in ind.rows if r.code != material.code} - {None}
                 for t in material.topics for ind in t.table.indicators]
        wide = any("wide" in kinds for kinds in drawn)
        exact = any("exact" in kinds for kinds in drawn)
        assert ("bredt" in key) == wide, (clinic, key)
        assert say_wide == (wide and exact), (clinic, key)
        seen_wide += wide
    assert seen_wide == len(demo_pack.clinics), "the demo's withheld rates were expected in every handout"


def test_the_printed_handouts_say_wide_where_they_draw_it(demo_pack) -> None:
    """Read back as printed: the personal handout's key and the charts' notes name the wide intervals (the
    key said "95 %-KI" over them)."""
    clinic = next(iter(demo_pack.clinics))
    material = demo_pack.personal_material(clinic)
    buffer = io.BytesIO()
    render_personal(buffer, material, demo_pack.meeting, demo_pack.cluster_name, "da")
    text = " ".join(" ".join(page_texts(buffer.getvalue())).split())   # a chart's key flows over its rows
    assert "95 %-KI; de andre praksissers bredt, hvor diagrammet siger det" in text
    withheld = [ind for t in material.topics for ind in t.table.indicators if ind.intervals_withheld
                and any(r.wide_ci for r in ind.rows)]
    assert withheld
    others, some = tr("the others' 95% CI wide", "da"), tr("some clinics' 95% CI wide", "da")
    assert text.count(others) + text.count(some) >= len(withheld)
