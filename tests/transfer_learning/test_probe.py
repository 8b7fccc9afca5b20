"""demos.transfer_learning.probe: the linear probe against scipy's L-BFGS-B on a separately written
objective, and against a hand-solved case."""
import math

import numpy as np
import pytest
import torch

from demos.transfer_learning import probe, task

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def embeddings(data, backbone):
    with torch.no_grad():
        return backbone.embed(data["pool_x"]), backbone.embed(data["test_x"])


def _reference_probe(x, y, n_classes, l2):
    """The same objective written separately in numpy, minimised by scipy's L-BFGS-B: mean CE of
    softmax(x W^T / s + b) + l2/2 ||W||^2, s = mean row norm (an independent solver and code path)."""
    from scipy.optimize import minimize

    x = x.numpy().astype(np.float64)
    s = np.linalg.norm(x, axis=1).mean()
    x = x / s
    n, d = x.shape
    onehot = np.eye(n_classes)[y.numpy()]

    def f(theta):
        w, b = theta[:n_classes * d].reshape(n_classes, d), theta[n_classes * d:]
        z = x @ w.T + b
        z = z - z.max(1, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(1, keepdims=True)
        loss = -np.log(p[onehot == 1]).mean() + 0.5 * l2 * (w * w).sum()
        g = (p - onehot) / n
        return loss, np.concatenate([(g.T @ x + l2 * w).ravel(), g.sum(0)])

    res = minimize(f, np.zeros(n_classes * (d + 1)), jac=True, method="L-BFGS-B",
                   options={"maxiter": 5000, "gtol": 1e-10, "ftol": 1e-15})
    return res.x[:n_classes * d].reshape(n_classes, d), res.x[n_classes * d:], res.fun


@pytest.mark.parametrize("k", [2, 20])
def test_linear_probe_equals_an_independent_logistic_regression(k, data, embeddings):
    # scikit-learn is not installed here; LogisticRegression(C=1/(n*l2)) minimises this same convex
    # objective (sum form), so scipy on a separately written objective is an equivalent reference.
    idx = task.shots(data["pool_y"], k, seed=0)
    x, y = embeddings[0][idx], data["pool_y"][idx]
    fitted = probe.linear_probe(x, y, 5, l2=1e-2)
    w_ref, b_ref, loss_ref = _reference_probe(x, y, 5, 1e-2)
    xs = x.double() / fitted.scale
    loss = torch.nn.functional.cross_entropy(xs @ fitted.weight.T + fitted.bias, y) + 5e-3 * (fitted.weight ** 2).sum()
    assert loss.item() == pytest.approx(loss_ref, abs=1e-6)  # both at the optimum (ours: gradient < 1e-7)
    assert np.abs(fitted.weight.numpy() - w_ref).max() < 1e-3 * max(1.0, np.abs(w_ref).max())
    test = embeddings[1]
    ref_pred = ((test.double().numpy() / fitted.scale) @ w_ref.T + b_ref).argmax(1)
    assert (fitted.logits(test).argmax(1).numpy() == ref_pred).mean() >= 0.998


def test_linear_probe_solves_a_hand_derived_case():
    # Two 1-D points: x = +1 (class 1), x = -1 (class 0); s = mean |x| = 1. By symmetry b = 0 and
    # W = (-a, a), so both examples have logit gap 2a and the objective is
    #   J(a) = log(1 + e^{-2a}) + (l2/2)(a^2 + a^2) = log(1 + e^{-2a}) + l2 a^2,
    #   J'(a) = -2 sigma(-2a) + 2 l2 a = 0   <=>   sigma(-2a) = l2 a.
    # With l2 = 0.1: f(a) = sigma(-2a) - 0.1 a is decreasing, f(1) = 0.019 > 0, f(2) = -0.182 < 0;
    # bisection below finds a ~= 1.10.
    lo, hi = 1.0, 2.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if 1 / (1 + math.exp(2 * mid)) - 0.1 * mid > 0 else (lo, mid)
    fitted = probe.linear_probe(torch.tensor([[1.0], [-1.0]]), torch.tensor([1, 0]), 2, l2=0.1)
    assert fitted.scale == pytest.approx(1.0)
    assert fitted.weight[:, 0].tolist() == pytest.approx([-lo, lo], abs=1e-5)
    assert fitted.bias.tolist() == pytest.approx([0.0, 0.0], abs=1e-6)
