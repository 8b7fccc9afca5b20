"""Embeddings beyond words: a recommender learns one vector per user and per item from ratings alone.
Matrix factorisation (Koren, Bell & Volinsky 2009): r̂_ui = p_u·q_i + b_u + b_i + μ; neural collaborative
filtering (He et al. 2017): the same two embedding lookups concatenated and fed to an MLP. The ratings are
synthetic — users prefer some of four hidden genres — so what the item vectors should find is known."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots
from torch import nn

from demos.plots import OKABE_ITO, layout

GENRES = ("action", "comedy", "drama", "horror")
N_USERS, N_ITEMS, OBSERVED = 300, 120, 0.12  # 12 % of the user × item ratings are known
DIM_RANGE = (2, 16)
EPOCHS = 150


@dataclass(frozen=True)
class Ratings:
    users: np.ndarray  # (R,) user index of each known rating
    items: np.ndarray  # (R,)
    values: np.ndarray  # (R,) ratings in 1..5
    split: np.ndarray  # (R,) "train", "valid" or "test"
    genre: np.ndarray  # (N_ITEMS,) each item's hidden genre


def synthetic_ratings(seed: int = 0) -> Ratings:
    """Each user has a taste per genre (a Dirichlet draw), each item one genre and a quality; a rating is
    1 + 4·sigmoid(3·(taste − 1/4)·4 + quality + noise), rounded to 1..5."""
    rng = np.random.default_rng(seed)
    taste = rng.dirichlet(np.full(len(GENRES), 0.5), N_USERS)
    genre = rng.integers(len(GENRES), size=N_ITEMS)
    quality = rng.normal(0, 0.7, N_ITEMS)
    users, items = np.nonzero(rng.random((N_USERS, N_ITEMS)) < OBSERVED)
    score = 12 * (taste[users, genre[items]] - 1 / len(GENRES)) + quality[items] + rng.normal(0, 0.5, len(users))
    values = np.clip(np.round(1 + 4 / (1 + np.exp(-score))), 1, 5)
    split = rng.choice(np.array(["train", "valid", "test"]), size=len(users), p=[0.7, 0.1, 0.2])
    return Ratings(users, items, values, split, genre)


class MatrixFactorisation(nn.Module):
    def __init__(self, dim: int, mean: float):
        super().__init__()
        self.user, self.item = nn.Embedding(N_USERS, dim), nn.Embedding(N_ITEMS, dim)
        self.user_bias, self.item_bias = nn.Embedding(N_USERS, 1), nn.Embedding(N_ITEMS, 1)
        for e in (self.user, self.item):
            nn.init.normal_(e.weight, 0, 0.1)
        for e in (self.user_bias, self.item_bias):
            nn.init.zeros_(e.weight)
        self.mean = mean

    def forward(self, u: torch.Tensor, i: torch.Tensor) -> torch.Tensor:
        dot = (self.user(u) * self.item(i)).sum(-1)  # (B,)
        return dot + self.user_bias(u)[:, 0] + self.item_bias(i)[:, 0] + self.mean


class NeuralCF(nn.Module):
    def __init__(self, dim: int, mean: float, hidden: int = 32):
        super().__init__()
        self.user, self.item = nn.Embedding(N_USERS, dim), nn.Embedding(N_ITEMS, dim)
        for e in (self.user, self.item):
            nn.init.normal_(e.weight, 0, 0.1)
        self.mlp = nn.Sequential(nn.Linear(2 * dim, hidden), nn.ReLU(), nn.Linear(hidden, 1))
        self.mean = mean

    def forward(self, u: torch.Tensor, i: torch.Tensor) -> torch.Tensor:
        return self.mlp(torch.cat([self.user(u), self.item(i)], -1))[:, 0] + self.mean  # (B,)


@dataclass(frozen=True)
class Fit:
    rmse: dict[str, np.ndarray]  # model -> (EPOCHS,) test RMSE after each epoch
    valid: dict[str, np.ndarray]  # model -> (EPOCHS,) validation RMSE
    best_epoch: dict[str, int]  # the epoch with the lowest validation RMSE (1-based)
    baseline: float  # test RMSE of predicting the training mean
    items: np.ndarray  # (N_ITEMS, dim) matrix factorisation's item vectors
    genre: np.ndarray
    dim: int


def train(dim: int, seed: int, on_progress=None) -> Fit:
    """Both models by full-batch Adam (lr 0.05, weight decay 1e-4) for EPOCHS epochs on the training
    split; validation and test RMSE after every epoch (one forward pass over all known ratings)."""
    data = synthetic_ratings(seed)
    torch.manual_seed(seed)
    u, i, r = (torch.tensor(a) for a in (data.users, data.items, data.values.astype(np.float32)))
    train_, valid_, test_ = (torch.tensor(data.split == k) for k in ("train", "valid", "test"))
    ut, it, rt = u[train_], i[train_], r[train_]
    mean = float(rt.mean())
    rmse, valid, items = {}, {}, None
    for n, (name, model) in enumerate((("matrix factorisation", MatrixFactorisation(dim, mean)),
                                       ("neural CF (MLP)", NeuralCF(dim, mean)))):
        opt = torch.optim.Adam(model.parameters(), lr=0.05, weight_decay=1e-4)
        errors = torch.zeros(EPOCHS, len(r))
        for epoch in range(EPOCHS):
            loss = ((model(ut, it) - rt) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            with torch.no_grad():
                errors[epoch] = (model(u, i) - r) ** 2
        rmse[name] = errors[:, test_].mean(1).sqrt().numpy()
        valid[name] = errors[:, valid_].mean(1).sqrt().numpy()
        if isinstance(model, MatrixFactorisation):
            items = model.item.weight.detach().numpy().copy()
        if on_progress is not None:
            on_progress((n + 1) / 2)
    baseline = float(np.sqrt(((data.values[data.split == "test"] - mean) ** 2).mean()))
    best = {k: int(np.argmin(v)) + 1 for k, v in valid.items()}
    return Fit(rmse, valid, best, baseline, items, data.genre, dim)


def genre_separation(fit: Fit) -> float:
    """Share of items whose nearest other item (cosine, full dimension) has the same hidden genre."""
    unit = fit.items / np.linalg.norm(fit.items, axis=1, keepdims=True)
    sim = unit @ unit.T
    np.fill_diagonal(sim, -np.inf)
    return float((fit.genre[sim.argmax(1)] == fit.genre).mean())


def recommender_figure(fit: Fit, height: int = 380) -> go.Figure:
    x = fit.items - fit.items.mean(0)
    flat = x[:, :2] if fit.dim == 2 else x @ np.linalg.svd(x, full_matrices=False)[2][:2].T
    fig = make_subplots(1, 2, subplot_titles=("item vectors (matrix factorisation" +
                                              (")" if fit.dim == 2 else ", PCA to 2-D)"), "test RMSE per epoch"))
    for g, name in enumerate(GENRES):
        m = fit.genre == g
        fig.add_trace(go.Scatter(x=flat[m, 0], y=flat[m, 1], mode="markers", name=name,
                                 marker=dict(color=OKABE_ITO[g], size=7)), 1, 1)
    epochs = np.arange(1, EPOCHS + 1)
    for k, (name, curve) in enumerate(fit.rmse.items()):
        fig.add_trace(go.Scatter(x=epochs, y=curve, mode="lines", name=name, line=dict(color=OKABE_ITO[4 + k])), 1, 2)
    fig.add_trace(go.Scatter(x=[1, EPOCHS], y=[fit.baseline] * 2, mode="lines", name="predict the mean",
                             line=dict(color="gray", dash="dot")), 1, 2)
    fig.update_xaxes(title_text="epoch", row=1, col=2)
    fig.update_yaxes(title_text="RMSE (stars)", row=1, col=2)
    fig.update_layout(legend=dict(orientation="h", y=-0.18))
    return layout(fig, None, height)


def recommender_caption(fit: Fit) -> str:
    at_best = {k: float(v[fit.best_epoch[k] - 1]) for k, v in fit.rmse.items()}
    parts = ", ".join(f"{k} {v:.2f} (epoch {fit.best_epoch[k]})" for k, v in at_best.items())
    return (f"{fit.dim}-D embeddings. Test RMSE at each model's best validation epoch: {parts}, against "
            f"{fit.baseline:.2f} for predicting the mean. {genre_separation(fit):.0%} of the items' nearest "
            "neighbours share their hidden genre: no genre label was ever given.")
