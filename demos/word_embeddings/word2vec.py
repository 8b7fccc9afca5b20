"""Word2vec's skip-gram with negative sampling (Mikolov et al. 2013, "Distributed Representations of
Words and Phrases and their Compositionality"), written out in numpy with its gradients by hand and
trained live on the page's corpus; and the count-based alternative it is compared with: SVD of the
positive PMI co-occurrence matrix (Levy & Goldberg 2014 showed SGNS implicitly factorises a shifted PMI).

Loss of one (centre c, context o) pair with negatives n_1..n_k drawn from unigram^0.75:
    −log σ(u_o·v_c) − Σ_k log σ(−u_{n_k}·v_c)
v = W_in (the word vectors kept), u = W_out. The full softmax over V words would cost V dot products
per pair; negative sampling costs k + 1."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos.plots import OKABE_ITO, layout
from demos.replay import Recording, animate, record
from demos.word_embeddings import corpus

WINDOW_RANGE, NEGATIVES_RANGE, DIM_RANGE = (1, 5), (1, 10), (4, 48)
DEFAULTS = {"window": 4, "negatives": 5, "dim": 16}
EPOCHS = 4
BATCH = 512  # pairs per step
LEARNING_RATE = 0.02  # per pair, decayed linearly to 0.0001 × it (word2vec's schedule)
N_FRAMES = 50


@dataclass(frozen=True)
class Corpus:
    words: tuple[str, ...]  # vocabulary, most frequent first
    ids: np.ndarray  # (T,) the corpus as ids (sentences joined; pairs never cross a sentence)
    sentence: np.ndarray  # (T,) which sentence each token is in
    counts: np.ndarray  # (V,) occurrences


def load_corpus(n_sentences: int = 2400, seed: int = 0) -> Corpus:
    sentences = [s.split() for s in corpus.sentences(n_sentences, seed)]
    counts = Counter(w for s in sentences for w in s)
    words = tuple(sorted(counts, key=lambda w: (-counts[w], w)))
    index = {w: i for i, w in enumerate(words)}
    ids = np.array([index[w] for s in sentences for w in s])
    sentence = np.repeat(np.arange(len(sentences)), [len(s) for s in sentences])
    return Corpus(words, ids, sentence, np.array([counts[w] for w in words]))


def skipgram_pairs(c: Corpus, window: int) -> np.ndarray:
    """(P, 2) every (centre, context) pair at distance 1..window inside a sentence."""
    out = []
    for offset in range(1, window + 1):
        same = c.sentence[offset:] == c.sentence[:-offset]
        a, b = c.ids[:-offset][same], c.ids[offset:][same]
        out += [np.stack([a, b], 1), np.stack([b, a], 1)]
    return np.concatenate(out)


def sgns_loss_and_grads(w_in: np.ndarray, w_out: np.ndarray, centres: np.ndarray, contexts: np.ndarray,
                        negatives: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """Summed SGNS loss over a batch and its gradients with respect to W_in and W_out (by hand:
    d/dx −log σ(x) = σ(x) − 1 and d/dx −log σ(−x) = σ(x)). centres, contexts: (B,); negatives: (B, k)."""
    v = w_in[centres]  # (B, d)
    u_pos, u_neg = w_out[contexts], w_out[negatives]  # (B, d), (B, k, d)
    s_pos = np.einsum("bd,bd->b", v, u_pos)
    s_neg = np.einsum("bd,bkd->bk", v, u_neg)
    loss = float(np.logaddexp(0, -s_pos).sum() + np.logaddexp(0, s_neg).sum())
    g_pos = _sigmoid(s_pos) - 1  # (B,)
    g_neg = _sigmoid(s_neg)  # (B, k)
    grad_in, grad_out = np.zeros_like(w_in), np.zeros_like(w_out)
    np.add.at(grad_in, centres, g_pos[:, None] * u_pos + np.einsum("bk,bkd->bd", g_neg, u_neg))
    np.add.at(grad_out, contexts, g_pos[:, None] * v)
    np.add.at(grad_out, negatives.ravel(), (g_neg[:, :, None] * v[:, None, :]).reshape(-1, v.shape[1]))
    return loss, grad_in, grad_out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.tanh(0.5 * x))  # no overflow for large |x|


def analogy_accuracy(vectors: np.ndarray, words: tuple[str, ...]) -> dict[str, float]:
    """Top-1 accuracy of b − a + c (unit rows, inputs excluded) on every question of each relation."""
    index = {w: i for i, w in enumerate(words)}
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    out = {}
    for name, pairs in corpus.RELATIONS.items():
        qs = [(a, b, c, d) for a, b in pairs for c, d in pairs if a != c]
        ia, ib, ic, idd = (np.array([index[q[j]] for q in qs]) for j in range(4))
        scores = (unit[ib] - unit[ia] + unit[ic]) @ unit.T
        rows = np.arange(len(qs))
        for col in (ia, ib, ic):
            scores[rows, col] = -np.inf
        out[name] = float((scores.argmax(1) == idd).mean())
    return out


def train(window: int, negatives: int, dim: int, seed: int, epochs: int = EPOCHS, n_frames: int = N_FRAMES,
          on_progress=None) -> Recording:
    """Record SGNS training: frames hold the analogy accuracy per relation and the 2-D PCA of the 64
    relation words; curves hold each step's mean loss per pair."""
    c = load_corpus()
    rng = np.random.default_rng(seed)
    pairs = skipgram_pairs(c, window)
    v_size = len(c.words)
    w_in = ((rng.random((v_size, dim)) - 0.5) / dim)
    w_out = np.zeros((v_size, dim))
    noise = c.counts ** 0.75 / (c.counts ** 0.75).sum()
    per_epoch = int(np.ceil(len(pairs) / BATCH))
    total = per_epoch * epochs
    order: list[np.ndarray] = []
    relation = [c.words.index(w) for w in corpus.relation_words()[0]]

    def step(i: int) -> dict[str, float]:
        nonlocal w_in, w_out
        if (i - 1) % per_epoch == 0:
            order.append(rng.permutation(len(pairs)))
        batch = pairs[order[-1][((i - 1) % per_epoch) * BATCH:][:BATCH]]
        negs = rng.choice(v_size, size=(len(batch), negatives), p=noise)
        loss, g_in, g_out = sgns_loss_and_grads(w_in, w_out, batch[:, 0], batch[:, 1], negs)
        lr = LEARNING_RATE * max(1 - (i - 1) / total, 1e-4)
        w_in, w_out = w_in - lr * g_in, w_out - lr * g_out
        return {"loss": loss / len(batch)}

    def snapshot() -> dict[str, np.ndarray]:
        acc = analogy_accuracy(w_in, c.words)
        return {"accuracy": np.array([acc[r] for r in corpus.RELATIONS]), "points": _pca(w_in[relation])}

    return record(step, snapshot, total, n_frames, on_progress=on_progress,
                  meta={"pairs": len(pairs), "per_epoch": per_epoch, "words": c.words, "tokens": len(c.ids)})


