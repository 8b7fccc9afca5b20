"""demos/reinforcement_learning/policy_gradient.py: REINFORCE's estimate is unbiased (Monte Carlo vs the
exact gradient, which equals autograd's), its variance formula holds, and a baseline lowers it."""
import numpy as np
import torch

from demos.reinforcement_learning import policy_gradient as pg

THETA = np.array([0.3, -0.5, 1.0, 0.0])
MEANS = np.array([5.2, 4.1, 5.9, 4.8])


def samples(theta, means, baseline, n=200_000, seed=0):
    rng = np.random.default_rng(seed)
    pi = pg.softmax(theta)
    actions = rng.choice(len(pi), size=n, p=pi)
    rewards = means[actions] + pg.NOISE * rng.standard_normal(n)
    return (rewards - baseline)[:, None] * (np.eye(len(pi))[actions] - pi)  # the estimate, vectorised


def test_the_exact_gradient_equals_autograd():
    theta = torch.tensor(THETA, requires_grad=True)
    (torch.softmax(theta, 0) @ torch.tensor(MEANS)).backward()
    assert np.allclose(pg.exact_gradient(THETA, MEANS), theta.grad.numpy())
    assert np.allclose(pg.estimate(THETA, 2, 1.5, 0.5), (1.5 - 0.5) * (np.eye(4)[2] - pg.softmax(THETA)))


def test_the_estimate_is_unbiased_with_and_without_a_baseline():
    exact = pg.exact_gradient(THETA, MEANS)
    for baseline in (0.0, float(pg.softmax(THETA) @ MEANS), 3.0):
        g = samples(THETA, MEANS, baseline)
        se = g.std(axis=0) / np.sqrt(len(g))
        assert np.all(np.abs(g.mean(axis=0) - exact) < 4 * se + 1e-12), baseline


def test_the_variance_formula_matches_monte_carlo_and_the_baseline_lowers_it():
    b = float(pg.softmax(THETA) @ MEANS)
    for baseline in (0.0, b):
        g = samples(THETA, MEANS, baseline, seed=1)
        assert np.isclose(np.trace(np.cov(g.T)), pg.estimate_variance(THETA, MEANS, baseline), rtol=0.02)
    # rewards ~5 and all positive: subtracting E[r] removes the shared part, cutting the variance many times
    assert pg.estimate_variance(THETA, MEANS, b) < pg.estimate_variance(THETA, MEANS, 0.0) / 5


def test_training_is_seeded_and_the_captions_state_its_numbers():
    a, b = pg.train(4, 5.0, 0.1, 300, 0), pg.train(4, 5.0, 0.1, 300, 0)
    assert np.array_equal(a.frames["pi"], b.frames["pi"]) and a.frames["pi"].shape[1:] == (2, 4)
    assert np.allclose(a.frames["pi"][0], 0.25) and np.allclose(a.frames["pi"].sum(axis=2), 1)
    best = int(np.argmax(a.meta["means"]))
    assert f"puts {a.frames['pi'][-1][0][best]:.0%} on the best arm" in pg.policy_caption(a)
    text = pg.variance_caption(a, 5.0)
    assert f"{a.curves['variance_none'][0]:.3g} with b = 0" in text and "offset 5" in text
    assert np.isclose(a.curves["variance_none"][0], pg.estimate_variance(np.zeros(4), a.meta["means"], 0.0))
    assert len(pg.policy_figure(a).frames) == a.n_frames and len(pg.curves_figure(a).data) == 4
