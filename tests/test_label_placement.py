"""Funnel label placement: the same places as the first, plainly quadratic greedy placement (kept here as the
reference), no two labels overlapping, no label on a point or outside the plot, at every size up to a region."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klyngedesk.core.render import label_placement
from klyngedesk.core.render.label_placement import (
    ASCENT,
    DESCENT,
    GAP,
    LEADER_ANGLES,
    LEADER_DISTANCES,
    Box,
    LabelRequest,
    Placement,
    place_labels,
    priority_order,
    text_box,
)


# --- the reference: the greedy placement as first written, each label tried against every placed one ---------
def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _hits(x1: float, y1: float, x2: float, y2: float, box: Box) -> bool:
    """The leader's eleven inner sample points, one of them inside the box (edges included)."""
    return any(box[0] <= x1 + i / 12 * (x2 - x1) <= box[2] and box[1] <= y1 + i / 12 * (y2 - y1) <= box[3]
               for i in range(1, 12))


def _reference_order(xy: Sequence[tuple[float, float]], highlight: Sequence[bool], flagged: Sequence[bool],
                     crowd_box: tuple[float, float] = (30.0, 14.0)) -> list[int]:
    w, h = crowd_box
    crowd = [sum(1 for (u, v) in xy if abs(u - x) < w and abs(v - y) < h) for x, y in xy]
    return sorted(range(len(xy)), key=lambda i: (not highlight[i], not flagged[i], -crowd[i]))


def _reference(requests: Sequence[LabelRequest], area: Box, order: Sequence[int] | None = None,
               obstacles: Sequence[Box] = ()) -> list[Placement | None]:
    markers = [(r.x - r.radius, r.y - r.radius, r.x + r.radius, r.y + r.radius) for r in requests]
    taken = list(obstacles)
    result: list[Placement | None] = [None] * len(requests)
    for i in (list(order) if order is not None else range(len(requests))):
        req = requests[i]
        others = [m for j, m in enumerate(markers) if j != i]

        def free(box: Box) -> bool:
            inside = box[0] >= area[0] and box[2] <= area[2] and box[1] >= area[1] and box[3] <= area[3]
            return inside and not any(_overlap(box, b) for b in taken) and not any(_overlap(box, m) for m in markers)

        r, w, s = req.radius + GAP, req.width, req.size
        mid, d = req.y - (ASCENT - DESCENT) * s / 2, r * 0.75
        near = [(req.x + r, mid), (req.x - r - w, mid), (req.x - w / 2, req.y + r + DESCENT * s),
                (req.x - w / 2, req.y - r - ASCENT * s), (req.x + d, req.y + d + DESCENT * s),
                (req.x - d - w, req.y + d + DESCENT * s), (req.x + d, req.y - d - ASCENT * s),
                (req.x - d - w, req.y - d - ASCENT * s)]
        for tx, ty in near:
            if free(text_box(tx, ty, w, s)):
                result[i] = Placement(tx, ty)
                taken.append(text_box(tx, ty, w, s))
                break
        if result[i] is not None:
            continue
        h = (ASCENT + DESCENT) * s
        for dist in LEADER_DISTANCES:
            for angle in LEADER_ANGLES:
                cx, cy = req.x + dist * math.cos(angle), req.y + dist * math.sin(angle)
                tx, ty = cx - w / 2, cy - h / 2 + DESCENT * s
                ex = tx if cx > req.x + w / 2 else tx + w if cx < req.x - w / 2 else cx
                ey = cy - h / 2 if cy > req.y + h / 2 else cy + h / 2 if cy < req.y - h / 2 else cy
                box = text_box(tx, ty, w, s)
                if not free(box):
                    continue
                a = math.atan2(ey - req.y, ex - req.x)
                sx, sy = req.x + req.radius * math.cos(a), req.y + req.radius * math.sin(a)
                if any(_hits(sx, sy, ex, ey, b) for b in [*others, *taken]):
                    continue
                result[i] = Placement(tx, ty, (sx, sy, ex, ey))
                taken.append(box)
                break
            if result[i] is not None:
                break
    return result


def _placed(requests: Sequence[LabelRequest], area: Box, order: Sequence[int] | None = None,
            obstacles: Sequence[Box] = ()) -> list[Placement | None]:
    """place_labels as it runs (a raster of the plot past FEW markers, a grid cell's markers compared as
    arrays past PACKED of them), checked to be the same with both for any number of markers."""
    placed = place_labels(requests, area, order, obstacles)
    few, packed = label_placement.FEW, label_placement.PACKED
    label_placement.FEW, label_placement.PACKED = 0, 1
    try:
        assert repr(place_labels(requests, area, order, obstacles)) == repr(placed)
    finally:
        label_placement.FEW, label_placement.PACKED = few, packed
    return placed