def _pca(x: np.ndarray) -> np.ndarray:
    x = x - x.mean(0)
    if not np.any(x):
        return np.zeros((len(x), 2))
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    axes = vt[:2] * np.sign(vt[:2][np.arange(2), np.abs(vt[:2]).argmax(axis=1)])[:, None]
    flat = x @ axes.T
    return flat / np.abs(flat).max()  # each frame fills the panel: the player keeps fixed axes


def ppmi_svd(window: int, dim: int) -> np.ndarray:
    """Count-based vectors: the positive pointwise mutual information of (word, context) counts in the
    same windows, factorised by SVD, U_d √Σ_d (no training, no randomness)."""
    c = load_corpus()
    pairs = skipgram_pairs(c, window)
    v_size = len(c.words)
    counts = np.zeros((v_size, v_size))
    np.add.at(counts, (pairs[:, 0], pairs[:, 1]), 1.0)
    u, s, _ = np.linalg.svd(ppmi(counts))
    return u[:, :dim] * np.sqrt(s[:dim])


def ppmi(counts: np.ndarray) -> np.ndarray:
    """max(0, log P(w, c) / (P(w) P(c))) of a (word, context) count matrix; 0 where a pair never occurs."""
    expected = counts.sum(1, keepdims=True) * counts.sum(0, keepdims=True) / counts.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.maximum(np.log(np.where(counts > 0, counts / expected, 1.0)), 0.0)


