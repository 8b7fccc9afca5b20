"""The hero: one search seen three ways (where it sampled the space, its learning curves coloured by when
each trial was stopped, its best-so-far against the budget beside the other strategies over many seeds),
with the captions computed from the same search."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos.plots import OKABE_ITO, layout
from demos.tuning import search, trial

BAND_SEEDS = tuple(range(10))  # search seeds of the committed best-so-far band
BAND = Path(__file__).resolve().parents[2] / "models" / "results" / "tuning_band.npz"
STOP_COLOURS = {1: OKABE_ITO[6], 3: OKABE_ITO[1], 9: OKABE_ITO[3], 27: OKABE_ITO[0]}  # epochs trained -> colour


def committed_band() -> dict[str, np.ndarray] | None:
    """strategy -> (seeds, BUDGET + 1) best-so-far curves from `python -m train.tuning --part band`."""
    if not BAND.exists():
        return None
    z = np.load(BAND)
    return {name: z[name].astype(np.float64) for name in search.STRATEGIES}


def compute_band(on_progress=None) -> dict[str, np.ndarray]:
    return band(search.STRATEGIES, BAND_SEEDS, trial.committed_table(), on_progress)


def band(strategies: Sequence[str], seeds: Sequence[int], source: search.Source,
         on_progress: Callable[[float], Any] | None = None) -> dict[str, np.ndarray]:
    """strategy -> (seeds, BUDGET + 1) best-so-far curves."""
    out = {}
    for i, name in enumerate(strategies):
        out[name] = np.stack([search.run_search(name, s, source).best_so_far() for s in seeds])
        if on_progress is not None:
            on_progress((i + 1) / len(strategies))
    return out


def importance(table: trial.Table, epoch: int = trial.EPOCHS) -> dict[str, float]:
    """Share of the variance of validation accuracy at `epoch` (over the whole table, replicates
    averaged) explained by each hyperparameter's main effect (a functional-ANOVA-style split)."""
    acc = table.val[:, :, epoch - 1].mean(1).reshape(len(trial.LOG_LRS), len(trial.WIDTHS), len(trial.DECAYS))
    total = acc.var()
    axes = {"learning rate": (1, 2), "width": (0, 2), "weight decay": (0, 1)}
    return {k: float(acc.mean(axis=a).var() / total) for k, a in axes.items()}


def _colour(epochs: int) -> str:
    return STOP_COLOURS.get(epochs, OKABE_ITO[7])


def space_figure(s: search.Search, height: int = 330) -> go.Figure:
    """Where the search sampled: log learning rate against width, and against weight decay; colour =
    epochs the trial got, size = its last validation accuracy."""
    configs, curves = trial.all_configs(), s.curves()
    fig = make_subplots(1, 2, shared_yaxes=False, subplot_titles=("learning rate × width (the axes that matter)",
                                                                  "learning rate × weight decay"))
    for col, attr in ((1, "width"), (2, "decay")):
        for e in sorted(set(s.epochs)):
            ts = [t for t in range(len(s.index)) if s.epochs[t] == e]
            last = [curves[t][-1] for t in ts]
            jitter = np.linspace(-0.04, 0.04, len(ts)) if len(ts) > 1 else np.zeros(1)
            fig.add_trace(go.Scatter(
                x=[configs[s.index[t]].log_lr + j for t, j in zip(ts, jitter)],
                y=[getattr(configs[s.index[t]], attr) for t in ts], mode="markers",
                name=f"trained {e} epoch{'s' if e > 1 else ''}", legendgroup=str(e), showlegend=col == 1,
                marker=dict(color=_colour(e), size=[5 + 14 * max(v - 0.3, 0) for v in last], opacity=0.75,
                            line=dict(width=0.5, color="white")),
                text=[configs[s.index[t]].label() + f"<br>val {v:.1%}" for t, v in zip(ts, last)],
                hovertemplate="%{text}"), 1, col)
        fig.update_yaxes(type="log", title_text=attr, row=1, col=col)
    fig.update_xaxes(title_text="log₁₀ learning rate", range=[-4.2, 0.2])
    fig.update_yaxes(tickvals=trial.WIDTHS, row=1, col=1)  # explicit ticks: a log axis adds small minor labels
    sup = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    fig.update_yaxes(tickvals=trial.DECAYS, ticktext=["10" + f"{np.log10(d):.0f}".translate(sup) for d in trial.DECAYS], row=1, col=2)
    fig = layout(fig, None, height)
    fig.update_layout(margin_t=max(fig.layout.margin.t or 0, 36))  # room for the two panel titles
    return fig


def curves_figure(s: search.Search, height: int = 300) -> go.Figure:
    """Every trial's validation accuracy by epoch, coloured by how many epochs it was allowed (one trace
    per stopping point, trials separated by gaps: hundreds of traces would cost the browser seconds)."""
    fig, curves = go.Figure(), s.curves()
    for e in sorted(set(s.epochs)):
        xs, ys = [], []
        for t in (t for t in range(len(s.index)) if s.epochs[t] == e):
            xs += [*range(1, e + 1), None]
            ys += [*curves[t].tolist(), None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines+markers" if e == 1 else "lines", name=f"stopped at {e}",
                                 opacity=0.6, line=dict(color=_colour(e), width=1), marker=dict(size=3)))
    fig.update_xaxes(type="log", title_text="epoch", tickvals=[1, 3, 9, 27])
    fig.update_yaxes(title_text="validation accuracy", tickformat=".0%")
    return layout(fig, f"{s.strategy}: every trial's learning curve", height)


