"""The funnel's labels in the window at a region's size: never on any clinic's point (also the points whose
label is not tried), never on one another or past the plot, placed once for each size of the plot."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QRectF

from klyngedesk.core.render.charts import FunnelChart
from klyngedesk.gui import chart_view
from klyngedesk.gui.chart_view import MARKER_SIZE, ChartView

CLINICS = 1700


@pytest.fixture(scope="module")
def region_funnels(tmp_path_factory: pytest.TempPathFactory) -> list[FunnelChart]:
    """The coordinator's funnels (names) of a 1,700-clinic project, as the Charts page draws them."""
    from klyngedesk.core.demo import build_demo
    from klyngedesk.core.store import Project
    from klyngedesk.gui.chart_specs import ChartRequest, build_spec

    path = build_demo(tmp_path_factory.mktemp("region") / "Region.klynge", clinics=CLINICS, periods=2)
    specs = []
    with Project.open(path, readonly=True) as project:
        periods = [p.key for p in project.periods()]
        for topic in project.topics()[:2]:
            for ind in topic.indicators[:2]:
                spec, _ = build_spec(project, ChartRequest(topic.key, ind.key, periods[-1], periods[0], "funnel"), "da")
                if isinstance(spec, FunnelChart):
                    specs.append(spec)
    assert specs and len(specs[0].points) > CLINICS * 0.9
    return specs


def _placed(qtbot, view: ChartView) -> None:
    """Wait until the chart's labels have been placed for the plot's present size."""
    qtbot.waitUntil(view.labels_placed, timeout=10_000)


def _assert_clear(view: ChartView) -> None:
    """Every label inside the plot, on no other label and on no point's marker (the whole symbol)."""
    vb = view.plot.getPlotItem().vb
    plot = vb.sceneBoundingRect()
    rects = view.point_label_rects()
    half = MARKER_SIZE / 2
    markers = []
    for point in view.spec.points:
        centre = vb.mapViewToScene(QPointF(point.x, point.y))
        markers.append(QRectF(centre.x() - half, centre.y() - half, MARKER_SIZE, MARKER_SIZE))

    def overlap(a: QRectF, b: QRectF) -> float:
        common = a.intersected(b)
        return common.width() * common.height() if common.isValid() else 0.0

    for i, (text, rect) in enumerate(rects):
        assert plot.contains(rect), f"{text!r} leaves the plot"
        assert not any(overlap(rect, other) >= 1 for _, other in rects[i + 1:]), f"{text!r} on another label"
        on = [m for m in markers if overlap(rect, m) >= 1]
        assert not on, f"{text!r} covers {len(on)} points"


def test_region_funnel_labels_cover_no_point_and_are_placed_once_per_size(qtbot, region_funnels, monkeypatch) -> None:
    calls: list[int] = []
    real = chart_view.place_labels

    def counted(*args, **kwargs):
        calls.append(len(args[0]))
        return real(*args, **kwargs)

    monkeypatch.setattr(chart_view, "place_labels", counted)
    view = ChartView()
    qtbot.addWidget(view)
    view.resize(1000, 640)
    view.show()
    qtbot.waitExposed(view)
    for spec in region_funnels:
        view.show_spec(spec)
        _placed(qtbot, view)
        qtbot.wait(30)   # the key under the plot may take room once: the labels follow that size
        _placed(qtbot, view)
        _assert_clear(view)
        labelled = len(view.point_label_rects())
        assert labelled and labelled + len(view.unlabelled) == len(spec.points)   # each point labelled or listed
        assert f"{len(view.unlabelled)} klinikker" in view.note.text()   # a region's key counts them

    # The same size again (a resize to it, the view shown again): nothing is placed anew.
    before = len(calls)
    view.resize(view.size())
    view.hide()
    view.show()
    view.plot.getPlotItem().vb.sigResized.emit(view.plot.getPlotItem().vb)
    qtbot.wait(50)
    assert len(calls) == before
    # Another size: placed again, once, and still clear of every point.
    view.resize(1300, 800)
    qtbot.waitUntil(lambda: len(calls) > before, timeout=5000)
    qtbot.wait(50)
    _placed(qtbot, view)
    assert len(calls) - before <= 2   # the new size (and once more if the key under the plot changed height)
    _assert_clear(view)


def test_demo_funnel_labels_still_go_to_most_points(qtbot, demo_path: Path) -> None:
    """At a cluster's size the funnel keeps a label for most clinics, none on a point."""
    from klyngedesk.core.store import Project
    from klyngedesk.gui.chart_specs import ChartRequest, build_spec

    with Project.open(demo_path, readonly=True) as project:
        topic = project.topics()[0]
        spec, _ = build_spec(project, ChartRequest(topic.key, topic.indicators[0].key, "2026H1", "2025H2", "funnel"),
                             "da")
    assert isinstance(spec, FunnelChart)
    view = ChartView()
    qtbot.addWidget(view)
    view.resize(1000, 640)
    view.show()
    view.show_spec(spec)
    _placed(qtbot, view)
    _assert_clear(view)
    assert len(view.point_label_rects()) >= len(spec.points) // 2
    assert len(view.point_label_rects()) + len(view.unlabelled) == len(spec.points)


def test_labels_asked_for_at_once_are_there(qtbot, region_funnels) -> None:
    """The labels are placed in the next turn of the event loop; asked for (or exported) before it, they are
    placed then, for the plot's present size."""
    view = ChartView()
    qtbot.addWidget(view)
    view.resize(1000, 640)
    view.show()
    qtbot.waitExposed(view)
    view.show_spec(region_funnels[0])
    assert not view.labels_placed()
    rects = view.point_label_rects()
    assert rects and view.labels_placed() and len(rects) + len(view.unlabelled) == len(region_funnels[0].points)
    _assert_clear(view)
