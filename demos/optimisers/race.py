"""The race: the optimisers run from one start on a 2-D surface, recorded once and replayed in the
browser (`demos.replay`); who reached the tolerance, who diverged, where each one ended.
Randomness (the noisy quadratic's mini-batches) takes a seed; parameters are float64.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos.optimisers.rules import COLOURS, OPTIMISERS, Runners, make_stepper
from demos.optimisers.surfaces import NOISY_N, Surface, contour, surface
from demos.replay import Recording, animate, record
from demos.text import pow10

if TYPE_CHECKING:
    import pandas as pd

STEPS_RANGE = (50, 2000)  # race length
TAIL = 25  # steps of path drawn bright behind each runner while replaying


# ------------------------------------------------------------------ the race, recorded
def run(surface_name: str, runners: Runners, start: tuple[float, float], steps: int, kappa: float = 20.0,
        batch: int = NOISY_N, seed: int = 0, n_frames: int = 60,
        on_progress: Callable[[float], None] | None = None) -> Recording:
    """Race the optimisers in `runners` from `start` for `steps` steps (recorded for replay). On the
    noisy quadratic each step draws one seeded mini-batch of `batch` points for everyone. Curves per
    runner: "<name>:x", "<name>:y", "<name>:gap" = f − f_min after each step (NaN once diverged)."""
    names = [name for name, _ in runners]
    keys = [(f"{n}:x", f"{n}:y", f"{n}:gap") for n in names]
    advance = make_stepper(surface_name, runners, start, kappa, batch, seed)
    pos = np.tile(np.asarray(start, dtype=float), (len(names), 1))

    def step(i: int) -> dict[str, float]:
        nonlocal pos
        pos, gap = advance()
        out = {}
        for (kx, ky, kg), (x, y), g in zip(keys, pos.tolist(), gap.tolist()):
            out[kx], out[ky], out[kg] = x, y, g
        return out

    return record(step, lambda: {"xy": pos.copy()}, steps, n_frames, on_progress,
                  meta={"names": names, "start": tuple(start), "surface": surface_name, "kappa": kappa,
                        "runners": runners})


def paths(rec: Recording) -> dict[str, np.ndarray]:
    """Each runner's positions at steps 0..S as an (S + 1, 2) array (NaN after a divergence)."""
    start = np.array(rec.meta["start"], dtype=float)
    return {n: np.vstack([start, np.column_stack([rec.curves[f"{n}:x"], rec.curves[f"{n}:y"]])])
            for n in rec.meta["names"]}


def gaps(rec: Recording) -> dict[str, np.ndarray]:
    """f − f_min at steps 0..S per runner."""
    s = surface(rec.meta["surface"], rec.meta["kappa"])
    first = s.f(*rec.meta["start"]) - s.f_min
    return {n: np.concatenate([[first], rec.curves[f"{n}:gap"]]) for n in rec.meta["names"]}


# ------------------------------------------------------------------ its results
@dataclass(frozen=True)
class Result:
    name: str
    steps_to_tol: int | None  # first step with f − f_min ≤ tol (None: not reached)
    final_gap: float  # f − f_min after the last step (NaN when diverged)
    diverged_at: int | None  # the step at which it left the plane (|w| > BLOW_UP or f not finite)
    end: tuple[float, float]  # last finite position
    nearest_minimum: int  # index into Surface.minima of the minimum closest to `end`


def results(rec: Recording, tol: float) -> list[Result]:
    """Per runner: steps to reach f − f_min ≤ tol, final gap, divergence, where it ended."""
    s = surface(rec.meta["surface"], rec.meta["kappa"])
    out = []
    for (n, path), gap in zip(paths(rec).items(), gaps(rec).values()):
        finite = np.flatnonzero(np.isfinite(gap))
        reached = np.flatnonzero(gap <= tol)
        last = int(finite[-1])
        end = (float(path[last, 0]), float(path[last, 1]))
        out.append(Result(n, int(reached[0]) if len(reached) else None, float(gap[-1]),
                          last + 1 if last + 1 < len(gap) else None, end,
                          int(np.argmin([math.dist(end, m) for m in s.minima]))))
    return out


