"""Zachary's karate club (networkx ships it): adjacency, the two factions after the split, the four
labelled members, node features, the GCN's normalised adjacency Â = D^-½ (A + I) D^-½ and a fixed layout."""
from __future__ import annotations

import functools

import networkx as nx
import numpy as np
import torch

FACTIONS = ("Mr. Hi", "Officer")  # networkx's 'club' attribute: whom each member followed after the split
FEATURES = ("one-hot", "degree", "random")  # node features: identity, degree alone, Gaussian noise
N_LABELLED_PER_FACTION = 2


@functools.lru_cache(maxsize=1)
def graph() -> nx.Graph:
    return nx.karate_club_graph()


def adjacency() -> torch.Tensor:
    """(34, 34) 0/1 symmetric adjacency, no self-loops (the edge weights networkx adds are ignored)."""
    g = graph()
    a = torch.zeros(g.number_of_nodes(), g.number_of_nodes())
    for i, j in g.edges():
        a[i, j] = a[j, i] = 1.0
    return a


def factions() -> torch.Tensor:
    """(34,) ground truth: 0 = Mr. Hi's faction, 1 = the officer's."""
    g = graph()
    return torch.tensor([FACTIONS.index(g.nodes[i]["club"]) for i in range(g.number_of_nodes())])


def labelled_members() -> tuple[int, ...]:
    """The members whose faction the model is told: the two best-connected members of each faction."""
    a, y = adjacency(), factions()
    deg = a.sum(1)
    picked = []
    for c in range(len(FACTIONS)):
        members = torch.nonzero(y == c).flatten()
        order = torch.argsort(-deg[members], stable=True)
        picked += members[order[:N_LABELLED_PER_FACTION]].tolist()
    return tuple(sorted(picked))


def normalised_adjacency(a: torch.Tensor, self_loops: bool = True) -> torch.Tensor:
    """Â = D^-½ (A + I) D^-½ with D the degrees of A + I (Kipf & Welling 2017); without self-loops,
    D^-½ A D^-½ (label propagation's S). Isolated nodes get 0 rows instead of a division by zero."""
    a = a + torch.eye(a.shape[0]) if self_loops else a
    d = a.sum(1)
    inv = torch.where(d > 0, d.clamp(min=1e-12).rsqrt(), torch.zeros_like(d))
    return inv[:, None] * a * inv[None, :]


def node_features(kind: str, seed: int = 0) -> torch.Tensor:
    """(34, F): one-hot (F = 34, the identity: every member is its own feature), degree (F = 1, the
    degree divided by the largest) or random (F = 34, standard Gaussian, seeded)."""
    a = adjacency()
    n = a.shape[0]
    if kind == "one-hot":
        return torch.eye(n)
    if kind == "degree":
        d = a.sum(1, keepdim=True)
        return d / d.max()
    if kind == "random":
        return torch.randn(n, n, generator=torch.Generator().manual_seed(seed))
    raise ValueError(f"features: one of {FEATURES}")


@functools.lru_cache(maxsize=1)
def positions() -> np.ndarray:
    """(34, 2) a fixed spring layout (seeded), scaled to [-1, 1]."""
    pos = nx.spring_layout(graph(), seed=7)
    xy = np.array([pos[i] for i in range(len(pos))])
    return xy / np.abs(xy).max()


def edges() -> list[tuple[int, int]]:
    return [(int(i), int(j)) for i, j in graph().edges()]
