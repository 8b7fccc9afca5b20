"""The committed results for the default views: the sweep at the committed rate (seeds 0-4), the
forgetting experiment, "Which layers" at every k and the few-shot curves at every N, made by
`python -m train.transfer_precompute` and used only while their recipe (and the models' sha256) equal
today's; the sweep runs a setting adds, computed live one seed per job; and what a live run costs,
said before it starts.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pandas as pd

from demos.transfer_learning.few_shot import CURVE_KS, EPISODES, WAYS
from demos.transfer_learning.fine_tune import BATCH, LAST_BLOCK, LR_OPTIONS, SCRATCH_LR, STEPS
from demos.transfer_learning.forgetting import FORGET_K
from demos.transfer_learning.imagenet import DIGIT_SIDE
from demos.transfer_learning.layers import FREEZE_SEEDS, FREEZE_STOPS, LAYER_KS
from demos.transfer_learning.probe import PROBE_L2
from demos.transfer_learning.sweep import IN_TEXT, K_VALUES, LR_FREE
from demos.transfer_learning.task import POOL_PER_CLASS, POOL_SEED

PRECOMPUTED = Path(__file__).resolve().parents[2] / "models" / "results" / "transfer_learning.json"  # beside the other committed results
COMMAND = "python -m train.transfer_precompute"  # what makes the committed file
PRECOMPUTED_NOTE = f"Precomputed with these exact weights by `{COMMAND}` (the tests recompute a sample and compare)."


# ---------------------------------------------------------------- the committed results, and what they depend on
def recipe() -> dict:
    """Everything the sweep's numbers depend on besides the code: a precomputed file is used only
    when its recipe (and the backbone's sha256) equal today's."""
    from models import metadata

    return {"backbone_sha256": metadata("mnist_cnn_04")["sha256"], "steps": STEPS, "batch": BATCH,
            "k_values": list(K_VALUES), "scratch_lr": SCRATCH_LR, "probe_l2": PROBE_L2, "pool": [POOL_PER_CLASS, POOL_SEED],
            "last_block": LAST_BLOCK, "digit_side": DIGIT_SIDE, "forget_k": FORGET_K, "lr_options": list(LR_OPTIONS),
            "efficientnet_sha256": metadata("efficientnet_lite0")["sha256"], "freeze_stops": list(FREEZE_STOPS),
            "layer_ks": list(LAYER_KS), "freeze_seeds": FREEZE_SEEDS, "ways": list(WAYS), "curve_ks": list(CURVE_KS),
            "episodes": EPISODES}


@functools.lru_cache(maxsize=4)
def _read(path: Path, mtime_ns: int) -> dict:
    return json.loads(path.read_text())  # read once per version of the file: every rerun asks


def committed(path: Path = PRECOMPUTED) -> dict | None:
    """The committed file's contents (shared: read-only), or None when it is missing or its recipe is
    not today's."""
    if not path.is_file():
        return None
    data = _read(path, path.stat().st_mtime_ns)
    return data if data["recipe"] == recipe() else None


def precomputed(kind: str, lr: float | None = None, seeds: int | None = None,
                path: Path = PRECOMPUTED) -> pd.DataFrame | None:
    """The committed result of `forgetting_experiment` ("forgetting") or of `label_sweep` ("sweep"):
    the committed runs with seed < `seeds` (runs never depend on each other), of every strategy when
    `lr` is the committed rate, else of the LR_FREE strategies only; None when nothing applies."""
    data = committed(path)
    if data is None or kind not in data:
        return None
    table = pd.DataFrame(data[kind])
    if kind == "sweep":
        keep = (table["seed"] < seeds) & (table["strategy"].isin(LR_FREE) | (data["lr"] == lr))
        table = table[keep].reset_index(drop=True)
    return table


def precomputed_layers(k: int, lr: float, path: Path = PRECOMPUTED) -> pd.DataFrame | None:
    """The committed `freeze_experiment(backbone, k, lr)` (every k of LAYER_KS at the committed rate), or None."""
    data = committed(path)
    if data is None or data["lr"] != lr or str(k) not in data.get("layers", {}):
        return None
    return pd.DataFrame(data["layers"][str(k)])


def precomputed_curve(n_way: int, path: Path = PRECOMPUTED) -> pd.DataFrame | None:
    """The committed `few_shot_curve` of every encoder (ImageNet features included) at `n_way`, or None."""
    data = committed(path)
    if data is None or str(n_way) not in data.get("few_shot", {}):
        return None
    return pd.DataFrame(data["few_shot"][str(n_way)])


# ---------------------------------------------------------------- the runs a setting adds, computed live
@dataclass(frozen=True)
class LiveRuns:
    label: str  # what the progress bar says
    strategies: tuple[str, ...]  # label_sweep's `strategies`
    first_seed: int  # label_sweep's `first_seed`; its `seeds` is first_seed + 1: one seed per job
    key: tuple  # names the job: runs shared by every rate carry no rate, and no seed count (reused by any)
    imagenet: bool  # needs the EfficientNet features of the digits


def live_runs(stored: pd.DataFrame | None, lr: float, seeds: int) -> list[LiveRuns]:
    """The `label_sweep` calls that complete the committed runs `stored` to `seeds` seeds at rate
    `lr`, one per missing seed: the rate-free strategies (shared by every rate) and the two
    fine-tunings; [] when everything is committed. A seed computed once is reused by every seed
    count that includes it (3 -> 4 -> 5 computes seed 4 once)."""
    def done(strategy: str) -> int:
        return 0 if stored is None else stored.loc[stored["strategy"] == strategy, "seed"].nunique()

    free, tuned = done("scratch"), done("full")
    out = [LiveRuns(f"Scratch and linear probes, seed {s + 1}", LR_FREE, s, ("free", s), True)
           for s in range(free, seeds)]  # these runs do not depend on the rate: shared by every rate
    out += [LiveRuns(f"Fine-tuning at rate {lr:g}, seed {s + 1}", ("last", "full"), s, ("tuned", lr, s), False)
            for s in range(tuned, seeds)]
    return out


def seconds_per_seed(strategies: Sequence[str], path: Path = PRECOMPUTED) -> float | None:
    """How long one seed of these strategies took when the committed runs were made (the time a live
    run of them announces before it starts), or None without a committed sweep."""
    data = committed(path)
    if data is None:
        return None
    table = pd.DataFrame(data["sweep"])
    return float(table.loc[table["strategy"].isin(strategies), "seconds"].sum() / table["seed"].nunique())


def layers_seconds(path: Path = PRECOMPUTED) -> float | None:
    """How long one `freeze_experiment` took when the committed ones were made (mean over its k's)."""
    data = committed(path)
    if data is None or not data.get("layers"):
        return None
    runs = [sum(r["seconds"] for r in rows) * data["recipe"]["freeze_seeds"] for rows in data["layers"].values()]
    return sum(runs) / len(runs)


def committed_rate(path: Path = PRECOMPUTED) -> float | None:
    """The fine-tuning rate of the committed sweep (None without a usable committed file)."""
    data = committed(path)
    return None if data is None else data["lr"]


def duration(seconds: float) -> str:
    """A rough duration for a label: "40 s", "3 min"."""
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


# ---------------------------------------------------------------- what the controls cost, said before they run
def seeds_help(committed_lr: float | None, per_seed: float | None) -> str:
    text = "Repeats with other shots and initialisations: the bands."
    if committed_lr is None or per_seed is None:
        return text
    return (f"{text} Seeds 1-5 are precomputed at rate {committed_lr:g}; at any other rate each seed retrains the two "
            f"fine-tunings live, about {duration(per_seed)} per seed (as timed when the committed runs were made).")


def rate_label(per_seed: float | None, seeds: int, presenting: bool) -> str:
    """The rate control's label: on a slide it says that another rate retrains, and roughly how long."""
    if not presenting or per_seed is None:
        return "Fine-tuning rate"
    return f"Fine-tuning rate (others retrain, ~{duration(per_seed * seeds)})"


def rate_help(committed_lr: float | None, per_seed: float | None, seeds: int) -> str:
    text = "Adam's learning rate for the two fine-tuning strategies."
    if committed_lr is None or per_seed is None:
        return text
    return (f"{text} {committed_lr:g} is precomputed; another rate retrains both for {seeds} seed(s) live, about "
            f"{duration(per_seed * seeds)} (as timed when the committed runs were made), with progress and a Stop button.")


def live_text(runs: Sequence[LiveRuns], path: Path = PRECOMPUTED) -> str:
    """Said before live runs start: how many, and how long they took when the committed ones were made."""
    seeds = sorted({r.first_seed + 1 for r in runs})
    text = (f"This setting is not precomputed: training seed{'s' if len(seeds) > 1 else ''} "
            f"{', '.join(map(str, seeds))} live ({len(runs)} job{'s' if len(runs) > 1 else ''}, each with progress "
            f"and a Stop button).")
    each = [seconds_per_seed(r.strategies, path) for r in runs]
    if any(e is None for e in each):
        return text
    return text[:-1] + f"; about {duration(sum(each))} in all, as timed when the committed runs were made."


def layers_help(committed_lr: float | None) -> str:
    text = "Labelled examples per class for every fine-tuning of this chart."
    if committed_lr is None:
        return text
    return (f"{text} Precomputed at rate {committed_lr:g}; at any other rate the {len(FREEZE_STOPS) * FREEZE_SEEDS} "
            "fine-tunings run live.")


def layers_live_text(lr: float, path: Path = PRECOMPUTED) -> str:
    """Said before a live "Which layers" run starts: what it trains and how long it took when committed."""
    text = (f"Rate {lr:g} is not precomputed: fine-tuning from five depths, {FREEZE_SEEDS} seeds each, live "
            "(with progress and a Stop button)")
    took = layers_seconds(path)
    return text + ("." if took is None else f"; about {duration(took)}, as timed when the committed ones were made.")


def encoder_name(encoder: str, ready: bool, path: Path = PRECOMPUTED) -> str:
    """An embedding's name in the menu; the ImageNet one says what it costs while its features are not ready."""
    from demos.transfer_learning.few_shot import ENCODERS

    data = committed(path)
    if encoder != "imagenet" or ready or data is None:
        return ENCODERS[encoder]
    took = data["seconds"]["imagenet_features"] / 2  # one of the two parts (pool, test) committed
    return f"{ENCODERS[encoder]}: embeds the digits first, ~{duration(took)}"


def combine(stored: pd.DataFrame | None, live: Sequence[pd.DataFrame | None]) -> tuple[pd.DataFrame, int]:
    """Every run of the sweep (committed ones first) and how many of them were computed live (a live
    part is None or empty when it was stopped before its first run)."""
    parts = ([] if stored is None else [stored]) + [p for p in live if p is not None and len(p)]
    return pd.concat(parts, ignore_index=True), sum(len(p) for p in parts) - (0 if stored is None else len(stored))


# ---------------------------------------------------------------- what the runs cost (computed, not written)
def budget_text(table: pd.DataFrame, live: int = 0) -> str:
    """What the runs cost (`live` of them computed on this server, the rest committed) and how well
    each fits its own examples (so the gaps are generalisation)."""
    worst = table.loc[table["train_accuracy"].idxmin()]
    where = (f"all committed with the page by `{COMMAND}`" if live == 0 else
             f"{live} computed on this server" + ("" if live == len(table) else ", the rest committed with the page"))
    return (f"{len(table)} runs ({where}), {table['seconds'].sum():.0f} s of compute when they ran. Every trained run gets the same budget, "
            f"{STEPS} Adam steps on batches of at most {BATCH}; the probes are solved to their optimum. Lowest "
            f"accuracy on its own training examples: {IN_TEXT[worst['strategy']]} at k = {int(worst['k'])}, "
            f"{worst['train_accuracy']:.0%}.")
