"""Saddles in high dimensions: random critical points against known values of the Gaussian orthogonal
ensemble; the caption computed from the shares."""
import math

import numpy as np
import pytest

from demos.optimisers import saddles


def test_random_critical_points_are_mostly_saddles():
    fr = saddles.minima_fraction(dims=(1, 2, 3, 6), samples=20000, seed=1)
    # GOE: P(all eigenvalues > 0) is 1/2 for n = 1 and (2 − √2)/4 ≈ 0.146 for n = 2
    assert fr["minima"][0] == pytest.approx(0.5, abs=0.015)
    assert fr["minima"][1] == pytest.approx((2 - math.sqrt(2)) / 4, abs=0.012)
    assert fr["minima"][2] < fr["minima"][1] and fr["minima"][3] < 1e-3
    assert np.allclose(fr["index"], 0.5, atol=0.02)
    assert "0.00%" not in saddles.minima_caption(fr)


def test_the_caption_and_figure_mark_the_sizes_with_no_minimum():
    fr = saddles.minima_fraction(dims=(1, 2, 8), samples=2000, seed=0)  # 8-D: P(minimum) ≈ 1e-7, none in 2,000
    text = saddles.minima_caption(fr)
    assert text.startswith(f"Of 2,000 random symmetric Hessians per size, the positive-definite ones (minima) were "
                           f"{fr['minima'][0]:.2%} in 1-D, {fr['minima'][1]:.2%} in 2-D, and none from 8-D on")
    assert text.endswith(f"on average {fr['index'].mean():.0%} of the eigenvalues were negative: almost every "
                         "critical point is a saddle.")
    fig = saddles.minima_figure(fr)
    assert list(fig.data[0].x) == [1, 2] and fig.data[1].name == "none in 2,000" and fig.data[1].y[0] == 1 / 2000
