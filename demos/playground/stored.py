"""Recordings committed beside the code: the runs a first visit shows (the default network, and the
default "With vs without" pair) are trained once by `python -m train.precompute_playground` and stored in
`models/results/playground.json`, so the page opens without training (~0.9 s of one core each). Any
other configuration is trained live. A test retrains every stored run and compares.
"""
from __future__ import annotations

import base64
import json
import math
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import torch

from demos.playground.network import Config
from demos.replay import Recording

STORE = Path(__file__).resolve().parents[2] / "models" / "results" / "playground.json"  # beside the other pages'
# (demos.precomputed's folder; not imported from there, which would import pandas)
COMMAND = "python -m train.precompute_playground"
NOTE = (f"This default run was trained by `{COMMAND}` (same code, same seed: the tests retrain it and "
        "compare) and is replayed at once; change any setting to train live here.")


def _array(a: np.ndarray | torch.Tensor) -> dict:
    a = a.numpy() if isinstance(a, torch.Tensor) else np.asarray(a)
    raw = zlib.compress(np.ascontiguousarray(a).tobytes(), 9)
    return {"dtype": a.dtype.str, "shape": list(a.shape), "zlib": base64.b64encode(raw).decode()}


def _unarray(d: dict) -> np.ndarray:
    return np.frombuffer(zlib.decompress(base64.b64decode(d["zlib"])), d["dtype"]).reshape(d["shape"]).copy()


def encode(rec: Recording) -> dict[str, Any]:
    """A recording as JSON-able data: arrays (and the weights in meta["state"]) exact, zlib + base64."""
    meta = dict(rec.meta, state={k: _array(v) for k, v in rec.meta["state"].items()})
    meta["best_val_loss"] = float(meta["best_val_loss"]) if math.isfinite(meta["best_val_loss"]) else None
    return {"steps": _array(rec.steps), "frames": {k: _array(v) for k, v in rec.frames.items()},
            "curves": {k: _array(v) for k, v in rec.curves.items()}, "seconds": rec.seconds,
            "stopped": rec.stopped, "meta": meta}


def decode(d: dict[str, Any]) -> Recording:
    meta = dict(d["meta"], state={k: torch.from_numpy(_unarray(v)) for k, v in d["meta"]["state"].items()})
    meta["best_val_loss"] = math.inf if meta["best_val_loss"] is None else meta["best_val_loss"]
    return Recording(_unarray(d["steps"]), {k: _unarray(v) for k, v in d["frames"].items()},
                     {k: _unarray(v) for k, v in d["curves"].items()}, d["seconds"], d["stopped"], meta)


@lru_cache(maxsize=1)
def _store() -> dict[str, Any]:
    return json.loads(STORE.read_text()) if STORE.is_file() else {"runs": []}


def stored_config(fields: dict[str, Any]) -> Config:
    return Config(**fields | {"features": tuple(fields["features"])})


def lookup(config: Config) -> Recording | None:
    """The committed recording of `config` (trained on `training.load_data(config)`), or None. Configs
    compare as values (λ 0 == 0.0), as the page's widgets give them."""
    found = [e["recording"] for e in _store().get("runs", []) if stored_config(e["config"]) == config]
    return decode(found[0]) if found else None