# --- inputs: scatter plots of every shape a funnel takes ----------------------------------------------------
AREA: Box = (41.0, 31.0, 471.0, 221.0)   # a page's plot in points, away from the origin


def _cluster(seed: int, n: int, shape: str, area: Box = AREA) -> list[LabelRequest]:
    """`n` labelled points: spread over the plot, in a funnel's dense band, in tight knots, piled on one
    another (clinics with the same figures), or partly on and past the plot's edges."""
    rng = random.Random(seed)
    x0, y0, x1, y1 = area
    points = []
    for k in range(n):
        if shape == "band":       # most clinics near the pooled value, spread widening to the left
            x = rng.uniform(x0, x1)
            y = (y0 + y1) / 2 + rng.gauss(0, 12 + 40 * (x1 - x) / (x1 - x0))
        elif shape == "knots":
            cx, cy = (x0 + (x1 - x0) * (k % 5) / 5 + 30, y0 + (y1 - y0) * (k % 3) / 3 + 30)
            x, y = cx + rng.gauss(0, 6), cy + rng.gauss(0, 4)
        elif shape == "piles":    # a few places, many clinics on each (the very same figures)
            x, y = (round(rng.uniform(x0, x1), -1), round(rng.uniform(y0, y1), -1)) if k % 4 == 0 or not points \
                else (points[-1].x, points[-1].y)
        elif shape == "heap":     # one spot holding most clinics (the same figures), a few elsewhere
            x, y = (200.0, 120.0) if k % 7 else (rng.uniform(x0, x1), rng.uniform(y0, y1))
        elif shape == "line":     # most clinics at 0 events: one row along the bottom, close together
            x, y = (x0 + 3 + k * 0.3, y0 + 9) if k % 9 else (rng.uniform(x0, x1), rng.uniform(y0, y1))
        elif shape == "edges":
            x, y = rng.choice((x0, x1, rng.uniform(x0 - 20, x1 + 20))), rng.choice((y0, y1, rng.uniform(y0, y1)))
        else:
            x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        width = rng.choice((18.0, 31.5, rng.uniform(10, 140), 900.0 if k == 3 else 40.0))
        points.append(LabelRequest(x, y, rng.choice((2.9, 3.4, 5.5, rng.uniform(0, 8))), width,
                                   rng.choice((6.5, 9.0, rng.uniform(5, 14)))))
    return points


