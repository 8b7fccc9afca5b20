"""Generative models against independent references: hand-computed GAN losses, autograd, torch's own
BCE and Normal KL, the closed-form optimal discriminator, brute-force nearest neighbours, scipy's
matrix square root; the 2-D GAN's coverage under its presets; the committed digit models; the page."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from conftest import captions, open_page, plotly_specs
from demos import digit_generators as dg
from demos import generative as gen
from models import load_pretrained, metadata

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/11_generative.py"


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Tiny networks: one thread is faster, and much faster on a busy machine."""
    saved = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(saved)


def run_preset(name, seed=0, **overrides):
    v = gen.preset_values(name) | overrides
    return gen.train_gan_2d(v["target"], v["loss"], float(v["lr_g"]), float(v["lr_d"]), v["d_steps"], v["latent"],
                            v["width"], v["iters"], seed, n_frames=5)


# ---------------------------------------------------------------- losses, by hand and by reference
def test_discriminator_losses_equal_hand_computations():
    real, fake = torch.tensor([0.0, 2.0]), torch.tensor([-1.0, 1.0])
    # BCE: -log sigmoid(a) = log(1 + e^-a) on real, -log(1 - sigmoid(a)) = log(1 + e^a) on fakes
    bce = (math.log(2) + math.log(1 + math.exp(-2))) / 2 + (math.log(1 + math.exp(-1)) + math.log(1 + math.e)) / 2
    for loss in ("minimax", "nonsaturating"):
        assert gen.d_loss(loss, real, fake).item() == pytest.approx(bce, rel=1e-6)
    reference = (F.binary_cross_entropy_with_logits(real, torch.ones(2))
                 + F.binary_cross_entropy_with_logits(fake, torch.zeros(2)))
    assert gen.d_loss("minimax", real, fake).item() == pytest.approx(reference.item(), rel=1e-6)
    # hinge: mean(relu(1 - [0, 2])) = (1 + 0) / 2; mean(relu(1 + [-1, 1])) = (0 + 2) / 2
    assert gen.d_loss("hinge", real, fake).item() == pytest.approx(0.5 + 1.0)
    # WGAN critic: mean(fake) - mean(real) = 0 - 1
    assert gen.d_loss("wgan_gp", real, fake).item() == pytest.approx(-1.0)


def test_generator_losses_and_their_gradients():
    a = torch.tensor([-6.0, -1.0, 0.0, 3.0], requires_grad=True)
    d = torch.sigmoid(a)
    assert torch.allclose(gen.g_loss_per_sample("minimax", a), torch.log(1 - d), atol=1e-5)
    assert torch.allclose(gen.g_loss_per_sample("nonsaturating", a), -torch.log(d), atol=1e-5)
    assert torch.equal(gen.g_loss_per_sample("hinge", a), -a) and torch.equal(gen.g_loss_per_sample("wgan_gp", a), -a)
    # d/da log(1 - sigmoid(a)) = -sigmoid(a): it vanishes as D(G(z)) -> 0; -log sigmoid(a) gives -(1 - sigmoid(a))
    (g_mm,) = torch.autograd.grad(gen.g_loss_per_sample("minimax", a).sum(), a)
    (g_ns,) = torch.autograd.grad(gen.g_loss_per_sample("nonsaturating", a).sum(), a)
    assert torch.allclose(g_mm, -d.detach(), atol=1e-6) and torch.allclose(g_ns, -(1 - d.detach()), atol=1e-6)
    assert abs(g_mm[0]) < 0.003 and abs(g_ns[0]) > 0.99  # at D(G(z)) = sigmoid(-6) = 0.0025


def test_unknown_loss_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown loss"):
        gen.d_loss("kl", torch.zeros(1), torch.zeros(1))
    with pytest.raises(ValueError, match="unknown target"):
        gen.skeleton("donut")


def test_gradient_penalty_of_a_linear_critic():
    # f(x) = w.x with |w| = 2 has gradient norm 2 everywhere: penalty (2 - 1)^2 = 1
    critic = torch.nn.Linear(2, 1, bias=False)
    with torch.no_grad():
        critic.weight.copy_(torch.tensor([[1.2, 1.6]]))
    g = torch.Generator().manual_seed(0)
    value = gen.gradient_penalty(critic, torch.randn(16, 2), torch.randn(16, 2), g)
    assert value.item() == pytest.approx(1.0, rel=1e-6)


