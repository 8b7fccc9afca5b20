"""The first layer's filters are the model's own weights, copied; their picture and caption."""
import numpy as np
import pytest

from demos.convolutions import filters

pytestmark = pytest.mark.filterwarnings("ignore")


def test_first_filters_are_the_models_weights(mnist_cnn, effnet):
    assert filters.first_filters(mnist_cnn).shape == (32, 1, 3, 3) and filters.first_filters(effnet).shape == (32, 3, 3, 3)
    np.testing.assert_array_equal(filters.first_filters(effnet), effnet._conv_stem.weight.detach().numpy())


def test_filters_figure_and_caption(mnist_cnn, effnet):
    grey = filters.filters_figure(filters.first_filters(mnist_cnn))
    assert grey.data[0].type == "heatmap" and np.asarray(grey.data[0].z).shape == (2 * 4 - 1, 16 * 4 - 1)  # 2 x 16
    assert filters.filters_caption(filters.first_filters(mnist_cnn)) == (
        "The 32 first-layer filters (1×3×3) as trained: blue negative, red positive.")
    rgb = filters.filters_figure(filters.first_filters(effnet))
    assert rgb.data[0].type == "image" and np.asarray(rgb.data[0].z).shape == (7, 63, 3)
    assert filters.filters_caption(filters.first_filters(effnet)) == (
        "The 32 first-layer filters (3×3×3) as trained, each scaled to its own range.")
