"""Attention by hand: the calculator equals torch's scaled_dot_product_attention under every mask,
heads split and merge, the positional encoding by hand, and the step figures."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from demos.attention import by_hand


@pytest.mark.parametrize("mask", by_hand.MASKS)
def test_calculator_equals_torch_sdpa(mask):
    g = torch.Generator().manual_seed(0)
    q, k, v = torch.randn(3, 5, 8, generator=g)
    steps = by_hand.scaled_dot_product(q, k, v, mask, valid=3)
    allowed = {"none": None, "causal": torch.ones(5, 5, dtype=torch.bool).tril(),
               "padding": torch.arange(5)[None, :].expand(5, 5) < 3}[mask]
    expected = F.scaled_dot_product_attention(q[None], k[None], v[None], attn_mask=allowed)[0]
    assert torch.allclose(steps.output, expected, atol=1e-6)
    assert torch.allclose(steps.weights.sum(-1), torch.ones(5))
    assert torch.allclose(steps.scaled, steps.scores / np.sqrt(8))
    if mask == "causal":
        assert steps.weights.triu(1).abs().sum() == 0


def test_split_and_merge_heads_round_trip():
    x = torch.arange(24.0).reshape(4, 6)
    heads = by_hand.split_heads(x, 3)
    assert heads.shape == (3, 4, 2) and torch.equal(heads[1, 0], x[0, 2:4])
    assert torch.equal(by_hand.merge_heads(heads), x)


def test_sinusoidal_encoding_by_hand():
    pe = by_hand.sinusoidal_encoding(10, 4)
    assert pe[0].tolist() == [0.0, 1.0, 0.0, 1.0]
    assert pe[3, 0] == pytest.approx(np.sin(3)) and pe[3, 3] == pytest.approx(np.cos(3 / 100))


def test_the_seeded_qkv_and_the_step_figures():
    q, k, v = by_hand.random_qkv(5, 4, 7)
    again = by_hand.random_qkv(5, 4, 7)
    assert all(torch.equal(a, b) for a, b in zip((q, k, v), again)) and q.shape == (5, 4)
    assert torch.equal(q * 10, (q * 10).round())  # one decimal, so the numbers read
    steps = by_hand.scaled_dot_product(q, k, v, "causal", valid=by_hand.padding_valid(5))
    figures = by_hand.step_figures(steps)
    assert [f.layout.title.text for f, _ in figures] == ["1. Q Kᵀ", "2. ÷ √d", "3. add the mask", "4. softmax"]
    assert np.allclose(np.triu(np.asarray(figures[3][0].data[0].z), 1), 0)
    assert figures[0][1] == "Step 1. Q Kᵀ: a 5×5 matrix (rows: queries, columns: keys)."
    assert by_hand.output_caption(5, 4, 7).startswith("Output = weights · V (5×4): one head, with Q, K, V drawn from seed 7.")
    assert by_hand.padding_valid(2) == 1 and by_hand.padding_valid(8) == 7