# ---------------------------------------------------------------- the optimal discriminator
def test_optimal_discriminator_closed_form_and_the_game_value():
    p, q = np.array([0.2, 0.5, 0.0]), np.array([0.2, 0.0, 0.3])
    assert gen.optimal_discriminator(p, q).tolist() == [0.5, 1.0, 0.0]
    x = np.linspace(-12, 14, 20001)
    pd, pg = gen.gaussian_pdf(x, 0, 1), gen.gaussian_pdf(x, 1.5, 0.5)
    ds, dx = gen.optimal_discriminator(pd, pg), x[1] - x[0]
    v = np.sum(pd * np.log(np.clip(ds, 1e-300, 1)) + pg * np.log(np.clip(1 - ds, 1e-300, 1))) * dx
    assert v == pytest.approx(-math.log(4) + 2 * gen.jensen_shannon(pd, pg, dx), abs=1e-6)  # Goodfellow Thm 1
    assert gen.jensen_shannon(pd, pd, dx) == pytest.approx(0, abs=1e-12)
    assert gen.jensen_shannon(pd, gen.gaussian_pdf(x, 9, 1), dx) == pytest.approx(math.log(2), abs=1e-4)  # disjoint


def test_a_trained_1d_discriminator_reaches_the_closed_form():
    r = gen.train_discriminator_1d(1.5, 0.5, seed=0)
    busy = (r["p_data"] > 0.05) | (r["p_g"] > 0.05)
    assert np.abs(r["d_trained"] - r["d_star"])[busy].max() < 0.1  # reached here: 0.03 to 0.05
    assert r["v_trained"] <= r["v_star"] + 1e-6 and r["v_trained"] > r["v_star"] - 0.02


# ---------------------------------------------------------------- 2-D targets, coverage, the live GAN
@pytest.mark.parametrize("target", list(gen.TARGETS))
def test_real_samples_cover_every_region_and_a_point_mass_covers_one(target):
    real = gen.sample_target(target, 1000, torch.Generator().manual_seed(0)).numpy()
    regions, quality = gen.coverage(target, real)
    assert regions == gen.REGIONS[target] and quality > 0.97  # 3 sigma holds 98.9% of a 2-D Gaussian
    pts, _ = gen.skeleton(target)
    regions, quality = gen.coverage(target, np.repeat(pts[:1], 1000, 0))
    assert regions == 1 and quality == 1.0


def test_collapse_preset_captures_fewer_modes_and_its_cure_all():
    collapsed = run_preset("collapse")
    assert collapsed.frames["regions"][-1] < 7  # reached here: 0 (seeds 0 and 1), 1 (seed 2)
    assert collapsed.frames["fake"][-1].std(0).mean() < 0.8  # a clump, where the ring spreads 1.4 per axis
    cured = run_preset("cure")
    assert cured.frames["regions"][-1] >= 7  # reached here: 8 (seeds 0 and 1)


def test_recording_is_deterministic_under_a_seed():
    a, b = (gen.train_gan_2d(iterations=40, n_frames=3, seed=3) for _ in range(2))
    c = gen.train_gan_2d(iterations=40, n_frames=3, seed=4)
    assert np.array_equal(a.frames["fake"], b.frames["fake"]) and np.array_equal(a.curves["g_loss"], b.curves["g_loss"])
    assert not np.array_equal(a.frames["fake"], c.frames["fake"])


@pytest.mark.parametrize("loss", list(gen.LOSSES))
def test_every_loss_trains_and_draws_a_replay(loss):
    seen = []
    rec = gen.train_gan_2d(loss=loss, iterations=30, n_frames=4, on_progress=lambda f, p: seen.append(p["step"]))
    assert list(rec.steps) == [0, 10, 20, 30] and seen == [0, 10, 20, 30]  # step 0 is drawn at once
    assert rec.frames["d"].shape == (4, gen.GRID, gen.GRID) and rec.frames["arrows"].shape == (4, gen.N_ARROWS, 2)
    fig = gen.gan_2d_figure(rec)
    assert len(fig.frames) == 4 and fig.layout.sliders[0].steps[-1].label == "30"
    assert "regions" in gen.gan_2d_caption(rec)


def test_stop_keeps_a_partial_recording():
    class Stopped(Exception):  # recognised by name, as the UI's own
        pass

    def stop_after_two(fraction, partial):
        if partial["step"] >= 20:
            raise Stopped()

    rec = gen.train_gan_2d(iterations=100, n_frames=11, on_progress=stop_after_two)
    assert rec.stopped and rec.steps[-1] == 20
    assert "Stopped at step 20" in gen.gan_2d_caption(rec)


