"""The hero: the karate club coloured by the GCN's predicted faction beside its 2-D embedding, replayed
epoch by epoch in the browser; the baselines (MLP without edges, label propagation) beside it; the
node-feature comparison; and the sentences that describe them."""
from __future__ import annotations

import numpy as np
import pandas  # noqa: F401  plotly imports it lazily: imported up front (see reinforcement_learning.hero)
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos import replay
from demos.graph_networks import karate
from demos.plots import OKABE_ITO

COLOURS = (OKABE_ITO[0], OKABE_ITO[1])  # Mr. Hi's faction blue, the officer's orange
SYMBOLS = ("circle", "diamond")  # the true faction, drawn as the marker's shape


def edge_xy(pos: np.ndarray) -> tuple[list, list]:
    """Coordinates of every edge as one line trace (None breaks between edges)."""
    xs, ys = [], []
    for i, j in karate.edges():
        xs += [pos[i, 0], pos[j, 0], None]
        ys += [pos[i, 1], pos[j, 1], None]
    return xs, ys


def node_style(pred: np.ndarray, labelled: tuple[int, ...]) -> dict:
    """Marker colour = predicted faction; a thick black ring = one of the four labelled members."""
    return dict(color=[COLOURS[int(p)] for p in pred], size=[19 if i in labelled else 14 for i in range(len(pred))],
                line=dict(color=["black" if i in labelled else "white" for i in range(len(pred))],
                          width=[3 if i in labelled else 1 for i in range(len(pred))]))


def graph_trace(pred: np.ndarray, truth: np.ndarray, labelled: tuple[int, ...], pos: np.ndarray) -> go.Scatter:
    style = node_style(pred, labelled)
    style["symbol"] = [SYMBOLS[int(t)] for t in truth]
    return go.Scatter(x=pos[:, 0], y=pos[:, 1], mode="markers+text", text=[str(i) for i in range(len(pred))],
                      textfont=dict(size=8, color="white"), marker=style, showlegend=False,
                      hovertemplate="member %{text}<extra></extra>")


def _coords(v: np.ndarray) -> list[float]:
    """Plain rounded lists (not binary arrays) so the browser's frames hold readable numbers."""
    return np.round(v.astype(float), 4).tolist()


def hero_figure(rec: replay.Recording, height: int = 460) -> go.Figure:
    """Left: the club, colour = the GCN's prediction, shape = the truth (circle Mr. Hi, diamond the
    officer). Right: the 2-D embedding the classifier reads. Traces 1 (graph nodes) and 2 (embedding)
    change per frame."""
    pos, truth, labelled = karate.positions(), rec.meta["truth"], tuple(rec.meta["labelled"])
    last = rec.frame(-1)
    fig = make_subplots(1, 2, subplot_titles=("The club: colour = predicted faction, shape = true faction",
                                              "GCN embedding (2-D, after tanh)"), horizontal_spacing=0.08)
    ex, ey = edge_xy(pos)
    fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", line=dict(color="#999999", width=1.2), hoverinfo="skip",
                             showlegend=False), 1, 1)
    fig.add_trace(graph_trace(last["pred"], truth, labelled, pos), 1, 1)
    emb = rec.frames["embedding"]
    fig.add_trace(go.Scatter(x=_coords(last["embedding"][:, 0]), y=_coords(last["embedding"][:, 1]), mode="markers",
                             marker=dict(symbol=[SYMBOLS[int(t)] for t in truth], **node_style(last["pred"], labelled)),
                             text=[str(i) for i in range(len(truth))], showlegend=False,
                             hovertemplate="member %{text}: (%{x:.2f}, %{y:.2f})<extra></extra>"), 1, 2)
    for c, name in enumerate(karate.FACTIONS):  # legend entries only
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", marker=dict(color=COLOURS[c], size=10),
                                 name=f"predicted {name}"), 1, 2)
    lo, hi = float(emb.min()) - 0.1, float(emb.max()) + 0.1
    fig.update_xaxes(visible=False, row=1, col=1)
    fig.update_yaxes(visible=False, row=1, col=1)
    fig.update_xaxes(range=[lo, hi], title_text="dimension 1", row=1, col=2)
    fig.update_yaxes(range=[lo, hi], title_text="dimension 2", row=1, col=2)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=50, b=10),
                      legend=dict(orientation="h", y=-0.02, x=1, xanchor="right", yanchor="top"))
    frames = []
    for f in range(rec.n_frames):
        fr = rec.frame(f)
        style = node_style(fr["pred"], labelled)
        frames.append({1: {"marker": dict(style, symbol=[SYMBOLS[int(t)] for t in truth])},
                       2: {"x": _coords(fr["embedding"][:, 0]), "y": _coords(fr["embedding"][:, 1]),
                           "marker": dict(style, symbol=[SYMBOLS[int(t)] for t in truth])}})
    return replay.animate(fig, frames, [int(s) for s in rec.steps], prefix="epoch ")


