"""Red team: what the window exports or shows for the group obeys the pack's anonymity.

The charts tab has an anonymised view (codes) for a meeting, shown on the projector and exported as PNG/SVG
(an SVG keeps every drawn position to full precision). The member holding the printed pack and such an
export must learn nothing the pack does not print:

- the view of another round or another comparison under the meeting's codes is a table audited on its own,
  not with the pack (a clinic hidden for its change may show without it): the view is the pack's table;
- its trend over the rounds drew the raw median of every round, resting on hidden clinics to full precision,
  where the pack rounds the median or leaves it out: the view draws only the pack's trend (the medians of
  the shown values), and nothing where the pack has none;
- the coordinator's view (every name with its figures) could be exported as it is: only the anonymised view
  exports.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from klyngedesk.core.anonymise import draw_codes
from klyngedesk.core.anonymise.build import anonymised_meeting
from klyngedesk.core.render.chart_builder import (
    ChartContext,
    before_after_chart,
    composition_chart,
    funnel_chart,
    ranked_chart,
)
from klyngedesk.core.render.charts import Axis
from klyngedesk.core.render.indicator_pages import (
    TopicMaterial,
    denominator_title,
    in_language,
    indicator_meta,
)
from klyngedesk.core.store import Project

MEETING = "2026-12"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    with Project.open(_demo(tmp_path_factory.mktemp("exports"))) as project:
        yield project


def _demo(folder: Path) -> Path:
    """Eight demo clinics with the December meeting's codes drawn."""
    from klyngedesk.core.demo import build_demo

    path = build_demo(folder / "Demo.klynge", clinics=8)
    with Project.open(path) as project:
        draw_codes(project, MEETING)
    return path


def numbers(obj: object) -> list[float]:
    """Every number a chart specification draws (its axis's ticks aside: they follow from the rest)."""
    if isinstance(obj, Axis):
        return []
    if isinstance(obj, bool) or obj is None or isinstance(obj, str):
        return []
    if isinstance(obj, int | float):
        return [float(obj)] if math.isfinite(obj) else []
    if dataclasses.is_dataclass(obj):
        return [x for f in dataclasses.fields(obj) for x in numbers(getattr(obj, f.name))]
    if isinstance(obj, tuple | list):
        return [x for item in obj for x in numbers(item)]
    return []


def _pack(project: Project) -> dict:
    """The meeting's tables as the pack prints them, in Danish as the window shows them."""
    tables = [t for t, _, _ in anonymised_meeting(project, MEETING)]
    materials = [TopicMaterial(t, project.topic(t.topic)) for t in tables]
    return {m.table.topic: m.table for m in in_language(materials, "da")}


@pytest.fixture
def once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The window reads a meeting's table anew for every chart; the same table is audited once here."""
    import klyngedesk.gui.chart_specs as chart_specs

    seen: dict = {}
    plain = chart_specs.anonymised_table

    def cached(project: Project, meeting: str, topic: str, **kw: object):
        key = (meeting, topic, *sorted(kw.items()))
        if key not in seen:
            seen[key] = plain(project, meeting, topic, **kw)
        return seen[key]

    monkeypatch.setattr(chart_specs, "anonymised_table", cached)


def _choices(project: Project) -> list[tuple[str, str | None]]:
    periods = [p.key for p in project.periods()]
    return [(p, c) for p in periods for c in (None, *periods) if c != p]


def test_the_anonymised_view_of_any_round_draws_what_the_pack_draws(project: Project, once: None) -> None:
    from klyngedesk.gui.chart_specs import ChartRequest, build_spec

    pack = _pack(project)
    checked = 0
    for key, table in pack.items():
        topic = project.topic(key)
        ctx = ChartContext("da", show_names=True, suppressed_text=table.suppressed_text)
        for ind in table.indicators:
            meta = indicator_meta(topic, ind.key)
            comps = [c for c in table.compositions if meta.group_key in (None, c.key)] or list(table.compositions)
            printed = {
                "ranked": ranked_chart(ind, meta, ctx),
                "funnel": funnel_chart(ind, meta, ctx, denominator_title(topic, meta, "da")),
                "before_after": before_after_chart(ind, meta, ctx, table.compare_label or "", table.period_label)
                if table.compare else None,
                "composition": composition_chart(comps[0], ctx, label_codes={r.label: r.code for r in ind.rows})
                if comps else None}
            for period, compare in _choices(project):
                for kind, expected in printed.items():
                    spec, _ = build_spec(project, ChartRequest(key, ind.key, period, compare, kind, MEETING), "da")
                    assert numbers(spec) == numbers(expected), (key, ind.key, kind, period, compare)
                    checked += 1
    assert checked > 100


def test_the_anonymised_trend_draws_no_median_the_pack_does_not_print(project: Project, once: None) -> None:
    """The demo has two rounds: the pack has no trend (before and after shows them), so the view draws none;
    a median the pack withholds (it would rest on hidden clinics) was drawn to full precision."""
    from klyngedesk.gui.chart_specs import ChartRequest, build_spec

    pack = _pack(project)
    withheld = 0
    for key, table in pack.items():
        for ind in table.indicators:
            allowed = {round(v, 9) for t in ind.trend for v in (t.deciles or ()) if v is not None}
            withheld += ind.median is None
            for period, compare in _choices(project):
                spec, _ = build_spec(project, ChartRequest(key, ind.key, period, compare, "trend", MEETING), "da")
                drawn = {round(v, 9) for v in numbers(spec)}
                assert drawn <= allowed, (key, ind.key, period, compare, sorted(drawn - allowed)[:3])
    assert withheld, "the test needs a median the pack leaves out"


def test_only_the_anonymised_view_exports(qtbot, app_context, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QFileDialog

    import klyngedesk.gui.charts_page as charts_page
    from klyngedesk.gui.main_window import MainWindow

    copy = _demo(tmp_path)
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.resize(1280, 820)
    window.show()
    window.open_project(str(copy))
    window.tabs.setCurrentWidget(window.charts_page)
    page = window.charts_page
    page.topic_box.setCurrentIndex(page.topic_box.findData("smerter"))
    page.meeting_box.setCurrentIndex(page.meeting_box.findData(MEETING))
    shown: list[str] = []
    monkeypatch.setattr(charts_page, "show_error", lambda _parent, error, lang: shown.append(error.message(lang)))
    target = tmp_path / "chart.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))

    assert page.names_radio.isChecked()
    assert not page.png_button.isEnabled() and not page.svg_button.isEnabled()
    assert "anonymiserede visning" in page.png_button.toolTip()
    page.export("png")   # a shortcut or a script reaching the button's slot: refused all the same
    assert not target.exists() and shown and "Kun den anonymiserede visning" in shown[0]

    qtbot.mouseClick(page.codes_radio, Qt.MouseButton.LeftButton)
    meeting = window.ctx.holder.project.meeting(MEETING)
    assert (page.period_box.currentData(), page.compare_box.currentData()) == (meeting.period, meeting.baseline_period)
    assert not page.period_box.isEnabled() and not page.compare_box.isEnabled()
    assert page.png_button.isEnabled()
    qtbot.waitUntil(lambda: page._table is not None and page._table.meeting == MEETING, timeout=120_000)
    assert page.chart.spec is not None, page.chart.title.text()
    qtbot.mouseClick(page.png_button, Qt.MouseButton.LeftButton)
    assert target.exists() and target.stat().st_size > 1000