def test_arrows_point_down_the_generator_loss():
    # one explicit gradient step along the recorded arrows lowers every point's generator loss
    g = torch.Generator().manual_seed(0)
    D = gen.mlp([2, 16, 1], g)
    x = torch.randn(32, 2, generator=g).requires_grad_(True)
    (grad,) = torch.autograd.grad(gen.g_loss_per_sample("nonsaturating", D(x).squeeze(1)).sum(), x)
    with torch.no_grad():
        before = gen.g_loss_per_sample("nonsaturating", D(x).squeeze(1))
        after = gen.g_loss_per_sample("nonsaturating", D(x - 1e-3 * grad).squeeze(1))
    assert (after < before).all()


def test_saturating_loss_starves_the_generator_where_the_non_saturating_one_does_not():
    r = gen.saturation_experiment(steps=120, head_start=100)
    mm, ns = r["minimax"], r["nonsaturating"]
    assert mm["d_fake"][0] < 0.01  # the head start made D confident
    assert ns["g_grad"][:12].mean() > 100 * mm["g_grad"][:12].mean()
    assert abs(mm["distance"][-1] - mm["distance"][0]) < 0.05  # the minimax generator barely moves
    assert ns["distance"][-1] < mm["distance"][-1]


def test_presets_are_found_back_from_their_values():
    for name in gen.PRESETS:
        assert gen.matching_preset(gen.preset_values(name)) == name
    assert gen.matching_preset(gen.DEFAULTS | {"width": 64}) is None


# ---------------------------------------------------------------- VAE maths
def test_kl_equals_torch_distributions_closed_form():
    g = torch.Generator().manual_seed(0)
    mu, logvar = torch.randn(5, 2, generator=g), torch.randn(5, 2, generator=g)
    q = torch.distributions.Normal(mu, torch.exp(0.5 * logvar))
    p = torch.distributions.Normal(torch.zeros(2), torch.ones(2))
    expected = torch.distributions.kl_divergence(q, p).sum(1)
    assert torch.allclose(dg.kl_to_standard_normal(mu, logvar), expected, atol=1e-6)
    assert dg.kl_to_standard_normal(torch.zeros(1, 2), torch.zeros(1, 2)).item() == 0.0


def test_reparameterisation_gradients():
    # z = mu + exp(logvar / 2) eps: dz/dmu = 1, dz/dlogvar = exp(logvar / 2) eps / 2
    mu, logvar = torch.tensor([0.3, -1.0], requires_grad=True), torch.tensor([0.4, -2.0], requires_grad=True)
    eps = torch.tensor([1.5, -0.5])
    z = dg.reparameterise(mu, logvar, eps)
    d_mu, d_lv = torch.autograd.grad(z.sum(), (mu, logvar))
    assert torch.allclose(d_mu, torch.ones(2))
    assert torch.allclose(d_lv, torch.exp(logvar.detach() / 2) * eps / 2)
    samples = dg.reparameterise(mu.detach(), logvar.detach(), torch.randn(200000, 2, generator=torch.Generator().manual_seed(0)))
    assert torch.allclose(samples.std(0), torch.exp(logvar.detach() / 2), rtol=0.01)


def test_elbo_terms_match_a_direct_computation():
    vae = load_pretrained("mnist_vae_2d").member(1.0)
    x = torch.rand(4, 1, 28, 28)
    recon, kl = dg.elbo_terms(vae, x, torch.Generator().manual_seed(0))
    out = vae(x, torch.Generator().manual_seed(0))
    bce = -(x * torch.log(torch.sigmoid(out.logits)) + (1 - x) * torch.log(1 - torch.sigmoid(out.logits)))
    assert torch.allclose(recon, bce.flatten(1).sum(1), rtol=1e-4)
    assert torch.allclose(kl, dg.kl_to_standard_normal(out.mu, out.logvar))


def test_interpolation_grid_and_mosaic_shapes():
    path = dg.interpolate(np.array([0.0, 0.0]), np.array([1.0, 2.0]), 5)
    assert path.tolist() == [[0, 0], [0.25, 0.5], [0.5, 1.0], [0.75, 1.5], [1, 2]]
    grid = dg.latent_grid(-1, 1, 3)
    assert grid[0].tolist() == [-1, 1] and grid[-1].tolist() == [1, -1]  # top-left first, rows from high z2
    m = dg.mosaic(np.ones((5, 28, 28)), 4, pad=2)
    assert m.shape == (58, 118) and m.dtype == np.uint8 and m.max() == 255


