"""Continual learning: a small MLP learns split MNIST, three tasks one after the other (0 vs 1, then
2 vs 3, then 4 vs 5, one shared two-way head, the task not told), three ways: plain fine-tuning,
elastic weight consolidation (EWC, Kirkpatrick et al. 2017) and a replay buffer of earlier tasks'
digits, balanced over tasks and digits. After each task every task is scored on held-out digits:
a tasks x tasks accuracy matrix per method.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Optional

import numpy as np
import torch
from torch import nn
from torch.func import functional_call, grad, vmap

TASK_DIGITS = ((0, 1), (2, 3), (4, 5))  # split MNIST: one pair of digits per task
N_TASKS = len(TASK_DIGITS)
HIDDEN = 100  # units in each of the MLP's two hidden layers
STEPS = 100  # Adam steps per task
BATCH = 64
LR = 1e-3  # Adam
FISHER_N = 500  # digits of a finished task whose per-example gradients make its Fisher diagonal
LAMBDAS = ("100", "1000", "10000", "100000")  # EWC strength options (the URL holds the string)
BUFFERS = ("20", "100", "500")  # replay buffer sizes, in digits over all earlier tasks
DEFAULT_LAMBDA, DEFAULT_BUFFER, DEFAULT_SEEDS = "10000", "100", 3
METHODS = {"finetune": "Plain fine-tuning", "ewc": "EWC", "replay": "Replay buffer"}
STORE = Path(__file__).resolve().parents[2] / "models" / "results" / "transfer_learning_continual.json"
COMMAND = "python -m train.transfer_continual"
Progress = Optional[Callable[..., None]]


# ---------------------------------------------------------------- the tasks and the network
def tasks() -> list[dict[str, torch.Tensor]]:
    """Per task (a pair of digits): its training digits (from the 3,500 fit digits of the MNIST-5k
    split) and its held-out digits, flattened; label y = 0 for the pair's first digit, 1 for the
    second (one shared two-way head), `digit` the digit itself."""
    from models.data import mnist_split, validation_split

    fx, fy, _, _ = validation_split()
    split = mnist_split()
    fx, tx, ty = fx.reshape(len(fx), -1), split.test_images.reshape(len(split.test_images), -1), split.test_labels
    out = []
    for a, b in TASK_DIGITS:
        keep, test = (fy == a) | (fy == b), (ty == a) | (ty == b)
        out.append({"x": fx[keep], "y": (fy[keep] == b).long(), "digit": fy[keep],
                    "test_x": tx[test], "test_y": (ty[test] == b).long()})
    return out


def mlp(seed: int) -> nn.Sequential:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(784, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, HIDDEN), nn.ReLU(),
                         nn.Linear(HIDDEN, 2))


def accuracy(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    with torch.no_grad():
        return float((net(x).argmax(1) == y).float().mean())


# ---------------------------------------------------------------- EWC: the Fisher diagonal and the penalty
def fisher_diagonal(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
    """Empirical Fisher diagonal: the mean over examples of the squared gradient of log p(y_i | x_i)
    with respect to each parameter (per-example gradients with torch.func.vmap)."""
    params = {k: v.detach() for k, v in net.named_parameters()}

    def log_lik(p: dict[str, torch.Tensor], xi: torch.Tensor, yi: torch.Tensor) -> torch.Tensor:
        out = functional_call(net, p, (xi[None],))
        return -nn.functional.cross_entropy(out, yi[None])

    grads = vmap(grad(log_lik), in_dims=(None, 0, 0))(params, x, y)
    return {k: (g ** 2).mean(0) for k, g in grads.items()}


def ewc_penalty(net: nn.Module, anchors: list[tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]],
                lam: float) -> torch.Tensor:
    """lam/2 * sum over earlier tasks and parameters of F_i (theta_i - theta*_i)^2; anchors are
    (Fisher diagonal, parameters after that task) pairs."""
    total = torch.zeros(())
    for fisher, star in anchors:
        for name, p in net.named_parameters():
            total = total + (fisher[name] * (p - star[name]) ** 2).sum()
    return lam / 2 * total


# ---------------------------------------------------------------- replay: a class-balanced, seeded buffer
def replay_buffer(done: list[dict[str, torch.Tensor]], size: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """`size` stored digits, split equally among the finished tasks and within each between its two
    digits (size // (2 * tasks) per digit, at least one), drawn with a seeded generator."""
    gen = torch.Generator().manual_seed(seed)
    per_class = max(1, size // (len(done) * 2))
    picks_x, picks_y = [], []
    for task in done:
        for c in task["digit"].unique().tolist():
            rows = torch.nonzero(task["digit"] == c).flatten()
            rows = rows[torch.randperm(len(rows), generator=gen)[:per_class]]
            picks_x.append(task["x"][rows])
            picks_y.append(task["y"][rows])
    return torch.cat(picks_x), torch.cat(picks_y)


# ---------------------------------------------------------------- one run: three tasks in turn
def train_sequence(data: list[dict[str, torch.Tensor]], method: str, lam: float, buffer: int,
                   seed: int, steps: int = STEPS, tick: Callable[[], None] | None = None) -> dict:
    """Train one MLP on the tasks in order; R[i][j] = held-out accuracy on task j after task i. For
    EWC also the Fisher diagonal of task 1 (first layer, summed over hidden units: a 28x28 image)."""
    net, gen = mlp(seed), torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(net.parameters(), lr=LR)
    anchors, matrix, fisher_image = [], [], None
    for t, task in enumerate(data):
        memory = replay_buffer(data[:t], buffer, seed * 100 + t) if method == "replay" and t else None
        for _ in range(steps):
            rows = torch.randint(len(task["y"]), (BATCH,), generator=gen)
            loss = nn.functional.cross_entropy(net(task["x"][rows]), task["y"][rows])
            if memory is not None:
                old = torch.randint(len(memory[1]), (BATCH,), generator=gen)
                loss = (loss + nn.functional.cross_entropy(net(memory[0][old]), memory[1][old])) / 2
            if anchors:
                loss = loss + ewc_penalty(net, anchors, lam)
            opt.zero_grad()
            loss.backward()
            opt.step()
        matrix.append([accuracy(net, d["test_x"], d["test_y"]) for d in data])
        if method == "ewc" and t < len(data) - 1:
            rows = torch.randperm(len(task["y"]), generator=gen)[:FISHER_N]
            fisher = fisher_diagonal(net, task["x"][rows], task["y"][rows])
            anchors.append((fisher, {k: v.detach().clone() for k, v in net.named_parameters()}))
            if t == 0:
                fisher_image = fisher["0.weight"].sum(0).reshape(28, 28).tolist()
        if tick:
            tick()
    return {"matrix": matrix, "fisher": fisher_image}


def continual_runs(lam: float, buffer: int, seeds: int = DEFAULT_SEEDS, on_progress: Progress = None) -> dict:
    """Every method for seeds 0..seeds-1; a Stop keeps the seeds finished (reported as partial)."""
    data, out = tasks(), {"lambda": lam, "buffer": buffer, "seeds": 0, "runs": {m: [] for m in METHODS},
                          "fisher": None}
    total, done = seeds * len(METHODS) * N_TASKS, [0]

    def tick() -> None:
        done[0] += 1
        if on_progress:
            on_progress(done[0] / total)

    for seed in range(seeds):
        runs = {m: train_sequence(data, m, lam, buffer, seed, tick=tick) for m in METHODS}
        for m, run in runs.items():
            out["runs"][m].append(run["matrix"])
        out["fisher"] = out["fisher"] or runs["ewc"]["fisher"]
        out["seeds"] = seed + 1
        if on_progress:
            on_progress(done[0] / total, json.loads(json.dumps(out)))
    return out


def command(lam: float, buffer: int) -> str:
    """The command that records these settings into the store (the defaults, and the neighbours the
    gallery's URL test moves to, are committed)."""
    return f"{COMMAND} --lam {lam:g} --buffer {buffer}"


def stored(lam: float, buffer: int) -> dict | None:
    """The committed run for these settings, or None (other settings train live)."""
    if not STORE.exists():
        return None
    return json.loads(STORE.read_text()).get(f"{lam:g}/{buffer}")


# ---------------------------------------------------------------- summaries, figures, captions
def summary(result: dict) -> dict[str, dict[str, float]]:
    """Per method, over seeds: the mean matrix, the average final accuracy over all tasks, and the
    forgetting (best earlier accuracy minus final accuracy, averaged over every task but the last)."""
    out = {}
    for m in METHODS:
        r = np.mean(np.array(result["runs"][m]), axis=0)
        forgetting = np.mean([r[:-1, j].max() - r[-1, j] for j in range(len(r) - 1)])
        out[m] = {"matrix": r, "average": float(r[-1].mean()), "forgetting": float(forgetting)}
    return out


def matrix_figure(result: dict):
    """One accuracy matrix per method: row = after training task i, column = task scored."""
    from plotly.subplots import make_subplots
    import plotly.graph_objects as go

    from demos import plots

    s, names = summary(result), [f"task {i + 1}" for i in range(N_TASKS)]
    fig = make_subplots(1, len(METHODS), subplot_titles=list(METHODS.values()), horizontal_spacing=0.06)
    for i, m in enumerate(METHODS):
        fig.add_trace(go.Heatmap(z=s[m]["matrix"], x=names, y=[f"after {n}" for n in names], zmin=0, zmax=1,
                                 colorscale=plots.SEQUENTIAL, showscale=False, texttemplate="%{z:.0%}"), 1, i + 1)
    fig.update_yaxes(autorange="reversed")
    return plots.layout(fig, None, 320)


def matrix_caption(result: dict) -> str:
    s = summary(result)
    parts = [f"{METHODS[m].lower() if m == 'finetune' else METHODS[m]} {s[m]['average']:.0%} "
             f"(forgets {s[m]['forgetting']:.0%})" for m in METHODS]
    best = max(METHODS, key=lambda m: s[m]["average"])
    return (f"Mean of {result['seeds']} seed(s), λ = {result['lambda']:g}, buffer {result['buffer']} digits. "
            f"Average accuracy on all {N_TASKS} tasks after the last one: " + ", ".join(parts)
            + f". Best here: {METHODS[best]}. Forgetting = best earlier accuracy on a task minus its final one.")


def fisher_figure(result: dict):
    from demos import plots

    return plots.heatmap(np.array(result["fisher"]), "Fisher information after task 1 (first layer, per pixel)",
                         height=320, colorbar_title="F")


def fisher_caption(result: dict) -> str:
    f = np.sort(np.array(result["fisher"]).ravel())[::-1]
    top = f[: len(f) // 10].sum() / f.sum()
    return (f"The diagonal Fisher of task 1's first-layer weights, summed over hidden units for each pixel: "
            f"the 10% most important pixels hold {top:.0%} of it, and EWC anchors those weights hardest; "
            f"{(f == 0).sum()} pixels, blank in every task-1 digit used, get exactly 0.")
