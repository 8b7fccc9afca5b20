"""Which layers to retrain: fine-tune from five frozen depths, from nothing frozen to the head only.
Early layers learn generic strokes and edges that transfer, the last ones specialise (Yosinski et al.
2014); how much to unfreeze is a trade between the new task and what the old head keeps.
"""
from __future__ import annotations

import copy
import time
from typing import Sequence

import numpy as np
import pandas as pd
import torch

from demos.transfer_learning.fine_tune import STEPS, fine_tune, old_task_accuracy
from demos.transfer_learning.sweep import grouped_bars
from demos.transfer_learning.task import Progress, accuracy, logits_of, new_task, shots
from models.transfer_cnn import N_FEATURE_LAYERS, TransferCnn

FREEZE_STOPS = {0: "nothing (fine-tune all)", 1: "conv 1", 3: "conv 1-2", 4: "conv 1-3",
                6: "all conv (head only)"}  # trunk length -> what is frozen
LAYER_KS = (5, 20, 100)  # examples per class offered (all committed at the default rate)
FREEZE_SEEDS = 2  # runs averaged per depth


def freeze_experiment(backbone: TransferCnn, k: int, lr: float, seeds: int = FREEZE_SEEDS, steps: int = STEPS,
                      stops: Sequence[int] = tuple(FREEZE_STOPS), on_progress: Progress = None) -> pd.DataFrame:
    """Which layers to retrain: for each frozen depth in FREEZE_STOPS, new- and old-task accuracy
    (mean over seeds), trainable parameters and seconds per run; `stops` picks some depths (a row does
    not depend on the others). `on_progress(fraction, rows so far)`:
    the depths finished so far, as a table (what a stopped run shows)."""
    task = new_task()
    px, py, tx, ty, ox, oy = (task[n] for n in ("pool_x", "pool_y", "test_x", "test_y", "old_x", "old_y"))
    frozen = copy.deepcopy(backbone).eval().to(memory_format=torch.channels_last)  # a private, faster copy
    rows, total = [], len(stops) * seeds
    for stop in stops:
        what = FREEZE_STOPS[stop]
        new, old, secs = [], [], []
        for seed in range(seeds):
            idx = shots(py, k, seed)
            start = time.perf_counter()
            net = fine_tune(frozen, px[idx], py[idx], stop, lr, steps, seed)
            secs.append(time.perf_counter() - start)
            new.append(accuracy(logits_of(net, tx), ty))
            old.append(old_task_accuracy(net, frozen, ox, oy))
            if on_progress and seed < seeds - 1:
                on_progress((len(rows) * seeds + seed + 1) / total)
        trainable = sum(p.numel() for p in net.parameters() if p.requires_grad)
        rows.append({"stop": stop, "frozen": what, "trainable": trainable, "new_accuracy": float(np.mean(new)),
                     "old_accuracy": float(np.mean(old)), "seconds": float(np.mean(secs))})
        if on_progress:
            on_progress(len(rows) * seeds / total, pd.DataFrame(rows))
    return pd.DataFrame(rows)


def figure(table: pd.DataFrame):
    """New- and old-task accuracy per frozen depth, each labelled with how many numbers it trains."""
    labels = [f"{f}<br>{t:,} trained" for f, t in zip(table["frozen"], table["trainable"])]
    return grouped_bars(labels, {"new task: digits 5-9": table["new_accuracy"],
                                 "old task: digits 0-4": table["old_accuracy"]}).update_xaxes(
        title="frozen layers, and how many numbers are trained")


def freeze_caption(table: pd.DataFrame, k: int, lr: float) -> str:
    """Which frozen depth wins on the new task, and what it costs the old one (of the depths in
    `table`: a stopped run has only the first few)."""
    best = table.loc[table["new_accuracy"].idxmax()]
    by_stop = table.set_index("stop")
    full = by_stop.loc[0]  # the first depth run
    # each depth named once: the winner, then the two ends of the comparison unless one of them won
    head = (f"training the head only gives {by_stop.loc[N_FEATURE_LAYERS, 'new_accuracy']:.0%}"
            if N_FEATURE_LAYERS in by_stop.index and best["stop"] != N_FEATURE_LAYERS else "")
    stopped = "" if N_FEATURE_LAYERS in by_stop.index else f" (stopped after {len(table)} of {len(FREEZE_STOPS)} depths)"
    text = (f"With k = {k} and lr {lr:g}, freezing {best['frozen']} does best on digits 5-9 "
            f"({best['new_accuracy']:.0%}, {int(best['trainable']):,} trainable numbers)")
    if best["stop"] == 0:
        return (text + f" and leaves the old 0-4 head at {full['old_accuracy']:.0%}" + (f"; {head}" if head else "")
                + stopped + ".")
    return (text + "; " + (f"{head}; " if head else "") + f"fine-tuning all gives {full['new_accuracy']:.0%} and "
            f"leaves the old 0-4 head at {full['old_accuracy']:.0%}" + stopped + ".")
