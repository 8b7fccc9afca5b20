"""Delayed recall: remember a symbol across `lag` distractors, answer it at the question. Three cells
trained at your lag (record, then replay: "Train at your lag"; the default run is committed, any other
trains live), the committed models' accuracy against lag ("Accuracy vs lag") and the gradient they
pass back after training (the hero's right chart). The vanilla RNN fails where the LSTM (Hochreiter &
Schmidhuber 1997) and GRU (Cho et al. 2014) hold.
"""
from __future__ import annotations

import math
import time
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from torch import nn

from demos import precomputed, replay
from demos.recurrent.bptt import curves, fresh_models, log_axis, probe
from demos.recurrent.cells import CELL_NAMES, COLOURS
from models.recall_rnn import RecallNet, recall_batch

TRAIN_STEPS = 600  # most Adam steps of a live delayed-recall training (batch 32, lr 1e-2, clip 1)
TEST_LAGS = (5, 10, 20, 30, 40, 50, 60, 70, 80)  # the training script's test lags (70, 80: beyond training)


# ---------------------------------------------------------------- accuracy, and training at one lag
def accuracy_by_lag(model: nn.Module, lags: tuple[int, ...], n: int = 1000, seed: int = 2) -> np.ndarray:
    """Accuracy at each lag on `n` sequences drawn from a generator seeded `seed` afresh for each lag
    (seed 2 = the training script's test sets)."""
    return np.array([accuracy(model, *recall_batch(n, lag, generator=torch.Generator().manual_seed(seed)))
                     for lag in lags])


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Share of sequences whose first symbol the model answers correctly."""
    with torch.no_grad():
        return float((model(x).argmax(1) == y).float().mean())


def train_recall(lag: int, rho: float = 1.0, memory_bias: float = 3.0, nonlinearity: str = "tanh",
                 clip: bool = True, seed: int = 0, steps: int = TRAIN_STEPS, n_frames: int = 21,
                 on_progress: Callable[[float, replay.Recording], None] | None = None) -> replay.Recording:
    """Train `fresh_models` side by side on delayed recall at one `lag` (Adam, lr 1e-2, batch 32,
    fresh sequences every step from seed + 1; gradient norm clipped at 1 when `clip`). Every frame
    keeps each model's gradient curve on `probe(lag, seed)` and its accuracy on 512 validation
    sequences (seed + 2); a model that answers all of them stops training, and the run stops when all
    three do. At the end each model is measured once on 1,000 test sequences (seed + 3):
    `meta["test_accuracy"]`. `on_progress(fraction, partial)` gets the recording so far: once right
    after the first frame (before any training step), then after every frame."""
    models = fresh_models(rho, memory_bias, nonlinearity, seed)
    optims = {cell: torch.optim.Adam(m.parameters(), lr=1e-2) for cell, m in models.items()}
    gen = torch.Generator().manual_seed(seed + 1)
    x_val, y_val = recall_batch(512, lag, generator=torch.Generator().manual_seed(seed + 2))
    x_probe = probe(lag, seed)[0]
    solved: set[str] = set()

    def step(i: int) -> dict[str, float]:
        at_step[0] = i
        x, y = recall_batch(32, lag, generator=gen)
        losses = {}
        for cell, model in models.items():
            if cell in solved:
                with torch.no_grad():
                    losses[f"{cell}_loss"] = F.cross_entropy(model(x), y).item()
                continue
            loss = F.cross_entropy(model(x), y)
            losses[f"{cell}_loss"] = loss.item()
            if not math.isfinite(losses[f"{cell}_loss"]):  # diverged (no clipping): leave it as it is
                continue
            optims[cell].zero_grad()
            loss.backward()
            if clip:
                nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optims[cell].step()
        return losses

    meta = {"lag": lag, "rho": rho, "memory_bias": memory_bias, "clip": clip, "nonlinearity": nonlinearity,
            "seed": seed, "chance": 1 / 8}
    start, taken, at_step = time.perf_counter(), [], [0]  # the snapshots so far and their steps

    def partial() -> replay.Recording:
        frames = {k: np.stack([s[k] for s in taken]) for k in taken[0] if k != "step"}
        return replay.Recording(np.array([s["step"] for s in taken]), frames, {}, time.perf_counter() - start,
                                False, dict(meta))

    def snapshot() -> dict[str, np.ndarray]:
        out = {f"{cell}_grad": g for cell, g in curves(models, x_probe).items()}
        for cell, model in models.items():
            out[f"{cell}_acc"] = np.array(accuracy(model, x_val, y_val))
            if out[f"{cell}_acc"] == 1.0:
                solved.add(cell)
        taken.append(out | {"step": at_step[0]})
        if len(taken) == 1 and on_progress is not None:  # the first frame at once, before any training
            try:
                on_progress(0.0, partial())
            except Exception as err:  # a Stop this early: `record` meets it again at the next frame
                if type(err).__name__ != "Stopped":
                    raise
        return out

    def progress(fraction: float) -> None:  # `record` calls it after each frame
        on_progress(fraction, partial())

    rec = replay.record(step, snapshot, steps, n_frames, progress if on_progress else None,
                        stop_when=lambda i, m: len(solved) == 3, meta=meta)
    x_test, y_test = recall_batch(1000, lag, generator=torch.Generator().manual_seed(seed + 3))
    rec.meta["test_accuracy"] = {cell: accuracy(m, x_test, y_test) for cell, m in models.items()}
    return rec


# ---------------------------------------------------------------- the committed default run
def recording_to_json(rec: replay.Recording) -> dict:
    """`rec` as JSON-able data, exactly: every array of a recall recording holds float32 values (or
    integers), written as the shortest decimals that read back to the same float32."""
    def array(a: np.ndarray) -> dict:
        a = np.asarray(a)
        if a.dtype.kind in "iub":
            return {"dtype": str(a.dtype), "shape": list(a.shape), "values": a.ravel().tolist()}
        single = a.astype(np.float32)
        if not np.array_equal(single.astype(a.dtype), a, equal_nan=True):
            raise ValueError("not float32 values: they would not read back exactly")
        return {"dtype": str(a.dtype), "shape": list(a.shape), "values": [float(str(v)) for v in single.ravel()]}
    return {"steps": array(rec.steps), "frames": {k: array(v) for k, v in rec.frames.items()},
            "curves": {k: array(v) for k, v in rec.curves.items()}, "seconds": round(rec.seconds, 1),
            "stopped": rec.stopped, "meta": rec.meta}


def recording_from_json(data: dict) -> replay.Recording:
    """The recording `recording_to_json` wrote, with its arrays' dtypes and shapes."""
    def array(d: dict) -> np.ndarray:
        kind = np.dtype(d["dtype"])
        read = np.array(d["values"], dtype=kind if kind.kind in "iub" else np.float32)
        return read.astype(kind).reshape(d["shape"])
    return replay.Recording(array(data["steps"]), {k: array(v) for k, v in data["frames"].items()},
                            {k: array(v) for k, v in data["curves"].items()}, data["seconds"], data["stopped"],
                            dict(data["meta"]))


