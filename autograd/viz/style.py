"""How magnitudes look: one logarithmic colour scale per graph, number formats, the legend."""
import math

# Pale for a vanishing gradient, dark for a large one, so a fading gradient looks faded.
PALETTE = ["#fff5d6", "#fde39c", "#fdc26a", "#fc9a4c", "#f26b3a", "#dc3b30",
           "#b3172f", "#7f0a35", "#4a0532"]
NO_GRAD = "#d9d9d9"
NON_FINITE = "#ff0000"
SHRINK = 0.25   # an op whose gradient factor is at most this is marked


class LogScale:
    """Maps a gradient RMS to a colour and a pen width on log10 between the graph's extremes."""

    def __init__(self, values):
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

    def colour(self, value):
        t = self.position(value)
        return PALETTE[min(len(PALETTE) - 1, int(t * len(PALETTE)))]

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


def legend_label(scale):
    """An HTML-like Graphviz label: the colour scale, drawn in the image."""
    cells = "".join(
        f'<TD BGCOLOR="{scale.colour(10.0 ** d)}" WIDTH="34">1e{d}</TD>'
        for d in scale.decades())
    span = len(scale.decades())
    return ("<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"3\">"
            f"<TR><TD COLSPAN=\"{span}\"><B>gradient RMS = sqrt(mean(g²)), log scale</B></TD>"
            "</TR>"
            f"<TR>{cells}</TR>"
            f"<TR><TD COLSPAN=\"{span}\" ALIGN=\"LEFT\">colour and width of nodes and edges: "
            "the gradient flowing backward there<BR ALIGN=\"LEFT\"/>"
            f"▼ ×f: the op scaled the gradient by f ≤ {SHRINK}<BR ALIGN=\"LEFT\"/>"
            "σ' mean (max): an activation's local derivative, from its saved values"
            "<BR ALIGN=\"LEFT\"/>red: NaN or Inf<BR ALIGN=\"LEFT\"/></TD></TR></TABLE>>")