# ---------------------------------------------------------------- digit GAN helpers
def test_nearest_neighbours_equal_brute_force():
    g = np.random.default_rng(0)
    q, pool = g.random((7, 28, 28)), g.random((50, 28, 28))
    idx, dist = dg.nearest_neighbours(q, pool)
    brute = np.linalg.norm(q[:, None] - pool[None], axis=(2, 3))
    assert idx.tolist() == brute.argmin(1).tolist()
    assert np.allclose(dist, brute.min(1), atol=1e-3)


def test_frechet_distance_against_scipy():
    from scipy import linalg
    g = np.random.default_rng(0)
    a, b = g.normal(size=(300, 6)), g.normal(0.5, 2.0, size=(300, 6)) @ g.normal(size=(6, 6))
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    ref = ((a.mean(0) - b.mean(0)) ** 2).sum() + np.trace(s_a + s_b - 2 * linalg.sqrtm(s_a @ s_b).real)
    assert dg.frechet_distance(a, b) == pytest.approx(ref, rel=1e-6)
    assert dg.frechet_distance(a, a) == pytest.approx(0, abs=1e-8)


def test_slerp_keeps_the_ends_and_the_norm():
    a, b = torch.tensor([3.0, 0.0]), torch.tensor([0.0, 3.0])
    path = dg.slerp(a, b, 5)
    assert torch.allclose(path[0], a) and torch.allclose(path[-1], b, atol=1e-6)
    assert torch.allclose(path.norm(dim=1), torch.full((5,), 3.0))


def test_sampling_is_deterministic_under_a_seed():
    gan = load_pretrained("mnist_cgan")
    labels = torch.arange(10)
    a = dg.generate(gan, dg.latent_noise(7, 10, gan.config.latent), labels)
    b = dg.generate(gan, dg.latent_noise(7, 10, gan.config.latent), labels)
    c = dg.generate(gan, dg.latent_noise(8, 10, gan.config.latent), labels)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert a.shape == (10, 28, 28) and a.min() >= 0 and a.max() <= 1


# ---------------------------------------------------------------- committed weights meet their cards
def test_digit_gan_meets_its_recorded_metrics(mnist, mnist_cnn):
    from models.data import validation_split
    from train.digit_gan import memorisation, score
    gan, card = load_pretrained("mnist_cgan"), metadata("mnist_cgan")
    measured = score(gan, mnist_cnn, mnist.test_images, 100, 2) | memorisation(gan, validation_split()[0], mnist.test_images)
    for key in ("fid_cnn", "class_fidelity", "memorisation_ratio"):
        assert measured[key] == pytest.approx(card["metrics"][key], abs=0.02), key
    assert measured["fid_cnn"] <= card["metric_bar"]["fid_cnn"]
    assert measured["class_fidelity"] >= card["metric_bar"]["class_fidelity"]
    assert measured["memorisation_ratio"] >= card["metric_bar"]["memorisation_ratio"]  # not copying


@pytest.mark.parametrize("name", ["mnist_ae_2d", "mnist_vae_2d"])
def test_latent_autoencoders_meet_their_recorded_metrics(name, mnist):
    from train.latent_autoencoders import evaluate
    model, card = load_pretrained(name), metadata(name)
    measured = evaluate(model, mnist.test_images, 2)
    for key, value in measured.items():
        assert value == pytest.approx(card["metrics"][key], abs=0.05), key
    for key, bar in card["metric_bar"].items():
        value = card["metrics"][key]
        assert value <= bar if "nats" in key or "elbo" in key else value >= bar, key


def test_the_vae_map_is_centred_and_has_fewer_holes_than_the_ae_map():
    ae, m = metadata("mnist_ae_2d")["metrics"], metadata("mnist_vae_2d")["metrics"]
    assert np.linalg.norm(m["code_mean_beta1"]) < 0.5 < 1.0 < np.linalg.norm(ae["code_mean"])  # centred
    assert all(0.7 < s < 1.5 for s in m["code_std_beta1"]) and max(ae["code_std"]) > 3  # unit scale vs arbitrary
    assert m["empty_share_beta4"] < m["empty_share_beta1"] < ae["empty_share"]  # fewer holes as the KL weighs more
    assert m["prior_fid_cnn_beta1"] < ae["prior_fid_cnn"]  # decodes of z ~ N(0, I) look more like digits
    assert m["kl_nats_beta0.1"] > m["kl_nats_beta1"] > m["kl_nats_beta4"]  # beta trades KL ...
    assert m["recon_nats_beta0.1"] < m["recon_nats_beta1"] < m["recon_nats_beta4"]  # ... for reconstruction


