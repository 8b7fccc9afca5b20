"""Multimodal fusion on a two-input data set generated here: input A is a 2-D point, input B a noisy
8×8 image holding one bar (horizontal or vertical). "Shared evidence": A's x is drawn around +0.5 or
−0.5 by the label (Gaussian, so some points are ambiguous) and B's bar is vertical for label 1 with
probability 0.85: either input alone predicts the label, both together do better. "Interaction": A's
side (x < 0 or x > 0) is a random bit a, the bar's orientation a random bit b, and y = a XOR b, so
neither input alone says anything. Early fusion concatenates the raw inputs into one MLP; late fusion averages the
logits of one model per input; hybrid fusion concatenates per-input features into a joint head."""
from __future__ import annotations

from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch
from torch import nn

from demos.plots import OKABE_ITO, layout

TASKS = ("Shared evidence", "Interaction (XOR)")
VARIANTS = ("Early", "Late", "Hybrid")
CONDITIONS = ("both inputs", "B noised", "B missing")
AGREE = 0.85  # P(bar orientation = label) in the shared-evidence task
SPREAD = 0.6  # std of A's x around ±0.5 in the shared-evidence task
PIXEL_NOISE = 0.3  # std of the pixel noise every image carries
N_TRAIN_RANGE, N_TRAIN, N_VAL = (300, 3000), 3000, 1000  # training examples (slider), validation
STEPS = 150  # full-batch Adam steps per model


