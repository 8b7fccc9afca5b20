"""Catastrophic forgetting (McCloskey & Cohen 1989): fine-tuning on digits 5-9 at a high rate
overwrites the features the original 0-4 head reads. Fine-tuning everything, everything with a lower
rate below the head (discriminative fine-tuning, Howard & Ruder 2018, ULMFiT), the last block only,
and the frozen linear probe, at each learning rate.
"""
from __future__ import annotations

import copy
from typing import Sequence

import pandas as pd
import torch

from demos.transfer_learning.fine_tune import LAST_BLOCK, LR_OPTIONS, STEPS, fine_tune, old_task_accuracy
from demos.transfer_learning.probe import linear_probe
from demos.transfer_learning.task import NEW_DIGITS, Progress, accuracy, logits_of, new_task, shots
from models.transfer_cnn import TransferCnn

FORGET_K = 20  # examples per class in the forgetting experiment
FORGET_NAMES = {"full": "Fine-tune everything", "discriminative": "Everything, layers below the head at lr/10",
                "last": "Fine-tune last block", "probe": "Linear probe (frozen)"}  # forgetting's strategies
TITLES = {"new_accuracy": "New task: digits 5-9", "old_accuracy": "Old task: digits 0-4, original head"}  # the two charts


def forgetting_experiment(backbone: TransferCnn, k: int = 20, lrs: Sequence[float] = LR_OPTIONS, seed: int = 0,
                          steps: int = STEPS, on_progress: Progress = None) -> pd.DataFrame:
    """New-task (5-9) and old-task (0-4, original head) accuracy after fine-tuning at each rate:
    everything at one rate, everything with discriminative rates (layers below the head at lr/10),
    the last block only; the linear probe (frozen features) as the reference. Rows: lr, strategy,
    new_accuracy, old_accuracy."""
    task = new_task()
    px, py, tx, ty, ox, oy = (task[n] for n in ("pool_x", "pool_y", "test_x", "test_y", "old_x", "old_y"))
    idx = shots(py, k, seed)
    variants = {"full": (0, 1.0), "discriminative": (0, 0.1), "last": (LAST_BLOCK, 1.0)}
    frozen = copy.deepcopy(backbone).eval().to(memory_format=torch.channels_last)  # a private, faster copy
    probe = linear_probe(logits_of(frozen.embed, px[idx]), py[idx], len(NEW_DIGITS))
    probe_row = (accuracy(probe.logits(logits_of(frozen.embed, tx)), ty), accuracy(logits_of(frozen, ox), oy))
    rows, done, total = [], 0, len(lrs) * len(variants)
    for lr in lrs:
        rows.append({"lr": lr, "strategy": "probe", "new_accuracy": probe_row[0], "old_accuracy": probe_row[1]})
        for name, (begin, factor) in variants.items():
            net = fine_tune(frozen, px[idx], py[idx], begin, lr, steps, seed, trunk_lr_factor=factor)
            rows.append({"lr": lr, "strategy": name, "new_accuracy": accuracy(logits_of(net, tx), ty),
                         "old_accuracy": old_task_accuracy(net, frozen, ox, oy)})
            done += 1
            if on_progress:
                on_progress(done / total)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- the figure: accuracy vs learning rate
def figure(table: pd.DataFrame, column: str):
    """One task's accuracy ("new_accuracy" or "old_accuracy") vs the learning rate (log axis), one
    line per strategy of FORGET_NAMES."""
    from demos import plots

    series = {FORGET_NAMES[s]: table.loc[table["strategy"] == s, column] for s in FORGET_NAMES}
    fig = plots.line_chart(LR_OPTIONS, series, TITLES[column], "learning rate", "accuracy", 380, (0, 1.02))
    fig.update_xaxes(type="log", tickvals=LR_OPTIONS, ticktext=[f"{v:g}" for v in LR_OPTIONS])
    return fig.update_yaxes(tickformat=".0%")


# ---------------------------------------------------------------- what the charts say (computed, not written)
def new_task_caption(table: pd.DataFrame) -> str:
    """The new task's side of the forgetting experiment: the best rate, the highest, the probe."""
    full = table[table["strategy"] == "full"].set_index("lr")["new_accuracy"]
    probe = table.loc[table["strategy"] == "probe", "new_accuracy"].iloc[0]
    return (f"k = {FORGET_K} per class, one seed: fine-tuning everything does best on digits 5-9 at lr "
            f"{full.idxmax():g} ({full.max():.0%}) and reaches {full.iloc[-1]:.0%} at lr {full.index[-1]:g}; "
            f"the frozen probe does not depend on the rate ({probe:.0%}).")


def old_task_caption(table: pd.DataFrame) -> str:
    """Forgetting at the highest rate, for every strategy."""
    top = table["lr"].max()
    at = table[table["lr"] == top].set_index("strategy")
    return (f"At lr {top:g}, the old digits 0-4 keep {at.loc['full', 'old_accuracy']:.0%} after fine-tuning "
            f"everything, {at.loc['discriminative', 'old_accuracy']:.0%} with the lower rate below the head, "
            f"{at.loc['last', 'old_accuracy']:.0%} after the last block only, and "
            f"{at.loc['probe', 'old_accuracy']:.0%} with the frozen probe.")

