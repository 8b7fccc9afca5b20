"""models/digit_vit.py and demos/vision_tasks/vit_view.py: patchify round trip, the ViT's attention equals
torch.nn.MultiheadAttention with the same weights (softmax(QKᵀ/√d) per head), rollout by hand."""
import numpy as np
import torch

from demos.vision_tasks import vit_view
from models.digit_vit import Attention, DigitVit, DigitVitConfig, patchify, unpatchify


def test_patchify_cuts_row_major_patches_and_unpatchify_undoes_it():
    x = torch.rand(3, 2, 28, 28)
    p = patchify(x, 7)
    assert p.shape == (3, 16, 2 * 49)
    # patch 5 (row 1, column 1) of channel 0 is pixels [7:14, 7:14]
    assert torch.equal(p[1, 5, :49].reshape(7, 7), x[1, 0, 7:14, 7:14])
    assert torch.equal(unpatchify(p, 7, 2, 28), x)
    strip = vit_view.token_strip(x[0, :1], 7)
    assert strip.shape == (7, 17 * 8 - 1) and np.allclose(strip[:, 8 + 8:8 + 8 + 7], x[0, 0, :7, 7:14])


def test_attention_weights_and_output_equal_torch_multihead_attention():
    torch.manual_seed(0)
    attn, x = Attention(32, 2), torch.randn(4, 17, 32)
    mha = torch.nn.MultiheadAttention(32, 2, batch_first=True)
    with torch.no_grad():
        mha.in_proj_weight.copy_(attn.qkv.weight)
        mha.in_proj_bias.copy_(attn.qkv.bias)
        mha.out_proj.weight.copy_(attn.proj.weight)
        mha.out_proj.bias.copy_(attn.proj.bias)
    out, weights = attn(x)
    ref_out, ref_weights = mha(x, x, x, average_attn_weights=False)
    assert torch.allclose(out, ref_out, atol=1e-5) and torch.allclose(weights, ref_weights, atol=1e-6)
    # and directly: head 0's weights are softmax(Q Kᵀ / √16) with Q, K the first and second 16 columns
    q = x @ attn.qkv.weight[:16].T + attn.qkv.bias[:16]
    k = x @ attn.qkv.weight[32:48].T + attn.qkv.bias[32:48]
    assert torch.allclose(weights[:, 0], torch.softmax(q @ k.transpose(1, 2) / 4, -1), atol=1e-6)


def test_the_model_returns_every_layers_attention_rows_summing_to_one():
    model = DigitVit(DigitVitConfig()).eval()
    logits, maps = vit_view.attention(model, torch.rand(1, 28, 28))
    assert logits.shape == (10,) and maps.shape == (3, 2, 17, 17)
    assert torch.allclose(maps.sum(-1), torch.ones(3, 2, 17))


def test_rollout_by_hand_on_two_layers():
    a1 = torch.tensor([[[0.5, 0.5], [0.0, 1.0]]])  # one head, two tokens
    a2 = torch.tensor([[[1.0, 0.0], [0.5, 0.5]]])
    # (A + I) row-normalised: layer 1 [[.75, .25], [0, 1]], layer 2 [[1, 0], [.25, .75]]; rollout = L2 @ L1
    expected = torch.tensor([[1.0, 0.0], [0.25, 0.75]]) @ torch.tensor([[0.75, 0.25], [0.0, 1.0]])
    assert torch.allclose(vit_view.rollout(torch.stack([a1, a2])), expected)
    assert torch.allclose(expected.sum(1), torch.ones(2))


def test_position_similarity_caption_compares_neighbours_with_far_patches():
    side = 4
    rows, cols = np.divmod(np.arange(16), side)
    dist = np.abs(rows[:, None] - rows[None]) + np.abs(cols[:, None] - cols[None])
    # a "learned" layout: 0.8 between neighbours, 0.1 at 4+ steps, 0.5 between
    sim = np.where(dist == 1, 0.8, np.where(dist >= 4, 0.1, 0.5))
    text = vit_view.position_caption(sim, side)
    assert "mean cosine similarity 0.80" in text and "4 or more steps apart 0.10" in text and "learned some of it" in text
    assert "little layout" in vit_view.position_caption(np.eye(16), side)
