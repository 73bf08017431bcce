"""Facts the window shows, computed in the core: which rounds have data, and the cluster over the rounds."""

from __future__ import annotations

from klyngedesk.core.collate.collate import collate


def test_topics_with_data_come_from_the_store_without_loading_every_value(demo_project) -> None:
    topic_of = {m.key: t.key for t in demo_project.topics() for m in t.measures}
    values = demo_project.values()
    expected: dict[str, set[str]] = {}
    for period, measure in zip(values["period"], values["measure"], strict=True):
        expected.setdefault(period, set()).add(topic_of[measure])
    assert demo_project.topics_with_data() == expected
    assert expected  # the demo has data in both rounds
    empty = {p.key for p in demo_project.periods()} - set(expected)
    assert all(p not in demo_project.topics_with_data() for p in empty)


def test_trend_chart_shows_the_same_cluster_values_as_each_round(qapp, demo_project) -> None:
    from klyngedesk.gui.chart_specs import ChartRequest, trend_spec

    topic = demo_project.topic("smerter")
    indicator = topic.indicators[0].key
    periods = [p for p in demo_project.periods() if "smerter" in demo_project.topics_with_data().get(p.key, set())]
    chart = trend_spec(demo_project, topic, ChartRequest("smerter", indicator, periods[-1].key, None, "trend"), "da")
    assert chart is not None
    (_, pooled, _), (_, median, _) = chart.series
    for i, period in enumerate(periods):
        ind = collate(demo_project, "smerter", period.key).indicator(indicator)
        assert pooled[i] == ind.pooled and median[i] == ind.median


def test_coordinator_view_names_every_clinic_and_hides_nothing(demo_project) -> None:
    from klyngedesk.core.anonymise.coordinator_view import coordinator_table

    period = sorted(demo_project.topics_with_data())[-1]
    table = coordinator_table(demo_project, "smerter", period)
    collated = collate(demo_project, "smerter", period)
    names = {c.key: c.name for c in demo_project.clinics()}
    for ind in table.indicators:
        assert not any(r.suppressed for r in ind.rows)
        assert {r.name for r in ind.rows} <= set(names.values())
        source = {r.clinic: r.value for r in collated.indicator(ind.key).rows}
        assert sorted(v for v in source.values() if v is not None) == sorted(
            r.value for r in ind.rows if r.value is not None)
