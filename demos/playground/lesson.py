"""The playground page's lesson answers (`## Lesson` in pages/06_playground.md, format: ui/lesson_data.py):
a beat's URL parameters (missing ones take the page's defaults, as pages/06_playground.py reads them)
-> the perceptron's run, or the committed training run the page replays (models/results/playground.json)."""
from __future__ import annotations

from typing import Mapping

from demos.playground import perceptron, stored

NETWORK_DEFAULTS = {"data": "circle", "layers": "3", "width": "8", "act": "tanh", "l2": "0"}


def committed_run(params: Mapping[str, str]) -> dict:
    """The final metrics of the committed run of a network view that differs from the default only in
    the keys of NETWORK_DEFAULTS (the views whose runs are committed); ValueError for any other."""
    p = NETWORK_DEFAULTS | dict(params)
    extra = set(params) - set(NETWORK_DEFAULTS)
    if extra:
        raise ValueError(f"no committed run for a view that sets {sorted(extra)}")
    for entry in stored._store()["runs"]:
        c = entry["config"]
        if (c["dataset"], str(c["layers"]), str(c["width"]), c["activation"]) == (p["data"], p["layers"], p["width"],
                                                                               p["act"]) \
                and float(c["l2"]) == float(p["l2"]):
            return stored.decode(entry["recording"]).meta["final"]
    raise ValueError(f"no committed run for {p}")


def over_90(params: Mapping[str, str]) -> str:
    """"Yes" when the run's validation accuracy is over 90%."""
    return "Yes" if committed_run(params)["val_acc"] > 0.9 else "No"


def l2_versus_none(params: Mapping[str, str]) -> str:
    """How the view's validation accuracy compares with the same run without L2: Higher, Lower or The same."""
    with_l2, without = committed_run(params)["val_acc"], committed_run({**params, "l2": "0"})["val_acc"]
    return "Higher" if with_l2 > without else "Lower" if with_l2 < without else "The same"


def perceptron_converges(params: Mapping[str, str]) -> str:
    """"Yes" when the perceptron rule stops with every example right, "No" when it cycles."""
    x, y, _ = perceptron.perceptron_data(params.get("pdata", "blobs"), int(params.get("seed", "0")))
    return "Yes" if perceptron.perceptron(x, y, float(params.get("eta", "1.0"))).converged_epoch else "No"
