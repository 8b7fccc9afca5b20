"""Semi-supervised node classification on the karate club from four labels: a two-layer GCN (Kipf &
Welling 2017) written by hand, the same network with the edges removed (an MLP), and label propagation
(Zhou et al. 2004) in closed form; the GCN's training recorded for replay (demos.replay)."""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from demos import replay
from demos.graph_networks import karate

HIDDEN = 8  # width of the first GCN layer
EMBED = 2  # the second layer's output: the 2-D embedding the hero draws
EPOCHS_RANGE = (20, 400)
LR_RANGE = (0.005, 0.1)
WEIGHT_DECAY = 5e-4
ALPHA = 0.9  # label propagation: how much of a node's score comes from its neighbours
N_FRAMES = 60
STORE = Path(__file__).resolve().parents[2] / "models" / "results" / "graph_networks_default.npz"
COMMAND = "python -m train.graph_networks_precompute"


def gcn_layer(a_hat: torch.Tensor, h: torch.Tensor, w: torch.Tensor, b: torch.Tensor | None = None) -> torch.Tensor:
    """One graph convolution, H' = Â H W (+ b): every node averages its neighbours' (and its own)
    transformed features with weights Â_ij. a_hat: (N, N); h: (N, F); w: (F, F')."""
    out = a_hat @ (h @ w)  # (N, F')
    return out if b is None else out + b


def init_params(sizes: list[int], generator: torch.Generator) -> list[torch.Tensor]:
    """Glorot-uniform weights and zero biases for layers sizes[0] → sizes[1] → …, as leaf tensors."""
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = math.sqrt(6.0 / (fan_in + fan_out))
        params.append(((torch.rand(fan_in, fan_out, generator=generator) * 2 - 1) * bound).requires_grad_())
        params.append(torch.zeros(fan_out, requires_grad=True))
    return params


