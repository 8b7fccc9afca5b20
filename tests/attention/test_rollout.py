"""Attention rollout: row-stochastic, the identity through identity heads, and its caption."""
import numpy as np

from demos.attention import heads, rollout


def test_rollout_is_row_stochastic(minilm):
    maps = heads.attention_maps(minilm[1], minilm[0], heads.EXAMPLES["coreference"])
    r = rollout.attention_rollout(maps.weights)
    assert np.allclose(r.sum(-1), 1) and r.min() >= 0
    assert rollout.rollout_caption(r).endswith("Rows sum to 1.00.")


def test_rollout_of_identity_attention_is_identity():
    eye = np.broadcast_to(np.eye(4), (3, 2, 4, 4))
    assert np.allclose(rollout.attention_rollout(eye), np.eye(4))
    fig = rollout.rollout_figure(np.eye(3), ["a", "b", "a"], 3)
    assert list(fig.data[0].x) == ["0:a", "1:b", "2:a"] and fig.layout.title.text.endswith("all 3 layers")
