"""Gradient noise against exact enumeration (the mini-batch variance formula), torch.func (per-example
gradient norms) and measurement on digits; its caption computed from the measurement."""
import itertools

import numpy as np
import pytest
import torch

from demos.optimisers import batch_size, gradient_noise


def test_mini_batch_variance_formula_by_exact_enumeration():
    # N = 6 per-example gradients; every batch of B drawn without replacement, enumerated exactly
    rng = np.random.default_rng(0)
    g = rng.normal(size=(6, 3))
    mean = g.mean(0)
    sigma2 = np.mean(np.sum((g - mean) ** 2, 1))
    for b in range(1, 7):
        errs = [np.sum((g[list(rows)].mean(0) - mean) ** 2) for rows in itertools.combinations(range(6), b)]
        assert np.mean(errs) == pytest.approx(sigma2 / b * (6 - b) / 5)


def test_per_example_gradient_norms_equal_torch_func(mnist):
    from torch.func import functional_call, grad, vmap
    model = batch_size.tiny_mlp(3)
    x, y = mnist.train_images[:40], mnist.train_labels[:40]
    params = {k: v.detach() for k, v in model.named_parameters()}

    def loss(p, xi, yi):
        return torch.nn.functional.cross_entropy(functional_call(model, p, (xi[None],)), yi[None])

    per = vmap(grad(loss), in_dims=(None, 0, 0))(params, x, y)
    reference = sum(v.reshape(len(x), -1).pow(2).sum(1) for v in per.values())
    assert torch.allclose(gradient_noise.per_example_sq_norms(model, x, y), reference, rtol=1e-4)


def test_gradient_noise_on_digits_falls_like_one_over_b():
    noise = gradient_noise.gradient_noise(0, batch_sizes=(1, 16, 256), draws=24)  # 24 draws: ±~30 % Monte Carlo noise
    assert noise["n"] == 3500 and noise["sigma2"] > 0
    assert np.all(np.abs(noise["measured"] / noise["theory"] - 1) < 0.45)
    assert noise["measured"][0] / noise["measured"][2] > 100
    text = gradient_noise.noise_caption(noise)
    m = noise["measured"]
    assert text.startswith(f"From B = 1 to B = 256 the mean squared gradient error fell {m[0] / m[-1]:,.0f}× "
                           f"({m[0]:.3g} → {m[-1]:.3g}); 1/B alone predicts 256×")
    worst = np.max(np.abs(m / noise["theory"] - 1))
    assert text.endswith(f"Every measured point is within {worst:.0%} of the formula.")
    fig = gradient_noise.noise_figure(noise)
    assert list(fig.data[1].y) == list(m) and list(fig.data[0].y) == list(noise["theory"])
