"""The graph-networks page's lesson answers (`## Lesson` in pages/19_graph_networks.md, format:
ui/lesson_data.py): each takes a beat's URL parameters (strings; missing ones take the page's
defaults) and computes the right choice by training what the view shows."""
from __future__ import annotations

from typing import Mapping

from demos import replay
from demos.graph_networks import hero, node_classification

DEFAULTS = {"features": "one-hot", "epochs": 200, "lr": 0.01, "seed": 0}


def view(params: Mapping[str, str]) -> replay.Recording:
    """The recorded GCN run (with its baselines) a view shows."""
    p = {k: params.get(k, v) for k, v in DEFAULTS.items()}
    return node_classification.record(str(p["features"]), int(p["epochs"]), float(p["lr"]), int(p["seed"]))


def _compare(a: float, b: float, names: tuple[str, str]) -> str:
    return names[0] if a > b else names[1] if b > a else "Equal"


def gcn_vs_mlp(params: Mapping[str, str]) -> str:
    """Who puts more unlabelled members in their true faction: the GCN or the MLP ("Equal" on a tie)."""
    rec = view(params)
    return _compare(hero.unlabelled_accuracy(rec.frame(-1)["pred"], rec), rec.meta["mlp_accuracy"], ("GCN", "MLP"))


def gcn_vs_propagation(params: Mapping[str, str]) -> str:
    """The GCN against label propagation, on the unlabelled members."""
    rec = view(params)
    return _compare(hero.unlabelled_accuracy(rec.frame(-1)["pred"], rec), rec.meta["lp_accuracy"],
                    ("GCN", "Label propagation"))
