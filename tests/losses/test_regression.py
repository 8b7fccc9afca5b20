"""The regression losses equal torch.nn.functional's; the fitted lines are the minimisers (least squares
against numpy, MAE and Huber against a dense search around them); outliers parse or get a message."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from demos.losses import regression as R


def test_the_losses_equal_torch():
    r = np.random.default_rng(0).normal(0, 3, 50)
    zero = torch.zeros(50, dtype=torch.float64)
    t = torch.tensor(r)
    assert R.loss_value("MSE", r) == pytest.approx(F.mse_loss(t, zero).item())
    assert R.loss_value("MAE", r) == pytest.approx(F.l1_loss(t, zero).item())
    assert R.loss_value("Huber", r, 1.5) == pytest.approx(F.huber_loss(t, zero, delta=1.5).item())


@pytest.mark.parametrize("kind", ["MSE", "MAE", "Huber"])
def test_each_fit_is_the_minimum_of_its_loss(kind):
    points = np.concatenate([R.clean_points(3), R.parse_outliers(R.PRESETS["three far points"])])
    a, b = R.fit_line(points, kind, 1.0)
    loss = lambda a, b: R.loss_value(kind, points[:, 1] - a * points[:, 0] - b, 1.0)  # noqa: E731
    best = loss(a, b)
    for da in np.linspace(-0.05, 0.05, 11):
        for db in np.linspace(-0.3, 0.3, 13):
            assert best <= loss(a + da, b + db) + 1e-9
    if kind == "MSE":
        assert np.allclose((a, b), np.polyfit(points[:, 0], points[:, 1], 1))


def test_outliers_drag_mse_most_and_the_caption_ranks_it():
    result = R.fits(R.parse_outliers(R.PRESETS["three far points"]), 1.0, 0)
    slope = {k: abs(v[0] - 0.5) for k, v in result["lines"].items()}
    assert slope["MSE"] > slope["Huber"] and slope["MSE"] > slope["MAE"]
    assert "furthest: MSE" in R.fits_caption(result) and "with 3 outlier(s)" in R.fits_caption(result)


def test_bad_outlier_text_gets_a_clear_message():
    assert R.parse_outliers(" 1, 2 ;\n3,4; ").tolist() == [[1, 2], [3, 4]]
    for bad, words in [("1 2", "is not a point"), ("11, 0", "outside"), ("nan, 1", "outside"),
                       ("; ".join(["1, 1"] * 21), "at most 20")]:
        with pytest.raises(R.OutlierError, match=words):
            R.parse_outliers(bad)