def results_table(results_: list[Result], runners: Runners, tol: float) -> "pd.DataFrame":
    """One display row per runner: its settings, steps to the tolerance, final gap, where it ended."""
    import pandas as pd

    def fmt(v: Any) -> str:
        return f"{v:.3g}" if isinstance(v, float) else str(v)

    hps = dict(runners)
    return pd.DataFrame([{
        "optimiser": OPTIMISERS[r.name], "settings": ", ".join(f"{k} {fmt(v)}" for k, v in hps[r.name]),
        f"steps to f − f* ≤ {tol:.0e}": "—" if r.steps_to_tol is None else f"{r.steps_to_tol:,}",
        "final f − f*": "diverged" if r.diverged_at else f"{r.final_gap:.2e}",
        "diverged at step": "—" if r.diverged_at is None else f"{r.diverged_at:,}",
        "ended at": f"({r.end[0]:.4f}, {r.end[1]:.4f})"} for r in results_])


# ------------------------------------------------------------------ its figure and caption
def race_figure(rec: Recording, height: int = 440) -> go.Figure:
    """Contour of the surface with every runner's whole path (faint); a bright trail of its last TAIL
    steps and a dot that replay in the browser; beside it f − f_min per step (log axis) with the
    replayed step marked. The moving parts are three traces (colour per point) to keep frames small."""
    s = surface(rec.meta["surface"], rec.meta["kappa"])
    ps, gs = paths(rec), gaps(rec)
    names = list(ps)
    fig = make_subplots(1, 2, column_widths=[0.52, 0.48], horizontal_spacing=0.08)
    contour(fig, s)
    steps = np.arange(len(gs[names[0]]), dtype=np.int32)
    ps32 = {n: p.astype(np.float32) for n, p in ps.items()}  # float32 halves what the browser downloads
    for n in names:
        c, title = COLOURS[n], OPTIMISERS[n]
        fig.add_trace(go.Scatter(x=ps32[n][:, 0], y=ps32[n][:, 1], mode="lines", line=dict(color=c, width=1.2),
                                 opacity=0.5, legendgroup=n, showlegend=False, hoverinfo="skip"), 1, 1)
        fig.add_trace(go.Scatter(x=steps, y=np.maximum(gs[n], 1e-16).astype(np.float32), mode="lines",
                                 line=dict(color=c, width=2), name=title, legendgroup=n,
                                 hovertemplate=title + " step %{x}: f − f* = %{y:.3g}<extra></extra>"), 1, 2)
    colours = [COLOURS[n] for n in names]
    trail, head, dot = len(fig.data), len(fig.data) + 1, len(fig.data) + 2
    fig.add_trace(go.Scatter(mode="markers", marker=dict(size=5, color=[c for c in colours for _ in range(TAIL)]),
                             showlegend=False, hoverinfo="skip"), 1, 1)
    fig.add_trace(go.Scatter(mode="markers", marker=dict(size=13, color=colours, line=dict(width=1.5, color="white")),
                             showlegend=False, text=[OPTIMISERS[n] for n in names],
                             hovertemplate="%{text} (%{x:.3f}, %{y:.3f})<extra></extra>"), 1, 1)
    fig.add_trace(go.Scatter(mode="markers", marker=dict(size=9, color=colours), showlegend=False,
                             hoverinfo="skip"), 1, 2)
    grid = click_grid(s)  # last: invisible points a click on the contour lands on (the race's new start)
    fig.add_trace(go.Scatter(x=grid[:, 0], y=grid[:, 1], mode="markers", marker=dict(size=10, opacity=0),
                             showlegend=False, hovertemplate="click: start here (%{x:.2f}, %{y:.2f})<extra></extra>"),
                  1, 1)
    frames = []
    for step in (int(v) for v in rec.steps):
        back = np.clip(np.arange(step - TAIL + 1, step + 1), 0, None)  # the last TAIL steps (repeats at the start)
        tails = np.concatenate([ps[n][back] for n in names]).astype(np.float32)
        now = np.array([ps[n][step] for n in names], dtype=np.float32)
        frames.append({trail: {"x": tails[:, 0], "y": tails[:, 1]}, head: {"x": now[:, 0], "y": now[:, 1]},
                       dot: {"x": np.full(len(names), step, dtype=np.int32),
                             "y": np.maximum([gs[n][step] for n in names], 1e-16).astype(np.float32)}})
    fig.update_xaxes(title=dict(text="step"), row=1, col=2)  # placed below the tick labels at any font size
    fig.update_yaxes(type="log", exponentformat="power", title="f − f*  (log scale)", row=1, col=2)
    fig.update_yaxes(domain=[0.14, 1.0])  # room for tick labels above the replay slider
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), hovermode="closest",
                      legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0, xanchor="left"))
    return animate(fig, frames, [str(int(v)) for v in rec.steps])


