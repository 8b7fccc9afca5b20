"""Committed runs: the hero's presets (its default is "Healthy"), the default's neighbours (every target
with either sigmoid loss) and the Saturation tab's default,
trained once by `python -m train.precompute_generative` and stored as
models/results/generative_<name>.npz, so the page opens them at once; any other setting trains live.

A stored hero recording is the training's own, bit for bit, except D's plane, which is kept as the 256
levels the replay draws (`gan_2d.plane_levels`: the heatmap shows exactly these). Each file carries
the arguments it was trained with, and is used only for exactly those.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import plotly.graph_objects as go

from demos.generative.gan_2d import DEFAULTS, HERO_HEIGHT, PRESETS, gan_2d_figure, plane_levels
from demos.generative.targets import TARGETS
from demos.precomputed import RESULTS_DIR
from demos.replay import Recording

COMMAND = "python -m train.precompute_generative"
SEED = 0  # the seed of every committed run (the page's default)


def preset_args(values: Mapping[str, Any], seed: int = SEED) -> tuple:
    """`train_gan_2d`'s positional arguments under a preset's control values, as the page passes them."""
    return (values["target"], values["loss"], float(values["lr_g"]), float(values["lr_d"]), values["d_steps"],
            values["latent"], values["width"], values["iters"], seed)


def file_name(preset: str) -> str:
    """'Cure: D keeps up' -> 'generative_cure_d_keeps_up.npz'"""
    return f"generative_{re.sub(r'[^a-z0-9]+', '_', preset.lower()).strip('_')}.npz"


RUNS = {file_name(name): preset_args(values) for name, values in PRESETS.items()}  # file -> train_gan_2d args
# The default's neighbours along the hero's first two controls: every target with either sigmoid loss
# (a critic's score has no levels to store, so WGAN-GP and hinge always train live), so that switching
# the target or the loss replays at once (~220 KB a file)
NEIGHBOURS = {f"generative_{target}_{loss}.npz": preset_args(DEFAULTS | {"target": target, "loss": loss})
              for target in TARGETS for loss in ("minimax", "nonsaturating")
              if (target, loss) != (DEFAULTS["target"], DEFAULTS["loss"])}
RUNS |= NEIGHBOURS
SATURATION = ("generative_saturation.npz", (DEFAULTS["target"], SEED))  # file, saturation_experiment args
# the Saturation tab follows the hero's target: every target's experiment is committed too (~8 KB each)
SATURATIONS = dict([SATURATION] + [(f"generative_saturation_{t}.npz", (t, SEED)) for t in TARGETS
                                   if t != DEFAULTS["target"]])


# ---------------------------------------------------------------- the hero's recordings
def save_recording(rec: Recording, args: tuple, path: Path, command: str = COMMAND, **info: Any) -> None:
    """Store `rec` (made by `train_gan_2d(*args)`) with its arguments, the command and `info`."""
    if rec.meta["loss"] == "wgan_gp" or rec.stopped:
        raise ValueError("only complete runs of the sigmoid losses are stored (D's plane as levels)")
    meta = {"args": list(args), "seconds": rec.seconds, "meta": rec.meta, "command": command} | info
    arrays = {f"frame_{k}": v for k, v in rec.frames.items() if k != "d"}
    arrays |= {f"curve_{k}": v for k, v in rec.curves.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, steps=rec.steps, frame_d=plane_levels(rec.frames["d"]), meta=np.array(json.dumps(meta)),
                        **arrays)


def load_recording(path: Path) -> tuple[Recording, tuple]:
    """(the stored recording, the arguments it was trained with); D's plane back as levels / 255."""
    with np.load(path, allow_pickle=False) as f:
        meta = json.loads(str(f["meta"]))
        frames = {k[6:]: f[k] for k in f.files if k.startswith("frame_")}
        curves = {k[6:]: f[k] for k in f.files if k.startswith("curve_")}
        steps = f["steps"]
    frames["d"] = frames["d"].astype(np.float32) / np.float32(255)
    rec = Recording(steps, frames, curves, meta["seconds"], False, meta["meta"] | {"command": meta["command"]})
    return rec, tuple(meta["args"])


def committed_run(*args: Any) -> Recording | None:
    """The stored recording of `train_gan_2d(*args)` (a preset at seed 0), or None: train it live."""
    name = next((n for n, a in RUNS.items() if a == args), None)
    if name is None or not (RESULTS_DIR / name).is_file():
        return None
    rec, stored_args = load_recording(RESULTS_DIR / name)
    return rec if stored_args == args else None


# ---------------------------------------------------------------- the Saturation tab's experiment
def save_saturation(result: dict, args: tuple, path: Path, command: str = COMMAND, **info: Any) -> None:
    """Store `saturation_experiment(*args)`'s curves as they are (float64: 10 KB)."""
    meta = {"args": list(args), "command": command} | info
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, meta=np.array(json.dumps(meta)),
                        **{f"{loss}/{k}": v for loss, curves in result.items() for k, v in curves.items()})


def load_saturation(path: Path) -> tuple[dict, tuple]:
    with np.load(path, allow_pickle=False) as f:
        result: dict[str, dict[str, np.ndarray]] = {}
        for k in f.files:
            if "/" in k:
                loss, name = k.split("/")
                result.setdefault(loss, {})[name] = f[k]
        return result, tuple(json.loads(str(f["meta"]))["args"])


def committed_saturation(target: str, seed: int) -> dict | None:
    """The stored `saturation_experiment(target, seed)` (any target, seed 0), or None."""
    name = next((n for n, a in SATURATIONS.items() if a == (target, seed)), None)
    if name is None or not (RESULTS_DIR / name).is_file():
        return None
    args = SATURATIONS[name]
    result, stored_args = load_saturation(RESULTS_DIR / name)
    return result if stored_args == args else None


def committed_replay(*args: Any) -> tuple[Recording, go.Figure] | None:
    """`committed_run(*args)` and its replay at the hero's height (what `train_and_draw` gives), or None."""
    rec = committed_run(*args)
    return None if rec is None else (rec, gan_2d_figure(rec, HERO_HEIGHT))
