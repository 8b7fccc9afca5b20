"""The DQN tab's figures and captions: the committed 5-seed band per variant, a live run's returns with
its ε schedule and target-sync marks, its TD-error histogram replayed frame by frame, a replay sample."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos import replay
from demos.plots import OKABE_ITO
from demos.reinforcement_learning import cartpole, dqn

COLOURS = dict(zip(dqn.VARIANTS, (OKABE_ITO[2], OKABE_ITO[1], OKABE_ITO[5])))
SOLVED = 475  # CartPole-v1's "solved" threshold (mean return over 100 episodes)


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    return f"rgba({int(h[0:2], 16)}, {int(h[2:4], 16)}, {int(h[4:6], 16)}, {alpha})"


def band_stats(band: dict) -> dict[str, dict[str, np.ndarray]]:
    """variant -> median, min, max over seeds at each grid step (NaN where a seed has no episode yet)."""
    out = {}
    for variant in dqn.VARIANTS:
        curves = np.array([[np.nan if v is None else v for v in c] for c in band[variant]], dtype=float)
        out[variant] = {"median": np.nanmedian(curves, 0), "min": np.nanmin(curves, 0),
                        "max": np.nanmax(curves, 0), "final": curves[:, -1]}
    return out


def band_figure(band: dict, height: int = 360) -> go.Figure:
    x, stats = np.array(band["grid"]), band_stats(band)
    fig = go.Figure()
    for variant, s in stats.items():
        c = COLOURS[variant]
        fig.add_scatter(x=np.r_[x, x[::-1]], y=np.r_[s["max"], s["min"][::-1]], fill="toself", mode="lines",
                        line=dict(width=0), fillcolor=_rgba(c, 0.18), hoverinfo="skip", showlegend=False)
        fig.add_scatter(x=x, y=s["median"], mode="lines", line=dict(color=c, width=2.5), name=variant)
    fig.add_hline(y=SOLVED, line=dict(color="grey", dash="dot"), annotation_text="475", annotation_position="left")
    fig.update_layout(height=height, margin=dict(l=50, r=10, t=30, b=40), legend=dict(orientation="h", y=1.08),
                      xaxis_title="environment steps", yaxis_title="mean return, last 10 episodes",
                      yaxis_range=[0, 520])
    return fig


def band_caption(band: dict) -> str:
    stats, n = band_stats(band), len(band["replay + target"])
    parts = [f"{v}: median {np.median(s['final']):.0f} (seeds {np.min(s['final']):.0f}–{np.max(s['final']):.0f})"
             for v, s in stats.items()]
    full = stats["replay + target"]["final"]
    others = np.concatenate([stats[v]["final"] for v in ("no replay", "no target")])
    one_way = len(cartpole.rollout(lambda s: 1, 0)[1])  # an agent that always pushes right, for scale
    spread = ("every replay + target seed ends above every seed without replay or without a target network, so "
              "the gap is not seed luck" if full.min() > others.max() else
              "the bands overlap, so at this budget one seed cannot tell the variants apart")
    spread += f" (always pushing right lasts {one_way} steps)"
    return (f"{n} seeds per variant, {band['grid'][-1]:,} steps each; line = median, band = min–max over seeds of "
            f"the mean return of the last 10 training episodes (played ε-greedily, exploration included). At the end: "
            + "; ".join(parts) + f"; {spread}.")


def returns_figure(returns: list[tuple[int, float]], steps: int, syncs: list[int] = (), height: int = 320
                   ) -> go.Figure:
    """Return per episode against the step it ended on, ε on a second axis, target syncs as ticks."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    ends = [e for e, _ in returns]
    fig.add_scatter(x=ends, y=[r for _, r in returns], mode="markers+lines", name="return per episode",
                    line=dict(color=OKABE_ITO[2], width=1), marker=dict(size=4))
    grid = np.linspace(1, steps, 200).round().astype(int)
    fig.add_scatter(x=grid, y=[dqn.epsilon_at(int(g)) for g in grid], name="ε", line=dict(color=OKABE_ITO[0], dash="dash"),
                    secondary_y=True)
    if len(syncs):
        fig.add_scatter(x=list(syncs), y=[0] * len(syncs), mode="markers", name="target sync",
                        marker=dict(symbol="line-ns-open", size=10, color="grey"))
    fig.update_layout(height=height, margin=dict(l=50, r=50, t=30, b=40), legend=dict(orientation="h", y=1.12),
                      xaxis=dict(title="environment steps", range=[0, steps]))
    fig.update_yaxes(title_text="return", range=[0, 520], secondary_y=False)
    fig.update_yaxes(title_text="ε", range=[0, 1.05], secondary_y=True)
    return fig


