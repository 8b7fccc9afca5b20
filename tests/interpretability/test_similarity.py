"""demos/interpretability/similarity.py against scipy's Spearman and scikit-image's SSIM."""
import numpy as np
import pytest
from scipy.stats import spearmanr
from skimage.metrics import structural_similarity

from demos.interpretability import similarity


@pytest.fixture
def maps():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(28, 28))
    b = a + rng.normal(scale=0.8, size=(28, 28))
    b[:5] = 0.0  # ties: a block of zeros, as Grad-CAM's ReLU leaves
    return a, b


def test_spearman_equals_scipys_on_absolute_values_with_ties(maps):
    a, b = maps
    assert similarity.spearman(a, b) == pytest.approx(spearmanr(np.abs(a).ravel(), np.abs(b).ravel())[0], abs=1e-12)
    assert similarity.spearman(a, -a) == pytest.approx(1.0)  # absolute values: the sign does not count
    assert similarity.spearman(a, np.zeros_like(a)) == 0.0  # a constant map has no order


def test_ssim_equals_scikit_images_on_the_scaled_maps(maps):
    a, b = maps
    expected = structural_similarity(similarity.scaled(a), similarity.scaled(b), data_range=1.0)
    assert similarity.ssim(a, b) == pytest.approx(expected, abs=1e-9)
    assert similarity.ssim(a, a) == pytest.approx(1.0)


def test_agreement_lists_every_pair_most_alike_first(maps):
    a, b = maps
    pairs = similarity.agreement({"a": a, "b": b, "c": np.random.default_rng(1).normal(size=a.shape)})
    assert len(pairs) == 3 and pairs[0][:2] == ("a", "b")
    assert [p[2] for p in pairs] == sorted((p[2] for p in pairs), reverse=True)
