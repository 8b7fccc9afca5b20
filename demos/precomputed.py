"""Results committed beside the weights: experiments whose answer depends only on committed models and
a small grid of settings (the adversarial sweeps, the seq2seq accuracy) are computed once by
`python -m train.precompute` and stored in `models/results/<slug>.json`, one file per page, so their
tabs open at once. The file is the page's (`store_name`), not a module's: moving a function between
the modules of a page's package keeps its results; renaming the function does not (a test checks that
every stored entry is still found).

A stored result is used only while the weights it was computed with are the ones on disk (their sha256
is recorded with it); otherwise the page computes it live. Tests recompute a sample and compare.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Callable

import pandas as pd

RESULTS_DIR = Path(__file__).resolve().parent.parent / "models" / "results"


def entry_key(fn: Callable, args: tuple) -> str:
    """How a call is named in the store: 'robustness_experiment(200)'."""
    return f"{fn.__name__}({', '.join(repr(a) for a in args)})"


def encode(value: Any) -> Any:
    """DataFrames (also inside dicts and lists) -> JSON-able data; everything else unchanged."""
    if isinstance(value, pd.DataFrame):
        return {"__frame__": value.to_dict(orient="split")}
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return value


def decode(value: Any) -> Any:
    if isinstance(value, dict) and "__frame__" in value:
        f = value["__frame__"]
        return pd.DataFrame(f["data"], index=f["index"], columns=f["columns"])
    if isinstance(value, dict):
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def store_name(fn: Callable) -> str:
    """The page a function belongs to, which names its results file: `demos.<slug>.<module>.fn` and
    `demos.<slug>.fn` -> '<slug>'."""
    parts = fn.__module__.split(".")
    if len(parts) < 2 or parts[0] != "demos":
        raise ValueError(f"{fn.__module__}.{fn.__name__} is not a page's demo function")
    return parts[1]


@functools.lru_cache(maxsize=None)
def _store(name: str) -> dict:
    path = RESULTS_DIR / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else {"weights": {}, "entries": {}}


def _weights_unchanged(store: dict) -> bool:
    from models.registry import weights_digest

    return all(weights_digest(name) == sha for name, sha in store.get("weights", {}).items())


def weights_of(fn: Callable) -> tuple[str, ...]:
    """The committed weights whose sha256 the stored results of `fn`'s page were computed with (none
    for runs that train their own seeded models)."""
    return tuple(_store(store_name(fn)).get("weights", {}))


def lookup(fn: Callable, args: tuple) -> tuple[Any, str] | None:
    """(stored result, the command that made it) for `fn(*args)`, or None when the grid does not
    hold it or the weights changed since."""
    store = _store(store_name(fn))
    key = entry_key(fn, args)
    if key not in store["entries"] or not _weights_unchanged(store):
        return None
    return decode(store["entries"][key]), store.get("command", "python -m train.precompute")
