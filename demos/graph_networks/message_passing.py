"""Message passing by hand: one GCN layer at one member of the karate club, every term printed
(h_i' = Σ_j Â_ij h_j over the member and its neighbours), Â drawn as a matrix, and the receptive
field: the members whose features reach a node through k layers (its k-hop neighbourhood)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from demos.graph_networks import karate
from demos.plots import OKABE_ITO, SEQUENTIAL

LAYERS_RANGE = (1, 4)
HOP_COLOURS = (OKABE_ITO[3], OKABE_ITO[1], OKABE_ITO[6], OKABE_ITO[2], OKABE_ITO[5])  # hop 0, 1, 2, 3, 4


def aggregation_terms(member: int) -> list[tuple[int, int, float, float, float]]:
    """The terms of one layer's aggregation at `member` with the degree feature x_j = deg(j):
    (j, deg_j, Â_ij, x_j, Â_ij · x_j) for the member itself and each neighbour, in node order.
    Â_ij = 1 / √((deg_i + 1)(deg_j + 1)) because the self-loop adds 1 to every degree."""
    a = karate.adjacency()
    a_hat, deg = karate.normalised_adjacency(a), a.sum(1)
    rows = []
    for j in torch.nonzero(a_hat[member]).flatten().tolist():
        w, x = float(a_hat[member, j]), float(deg[j])
        rows.append((j, int(deg[j]), w, x, w * x))
    return rows


def hops(member: int) -> np.ndarray:
    """(34,) shortest-path distance in edges from `member` to every node (breadth-first search)."""
    a = karate.adjacency().numpy() > 0
    dist = np.full(len(a), -1)
    dist[member], frontier, d = 0, [member], 0
    while frontier:
        d += 1
        nxt = [j for i in frontier for j in np.nonzero(a[i])[0] if dist[j] < 0]
        for j in nxt:
            dist[j] = d
        frontier = sorted(set(nxt))
    return dist


def receptive_field(member: int, layers: int) -> int:
    """How many members (itself included) influence `member`'s output after `layers` GCN layers: the
    non-zero entries of row `member` of Â^layers, which equal the nodes within `layers` hops."""
    a_hat = karate.normalised_adjacency(karate.adjacency()).double()
    return int((torch.linalg.matrix_power(a_hat, layers)[member] > 1e-12).sum())


def neighbourhood_figure(member: int, layers: int, height: int = 380) -> go.Figure:
    """The club with every node coloured by its hop distance from `member` up to `layers`; nodes
    beyond the receptive field are grey."""
    pos, dist = karate.positions(), hops(member)
    xs, ys = [], []
    for i, j in karate.edges():
        inside = 0 <= dist[i] <= layers and 0 <= dist[j] <= layers
        if inside:
            xs += [pos[i, 0], pos[j, 0], None]
            ys += [pos[i, 1], pos[j, 1], None]
    fig = go.Figure()
    ex, ey = [], []
    for i, j in karate.edges():
        ex += [pos[i, 0], pos[j, 0], None]
        ey += [pos[i, 1], pos[j, 1], None]
    fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", line=dict(color="#DDDDDD", width=1), hoverinfo="skip",
                             showlegend=False))
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color="#666666", width=1.5), hoverinfo="skip",
                             showlegend=False))
    for d in range(layers + 1):
        idx = np.nonzero(dist == d)[0]
        fig.add_trace(go.Scatter(x=pos[idx, 0], y=pos[idx, 1], mode="markers+text", text=[str(i) for i in idx],
                                 textfont=dict(size=8), marker=dict(size=16 if d == 0 else 13, color=HOP_COLOURS[d],
                                                                     line=dict(color="black", width=1)),
                                 name="the member" if d == 0 else f"{d} hop{'s' if d > 1 else ''}",
                                 hovertemplate="member %{text}<extra></extra>"))
    out = np.nonzero((dist > layers) | (dist < 0))[0]
    fig.add_trace(go.Scatter(x=pos[out, 0], y=pos[out, 1], mode="markers+text", text=[str(i) for i in out],
                             textfont=dict(size=8), marker=dict(size=11, color="#CCCCCC"), name="out of reach",
                             hovertemplate="member %{text}<extra></extra>"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), legend=dict(orientation="h", y=-0.05))
    return fig


def neighbourhood_caption(member: int, layers: int) -> str:
    sizes = [receptive_field(member, k) for k in range(1, layers + 1)]
    grow = ", ".join(f"{s} after {k} layer{'s' if k > 1 else ''}" for k, s in enumerate(sizes, 1))
    return (f"Member {member} has {len(aggregation_terms(member)) - 1} neighbours; the members whose features can "
            f"reach its output: {grow} (of {karate.adjacency().shape[0]}).")


def aggregation_formula(member: int) -> str:
    """The layer's sum at `member` written out (LaTeX), equal to row `member` of Â x."""
    terms = aggregation_terms(member)
    parts = " + ".join(f"{w:.3f}\\cdot{x:.0f}" for _, _, w, x, _ in terms)
    total = sum(t[4] for t in terms)
    return f"h'_{{{member}}} = \\sum_j \\hat A_{{{member}j}}\\, x_j = {parts} = {total:.3f}"


def adjacency_figure(member: int, height: int = 420) -> go.Figure:
    """Â as a heatmap; the chosen member's row outlined."""
    a_hat = karate.normalised_adjacency(karate.adjacency()).numpy()
    n = len(a_hat)
    fig = make_subplots(1, 1)
    fig.add_trace(go.Heatmap(z=np.where(a_hat > 0, a_hat, np.nan), colorscale=SEQUENTIAL, zmin=0,
                             hovertemplate="Â[%{y}, %{x}] = %{z:.3f}<extra></extra>", colorbar=dict(thickness=12)))
    fig.add_shape(type="rect", x0=-0.5, x1=n - 0.5, y0=member - 0.5, y1=member + 0.5, line=dict(color="red", width=2))
    fig.update_yaxes(autorange="reversed", title_text="row i (who receives)", scaleanchor="x")
    fig.update_xaxes(title_text="column j (who sends)")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10))
    return fig


def adjacency_caption(member: int) -> str:
    a_hat = karate.normalised_adjacency(karate.adjacency())
    row = a_hat[member]
    top = torch.nonzero(torch.isclose(row, row.max())).flatten().tolist()
    total = float(row.sum())
    sums = f"sums to {total:.3f}" + (", not 1" if abs(total - 1) > 5e-4 else "")
    return (f"Â has {int((a_hat > 0).sum())} non-zero entries (the {len(karate.edges())} edges counted both ways, plus "
            f"{len(row)} self-loops). Row {member} {sums}: the symmetric normalisation weights a neighbour j by "
            f"1/√((d_i+1)(d_j+1)), so well-connected neighbours count less; its largest weight, "
            f"{float(row.max()):.3f}, goes to member{'s' if len(top) > 1 else ''} {', '.join(map(str, top))}.")


def clicked_member(point: dict) -> int | None:
    """The member drawn at a clicked chart point {x, y} (within 0.05 of its position), else None."""
    try:
        x, y = float(point["x"]), float(point["y"])
    except (KeyError, TypeError, ValueError):
        return None
    d = np.hypot(karate.positions()[:, 0] - x, karate.positions()[:, 1] - y)
    return int(np.argmin(d)) if d.min() < 0.05 else None
