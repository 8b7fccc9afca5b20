"""The VAE's maths against torch (Normal KL, autograd, BCE), the committed autoencoders against their
cards, the reparameterised samples, and what β trades, read from the cards."""
import numpy as np
import pytest
import torch

from demos.generative import vae
from models import metadata


def test_kl_equals_torch_distributions_closed_form():
    g = torch.Generator().manual_seed(0)
    mu, logvar = torch.randn(5, 2, generator=g), torch.randn(5, 2, generator=g)
    q = torch.distributions.Normal(mu, torch.exp(0.5 * logvar))
    p = torch.distributions.Normal(torch.zeros(2), torch.ones(2))
    expected = torch.distributions.kl_divergence(q, p).sum(1)
    assert torch.allclose(vae.kl_to_standard_normal(mu, logvar), expected, atol=1e-6)
    assert vae.kl_to_standard_normal(torch.zeros(1, 2), torch.zeros(1, 2)).item() == 0.0


def test_reparameterisation_gradients():
    # z = mu + exp(logvar / 2) eps: dz/dmu = 1, dz/dlogvar = exp(logvar / 2) eps / 2
    mu, logvar = torch.tensor([0.3, -1.0], requires_grad=True), torch.tensor([0.4, -2.0], requires_grad=True)
    eps = torch.tensor([1.5, -0.5])
    z = vae.reparameterise(mu, logvar, eps)
    d_mu, d_lv = torch.autograd.grad(z.sum(), (mu, logvar))
    assert torch.allclose(d_mu, torch.ones(2))
    assert torch.allclose(d_lv, torch.exp(logvar.detach() / 2) * eps / 2)
    samples = vae.reparameterise(mu.detach(), logvar.detach(), torch.randn(200000, 2, generator=torch.Generator().manual_seed(0)))
    assert torch.allclose(samples.std(0), torch.exp(logvar.detach() / 2), rtol=0.01)


def test_elbo_terms_match_a_direct_computation(pretrained):
    model = pretrained("mnist_vae_2d").member(1.0)
    x = torch.rand(4, 1, 28, 28)
    recon, kl = vae.elbo_terms(model, x, torch.Generator().manual_seed(0))
    out = model(x, torch.Generator().manual_seed(0))
    bce = -(x * torch.log(torch.sigmoid(out.logits)) + (1 - x) * torch.log(1 - torch.sigmoid(out.logits)))
    assert torch.allclose(recon, bce.flatten(1).sum(1), rtol=1e-4)
    assert torch.allclose(kl, vae.kl_to_standard_normal(out.mu, out.logvar))


@pytest.mark.parametrize("name", ["mnist_ae_2d", "mnist_vae_2d"])
def test_latent_autoencoders_meet_their_recorded_metrics(name, pretrained, mnist):
    from train.latent_autoencoders import evaluate
    model, card = pretrained(name), metadata(name)
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


def test_encode_and_decode_shapes(pretrained, mnist):
    model = pretrained("mnist_vae_2d").member(1.0)
    codes = vae.encode(model, mnist.test_images[:3])
    assert codes.shape == (3, 2) and codes.dtype == np.float32
    digits = vae.decode(model, codes)
    assert digits.shape == (3, 28, 28) and 0 <= digits.min() and digits.max() <= 1
    assert vae.decode(model, np.array([0.5, -1.0])).shape == (1, 28, 28)  # one point


@pytest.mark.parametrize("seed", [0, 5])
def test_reparameterised_samples_decode_mu_plus_sigma_eps(pretrained, mnist, seed):
    model = pretrained("mnist_vae_2d").member(1.0)
    image = mnist.test_images[:1]
    s = vae.reparameterised_samples(model, image, seed)
    with torch.no_grad():
        mu, logvar = model.encode(image)
    eps = torch.randn(8, 2, generator=torch.Generator().manual_seed(seed))
    assert np.allclose(s["z"], (mu + torch.exp(0.5 * logvar) * eps).numpy(), atol=1e-6)
    assert s["mosaic"].shape == (28, 8 * 30 - 2)
    sigma = torch.exp(0.5 * logvar)[0]
    assert (f"μ = ({mu[0, 0]:.2f}, {mu[0, 1]:.2f}) and σ = ({sigma[0]:.2f}, {sigma[1]:.2f}); z = μ + σ ⊙ ε for 8 draws "
            f"of ε ~ N(0, I) (seed {seed}) decodes to these 8 digits") in s["caption"]


def test_beta_figure_and_caption_read_the_cards():
    cards = metadata("mnist_vae_2d"), metadata("mnist_ae_2d")
    m, a = cards[0]["metrics"], cards[1]["metrics"]
    text = vae.beta_caption(*cards)
    assert text.startswith(f"From β = 0.1 to β = 4 the held-out reconstruction cost goes from "
                           f"{m['recon_nats_beta0.1']:.0f} to {m['recon_nats_beta4']:.0f} nats per digit")
    assert f"At β = 1 the sum is −ELBO: {m['neg_elbo_beta1']:.0f} nats." in text
    assert text.endswith(f"a Gaussian fitted to the AE's codes after training brings it to {a['fitted_fid_cnn']:.1f}.")
    fig = vae.beta_figure(*cards)
    assert list(fig.data[0].x) == list(vae.BETAS) and fig.data[1].y[0] == m["kl_nats_beta0.1"]
    assert fig.layout.shapes[0].y0 == a["recon_nats"]
