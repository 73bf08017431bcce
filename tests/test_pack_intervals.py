"""Intervals on every ranked value: a clinic drawn without any interval (its list size printed only as a band
from 0, so the printed figures bound nothing) is named in the chart's key, in the group handout and in every
other clinic's copy, never in its own (its bar has its own interval there)."""

from __future__ import annotations

from klyngedesk.core.anonymise.build import anonymised_meeting
from klyngedesk.core.anonymise.codes import draw_codes
from klyngedesk.core.render.chart_builder import ChartContext, RankedForReaders, ranked_chart
from klyngedesk.core.render.indicator_pages import indicator_meta
from klyngedesk.core.store import Project


def _unbounded(spec) -> list[str]:
    return [b.label for b in spec.bars if b.value is not None and b.low is None and b.high is None
            and not b.highlight]


def test_every_bar_without_an_interval_is_named_in_the_key(demo_project: Project) -> None:
    meeting = demo_project.meeting("2026-12")
    draw_codes(demo_project, "2026-12")
    seen = 0
    for topic_key, (table, _, _) in zip(meeting.topics, anonymised_meeting(demo_project, "2026-12", lang="da"),
                                          strict=True):
        topic = demo_project.topic(topic_key)
        for ind in table.indicators:
            meta = indicator_meta(topic, ind.key)
            group = ranked_chart(ind, meta, ChartContext("da"))
            missing = _unbounded(group)
            withheld_all = len(missing) == len([b for b in group.bars if b.value is not None])
            if missing and not withheld_all:
                seen += 1
                assert f"intet 95 %-KI for {', '.join(sorted(missing))}" in group.note, (ind.key, group.note)
            else:
                assert "intet 95 %-KI for" not in group.note
            readers = RankedForReaders(ind, meta, ChartContext("da", show_names=False))
            for row in ind.rows:
                spec = readers.spec(row.code, None)
                others = _unbounded(spec)
                if others and not withheld_all:
                    assert f"intet 95 %-KI for {', '.join(sorted(others))}" in spec.note, (ind.key, row.code)
                if row.code in missing:
                    assert f"for {row.code}" not in spec.note.replace(f"for {row.code},", "")
    assert seen, "the demo has a clinic in the first list-size band: some chart must name it"
