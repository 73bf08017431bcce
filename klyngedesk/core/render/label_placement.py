"""Places point labels in a scatter plot so that no two labels, and no label and marker, overlap.

Greedy placement in priority order: each label tries the eight places next to its marker, then places
further out joined to the marker by a leader line; a label that finds no free place is left for the
chart's key (a small table under the plot), never printed on top of another.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Box = tuple[float, float, float, float]      # x0, y0, x1, y1

ASCENT, DESCENT = 0.78, 0.26                  # of the font size: the box a label's glyphs take
GAP = 1.5
LEADER_DISTANCES = (11.0, 17.0, 25.0, 35.0)
LEADER_ANGLES = tuple(math.radians(a) for a in (0, 45, 315, 90, 270, 135, 225, 180, 20, 340, 160, 200))


@dataclass(frozen=True)
class LabelRequest:
    x: float              # marker centre
    y: float
    radius: float         # marker half-size
    width: float          # label text width
    size: float           # font size


@dataclass(frozen=True)
class Placement:
    x: float              # text start (left end) and baseline
    y: float
    leader: tuple[float, float, float, float] | None = None   # marker edge -> label box


def overlaps(a: Box, b: Box, slack: float = 0.0) -> bool:
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack


def text_box(x: float, y: float, width: float, size: float) -> Box:
    return x, y - DESCENT * size, x + width, y + ASCENT * size


def _inside(box: Box, area: Box) -> bool:
    return box[0] >= area[0] and box[2] <= area[2] and box[1] >= area[1] and box[3] <= area[3]


def _near(req: LabelRequest) -> list[tuple[float, float]]:
    """Text origins of the eight places touching the marker: right, left, above, below, then diagonals."""
    r, w, s = req.radius + GAP, req.width, req.size
    mid = req.y - (ASCENT - DESCENT) * s / 2
    above, below = req.y + r + DESCENT * s, req.y - r - ASCENT * s
    d = r * 0.75
    return [(req.x + r, mid), (req.x - r - w, mid), (req.x - w / 2, above), (req.x - w / 2, below),
            (req.x + d, req.y + d + DESCENT * s), (req.x - d - w, req.y + d + DESCENT * s),
            (req.x + d, req.y - d - ASCENT * s), (req.x - d - w, req.y - d - ASCENT * s)]


def _far(req: LabelRequest) -> list[tuple[float, float, float, float]]:
    """(text x, baseline, leader end x, leader end y) further out, in every direction."""
    out = []
    h = (ASCENT + DESCENT) * req.size
    for dist in LEADER_DISTANCES:
        for angle in LEADER_ANGLES:
            cx, cy = req.x + dist * math.cos(angle), req.y + dist * math.sin(angle)
            tx, ty = cx - req.width / 2, cy - h / 2 + DESCENT * req.size
            # the leader ends at the middle of the box side that faces the marker
            ex = tx if cx > req.x + req.width / 2 else tx + req.width if cx < req.x - req.width / 2 else cx
            ey = cy - h / 2 if cy > req.y + h / 2 else cy + h / 2 if cy < req.y - h / 2 else cy
            out.append((tx, ty, ex, ey))
    return out


def _segment_hits_box(x1: float, y1: float, x2: float, y2: float, box: Box) -> bool:
    """Whether the leader line crosses a box (sampled; leaders are short)."""
    for i in range(1, 12):
        t = i / 12
        x, y = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
        if box[0] <= x <= box[2] and box[1] <= y <= box[3]:
            return True
    return False


def priority_order(xy: Sequence[tuple[float, float]], highlight: Sequence[bool], flagged: Sequence[bool],
                   crowd_box: tuple[float, float] = (30.0, 14.0)) -> list[int]:
    """The order labels are placed in: the own clinic first, then flagged points, then the most crowded."""
    w, h = crowd_box
    crowd = [sum(1 for (u, v) in xy if abs(u - x) < w and abs(v - y) < h) for x, y in xy]
    return sorted(range(len(xy)), key=lambda i: (not highlight[i], not flagged[i], -crowd[i]))


def place_labels(requests: Sequence[LabelRequest], area: Box, order: Sequence[int] | None = None,
                 obstacles: Sequence[Box] = ()) -> list[Placement | None]:
    """A place for each label inside `area`, or None where none is free (that label goes to the key)."""
    markers = [(r.x - r.radius, r.y - r.radius, r.x + r.radius, r.y + r.radius) for r in requests]
    taken: list[Box] = list(obstacles)
    result: list[Placement | None] = [None] * len(requests)
    sequence = list(order) if order is not None else list(range(len(requests)))
    for i in sequence:
        req = requests[i]
        others = [m for j, m in enumerate(markers) if j != i]
        blocked = [*others, markers[i]]

        def free(box: Box, blocked: list[Box] = blocked) -> bool:
            return _inside(box, area) and not any(overlaps(box, b) for b in taken) and \
                not any(overlaps(box, m) for m in blocked)

        for tx, ty in _near(req):
            box = text_box(tx, ty, req.width, req.size)
            if free(box):
                result[i] = Placement(tx, ty)
                taken.append(box)
                break
        else:
            for tx, ty, ex, ey in _far(req):
                box = text_box(tx, ty, req.width, req.size)
                if not free(box):
                    continue
                angle = math.atan2(ey - req.y, ex - req.x)
                sx, sy = req.x + req.radius * math.cos(angle), req.y + req.radius * math.sin(angle)
                if any(_segment_hits_box(sx, sy, ex, ey, m) for m in others) or \
                        any(_segment_hits_box(sx, sy, ex, ey, b) for b in taken):
                    continue
                result[i] = Placement(tx, ty, (sx, sy, ex, ey))
                taken.append(box)
                break
    return result
