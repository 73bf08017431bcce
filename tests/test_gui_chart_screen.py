"""Charts on screen: the key below the plot (never over a bar), the dashed pooled line dashed in the key too,
a 0 tick on ranked bars, clinics by name in the coordinator's view, the change sentence under a comparison."""

from __future__ import annotations

import re
from pathlib import Path

from gui_user import press, show_active
from PySide6.QtCore import Qt

from klyngedesk.gui.main_window import MainWindow


def _charts(qtbot, app_context, demo_path: Path, kind: str):
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.resize(1024, 700)
    show_active(qtbot, window)
    window.open_project(str(demo_path))
    press(qtbot, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    page = window.charts_page
    page.kind_box.setFocus()
    index = page.kind_box.findData(kind)
    while page.kind_box.currentIndex() != index:  # the user steps through the chart kinds with the arrows
        press(qtbot, Qt.Key.Key_Down if page.kind_box.currentIndex() < index else Qt.Key.Key_Up)
    legend = page.chart.plot.getPlotItem().legend
    if legend is not None:  # the plot lays out its key when it next paints
        qtbot.waitUntil(lambda: legend.sceneBoundingRect().top() > 0, timeout=3000)
    return window, page


def test_key_below_the_plot_and_names_without_keys(qtbot, app_context, demo_path: Path) -> None:
    _, page = _charts(qtbot, app_context, demo_path, "ranked")
    plot = page.chart.plot.getPlotItem()
    legend = plot.legend
    assert legend is not None
    assert not legend.sceneBoundingRect().intersects(plot.vb.sceneBoundingRect())  # covers no bar
    labels = [label for _, label in page.chart.plot.getAxis("left")._tickLevels[0]]
    assert labels and not any(re.search(r"\bK\d\d\b", t) for t in labels), labels
    ticks = page.chart.plot.getAxis("bottom")._tickLevels[0]
    assert ticks[0] == (0.0, "0") or ticks[0][1] == "0"


def test_funnel_key_draws_the_pooled_line_dashed(qtbot, app_context, demo_path: Path) -> None:
    _, page = _charts(qtbot, app_context, demo_path, "funnel")
    legend = page.chart.plot.getPlotItem().legend
    pooled = [sample.item for sample, label in legend.items if label.text == page.chart.spec.centre_label]
    assert pooled and pooled[0].opts["pen"].dashPattern(), "the key shows the dashed line solid"
    assert not legend.sceneBoundingRect().intersects(page.chart.plot.getPlotItem().vb.sceneBoundingRect())


def test_before_and_after_says_how_much_the_cluster_changed(qtbot, app_context, demo_path: Path) -> None:
    _, page = _charts(qtbot, app_context, demo_path, "before_after")
    assert page.compare_box.currentText() == "2. halvår 2025"
    text = page.change_note.text()
    assert page.change_note.isVisible() and "Ændring" in text and "KI" in text and "2. halvår 2025" in text


LONG = "Lægepraksis ved Speciallæge i almen medicin Anne-Mette Østergaard-Kristensen og Jens Peter Bøgh-Andersen"


def _no_overlaps_inside(page) -> list[tuple[str, object]]:
    chart = page.chart
    box = chart.plot.getPlotItem().vb.sceneBoundingRect()
    rects = chart.point_label_rects()
    for text, rect in rects:
        assert box.contains(rect), f"{text!r} leaves the plot: {rect} not in {box}"
    for i, (a, ra) in enumerate(rects):
        for b, rb in rects[i + 1:]:
            assert not ra.intersected(rb).isValid() or ra.intersected(rb).width() * ra.intersected(rb).height() < 1, \
                f"{a!r} overlaps {b!r}"
    return rects


def test_funnel_labels_stay_inside_the_plot_and_never_overlap(qtbot, app_context, demo_path: Path) -> None:
    """The printed pack's label placement, in the window's pixels: also with a long name, in a small window,
    and again after the window is made larger; a label without room is named under the chart, not dropped."""
    from klyngedesk.core.store import Project

    with Project.open(demo_path) as project:   # a long name on the clinic with the largest list
        clinics = project.clinics()
        sizes = project.list_sizes()
        biggest = sizes.sort_values("patients").iloc[-1]["clinic"]
        project.update_clinic(next(c for c in clinics if c.key == biggest).__class__(
            **{**next(c for c in clinics if c.key == biggest).__dict__, "name": LONG}))
    window, page = _charts(qtbot, app_context, demo_path, "funnel")
    points = page.chart.spec.points
    qtbot.waitUntil(lambda: len(page.chart.point_label_rects()) + len(page.chart.unlabelled) == len(points),
                    timeout=3000)
    _no_overlaps_inside(page)
    assert len(page.chart.point_label_rects()) >= len(points) // 2      # most points carry their label
    for missing in page.chart.unlabelled:
        assert missing.split(":")[0].rstrip("…") in page.chart.note.text()
    assert not any(text == LONG for text, _ in page.chart.point_label_rects())   # elided, whole in the tooltip

    window.resize(1400, 900)
    qtbot.waitUntil(lambda: page.chart.plot.width() > 900, timeout=3000)
    qtbot.wait(50)
    _no_overlaps_inside(page)
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: page.chart.plot.width() < 900, timeout=3000)
    qtbot.wait(50)
    _no_overlaps_inside(page)