PRECOMPUTE_COMMAND = "python -m train.precompute_recurrent"  # what writes the committed run (models/results/recurrent.json)


def committed_training(lag: int, rho: float, memory_bias: float, nonlinearity: str, clip: bool, seed: int
                       ) -> replay.Recording | None:
    """`train_recall(lag, rho, memory_bias, nonlinearity, clip, seed)` as committed in
    models/results/recurrent.json by `python -m train.precompute_recurrent` (the page's default
    settings), or None: train it live. `meta["command"]` names the script that made it."""
    found = precomputed.lookup(train_recall, (lag, rho, memory_bias, nonlinearity, clip, seed))
    if found is None:
        return None
    rec = recording_from_json(found[0])
    rec.meta["command"] = found[1]
    return rec


# ---------------------------------------------------------------- the committed models (trained on lags 1-60)
def trained_view(models: dict[str, RecallNet], lag: int, seed: int = 0
                 ) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """The hero's right chart: the trained `models`' gradient `curves` on `probe(lag, seed)`, and
    their accuracy on 500 sequences at `lag` (seed + 3)."""
    accs = {cell: accuracy_by_lag(model, (lag,), 500, seed + 3)[0] for cell, model in models.items()}
    return curves(models, probe(lag, seed)[0]), accs


def mixed_lag_accuracy(models: dict[str, RecallNet], on_progress: Callable[[float], None] | None = None
                       ) -> dict[str, np.ndarray]:
    """Each committed model's accuracy at every `TEST_LAGS` lag (the dashed lines; their cards hold
    the same numbers); `on_progress(fraction)` after each model."""
    out = {}
    for i, (cell, model) in enumerate(models.items(), start=1):
        out[cell] = accuracy_by_lag(model, TEST_LAGS)
        if on_progress is not None:
            on_progress(i / len(models))
    return out


