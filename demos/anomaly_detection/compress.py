"""Autoencoders as compressors: held-out reconstruction error against the bottleneck size for PCA
(by SVD), a linear autoencoder and a non-linear one, and the check that the linear autoencoder's
decoder spans the PCA subspace (principal angles). The runs are recorded by
`python -m train.anomaly_detection_compress` in models/results/anomaly_detection_compress.npz."""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import torch
from torch import nn

from demos import plots
from demos.precomputed import RESULTS_DIR

SIZES = (2, 4, 8, 16, 32, 64)  # bottleneck sizes recorded
METHODS = ("PCA", "linear AE", "AE")
RESULTS = RESULTS_DIR / "anomaly_detection_compress.npz"
COMMAND = "python -m train.anomaly_detection_compress"


# --- maths --------------------------------------------------------------------------------------
def pca_fit(x: torch.Tensor, k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(mean (D,), top-k principal directions as orthonormal columns (D, k)) of rows x (N, D):
    the right singular vectors of the centred data, x - mean = U S Vᵀ."""
    mean = x.mean(0)
    _, _, vt = torch.linalg.svd(x - mean, full_matrices=False)
    return mean, vt[:k].T


def pca_reconstruct(x: torch.Tensor, mean: torch.Tensor, basis: torch.Tensor) -> torch.Tensor:
    """Project onto the subspace and back: mean + (x - mean) V Vᵀ."""
    return mean + (x - mean) @ basis @ basis.T


def principal_angles(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Angles in degrees, smallest first, between the column spaces of a (D, k) and b (D, k):
    cos θᵢ are the singular values of QₐᵀQ_b with Q orthonormal bases (Björck and Golub, 1973)."""
    qa, _ = torch.linalg.qr(a.double())
    qb, _ = torch.linalg.qr(b.double())
    cos = torch.linalg.svdvals(qa.T @ qb).clamp(-1.0, 1.0)
    return torch.rad2deg(torch.arccos(cos))


class Shift(nn.Module):
    """Adds a fixed vector (a buffer, not trained)."""

    def __init__(self, offset: torch.Tensor):
        super().__init__()
        self.register_buffer("offset", offset.clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.offset


def autoencoder(dim: int, k: int, linear: bool, hidden: int = 128, mean: torch.Tensor | None = None) -> nn.Sequential:
    """dim -> k -> dim with no activation (linear; fed the data centred on the training `mean`, as
    PCA is), or dim -> hidden -> k -> hidden -> dim with ReLUs around an unconstrained code and a
    sigmoid output."""
    if linear:
        offset = torch.zeros(dim) if mean is None else mean
        return nn.Sequential(Shift(-offset), nn.Linear(dim, k), nn.Linear(k, dim), Shift(offset))
    return nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(), nn.Linear(hidden, k),  # the code stays linear
                         nn.Linear(k, hidden), nn.ReLU(), nn.Linear(hidden, dim), nn.Sigmoid())


def decoder_basis(model: nn.Sequential) -> torch.Tensor:
    """The columns the decoder maps codes onto, (dim, k): a linear AE's reconstructions live in
    bias + span(W_dec)."""
    return [m for m in model if isinstance(m, nn.Linear)][-1].weight.detach()


def train_autoencoder(x: torch.Tensor, k: int, linear: bool, epochs: int, seed: int, lr: float = 1e-3,
                      batch_size: int = 64, validation: torch.Tensor | None = None) -> tuple[nn.Sequential, list[float]]:
    """Fit by Adam on the mean squared error with a cosine learning-rate decay to 0 (which removes the
    mini-batch noise at the end), seeded; keeps the epoch with the lowest validation error (the
    training error when no validation set is given). Returns (model, validation error per epoch)."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = autoencoder(x.shape[1], k, linear, mean=x.mean(0))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    decay = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs * -(-len(x) // batch_size))
    watch = x if validation is None else validation
    best, best_state, history = float("inf"), None, []
    for _ in range(epochs):
        for rows in torch.randperm(len(x), generator=gen).split(batch_size):
            loss = ((model(x[rows]) - x[rows]) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            decay.step()
        with torch.no_grad():
            history.append(float(((model(watch) - watch) ** 2).mean()))
        if history[-1] < best:
            best, best_state = history[-1], {n: t.clone() for n, t in model.state_dict().items()}
    model.load_state_dict(best_state)
    return model.eval(), history


def mse(x: torch.Tensor, y: torch.Tensor) -> float:
    """Mean squared error per pixel."""
    return float(((x - y) ** 2).mean())


# --- the recorded run -----------------------------------------------------------------------------
@dataclass(frozen=True)
class CompressRun:
    sizes: tuple[int, ...]
    errors: dict[str, np.ndarray]  # method -> held-out MSE per size
    angles: list[np.ndarray]  # per size: principal angles (degrees) linear AE vs PCA
    originals: np.ndarray  # (n, 28, 28) held-out digits shown
    reconstructions: dict[str, np.ndarray]  # method -> (sizes, n, 28, 28)

    def at(self, k: int) -> int:
        if k not in self.sizes:
            raise ValueError(f"bottleneck {k} was not recorded (recorded: {self.sizes})")
        return self.sizes.index(k)


def slug(method: str) -> str:
    return method.replace(" ", "_")


@functools.lru_cache(maxsize=1)
def recorded() -> CompressRun:
    """The committed run (made by COMMAND)."""
    f = np.load(RESULTS, allow_pickle=False)
    sizes = tuple(int(s) for s in f["sizes"])
    return CompressRun(sizes, {m: f[f"error_{slug(m)}"] for m in METHODS},
                       [f[f"angles_{k}"] for k in sizes], f["originals"].astype(np.float32) / 255.0,
                       {m: f[f"recon_{slug(m)}"].astype(np.float32) / 255.0 for m in METHODS})


# --- figures and captions -------------------------------------------------------------------------
def errors_figure(run: CompressRun, k: int, height: int = 320) -> go.Figure:
    fig = plots.line_chart(list(run.sizes), {m: list(run.errors[m]) for m in METHODS},
                           "Held-out reconstruction error vs bottleneck size", "bottleneck size k",
                           "MSE per pixel", height)
    fig.update_traces(selector=dict(name="linear AE"), line=dict(dash="dot", width=2))  # lies on PCA's line
    fig.update_traces(selector=dict(name="PCA"), line=dict(width=7))
    fig.update_xaxes(type="log", tickvals=list(run.sizes), ticktext=[str(s) for s in run.sizes])
    i = run.at(k)
    fig.add_trace(go.Scatter(x=[k] * len(METHODS), y=[float(run.errors[m][i]) for m in METHODS], mode="markers",
                             name=f"k = {k}", marker=dict(size=16, color="rgba(0,0,0,0)",
                                                          line=dict(color="black", width=2))))
    return fig


def errors_caption(run: CompressRun, k: int) -> str:
    i = run.at(k)
    e = {m: float(run.errors[m][i]) for m in METHODS}
    angles = run.angles[i]
    ae_vs_pca = e["AE"] / e["PCA"]
    verdict = (f"the non-linear AE's error is {ae_vs_pca:.2f}× PCA's" if ae_vs_pca < 1 else
               f"the non-linear AE does no better than PCA ({ae_vs_pca:.2f}× its error)")
    return (f"At k = {k} the held-out MSE per pixel is {e['PCA']:.4f} for PCA, {e['linear AE']:.4f} for the "
            f"linear AE and {e['AE']:.4f} for the non-linear AE: {verdict}. The linear AE's decoder "
            f"{'spans (almost) the PCA subspace' if angles.max() < 5 else 'has not reached the PCA subspace'}: "
            f"its {k} principal angles to the top-{k} PCA directions have median "
            f"{float(np.median(angles)):.1f}° and maximum {float(angles.max()):.1f}°.")


def reconstructions_figure(run: CompressRun, k: int, height_per_row: int = 95) -> go.Figure:
    i = run.at(k)
    rows = [[run.originals[j]] + [run.reconstructions[m][i, j] for m in METHODS] for j in range(len(run.originals))]
    return plots.image_rows(rows, ["held-out digit"] + [f"{m}, k = {k}" for m in METHODS],
                            [""] * len(rows), height_per_row, error_last=False)


RECONSTRUCTIONS_CAPTION = "Held-out digits and their reconstructions through a k-number code by each method."
