"""ECE against an independent loop, the fitted temperature against a grid of validation NLLs, the shifts,
and the committed results against a fresh computation (the MLP: the quickest model)."""
import numpy as np
import pytest
import torch

from demos.losses import calibration as C


def ece_by_loop(conf, correct, bins=15):
    """Textbook ECE: for each bin (lo, hi], |mean(correct) − mean(conf)| × share of samples."""
    total = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(c, k) for c, k in zip(conf, correct) if (lo < c <= hi) or (b == 0 and c == 0)]
        if inside:
            cs, ks = zip(*inside)
            total += len(inside) / len(conf) * abs(np.mean(ks) - np.mean(cs))
    return total


def test_ece_equals_an_independent_loop_and_a_hand_case():
    rng = np.random.default_rng(1)
    conf = rng.uniform(0.1, 1, 400)
    correct = rng.uniform(size=400) < conf ** 2
    assert C.ece(conf, correct) == pytest.approx(ece_by_loop(conf, correct), abs=1e-12)
    # two digits at confidence 0.9, one right, one wrong: one bin, |0.5 − 0.9| = 0.4
    assert C.ece(np.array([0.9, 0.9]), np.array([True, False])) == pytest.approx(0.4)


def test_the_fitted_temperature_minimises_the_nll_over_a_grid():
    g = torch.Generator().manual_seed(0)
    labels = torch.randint(0, 10, (300,), generator=g)
    logits = torch.randn(300, 10, generator=g) * 2
    logits[torch.arange(300), labels] += 3  # right most of the time, logits too large: T > 1 expected
    t = C.fit_temperature(logits * 3, labels)
    grid = np.exp(np.linspace(-3, 3, 2001))
    nlls = [C.nll(logits * 3, labels, s) for s in grid]
    best = grid[int(np.argmin(nlls))]
    assert t == pytest.approx(best, rel=0.01) and t > 1
    assert C.nll(logits * 3, labels, t) <= min(nlls) + 1e-9


def test_shifts_change_the_images_as_asked():
    x = torch.zeros(2, 1, 28, 28)
    x[:, :, 10:18, 13:15] = 1  # a vertical bar: rotated by 90° it lies horizontally
    turned = C.shift_images(x, "rotation", 90.0)
    assert torch.allclose(turned, x.transpose(2, 3), atol=1e-6)
    noisy = C.shift_images(x, "noise", 0.5)
    assert noisy.min() >= 0 and noisy.max() <= 1 and torch.equal(noisy, C.shift_images(x, "noise", 0.5))
    assert torch.equal(C.shift_images(x, "none", 0.0), x)


def test_the_committed_mlp_result_equals_a_fresh_computation_and_the_caption_reads_it():
    fresh, stored = C.calibration_for("mnist_mlp", "rotated 45°"), C.committed("mnist_mlp", "rotated 45°")
    assert fresh.temperature == pytest.approx(stored.temperature, rel=1e-4)
    assert fresh.ece == pytest.approx(stored.ece, abs=1e-5) and fresh.accuracy == pytest.approx(stored.accuracy)
    assert C.committed("mnist_mlp", "no such shift") is None
    text = C.calibration_caption(stored, "rotated 45°")
    assert f"accuracy {stored.accuracy:.1%}" in text and "rotated by 45°" in text and "over-confident" in text
    cals = {s: C.committed("mnist_mlp", s) for s in C.SHIFTS}
    assert "largest on" in C.shifts_caption(cals) and len(C.reliability_figure(stored).data) == 6
    # temperature scaling keeps the accuracy: the argmax of z / T is the argmax of z
    assert stored.after["count"].sum() == stored.before["count"].sum() == 1000
    # the committed T is the best of a grid on the real validation logits (never the held-out ones)
    from models.data import validation_split
    from models.registry import load_pretrained
    _, _, val_x, val_y = validation_split()
    z = C.logits_of(load_pretrained("mnist_mlp"), val_x)
    grid = np.linspace(0.5, 3.0, 251)
    assert stored.temperature == pytest.approx(grid[int(np.argmin([C.nll(z, val_y, t) for t in grid]))], abs=0.011)
    assert stored.val_nll[1] <= stored.val_nll[0]
