"""The optimal discriminator: the closed form, the game's value -log 4 + 2 JSD, a trained D reaching
it, and the caption computed from the run."""
import math

import numpy as np
import pytest

from demos.generative import optimal_discriminator as od


def test_optimal_discriminator_closed_form_and_the_game_value():
    p, q = np.array([0.2, 0.5, 0.0]), np.array([0.2, 0.0, 0.3])
    assert od.optimal_discriminator(p, q).tolist() == [0.5, 1.0, 0.0]
    x = np.linspace(-12, 14, 20001)
    pd, pg = od.gaussian_pdf(x, 0, 1), od.gaussian_pdf(x, 1.5, 0.5)
    ds, dx = od.optimal_discriminator(pd, pg), x[1] - x[0]
    v = np.sum(pd * np.log(np.clip(ds, 1e-300, 1)) + pg * np.log(np.clip(1 - ds, 1e-300, 1))) * dx
    assert v == pytest.approx(-math.log(4) + 2 * od.jensen_shannon(pd, pg, dx), abs=1e-6)  # Goodfellow Thm 1
    assert od.jensen_shannon(pd, pd, dx) == pytest.approx(0, abs=1e-12)
    assert od.jensen_shannon(pd, od.gaussian_pdf(x, 9, 1), dx) == pytest.approx(math.log(2), abs=1e-4)  # disjoint


@pytest.fixture(scope="module")
def trained():
    return od.train_discriminator_1d(1.5, 0.5, seed=0)


def test_a_trained_1d_discriminator_reaches_the_closed_form(trained):
    r = trained
    busy = (r["p_data"] > 0.05) | (r["p_g"] > 0.05)
    assert np.abs(r["d_trained"] - r["d_star"])[busy].max() < 0.1  # reached here: 0.03 to 0.05
    assert r["v_trained"] <= r["v_star"] + 1e-6 and r["v_trained"] > r["v_star"] - 0.02


def test_the_caption_reads_the_run(trained):
    r = trained
    busy = (r["p_data"] > 0.05) | (r["p_g"] > 0.05)
    text = od.optimal_caption(r)
    assert f"within {np.abs(r['d_trained'] - r['d_star'])[busy].max():.2f} of D*" in text
    assert f"V(D*, G) = {r['v_star']:.3f} = −log 4 + 2·JSD = -1.386 + 2 × {r['jsd']:.3f}" in text
    assert f"the trained D reaches {r['v_trained']:.3f}" in text


def test_the_caption_at_a_hand_made_run():
    x = np.linspace(-4, 6, 5)
    r = {"x": x, "p_data": np.array([0.0, 0.3, 0.01, 0.0, 0.0]), "p_g": np.array([0.0, 0.0, 0.01, 0.2, 0.0]),
         "d_star": np.array([0.5, 1.0, 0.5, 0.0, 0.5]), "d_trained": np.array([0.0, 0.9, 0.9, 0.05, 1.0]),
         "v_star": -0.5, "v_trained": -0.75, "jsd": 0.4431}
    text = od.optimal_caption(r)  # only where a density exceeds 0.05: |0.9 - 1| and |0.05 - 0|
    assert text.startswith("Where either density exceeds 0.05 the trained discriminator is within 0.10 of D*")
    assert "V(D*, G) = -0.500 = −log 4 + 2·JSD = -1.386 + 2 × 0.443; the trained D reaches -0.750" in text


def test_the_figure_draws_both_densities_d_star_and_the_trained_d(trained):
    fig = od.optimal_discriminator_figure(trained)
    assert [t.name for t in fig.data] == ["p_data = N(0, 1)", "p_g (generator)", "D* = p_data / (p_data + p_g)",
                                          "trained D"]
    assert np.array_equal(fig.data[2].y, trained["d_star"]) and fig.data[0].x[0] == od.D1_RANGE[0]


def test_the_identity_holds_at_every_slider_setting_with_the_jsd_of_scipy():
    # The caption's V(D*, G) = −log 4 + 2·JSD must hold as printed (3 decimals) for all 25 × 8 settings of the
    # two sliders; it failed at 57 of them while the integrals ran over the drawn axis [-4, 6] only.
    # Reference JSD: scipy.integrate.quad over the whole line, in nats.
    from scipy import integrate, stats

    def jsd(mean, std):
        p, q = stats.norm(0, 1), stats.norm(mean, std)

        def f(x):  # ½ p log(p/m) + ½ q log(q/m), m = (p + q)/2, in log space (no 0/0 in the tails)
            lp, lq = p.logpdf(x), q.logpdf(x)
            lm = np.logaddexp(lp, lq) - math.log(2)
            return 0.5 * np.exp(lp) * (lp - lm) + 0.5 * np.exp(lq) * (lq - lm)
        return integrate.quad(f, -np.inf, np.inf, limit=200)[0]

    assert jsd(-2, 2) == pytest.approx(0.224, abs=5e-4)  # the setting: the page said 0.170
    r = od.train_discriminator_1d(-2.0, 2.0, steps=10)  # the discriminator's training does not enter these
    assert r["jsd"] == pytest.approx(jsd(-2, 2), abs=1e-6)
    assert r["v_star"] == pytest.approx(-math.log(4) + 2 * r["jsd"], abs=1e-6)
    for mean in np.arange(-2.0, 4.01, 0.25):
        for std in np.arange(0.25, 2.01, 0.25):
            r = od.train_discriminator_1d(float(mean), float(std), steps=0)
            assert r["jsd"] == pytest.approx(jsd(mean, std), abs=1e-5), (mean, std)
            assert abs(r["v_star"] - (-math.log(4) + 2 * r["jsd"])) < 5e-4, (mean, std)
