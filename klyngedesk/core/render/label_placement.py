"""Places point labels in a scatter plot so that no two labels, and no label and marker, overlap.

Greedy placement in priority order: each label tries the eight places next to its marker, then places
further out joined to the marker by a leader line; a label that finds no free place is left for the
chart's key (a small table under the plot), never printed on top of another.

A region's funnel has 1,700 points: the markers (and obstacles) never move, so every label's 56 places are
tested against them at once, on a fine raster of the plot that says for most places whether a marker can
touch them and whether one surely covers them (only the places in between are compared box by box, with
the markers of their grid cells, a crowded cell's at once and each pile of equal markers as one); the labels
placed so far are kept in a grid of cells as well. The places chosen are exactly those of comparing each
label with every marker and every placed label.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

Box = tuple[float, float, float, float]      # x0, y0, x1, y1

ASCENT, DESCENT = 0.78, 0.26                  # of the font size: the box a label's glyphs take
GAP = 1.5
LEADER_DISTANCES = (11.0, 17.0, 25.0, 35.0)
LEADER_ANGLES = tuple(math.radians(a) for a in (0, 45, 315, 90, 270, 135, 225, 180, 20, 340, 160, 200))
# the offsets of the places further out from the marker, in the order they are tried
_FAR_DX = np.array([dist * math.cos(angle) for dist in LEADER_DISTANCES for angle in LEADER_ANGLES])
_FAR_DY = np.array([dist * math.sin(angle) for dist in LEADER_DISTANCES for angle in LEADER_ANGLES])
NEAR_PLACES, FAR_PLACES = 8, len(_FAR_DX)
_LEADER_T = np.array([i / 12 for i in range(1, 12)])   # where a leader is sampled (leaders are short)
RASTER_CELLS = 1 << 18   # the raster has at most this many cells (its cells grow with the plot)
GRID = 32.0              # the side of a grid cell of markers and placed labels, in the plot's units
BIG = 256                # a box over more grid cells than this is compared with every place instead
FEW = 80                 # with no more markers and obstacles than this, every place is compared box by box
PACKED = 48              # a grid cell of fixed boxes holding more than this is compared as arrays, at once


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


def _hits(x: float, y: float, box: Box) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _leader_points(x1: float, y1: float, x2: float, y2: float) -> Iterator[tuple[float, float]]:
    """The leader's sample points between the marker's edge and the label's box."""
    for t in _LEADER_T.tolist():
        yield x1 + t * (x2 - x1), y1 + t * (y2 - y1)