def test_empty_share_counts_holes():
    rng = np.random.default_rng(0)
    filled = rng.uniform(-1, 1, (4000, 2)) * np.sqrt(3)  # uniform on a square of unit spread: no holes
    assert dg.empty_share(filled) < 0.3
    two_blobs = np.concatenate([rng.normal(-3, 0.2, (500, 2)), rng.normal(3, 0.2, (500, 2))])
    assert dg.empty_share(two_blobs) > 0.8


# ---------------------------------------------------------------- the page
@pytest.fixture(scope="module")
def page():
    return open_page(PAGE, timeout=300)


def test_default_preset_captures_at_least_7_of_8_ring_modes(page):
    import re
    assert not page.exception
    text = " ".join(captions(page))
    assert "Preset “Healthy”" in text
    regions, quality = re.search(r"cover (\d) of the 8 regions.*?(\d+)% of them lie within 3σ", text).groups()
    assert int(regions) >= 7 and int(quality) > 60  # reached here: 8 of 8 (seeds 0, 1, 2), about 80%
    spec = plotly_specs(page)[0]
    assert len(spec["frames"]) == 60 and spec["layout"]["sliders"][0]["steps"][-1]["label"] == "2000"


def test_preset_button_sets_the_controls(page):
    at = open_page(PAGE, timeout=300, iters="500")
    assert "Preset “" not in " ".join(captions(at))  # 500 steps: no preset has these settings
    at.button(key="preset_healthy").click().run()  # back to the defaults: the recording the page fixture made
    assert at.slider(key="iters").value == 2000  # a preset sets every control
    assert "Preset “Healthy”" in " ".join(captions(at))


@pytest.mark.parametrize("view,expected", [
    ("Saturation", "more). Moved by plain SGD"), ("Optimal discriminator", "= −log 4 + 2·JSD"),
    ("Digits GAN", "as the class they were asked for"), ("VAE vs autoencoder", "At β = 1 the sum is −ELBO")])
def test_every_tab_renders(view, expected):
    at = open_page(PAGE, timeout=300, iters="500", view=view)
    assert not at.exception, at.exception
    assert expected in " ".join(captions(at))


def test_optimal_discriminator_caption_matches_a_direct_call():
    at = open_page(PAGE, timeout=300, iters="500", view="Optimal discriminator", fake_mean="3.0", fake_std="1.0")
    r = gen.train_discriminator_1d(3.0, 1.0)
    assert f"V(D*, G) = {r['v_star']:.3f}" in " ".join(captions(at))


def test_digit_controls_drive_the_views():
    at = open_page(PAGE, timeout=300, iters="500", view="Digits GAN", gclass="5", gseed="11")
    text = " ".join(captions(at))
    assert "the eight 5s above" in text and "Noise seed 11" in text and "Class 5, from seed 11" in text


def test_vae_controls_drive_the_views():
    at = open_page(PAGE, timeout=300, iters="500", view="VAE vs autoencoder", beta="4", z1="1.5", z2="-0.5")
    text = " ".join(captions(at))
    assert "VAE, β = 4 decodes z = (1.50, -0.50); the closest of the 1,000 held-out digits is a" in text
    at.slider(key="z1").set_value(-2.0).run()
    assert "VAE, β = 4 decodes z = (-2.00, -0.50)" in " ".join(captions(at))


BAD_URLS = [  # hostile or broken URL values, grouped by the view that draws their controls
    {"target": "donut", "loss": "kl", "lr_g": "1e9", "d_steps": "0", "iters": "99999999", "latent": "-3",
     "width": "nan", "seed": "1e400", "view": "<script>alert(1)</script>"},
    {"iters": "500", "view": "VAE vs autoencoder", "beta": "0", "z1": "inf", "z2": "-4.05", "from": "11",
     "to": "7.5", "eps_seed": "1" * 400, "d_steps": "1.5"},
    {"iters": "500", "view": "Digits GAN", "gseed": "-1", "gclass": "ten", "seed_b": "%00"},
    {"iters": "500", "view": "Optimal discriminator", "fake_std": "0", "fake_mean": "1e999"},
]


@pytest.mark.parametrize("params", BAD_URLS, ids=lambda p: p["view"][:12])
def test_bad_url_values_fall_back_with_a_notice(params):
    at = open_page(PAGE, timeout=300, **params)
    assert not at.exception
    notes = " ".join(w.value for w in at.warning)
    for key in params:
        if key not in ("iters", "view") or key == "view" and "script" in params[key] or key == "iters" and params[key] != "500":
            assert f"`{key}=" in notes, key
    assert plotly_specs(at), "the page keeps working"