def returns_caption(rec: replay.Recording) -> str:
    r, ran = rec.curves.get("return", np.zeros(0)), int(rec.steps[-1])
    if not len(r):
        return f"{ran:,} steps run, no episode finished yet."
    last = r[-10:]
    syncs = rec.meta["syncs"]
    sync = (f"the target network was synced {len(syncs)} times (every {dqn.SETTINGS.sync} steps, grey ticks)" if syncs
            else "no target network: every target came from the network being trained")
    return (f"Seed {rec.meta['seed']}, {rec.meta['variant']}: {len(r)} episodes in {ran:,} steps"
            f"{' (stopped)' if rec.stopped else ''}; best return {r.max():.0f}, mean of the last {len(last)} "
            f"{last.mean():.0f}, with ε = {dqn.epsilon_at(ran):.2f} at the end; {sync}.")


def td_figure(rec: replay.Recording, height: int = 300) -> go.Figure:
    centres = (dqn.TD_EDGES[:-1] + dqn.TD_EDGES[1:]) / 2
    counts = rec.frames["td_counts"]
    fig = go.Figure(go.Bar(x=centres, y=counts[-1], marker_color=OKABE_ITO[4], width=0.45))
    fig.update_layout(height=height, margin=dict(l=50, r=10, t=20, b=40), yaxis_range=[0, max(1, counts.max()) * 1.05],
                      xaxis_title="TD error y − Q(s, a) (ends: beyond ±4)", yaxis_title="transitions of 256")
    return replay.animate(fig, [{0: {"y": c}} for c in counts], [str(s) for s in rec.steps])


def within(counts: np.ndarray, limit: float = 1.0) -> float:
    centres = (dqn.TD_EDGES[:-1] + dqn.TD_EDGES[1:]) / 2
    return float(counts[np.abs(centres) < limit].sum() / max(1.0, counts.sum()))


def td_caption(rec: replay.Recording) -> str:
    first = next((i for i, c in enumerate(rec.frames["td_counts"]) if c.sum() > 0), None)
    if first is None:
        return "No transition stored yet, so no TD error to show."
    return (f"TD errors of 256 buffered transitions under the network of each frame: {within(rec.frames['td_counts'][first]):.0%} "
            f"within ±1 at step {rec.steps[first]:,}, {within(rec.frames['td_counts'][-1]):.0%} at step {rec.steps[-1]:,}. "
            "Drag the slider to watch them between target syncs.")


def sample_table(rec: replay.Recording) -> pd.DataFrame:
    rows = rec.frames["sample"][-1]
    fmt = lambda v: "(" + ", ".join(f"{x:+.2f}" for x in v) + ")"  # noqa: E731
    return pd.DataFrame([{"s (x, ẋ, θ, θ̇)": fmt(r[:4]), "a": cartpole.ACTIONS[int(r[4])], "r": f"{r[5]:.0f}",
                          "s′": fmt(r[6:10]), "done": bool(r[10])} for r in rows if not np.isnan(r[0])])


def sample_caption(rec: replay.Recording) -> str:
    table = sample_table(rec)
    if table.empty:
        return "The buffer is still empty."
    return (f"{len(table)} transitions drawn uniformly from the replay buffer at step {rec.steps[-1]:,} "
            f"({sum(table['done'])} terminal: their target is r alone).")


def episodes(rec: replay.Recording) -> list[tuple[int, float]]:
    """(step it ended on, return) of every finished episode of a recording."""
    return list(zip(rec.curves.get("episode_end", np.zeros(0)).astype(int).tolist(),
                    rec.curves.get("return", np.zeros(0)).tolist()))


def agent_note(name: str = "cartpole_dqn") -> str:
    """What the committed agent measured on its held-out start states (from its card)."""
    from models.registry import metadata

    card = metadata(name)
    m = card["metrics"]
    solved = "meets" if m["held_out_mean_return"] >= SOLVED else "falls short of"
    return (f"The committed agent (seed {card['seed']}, {card['recipe']['steps']:,} training steps, the network kept at "
            f"its best validation check) averages {m['held_out_mean_return']:.0f} over {m['held_out_episodes']} "
            f"held-out greedy episodes (worst {m['held_out_min_return']}): it {solved} CartPole-v1's {SOLVED} "
            f"“solved” mark.")