class _Grid:
    """Boxes by the grid cells they touch (edges included), so that a box or a point is compared only with
    the boxes of its cells; a box over very many cells, or not finite, is compared with everything."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[int]] = {}
        self.boxes: list[Box] = []
        self.big: list[int] = []
        self._packed: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}   # cell -> (alone, boxes)
        self._all: np.ndarray | None = None

    def pack(self) -> None:
        """For boxes that will not move: every box, and the boxes of each crowded cell, as arrays compared
        at once (clinics piled on one another, or on one line, fill a cell with hundreds of boxes). A crowded
        cell keeps each box once: for each, the one index it stands for when it is there once, else -1 (a
        leader skips its own marker, not another marker on top of it)."""
        self._all = np.array(self.boxes, dtype=float).reshape(-1, 4)
        for cell, members in self.cells.items():
            if len(members) <= PACKED:
                continue
            kept: dict[Box, list[int]] = {}   # two of a box's indices are as good as all (one may be skipped)
            for j in members:
                same = kept.setdefault(self.boxes[j], [])
                if len(same) < 2:
                    same.append(j)
            if sum(map(len, kept.values())) <= PACKED:   # a pile: its few boxes compared one by one
                self.cells[cell] = sorted(j for same in kept.values() for j in same)
                continue
            at = np.array(members, dtype=np.int64)
            boxes, first, counts = np.unique(self._all[at], axis=0, return_index=True, return_counts=True)
            self._packed[cell] = (np.where(counts == 1, at[first], -1), boxes)

    @staticmethod
    def _span(box: Box) -> tuple[int, int, int, int] | None:
        if not all(map(math.isfinite, box)) or box[0] > box[2] or box[1] > box[3]:
            return None
        gx0, gx1 = math.floor(box[0] / GRID), math.floor(box[2] / GRID)
        gy0, gy1 = math.floor(box[1] / GRID), math.floor(box[3] / GRID)
        if (gx1 - gx0 + 1) * (gy1 - gy0 + 1) > BIG:
            return None
        return gx0, gy0, gx1, gy1

    def add(self, box: Box) -> None:
        index = len(self.boxes)
        self.boxes.append(box)
        span = self._span(box)
        if span is None:
            self.big.append(index)
            return
        for gx in range(span[0], span[2] + 1):
            for gy in range(span[1], span[3] + 1):
                self.cells.setdefault((gx, gy), []).append(index)

    def overlapped(self, box: Box) -> bool:
        """Whether a box of the grid overlaps `box` (as `overlaps`: touching edges do not)."""
        boxes, span = self.boxes, self._span(box)
        if span is None:
            return bool(_overlapping(self._all, box).any()) if self._all is not None \
                else any(overlaps(box, b) for b in boxes)
        if any(overlaps(box, boxes[j]) for j in self.big):
            return True
        cells, packed = self.cells, self._packed
        for gx in range(span[0], span[2] + 1):
            for gy in range(span[1], span[3] + 1):
                crowd = packed.get((gx, gy))
                if crowd is not None:
                    if _overlapping(crowd[1], box).any():
                        return True
                    continue
                for j in cells.get((gx, gy), ()):
                    if overlaps(box, boxes[j]):
                        return True
        return False

    def crossed(self, points: Sequence[tuple[float, float]], skip: int = -1) -> bool:
        """Whether one of `points` lies in a box of the grid other than box `skip` (edges included)."""
        boxes, cells = self.boxes, self.cells
        for j in self.big:
            if j != skip and any(_hits(x, y, boxes[j]) for x, y in points):
                return True
        packed = self._packed
        for x, y in points:
            if not (math.isfinite(x) and math.isfinite(y)):
                if any(_hits(x, y, b) for j, b in enumerate(boxes) if j != skip):
                    return True
                continue
            cell = (math.floor(x / GRID), math.floor(y / GRID))
            crowd = packed.get(cell)
            if crowd is not None:
                alone, b = crowd
                hit = (b[:, 0] <= x) & (x <= b[:, 2]) & (b[:, 1] <= y) & (y <= b[:, 3])
                if (hit & (alone != skip)).any() if skip >= 0 else hit.any():
                    return True
                continue
            for j in cells.get(cell, ()):
                if j != skip and _hits(x, y, boxes[j]):
                    return True
        return False


def _overlapping(boxes: np.ndarray, box: Box) -> np.ndarray:
    """Which of the boxes overlap `box`, as `overlaps` says."""
    return (box[0] < boxes[:, 2]) & (boxes[:, 0] < box[2]) & (box[1] < boxes[:, 3]) & (boxes[:, 1] < box[3])


class _Raster:
    """Which cells of a fine raster over the plot the fixed boxes touch, and which cells lie wholly inside
    one of them, as prefix sums: a place whose cells no box touches is free of them, a place holding a cell
    that lies inside a box is not, whatever the box. Cells are a power of two wide, so their edges are exact."""

    def __init__(self, boxes: np.ndarray, area: Box) -> None:
        span = max(area[2] - area[0], area[3] - area[1])
        self.cell = 2.0 ** math.ceil(math.log2(span / math.sqrt(RASTER_CELLS) * 1.01)) if span > 0 else 1.0
        self.x0, self.y0 = math.floor(area[0] / self.cell), math.floor(area[1] / self.cell)
        self.nx = math.floor(area[2] / self.cell) - self.x0 + 1
        self.ny = math.floor(area[3] / self.cell) - self.y0 + 1
        proper = _proper(boxes)
        kept = boxes[proper]
        # A box that is not finite (or inside out) is not on the raster: no place is then surely free of the
        # boxes, but a cell inside a proper box still surely takes a place (a NaN box overlaps nothing).
        self.exact = bool((~proper & ~np.isnan(boxes).any(axis=1)).any())
        self.touched = self._sums(*self._touching(kept))
        self.covered = self._sums(*self._inner(kept))

    def _cells(self, low: np.ndarray, high: np.ndarray, first: int, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Clip cell numbers to the raster (one past either end where they lie outside)."""
        return (np.clip(low, first - 1, first + n) - first).astype(np.int64), \
            (np.clip(high, first - 1, first + n) - first).astype(np.int64)

    def _touching(self, b: np.ndarray) -> tuple[np.ndarray, ...]:
        """The cells a box touches: those holding a point of it, edges included."""
        c = self.cell
        return (*self._cells(np.floor(b[:, 0] / c), np.floor(b[:, 2] / c), self.x0, self.nx),
                *self._cells(np.floor(b[:, 1] / c), np.floor(b[:, 3] / c), self.y0, self.ny))

    def _inner(self, b: np.ndarray) -> tuple[np.ndarray, ...]:
        """The cells lying strictly inside a box, edges included: first cell past its left edge to the last
        cell before its right edge."""
        c = self.cell
        return (*self._cells(np.floor(b[:, 0] / c) + 1, np.ceil(b[:, 2] / c) - 2, self.x0, self.nx),
                *self._cells(np.floor(b[:, 1] / c) + 1, np.ceil(b[:, 3] / c) - 2, self.y0, self.ny))

    def _sums(self, x0: np.ndarray, x1: np.ndarray, y0: np.ndarray, y1: np.ndarray) -> np.ndarray:
        """Prefix sums of the cells covered by at least one of the rectangles of cells."""
        x0, x1 = np.maximum(x0, 0), np.minimum(x1, self.nx - 1)
        y0, y1 = np.maximum(y0, 0), np.minimum(y1, self.ny - 1)
        keep = (x0 <= x1) & (y0 <= y1)
        x0, x1, y0, y1 = x0[keep], x1[keep], y0[keep], y1[keep]
        counts = np.zeros((self.ny + 1, self.nx + 1), dtype=np.int32)
        np.add.at(counts, (y0, x0), 1)
        np.add.at(counts, (y0, x1 + 1), -1)
        np.add.at(counts, (y1 + 1, x0), -1)
        np.add.at(counts, (y1 + 1, x1 + 1), 1)
        cover = counts.cumsum(axis=0, dtype=np.int32).cumsum(axis=1, dtype=np.int32)[:self.ny, :self.nx] > 0
        sums = np.zeros((self.ny + 1, self.nx + 1), dtype=np.int32)
        sums[1:, 1:] = cover.cumsum(axis=0, dtype=np.int32).cumsum(axis=1, dtype=np.int32)
        return sums

    def _any(self, sums: np.ndarray, x0: np.ndarray, x1: np.ndarray, y0: np.ndarray, y1: np.ndarray) -> np.ndarray:
        """Whether a covered cell lies in each rectangle of cells (empty rectangles hold none; a rectangle
        past the raster's edge is asked where it meets the edge, which is right for places inside the plot)."""
        empty = (x0 > x1) | (y0 > y1)
        x0, x1 = np.clip(x0, 0, self.nx - 1), np.clip(x1, 0, self.nx - 1) + 1
        y0, y1 = np.clip(y0, 0, self.ny - 1), np.clip(y1, 0, self.ny - 1) + 1
        total = sums[y1, x1] - sums[y0, x1] - sums[y1, x0] + sums[y0, x0]
        return (total > 0) & ~empty

    def classify(self, places: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For places inside the plot: (surely free of the boxes, surely on one of them)."""
        flat = places.reshape(-1, 4)
        flat = np.where(np.isfinite(flat), flat, 0.0)   # (such a place is not inside the plot)
        free = ~self._any(self.touched, *self._touching(flat)) & _proper(flat) & (not self.exact)
        taken = self._any(self.covered, *self._inner(flat))
        return free.reshape(places.shape[:-1]), taken.reshape(places.shape[:-1])


def _proper(boxes: np.ndarray) -> np.ndarray:
    """Boxes with finite corners, the first below and left of the second."""
    return np.isfinite(boxes).all(axis=1) & (boxes[:, 0] <= boxes[:, 2]) & (boxes[:, 1] <= boxes[:, 3])


def _places(requests: Sequence[LabelRequest]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every label's places, nearest first, as boxes (n, 56, 4), with their text baselines (n, 56) and the
    centres of the places further out (n, 48, 2 - where their leaders aim)."""
    x, y, radius, w, s = (np.array([getattr(r, f) for r in requests], dtype=float).reshape(-1, 1)
                          for f in ("x", "y", "radius", "width", "size"))
    r = radius + GAP
    mid = y - (ASCENT - DESCENT) * s / 2
    above, below = y + r + DESCENT * s, y - r - ASCENT * s
    d = r * 0.75
    near_x = [x + r, x - r - w, x - w / 2, x - w / 2, x + d, x - d - w, x + d, x - d - w]
    near_y = [mid, mid, above, below, y + d + DESCENT * s, y + d + DESCENT * s, y - d - ASCENT * s,
              y - d - ASCENT * s]
    h = (ASCENT + DESCENT) * s
    cx, cy = x + _FAR_DX, y + _FAR_DY
    tx = np.concatenate([*near_x, cx - w / 2], axis=1)
    ty = np.concatenate([*near_y, cy - h / 2 + DESCENT * s], axis=1)
    boxes = np.stack([tx, ty - DESCENT * s, tx + w, ty + ASCENT * s], axis=-1)
    return boxes, ty, cx, cy


def priority_order(xy: Sequence[tuple[float, float]], highlight: Sequence[bool], flagged: Sequence[bool],
                   crowd_box: tuple[float, float] = (30.0, 14.0)) -> list[int]:
    """The order labels are placed in: the own clinic first, then flagged points, then the most crowded
    (the points within `crowd_box` of each, counted among the points of its neighbouring grid cells)."""
    with np.errstate(all="ignore"):   # points not finite are crowded by none (their comparisons are false)
        crowd = _crowds(np.array(xy, dtype=float).reshape(-1, 2), *crowd_box)
    return sorted(range(len(xy)), key=lambda i: (not highlight[i], not flagged[i], -crowd[i]))


def _crowds(xy: np.ndarray, w: float, h: float) -> list[int]:
    """For each point, how many points (itself included) lie less than w across and h up or down from it."""
    n = len(xy)
    crowd = np.zeros(n, dtype=np.int64)
    if not n or not (w > 0 and h > 0):
        return crowd.tolist()

    def count(at: np.ndarray, among: np.ndarray) -> np.ndarray:
        p, q = xy[at], xy[among]
        close = (np.abs(q[None, :, 0] - p[:, None, 0]) < w) & (np.abs(q[None, :, 1] - p[:, None, 1]) < h)
        return close.sum(axis=1)

    # Cells twice the box: a point's neighbours are in its cell or the eight around it. Points far out (or
    # not finite) are counted against every point.
    tame = np.isfinite(xy).all(axis=1) & (np.abs(xy) < 2.0 ** 40 * min(w, h)).all(axis=1)
    if math.isfinite(w) and math.isfinite(h):
        gx, gy = np.floor(xy[tame, 0] / (2 * w)).astype(np.int64), np.floor(xy[tame, 1] / (2 * h)).astype(np.int64)
        tame_at = np.flatnonzero(tame)
        cells: dict[tuple[int, int], list[int]] = {}
        for i, key in zip(tame_at.tolist(), zip(gx.tolist(), gy.tolist(), strict=True), strict=True):
            cells.setdefault(key, []).append(i)
        wild = np.flatnonzero(~tame)
        for (cx, cy), members in cells.items():
            around = [j for dx in (-1, 0, 1) for dy in (-1, 0, 1) for j in cells.get((cx + dx, cy + dy), ())]
            among = np.concatenate([np.array(around, dtype=np.int64), wild])
            for start in range(0, len(members), 256):   # (a pile of clinics on one spot: a few rows at a time)
                at = np.array(members[start:start + 256])
                crowd[at] = count(at, among)
    else:
        tame[:] = False
    wild = np.flatnonzero(~tame)
    for start in range(0, len(wild), 256):
        crowd[wild[start:start + 256]] = count(wild[start:start + 256], np.arange(n))
    return crowd.tolist()


def place_labels(requests: Sequence[LabelRequest], area: Box, order: Sequence[int] | None = None,
                 obstacles: Sequence[Box] = ()) -> list[Placement | None]:
    """A place for each label inside `area`, or None where none is free (that label goes to the key)."""
    n = len(requests)
    result: list[Placement | None] = [None] * n
    sequence = list(order) if order is not None else list(range(n))
    if not n or not sequence:
        return result
    markers = [(r.x - r.radius, r.y - r.radius, r.x + r.radius, r.y + r.radius) for r in requests]
    fixed = _Grid()   # the markers (box i is request i's) and the obstacles: never move
    for fixed_box in (*markers, *obstacles):
        fixed.add(fixed_box)
    fixed.pack()
    placed = _Grid()  # the labels placed so far
    with np.errstate(all="ignore"):   # a place not finite is not inside the plot
        boxes, baselines, cx, cy = _places(requests)
        a0, a1, a2, a3 = area
        inside = (boxes[..., 0] >= a0) & (boxes[..., 2] <= a2) & (boxes[..., 1] >= a1) & (boxes[..., 3] <= a3)
        free, taken = np.zeros_like(inside), np.zeros_like(inside)
        if len(fixed.boxes) > FEW and math.isfinite(a2 - a0) and math.isfinite(a3 - a1) and a0 <= a2 and a1 <= a3 \
                and inside.any():
            free, taken = _Raster(np.array(fixed.boxes, dtype=float).reshape(-1, 4), area).classify(boxes)
        tried = inside & ~taken
    for i in sequence:
        req = requests[i]
        h = (ASCENT + DESCENT) * req.size
        for k in np.flatnonzero(tried[i]).tolist():
            x0, y0, x1, y1 = boxes[i, k].tolist()
            box = (x0, y0, x1, y1)
            if not free[i, k] and fixed.overlapped(box) or placed.overlapped(box):
                continue
            tx, ty = box[0], float(baselines[i, k])
            if k < NEAR_PLACES:
                result[i] = Placement(tx, ty)
                placed.add(box)
                break
            # the leader ends at the middle of the box side that faces the marker
            x, y = float(cx[i, k - NEAR_PLACES]), float(cy[i, k - NEAR_PLACES])
            ex = tx if x > req.x + req.width / 2 else tx + req.width if x < req.x - req.width / 2 else x
            ey = y - h / 2 if y > req.y + h / 2 else y + h / 2 if y < req.y - h / 2 else y
            angle = math.atan2(ey - req.y, ex - req.x)
            sx, sy = req.x + req.radius * math.cos(angle), req.y + req.radius * math.sin(angle)
            points = list(_leader_points(sx, sy, ex, ey))
            if fixed.crossed(points, skip=i) or placed.crossed(points):
                continue
            result[i] = Placement(tx, ty, (sx, sy, ex, ey))
            placed.add(box)
            break
    return result