def make_data(n: int, task: str, seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(A (n, 2), B (n, 64), y (n,)) for `task`, seeded."""
    g = torch.Generator().manual_seed(seed)
    if task == TASKS[1]:
        a, b = (torch.rand(n, generator=g) < 0.5).long(), (torch.rand(n, generator=g) < 0.5).long()
        y = a ^ b
    else:
        y = (torch.rand(n, generator=g) < 0.5).long()
        b = y ^ (torch.rand(n, generator=g) > AGREE).long()
    x = ((y - 0.5) + SPREAD * torch.randn(n, generator=g) if task == TASKS[0]
         else (a * 2 - 1) * (0.2 + 0.8 * torch.rand(n, generator=g)))
    point = torch.stack([x, torch.rand(n, generator=g) * 2 - 1], 1)
    pos = torch.randint(1, 7, (n,), generator=g)
    img = torch.zeros(n, 8, 8)
    rows = torch.arange(n)
    img[rows[b == 0], pos[b == 0], 1:7] = 1.0  # horizontal bar in row `pos`
    img[rows[b == 1], 1:7, pos[b == 1]] = 1.0  # vertical bar in column `pos`
    img = img + PIXEL_NOISE * torch.randn(n, 8, 8, generator=g)
    return point, img.flatten(1), y


def mlp(n_in: int, hidden: int, n_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, n_out))


class Fusion(nn.Module):
    """One of the three variants. `forward(A, B, has_b)` returns log-probabilities (N, 2); `has_b` False
    means input B is missing: early and hybrid see zeros in its place, late fusion uses A's model alone.
    Late fusion's two models are trained as two classifiers, each on its own loss, and their
    decisions (log-probabilities) averaged."""

    def __init__(self, variant: str):
        super().__init__()
        self.variant = variant
        if variant == "Early":
            self.net = mlp(2 + 64, 32, 2)
        elif variant == "Late":
            self.net_a, self.net_b = mlp(2, 16, 2), mlp(64, 16, 2)
        else:
            self.enc_a, self.enc_b = mlp(2, 16, 8), mlp(64, 16, 8)
            self.head = mlp(16, 16, 2)

    def forward(self, a: torch.Tensor, b: torch.Tensor, has_b: bool = True) -> torch.Tensor:
        if not has_b:
            b = torch.zeros_like(b)
        log_softmax = nn.functional.log_softmax
        if self.variant == "Early":
            return log_softmax(self.net(torch.cat([a, b], 1)), 1)  # (N, 66) -> (N, 2)
        if self.variant == "Late":
            pa = log_softmax(self.net_a(a), 1)  # (N, 2) A's own decision
            return log_softmax((pa + log_softmax(self.net_b(b), 1)) / 2, 1) if has_b else pa  # renormalised
        return log_softmax(self.head(torch.cat([torch.relu(self.enc_a(a)), torch.relu(self.enc_b(b))], 1)), 1)

    def loss(self, a: torch.Tensor, b: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        nll = nn.functional.nll_loss
        if self.variant == "Late":  # two classifiers, each trained on its own input
            return (nll(nn.functional.log_softmax(self.net_a(a), 1), y)
                    + nll(nn.functional.log_softmax(self.net_b(b), 1), y))
        return nll(self(a, b), y)


def train(task: str, seed: int, n_train: int = N_TRAIN, on_progress: Callable[..., None] | None = None) -> dict:
    """Train the three variants on `n_train` clean examples (seeded), full-batch Adam.
    Returns {"models": {variant: Fusion}, "curves": {variant: [validation accuracy every 25 steps]}}."""
    a, b, y = make_data(n_train, task, seed)
    va, vb, vy = make_data(N_VAL, task, seed + 1000)
    out: dict = {"models": {}, "curves": {}}
    for i, v in enumerate(VARIANTS):
        torch.manual_seed(seed)
        model = Fusion(v)
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        out["curves"][v] = []
        for step in range(STEPS):
            opt.zero_grad()
            model.loss(a, b, y).backward()
            opt.step()
            if (step + 1) % 25 == 0:
                with torch.no_grad():
                    out["curves"][v].append(_acc(model(va, vb), vy))
                if on_progress:
                    on_progress((i + (step + 1) / STEPS) / len(VARIANTS), out)
        out["models"][v] = model.eval()
    return out


@torch.no_grad()
def evaluate(trained: dict, task: str, seed: int, noise: float) -> dict:
    """{"acc": {variant: {condition: validation accuracy}}}: both inputs, B's pixels plus Gaussian noise
    of std `noise`, and B missing."""
    va, vb, vy = make_data(N_VAL, task, seed + 1000)
    noisy = vb + noise * torch.randn(vb.shape, generator=torch.Generator().manual_seed(seed + 2000))
    return {"acc": {v: {CONDITIONS[0]: _acc(m(va, vb), vy), CONDITIONS[1]: _acc(m(va, noisy), vy),
                        CONDITIONS[2]: _acc(m(va, vb, has_b=False), vy)} for v, m in trained["models"].items()}}


def _acc(logits: torch.Tensor, y: torch.Tensor) -> float:
    return float((logits.argmax(1) == y).float().mean())


def examples_figure(task: str, seed: int, height: int = 200) -> go.Figure:
    """Six examples: input B's image, titled with input A's side, the bar and the label."""
    a, b, y = make_data(6, task, seed)
    strip = np.concatenate([np.pad(b[i].view(8, 8).numpy(), 1, constant_values=np.nan) for i in range(6)], axis=1)
    fig = go.Figure(go.Heatmap(z=strip[::-1], colorscale="gray_r", showscale=False, hoverinfo="skip"))
    for i in range(6):
        side = f"x = {float(a[i, 0]):+.1f}"
        fig.add_annotation(x=i * 10 + 4.5, y=10, text=f"A: {side}<br>label {int(y[i])}", showarrow=False, yanchor="bottom")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", range=[-0.5, 14])
    return layout(fig, None, height)


def accuracy_figure(result: dict, height: int = 340) -> go.Figure:
    fig = go.Figure([go.Bar(x=list(VARIANTS), y=[result["acc"][v][c] for v in VARIANTS], name=c,
                            marker_color=OKABE_ITO[j], text=[f"{result['acc'][v][c]:.0%}" for v in VARIANTS],
                            textposition="outside", cliponaxis=False) for j, c in enumerate(CONDITIONS)])
    fig.add_hline(y=0.5, line_dash="dot", line_color="grey", annotation_text="chance")
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=-0.2))
    fig.update_yaxes(title="validation accuracy", tickformat=".0%", range=[0, 1.1])
    return layout(fig, None, height)


def accuracy_caption(result: dict, task: str, noise: float) -> str:
    acc = result["acc"]
    best = max(VARIANTS, key=lambda v: acc[v][CONDITIONS[0]])
    worst = min(VARIANTS, key=lambda v: acc[v][CONDITIONS[0]])
    robust = max(VARIANTS, key=lambda v: acc[v][CONDITIONS[2]])
    missing = [acc[v][CONDITIONS[2]] for v in VARIANTS]
    both = CONDITIONS[0]
    first = (f"all three variants score {acc[worst][both]:.0%}–{acc[best][both]:.0%}"
             if acc[best][both] - acc[worst][both] < 0.02 else
             f"{best} fusion scores best ({acc[best][both]:.0%}) and {worst} worst ({acc[worst][both]:.0%})")
    return (f"{task}: with both inputs {first}. With B's pixels noised (σ = {noise:g}): "
            + ", ".join(f"{v} {acc[v][CONDITIONS[1]]:.0%}" for v in VARIANTS)
            + ". With B missing: " + ", ".join(f"{v} {acc[v][CONDITIONS[2]]:.0%}" for v in VARIANTS)
            + (f" — {robust} fusion keeps the most (with both inputs it scored {acc[robust][both]:.0%})."
               if max(missing) - min(missing) >= 0.03 else "."))
