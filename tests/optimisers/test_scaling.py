"""Feature scaling: the raw and standardised fits against gradient descent by hand and the closed-form
Hessian; the caption computed from the runs at several feature settings."""
import numpy as np
import pytest

from demos.optimisers import scaling


def test_standardising_the_feature_makes_the_loss_round():
    runs = scaling.scaling_runs(10.0, 2.0, 1e-6, max_steps=2000)
    raw, std = runs["raw"], runs["standardised"]
    assert std["kappa"] == pytest.approx(1.0) and std["steps"] == 1  # Hessian = I and η = 1: one Newton step
    assert raw["kappa"] > 1000 and raw["steps"] is None and raw["predicted"] > 2000
    h, best = raw["hessian"], raw["optimum"]
    w = np.zeros(2)  # plain gradient descent by hand: w ← w − η H (w − w*)
    for t in range(1, 51):
        w = w - raw["lr"] * h @ (w - best)
        assert np.allclose(raw["path"][t], w)
    small = scaling.scaling_runs(0.0, 1.0, 1e-6)  # an already centred, unit-spread feature needs few steps
    assert small["raw"]["steps"] <= 5


@pytest.mark.parametrize("mean,std,tol", [(10.0, 2.0, 1e-6), (2.0, 0.5, 1e-3), (0.0, 5.0, 1e-9)])
def test_the_scaling_caption_says_each_cases_curvatures_and_steps(mean, std, tol):
    runs = scaling.scaling_runs(mean, std, tol, max_steps=3000)
    x, _ = scaling.scaling_problem(mean, std)
    # H = [[E x², E x], [E x, 1]]: its eigenvalues by hand
    lam = np.linalg.eigvalsh([[np.mean(x * x), x.mean()], [x.mean(), 1.0]])
    raw = scaling.scaling_caption(runs["raw"], "raw", tol)
    assert raw.startswith(f"Raw: Hessian eigenvalues {lam[1]:.3g} and {lam[0]:.3g} (κ = {lam[1] / lam[0]:,.1f}); "
                          f"with the step η = 1/λ_max = {1 / lam[1]:.3g} gradient descent ")
    power = {1e-6: "10⁻⁶", 1e-3: "10⁻³", 1e-9: "10⁻⁹"}[tol]
    done = runs["raw"]["steps"]
    assert (f"reached f − f* ≤ {power} in {done:,} step" if done else
            f"had not reached f − f* ≤ {power} after 3,000 steps") in raw
    assert raw.endswith(f"(theory: ≈ {runs['raw']['predicted']:,}).")
    assert scaling.scaling_caption(runs["standardised"], "standardised", tol).startswith(
        "Standardised: Hessian eigenvalues 1 and 1 (κ = 1.0)")
    fig = scaling.scaling_figure(runs["raw"], "raw")
    assert fig.layout.title.text == f"Raw feature: κ = {runs['raw']['kappa']:,.1f}"
