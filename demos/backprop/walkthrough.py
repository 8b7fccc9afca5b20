"""The walkthrough: the forward pass node by node, the backward pass node by node (each edge: local
derivative × the gradient from above), then one gradient step; drawn as a client-side player over the
computational graph, with its caption.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from demos.backprop.engine import SYMBOLS, Graph, safe_step
from demos.backprop.expressions import FUNCTIONS
from demos.plots import OKABE_ITO
from demos.replay import animate
from demos.text import num

BLUE, ORANGE, VERMILION = (OKABE_ITO[i] for i in (0, 1, 3))
GREY = "#9aa0a6"


# ================================================================ the frames
@dataclass(frozen=True)
class Frame:
    phase: str  # "start", "forward", "backward" or "update"
    title: str  # short name on the player's slider
    narration: str  # the arithmetic of this step, in words
    values: np.ndarray  # (N,) node values known so far (nan: not yet computed)
    grads: np.ndarray  # (N,) gradients known so far (nan: not yet reached)
    active: int  # the node this step computes (-1: none)
    edges: tuple[tuple[int, int, str], ...] = ()  # highlighted edges (from, to, label)


def _paren(text: str) -> str:
    return f"({text})" if text.startswith("−") else text


def node_names(graph: Graph) -> list[str]:
    """Names for sentences: a parameter's or unit's own name; n1, n2, … for an expression's operations."""
    names, k = [], 0
    for n in graph.nodes:
        if n.name or graph.output == "L":
            names.append(n.name or n.label)
        elif n.op == "const":
            names.append(n.label)
        else:
            k += 1
            names.append(f"n{k}")
    if graph.output == "f":
        names[-1] = "f"
    return names


def _formula(graph: Graph, i: int, names: list[str], values: bool) -> str:
    n = graph.nodes[i]
    args = [num(graph.nodes[j].value) if values else names[j] for j in n.inputs]
    if values and n.op not in FUNCTIONS:
        args = [_paren(a) for a in args]
    if n.op == "affine":
        terms = [f"{args[k]}·{args[k + 1]}" for k in range(0, len(args) - 1, 2)]
        return " + ".join(terms + [args[-1]])
    if n.op in ("sqerr", "bce"):
        p, y = args
        return f"½({p} − {y})²" if n.op == "sqerr" else f"−[{y}·log {p} + (1 − {y})·log(1 − {p})]"
    if n.op == "neg":
        return f"−{args[0]}"
    if len(args) == 2:
        return f"{args[0]} {'**' if n.op.startswith('pow') else SYMBOLS[n.op]} {args[1]}"
    return f"{n.op}({args[0]})"


def walkthrough(graph: Graph, lr: float) -> list[Frame]:
    """The forward pass node by node, the backward pass node by node (each edge: local derivative ×
    the gradient arriving from above = what it passes down), then one gradient-descent update."""
    nodes, names, out = graph.nodes, node_names(graph), graph.output
    n = len(nodes)
    ops = [i for i, node in enumerate(nodes) if node.inputs]
    values = np.array([node.value if not node.inputs else np.nan for node in nodes])
    grads = np.full(n, np.nan)
    frames = [Frame("start", "start", f"Inputs and parameters are set. ▶ Play: values flow forward to {out}, "
                    f"then gradients flow back.", values.copy(), grads.copy(), -1)]
    for k, i in enumerate(ops, 1):
        values[i] = nodes[i].value
        text = f"Forward {k}/{len(ops)}: {names[i]} = {_formula(graph, i, names, False)}"
        text += f" = {_formula(graph, i, names, True)} = {num(nodes[i].value)}"
        frames.append(Frame("forward", f"F{k}", text, values.copy(), grads.copy(), i,
                            tuple((j, i, "") for j in nodes[i].inputs)))
    grads[-1] = 1.0
    frames.append(Frame("backward", "B0", f"Backward starts at the output: ∂{out}/∂{out} = 1.", values.copy(),
                        grads.copy(), n - 1))
    acc = np.zeros(n)
    acc[-1] = 1.0
    for k, i in enumerate(reversed(ops), 1):
        g, edges, parts = acc[i], [], []
        for j, local in zip(nodes[i].inputs, nodes[i].local):
            if nodes[j].op == "const":  # a target or a number: nothing to learn, nothing shown
                continue
            had = acc[j]
            acc[j] += local * g
            grads[j] = acc[j]
            edges.append((j, i, f"{num(local)} × {_paren(num(g))}"))
            parts.append(f"∂{out}/∂{names[j]} {'+' if had else ''}= {num(local)} × {_paren(num(g))}"
                         + (f" → {num(acc[j])} (a second path: gradients add)" if had else f" = {num(acc[j])}"))
        head = f"Backward {k}/{len(ops)} through {names[i]}: ∂{out}/∂{names[i]} = {num(g)}, times each local slope"
        frames.append(Frame("backward", f"B{k}", head + ": " + "; ".join(parts), values.copy(), grads.copy(), i,
                            tuple(edges)))
    after, problem = safe_step(graph, lr)
    moved = tuple((j, i, "") for i in ops for j in nodes[i].inputs if nodes[j].op == "param")
    if after is None:
        frames.append(Frame("update", "update", f"One gradient-descent step with η = {lr:g} fails: {problem}. "
                            "Try a smaller η.", np.full(n, np.nan), np.full(n, np.nan), -1, moved))
    else:
        frames.append(Frame("update", "update", f"One gradient-descent step, p ← p − η·∂{out}/∂p with η = {lr:g}: "
                            f"{out} goes from {num(nodes[-1].value)} to {num(after.nodes[-1].value)}.",
                            np.array([node.value for node in after.nodes]), np.full(n, np.nan), -1, moved))
    return frames


