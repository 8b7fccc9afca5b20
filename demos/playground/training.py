"""Training, recorded (the `demos.replay` contract): the configured MLP is trained once per parameter set,
per epoch the train/validation loss and accuracy (both in evaluation mode), and `n_frames` snapshots of the
decision boundary on a 60 × 60 grid, every hidden neuron on a small tile (6-20 points a side, fewer for a
bigger network: `tile_side`) (digits: the first layer's weights as 28 × 28 images) and the weights; the
browser replays them. Snapshots are bytes sized for the browser: the whole player is sent to it. Early stopping restores the best
validation epoch. Everything random takes the seed: one torch.Generator per run, identical on every rerun.
"""
from __future__ import annotations

import contextlib
import math
import time
from dataclasses import replace
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from demos.playground.datasets import GRID, POINT_SETS, Data, digits_data, features, grid, point_data
from demos.playground.network import (OPTIMISERS, MLP, Config, InvertedDropout, build, flat_parameters,
                                      make_optimiser, penalty)
from demos.replay import Recording, record

NEURON_BYTES = 5000  # bytes one frame's hidden-neuron mosaic may take: tiles shrink as the network grows
TILE_SIDES = (6, 20)  # a neuron tile's smallest and largest side, in grid points
LEVELS = 100  # tiles are quantised to bytes 0-100 (50 = 0): a 1 % colour step, and bytes whose base64
# rarely holds "/", which the JSON sent to the browser escapes as 6 characters ("\u002f")
WEIGHT_SAMPLE = 5000  # the histogram follows at most this many weights (a fixed random sample)
GAP = LEVELS + 1  # mosaic value drawn transparent: the gaps between neuron tiles
MAX_STEPS = 30_000  # optimiser steps one recording may take (10× the default run): keeps a shared server responsive


