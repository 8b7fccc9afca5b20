"""The clinic: eight broken trainings of one MNIST-5k classifier (14×14 digits, MLP 196 → 128 → 64 → 10
with dropout, SGD with momentum), each with one classic bug, beside the healthy run; their symptoms as
measured, and the reveal (the standard checks on a set-up: `checks`)."""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots
from torch import nn

from demos.plots import OKABE_ITO, layout

EPOCHS = 12
BATCH = 64
CLASSES = 10
LN_C = math.log(CLASSES)
RESULTS = Path(__file__).resolve().parents[2] / "models" / "results" / "tuning_clinic.npz"
SEED = 0


@dataclass(frozen=True)
class Recipe:
    lr: float = 0.05  # SGD learning rate (momentum 0.9)
    scale: float = 255.0  # inputs are divided by this (1.0 = raw 0 … 255 pixels)
    loss: str = "cross-entropy on logits"  # or "cross-entropy on softmax outputs"
    init: str = "PyTorch default"  # or "zeros"
    labels: str = "matched"  # or "shuffled": a bug pairs images with another image's label
    leak: bool = False  # the validation digits are also in the training set
    eval_mode: bool = True  # model.eval() before validating (dropout off)


HEALTHY = Recipe()
CASES = {  # case -> (diagnosis shown at the reveal, recipe)
    "lr_high": ("Learning rate 10× too high", replace(HEALTHY, lr=0.5)),
    "lr_low": ("Learning rate 10× too low", replace(HEALTHY, lr=0.005)),
    "unscaled": ("Inputs not scaled", replace(HEALTHY, scale=1.0)),
    "wrong_loss": ("Wrong loss for the output", replace(HEALTHY, loss="cross-entropy on softmax outputs")),
    "zero_init": ("All weights initialised to zero", replace(HEALTHY, init="zeros")),
    "shuffled_labels": ("Labels shuffled apart from their images", replace(HEALTHY, labels="shuffled")),
    "leakage": ("Validation data leaked into training", replace(HEALTHY, leak=True)),
    "eval_mode": ("Forgot to switch to eval mode", replace(HEALTHY, eval_mode=False)),
}
DIAGNOSES = tuple(name for name, _ in CASES.values())
PATIENTS = dict(zip("ABCDEFGH", ("wrong_loss", "lr_high", "leakage", "zero_init", "lr_low", "eval_mode",
                                  "unscaled", "shuffled_labels")))  # patient letter -> case (hidden until the reveal)
NO_GUESS = "— pick a diagnosis —"


def recipe_of(case: str) -> Recipe:
    return HEALTHY if case == "healthy" else CASES[case][1]


def digits() -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """MNIST-5k's fit / validation / test splits as raw 0 … 255 pixels pooled to 14×14, flattened (N, 196)."""
    from models.data import mnist_split, validation_split

    fit_x, fit_y, val_x, val_y = validation_split()
    test = mnist_split()
    pool = lambda x: nn.functional.avg_pool2d(x * 255.0, 2).flatten(1)  # noqa: E731
    return {"fit": (pool(fit_x), fit_y), "val": (pool(val_x), val_y), "test": (pool(test.test_images), test.test_labels)}


def network(recipe: Recipe, seed: int = SEED) -> nn.Sequential:
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(196, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 64), nn.ReLU(),
                        nn.Dropout(0.5), nn.Linear(64, CLASSES))
    if recipe.init == "zeros":
        for p in net.parameters():
            nn.init.zeros_(p)
    return net