def test_whiskers_are_one_thickness_on_ranked_bars_and_before_after(qtbot, app_context, demo_path: Path) -> None:
    for kind in ("ranked", "before_after"):
        window, page = _charts(qtbot, app_context, demo_path, kind)
        pens = page.chart.whisker_pens()
        assert pens, kind
        assert {(p.widthF(), p.isCosmetic()) for p in pens} == {(2.0, True)}, kind
        items = [i for i in page.chart.plot.getPlotItem().listDataItems() if i.opts.get("connect") == "pairs"]
        assert all(i.opts.get("antialias") is False for i in items)  # no half-covered pixel rows
        window.close()


def test_before_and_after_shows_the_intervals_of_the_after_values(qtbot, app_context, demo_path: Path) -> None:
    _, page = _charts(qtbot, app_context, demo_path, "before_after")
    spec = page.chart.spec
    with_interval = [r for r in spec.rows if r.after is not None and r.low is not None]
    assert with_interval and all(r.low <= r.after <= r.high for r in with_interval)
    assert len(page.chart.whisker_pens()) == len(with_interval)
    assert "95" in page.chart.note.text()                      # the key says what the whiskers are


def test_trend_view_says_how_much_the_cluster_changed_in_the_pdfs_words(qtbot, app_context, demo_path: Path) -> None:
    from klyngedesk.core.render.indicator_pages import change_facts

    _, page = _charts(qtbot, app_context, demo_path, "trend")
    assert page.chart.spec is not None and page.compare_box.currentText() == "2. halvår 2025"
    text = page.change_note.text()
    assert page.change_note.isVisible() and "Ændring" in text
    table = page._table
    sentence = dict(change_facts(table, table.indicator(page.indicator_box.currentData()), "da"))["Ændring"]
    assert html_text(sentence) in text                          # the sentence the handout prints


def html_text(text: str) -> str:
    import html

    return html.escape(text)


def test_english_charts_name_the_rounds_in_english(qtbot, qapp, tmp_path: Path, demo_path: Path) -> None:
    """The before/after key and the change sentence say "H2 2025", as the English handout does."""
    from PySide6.QtCore import QSettings

    from klyngedesk.gui.app import make_context

    ctx = make_context(QSettings(str(tmp_path / "en.ini"), QSettings.Format.IniFormat), lang="en")
    try:
        _, page = _charts(qtbot, ctx, demo_path, "before_after")
        spec = page.chart.spec
        assert spec.before_label == "H2 2025" and spec.after_label == "H1 2026"
        text = page.change_note.text()
        assert "Change" in text and "H2 2025" in text and "halvår" not in text, text
    finally:
        ctx.holder.set_project(None)
