"""The hero: every compressed version of the digit CNN on one size–accuracy–latency chart. Each point is
built here from committed weights (`build`), measured by train/compression_frontier.py on one machine in one
run, and the chart, its caption and the clicked point's card read that committed measurement."""
from __future__ import annotations

import math

import plotly.graph_objects as go
from torch import nn

from demos.compression import quantisation
from demos.plots import OKABE_ITO

AXES = ("bytes on disk", "latency")
CLOSE_POINTS = 1.0  # "close to the teacher": held-out accuracy within this many percentage points
FAMILIES = {"teacher": OKABE_ITO[7], "quantised": OKABE_ITO[3], "pruned": OKABE_ITO[2], "student": OKABE_ITO[0]}
# point -> (family, registry model it starts from, how it is made, how its bytes are counted)
POINTS = {
    "teacher": ("teacher", "mnist_cnn", "the committed digit CNN, float32", "safetensors"),
    "teacher int8 weights": ("quantised", "mnist_cnn", "conv and linear weights stored as int8 codes with one scale "
                             "per channel (symmetric), dequantised to float32 to run", "int8 safetensors"),
    "teacher dynamic int8": ("quantised", "mnist_cnn", "torch.ao.quantization.quantize_dynamic: its one nn.Linear "
                             "runs in int8, the conv layers stay float32", "torch.save"),
    "pruned 80%": ("pruned", "compression_pruned80", "80% of weights zeroed (global magnitude), fine-tuned; "
                   "stored dense", "safetensors"),
    "channels halved": ("pruned", "compression_slim50", "half the filters of every conv layer removed and the "
                        "layers rebuilt smaller, fine-tuned", "safetensors"),
    "channels halved int8": ("quantised", "compression_slim50", "the channel-pruned CNN with int8 weights "
                             "(per channel, symmetric)", "int8 safetensors"),
    "student (hard labels)": ("student", "compression_student_hard", "784→32→10 MLP trained on labels only",
                              "safetensors"),
    "student (distilled)": ("student", "compression_student_kd", "784→32→10 MLP trained on the teacher's soft "
                            "targets", "safetensors"),
    "student dynamic int8": ("quantised", "compression_student_kd", "the distilled student after quantize_dynamic "
                             "(both linear layers int8)", "torch.save"),
}
DEFAULT_POINT = "teacher"


def build(point: str, load) -> tuple[nn.Module, dict]:
    """(the runnable model of a frontier point, the state dict whose bytes it is stored as or None for
    torch.save). `load(name)` opens a registry model (models.registry.load_pretrained, or the UI's cache)."""
    _, source, _, storage = POINTS[point]
    base = load(source)
    if storage == "int8 safetensors":
        return quantisation.quantise_model(base, 8, True, True), quantisation.int8_state(base)
    if storage == "torch.save":
        return quantisation.dynamic_int8(base)[0], None
    return base, base.state_dict()


LABEL_BELOW = {"student (hard labels)", "pruned 80%", "channels halved int8", "channels halved"}  # labels that would overlap


def pareto(front: dict, key: str) -> list[str]:
    """The points no other point beats on both accuracy and `key` (bytes or latency_ms), by increasing `key`."""
    pts = front["points"]
    best = [n for n, p in pts.items() if not any(q[key] <= p[key] and q["accuracy"] >= p["accuracy"] and
                                                   (q[key] < p[key] or q["accuracy"] > p["accuracy"]) for q in pts.values())]
    return sorted(best, key=lambda n: pts[n][key])