CLICK_GRID = 41  # points per side of the clickable grid over the contour


def click_grid(s: Surface) -> np.ndarray:
    """(CLICK_GRID², 2) start points on the surface's plotted range, on the start sliders' 0.01 grid."""
    xs, ys = (np.round(np.linspace(*r, CLICK_GRID), 2) for r in (s.x_range, s.y_range))
    return np.stack(np.meshgrid(xs, ys), -1).reshape(-1, 2).astype(np.float32)


def clicked_start(point: dict, fig: go.Figure) -> tuple[float, float] | None:
    """A click's new start (x0, y0), rounded to the sliders' 0.01 steps, if it landed on the click
    grid (the figure's last trace); None for a click on a path, a minimum or the other chart."""
    if point.get("curve_number") != len(fig.data) - 1:
        return None
    return round(float(point["x"]), 2), round(float(point["y"]), 2)


def race_caption(results_: list[Result], tol: float, steps: int, s: Surface) -> str:
    """One sentence over the race: who reached the tolerance first, who did not, who diverged, and
    (surfaces with several minima) how many different minima they ended in."""
    ranked = sorted((r for r in results_ if r.steps_to_tol is not None), key=lambda r: r.steps_to_tol)
    missed = [r for r in results_ if r.steps_to_tol is None and r.diverged_at is None]
    blown = [r for r in results_ if r.diverged_at is not None]
    tol_text = f"f − f* ≤ {pow10(tol)}"
    parts = [f"In {steps} steps {len(ranked)} of {len(results_)} reached {tol_text}" +
             (": " + ", ".join(f"{OPTIMISERS[r.name]} ({r.steps_to_tol} steps)" for r in ranked) if ranked else "")]
    if missed:
        best = min(missed, key=lambda r: r.final_gap)
        parts.append(f"{', '.join(OPTIMISERS[r.name] for r in missed)} did not (closest: {OPTIMISERS[best.name]}, "
                     f"f − f* = {best.final_gap:.2g})")
    if blown:
        parts.append(", ".join(f"{OPTIMISERS[r.name]} diverged at step {r.diverged_at}" for r in blown))
    ended = {r.nearest_minimum for r in results_ if r.diverged_at is None}
    if len(s.minima) > 1 and results_:
        parts.append(f"they ended nearest to {len(ended)} of its {len(s.minima)} minima")
    return "; ".join(parts) + "."


def cost_text(rec: Recording) -> str:
    """What the race cost, said under the hero: runners × steps, seconds on the server, replay in the browser."""
    return (f"{len(rec.meta['names'])} torch.optim optimisers × {rec.steps[-1]} steps ran once on the server in "
            f"{rec.seconds:.2f} s; ▶ Play and the step slider replay the recording in your browser.")
