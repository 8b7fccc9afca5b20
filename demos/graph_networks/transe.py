"""Knowledge-graph embeddings: TransE (Bordes et al. 2013) on a small family-and-places graph written
for this page. Every entity is a point and every relation a translation, trained so that h + r ≈ t for
true triples and not for corrupted ones; link prediction ranks every entity as the tail of (h, r, ?)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch

from demos.plots import OKABE_ITO

PEOPLE = ("Ada", "Ben", "Cleo", "Dan", "Eva", "Finn", "Gus", "Hana", "Ivo", "Jun", "Kofi", "Lina")
PLACES = {"Paris": "France", "Tokyo": "Japan", "Nairobi": "Kenya", "Lima": "Peru"}  # city -> its country
ENTITIES = PEOPLE + tuple(PLACES) + tuple(PLACES.values())
RELATIONS = ("parent of", "lives in", "capital of", "citizen of")
HOME = {"Ada": "Paris", "Ben": "Paris", "Cleo": "Paris", "Dan": "Paris", "Eva": "Tokyo", "Finn": "Tokyo",
        "Gus": "Tokyo", "Hana": "Nairobi", "Ivo": "Nairobi", "Jun": "Lima", "Kofi": "Lima", "Lina": "Nairobi"}
PARENTS = (("Ada", "Cleo"), ("Ben", "Cleo"), ("Ada", "Dan"), ("Ben", "Dan"), ("Eva", "Gus"), ("Finn", "Gus"),
           ("Hana", "Ivo"), ("Hana", "Lina"), ("Jun", "Kofi"))
HELD_OUT = ("Dan", "Gus", "Lina", "Kofi")  # their citizenship is hidden from training: link prediction finds it
DIM = 2  # drawn as it is
MARGIN_RANGE = (0.1, 3.0)
EPOCHS_RANGE = (50, 1000)
LR = 0.05


def triples() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(training triples, held-out triples) as (head, relation, tail) names."""
    train = [(p, "parent of", c) for p, c in PARENTS]
    train += [(p, "lives in", city) for p, city in HOME.items()]
    train += [(city, "capital of", country) for city, country in PLACES.items()]
    cit = [(p, "citizen of", PLACES[city]) for p, city in HOME.items()]
    return train + [t for t in cit if t[0] not in HELD_OUT], [t for t in cit if t[0] in HELD_OUT]


def ids(ts: list[tuple[str, str, str]]) -> torch.Tensor:
    """(T, 3) integer ids (head, relation, tail)."""
    return torch.tensor([(ENTITIES.index(h), RELATIONS.index(r), ENTITIES.index(t)) for h, r, t in ts])


def distance(e: torch.Tensor, r: torch.Tensor, t3: torch.Tensor) -> torch.Tensor:
    """d(h, r, t) = ‖e_h + r_r − e_t‖₂ per triple (the score is −d). e: (E, D), r: (R, D), t3: (T, 3)."""
    return (e[t3[:, 0]] + r[t3[:, 1]] - e[t3[:, 2]]).norm(dim=1)


def margin_loss(e: torch.Tensor, r: torch.Tensor, pos: torch.Tensor, neg: torch.Tensor, margin: float) -> torch.Tensor:
    """Mean over pairs of max(0, margin + d(true triple) − d(its corrupted copy))."""
    return torch.relu(margin + distance(e, r, pos) - distance(e, r, neg)).mean()


def corrupt(pos: torch.Tensor, n_entities: int, generator: torch.Generator) -> torch.Tensor:
    """Each triple with its head or its tail (a fair coin) replaced by a uniformly drawn other entity."""
    neg = pos.clone()
    side = torch.randint(0, 2, (len(pos),), generator=generator) * 2  # column 0 (head) or 2 (tail)
    other = torch.randint(0, n_entities - 1, (len(pos),), generator=generator)
    current = pos[torch.arange(len(pos)), side]
    neg[torch.arange(len(pos)), side] = other + (other >= current).long()  # never the entity it replaces
    return neg


@dataclass(frozen=True)
class Embedding:
    entities: np.ndarray  # (E, 2)
    relations: np.ndarray  # (R, 2)
    loss: list[float]
    margin: float
    epochs: int