def committed_lag_accuracy(on_progress: Callable[[float], None] | None = None) -> dict[str, list[float]]:
    """`mixed_lag_accuracy` of the registered recall models (recall_rnn, recall_lstm, recall_gru) as
    plain lists: committed in models/results/recurrent.json by `python -m train.precompute_recurrent`
    with their weights' sha256, so the "Accuracy vs lag" tab opens at once."""
    from models import load_pretrained

    models = {cell: load_pretrained(f"recall_{cell}") for cell in CELL_NAMES}
    return {cell: acc.tolist() for cell, acc in mixed_lag_accuracy(models, on_progress).items()}


def fixed_lag_accuracy(cards: dict[str, dict]) -> dict[str, dict[int, float]]:
    """The fixed-lag sweep (the solid lines) from the models' cards: cell -> {lag: test accuracy}."""
    return {cell: {int(lag): acc for lag, acc in card["metrics"]["fixed_lag_test_accuracy"].items()}
            for cell, card in cards.items()}


# ---------------------------------------------------------------- figures
def training_figure(rec: replay.Recording, height: int = 560) -> go.Figure:
    """The live training as a client-side player: gradient through time (top, log) and validation
    accuracy (bottom) of the three cells, frame by frame."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=2, cols=1, vertical_spacing=0.14)
    steps = rec.steps.tolist()
    for cell in CELL_NAMES:
        y = rec.frames[f"{cell}_grad"][0]
        fig.add_trace(go.Scatter(x=np.arange(len(y)), y=y, name=CELL_NAMES[cell], mode="lines",
                                 line=dict(color=COLOURS[cell], width=3)), 1, 1)
    for cell in CELL_NAMES:
        fig.add_trace(go.Scatter(x=steps[:1], y=rec.frames[f"{cell}_acc"][:1], mode="lines+markers",
                                 line=dict(color=COLOURS[cell], width=3), showlegend=False), 2, 1)
    fig.add_hline(y=rec.meta["chance"], line_dash="dot", line_color="gray", row=2, col=1,
                  annotation_text="chance", annotation_position="bottom right")
    log_axis(fig, np.concatenate([rec.frames[f"{c}_grad"].ravel() for c in CELL_NAMES]), row=1, col=1)
    fig.update_xaxes(title="steps back, k = T − t", row=1, col=1)
    fig.update_yaxes(domain=[0.16, 0.42], row=2, col=1)  # room for the step axis above the player
    fig.update_yaxes(title="accuracy", range=[0, 1.05], tickformat=".0%", row=2, col=1)
    fig.update_xaxes(title="training step", range=[0, max(steps[-1], 1)], row=2, col=1)
    frames = []
    for f in range(rec.n_frames):
        upd = {i: {"y": rec.frames[f"{c}_grad"][f]} for i, c in enumerate(CELL_NAMES)}
        upd |= {3 + i: {"x": steps[:f + 1], "y": rec.frames[f"{c}_acc"][:f + 1]} for i, c in enumerate(CELL_NAMES)}
        frames.append(upd)
    fig.update_yaxes(domain=[0.56, 1.0], row=1, col=1)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=1.08))
    return replay.animate(fig, frames, steps)


def lag_figure(fixed: dict[str, dict[int, float]], mixed_lags: tuple[int, ...],
               mixed: dict[str, np.ndarray | list[float]], height: int = 380) -> go.Figure:
    """Accuracy against lag: solid, one training per lag (the fixed-lag sweep); dashed, the committed
    models trained on every lag from 1 to 60."""
    fig = go.Figure()
    for cell, acc in fixed.items():
        lags = sorted(acc)
        fig.add_trace(go.Scatter(x=lags, y=[acc[k] for k in lags], name=f"{CELL_NAMES[cell]}, one lag",
                                 mode="lines+markers", line=dict(color=COLOURS[cell], width=3)))
    for cell, acc in mixed.items():
        fig.add_trace(go.Scatter(x=list(mixed_lags), y=acc, name=f"{CELL_NAMES[cell]}, lags 1–60",
                                 mode="lines+markers", line=dict(color=COLOURS[cell], width=2, dash="dash"),
                                 marker=dict(symbol="circle-open")))
    fig.add_hline(y=0.125, line_dash="dot", line_color="gray", annotation_text="chance")
    fig.update_xaxes(title="lag (distractors between symbol and question)")
    fig.update_yaxes(title="test accuracy", range=[0, 1.05], tickformat=".0%")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), legend=dict(orientation="h", y=-0.2))
    return fig


# ---------------------------------------------------------------- captions
def training_caption(rec: replay.Recording, committed: bool = False) -> str:
    """The run's end in one sentence: each cell's last validation accuracy and the step it first
    reached 99 %; how long it took, and whether it was computed now or is the `committed` run."""
    last = rec.frame(-1)
    parts = []
    for cell in CELL_NAMES:
        acc = rec.frames[f"{cell}_acc"]
        hit = np.flatnonzero(acc >= 0.99)
        when = f" (≥ 99 % from step {rec.steps[hit[0]]})" if len(hit) else ""
        parts.append(f"{CELL_NAMES[cell]} {float(last[f'{cell}_acc']):.0%}{when}")
    note = " Stopped early: a partial run." if rec.stopped else ""
    return (f"After {rec.steps[-1]} steps at lag {rec.meta['lag']}: " + ", ".join(parts)
            + " on 512 validation sequences (chance 12.5%). "
            + (f"Precomputed (the training took {rec.seconds:.0f} s)" if committed
               else f"Computed in {rec.seconds:.0f} s")
            + "; press play to replay it from initialisation." + note)


def training_progress_caption(partial: replay.Recording, steps: int = TRAIN_STEPS) -> str:
    """While training: the step reached and each cell's validation accuracy there."""
    last = partial.frame(-1)
    accs = ", ".join(f"{CELL_NAMES[c]} {float(last[f'{c}_acc']):.0%}" for c in CELL_NAMES)
    return (f"Training at lag {partial.meta['lag']}: step {partial.steps[-1]} of at most {steps}, {accs} on 512 "
            "validation sequences (chance 12.5%). The chart follows the run; it becomes a replay when it ends.")


