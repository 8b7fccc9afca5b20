"""Depth and over-smoothing: GCNs of 1 to 10 layers trained on the same four labels, their accuracy and
the Dirichlet energy of what they output; and propagation alone (Â^k X), whose energy falls towards 0
as every node's features converge to one shared direction (Li, Han & Wu 2018; Oono & Suzuki 2020)."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from demos.graph_networks import karate, node_classification
from demos.plots import OKABE_ITO

DEPTHS = tuple(range(1, 11))
HIDDEN = 16
STORE = Path(__file__).resolve().parents[2] / "models" / "results" / "graph_networks_depth.json"


def dirichlet_energy(h: torch.Tensor, a_hat: torch.Tensor) -> float:
    """The normalised Dirichlet energy tr(Hᵀ (I − Â) H) / tr(HᵀH) = ½ Σ_ij Ã_ij ‖h_i/√d̃_i − h_j/√d̃_j‖² / ‖H‖²
    (Ã = A + I, d̃ its degrees): 0 when every h_i/√d̃_i is the same vector (perfectly smooth), larger when
    neighbours disagree; it lies in [0, 2)."""
    h = h.double()
    lap = torch.eye(len(a_hat), dtype=torch.float64) - a_hat.double()
    norm = float((h * h).sum())
    return float(torch.trace(h.T @ lap @ h)) / norm if norm > 0 else 0.0


def propagation_energy(x: torch.Tensor, a_hat: torch.Tensor, depths: tuple[int, ...] = DEPTHS) -> list[float]:
    """E(Â^k X) for each k: the smoothing a GCN does with no weights and no nonlinearity."""
    out, h, k = [], x.double(), 0
    for d in depths:
        while k < d:
            h, k = a_hat.double() @ h, k + 1
        out.append(dirichlet_energy(h, a_hat))
    return out


@dataclass(frozen=True)
class Sweep:
    depths: tuple[int, ...]
    accuracy: list[float]  # unlabelled accuracy of the trained L-layer GCN
    energy: list[float]  # Dirichlet energy of its output (logits)
    propagation: list[float]  # Dirichlet energy of Â^L X
    outputs: list[np.ndarray]  # (34, 2) logits per depth


def train_deep(layers: int, features: str, epochs: int, lr: float, seed: int) -> tuple[torch.Tensor, float]:
    """An L-layer GCN (ReLU between layers, width HIDDEN, the last layer outputs the two classes' logits)
    trained like the hero's; returns its output (N, 2) and its unlabelled accuracy."""
    a, y = karate.adjacency(), karate.factions()
    a_hat, x = karate.normalised_adjacency(a), karate.node_features(features, seed)
    labelled = torch.zeros(len(y), dtype=torch.bool)
    labelled[list(karate.labelled_members())] = True
    sizes = [x.shape[1]] + [HIDDEN] * (layers - 1) + [len(karate.FACTIONS)]
    params = node_classification.init_params(sizes, torch.Generator().manual_seed(seed))
    opt = torch.optim.Adam(params, lr=lr, weight_decay=node_classification.WEIGHT_DECAY)

    def forward() -> torch.Tensor:
        h = x
        for i in range(0, len(params), 2):
            h = node_classification.gcn_layer(a_hat, h, params[i], params[i + 1])
            if i < len(params) - 2:
                h = torch.relu(h)
        return h

    for _ in range(epochs):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(forward()[labelled], y[labelled]).backward()
        opt.step()
    with torch.no_grad():
        out = forward()
    return out, node_classification.accuracy(out.argmax(1), y, ~labelled)


def sweep(features: str, epochs: int, lr: float, seed: int,
          on_progress: Callable[[float], None] | None = None) -> Sweep:
    a_hat = karate.normalised_adjacency(karate.adjacency())
    accs, energies, outs = [], [], []
    for n, d in enumerate(DEPTHS, 1):
        out, acc = train_deep(d, features, epochs, lr, seed)
        accs.append(acc)
        energies.append(dirichlet_energy(out, a_hat))
        outs.append(out.numpy())
        if on_progress is not None:
            on_progress(n / len(DEPTHS))
    return Sweep(DEPTHS, accs, energies, propagation_energy(karate.node_features(features, seed), a_hat), outs)


def sweep_figure(s: Sweep, chosen: int, height: int = 340) -> go.Figure:
    fig = make_subplots(1, 2, subplot_titles=("Dirichlet energy (log scale)", "Accuracy on the unlabelled members"))
    fig.add_trace(go.Scatter(x=s.depths, y=s.propagation, mode="lines+markers", name="Â^L X (no weights)",
                             line=dict(color=OKABE_ITO[0])), 1, 1)
    fig.add_trace(go.Scatter(x=s.depths, y=s.energy, mode="lines+markers", name="trained GCN's output",
                             line=dict(color=OKABE_ITO[1])), 1, 1)
    fig.add_trace(go.Scatter(x=s.depths, y=s.accuracy, mode="lines+markers", name="trained GCN accuracy",
                             line=dict(color=OKABE_ITO[2])), 1, 2)
    for col in (1, 2):
        fig.add_vline(x=chosen, line_dash="dot", line_color="grey", row=1, col=col)
    fig.update_yaxes(type="log", row=1, col=1)
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%", row=1, col=2)
    fig.update_xaxes(title_text="layers L", dtick=1)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.25))
    return fig