def _inputs(seed: int, n: int, shape: str) -> tuple[list[LabelRequest], list[int] | None, list[Box]]:
    rng = random.Random(seed * 7919 + n)
    requests = _cluster(seed, n, shape)
    xy = [(r.x, r.y) for r in requests]
    orders = [None, _reference_order(xy, [rng.random() < 0.02 for _ in xy], [rng.random() < 0.1 for _ in xy]),
              rng.sample(range(n), n), rng.sample(range(n), n // 2)]   # every label, or only some of them
    obstacles = [] if seed % 3 else [(AREA[0] + 40 * k, AREA[1] + 25 * k, AREA[0] + 40 * k + 55, AREA[1] + 25 * k + 9)
                                     for k in range(1 + seed % 4)]
    return requests, orders[seed % len(orders)], obstacles


SHAPES = ("spread", "band", "knots", "piles", "heap", "line", "edges")
CASES = [(seed, n, shape) for shape in SHAPES for seed, n in ((1, 0), (2, 1), (3, 2), (4, 9), (5, 40), (6, 120), (7, 41),
                                                              (8, 13), (9, 250))]


@pytest.mark.parametrize(("seed", "n", "shape"), CASES)
def test_labels_go_where_the_first_placement_put_them(seed: int, n: int, shape: str) -> None:
    requests, order, obstacles = _inputs(seed, n, shape)
    assert _placed(requests, AREA, order, obstacles) == _reference(requests, AREA, order, obstacles)


@pytest.mark.parametrize("n", [1, 3, 60, 400])
def test_priority_order_is_the_first_ones(n: int) -> None:
    """The own clinic first, then flagged points, then the most crowded: the same order, ties kept."""
    for shape in SHAPES:
        requests = _cluster(n, n, shape)
        xy = [(r.x, r.y) for r in requests]
        rng = random.Random(n)
        highlight, flagged = [rng.random() < 0.05 for _ in xy], [rng.random() < 0.2 for _ in xy]
        for box in ((30.0, 14.0), (0.5, 0.5), (1000.0, 1000.0)):
            assert priority_order(xy, highlight, flagged, box) == _reference_order(xy, highlight, flagged, box)


def _assert_sound(requests: Sequence[LabelRequest], area: Box, placed: Sequence[Placement | None],
                  obstacles: Sequence[Box] = ()) -> None:
    """No label outside the plot, on another label, on any point or obstacle; no leader through a point."""
    markers = [(r.x - r.radius, r.y - r.radius, r.x + r.radius, r.y + r.radius) for r in requests]
    boxes = []
    for i, (req, where) in enumerate(zip(requests, placed, strict=True)):
        if where is None:
            continue
        box = text_box(where.x, where.y, req.width, req.size)
        assert area[0] <= box[0] and box[2] <= area[2] and area[1] <= box[1] and box[3] <= area[3]
        assert not any(_overlap(box, m) for m in markers), f"label {i} on a point"
        assert not any(_overlap(box, o) for o in obstacles), f"label {i} on an obstacle"
        assert not any(_overlap(box, b) for b in boxes), f"label {i} on another label"
        if where.leader is not None:
            assert not any(_hits(*where.leader, m) for j, m in enumerate(markers) if j != i)
        boxes.append(box)


@pytest.mark.parametrize(("seed", "n", "shape"), [(11, 1700, "band"), (12, 1700, "spread"), (13, 900, "piles"),
                                                  (14, 1700, "heap"), (15, 1700, "line")])
def test_a_region_sized_funnel_is_placed_soundly(seed: int, n: int, shape: str) -> None:
    requests, order, obstacles = _inputs(seed, n, shape)
    placed = place_labels(requests, AREA, order, obstacles)
    _assert_sound(requests, AREA, placed, obstacles)
    assert place_labels(requests, AREA, order, obstacles) == placed   # the same each time


coordinate = st.floats(-30, 330, allow_nan=False)
request = st.builds(LabelRequest, coordinate, coordinate, st.floats(0, 9), st.floats(0, 200), st.floats(1, 20))


@settings(max_examples=150)
@given(st.lists(request, max_size=40), st.lists(st.tuples(coordinate, coordinate, st.floats(0, 60), st.floats(0, 20)),
                                              max_size=4), st.randoms(use_true_random=False))
def test_any_scatter_places_as_the_reference_and_soundly(requests: list[LabelRequest], rects, rng) -> None:
    area: Box = (0.0, 0.0, 300.0, 200.0)
    obstacles = [(x, y, x + w, y + h) for x, y, w, h in rects]
    order = rng.sample(range(len(requests)), len(requests)) if rng.random() < 0.5 else None
    placed = _placed(requests, area, order, obstacles)
    assert placed == _reference(requests, area, order, obstacles)
    _assert_sound(requests, area, placed, obstacles)


INF, NAN = math.inf, math.nan
ODD_OBSTACLES = [[(-INF, 100.0, INF, 104.0)], [(NAN, 0.0, 500.0, 500.0)], [(200.0, 150.0, 120.0, 90.0)],  # inside out
                 [(0.0, 0.0, 1e300, 1e300)], [(AREA[0], AREA[1], AREA[2], AREA[3])], [(150.0, 90.0, 150.0, 90.0)]]


@pytest.mark.parametrize("obstacles", ODD_OBSTACLES)
def test_odd_obstacles_block_as_the_reference_says(obstacles: list[Box]) -> None:
    """A band across the plot, a box with a NaN corner, one inside out, one past every edge, the whole plot,
    a point: each keeps labels off it exactly as comparing every box does."""
    for seed, shape in ((21, "spread"), (22, "band"), (23, "edges")):
        requests = _cluster(seed, 60, shape)
        assert _placed(requests, AREA, None, obstacles) == _reference(requests, AREA, None, obstacles)


ODD_REQUESTS = [LabelRequest(150.0, 100.0, -3.0, 40.0, 9.0),      # a marker drawn inside out
                LabelRequest(160.0, 100.0, 2.0, -30.0, 9.0),      # a label of negative width
                LabelRequest(NAN, 100.0, 2.0, 30.0, 9.0), LabelRequest(INF, 100.0, 2.0, 30.0, 9.0),
                LabelRequest(170.0, 100.0, 2.0, 30.0, -9.0), LabelRequest(140.0, 95.0, 2.0, 0.0, 0.0),
                LabelRequest(1e12, -1e12, 2.0, 30.0, 9.0)]


@pytest.mark.parametrize("area", [AREA, (0.0, 0.0, 0.0, 0.0), (0.0, 0.0, 1e-3, 1e-3), (-INF, -INF, INF, INF),
                                  (-1e308, -1e308, 1e308, 1e308), (300.0, 300.0, 0.0, 0.0), (0.0, 0.0, 1e6, 20.0)])
def test_odd_points_and_plots_place_as_the_reference(area: Box) -> None:
    requests = ODD_REQUESTS + _cluster(31, 40, "knots")
    for order in (None, list(range(len(requests)))[::-1]):
        assert _placed(requests, area, order) == _reference(requests, area, order)
    xy = [(r.x, r.y) for r in requests]
    flags = [i % 3 == 0 for i in range(len(xy))]
    assert priority_order(xy, flags, flags[::-1]) == _reference_order(xy, flags, flags[::-1])
