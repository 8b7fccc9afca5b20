"""Sum, mean or max: what an aggregator can tell apart (the 1-WL intuition of Xu et al. 2019, "How
Powerful are Graph Neural Networks?"). Pairs of small graphs fed to a random GNN with each aggregator,
and a graph-level task on every connected graph of 3 to 7 nodes in networkx's atlas, trained live."""
from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass
from typing import Callable

import networkx as nx
import plotly.graph_objects as go
import torch
from networkx.generators.atlas import graph_atlas_g
from plotly.subplots import make_subplots

from demos.plots import OKABE_ITO

AGGREGATORS = ("sum", "mean", "max")
NODE_FEATURES = ("constant", "degree")  # every node starts with 1, or with its degree one-hot
TASKS = ("has a node of degree ≥ 5", "has diameter ≤ 2")  # about half the atlas graphs each
MAX_NODES, WIDTH, LAYERS = 7, 16, 3
PAIRS = {
    "4-cycle vs complete graph K4": (nx.cycle_graph(4), nx.complete_graph(4)),
    "star vs path (4 nodes)": (nx.star_graph(3), nx.path_graph(4)),
    "triangle with a tail vs 4-cycle": (nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3)]), nx.cycle_graph(4)),
    "6-cycle vs two triangles": (nx.cycle_graph(6), nx.disjoint_union(nx.complete_graph(3), nx.complete_graph(3))),
}
EPOCHS = 100


def batch(graphs: list[nx.Graph], features: str) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Padded dense batch: adjacency (G, 7, 7), node features (G, 7, F), node mask (G, 7)."""
    a = torch.zeros(len(graphs), MAX_NODES, MAX_NODES)
    mask = torch.zeros(len(graphs), MAX_NODES, dtype=torch.bool)
    for g, graph in enumerate(graphs):
        nodes = {v: i for i, v in enumerate(graph.nodes())}
        mask[g, :len(nodes)] = True
        for u, v in graph.edges():
            a[g, nodes[u], nodes[v]] = a[g, nodes[v], nodes[u]] = 1.0
    if features == "constant":
        x = mask.float()[..., None]
    elif features == "degree":
        x = torch.nn.functional.one_hot(a.sum(2).long(), MAX_NODES).float() * mask[..., None]
    else:
        raise ValueError(f"features: one of {NODE_FEATURES}")
    return a, x, mask


def aggregate(h: torch.Tensor, a: torch.Tensor, how: str) -> torch.Tensor:
    """Each node's neighbours' vectors combined: h (G, N, F), a (G, N, N) -> (G, N, F). A node with no
    neighbour gets zeros (mean and max of nothing)."""
    if how == "sum":
        return a @ h
    if how == "mean":
        return (a @ h) / a.sum(2, keepdim=True).clamp(min=1)
    if how == "max":
        masked = torch.where(a[..., None] > 0, h[:, None, :, :], torch.full_like(h[:, None], -torch.inf))
        out = masked.max(2).values  # (G, N, F)
        return torch.where(torch.isinf(out), torch.zeros_like(out), out)
    raise ValueError(f"aggregator: one of {AGGREGATORS}")


def readout(h: torch.Tensor, mask: torch.Tensor, how: str) -> torch.Tensor:
    """The graph's vector: its nodes combined by the same rule, padding excluded. (G, N, F) -> (G, F)."""
    m = mask[..., None].to(h.dtype)
    if how == "sum":
        return (h * m).sum(1)
    if how == "mean":
        return (h * m).sum(1) / m.sum(1).clamp(min=1)
    return torch.where(mask[..., None], h, torch.full_like(h, -torch.inf)).max(1).values


def init(in_dim: int, seed: int, dtype: torch.dtype = torch.float32) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    params, d = [], in_dim
    for _ in range(LAYERS):  # per layer: W_self, W_neighbours, b
        params += [torch.randn(d, WIDTH, generator=g, dtype=dtype) / d ** 0.5,
                   torch.randn(d, WIDTH, generator=g, dtype=dtype) / d ** 0.5, torch.zeros(WIDTH, dtype=dtype)]
        d = WIDTH
    params += [torch.randn(WIDTH, 2, generator=g, dtype=dtype) / WIDTH ** 0.5, torch.zeros(2, dtype=dtype)]
    return [p.requires_grad_() for p in params]


def forward(params: list[torch.Tensor], a: torch.Tensor, x: torch.Tensor, mask: torch.Tensor, how: str,
            graph_vector: bool = False) -> torch.Tensor:
    """h' = ReLU(h W_self + AGG(neighbours' h) W_nb + b), LAYERS times, then the readout and a linear
    layer: (G, 2) logits, or the (G, WIDTH) graph vectors with `graph_vector`."""
    h = x.to(params[0].dtype)
    a = a.to(h.dtype)
    for i in range(LAYERS):
        w_self, w_nb, b = params[3 * i: 3 * i + 3]
        h = torch.relu(h @ w_self + aggregate(h, a, how) @ w_nb + b) * mask[..., None]
    g = readout(h, mask, how)
    return g if graph_vector else g @ params[-2] + params[-1]


def distinguishes(pair: str, features: str, how: str, seed: int = 0) -> bool:
    """Whether a random-weight GNN with this aggregator gives the pair's two graphs different vectors
    (float64, relative gap above 1e-9)."""
    a, x, mask = batch(list(PAIRS[pair]), features)
    with torch.no_grad():
        v = forward(init(x.shape[2], seed, torch.float64), a.double(), x.double(), mask, how, graph_vector=True)
    return bool((v[0] - v[1]).norm() > 1e-9 * (1 + v.norm()))