def sweep_caption(s: Sweep) -> str:
    best = int(np.argmax(s.accuracy))
    tied = [d for d, a in zip(s.depths, s.accuracy) if a == s.accuracy[best]]
    where = (f"with {tied[0]} layer{'s' if tied[0] > 1 else ''}" if len(tied) == 1
             else "with " + ", ".join(map(str, tied)) + " layers alike")
    return (f"Propagation alone: the energy of Â^L X goes from {s.propagation[0]:.3g} at L = 1 to "
            f"{s.propagation[-1]:.3g} at L = {s.depths[-1]}. Trained, the GCN scores best {where} "
            f"({s.accuracy[best]:.0%}) and {s.accuracy[-1]:.0%} with "
            f"{s.depths[-1]}; its output's energy goes from {s.energy[0]:.3g} to {s.energy[-1]:.3g}.")


def output_figure(s: Sweep, chosen: int, height: int = 340) -> go.Figure:
    """The chosen depth's output (two logits per member), coloured by the true faction."""
    out, y = s.outputs[s.depths.index(chosen)], karate.factions().numpy()
    fig = go.Figure()
    for c, name in enumerate(karate.FACTIONS):
        idx = np.nonzero(y == c)[0]
        fig.add_trace(go.Scatter(x=out[idx, 0], y=out[idx, 1], mode="markers", name=f"truly {name}",
                                 marker=dict(color=OKABE_ITO[c], size=10), text=[str(i) for i in idx],
                                 hovertemplate="member %{text}<extra></extra>"))
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), xaxis_title="logit: Mr. Hi",
                      yaxis_title="logit: Officer", title=f"Output of the {chosen}-layer GCN")
    return fig


def output_caption(s: Sweep, chosen: int) -> str:
    out = s.outputs[s.depths.index(chosen)]
    spread = float(np.linalg.norm(out - out.mean(0), axis=1).mean())
    i = s.depths.index(chosen)
    return (f"With {chosen} layer{'s' if chosen > 1 else ''} the members' outputs lie on average {spread:.3g} from "
            f"their mean; accuracy {s.accuracy[i]:.0%}, output energy {s.energy[i]:.3g}.")


def save_sweep(s: Sweep, settings: tuple, path: Path = STORE) -> None:
    """The sweep at the page's defaults, with the settings that made it (train/graph_networks_precompute.py)."""
    data = asdict(s) | {"outputs": [np.asarray(o).tolist() for o in s.outputs], "settings": list(settings)}
    path.write_text(json.dumps(data))


def committed_sweep(features: str, epochs: int, lr: float, seed: int, path: Path = STORE) -> Sweep | None:
    """The committed sweep when these are the settings it was made with, else None (the tab trains live)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    if data.pop("settings") != [features, epochs, lr, seed]:
        return None
    return Sweep(tuple(data["depths"]), data["accuracy"], data["energy"], data["propagation"],
                 [np.array(o, dtype=np.float32) for o in data["outputs"]])