def frontier_figure(front: dict, axis: str, selected: str, height: int = 430) -> go.Figure:
    teacher = front["points"]["teacher"]
    key = "bytes" if axis == AXES[0] else "latency_ms"
    scale = 1000 if key == "bytes" else 1
    edge = pareto(front, key)
    fig = go.Figure(go.Scatter(x=[front["points"][n][key] / scale for n in edge],
                               y=[front["points"][n]["accuracy"] for n in edge], mode="lines", name="frontier",
                               line=dict(color="#444444", width=3, dash="dash", shape="hv"), hoverinfo="skip"))
    for family, colour in FAMILIES.items():
        names = [n for n in front["points"] if POINTS[n][0] == family]
        pts = [front["points"][n] for n in names]
        x = [p["bytes"] / 1000 if axis == AXES[0] else p["latency_ms"] for p in pts]
        fig.add_scatter(x=x, y=[p["accuracy"] for p in pts], mode="markers+text", name=family, text=names,
                        textposition=["bottom center" if n in LABEL_BELOW else "top center" for n in names],
                        customdata=names,
                        marker=dict(color=colour, size=[26 if n == selected else 18 for n in names],
                                    line=dict(width=[3 if n == selected else 0 for n in names], color="black")),
                        hovertemplate="%{customdata}<br>%{y:.1%} held-out<br>" +
                                      ("%{x:.1f} kB" if axis == AXES[0] else "%{x:.2f} ms") + "<extra></extra>")
    top = max(p["accuracy"] for p in front["points"].values()) + 0.004
    fig.add_hrect(y0=teacher["accuracy"] - CLOSE_POINTS / 100, y1=top, fillcolor=FAMILIES["pruned"], opacity=0.32, line_width=0,
                  layer="below", annotation_text=f"within {CLOSE_POINTS:g} point of the teacher", annotation_position="top left")
    fig.update_layout(height=height, margin=dict(l=60, r=10, t=30, b=50), legend=dict(orientation="h", y=1.08),
                      xaxis=dict(type="log", tickvals=log_ticks([p[key] / scale for p in front["points"].values()]), title="bytes on disk (kB, log scale)" if axis == AXES[0]
                                 else f"CPU latency of a batch of {front['batch']} (ms, log scale)"),
                      yaxis=dict(title="held-out accuracy (1,000 digits)", tickformat=".0%"))
    return fig


def log_ticks(values: list[float]) -> list[float]:
    """1-2-5 ticks spanning `values` (explicit: plotly's own minor labels on a log axis are drawn in a
    smaller font, too small to read on a slide)."""
    lo, hi = min(values), max(values)
    ticks = [m * 10.0 ** e for e in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1)
             for m in (1, 2, 5)]
    return [t for t in ticks if lo / 1.5 <= t <= hi * 1.5]


def smallest_close(front: dict, points: float = CLOSE_POINTS, key: str = "bytes") -> str:
    """The point with the fewest bytes (or lowest latency) whose accuracy is within `points` of the teacher."""
    ok = {n: p for n, p in front["points"].items() if p["accuracy"] >= front["points"]["teacher"]["accuracy"] - points / 100}
    return min(ok, key=lambda n: ok[n][key])


def frontier_caption(front: dict, axis: str) -> str:
    t = front["points"]["teacher"]
    key = "bytes" if axis == AXES[0] else "latency_ms"
    best = smallest_close(front, 1.0, key)
    b = front["points"][best]
    unit = (lambda p: f"{p['bytes'] / 1000:.1f} kB") if key == "bytes" else (lambda p: f"{p['latency_ms']:.2f} ms")
    return (f"{len(front['points'])} versions of the digit CNN, measured in one run. Within 1 point of the teacher's "
            f"{t['accuracy']:.1%}, the {'smallest' if key == 'bytes' else 'fastest'} is “{best}”: {unit(b)} against "
            f"the teacher's {unit(t)} ({t[key] / b[key]:.1f}× {'smaller' if key == 'bytes' else 'faster'}), at "
            f"{b['accuracy']:.1%}.")


def point_card(front: dict, point: str) -> str:
    """Markdown: how a point is made and its numbers, with ratios to the teacher."""
    p, t = front["points"][point], front["points"]["teacher"]
    family, source, how, storage = POINTS[point]
    return (f"**{point}** ({family}, from `{source}`): {how}.  \n"
            f"Held-out accuracy **{p['accuracy']:.1%}** (teacher {t['accuracy']:.1%}) · "
            f"**{p['bytes']:,} bytes** as {storage} ({p['bytes'] / t['bytes']:.2f}× the teacher) · "
            f"**{p['latency_ms']:.2f} ms** per batch of {front['batch']} ({p['latency_ms'] / t['latency_ms']:.2f}× "
            f"the teacher) · {p['parameters']:,} parameters in the float model it comes from.")


def clicked_point(clicked: dict) -> str | None:
    """The point a click on the hero selected (its name is the marker's customdata), or None."""
    name = clicked.get("customdata")
    name = name[0] if isinstance(name, (list, tuple)) and name else name
    return name if name in POINTS else None
