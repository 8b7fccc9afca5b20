"""demos/augmentation/contrastive.py: NT-Xent against an independent implementation (the usual
cross-entropy over masked similarity logits) and against a hand-computed two-pair batch."""
import math

import pytest
import torch
from torch.nn import functional as F

from demos.augmentation import contrastive


def reference_nt_xent(z1, z2, tau):
    """SimCLR's loss as most code writes it: logits = cos-sim / τ with the diagonal removed, the
    positive's index as the class, cross-entropy averaged over the 2N rows."""
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    n = len(z1)
    logits = z @ z.T / tau
    logits = logits[~torch.eye(2 * n, dtype=torch.bool)].view(2 * n, 2 * n - 1)  # drop self-similarity
    targets = torch.cat([torch.arange(n - 1, 2 * n - 1), torch.arange(0, n)])  # positive's column after the drop
    return F.cross_entropy(logits, targets)


@pytest.mark.parametrize("n, d, tau", [(2, 3, 0.5), (4, 8, 0.1), (6, 5, 1.0)])
def test_nt_xent_equals_an_independent_implementation(n, d, tau):
    g = torch.Generator().manual_seed(n)
    z1, z2 = torch.randn(n, d, generator=g), torch.randn(n, d, generator=g)
    assert contrastive.nt_xent(z1, z2, tau).item() == pytest.approx(reference_nt_xent(z1, z2, tau).item(), rel=1e-5)


def test_a_hand_sized_batch():
    # two pairs in 2-D: views of pair 0 along x, views of pair 1 along y (identical within a pair)
    z1 = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    z2 = z1.clone()
    # row 0: positive similarity 1, negatives 0 and 0 -> ℓ = −log(e^{1/τ} / (e^{1/τ} + 2)); every row alike
    tau = 0.5
    expected = -math.log(math.exp(2) / (math.exp(2) + 2))
    assert contrastive.nt_xent(z1, z2, tau).item() == pytest.approx(expected, rel=1e-6)
    assert contrastive.positive_index(2).tolist() == [2, 3, 0, 1]


def test_lower_temperature_sharpens_a_good_batch_and_views_that_match_score_low():
    g = torch.Generator().manual_seed(1)
    z1 = torch.randn(8, 16, generator=g)
    z2 = z1 + 0.05 * torch.randn(8, 16, generator=g)  # positives almost identical
    assert contrastive.nt_xent(z1, z2, 0.1) < contrastive.nt_xent(z1, z2, 1.0)
    shuffled = z2[torch.randperm(8, generator=g)]
    assert contrastive.nt_xent(z1, z2, 0.5) < contrastive.nt_xent(z1, shuffled, 0.5)
