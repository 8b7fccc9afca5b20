"""Few-shot, metric and zero-shot learning on models that ship with the gallery.

- Few-shot: prototypical networks (Snell et al. 2017): class means of embeddings, nearest prototype,
  on N-way K-shot episodes of held-out digits, and the embedding plane with its decision regions.
- Metric view (Siamese networks, Bromley et al. 1993): one shared encoder, distances of same vs
  different pairs, a threshold, false accepts and false rejects.
- Zero-shot: MiniLM sentence embeddings (Reimers & Gurevych 2019) against label descriptions.

Transfer learning itself (scratch, probe, fine-tuning, forgetting, teach it yourself) is `demos.transfer`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from demos.transfer import Progress, new_task, rgba, seeded_init
from models.transfer_cnn import TransferCnn


# ---------------------------------------------------------------- few-shot: prototypes and episodes
ENCODERS = {"cnn04": "Digit CNN taught 0-4", "imagenet": "EfficientNet-Lite0 (ImageNet)",
            "random": "Same CNN, random weights", "pixels": "Raw pixels"}  # name -> legend


@torch.no_grad()
def digit_embeddings(backbone: TransferCnn, imagenet: torch.Tensor | None = None,
                     on_progress: Progress = None) -> dict[str, torch.Tensor]:
    """Every encoder's embedding of the 500 held-out digits 5-9 (classes `cnn04` never saw), in
    `new_task()["test_x"]` order; "imagenet" only when its features (digit_imagenet_features) are given."""
    x = new_task()["test_x"]
    random_cnn = seeded_init(TransferCnn(backbone.config), seed=0).eval()
    out = {"cnn04": backbone.embed(x), "random": random_cnn.embed(x), "pixels": x.flatten(1)}
    if imagenet is not None:
        out["imagenet"] = imagenet
    return out


@dataclass(frozen=True)
class Episode:
    classes: tuple[int, ...]  # the N new-task labels drawn (0-4 = digits 5-9)
    support: torch.Tensor  # (N*K,) indices, grouped by class
    support_labels: torch.Tensor  # (N*K,) episode labels 0..N-1
    query: torch.Tensor  # (N*Q,) indices, disjoint from the support
    query_labels: torch.Tensor  # (N*Q,)


def episode(labels: torch.Tensor, n_way: int, k_shot: int, n_query: int, seed: int) -> Episode:
    """An N-way K-shot episode: N classes at random, K support and Q query examples of each."""
    gen = torch.Generator().manual_seed(seed)
    all_classes = labels.unique()
    classes = all_classes[torch.randperm(len(all_classes), generator=gen)[:n_way]].sort().values
    sup, qry = [], []
    for c in classes.tolist():
        rows = (labels == c).nonzero().flatten()
        rows = rows[torch.randperm(len(rows), generator=gen)]
        sup.append(rows[:k_shot])
        qry.append(rows[k_shot:k_shot + n_query])
    def tags(parts):
        return torch.cat([torch.full((len(p),), i) for i, p in enumerate(parts)])
    return Episode(tuple(classes.tolist()), torch.cat(sup), tags(sup), torch.cat(qry), tags(qry))


def prototypes(embeddings: torch.Tensor, labels: torch.Tensor, n_classes: int) -> torch.Tensor:
    """Prototypical networks: each class's prototype is the mean of its support embeddings. (N, D)"""
    return torch.stack([embeddings[labels == c].mean(0) for c in range(n_classes)])


