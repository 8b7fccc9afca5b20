"""Digits shown and judged: nearest neighbours against brute force, the Fréchet distance against scipy,
the CNN features through the one normalisation, the mosaic's shape."""
import numpy as np
import pytest
import torch

from demos.generative import digits


def test_nearest_neighbours_equal_brute_force():
    g = np.random.default_rng(0)
    q, pool = g.random((7, 28, 28)), g.random((50, 28, 28))
    idx, dist = digits.nearest_neighbours(q, pool)
    brute = np.linalg.norm(q[:, None] - pool[None], axis=(2, 3))
    assert idx.tolist() == brute.argmin(1).tolist()
    assert np.allclose(dist, brute.min(1), atol=1e-3)


def test_frechet_distance_against_scipy():
    from scipy import linalg
    g = np.random.default_rng(0)
    a, b = g.normal(size=(300, 6)), g.normal(0.5, 2.0, size=(300, 6)) @ g.normal(size=(6, 6))
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    ref = ((a.mean(0) - b.mean(0)) ** 2).sum() + np.trace(s_a + s_b - 2 * linalg.sqrtm(s_a @ s_b).real)
    assert digits.frechet_distance(a, b) == pytest.approx(ref, rel=1e-6)
    assert digits.frechet_distance(a, a) == pytest.approx(0, abs=1e-8)


def test_features_are_the_cnns_pooled_last_conv_maps_of_normalised_digits(mnist, mnist_cnn):
    from models.mnist_cnn import MNIST_MEAN, MNIST_STD
    x = mnist.test_images[:6]
    f = digits.features(mnist_cnn, x)
    with torch.no_grad():
        expected = mnist_cnn.features((x - MNIST_MEAN) / MNIST_STD).mean((2, 3)).double().numpy()
    assert f.shape == (6, 64) and f.dtype == np.float64 and np.allclose(f, expected, atol=1e-6)


def test_mosaic_shape():
    m = digits.mosaic(np.ones((5, 28, 28)), 4, pad=2)
    assert m.shape == (58, 118) and m.dtype == np.uint8 and m.max() == 255
    assert m[28, 0] == 60 and m[30, 30] == 60  # the padding's grey, and the empty sixth to eighth tiles