def band_figure(band: dict[str, np.ndarray], s: search.Search, budget: int, height: int = 330) -> go.Figure:
    """Median (line) and range (band) over the seeds of each strategy's best-so-far up to `budget`
    epochs (a search cut at a smaller budget is the first part of the full one); this seed dotted."""
    fig = go.Figure()
    x = np.arange(1, budget + 1)
    for k, name in enumerate(search.STRATEGIES):
        b, c = band[name][:, 1:budget + 1], OKABE_ITO[k]
        lo, hi = np.nanmin(b, 0), np.nanmax(b, 0)
        fig.add_trace(go.Scatter(x=np.r_[x, x[::-1]], y=np.r_[hi, lo[::-1]], fill="toself", fillcolor=c, opacity=0.15,
                                 line=dict(width=0), hoverinfo="skip", showlegend=False, legendgroup=name))
        fig.add_trace(go.Scatter(x=x, y=np.nanmedian(b, 0), name=name, legendgroup=name, line=dict(color=c)))
    k = search.STRATEGIES.index(s.strategy)
    fig.add_trace(go.Scatter(x=x, y=s.best_so_far(budget)[1:], name=f"{s.strategy}, seed {s.seed}",
                             line=dict(color=OKABE_ITO[k], dash="dot", width=3)))
    fig.update_xaxes(title_text="epochs spent (budget)")
    fig.update_yaxes(title_text="best validation accuracy so far", tickformat=".0%", range=[0.5, 0.96])
    return layout(fig, f"Best so far against budget: median and range over {len(BAND_SEEDS)} search seeds", height)


# -- captions ------------------------------------------------------------------------------------------------------
def space_caption(s: search.Search) -> str:
    configs = trial.all_configs()
    lrs = {configs[i].log_lr for i in s.index}
    t, epoch = s.winner()
    c = configs[s.index[t]]
    full = sum(1 for e in s.epochs if e == trial.EPOCHS)
    return (f"{s.strategy} (seed {s.seed}) started {len(s.index)} trials, {full} of them trained all {trial.EPOCHS} "
            f"epochs, and tried {len(lrs)} distinct learning rates of the table's {len(trial.LOG_LRS)}. Its best: "
            f"{c.label()}, {s.events_value(t, epoch):.1%} validation accuracy at epoch {epoch}.")


def curves_caption(s: search.Search) -> str:
    if not s.rungs:
        return (f"{s.strategy} trains every trial to the end: {len(s.index)} trials × {trial.EPOCHS} epochs = "
                f"{s.spent()} epochs, however bad a trial looks after one epoch.")
    brackets = sorted({b for b, _, _ in s.rungs})
    first = [f"{n} at {r}" for b, r, n in s.rungs if b == brackets[0]]
    return (f"{s.strategy} ran {len(brackets)} bracket{'s' if len(brackets) > 1 else ''} of successive halving "
            f"(η = {search.ETA}); the first one trained {' → '.join(first)} epochs, keeping the best third at each "
            f"rung. It spent {s.spent()} epochs on {len(s.index)} trials.")


def medians_at(band: dict[str, np.ndarray], budget: int) -> dict[str, float]:
    """strategy -> median over the seeds of the best validation accuracy after `budget` epochs."""
    return {k: float(np.nanmedian(v[:, budget])) for k, v in band.items()}


def band_caption(band: dict[str, np.ndarray], budget: int) -> str:
    final = medians_at(band, budget)
    order = sorted(final, key=final.get, reverse=True)
    third = medians_at(band, budget // 3)
    early = max(third, key=third.get)
    return (f"After {budget} epochs the median best validation accuracy over {len(BAND_SEEDS)} seeds ranks "
            + ", ".join(f"{k} {final[k]:.1%}" for k in order)
            + f"; after a third of that ({budget // 3} epochs) {early} leads with {third[early]:.1%}.")


def live_figure(best: np.ndarray, budget: int, height: int = 260) -> go.Figure:
    """The live search's best-so-far as it streams in."""
    fig = go.Figure(go.Scatter(x=np.arange(1, len(best) + 1), y=best, line=dict(color=OKABE_ITO[0])))
    fig.update_xaxes(title_text="epochs trained now", range=[0, budget])
    fig.update_yaxes(title_text="best validation accuracy", tickformat=".0%")
    return layout(fig, f"Live search: best so far after {len(best)} epochs", height)  # (a new title per frame)


def live_caption(live: search.Search, gap: float) -> str:
    how = "stopped after" if live.stopped else "trained"
    same = ("exactly the committed table's numbers" if gap == 0 else
            f"the committed table's numbers to within {gap:.4f}")
    return (f"The live {live.strategy} search {how} {live.spent()} epochs of {len(live.index)} trials in "
            f"{live.seconds:.1f} s; its validation accuracies are {same}.")


def test_caption(s: search.Search, table: trial.Table) -> str:
    """The winner's validation accuracy is the maximum of many noisy estimates: its test accuracy, read once."""
    t, epoch = s.winner()
    val = s.events_value(t, epoch)
    test = float(table.test[s.index[t], s.replicate[t], epoch - 1])
    word = "below" if test < val else "above" if test > val else "equal to"
    return (f"Validation picked the winner, so its {val:.1%} tends to be optimistic: read once, its test accuracy is "
            f"{test:.1%}, {abs(val - test):.1%} {word} it.")


def importance_caption(shares: dict[str, float]) -> str:
    order = sorted(shares, key=shares.get, reverse=True)
    return ("Over the whole table, each hyperparameter on its own explains this share of the variance of the final "
            "validation accuracy: " + ", ".join(f"{k} {shares[k]:.0%}" for k in order) + ".")