def lag_caption(fixed: dict[str, dict[int, float]], mixed_lags: tuple[int, ...],
                mixed: dict[str, np.ndarray | list[float]]) -> str:
    """What the accuracy-vs-lag chart shows, per cell: how far training on one lag got (≥ 90 %),
    and the mixed-lag model's range."""
    def reach(acc: dict[int, float]) -> str:
        lags = sorted(acc)
        good = [lag for lag in lags if acc[lag] >= 0.9]
        first_bad = next((lag for lag in lags if acc[lag] < 0.9), None)
        if first_bad is None:
            return f"≥ 90 % at every lag to {lags[-1]}"
        return (f"≥ 90 % up to lag {max(lag for lag in good if lag < first_bad)}, {acc[first_bad]:.0%} at {first_bad}"
                if good and good[0] < first_bad else f"{acc[first_bad]:.0%} already at lag {first_bad}")
    one = "; ".join(f"{CELL_NAMES[c]} {reach(a)}" for c, a in fixed.items())
    all_lags = ", ".join(f"{CELL_NAMES[c]} {min(a):.0%}–{max(a):.0%}" for c, a in mixed.items())
    return (f"Trained on one lag (solid): {one}. Trained on all lags 1–60 at once (dashed, lags "
            f"{mixed_lags[0]}–{mixed_lags[-1]}): {all_lags}. Chance is 12.5%.")


def gradient_trained_caption(curves: dict[str, np.ndarray], accs: dict[str, float], lag: int) -> str:
    """The hero's right chart in one sentence: the gradient reaching the symbol k = lag + 1 steps
    back after training, and how often each trained model answers at this lag."""
    k = lag + 1  # steps back from the answer to the remembered symbol
    return (f"Trained: the symbol {k} steps back receives {curves['rnn'][k]:.1e} (RNN), {curves['lstm'][k]:.1e} "
            f"(LSTM), {curves['gru'][k]:.1e} (GRU); they answer {accs['rnn']:.0%}, {accs['lstm']:.0%} and "
            f"{accs['gru']:.0%} of 500 sequences at lag {lag} (chance 12.5%).")