def within_budget(config: Config, n_train: int) -> Config:
    """`config` with its epochs cut so that the run takes at most MAX_STEPS optimiser steps."""
    batch = n_train if config.batch_size <= 0 else min(max(config.batch_size, 2 if config.batch_norm else 1), n_train)
    per_epoch = math.ceil(n_train / batch)
    return replace(config, epochs=max(1, min(config.epochs, MAX_STEPS // per_epoch)))


def budget_note(asked: Config, allowed: Config) -> str | None:
    """The warning when `within_budget` cut the epochs (None when it did not)."""
    if allowed.epochs >= asked.epochs:
        return None
    return (f"{asked.epochs} epochs at batch size {asked.batch_size} would take more than {MAX_STEPS:,} steps; "
            f"training {allowed.epochs} epochs instead. A larger batch size allows more epochs.")


def load_data(config: Config) -> Data:
    """The data a configuration names (generated or the digits; an upload is passed in instead)."""
    if config.dataset == "digits":
        return digits_data(config.n_points, config.seed)
    if config.dataset in POINT_SETS:
        return point_data(config.dataset, config.n_points, config.noise, config.train_share, config.seed)
    raise ValueError(f"{config.dataset!r} needs its data passed in")


@contextlib.contextmanager
def one_thread():
    """Run this thread's torch ops on one thread, then restore the setting. A tiny network's ops
    are too small to split, and OpenMP's spinning helper threads made a recording 10-30× slower on
    a busy 2-core host (measured). Torch keeps this setting per thread, so other sessions'
    computations are not affected."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def data_loss(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy on the one logit (2-D), cross-entropy over ten (digits)."""
    if logits.shape[1] == 1:
        return F.binary_cross_entropy_with_logits(logits[:, 0], y)
    return F.cross_entropy(logits, y)


def accuracy(logits: torch.Tensor, y: torch.Tensor) -> float:
    guess = (logits[:, 0] > 0).float() if logits.shape[1] == 1 else logits.argmax(1)
    return (guess == y).float().mean().item()


def train(config: Config, data: Data | None = None,
          on_progress: Callable[[float], None] | None = None) -> Recording:
    """Train the configured network and record it: per epoch the train and validation loss and
    accuracy (both measured in evaluation mode), and `n_frames` snapshots of the decision
    boundary on a 60 × 60 grid, every hidden neuron on small tiles (or, for digits, the first
    layer's weights as 28 × 28 images) and the weights. With early stopping the best validation
    epoch's weights are restored and shown as one more frame. Deterministic under `config.seed`."""
    with one_thread():
        return _train(config, data, on_progress)


def _train(config: Config, data: Data | None, on_progress: Callable[[float], None] | None) -> Recording:
    start = time.perf_counter()
    data = load_data(config) if data is None else data
    g = torch.Generator().manual_seed(config.seed)
    model = build(config, data)
    for m in model.modules():
        if isinstance(m, InvertedDropout):
            m.generator = g
    weights, others = flat_parameters(model)
    opt = make_optimiser(config.optimiser, weights, others, config.lr, config.l2)
    l2_in_loss = 0.0 if config.optimiser == "adamw" else config.l2
    prep = (lambda x: x) if data.digits else (lambda x: features(x, config.features, data.lo, data.hi))
    xt, yt, xv, yv = prep(data.x_train), data.y_train, prep(data.x_val), data.y_val
    n = len(yt)
    batch = n if config.batch_size <= 0 else min(config.batch_size, n)
    if config.batch_norm:
        batch = max(batch, 2)  # batch statistics need two examples
    snapshot = _snapshot_digits(model) if data.digits else _snapshot_points(model, config, data)
    sample = _weight_sample(weights.numel(), config.seed)
    best = {"epoch": 0, "loss": math.inf, "state": None}

    def step(epoch: int) -> dict[str, float]:
        model.train()
        for idx in torch.randperm(n, generator=g).split(batch):
            if len(idx) == 1 and config.batch_norm:
                continue  # a last batch of one cannot be normalised
            logits, _ = model(xt[idx])
            objective = data_loss(logits, yt[idx]) + penalty(weights, config.l1, l2_in_loss)
            weights.grad.zero_()
            others.grad.zero_()
            objective.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            lt, lv = model(xt)[0], model(xv)[0]
            m = {"train_loss": data_loss(lt, yt).item(), "val_loss": data_loss(lv, yv).item(),
                 "train_acc": accuracy(lt, yt), "val_acc": accuracy(lv, yv)}
        if not (math.isfinite(m["train_loss"]) and math.isfinite(m["val_loss"])):
            best["diverged"] = best.get("diverged") or epoch
        elif m["val_loss"] < best["loss"] - 1e-7:
            best.update(epoch=epoch, loss=m["val_loss"],
                        state={k: v.clone() for k, v in model.state_dict().items()} if config.patience else None)
        return m

    def early_stop(epoch: int, m: dict[str, float]) -> bool:
        return bool(best.get("diverged")) or (config.patience > 0 and epoch - best["epoch"] >= config.patience)

    def shot() -> dict[str, np.ndarray]:
        return snapshot() | {"weights": weights.detach().numpy()[sample].copy()}

    rec = record(step, shot, config.epochs, config.n_frames, on_progress, early_stop)
    diverged = best.get("diverged")  # the loss became inf/NaN (learning rate too high): the run ends there
    meta = {"best_epoch": best["epoch"], "best_val_loss": best["loss"], "restored": False,
            "early_stopped": bool(config.patience) and not diverged and not rec.stopped and int(rec.steps[-1]) < config.epochs,
            "diverged": diverged, "batch": batch, "n_train": n, "n_val": len(yv),
            "n_weights": weights.numel(), "n_params": weights.numel() + others.numel(),
            "weights_sampled": len(sample) < weights.numel(), "tile": tile_side(config.layers * config.width) + 1}
    if config.patience and best["state"] is not None and best["epoch"] != int(rec.steps[-1]):
        model.load_state_dict(best["state"])  # early stopping restores the best validation epoch
        extra = shot()
        frames = {k: np.concatenate([v, extra[k][None]]) for k, v in rec.frames.items()}
        rec = replace(rec, steps=np.r_[rec.steps, best["epoch"]], frames=frames)
        meta["restored"] = True
    model.eval()
    with torch.no_grad():
        lt, lv = model(xt)[0], model(xv)[0]
        meta |= {"final": {"train_loss": data_loss(lt, yt).item(), "val_loss": data_loss(lv, yv).item(),
                           "train_acc": accuracy(lt, yt), "val_acc": accuracy(lv, yv)}}
        if data.x_test is not None:  # the held-out digits: looked at once, after all choices were made
            meta["test_acc"] = accuracy(model(data.x_test)[0], data.y_test)
    meta["state"] = {k: v.detach().clone() for k, v in model.state_dict().items()}
    if not data.digits:  # how far from affine the trained network is (for the page's caption)
        meta["linear_residual"] = linear_residual(config, meta["state"], data)
    return replace(rec, seconds=time.perf_counter() - start, meta=meta)


def _weight_sample(total: int, seed: int) -> np.ndarray:
    if total <= WEIGHT_SAMPLE:
        return np.arange(total)
    return np.sort(np.random.default_rng(seed).choice(total, WEIGHT_SAMPLE, replace=False))


def tile_side(n_neurons: int) -> int:
    """The side of each hidden neuron's tile: the largest with every tile (+ its gap) within NEURON_BYTES,
    between TILE_SIDES (20 for up to 11 neurons, 13 for the default 24, 6 for 96)."""
    fits = math.isqrt(NEURON_BYTES // max(n_neurons, 1)) - 1
    return min(max(fits, TILE_SIDES[0]), TILE_SIDES[1])


def _quantise(tiles: torch.Tensor) -> np.ndarray:
    """Tiles (..., h, w) scaled by their own largest |value| to [-1, 1], as bytes 0-LEVELS (LEVELS/2 = 0)."""
    scale = tiles.abs().flatten(-2).amax(-1).clamp_min(1e-6)[..., None, None]
    return ((tiles / scale + 1) * (LEVELS / 2)).round().to(torch.uint8).numpy()


def mosaic(tiles: np.ndarray) -> np.ndarray:
    """(columns, rows, h, w) bytes -> one (rows·(h+1), columns·(w+1)) image with GAP between tiles."""
    cols, rows, h, w = tiles.shape
    out = np.full((rows * (h + 1), cols * (w + 1)), GAP, dtype=np.uint8)
    for c in range(cols):
        for r in range(rows):
            out[r * (h + 1):r * (h + 1) + h, c * (w + 1):c * (w + 1) + w] = tiles[c, r]
    return out


def _snapshot_points(model: MLP, config: Config, data: Data) -> Callable[[], dict[str, np.ndarray]]:
    """Boundary P(class 1) in % on the grid (uint8) and every hidden neuron's output on side × side tiles
    (`tile_side`), sampled on evenly spaced grid rows and columns."""
    _, _, points = grid(data.lo, data.hi)
    inputs = features(points, config.features, data.lo, data.hi)
    sub = tile_side(config.layers * config.width)
    at = torch.linspace(0, GRID - 1, sub).round().long()

    def snap() -> dict[str, np.ndarray]:
        was = model.training
        model.eval()
        with torch.no_grad():
            logits, hiddens = model(inputs)
        model.train(was)
        p = (torch.sigmoid(logits[:, 0]) * 100).round().to(torch.uint8).view(GRID, GRID).numpy()
        if not hiddens:
            return {"p": p, "neurons": np.zeros((0, 0), np.uint8)}
        maps = torch.stack(hiddens).view(len(hiddens), GRID, GRID, -1)[:, at][:, :, at]  # (L, sub, sub, W)
        return {"p": p, "neurons": mosaic(_quantise(maps.permute(0, 3, 1, 2).reshape(len(hiddens), -1, sub, sub)))}
    return snap


def _snapshot_digits(model: MLP, shown: int = 16) -> Callable[[], dict[str, np.ndarray]]:
    """The first layer's weights of up to 16 neurons as 28 × 28 images (4 per row)."""
    first = model.hidden[0].linear if len(model.hidden) else model.out

    def snap() -> dict[str, np.ndarray]:
        w = first.weight.detach()[:shown].view(-1, 28, 28)
        k = len(w)
        cols = 4 if k > 4 else k
        rows = math.ceil(k / cols)
        tiles = np.full((rows * cols, 28, 28), LEVELS // 2, np.uint8)
        tiles[:k] = _quantise(w)
        return {"templates": mosaic(tiles.reshape(rows, cols, 28, 28).transpose(1, 0, 2, 3))}
    return snap


def linear_residual(config: Config, state: dict[str, torch.Tensor], data: Data) -> float:
    """How far the trained network's logit over the plotting grid is from an affine function of
    its input features: the largest residual of a least-squares fit z ≈ a·features + c, as a share
    of the logit's range (≈ 1e-7 when every layer is linear: the layers multiply out to one)."""
    model = build(config, data)
    model.load_state_dict(state)
    model.eval()
    inputs = features(grid(data.lo, data.hi)[2], config.features, data.lo, data.hi).double()
    with torch.no_grad(), one_thread():
        z = model.double()(inputs)[0][:, 0]
    design = torch.cat([inputs, torch.ones(len(inputs), 1, dtype=torch.double)], 1)
    coef = torch.linalg.lstsq(design, z[:, None]).solution
    spread = float(z.max() - z.min()) or 1.0
    return float((design @ coef - z[:, None]).abs().max()) / spread


def diverged_note(rec: Recording, config: Config) -> str | None:
    """The warning when the loss became infinite (None when it did not)."""
    if not rec.meta["diverged"]:
        return None
    return (f"The loss became infinite at epoch {rec.meta['diverged']}: the learning rate is too high "
            f"for {OPTIMISERS[config.optimiser]}. Lower it.")
