"""The Beam search tab's views: the tree of hypotheses with cumulative log-probabilities, greedy
against beam on the chosen input, and the committed accuracy sweep (greedy vs beam by width and α)."""
from __future__ import annotations

import json
from pathlib import Path

import plotly.graph_objects as go

from demos.plots import OKABE_ITO, layout
from demos.sequence_tasks.beam_search import ALPHAS, BeamResult, length_penalty
from models import dates

RESULTS = Path(__file__).resolve().parents[2] / "models" / "results" / "sequence_tasks_beam.json"
MODEL_NAMES = {"seq2seq_dates_noattn": "without attention", "seq2seq_dates": "with attention"}
DEFAULT_TEXT = "monday the third of may 1971"


def symbol(token: int) -> str:
    return "⏹" if token == dates.EOS else dates.OUT_CHARS[token - 3] if token >= 3 else "?"


def text_of(tokens: tuple[int, ...]) -> str:
    return "".join(symbol(t) for t in tokens)


def tree_figure(r: BeamResult, greedy_tokens: tuple[int, ...], height: int = 440) -> go.Figure:
    """Each column a decoding step; each dot a candidate ranked by cumulative log p (top = best).
    Kept hypotheses are coloured by log p and joined to their parents; pruned ones are grey."""
    rank: dict[int, int] = {}
    for t in sorted({n.step for n in r.nodes}):
        ids = sorted((i for i, n in enumerate(r.nodes) if n.step == t), key=lambda i: -r.nodes[i].logp)
        rank |= {i: k for k, i in enumerate(ids)}
    fig = go.Figure()
    ex, ey = [], []
    for i, n in enumerate(r.nodes):
        if n.kept and n.parent >= 0:
            ex += [n.step - 1, n.step, None]
            ey += [rank[n.parent], rank[i], None]
    fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", line=dict(color="rgba(120,120,120,0.6)", width=1),
                             hoverinfo="skip", showlegend=False))
    for kept in (False, True):
        ids = [i for i, n in enumerate(r.nodes) if n.kept == kept and n.step > 0]
        fig.add_trace(go.Scatter(
            x=[r.nodes[i].step for i in ids], y=[rank[i] for i in ids], mode="markers+text" if kept else "markers",
            text=[symbol(r.nodes[i].tokens[-1]) for i in ids] if kept else None, textposition="top center",
            marker=dict(size=9 if kept else 5, color=[r.nodes[i].logp for i in ids] if kept else "lightgray",
                        colorscale="Viridis", showscale=kept, colorbar=dict(title="log p") if kept else None),
            customdata=[[text_of(r.nodes[i].tokens), r.nodes[i].logp] for i in ids],
            hovertemplate="“%{customdata[0]}”<br>log p = %{customdata[1]:.3f}<extra></extra>",
            name="kept (in the beam)" if kept else "pruned"))
    for tokens, name, colour, dash in ((r.best + (dates.EOS,), "beam's answer", OKABE_ITO[3], "solid"),
                                       (greedy_tokens + (dates.EOS,), "greedy", OKABE_ITO[0], "dot")):
        path = [next((i for i, n in enumerate(r.nodes) if n.tokens == tokens[:t]), None) for t in range(len(tokens) + 1)]
        pts = [(r.nodes[i].step, rank[i]) for i in path if i is not None]
        fig.add_trace(go.Scatter(x=[p[0] for p in pts], y=[p[1] for p in pts], mode="lines", name=name,
                                 line=dict(color=colour, width=3, dash=dash), hoverinfo="skip"))
    fig.update_yaxes(autorange="reversed", title="rank by cumulative log p at that step")
    fig.update_xaxes(title="decoding step (output character)")
    fig.update_layout(legend=dict(orientation="h", y=-0.2))
    return layout(fig, None, height)


def tree_caption(r: BeamResult, greedy_tokens: tuple[int, ...], greedy_logp: float, width: int, alpha: float) -> str:
    steps = max(n.step for n in r.nodes)
    considered = sum(1 for n in r.nodes if n.step > 0)
    best, g = text_of(r.best), text_of(greedy_tokens)
    if r.best == greedy_tokens:
        verdict = "the same output as greedy decoding"
    elif r.best_logp > greedy_logp + 1e-9:
        verdict = f"a more probable output than greedy “{g}” (log p {greedy_logp:.3f})"
    else:
        verdict = f"a different output from greedy “{g}” (log p {greedy_logp:.3f}), chosen by the length penalty"
    score = r.best_logp / length_penalty(len(r.best) + 1, alpha)
    return (f"Width {width}: {considered} candidates scored over {steps} steps, at most {width} kept per step. "
            f"The answer “{best}” has log p = {r.best_logp:.3f} (score {score:.3f} with α = {alpha:g}): {verdict}. "
            "Pruning can drop the most probable output early, so no width short of exhaustive search guarantees it.")


def committed_sweep(path: Path = RESULTS) -> dict | None:
    return json.loads(path.read_text()) if path.exists() else None


def sweep_figure(sweep: dict, height: int = 320) -> go.Figure:
    fig = go.Figure()
    for c, (m, label) in enumerate(MODEL_NAMES.items()):
        for a in ALPHAS:
            acc = sweep["accuracy"][m][str(a)]
            fig.add_trace(go.Scatter(x=[int(w) for w in acc], y=list(acc.values()), mode="lines+markers",
                                     name=f"{label}, α = {a:g}", line=dict(color=OKABE_ITO[c], dash="solid" if a == 0 else "dash")))
    fig.update_xaxes(title="beam width (1 = greedy)", type="category")
    fig.update_yaxes(title="exact match", tickformat=".0%")
    return layout(fig, f"Greedy vs beam on {sweep['n']} fresh inputs (1–3 dates each)", height)


def sweep_caption(sweep: dict) -> str:
    parts = []
    for m, label in MODEL_NAMES.items():
        acc = sweep["accuracy"][m]
        g = acc["0.0"]["1"]
        best_a, best_w = max(((a, w) for a in acc for w in acc[a]), key=lambda aw: acc[aw[0]][aw[1]])
        parts.append(f"{label}: greedy {g:.0%}, best {acc[best_a][best_w]:.0%} (width {best_w}, α = {float(best_a):g})")
    return "; ".join(parts) + ". A beam can only change an output where a step leaves a close second choice."


def search(model, text: str, width: int, alpha: float) -> tuple[BeamResult, tuple[int, ...], float]:
    """The beam's tree and the greedy output (tokens, log p) for one input."""
    from demos.sequence_tasks.beam_search import beam_search, greedy, model_step
    r = beam_search(model_step(model, text), width, dates.OUT_LEN + 1, dates.EOS, alpha)
    g, g_logp = greedy(model_step(model, text), dates.OUT_LEN + 1, dates.EOS)
    return r, g, g_logp


def live_sweep(on_progress=None) -> dict:
    """The committed sweep recomputed live (same inputs, same models)."""
    from demos.sequence_tasks.beam_search import SWEEP_PAIRS, SWEEP_SEED, accuracy_sweep
    from models import load_pretrained
    acc = accuracy_sweep({m: load_pretrained(m) for m in MODEL_NAMES}, on_progress=on_progress)
    return {"accuracy": acc, "n": SWEEP_PAIRS, "seed": SWEEP_SEED}
