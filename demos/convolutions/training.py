"""Train the digit CNN now: the architecture of models/mnist_cnn.py at a smaller width (8 channels, then 16,
so a run takes seconds on one CPU thread), on the 3,500 fit digits of the MNIST-5k split, validation
curves streamed as it learns, then the held-out digits it gets wrong (true, predicted, confidence)."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots

from demos.convolutions.separable import digit_cnn
from demos.plots import OKABE_ITO
from demos.replay import _is_stop

WIDTH, EPOCHS, BATCH, LR, SEED = 8, 2, 64, 3e-3, 0
EVALS_PER_EPOCH = 4  # validation points per epoch on the live curve
N_MISTAKES = 24  # most confident mistakes shown
RESULTS = "models/results/convolutions_train.json"
COMMAND = "python -m train.convolutions_results"


def _evaluate(net: torch.nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float, torch.Tensor]:
    net.eval()
    with torch.no_grad():
        logits = net(x)
    net.train()
    return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item(), logits


def train_cnn(block: str = "standard", width: int = WIDTH, epochs: int = EPOCHS, seed: int = SEED,
              n_fit: int | None = None, on_progress: Callable[[float, dict], None] | None = None) -> dict:
    """AdamW with a one-cycle learning rate (peak LR), batch 64, `epochs` passes over the fit digits (the first `n_fit` when given, for tests);
    validation loss and accuracy at the start and EVALS_PER_EPOCH times an epoch, each reported with
    `on_progress(fraction, partial)` (the first before any step, so the curve appears at once); a stop
    (an exception from on_progress) returns the run so far. Returns {"block", "width", "epochs", "curve":
    {"epoch", "val_loss", "val_acc", "train_loss"}, "val_acc", "test_acc", "mistakes": [[index, true,
    predicted, confidence]], "seconds", "stopped"}."""
    from models.data import mnist_split, validation_split

    x_fit, y_fit, x_val, y_val = validation_split()
    x_fit, y_fit = x_fit[:n_fit], y_fit[:n_fit]
    gen = torch.Generator().manual_seed(seed)  # initial weights, batch order and dropout: nothing global
    net = digit_cnn(block, width, gen)
    opt = torch.optim.AdamW(net.parameters(), lr=LR, weight_decay=1e-4)
    n_batches = -(-len(x_fit) // BATCH)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=LR, total_steps=epochs * n_batches)  # as train/mnist_cnn
    checkpoints = {round(n_batches * (i + 1) / EVALS_PER_EPOCH) - 1 for i in range(EVALS_PER_EPOCH)}
    curve: dict[str, list[float]] = {"epoch": [], "val_loss": [], "val_acc": [], "train_loss": []}
    run = {"block": block, "width": width, "epochs": epochs, "seed": seed, "curve": curve, "stopped": False}
    start, recent = time.perf_counter(), []

    def report(at: float) -> None:
        loss, acc, _ = _evaluate(net, x_val, y_val)
        for name, v in zip(curve, (at, loss, acc, float(np.mean(recent)) if recent else loss)):
            curve[name].append(round(v, 5))
        recent.clear()
        if on_progress is not None:  # a new object each time: the kit redraws when the snapshot changes
            on_progress(at / epochs, run | {"curve": {k: list(v) for k, v in curve.items()}})

    try:
        report(0.0)
        for epoch in range(epochs):
            order = torch.randperm(len(x_fit), generator=gen)
            for b in range(n_batches):
                idx = order[b * BATCH:(b + 1) * BATCH]
                loss = F.cross_entropy(net(x_fit[idx]), y_fit[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
                schedule.step()
                recent.append(loss.item())
                if b in checkpoints:
                    report(epoch + (b + 1) / n_batches)
    except Exception as err:  # the kit's Stop arrives as an exception from on_progress: keep what we have
        if not _is_stop(err):
            raise
        run["stopped"] = True
    data = mnist_split()
    _, test_acc, logits = _evaluate(net, data.test_images, data.test_labels)
    prob = logits.softmax(1)
    conf, pred = prob.max(1)
    wrong = (pred != data.test_labels).nonzero().flatten()
    wrong = wrong[conf[wrong].argsort(descending=True)][:N_MISTAKES]
    run.update(val_acc=curve["val_acc"][-1], test_acc=round(test_acc, 5), seconds=round(time.perf_counter() - start, 2),
               n_wrong=int((pred != data.test_labels).sum()), n_test=len(pred),
               mistakes=[[int(i), int(data.test_labels[i]), int(pred[i]), round(float(conf[i]), 4)] for i in wrong])
    return run


def committed(block: str) -> dict | None:
    """The recorded default run for this block kind (made by `COMMAND`), or None."""
    path = Path(__file__).resolve().parents[2] / RESULTS
    return json.loads(path.read_text())["runs"].get(block) if path.exists() else None


# ---------------------------------------------------------------- figures and captions
def curves_figure(run: dict, height: int = 320) -> go.Figure:
    """Validation loss (left) and accuracy (right) against epochs, with the training loss in between."""
    c = run["curve"]
    fig = make_subplots(1, 2, subplot_titles=("loss", "validation accuracy"))
    fig.add_scatter(x=c["epoch"], y=c["train_loss"], name="training loss (mean since last point)",
                    line=dict(color=OKABE_ITO[1], dash="dot"), row=1, col=1)
    fig.add_scatter(x=c["epoch"], y=c["val_loss"], name="validation loss", line=dict(color=OKABE_ITO[0]), row=1, col=1)
    fig.add_scatter(x=c["epoch"], y=c["val_acc"], name="validation accuracy", line=dict(color=OKABE_ITO[2]),
                    mode="lines+markers", row=1, col=2)
    fig.update_xaxes(title="epoch", range=[0, run["epochs"]])
    fig.update_yaxes(range=[0, 1], row=1, col=2)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=-0.3))
    return fig


def curves_caption(run: dict) -> str:
    c = run["curve"]
    best = int(np.argmax(c["val_acc"]))
    how = (f"stopped at epoch {c['epoch'][-1]:.2f} of {run['epochs']}" if run["stopped"]
           else f"{run['epochs']} epochs in {run['seconds']:.1f} s")
    return (f"Width-{run['width']} digit CNN ({how}): validation accuracy {c['val_acc'][0]:.0%} before any step "
            f"(chance is 10%), {c['val_acc'][-1]:.1%} at the end, best {c['val_acc'][best]:.1%} at epoch "
            f"{c['epoch'][best]:.2f}; validation loss {c['val_loss'][0]:.2f} → {c['val_loss'][-1]:.3f}. "
            f"On the 1,000 held-out digits it scores {run['test_acc']:.1%}.")


def mistakes_figure(run: dict, images: torch.Tensor, columns: int = 8) -> go.Figure:
    """The held-out digits it got wrong, most confident first, titled true → predicted (confidence)."""
    wrong = run["mistakes"]
    if not wrong:
        return go.Figure().update_layout(height=80, annotations=[dict(text="No mistakes", showarrow=False)])
    rows = -(-len(wrong) // columns)
    titles = [f"{t}→{p} ({c:.0%})" for _, t, p, c in wrong]
    fig = make_subplots(rows, columns, subplot_titles=titles, horizontal_spacing=0.01, vertical_spacing=0.06)
    for n, (i, *_) in enumerate(wrong):
        fig.add_heatmap(z=images[i, 0].numpy()[::-1], colorscale="gray_r", showscale=False, hoverinfo="skip",
                        row=n // columns + 1, col=n % columns + 1)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_annotations(font_size=11)
    fig.update_layout(height=110 * rows + 20, margin=dict(l=5, r=5, t=25, b=5))
    return fig


def mistakes_caption(run: dict) -> str:
    wrong = run["mistakes"]
    if not wrong:
        return f"No mistakes on the {run['n_test']:,} held-out digits."
    pairs: dict[tuple[int, int], int] = {}
    for _, t, p, _ in wrong:
        pairs[(t, p)] = pairs.get((t, p), 0) + 1
    (t, p), n = max(pairs.items(), key=lambda kv: kv[1])
    return (f"{run['n_wrong']} of the {run['n_test']:,} held-out digits are misclassified; the {len(wrong)} most "
            f"confident mistakes are shown as true → predicted (confidence), from {wrong[0][3]:.0%} down to "
            f"{wrong[-1][3]:.0%}. The most frequent confusion among them: {t} read as {p} ({n}×).")
