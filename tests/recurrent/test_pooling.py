"""Pooling a padded batch: masked attention equals `scaled_dot_product_attention` with a boolean mask
and ignores extra padding, unmasked attention loses exactly the pads' share of its weight, the mean
divides by the true length only when masked, and the view's caption states its numbers."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from demos.recurrent import pooling

pytestmark = pytest.mark.filterwarnings("ignore")


def test_masked_pooling_ignores_padding_and_unmasked_pooling_does_not():
    torch.manual_seed(0)
    h = torch.randn(1, 5, 6)
    q = torch.randn(6)
    mask = torch.ones(1, 5, dtype=torch.bool)
    base, w0 = pooling.attention_pool(h, mask, q, masked=True)
    # reference: scaled dot-product attention of one query over the keys = values h
    ref = F.scaled_dot_product_attention(q[None, None], h, h)[:, 0]
    torch.testing.assert_close(base, ref)
    for k in (1, 4, 20):
        hp, mp = F.pad(h, (0, 0, 0, k)), F.pad(mask, (0, k))  # k zero states, mask False
        masked, w = pooling.attention_pool(hp, mp, q, masked=True)
        torch.testing.assert_close(masked, base)
        assert float(w[0, 5:].sum()) == 0
        ref = F.scaled_dot_product_attention(q[None, None], hp, hp, attn_mask=mp[:, None])[:, 0]
        torch.testing.assert_close(masked, ref)
        unmasked, wu = pooling.attention_pool(hp, mp, q, masked=False)
        # zero pads score 0: weight e^0 each, and add nothing, so the output shrinks by their share
        share = k / (k + float(torch.exp(h[0] @ q / 6 ** 0.5).sum()))
        assert float(wu[0, 5:].sum()) == pytest.approx(share, rel=1e-5)
        torch.testing.assert_close(unmasked, (1 - share) * base)
        torch.testing.assert_close(pooling.mean_pool(hp, mp, masked=True), h.mean(1))
        torch.testing.assert_close(pooling.mean_pool(hp, mp, masked=False), h.sum(1) / (5 + k))


def test_the_padding_view_and_its_caption():
    v = pooling.padding_view(8, 0)
    n = len(pooling.EXAMPLE)
    assert set(v["change"]) == {"attention, masked", "attention, no mask", "mean, masked", "mean, no mask"}
    assert np.all(v["change"]["attention, masked"] == 0) and np.all(v["change"]["mean, masked"] == 0)
    ks = np.arange(pooling.PAD_RANGE[1] + 1)
    np.testing.assert_allclose(v["change"]["mean, no mask"], ks / (n + ks), rtol=1e-5)  # 1 − n / (n + k)
    unmasked = v["change"]["attention, no mask"]
    assert unmasked[0] == 0 and np.all(np.diff(unmasked) > 0)
    on_pads = float(v["weights"][False][n:].sum())
    assert unmasked[8] == pytest.approx(on_pads, rel=1e-4)  # the output shrinks by the pads' share
    assert v["weights"][True][n:].sum() == 0 and len(v["weights"][True]) == n + 8
    caption = pooling.padding_caption(v)
    assert caption.startswith(f"With 8 padding column(s), unmasked attention puts {on_pads:.0%} of its weight")
    assert f"(mean pooling: {8 / 14:.0%}, dividing by 14 instead of 6)" in caption
    assert "with the mask both stay exactly at the unpadded word's" in caption
    assert pooling.padding_view(8, 0)["change"]["attention, no mask"].tolist() == unmasked.tolist()  # seeded
    assert pooling.padding_caption(pooling.padding_view(0, 0)).startswith("With 0 padding column(s), unmasked attention puts 0%")
    assert len(pooling.padding_figure(v).data) == 6
