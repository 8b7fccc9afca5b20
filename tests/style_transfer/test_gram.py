"""demos.style_transfer.gram: the Gram matrix by hand and its invariants, the view of a real
network's block, and the captions under the two Gram heatmaps."""
import numpy as np
import pytest
import torch

from tests.support import plotly_array
from demos.style_transfer import gram


def test_gram_matrix_by_hand():
    f = torch.tensor([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 1, 2)  # C=2 channels, H=1, W=2
    expected = torch.tensor([[1 + 4, 3 + 8], [3 + 8, 9 + 16]]) / (2 * 1 * 2)
    assert torch.allclose(gram.gram_matrix(f)[0], expected)


def test_gram_matrix_is_symmetric_psd_and_blind_to_layout():
    f = torch.randn(2, 8, 5, 7, generator=torch.Generator().manual_seed(0))
    g = gram.gram_matrix(f)
    assert g.shape == (2, 8, 8) and torch.allclose(g, g.transpose(1, 2))
    assert torch.linalg.eigvalsh(g).min() > -1e-6
    shuffled = f.flatten(2)[..., torch.randperm(35)].reshape(f.shape)  # same pixels, new layout
    assert torch.allclose(gram.gram_matrix(shuffled), g, atol=1e-6)


def test_gram_view_is_the_corner_of_the_blocks_gram_matrix(effnet, pair):
    content, _ = pair
    view = gram.gram_view(effnet, content, 4)
    with torch.no_grad():
        full = gram.gram_matrix(effnet.block_outputs(content, (4,))[4])[0]
    assert view.shape == (24, 24) and np.allclose(view, full[:24, :24].numpy())


def test_relative_difference_and_the_result_caption():
    target = np.array([[2.0, -1.0], [-1.0, 2.0]])  # Σ|target| = 6
    g = target + np.array([[0.6, 0.0], [0.0, -0.6]])  # Σ|g − target| = 1.2: 20 %
    assert gram.relative_difference(g, target) == pytest.approx(0.2)
    assert gram.relative_difference(target, target) == 0.0
    assert gram.result_gram_caption(g, target, "optimised result") == \
        "The same for the optimised result; relative difference 20%."
    assert "fast network's result; relative difference 0%" in gram.result_gram_caption(target, target, "fast network's result")


@pytest.mark.parametrize("block", ["0", "7", 10])
def test_style_gram_caption_names_the_block(block):
    assert gram.style_gram_caption(block, 24, 40) == (f"Channel co-activations of the style image at block {block} "
                                                      "(its first 24 of 40 channels; rows and columns are channels).")
    assert "(all 16 channels;" in gram.style_gram_caption(block, 16, 16)


def test_block_0_has_16_channels_and_its_gram_view_and_labels_say_so(effnet, pair):
    # the issue: block 0's 16 × 16 Gram matrix was labelled c0 … c23 and captioned "first 24 channels"
    content, _ = pair
    assert gram.block_channels(effnet, 0) == 16 and gram.block_channels(effnet, 4) > 24
    view = gram.gram_view(effnet, content, 0)
    assert view.shape == (16, 16)
    fig = gram.gram_figure(view, "Style image: Gram matrix")
    assert list(fig.data[0].x) == [f"c{i}" for i in range(16)]


def test_gram_figure_labels_channels():
    g = np.arange(9.0).reshape(3, 3)
    fig = gram.gram_figure(g, "Style image: Gram matrix").to_plotly_json()
    assert list(fig["data"][0]["x"]) == ["c0", "c1", "c2"]  # one label per channel shown
    assert np.array_equal(plotly_array(fig["data"][0]["z"]), g)
    assert fig["layout"]["title"]["text"] == "Style image: Gram matrix"