def nearest_prototype(embeddings: torch.Tensor, protos: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(predicted class, squared Euclidean distances (B, N)): softmax(-d) is the ProtoNet posterior."""
    d = torch.cdist(embeddings.double(), protos.double()) ** 2
    return d.argmin(1), d


def few_shot_accuracy(embeddings: torch.Tensor, labels: torch.Tensor, n_way: int, k_shot: int,
                      episodes: int = 200, n_query: int = 15, seed: int = 0) -> tuple[float, float]:
    """Mean query accuracy over `episodes` random episodes, and its 95 % confidence half-width."""
    accs = []
    for e in range(episodes):
        ep = episode(labels, n_way, k_shot, n_query, seed * 100_003 + e)
        pred, _ = nearest_prototype(embeddings[ep.query], prototypes(embeddings[ep.support], ep.support_labels, n_way))
        accs.append((pred == ep.query_labels).double().mean().item())
    return float(np.mean(accs)), float(1.96 * np.std(accs, ddof=1) / math.sqrt(episodes)) if episodes > 1 else 0.0


def few_shot_curve(embeddings: dict[str, torch.Tensor], labels: torch.Tensor, n_way: int,
                   k_values: Sequence[int] = (1, 2, 5, 10, 20), episodes: int = 200, seed: int = 0,
                   on_progress: Progress = None) -> pd.DataFrame:
    """Few-shot accuracy vs K for every encoder (same episodes for all): encoder, k, accuracy, ci."""
    rows, total = [], len(embeddings) * len(k_values)
    for name, emb in embeddings.items():
        for k in k_values:
            mean, ci = few_shot_accuracy(emb, labels, n_way, k, episodes, seed=seed)
            rows.append({"encoder": name, "k": k, "accuracy": mean, "ci": ci})
            if on_progress:
                on_progress(len(rows) / total)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Plane:
    origin: torch.Tensor  # (D,) centre of the prototypes
    basis: torch.Tensor  # (2, D) orthonormal rows
    exact: bool  # True when the prototypes lie in the plane (N <= 3): regions then decide exactly

    def coords(self, points: torch.Tensor) -> np.ndarray:
        return ((points.double() - self.origin) @ self.basis.T).numpy()


def prototype_plane(protos: torch.Tensor, points: torch.Tensor) -> Plane:
    """The 2-D view of an episode: the plane through the prototypes' centre spanned by their two main
    directions (topped up from the points' spread when N = 2). Nearest-prototype decisions depend only
    on a point's projection onto the prototypes' affine hull, so for N <= 3 the regions drawn in this
    plane are the classifier's exact decision regions."""
    p = protos.double()
    origin = p.mean(0)
    _, s, vt = torch.linalg.svd(p - origin, full_matrices=False)
    dirs = vt[s > 1e-9 * max(float(s.max()), 1e-12)][:2]
    if len(dirs) < 2:
        rest = points.double() - origin
        rest = rest - (rest @ dirs.T) @ dirs
        _, _, vt2 = torch.linalg.svd(rest, full_matrices=False)
        dirs = torch.cat([dirs, vt2[:2 - len(dirs)]])
    return Plane(origin, dirs, exact=len(protos) <= 3)


def plane_regions(plane: Plane, protos: torch.Tensor, extent: np.ndarray, size: int = 80) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest prototype (in the full space) for every point of a size x size grid on the plane.
    extent: (xmin, xmax, ymin, ymax). Returns (xs, ys, labels (size, size))."""
    xs, ys = np.linspace(extent[0], extent[1], size), np.linspace(extent[2], extent[3], size)
    g = torch.from_numpy(np.stack(np.meshgrid(xs, ys), -1).reshape(-1, 2))
    lifted = plane.origin + g @ plane.basis  # (size*size, D)
    pred, _ = nearest_prototype(lifted, protos)
    return xs, ys, pred.reshape(size, size).numpy()


# ---------------------------------------------------------------- metric view: verification by distance
def pair_distances(embeddings: torch.Tensor, labels: torch.Tensor, n_pairs: int = 2000,
                   seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Distances between L2-normalised embeddings (0 = same direction, 2 = opposite) of `n_pairs`
    random same-class pairs and `n_pairs` random different-class pairs: the Siamese view, one
    shared encoder applied to both images of a pair."""
    gen = torch.Generator().manual_seed(seed)
    z = F.normalize(embeddings.double(), dim=1)
    n = len(labels)
    i, j = torch.randint(n, (8 * n_pairs,), generator=gen), torch.randint(n, (8 * n_pairs,), generator=gen)
    ok = i != j
    i, j = i[ok], j[ok]
    same = labels[i] == labels[j]
    def dist(a, b):
        return (z[a] - z[b]).norm(dim=1).numpy()
    return dist(i[same][:n_pairs], j[same][:n_pairs]), dist(i[~same][:n_pairs], j[~same][:n_pairs])


def error_rates(same: np.ndarray, different: np.ndarray, threshold: float) -> tuple[float, float]:
    """Verification says "same" when distance <= threshold: (false accept rate = different pairs
    accepted, false reject rate = same pairs rejected)."""
    return float(np.mean(different <= threshold)), float(np.mean(same > threshold))


def roc(same: np.ndarray, different: np.ndarray) -> dict[str, np.ndarray | float]:
    """ROC over every threshold: false accept rate vs true accept rate, its area, and the equal
    error rate (where false accepts = false rejects) with its threshold."""
    thresholds = np.unique(np.concatenate([[0.0], same, different, [np.inf]]))
    far = np.array([np.mean(different <= t) for t in thresholds])
    tar = np.array([np.mean(same <= t) for t in thresholds])
    frr = 1 - tar
    i = int(np.argmin(np.abs(far - frr)))
    return {"far": far, "tar": tar, "auc": float(np.trapezoid(tar, far)), "eer": float((far[i] + frr[i]) / 2),
            "eer_threshold": float(thresholds[i])}


# ---------------------------------------------------------------- zero-shot: sentences vs label descriptions
TEMPLATE = "This text is about {}."  # how a bare label is turned into a sentence before embedding
DEFAULT_SENTENCES = "\n".join((
    "The striker curled the ball into the top corner in the last minute of the match.",
    "Simmer the onions slowly until they turn golden, then stir in the garlic.",
    "The central bank raised interest rates by half a point to cool inflation.",
    "After a five-year journey the probe finally entered orbit around Jupiter.",
    "My laptop freezes whenever I open more than ten browser tabs.",
    "She finished the marathon despite a blister on her heel.",
    "Knead the dough for ten minutes and let it rise overnight in the fridge.",
    "Astronomers spotted a comet that will be visible with binoculars next month.",
))
DEFAULT_LABELS = "\n".join(("sport", "cooking", "money and the economy", "space", "computers"))
MAX_SENTENCES, MAX_LABELS, MAX_LINE = 30, 12, 500  # input caps: lines and characters per line


def read_lines(text: str, max_lines: int, max_chars: int = MAX_LINE) -> tuple[list[str], list[str]]:
    """Non-empty, stripped, de-duplicated lines (at most `max_lines`, each cut to `max_chars`), and
    notes about what was dropped or cut."""
    notes, seen, out = [], set(), []
    lines = [ln.strip() for ln in text.replace("\r", "\n").split("\n")]
    for ln in lines:
        if not ln or ln in seen:
            continue
        if len(out) == max_lines:
            notes.append(f"only the first {max_lines} lines are used")
            break
        if len(ln) > max_chars:
            notes.append(f"a line of {len(ln):,} characters was cut to {max_chars}")
            ln = ln[:max_chars]
        seen.add(ln)
        out.append(ln)
    return out, notes


def label_prompts(labels: Sequence[str], template: str | None = TEMPLATE) -> tuple[list[str], list[str]]:
    """Each label line is "name" or "name: description": (names, texts to embed). A bare name is put
    in `template`; a description is embedded as written."""
    names, texts = [], []
    for line in labels:
        name, sep, description = line.partition(":")
        base = name.strip() or line.strip()
        shown, n = base, 2
        while shown in names:  # two lines may share a name: keep them apart on the chart
            shown, n = f"{base} ({n})", n + 1
        names.append(shown)
        texts.append(description.strip() if sep and description.strip() else (template.format(base) if template else base))
    return names, texts


@torch.no_grad()
def sentence_embeddings(text_model, sentences: Sequence[str], max_tokens: int = 256, batch: int = 32) -> torch.Tensor:
    """all-MiniLM-L6-v2 as it is meant to be used: mean of the last hidden states over real tokens
    (attention mask), then L2-normalised. (S, 384)."""
    tokenizer, model = text_model
    out = []
    for i in range(0, len(sentences), batch):
        enc = tokenizer(list(sentences[i:i + batch]), padding=True, truncation=True, max_length=max_tokens,
                        return_tensors="pt")
        hidden = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)  # (B, T, 1)
        out.append(F.normalize((hidden * mask).sum(1) / mask.sum(1).clamp_min(1e-9), dim=1))
    return torch.cat(out)


def zero_shot(text_model, sentences: Sequence[str], label_texts: Sequence[str]) -> np.ndarray:
    """Cosine similarity of every sentence to every label text: (S, L); the label with the largest
    similarity is the prediction. No example of any label was ever used."""
    s, l = sentence_embeddings(text_model, sentences), sentence_embeddings(text_model, label_texts)
    return (s @ l.T).numpy()


def few_shot_curve_sentence(curve: pd.DataFrame, n_way: int, k: int = 5) -> str:
    """The encoders ranked at one K, with the widest confidence interval of the chart."""
    at = curve[curve["k"] == k].set_index("encoder")["accuracy"].sort_values(ascending=False)
    return (f"{k}-shot {n_way}-way: " + ", ".join(f"{ENCODERS[e]} {v:.0%}" for e, v in at.items())
            + f" (the same episodes for every embedding; 95 % intervals at most ±{curve['ci'].max():.1%}).")


def episode_sentence(plane: Plane, protos: torch.Tensor, query: torch.Tensor, query_labels: torch.Tensor,
                     n_way: int, k_shot: int) -> str:
    """The episode's accuracy, and how faithful the 2-D picture is."""
    pred, _ = nearest_prototype(query, protos)
    acc = (pred == query_labels).double().mean().item()
    text = (f"{n_way}-way {k_shot}-shot: {int((pred == query_labels).sum())} of {len(query_labels)} query digits "
            f"({acc:.0%}) are nearest to their own class's prototype.")
    if plane.exact:
        return text + " With 3 or fewer prototypes the plane holds them all, so the regions are the exact decision regions."
    xy = plane.coords(query)
    lifted = plane.origin + torch.from_numpy(xy) @ plane.basis
    moved = int((nearest_prototype(lifted, protos)[0] != pred).sum())
    return text + (f" With {n_way} prototypes the plane shows only 2 of their {n_way - 1} directions: "
                   f"{moved} query point(s) sit in a region other than the one they are classified into.")


def verification_sentence(same: np.ndarray, different: np.ndarray, threshold: float) -> str:
    far, frr = error_rates(same, different, threshold)
    r = roc(same, different)
    return (f"At distance threshold {threshold:.2f}: {far:.1%} of different-digit pairs are accepted as the same "
            f"(false accepts), {frr:.1%} of same-digit pairs are rejected (false rejects). Area under the ROC "
            f"{r['auc']:.3f}; false accepts equal false rejects ({r['eer']:.1%}) at {r['eer_threshold']:.2f}.")


def zero_shot_sentence(similarity: np.ndarray, sentences: Sequence[str], names: Sequence[str]) -> str:
    """What each label won, and the least certain call (smallest gap between the two best labels)."""
    best = similarity.argmax(1)
    counts = {names[j]: int((best == j).sum()) for j in range(len(names))}
    won = ", ".join(f"{n}: {c}" for n, c in counts.items() if c)
    if similarity.shape[1] < 2:
        return f"Sentences per label: {won}."
    top2 = np.sort(similarity, axis=1)[:, -2:]
    gap = top2[:, 1] - top2[:, 0]
    i = int(gap.argmin())
    short = sentences[i] if len(sentences[i]) <= 50 else sentences[i][:50] + "…"
    return (f"Sentences per label: {won}. Closest call: “{short}” → {names[best[i]]} by a cosine margin of "
            f"{gap[i]:.3f}.")


def episode_figure(plane: Plane, protos: torch.Tensor, support: torch.Tensor, support_labels: torch.Tensor,
                   query: torch.Tensor, query_labels: torch.Tensor, names: Sequence[str], height: int = 440):
    """The episode in its 2-D plane: nearest-prototype regions, support examples (circles), query
    examples (small; a cross when misclassified), prototypes (stars)."""
    import plotly.graph_objects as go

    from demos.plots import OKABE_ITO

    s_xy, q_xy, p_xy = plane.coords(support), plane.coords(query), plane.coords(protos)
    every = np.concatenate([s_xy, q_xy, p_xy])
    lo, hi = every.min(0), every.max(0)
    pad = 0.08 * (hi - lo + 1e-9)
    xs, ys, regions = plane_regions(plane, protos, np.array([lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1]]))
    n = len(protos)
    colours = [OKABE_ITO[i % 8] for i in range(n)]
    scale = [[i / max(n - 1, 1), rgba(c, 0.22)] for i, c in enumerate(colours)] if n > 1 else [[0, rgba(colours[0], 0.22)], [1, rgba(colours[0], 0.22)]]
    fig = go.Figure(go.Heatmap(x=xs, y=ys, z=regions, colorscale=scale, zmin=0, zmax=max(n - 1, 1), showscale=False,
                               hoverinfo="skip", name="regions"))
    pred, _ = nearest_prototype(query, protos)
    for c in range(n):
        sel = (support_labels == c).numpy()
        fig.add_trace(go.Scatter(x=s_xy[sel, 0], y=s_xy[sel, 1], mode="markers", name=f"{names[c]}: support",
                                 marker=dict(size=11, color=colours[c], line=dict(width=1.5, color="black"))))
        for ok in (True, False):
            q = ((query_labels == c) & ((pred == query_labels) == ok)).numpy()
            if q.any():
                fig.add_trace(go.Scatter(x=q_xy[q, 0], y=q_xy[q, 1], mode="markers",
                                         name=f"{names[c]}: query" + ("" if ok else ", wrong"),
                                         marker=dict(size=7 if ok else 11, color=colours[c], symbol="circle" if ok else "x",
                                                     opacity=0.75, line=dict(width=0.5, color="white"))))
    fig.add_trace(go.Scatter(x=p_xy[:, 0], y=p_xy[:, 1], mode="markers+text", name="prototypes",
                             text=[f"<b>{n}</b>" for n in names], textposition="top right", textfont=dict(size=18),
                             marker=dict(size=22, symbol="star", color=colours, line=dict(width=2, color="black"))))
    fig.update_xaxes(title="plane axis 1", showgrid=False, zeroline=False, range=[xs[0], xs[-1]], constrain="domain")
    fig.update_yaxes(title="plane axis 2", showgrid=False, zeroline=False, range=[ys[0], ys[-1]], scaleanchor="x",
                     constrain="domain")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), legend=dict(font=dict(size=11)))
    return fig
