"""A light drawing recorder for charts: primitives replayed straight onto the reportlab canvas as a flowable.

reportlab's graphics shapes validate every attribute and re-apply the graphics state per node; a pack
draws hundreds of charts, so the charts record plain tuples here and replay them with only the state
changes that are needed.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable

Dash = Sequence[float] | None


class Pen:
    """Records lines, rectangles, circles, polylines and text in a width x height box (origin bottom-left)."""

    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height
        self.ops: list[tuple] = []

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: Color, width: float,
             dash: Dash = None) -> None:
        self.ops.append(("L", x1, y1, x2, y2, stroke, width, tuple(dash) if dash else None))

    def rect(self, x: float, y: float, w: float, h: float, fill: Color | None = None, stroke: Color | None = None,
             width: float = 0.0) -> None:
        self.ops.append(("R", x, y, w, h, fill, stroke if width > 0 else None, width))

    def circle(self, x: float, y: float, r: float, fill: Color | None = None, stroke: Color | None = None,
               width: float = 0.0) -> None:
        self.ops.append(("C", x, y, r, fill, stroke if width > 0 else None, width))

    def polyline(self, points: Sequence[tuple[float, float]], stroke: Color, width: float, dash: Dash = None) -> None:
        if len(points) >= 2:
            self.ops.append(("P", tuple(points), stroke, width, tuple(dash) if dash else None))

    def polygon(self, points: Sequence[tuple[float, float]], fill: Color | None = None, stroke: Color | None = None,
                width: float = 0.0) -> None:
        """A closed shape (the triangles and squares that mark points by shape, not colour alone)."""
        if len(points) >= 3:
            self.ops.append(("G", tuple(points), fill, stroke if width > 0 else None, width))

    def clip(self, x: float, y: float, w: float, h: float) -> None:
        """Until unclip(): draw only inside this rectangle (limit curves stay inside the plot)."""
        self.ops.append(("K", x, y, w, h))

    def unclip(self) -> None:
        self.ops.append(("U",))

    def text(self, x: float, y: float, text: str, font: str, size: float, colour: Color,
             anchor: str = "start") -> None:
        if text:
            self.ops.append(("T", x, y, text, font, size, colour, anchor))

    def raw(self, content: str) -> None:
        """PDF page content drawn as it is (balanced q/Q, no text): marks made once and shared by many charts."""
        if content:
            self.ops.append(("X", content))

    def flowable(self) -> ChartFlowable:
        return ChartFlowable(self.width, self.height, self.ops)


class ChartFlowable(Flowable):
    """A recorded chart as a platypus flowable of fixed size."""

    def __init__(self, width: float, height: float, ops: list[tuple]) -> None:
        super().__init__()
        self.width, self.height, self.ops = width, height, ops
        self.unlabelled: list[tuple[str, str]] = []   # a funnel's points without a label in the plot

    def wrap(self, *_: float) -> tuple[float, float]:
        return self.width, self.height

    @property
    def texts(self) -> list[str]:
        """Every string drawn (for the leak check)."""
        return [op[3] for op in self.ops if op[0] == "T"]

    def draw(self) -> None:
        c = self.canv
        state: dict[str, object] = {}
        saved: list[dict[str, object]] = []

        def stroke(colour: Color, width: float, dash: tuple | None) -> None:
            if state.get("s") is not colour:
                c.setStrokeColor(colour)
                state["s"] = colour
            if state.get("w") != width:
                c.setLineWidth(width)
                state["w"] = width
            if state.get("d", ()) != dash:
                c.setDash(list(dash) if dash else [])
                state["d"] = dash

        def fill(colour: Color) -> None:
            if state.get("f") is not colour:
                c.setFillColor(colour)
                state["f"] = colour

        c.saveState()
        for op in self.ops:
            kind = op[0]
            if kind != "C" and state.get("cap") != 0:
                c.setLineCap(0)
                state["cap"] = 0
            if kind == "L":
                _, x1, y1, x2, y2, colour, width, dash = op
                stroke(colour, width, dash)
                c.line(x1, y1, x2, y2)
            elif kind == "T":
                _, x, y, text, font, size, colour, anchor = op
                fill(colour)
                if state.get("font") != (font, size):
                    c.setFont(font, size)
                    state["font"] = (font, size)
                if anchor == "end":
                    c.drawRightString(x, y, text)
                elif anchor == "middle":
                    c.drawCentredString(x, y, text)
                else:
                    c.drawString(x, y, text)
            elif kind == "R":
                _, x, y, w, h, fill_colour, stroke_colour, width = op
                if fill_colour is not None:
                    fill(fill_colour)
                if stroke_colour is not None:
                    stroke(stroke_colour, width, None)
                c.rect(x, y, w, h, stroke=int(stroke_colour is not None), fill=int(fill_colour is not None))
            elif kind == "C":
                _, x, y, r, fill_colour, stroke_colour, width = op
                if fill_colour is None:      # a ring: a real circle path
                    stroke(stroke_colour, width, None)
                    c.circle(x, y, r, stroke=1, fill=0)
                    continue
                # A filled marker is a zero-length line with round caps (a dot, one path operator instead of
                # four Bezier curves); a rim is a slightly larger dot under it.
                if state.get("cap") != 1:
                    c.setLineCap(1)
                    state["cap"] = 1
                if stroke_colour is not None:
                    stroke(stroke_colour, 2 * r + width, None)
                    c.line(x, y, x, y)
                stroke(fill_colour, 2 * r - (width if stroke_colour is not None else 0), None)
                c.line(x, y, x, y)
                continue
            elif kind == "G":
                _, points, fill_colour, stroke_colour, width = op
                if fill_colour is not None:
                    fill(fill_colour)
                if stroke_colour is not None:
                    stroke(stroke_colour, width, None)
                path = c.beginPath()
                path.moveTo(*points[0])
                for point in points[1:]:
                    path.lineTo(*point)
                path.close()
                c.drawPath(path, stroke=int(stroke_colour is not None), fill=int(fill_colour is not None))
            elif kind == "K":
                _, x, y, w, h = op
                c.saveState()
                saved.append(dict(state))
                path = c.beginPath()
                path.rect(x, y, w, h)
                c.clipPath(path, stroke=0, fill=0)
            elif kind == "U":
                c.restoreState()
                state.clear()
                state.update(saved.pop())
            elif kind == "X":
                c.addLiteral(op[1])
            elif kind == "P":
                _, points, colour, width, dash = op
                stroke(colour, width, dash)
                path = c.beginPath()
                path.moveTo(*points[0])
                for point in points[1:]:
                    path.lineTo(*point)
                c.drawPath(path, stroke=1, fill=0)
        c.restoreState()