# ---------------------------------------------------------------- the recording, replayed in the browser
def training_figure(rec: Recording, height: int = 440) -> go.Figure:
    """Left: the 64 relation words (PCA of W_in, each frame its own axes); right: analogy accuracy per
    relation against the step, a marker on the frame shown. ▶ Play and the slider run in the browser."""
    words, groups = corpus.relation_words()
    names = list(corpus.RELATIONS)
    steps, acc, points = rec.steps, rec.frames["accuracy"], rec.frames["points"]
    fig = make_subplots(1, 2, subplot_titles=("the relation words (PCA of W_in, scaled per frame)", "analogies solved (top-1)"),
                        horizontal_spacing=0.08)
    for g, name in enumerate(names):
        idx = [i for i, x in enumerate(groups) if x == name]
        fig.add_trace(go.Scatter(x=points[-1][idx, 0], y=points[-1][idx, 1], mode="markers+text",
                                 text=[words[i] for i in idx], textposition="top center", textfont=dict(size=9),
                                 marker=dict(color=OKABE_ITO[g], size=7), name=name, legendgroup=name), 1, 1)
    for g, name in enumerate(names):
        fig.add_trace(go.Scatter(x=steps, y=acc[:, g], mode="lines", line=dict(color=OKABE_ITO[g]),
                                 legendgroup=name, showlegend=False, hoverinfo="skip"), 1, 2)
    for g, name in enumerate(names):
        fig.add_trace(go.Scatter(x=[steps[-1]], y=[acc[-1, g]], mode="markers", marker=dict(color=OKABE_ITO[g], size=10),
                                 legendgroup=name, showlegend=False, hovertemplate=name + ": %{y:.0%}<extra></extra>"),
                      1, 2)
    fig.update_xaxes(showticklabels=False, range=[-1.2, 1.2], row=1, col=1)  # Plotly's player never rescales axes
    fig.update_yaxes(showticklabels=False, range=[-1.2, 1.2], row=1, col=1)
    fig.update_xaxes(title_text="training step", row=1, col=2)
    fig.update_yaxes(range=[-0.03, 1.03], tickformat=".0%", row=1, col=2)
    fig.update_layout(legend=dict(orientation="h", y=1.14))
    frames = []
    for f in range(rec.n_frames):
        update = {}
        for g, name in enumerate(names):
            idx = [i for i, x in enumerate(groups) if x == name]
            update[g] = {"x": points[f][idx, 0].tolist(), "y": points[f][idx, 1].tolist()}
            update[2 * len(names) + g] = {"x": [int(steps[f])], "y": [float(acc[f, g])]}
        frames.append(update)
    per_epoch = rec.meta["per_epoch"]
    labels = [f"{s} (epoch {s / per_epoch:.1f})" for s in steps]
    return animate(layout(fig, None, height), frames, labels)


def training_caption(rec: Recording, window: int, negatives: int, dim: int) -> str:
    acc = dict(zip(corpus.RELATIONS, rec.frames["accuracy"][-1]))
    best = max(acc, key=acc.get)
    stopped = " (stopped early)" if rec.stopped else ""
    return (f"Skip-gram, window {window}, {negatives} negatives, {dim} dimensions: {rec.meta['pairs']:,} pairs from "
            f"{rec.meta['tokens']:,} tokens, {int(rec.steps[-1]):,} steps of {BATCH}{stopped}. At the last frame it "
            f"solves {np.mean(list(acc.values())):.0%} of the analogies, {best} best ({acc[best]:.0%}); "
            f"before training, {rec.frames['accuracy'][0].mean():.0%}.")


def versus_svd(rec: Recording, window: int, dim: int) -> dict[str, tuple[float, float]]:
    """Per relation: (SGNS accuracy at the last frame, PPMI-SVD accuracy with the same window and size)."""
    svd = analogy_accuracy(ppmi_svd(window, dim), rec.meta["words"])
    return {r: (float(a), svd[r]) for r, a in zip(corpus.RELATIONS, rec.frames["accuracy"][-1])}


def versus_figure(scores: dict[str, tuple[float, float]], height: int = 300) -> go.Figure:
    names = list(scores)
    fig = go.Figure([go.Bar(x=names, y=[scores[n][0] for n in names], name="skip-gram (trained above)",
                            marker_color=OKABE_ITO[0]),
                     go.Bar(x=names, y=[scores[n][1] for n in names], name="SVD of PPMI counts",
                            marker_color=OKABE_ITO[1])])
    fig.update_layout(barmode="group", yaxis=dict(range=[0, 1.05], tickformat=".0%", title="analogies solved"),
                      legend=dict(orientation="h", y=1.15))
    return layout(fig, None, height)


def versus_caption(scores: dict[str, tuple[float, float]]) -> str:
    wins = [n for n, (a, b) in scores.items() if a > b]
    losses = [n for n, (a, b) in scores.items() if b > a]
    mean = [float(np.mean([s[i] for s in scores.values()])) for i in (0, 1)]
    return (f"Over all four relations skip-gram solves {mean[0]:.0%} and the count-based SVD {mean[1]:.0%}; "
            f"skip-gram is ahead on {', '.join(wins) or 'none'}, SVD on {', '.join(losses) or 'none'}.")
