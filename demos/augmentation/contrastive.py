"""Contrastive learning's loss, NT-Xent (SimCLR, Chen et al. 2020), written out: 2N views, each row's
positive is the other view of the same digit, the other 2N − 2 are its negatives."""
from __future__ import annotations

import torch
from torch.nn import functional as F


def similarity_matrix(z1: torch.Tensor, z2: torch.Tensor) -> torch.Tensor:
    """z1, z2: (N, D) projections of the two views -> (2N, 2N) cosine similarities; rows and columns
    are the views in the order z1[0..N-1], z2[0..N-1]."""
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    return z @ z.T


def positive_index(n: int) -> torch.Tensor:
    """For each of the 2N rows, the column of its positive: view i pairs with view i + N."""
    return torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])


def nt_xent_rows(z1: torch.Tensor, z2: torch.Tensor, temperature: float) -> torch.Tensor:
    """Each row's loss ℓ_i = −log( exp(s_ip/τ) / Σ_{k≠i} exp(s_ik/τ) ), (2N,)."""
    s = similarity_matrix(z1, z2) / temperature
    s = s.masked_fill(torch.eye(len(s), dtype=torch.bool), float("-inf"))  # a view is not its own negative
    return torch.logsumexp(s, 1) - s[torch.arange(len(s)), positive_index(len(z1))]


def nt_xent(z1: torch.Tensor, z2: torch.Tensor, temperature: float = 0.5) -> torch.Tensor:
    """The normalised temperature-scaled cross-entropy: the mean of the 2N rows' losses."""
    return nt_xent_rows(z1, z2, temperature).mean()
