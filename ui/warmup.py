"""Warm-up: once per server process, a background thread loads what the pages share (every registry
model a page names in the catalogue, the digits, the pages' demos packages) so that a visitor's first
view of a page finds them ready instead of loading them in that visitor's request.

Contract: `start()` is called at the end of every script run (home and pages: `ui.page`), after the
page has been drawn, so the first visitor never waits for it; only the first call starts the thread.
It fills the same shared caches a page reads (`ui.cache`), whose per-key locks make a visitor who asks
for a model while it is loading wait for that one load, never a second one. A model that fails to load
here is left for its page, which says why (`ui.cache.model`). `status()` says how far it got.
"""
from __future__ import annotations

import importlib
import os
import threading
import time

_LOCK = threading.Lock()
_STATUS: dict = {"started": None, "finished": None, "loaded": [], "failed": []}


def start() -> bool:
    """Start the warm-up thread unless it has started already (or GALLERY_WARMUP=0, as in the test
    processes, which load what each test needs); True when this call started it."""
    if os.environ.get("GALLERY_WARMUP", "1") == "0":
        return False
    with _LOCK:
        if _STATUS["started"] is not None:
            return False
        _STATUS["started"] = time.time()
    threading.Thread(target=_warm, name="gallery-warm-up", daemon=True).start()
    return True


def status() -> dict:
    """A copy of what the warm-up has done: start and finish times, names loaded and failed."""
    with _LOCK:
        return {k: list(v) if isinstance(v, list) else v for k, v in _STATUS.items()}


def plan() -> list[tuple[str, str]]:
    """What the warm-up does, in order: ("module", dotted name), ("data", "mnist"), ("torch",
    "optimiser"), ("model", registry name). The pages' demos packages are imported first, in one burst:
    Python imports a package from two threads safely except in rare circular cases, so the window in
    which a visitor's page imports beside the warm-up is kept as short as possible. Then the digits;
    then one throw-away optimiser step (a process's first `torch.optim` optimiser imports torch's
    compiler stack, 2.5–6.5 s on this machine, which would otherwise land on the first live training's
    first frame); then each page's models in catalogue order, a shared model once."""
    from ui.catalogue import PAGES

    steps: list[tuple[str, str]] = [("module", f"demos.{page.slug}") for page in PAGES] + [("data", "mnist"),
                                                                                                 ("torch", "optimiser")]
    for page in PAGES:
        steps += [("model", name) for name in page.models if ("model", name) not in steps]
    return steps


def first_optimiser_step() -> None:
    """One Adam step on a throw-away parameter: what a process's first optimiser pays, paid here."""
    import torch

    p = torch.nn.Parameter(torch.zeros(2))
    optimiser = torch.optim.Adam([p], lr=0.1)
    p.sum().backward()
    optimiser.step()


def _warm() -> None:
    from ui import cache

    for kind, name in plan():
        try:
            if kind == "data":
                cache.mnist()
            elif kind == "torch":
                first_optimiser_step()
            elif kind == "module":
                importlib.import_module(name)
            else:
                cache.load_shared(name)
            outcome = "loaded"
        except Exception:  # noqa: BLE001  (its page reports the problem to whoever opens it)
            outcome = "failed"
        with _LOCK:
            _STATUS[outcome].append(name)
    with _LOCK:
        _STATUS["finished"] = time.time()