def train(margin: float, epochs: int, seed: int, on_progress: Callable[[float], None] | None = None) -> Embedding:
    """Full-batch Adam on the margin loss, one corrupted copy per true triple per epoch; entities are
    projected back into the unit disc after each step (the paper renormalises them to norm 1, which in
    two dimensions would leave them only a circle)."""
    g = torch.Generator().manual_seed(seed)
    e = (torch.rand(len(ENTITIES), DIM, generator=g) * 2 - 1).requires_grad_()
    r = ((torch.rand(len(RELATIONS), DIM, generator=g) * 2 - 1) * 0.5).requires_grad_()
    pos = ids(triples()[0])
    opt = torch.optim.Adam([e, r], lr=LR)
    losses = []
    for i in range(epochs):
        opt.zero_grad()
        loss = margin_loss(e, r, pos, corrupt(pos, len(ENTITIES), g), margin)
        loss.backward()
        opt.step()
        with torch.no_grad():
            e /= e.norm(dim=1, keepdim=True).clamp(min=1.0)
        losses.append(loss.item())
        if on_progress is not None and (i + 1) % 50 == 0:
            on_progress((i + 1) / epochs)
    return Embedding(e.detach().numpy().copy(), r.detach().numpy().copy(), losses, margin, epochs)


def rank_tails(emb: Embedding, head: str, relation: str) -> list[tuple[str, float]]:
    """Every entity as the tail of (head, relation, ?), nearest to e_head + r first."""
    target = emb.entities[ENTITIES.index(head)] + emb.relations[RELATIONS.index(relation)]
    d = np.linalg.norm(emb.entities - target, axis=1)
    return [(ENTITIES[i], float(d[i])) for i in np.argsort(d, kind="stable")]


def filtered_rank(emb: Embedding, triple: tuple[str, str, str]) -> int:
    """The true tail's rank (1 = best) among entities that would not make another known true triple."""
    known = {t for h, r, t in triples()[0] if h == triple[0] and r == triple[1]} - {triple[2]}
    names = [n for n, _ in rank_tails(emb, triple[0], triple[1]) if n not in known]
    return names.index(triple[2]) + 1


def kind(name: str) -> str:
    return "person" if name in PEOPLE else "city" if name in PLACES else "country"


def embedding_figure(emb: Embedding, head: str, relation: str, height: int = 460) -> go.Figure:
    """Entities as points; each training triple of `relation` as an arrow e_h → e_h + r; the query's
    arrow in red, ending where its tail should be."""
    fig = go.Figure()
    for k, what in enumerate(("person", "city", "country")):
        idx = [i for i, n in enumerate(ENTITIES) if kind(n) == what]
        fig.add_trace(go.Scatter(x=emb.entities[idx, 0], y=emb.entities[idx, 1], mode="markers+text", name=what,
                                 text=[ENTITIES[i] for i in idx], textposition="top center",
                                 marker=dict(size=11, color=OKABE_ITO[k], symbol=("circle", "square", "diamond")[k])))
    rv = emb.relations[RELATIONS.index(relation)]
    for h, rel, _ in triples()[0]:
        if rel == relation:
            s = emb.entities[ENTITIES.index(h)]
            fig.add_annotation(x=s[0] + rv[0], y=s[1] + rv[1], ax=s[0], ay=s[1], xref="x", yref="y", axref="x",
                               ayref="y", showarrow=True, arrowhead=2, arrowwidth=1, arrowcolor="#999999")
    s = emb.entities[ENTITIES.index(head)]
    fig.add_annotation(x=s[0] + rv[0], y=s[1] + rv[1], ax=s[0], ay=s[1], xref="x", yref="y", axref="x", ayref="y",
                       showarrow=True, arrowhead=2, arrowwidth=3, arrowcolor=OKABE_ITO[3])
    fig.add_trace(go.Scatter(x=[s[0] + rv[0]], y=[s[1] + rv[1]], mode="markers", name=f"{head} + “{relation}”",
                             marker=dict(size=14, color=OKABE_ITO[3], symbol="x")))
    fig.update_yaxes(scaleanchor="x")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=-0.08))
    return fig


def query_caption(emb: Embedding, head: str, relation: str) -> str:
    ranked = rank_tails(emb, head, relation)
    top = ", ".join(f"{n} ({d:.2f})" for n, d in ranked[:3])
    train, held = triples()
    truth = [t for h, r, t in train + held if h == head and r == relation]
    where = ""
    if truth:
        order = [n for n, _ in ranked]
        where = "; the true answer" + ("s rank " if len(truth) > 1 else " ranks ") + ", ".join(
            f"{t} {order.index(t) + 1}" for t in truth) + (" (held out from training)" if any(
            (head, relation, t) in held for t in truth) else "")
    else:
        where = "; the graph holds no true answer to this query"
    return f"({head}, {relation}, ?): the nearest entities to e_{head} + r are {top}{where}."


def held_out_caption(emb: Embedding) -> str:
    ranks = [filtered_rank(emb, t) for t in triples()[1]]
    return (f"After {emb.epochs} epochs (margin {emb.margin:g}, final loss {emb.loss[-1]:.3f}), the four hidden "
            f"citizenships rank " + ", ".join(f"{t[2]} {k} for {t[0]}" for t, k in zip(triples()[1], ranks))
            + f" (filtered ranks among {len(ENTITIES)} entities; hits@1 {np.mean([k == 1 for k in ranks]):.0%}).")