def embed(params: list[torch.Tensor], a_hat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """The first len(params)/2 - 1 layers, tanh after each: (N, F) -> (N, EMBED)."""
    h = x
    for i in range(0, len(params) - 2, 2):
        h = torch.tanh(gcn_layer(a_hat, h, params[i], params[i + 1]))
    return h


def logits(params: list[torch.Tensor], a_hat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Embedding, then a linear classifier per node (no more mixing): (N, F) -> (N, classes)."""
    return embed(params, a_hat, x) @ params[-2] + params[-1]


def accuracy(pred: torch.Tensor, truth: torch.Tensor, mask: torch.Tensor) -> float:
    return float((pred[mask] == truth[mask]).float().mean())


def label_propagation(a: torch.Tensor, labelled: tuple[int, ...], labels: torch.Tensor, classes: int = 2,
                      alpha: float = ALPHA) -> torch.Tensor:
    """Zhou et al.'s closed form F* = (I - αS)^-1 Y with S = D^-½ A D^-½ and Y one-hot on the labelled
    rows; returns (N, classes) scores (argmax = the prediction). The iteration F ← αSF + Y converges
    to it for α < 1."""
    s = karate.normalised_adjacency(a, self_loops=False).double()
    y = torch.zeros(a.shape[0], classes, dtype=torch.float64)
    y[list(labelled), labels[list(labelled)]] = 1.0
    return torch.linalg.solve(torch.eye(a.shape[0], dtype=torch.float64) - alpha * s, y)


def train(features: str, epochs: int, lr: float, seed: int, graph: bool = True,
          on_epoch: Callable[[int, list[torch.Tensor]], None] | None = None) -> tuple[list[torch.Tensor], list[float]]:
    """Full-batch Adam on the cross-entropy of the labelled members only. `graph=False` replaces Â by I
    (an MLP: each member sees its own features only). Returns the parameters and the unlabelled
    accuracy after each epoch; `on_epoch(i, params)` is called after epoch i."""
    a, y = karate.adjacency(), karate.factions()
    a_hat = karate.normalised_adjacency(a) if graph else torch.eye(a.shape[0])
    x = karate.node_features(features, seed)
    labelled = torch.zeros(len(y), dtype=torch.bool)
    labelled[list(karate.labelled_members())] = True
    params = init_params([x.shape[1], HIDDEN, EMBED, len(karate.FACTIONS)], torch.Generator().manual_seed(seed))
    opt = torch.optim.Adam(params, lr=lr, weight_decay=WEIGHT_DECAY)
    accs = []
    for i in range(1, epochs + 1):
        opt.zero_grad()
        out = logits(params, a_hat, x)
        loss = torch.nn.functional.cross_entropy(out[labelled], y[labelled])
        loss.backward()
        opt.step()
        with torch.no_grad():
            accs.append(accuracy(logits(params, a_hat, x).argmax(1), y, ~labelled))
        if on_epoch is not None:
            on_epoch(i, params)
    return params, accs


def record(features: str, epochs: int, lr: float, seed: int,
           on_progress: Callable[[float], None] | None = None) -> replay.Recording:
    """The GCN's training, replayable: frames of the 2-D embedding and the predicted faction of every
    member (N_FRAMES + 1 of them), curves of the loss and the unlabelled accuracy; meta holds the MLP's
    and label propagation's predictions and accuracies, for the baselines beside it."""
    a, y = karate.adjacency(), karate.factions()
    a_hat, x = karate.normalised_adjacency(a), karate.node_features(features, seed)
    members = karate.labelled_members()
    labelled = torch.zeros(len(y), dtype=torch.bool)
    labelled[list(members)] = True
    params = init_params([x.shape[1], HIDDEN, EMBED, len(karate.FACTIONS)], torch.Generator().manual_seed(seed))
    opt = torch.optim.Adam(params, lr=lr, weight_decay=WEIGHT_DECAY)

    def step(i: int) -> dict[str, float]:
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(logits(params, a_hat, x)[labelled], y[labelled])
        loss.backward()
        opt.step()
        with torch.no_grad():
            acc = accuracy(logits(params, a_hat, x).argmax(1), y, ~labelled)
        return {"loss": loss.item(), "accuracy": acc}

    def snapshot() -> dict[str, np.ndarray]:
        with torch.no_grad():
            return {"embedding": embed(params, a_hat, x).numpy().copy(),
                    "pred": logits(params, a_hat, x).argmax(1).numpy()}

    rec = replay.record(step, snapshot, epochs, N_FRAMES, on_progress=on_progress)
    mlp_params, mlp_accs = train(features, int(rec.steps[-1]), lr, seed, graph=False)  # as many epochs as ran
    with torch.no_grad():
        mlp_pred = logits(mlp_params, torch.eye(len(y)), x).argmax(1)
    lp_pred = label_propagation(a, members, y).argmax(1)
    rec.meta.update(features=features, labelled=members, truth=y.numpy(), mlp_pred=mlp_pred.numpy(),
                    mlp_accuracy=mlp_accs[-1] if mlp_accs else 0.0, mlp_curve=np.array(mlp_accs),
                    lp_pred=lp_pred.numpy(), lp_accuracy=accuracy(lp_pred, y, ~labelled))
    return rec


def compare_features(epochs: int, lr: float, seed: int,
                     on_progress: Callable[[float], None] | None = None) -> dict[str, dict[str, float]]:
    """Unlabelled accuracy of the GCN and the MLP with each kind of node feature (label propagation
    uses no features): {features: {"GCN": acc, "MLP": acc}}."""
    out = {}
    for k, f in enumerate(karate.FEATURES):
        out[f] = {"GCN": train(f, epochs, lr, seed)[1][-1], "MLP": train(f, epochs, lr, seed, graph=False)[1][-1]}
        if on_progress is not None:
            on_progress((k + 1) / len(karate.FEATURES))
    return out


# -- the first view's runs, committed (made by train/graph_networks_precompute.py) -------------------------

def save(rec: replay.Recording, table: dict[str, dict[str, float]], settings: tuple, path: Path = STORE) -> None:
    """One recording (frames, curves, baselines) and the feature table, with the settings that made them."""
    m = rec.meta
    np.savez_compressed(path, steps=rec.steps, seconds=rec.seconds, **{f"frame_{k}": v for k, v in rec.frames.items()},
                        **{f"curve_{k}": v for k, v in rec.curves.items()}, truth=m["truth"], mlp_pred=m["mlp_pred"],
                        mlp_curve=m["mlp_curve"], lp_pred=m["lp_pred"], labelled=np.array(m["labelled"]),
                        info=json.dumps({"settings": list(settings), "features": m["features"], "table": table,
                                         "mlp_accuracy": m["mlp_accuracy"], "lp_accuracy": m["lp_accuracy"]}))


def _load(path: Path) -> tuple[dict, np.lib.npyio.NpzFile] | None:
    if not path.exists():
        return None
    data = np.load(path, allow_pickle=False)
    return json.loads(str(data["info"])), data


def committed_record(features: str, epochs: int, lr: float, seed: int, path: Path = STORE) -> replay.Recording | None:
    """The committed recording when these are the settings it was made with, else None."""
    found = _load(path)
    if found is None or found[0]["settings"] != [features, epochs, lr, seed]:
        return None
    info, d = found
    meta = dict(features=info["features"], labelled=tuple(int(i) for i in d["labelled"]), truth=d["truth"],
                mlp_pred=d["mlp_pred"], mlp_accuracy=info["mlp_accuracy"], mlp_curve=d["mlp_curve"],
                lp_pred=d["lp_pred"], lp_accuracy=info["lp_accuracy"])
    return replay.Recording(d["steps"], {k[6:]: d[k] for k in d.files if k.startswith("frame_")},
                            {k[6:]: d[k] for k in d.files if k.startswith("curve_")}, float(d["seconds"]), False, meta)


def committed_features(epochs: int, lr: float, seed: int, path: Path = STORE) -> dict[str, dict[str, float]] | None:
    """The committed feature table when these are the settings it was made with, else None."""
    found = _load(path)
    return found[0]["table"] if found is not None and found[0]["settings"][1:] == [epochs, lr, seed] else None