def unlabelled_accuracy(pred: np.ndarray, rec: replay.Recording) -> float:
    mask = np.ones(len(pred), dtype=bool)
    mask[list(rec.meta["labelled"])] = False
    return float((pred[mask] == rec.meta["truth"][mask]).mean())


def hero_caption(rec: replay.Recording) -> str:
    """Accuracy of the last frame on the 30 unlabelled members, which ones are wrong, the epoch it first
    reached its final accuracy, and the two baselines' accuracy on the same members (on a slide the
    baselines' figure is not shown, so the lesson's comparisons are read here)."""
    pred, truth = rec.frame(-1)["pred"], rec.meta["truth"]
    acc = unlabelled_accuracy(pred, rec)
    wrong = [i for i in range(len(pred)) if pred[i] != truth[i] and i not in rec.meta["labelled"]]
    curve = rec.curves.get("accuracy", np.array([acc]))
    first = int(np.argmax(curve >= curve[-1] - 1e-9)) + 1
    miss = f"wrong about member{'s' if len(wrong) > 1 else ''} {', '.join(map(str, wrong))}" if wrong else "wrong about no one"
    return (f"After {int(rec.steps[-1])} epochs with {rec.meta['features']} features, the GCN puts "
            f"{acc:.0%} of the {len(pred) - len(rec.meta['labelled'])} unlabelled members in their true faction "
            f"({miss}); it first reached that accuracy at epoch {first}. It was told the factions of members "
            f"{', '.join(map(str, rec.meta['labelled']))} only. On the same members the MLP without edges gets "
            f"{unlabelled_accuracy(rec.meta['mlp_pred'], rec):.0%} and label propagation "
            f"{unlabelled_accuracy(rec.meta['lp_pred'], rec):.0%}.")


def baselines_figure(rec: replay.Recording, height: int = 300) -> go.Figure:
    """The three methods' final predictions on the same drawing of the club."""
    pos, truth, labelled = karate.positions(), rec.meta["truth"], tuple(rec.meta["labelled"])
    preds = {"GCN": rec.frame(-1)["pred"], "MLP (no edges)": rec.meta["mlp_pred"],
             "Label propagation": rec.meta["lp_pred"]}
    fig = make_subplots(1, 3, subplot_titles=[f"{k}: {unlabelled_accuracy(v, rec):.0%}" for k, v in preds.items()],
                        horizontal_spacing=0.03)
    ex, ey = edge_xy(pos)
    for c, pred in enumerate(preds.values()):
        fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", line=dict(color="#CCCCCC", width=1), hoverinfo="skip",
                                 showlegend=False), 1, c + 1)
        fig.add_trace(graph_trace(pred, truth, labelled, pos), 1, c + 1)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10))
    return fig


