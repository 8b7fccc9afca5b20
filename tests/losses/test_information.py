"""Entropy, cross-entropy and KL against hand values and scipy's entropy; the KL fits converge to their known
solutions on the two bumps: forward KL to p's mean and standard deviation, reverse KL to one bump."""
import numpy as np
import pytest
from scipy.stats import entropy as scipy_entropy

from demos.losses import information as I


def test_colahs_example_and_the_identity_h_pq_equals_h_plus_kl():
    p = np.array(I.DEFAULT_P)
    assert I.entropy(p) == pytest.approx(1.75)  # ½·1 + ¼·2 + ⅛·3 + ⅛·3 bits
    q = np.array([0.1, 0.2, 0.3, 0.4])
    assert I.kl(p, q) == pytest.approx(scipy_entropy(p, q, base=2))
    assert I.cross_entropy(p, q) == pytest.approx(I.entropy(p) + I.kl(p, q))
    assert I.kl(p, q) != pytest.approx(I.kl(q, p))  # KL is not symmetric
    assert I.cross_entropy(p, np.array([1.0, 0, 0, 0])) == np.inf
    assert np.allclose(I.normalise((0, 0, 0, 0)), 0.25) and "not symmetric" in I.areas_caption(p, q)


def test_forward_kl_matches_moments_and_reverse_kl_finds_one_bump():
    f = I.kl_fits(6.0, 0.5)
    # p = ½N(−3, 0.6²) + ½N(3, 0.6²): mean 0, variance 0.6² + 3² = 9.36, std ≈ 3.059
    assert f["forward"][0] == pytest.approx(0, abs=0.01) and f["forward"][1] == pytest.approx(np.sqrt(9.36), abs=0.01)
    assert f["reverse"][0] == pytest.approx(3, abs=0.02) and f["reverse"][1] == pytest.approx(0.6, abs=0.02)
    assert "sits on one bump" in I.kl_caption(f)
    assert I.fit_gaussian(6.0, "reverse", start=-0.5)[0] == pytest.approx(-3, abs=0.02)  # the start picks the bump
