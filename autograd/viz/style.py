"""How magnitudes look: one logarithmic colour scale per graph, number formats, the legend."""
import math

# Pale for a vanishing gradient, dark for a large one, so a fading gradient looks faded.
PALETTE = ["#fff5d6", "#fde39c", "#fdc26a", "#fc9a4c", "#f26b3a", "#dc3b30",
           "#b3172f", "#7f0a35", "#4a0532"]
# the same ramp a shade darker for edges: a line in the palest colour vanishes on white paper
EDGE_PALETTE = ["#" + "".join(f"{int(int(c[k:k + 2], 16) * 0.82):02x}" for k in (1, 3, 5))
                for c in PALETTE]
NO_GRAD = "#d9d9d9"
ZERO = "#ffffff"        # a gradient that is exactly 0 (it underflowed, or nothing flows)
FOLD = "#f2f2f2"        # the frame of a folded block
NON_FINITE = "#ff0000"
SHRINK = 0.25   # an op whose gradient factor is at most this is marked


class LogScale:
    """Maps a gradient RMS to a colour and a pen width on log10, between the graph's extremes
    or over a fixed range `fixed=(low, high)` (values, e.g. (1e-8, 1)), so that pictures shown
    side by side share one scale."""

    def __init__(self, values, fixed=None):
        if fixed is not None:
            low, high = fixed
            if not (0 < low < high):
                raise ValueError(f"scale: expected (low, high) with 0 < low < high, got "
                                 f"{fixed!r}")
            self.low, self.high = math.floor(math.log10(low)), math.ceil(math.log10(high))
        else:
            logs = [math.log10(v) for v in values if v and v > 0 and math.isfinite(v)]
            self.low = math.floor(min(logs)) if logs else 0
            self.high = math.ceil(max(logs)) if logs else 1
        if self.high <= self.low:
            self.high = self.low + 1

    def position(self, value):
        if not value or value <= 0:
            return 0.0
        t = (math.log10(value) - self.low) / (self.high - self.low)
        return min(1.0, max(0.0, t))

    def colour(self, value, palette=PALETTE):
        t = self.position(value)
        return palette[min(len(palette) - 1, int(t * len(palette)))]

    def edge_colour(self, value):
        return self.colour(value, EDGE_PALETTE)

    def font_colour(self, value):
        """White on the dark end of the palette, black elsewhere."""
        return "white" if self.position(value) > 0.6 else "black"

    def width(self, value):
        return f"{0.6 + 3.4 * self.position(value):.2f}"

    def decades(self):
        return list(range(self.low, self.high + 1))


def number(v):
    if v is None:
        return "?"
    if v == 0:
        return "0"
    if not math.isfinite(v):
        return str(v)
    return f"{v:.2g}" if 1e-2 <= abs(v) < 1e3 else f"{v:.1e}"


def values_text(values):
    return "[" + ", ".join(number(float(v)) for v in values) + "]"


def shape_text(shape):
    if shape is None:
        return ""
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


LEGEND_WIDTH = 420   # points: wide scales get narrower cells, labelled every few decades


def legend_label(scale):
    """An HTML-like Graphviz label: the colour scale, drawn in the image."""
    decades = scale.decades()
    width = max(12, min(34, LEGEND_WIDTH // len(decades)))
    every = math.ceil(len(decades) * 34 / LEGEND_WIDTH) if width < 34 else 1
    def cell(d):
        text = f"1e{d}" if (d - decades[0]) % every == 0 else " "
        return (f'<TD BGCOLOR="{scale.colour(10.0 ** d)}" WIDTH="{width}"><FONT COLOR='
                f'"{scale.font_colour(10.0 ** d)}" POINT-SIZE="{8 if every > 1 else 10}">'
                f'{text}</FONT></TD>')
    cells = "".join(cell(d) for d in decades)
    span = len(decades)
    return ("<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"3\">"
            f"<TR><TD COLSPAN=\"{span}\"><B>gradient RMS = sqrt(mean(g²)), log scale</B></TD>"
            "</TR>"
            f"<TR>{cells}</TR>"
            f"<TR><TD COLSPAN=\"{span}\" ALIGN=\"LEFT\">colour and width of nodes and edges: "
            "the gradient flowing backward there<BR ALIGN=\"LEFT\"/>"
            f"▼ ×f: the op scaled the gradient by f ≤ {SHRINK}<BR ALIGN=\"LEFT\"/>"
            "σ' mean (max): an activation's local derivative, from its saved values"
            "<BR ALIGN=\"LEFT\"/>n × ...: a block repeated n times; its strip shows each "
            "repeat, the input side on the left<BR ALIGN=\"LEFT\"/>red: NaN or Inf; white: "
            "exactly 0; grey: no gradient<BR ALIGN=\"LEFT\"/></TD></TR></TABLE>>")