def loss_fn(recipe: Recipe, logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    if recipe.loss == "cross-entropy on softmax outputs":  # the bug: the loss applies log-softmax again
        return nn.functional.cross_entropy(logits.softmax(1), labels)
    return nn.functional.cross_entropy(logits, labels)


Data = dict[str, tuple[torch.Tensor, torch.Tensor]]  # what `digits()` returns


def training_set(recipe: Recipe, seed: int, data: Data) -> tuple[torch.Tensor, torch.Tensor]:
    x, y = data["fit"]
    if recipe.leak:
        x, y = torch.cat([x, data["val"][0]]), torch.cat([y, data["val"][1]])
    if recipe.labels == "shuffled":
        y = y[torch.randperm(len(y), generator=torch.Generator().manual_seed(seed + 1))]
    return x / recipe.scale, y


def _measure(net: nn.Module, recipe: Recipe, split: str, data: Data) -> tuple[float, float]:
    x, y = data[split]
    net.train(not recipe.eval_mode) if split == "val" else net.eval()
    with torch.no_grad():
        logits = net(x / recipe.scale)
        return float(loss_fn(recipe, logits, y)), float((logits.argmax(1) == y).float().mean())


def record(case: str, data: Data, epochs: int = EPOCHS, seed: int = SEED) -> dict[str, np.ndarray]:
    """Per epoch: mean training loss, validation loss and accuracy (measured twice, as the recipe
    measures them), held-out test accuracy (for the reveal only)."""
    recipe = recipe_of(case)
    net, (x, y) = network(recipe, seed), training_set(recipe, seed, data)
    opt = torch.optim.SGD(net.parameters(), lr=recipe.lr, momentum=0.9)
    gen = torch.Generator().manual_seed(seed)
    out: dict[str, list[float]] = {k: [] for k in ("train_loss", "val_loss", "val_acc", "val_acc_again", "test_acc")}
    for _ in range(epochs):
        net.train()
        losses = []
        for idx in torch.randperm(len(x), generator=gen).split(BATCH):
            loss = loss_fn(recipe, net(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        out["train_loss"].append(float(np.mean(losses)))
        vl, va = _measure(net, recipe, "val", data)
        out["val_loss"].append(vl)
        out["val_acc"].append(va)
        out["val_acc_again"].append(_measure(net, recipe, "val", data)[1])
        out["test_acc"].append(_measure(net, recipe, "test", data)[1])
    return {k: np.array(v) for k, v in out.items()}


def record_all(cases, epochs: int = EPOCHS) -> dict[str, dict[str, np.ndarray]]:
    torch.set_num_threads(1)
    data = digits()
    return {c: record(c, data, epochs) for c in ("healthy", *cases)}


def committed() -> dict[str, dict[str, np.ndarray]]:
    """case -> curves, as recorded by `python -m train.tuning --part clinic`."""
    z = np.load(RESULTS)
    runs: dict[str, dict[str, np.ndarray]] = {}
    for key in z.files:
        if "/" in key:
            case, name = key.split("/")
            runs.setdefault(case, {})[name] = z[key]
    return runs


def symptom(case: str, runs: dict[str, dict[str, np.ndarray]]) -> str | None:
    """The measured symptom of `case` in one sentence, or None if its curves do not show it."""
    r, h = runs[case], runs["healthy"]
    loss, acc = r["train_loss"], r["val_acc"]
    low = int(np.nanargmin(loss))
    checks = {
        "lr_high": (not np.isfinite(loss[-1]) or loss[-1] > loss[low] + 0.3,
                    f"the training loss climbs from {loss[low]:.2f} (epoch {low + 1}) back to {loss[-1]:.2f} and "
                    f"validation accuracy ends at {acc[-1]:.0%}"),
        "lr_low": (acc[-1] < h["val_acc"][-1] - 0.03 and loss[-1] < loss[0],
                   f"the loss falls, slowly: {acc[-1]:.0%} validation accuracy after {len(acc)} epochs against "
                   f"the healthy run's {h['val_acc'][-1]:.0%}"),
        "unscaled": (loss[0] > 2 * h["train_loss"][0],
                     f"the first epoch's loss is {loss[0]:.3g}, against the healthy {h['train_loss'][0]:.2f}"),
        "wrong_loss": (np.nanmin(loss) > 1.4, f"the loss never drops below {np.nanmin(loss):.2f} although validation "
                       f"accuracy reaches {acc.max():.0%}"),
        "zero_init": (np.all(np.abs(loss - LN_C) < 0.01), f"the loss sits at {loss[-1]:.4f} = ln 10 and the "
                      f"accuracy at {acc[-1]:.0%}"),
        "shuffled_labels": (acc[-1] < 0.2, f"the training loss stays near ln 10 ({loss[-1]:.2f}) and validation "
                            f"accuracy at chance ({acc[-1]:.0%})"),
        "leakage": (acc[-1] - r["test_acc"][-1] > 0.02, f"validation accuracy ({acc[-1]:.1%}) runs above what the "
                    f"healthy run reaches ({h['val_acc'][-1]:.1%})"),
        "eval_mode": (np.any(acc != r["val_acc_again"]), "two passes over the same validation digits give different "
                      f"accuracies (largest gap {np.max(np.abs(acc - r['val_acc_again'])):.1%})"),
    }
    shown, sentence = checks[case]
    return sentence if shown else None


# -- figures ----------------------------------------------------------------------------------------------------
def symptom_figure(case: str, runs: dict[str, dict[str, np.ndarray]], reveal: bool, height: int = 340) -> go.Figure:
    """Losses (with ln 10 marked) and validation accuracy by epoch; after the reveal, the healthy run and
    the held-out test accuracy join them."""
    r = runs[case]
    ep = np.arange(1, len(r["train_loss"]) + 1)
    fig = make_subplots(1, 2, subplot_titles=("Loss", "Accuracy"))
    series = [("train_loss", "training loss", 1, OKABE_ITO[0], None), ("val_loss", "validation loss", 1, OKABE_ITO[1], None),
              ("val_acc", "validation accuracy", 2, OKABE_ITO[1], None),
              ("val_acc_again", "validation accuracy, 2nd pass", 2, OKABE_ITO[4], "dot")]
    if reveal:
        series.append(("test_acc", "held-out test accuracy", 2, OKABE_ITO[3], None))
    for key, name, col, colour, dash in series:
        fig.add_trace(go.Scatter(x=ep, y=r[key], name=name, mode="lines+markers",
                                 line=dict(color=colour, dash=dash)), 1, col)
    if reveal:
        for key, col in (("train_loss", 1), ("val_acc", 2)):
            fig.add_trace(go.Scatter(x=ep, y=runs["healthy"][key], name=f"healthy run: {key.replace('_', ' ')}",
                                     line=dict(color="gray", dash="dash")), 1, col)
    fig.add_hline(y=LN_C, line=dict(color="gray", dash="dot"), annotation_text="ln 10", row=1, col=1)
    fig.update_yaxes(type="log", row=1, col=1)
    fig.update_xaxes(title_text="epoch")
    return layout(fig, None, height)


def symptom_caption(patient: str, runs: dict[str, dict[str, np.ndarray]]) -> str:
    case = PATIENTS[patient]
    r = runs[case]
    return (f"Patient {patient} after {len(r['train_loss'])} epochs: training loss {r['train_loss'][-1]:.3g}, "
            f"validation accuracy {r['val_acc'][-1]:.1%} (the healthy run: {runs['healthy']['train_loss'][-1]:.3g} "
            f"and {runs['healthy']['val_acc'][-1]:.1%}).")


def reveal_caption(patient: str, guess: str, runs: dict[str, dict[str, np.ndarray]]) -> str:
    case = PATIENTS[patient]
    truth = CASES[case][0]
    verdict = "Right" if guess == truth else f"Not quite: you said “{guess}”"
    seen = symptom(case, runs)
    return (f"{verdict}. The bug: {truth.lower()}. " + (f"Its symptom here: {seen}." if seen else
            "Its usual symptom does not show in this recording."))