def wl_distinguishes(pair: str, features: str) -> bool:
    """The 1-dimensional Weisfeiler–Lehman test (networkx's hash, 3 rounds; with degree features the
    colours start from the degrees)."""
    graphs = [g.copy() for g in PAIRS[pair]]
    attr = None
    if features == "degree":
        for g in graphs:
            nx.set_node_attributes(g, {v: str(d) for v, d in g.degree()}, "deg")
        attr = "deg"
    with warnings.catch_warnings():  # networkx 3.5+ notes that its hashes changed; equality is what counts here
        warnings.simplefilter("ignore", UserWarning)
        h = [nx.weisfeiler_lehman_graph_hash(g, node_attr=attr, iterations=LAYERS) for g in graphs]
    return h[0] != h[1]


def verdicts(pair: str, features: str) -> dict[str, bool]:
    return {"1-WL test": wl_distinguishes(pair, features)} | {how: distinguishes(pair, features, how) for how in AGGREGATORS}


@functools.lru_cache(maxsize=1)
def atlas_graphs() -> tuple[nx.Graph, ...]:
    """Every connected graph of 3 to 7 nodes in networkx's graph atlas."""
    return tuple(g for g in graph_atlas_g() if 3 <= g.number_of_nodes() <= MAX_NODES and nx.is_connected(g))


def task_labels(graphs: tuple[nx.Graph, ...], task: str) -> torch.Tensor:
    if task == TASKS[0]:
        return torch.tensor([int(max(d for _, d in g.degree()) >= 5) for g in graphs])
    if task == TASKS[1]:
        return torch.tensor([int(nx.diameter(g) <= 2) for g in graphs])
    raise ValueError(f"task: one of {TASKS}")


@dataclass(frozen=True)
class Race:
    task: str
    features: str
    test_accuracy: dict[str, list[float]]  # aggregator -> accuracy on the held-out graphs after each epoch
    majority: float  # accuracy of always answering the training split's commoner class
    n_train: int
    n_test: int


def race(task: str, features: str, seed: int, epochs: int = EPOCHS,
         on_progress: Callable[[float], None] | None = None) -> Race:
    """Train the same GNN with each aggregator on 70% of the atlas graphs (seeded split), full batch,
    Adam; test accuracy on the other 30% after every epoch."""
    graphs = atlas_graphs()
    y = task_labels(graphs, task)
    a, x, mask = batch(list(graphs), features)
    perm = torch.randperm(len(graphs), generator=torch.Generator().manual_seed(seed))
    cut = int(0.7 * len(graphs))
    tr, te = perm[:cut], perm[cut:]
    common = int(y[tr].float().mean() >= 0.5)
    curves = {}
    for k, how in enumerate(AGGREGATORS):
        params = init(x.shape[2], seed)
        opt = torch.optim.Adam(params, lr=0.01)
        accs = []
        for _ in range(epochs):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(forward(params, a[tr], x[tr], mask[tr], how), y[tr]).backward()
            opt.step()
            with torch.no_grad():
                accs.append(float((forward(params, a[te], x[te], mask[te], how).argmax(1) == y[te]).float().mean()))
        curves[how] = accs
        if on_progress is not None:
            on_progress((k + 1) / len(AGGREGATORS))
    return Race(task, features, curves, float((y[te] == common).float().mean()), len(tr), len(te))


def pair_figure(pair: str, height: int = 260) -> go.Figure:
    fig = make_subplots(1, 2, subplot_titles=pair.split(" vs "))
    for c, g in enumerate(PAIRS[pair]):
        pos = nx.circular_layout(g)
        xs, ys = [], []
        for u, v in g.edges():
            xs += [pos[u][0], pos[v][0], None]
            ys += [pos[u][1], pos[v][1], None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color="#777777"), hoverinfo="skip",
                                 showlegend=False), 1, c + 1)
        fig.add_trace(go.Scatter(x=[pos[v][0] for v in g], y=[pos[v][1] for v in g], mode="markers",
                                 marker=dict(size=14, color=OKABE_ITO[c]), showlegend=False,
                                 hovertemplate="degree %{text}<extra></extra>", text=[d for _, d in g.degree()]), 1, c + 1)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    fig.update_yaxes(scaleanchor="x2", row=1, col=2)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10))
    return fig


def pair_caption(pair: str, features: str) -> str:
    v = verdicts(pair, features)
    yes = [k for k, ok in v.items() if ok]
    no = [k for k, ok in v.items() if not ok]
    said = (f"tell them apart: {', '.join(yes)}" if yes else "no method tells them apart") + (
        f"; see the same graph: {', '.join(no)}" if no and yes else "")
    return f"{pair}, {features} node features: {said}."


def race_figure(r: Race, height: int = 320) -> go.Figure:
    fig = go.Figure()
    for k, how in enumerate(AGGREGATORS):
        fig.add_trace(go.Scatter(y=r.test_accuracy[how], mode="lines", name=how, line=dict(color=OKABE_ITO[k])))
    fig.add_hline(y=r.majority, line_dash="dash", annotation_text=f"always the commoner answer {r.majority:.0%}")
    fig.update_layout(height=height, xaxis_title="epoch", yaxis=dict(title="held-out accuracy", tickformat=".0%"),
                      margin=dict(l=10, r=10, t=30, b=10))
    return fig


def race_caption(r: Race) -> str:
    final = {how: r.test_accuracy[how][-1] for how in AGGREGATORS}
    order = sorted(final, key=lambda h: -final[h])
    return (f"“{r.task.capitalize()}?” on {r.n_test} held-out atlas graphs (trained on {r.n_train}), {r.features} "
            f"features, after {len(r.test_accuracy['sum'])} epochs: " + ", ".join(f"{h} {final[h]:.0%}" for h in order)
            + f"; always giving the commoner answer scores {r.majority:.0%}.")