def baselines_caption(rec: replay.Recording) -> str:
    scores = {"the GCN": unlabelled_accuracy(rec.frame(-1)["pred"], rec), "the MLP": rec.meta["mlp_accuracy"],
              "label propagation": rec.meta["lp_accuracy"]}
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    order = ", ".join(f"{k} {v:.0%}" for k, v in ranked)
    return (f"Accuracy on the unlabelled members: {order}. The MLP sees each member's own features only, never whom they "
            f"are linked to; label propagation uses the edges and no features.")


def features_figure(table: dict[str, dict[str, float]], lp: float, height: int = 300) -> go.Figure:
    fig = go.Figure()
    for k, model in enumerate(("GCN", "MLP")):
        fig.add_trace(go.Bar(x=list(table), y=[table[f][model] for f in table], name=model,
                             marker_color=OKABE_ITO[k * 2], text=[f"{table[f][model]:.0%}" for f in table]))
    fig.add_hline(y=lp, line_dash="dash", annotation_text=f"label propagation {lp:.0%}")
    fig.update_layout(height=height, yaxis=dict(range=[0, 1.05], title="unlabelled accuracy", tickformat=".0%"),
                      xaxis_title="node features", margin=dict(l=10, r=10, t=30, b=10), barmode="group")
    return fig


def features_caption(table: dict[str, dict[str, float]], lp: float) -> str:
    score = {f: table[f]["GCN"] for f in table}
    top, low = max(score.values()), min(score.values())
    best = " and ".join(f for f in table if score[f] == top)
    worst = " and ".join(f for f in table if score[f] == low)
    gcn = (f"the GCN scores {top:.0%} with every kind" if top == low else
           f"the GCN does best with {best} features ({top:.0%}) and worst with {worst} ({low:.0%})")
    return (f"Same seed and epochs, three kinds of node features: {gcn}; the MLP scores "
            + ", ".join(f"{table[f]['MLP']:.0%}" for f in table) + f" ({', '.join(table)}); label propagation, "
            f"which uses no features, {lp:.0%}.")


def cost_text(rec: replay.Recording) -> str:
    return (f"Recording the GCN's {int(rec.steps[-1])} epochs took {rec.seconds:.2f} s on a server core (the MLP "
            f"and label propagation are computed beside it); ▶ Play and the slider replay {rec.n_frames} snapshots "
            f"in your browser.")


def curves_figure(rec: replay.Recording, height: int = 280) -> go.Figure:
    """Unlabelled accuracy after every epoch: the GCN, the MLP, and label propagation (no training) as a line."""
    fig = go.Figure()
    epochs = list(range(1, len(rec.curves.get("accuracy", [])) + 1))
    fig.add_trace(go.Scatter(x=epochs, y=rec.curves.get("accuracy", []), name="GCN", line=dict(color=OKABE_ITO[0])))
    fig.add_trace(go.Scatter(x=epochs, y=rec.meta["mlp_curve"][:len(epochs)], name="MLP (no edges)",
                             line=dict(color=OKABE_ITO[2])))
    fig.add_hline(y=rec.meta["lp_accuracy"], line_dash="dash",
                  annotation_text=f"label propagation {rec.meta['lp_accuracy']:.0%}")
    fig.update_layout(height=height, xaxis_title="epoch", yaxis=dict(title="unlabelled accuracy", range=[0, 1.05],
                                                                      tickformat=".0%"),
                      margin=dict(l=10, r=10, t=30, b=10))
    return fig


def curves_caption(rec: replay.Recording) -> str:
    gcn, mlp = rec.curves.get("accuracy", np.zeros(1)), rec.meta["mlp_curve"]
    if len(gcn) == 0 or len(mlp) == 0:
        return "No epoch has run yet."
    return (f"Over the {len(gcn)} epochs the GCN's accuracy on the unlabelled members peaks at {gcn.max():.0%} and "
            f"ends at {gcn[-1]:.0%}; the MLP's peaks at {mlp.max():.0%} and ends at {mlp[-1]:.0%}. Only "
            f"{len(rec.meta['labelled'])} members' labels enter the loss, so these curves are measured on members the training never sees labelled.")
