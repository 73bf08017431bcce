"""A light drawing recorder for charts: primitives replayed straight onto the reportlab canvas as a flowable.

reportlab's graphics shapes validate every attribute and re-apply the graphics state per node, and its
canvas makes a text object per string; a pack draws thousands of charts, so the charts record plain tuples
here and write them as the page's content operators directly, with only the state changes that are needed
(the same operators the canvas calls would write, texts encoded in the font's subsets as the canvas does).
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.colors import Color
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import FILL_EVEN_ODD, PATH_OPS, Canvas
from reportlab.pdfgen.pathobject import PDFPathObject
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
        """Write the recorded chart into the page as one piece of content (`chart_content`)."""
        self.canv.addLiteral(chart_content(self.canv, self.ops))


def _rgb(colour: Color) -> str:
    return fp_str(colour.red, colour.green, colour.blue)


def _encoded(canv: Canvas, font: str, text: str) -> list[tuple[str, str]]:
    """The text as (subset font name, escaped string) pieces of this document's subsets of the font, as the
    canvas's text object writes them (`TTFont.splitString`); made once per text and document."""
    cache: dict[tuple[str, str], list[tuple[str, str]]] | None = getattr(canv, "_kd_encoded", None)
    if cache is None:
        cache = {}
        canv._kd_encoded = cache
    key = (font, text)
    pieces = cache.get(key)
    if pieces is None:
        face = pdfmetrics.getFont(font)
        if not getattr(face, "_dynamicFont", False):
            raise ValueError(f"charts are drawn in embedded TrueType fonts, not {font}")
        doc = canv._doc
        pieces = [(face.getSubsetInternalName(subset, doc), escapePDF(chunk))
                  for subset, chunk in face.splitString(text, doc)]
        cache[key] = pieces
    return pieces


def chart_content(canv: Canvas, ops: Sequence[tuple]) -> str:
    """A recorded chart as page content operators in the canvas's current coordinates, inside q/Q: lines,
    rectangles, dots and rings, polygons, polylines, clipping, raw pieces and texts (consecutive texts in one
    text object; fonts must be embedded TrueType, as the pack's are)."""
    from klyngedesk.core.render.fonts import text_width

    out: list[str] = ["q"]
    put = out.append
    state: dict[str, object] = {}
    saved: list[dict[str, object]] = []
    fill_ops = {(s, f): PATH_OPS[s, f, FILL_EVEN_ODD] for s in (0, 1) for f in (0, 1)}
    in_text = False

    def stroke(colour: Color, width: float, dash: tuple | None) -> None:
        if state.get("s") is not colour:
            put(f"{_rgb(colour)} RG")
            state["s"] = colour
        if state.get("w") != width:
            put(f"{fp_str(width)} w")
            state["w"] = width
        if state.get("d", ()) != dash:
            put(f"[{fp_str(list(dash)) if dash else ''}] 0 d")
            state["d"] = dash

    def fill(colour: Color) -> None:
        if state.get("f") is not colour:
            put(f"{_rgb(colour)} rg")
            state["f"] = colour

    def cap(mode: int) -> None:
        if state.get("cap") != mode:
            put(f"{mode} J")
            state["cap"] = mode

    for op in ops:
        kind = op[0]
        if kind == "T":
            _, x, y, text, font, size, colour, anchor = op
            if not in_text:
                put("BT")
                in_text = True
                state.pop("tf", None)   # a text object starts without a font
            fill(colour)
            if anchor != "start":
                width = text_width(text, font, size)
                x -= width if anchor == "end" else 0.5 * width
            put(f"1 0 0 1 {fp_str(x, y)} Tm")
            for name, chunk in _encoded(canv, font, text):
                if state.get("tf") != (name, size):
                    put(f"{name} {fp_str(size)} Tf")
                    state["tf"] = (name, size)
                put(f"({chunk}) Tj")
            continue
        if in_text:
            put("ET")
            in_text = False
        if kind != "C":
            cap(0)
        if kind == "L":
            _, x1, y1, x2, y2, colour, width, dash = op
            stroke(colour, width, dash)
            put(f"n {fp_str(x1, y1)} m {fp_str(x2, y2)} l S")
        elif kind == "R":
            _, x, y, w, h, fill_colour, stroke_colour, width = op
            if fill_colour is not None:
                fill(fill_colour)
            if stroke_colour is not None:
                stroke(stroke_colour, width, None)
            put(f"n {fp_str(x, y, w, h)} re {fill_ops[int(stroke_colour is not None), int(fill_colour is not None)]}")
        elif kind == "C":
            _, x, y, r, fill_colour, stroke_colour, width = op
            if fill_colour is None:      # a ring: a real circle path
                stroke(stroke_colour, width, None)
                path = PDFPathObject()
                path.circle(x, y, r)
                put(f"{path.getCode()}\nS")
                continue
            # A filled marker is a zero-length line with round caps (a dot, one path operator instead of
            # four Bezier curves); a rim is a slightly larger dot under it.
            cap(1)
            point = fp_str(x, y)
            if stroke_colour is not None:
                stroke(stroke_colour, 2 * r + width, None)
                put(f"n {point} m {point} l S")
            stroke(fill_colour, 2 * r - (width if stroke_colour is not None else 0), None)
            put(f"n {point} m {point} l S")
        elif kind in ("G", "P"):
            if kind == "G":
                _, points, fill_colour, stroke_colour, width = op
                if fill_colour is not None:
                    fill(fill_colour)
                if stroke_colour is not None:
                    stroke(stroke_colour, width, None)
                paint = fill_ops[int(stroke_colour is not None), int(fill_colour is not None)]
            else:
                _, points, colour, width, dash = op
                stroke(colour, width, dash)
                paint = "S"
            path = [f"{fp_str(*points[0])} m", *(f"{fp_str(*point)} l" for point in points[1:])]
            put(" ".join(path) + (" h" if kind == "G" else "") + f"\n{paint}")
        elif kind == "K":
            _, x, y, w, h = op
            put("q")
            saved.append(dict(state))
            put(f"{fp_str(x, y, w, h)} re W* n")
        elif kind == "U":
            put("Q")
            state.clear()
            state.update(saved.pop())
        elif kind == "X":
            put(op[1])
    if in_text:
        put("ET")
    put("Q")
    return "\n".join(out)