OPEN_AT = {"start": "the start", "forward": "forward done", "backward": "backward done", "update": "the update"}


def frame_index(frames: list[Frame], where: str) -> int:
    """The frame a view opens on: "start", the last forward or backward frame, or the update."""
    if where == "start":
        return 0
    return max(k for k, f in enumerate(frames) if f.phase == where)


# ================================================================ the player
def wrap(text: str, width: int = 115) -> str:
    """Text broken into lines of at most `width` characters (Plotly text takes <br>)."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "<br>".join(lines + [line])


def graph_figure(graph: Graph, frames: list[Frame], start: int = 0, height: int = 480,
                 text_scale: float = 1.0) -> go.Figure:
    """The computational graph as a client-side player: node colours (grey: not computed, blue: value
    known, vermilion: gradient known), values and gradients beside the nodes, highlighted edges labelled
    'local derivative × gradient from above', and the step's arithmetic on top. `text_scale` enlarges
    nodes and text together (a slide: 1.25)."""
    nodes, names = graph.nodes, node_names(graph)
    xy = np.array([n.pos for n in nodes])
    leaf = np.array([not n.inputs for n in nodes])
    size = round((32 if len(nodes) <= 20 else 26) * text_scale)
    ex, ey = [], []
    for i, node in enumerate(nodes):
        for j in node.inputs:
            ex += [xy[j, 0], xy[i, 0], None]
            ey += [xy[j, 1], xy[i, 1], None]
    lines = max(wrap(f.narration).count("<br>") + 1 for f in frames)  # room for the narration on top:
    bottom, base = xy[:, 1].min() - 1.2, np.ptp(xy[:, 1]) + 2.0  # y span R with R·(its share of pixels) = base
    top = bottom + base / (1 - (17 * text_scale * lines + 8) / max(height - 110, 200))
    arrows = [  # arrowheads show the direction of the forward pass
        dict(x=xy[i, 0], y=xy[i, 1], ax=xy[j, 0], ay=xy[j, 1], xref="x", yref="y", axref="x", ayref="y",
             showarrow=True, arrowhead=2, arrowsize=1, arrowwidth=1.2, arrowcolor=GREY, standoff=size / 2, text="")
        for i, node in enumerate(nodes) for j in node.inputs]
    fig = go.Figure([  # animated: 1 (highlighted edges) and 2 (node colours, values, gradients, labels, narration)
        go.Scatter(x=ex, y=ey, mode="lines", line=dict(color=GREY, width=1.2), hoverinfo="skip"),
        go.Scatter(x=[], y=[], mode="lines", line=dict(color=ORANGE, width=4), hoverinfo="skip"),
        go.Scatter(x=xy[:, 0], y=xy[:, 1], mode="markers+text", marker=dict(size=size, line=dict(width=1, color="white")),
                   textfont=dict(size=round(11 * text_scale)), hovertext=[_hover(graph, i, names) for i in range(len(nodes))],
                   hoverinfo="text"),
        go.Scatter(x=xy[:, 0], y=xy[:, 1], mode="text", text=[f"<b>{n.label}</b>" for n in nodes], hoverinfo="skip",
                   textfont=dict(size=round((12 if len(nodes) <= 20 else 10) * text_scale), color="white")),
    ], layout=dict(annotations=arrows, height=height, showlegend=False, margin=dict(l=5, r=5, t=5, b=5),
                   dragmode=False, xaxis=dict(visible=False, range=[xy[:, 0].min() - 0.9, xy[:, 0].max() + 0.5]),
                   yaxis=dict(visible=False, range=[bottom, top])))
    anchor = {"x": list(xy[:, 0]) + [xy[:, 0].min() - 0.85], "y": list(xy[:, 1]) + [top],
              "position": np.where(leaf, "middle left", "bottom center").tolist() + ["bottom right"]}
    updates = [_frame_update(graph, f, xy, names, size, anchor, text_scale) for f in frames]
    return animate(fig, updates, [f.title for f in frames], frame_ms=900, prefix="", start=start)


def _hover(graph: Graph, i: int, names: list[str]) -> str:
    node = graph.nodes[i]
    if node.op == "param":
        return f"{names[i]}: a parameter (gradient descent moves it)"
    if node.op in ("input", "const"):
        return f"{names[i]}: {'an input' if node.op == 'input' else 'a constant'} (no update)"
    return f"{names[i]} = {_formula(graph, i, names, False)}"


def _frame_update(graph: Graph, f: Frame, xy: np.ndarray, names: list[str], size: int,
                  anchor: dict[str, list], text_scale: float = 1.0) -> dict[int, dict]:
    colours, sizes, texts = [], [], []
    for i, node in enumerate(graph.nodes):
        known, reached = math.isfinite(f.values[i]), math.isfinite(f.grads[i])
        colours.append(VERMILION if reached else (BLUE if known else GREY))
        sizes.append(size + 8 if i == f.active else size)
        lines = [("" if node.op == "const" and not node.name else f"{names[i]} = {num(f.values[i])}") if known else names[i]]
        if reached:
            lines.append(f"<span style='color:{VERMILION}'>∂ {num(f.grads[i])}</span>")
        texts.append("<br>".join(lines))
    texts.append(wrap(f.narration))
    ax, ay, lx, ly = [], [], list(anchor["x"]), list(anchor["y"])
    placed: list[tuple[float, float]] = []
    for j, i, label in f.edges:
        ax += [xy[j, 0], xy[i, 0], None]
        ay += [xy[j, 1], xy[i, 1], None]
        if label and abs(xy[i, 0] - xy[j, 0]) <= 1:  # longer edges cross other columns: the narration has them
            x, y = label_spot((xy[j, 0] + xy[i, 0]) / 2, (xy[j, 1] + xy[i, 1]) / 2 + 0.22, placed)
            placed.append((x, y))
            lx.append(x)
            ly.append(y)
            texts.append(f"<span style='color:{VERMILION}'>{label}</span>")
    extra = len(texts) - len(graph.nodes)  # the narration and the edge labels: text only (no marker)
    position = anchor["position"] + ["middle center"] * (len(texts) - len(anchor["position"]))
    fonts = [round(f * text_scale) for f in [11] * len(graph.nodes) + [13] + [10] * (extra - 1)]
    return {1: {"x": ax, "y": ay}, 2: {"x": lx, "y": ly, "text": texts, "textposition": position, "textfont": {"size": fonts},
                                       "marker": {"color": colours + [GREY] * extra, "size": sizes + [0] * extra}}}


LABEL_W, LABEL_H = 0.9, 0.3  # an edge label's box in graph units (a column is 1 apart): about its text's extent


def label_spot(x: float, y: float, placed: list[tuple[float, float]]) -> tuple[float, float]:
    """Where an edge label goes: at (x, y), moved down a line at a time until its box overlaps no label
    already placed in this frame (two edges into one node put their labels on the same spot)."""
    while any(abs(x - px) < LABEL_W and abs(y - py) < LABEL_H for px, py in placed):
        y -= LABEL_H + 0.05
    return x, y


def narration_of(fig_frame_texts: list[str], graph: Graph) -> str:
    """The narration inside a frame's text trace (it follows one text per node)."""
    return fig_frame_texts[len(graph.nodes)]


def graph_height(graph: Graph, presenting: bool) -> int:
    """Pixels for the player: short on a slide, taller for a big graph."""
    return 450 if presenting else (520 if len(graph.nodes) <= 20 else 600)


# ================================================================ its caption
def graph_caption(graph: Graph, lr: float) -> str:
    """What the player shows: as many operations back as forward, the output now and after one step."""
    after, problem = safe_step(graph, lr)
    n_ops = sum(1 for n in graph.nodes if n.inputs)
    return (f"{n_ops} operations forward, then the same {n_ops} backward: a highlighted edge reads “local derivative "
            f"× gradient from above”, the product it passes down; a node with two readers adds what both send. "
            f"{graph.output} = {num(graph.nodes[-1].value)}; "
            + (f"one step with η = {lr:g} makes it {num(after.nodes[-1].value)}." if after else
               f"one step with η = {lr:g} fails: {problem}."))
