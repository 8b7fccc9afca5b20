"""The variational autoencoder (Kingma & Welling 2014; β-VAE, Higgins et al. 2017) beside a plain
autoencoder with the same 2-D bottleneck: the reparameterisation z = μ + σ·ε, the KL to the prior, the
ELBO's two terms per digit, encoding and decoding, and what β trades ("VAE vs autoencoder" tab; its
maps are `latent_space`)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from torch import nn

from demos.generative.digits import mosaic
from demos.plots import OKABE_ITO, layout


# ---------------------------------------------------------------- the ELBO, and encoding and decoding
BETAS = (0.1, 1.0, 4.0)  # KL weights of the committed VAEs (models/weights/mnist_vae_2d)


def reparameterise(mu: torch.Tensor, logvar: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """z = mu + sigma * eps with sigma = exp(log sigma^2 / 2), eps ~ N(0, I): the sample is a
    differentiable function of (mu, sigma), so gradients reach the encoder (Kingma & Welling 2014)."""
    return mu + torch.exp(0.5 * logvar) * eps


def kl_to_standard_normal(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, diag sigma^2) || N(0, I)) = 1/2 sum_j (mu_j^2 + sigma_j^2 - 1 - log sigma_j^2),
    per row (nats)."""
    return 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(1)


def elbo_terms(model: nn.Module, images: torch.Tensor,
               generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """(reconstruction, KL) per image, in nats: -log p(x|z) with z = mu + sigma * eps (Bernoulli
    pixels: binary cross-entropy summed over the 784 pixels), and KL(q(z|x) || N(0, I)) (0 for a
    plain AE). The VAE minimises reconstruction + beta * KL; beta = 1 gives -ELBO."""
    out = model(images, generator)
    recon = F.binary_cross_entropy_with_logits(out.logits, images, reduction="none").flatten(1).sum(1)
    kl = kl_to_standard_normal(out.mu, out.logvar) if model.variational else torch.zeros(len(images))
    return recon, kl


@torch.no_grad()
def encode(model: nn.Module, images: torch.Tensor) -> np.ndarray:
    """The codes (means of q(z|x) for a VAE) of images (B, 1, 28, 28): (B, 2)."""
    return model.encode(images)[0].numpy()


@torch.no_grad()
def decode(model: nn.Module, codes: np.ndarray) -> np.ndarray:
    """Digits (N, 28, 28) in [0, 1] decoded from latent points (N, 2)."""
    z = torch.as_tensor(np.asarray(codes, dtype=np.float32).reshape(-1, 2))
    return model.decode(z).sigmoid().squeeze(1).numpy()


# ---------------------------------------------------------------- the reparameterisation trick, shown
def reparameterised_samples(vae: nn.Module, image: torch.Tensor, seed: int, n: int = 8) -> dict:
    """n draws of z = mu + sigma * eps for one digit (1, 1, 28, 28), decoded, with their caption."""
    with torch.no_grad():
        mu, logvar = vae.encode(image)
        eps = torch.randn(n, mu.shape[1], generator=torch.Generator().manual_seed(seed))
        z = reparameterise(mu, logvar, eps)
    sigma = torch.exp(0.5 * logvar)[0]
    digits = decode(vae, z.numpy())
    return {"z": z.numpy(), "mosaic": mosaic(digits, n),
            "caption": f"The reparameterisation trick on the “from” digit: its encoder gives μ = ({mu[0, 0]:.2f}, "
                       f"{mu[0, 1]:.2f}) and σ = ({sigma[0]:.2f}, {sigma[1]:.2f}); z = μ + σ ⊙ ε for {n} draws of "
                       f"ε ~ N(0, I) (seed {seed}) decodes to these {n} digits. The randomness sits in ε, so the "
                       "gradient reaches μ and σ."}


# ---------------------------------------------------------------- what β trades
def beta_figure(vae_card: dict, ae_card: dict, height: int = 300) -> go.Figure:
    """Held-out reconstruction and KL (nats per digit) of every committed VAE, the AE as a line."""
    m = vae_card["metrics"]
    betas = vae_card["config"]["betas"]
    fig = go.Figure([go.Scatter(x=betas, y=[m[f"recon_nats_beta{b:g}"] for b in betas], name="reconstruction",
                                mode="lines+markers", line=dict(color=OKABE_ITO[0], width=3), marker=dict(size=9)),
                     go.Scatter(x=betas, y=[m[f"kl_nats_beta{b:g}"] for b in betas], name="KL(q(z|x) ‖ N(0, I))",
                                mode="lines+markers", line=dict(color=OKABE_ITO[1], width=3), marker=dict(size=9))])
    fig.add_hline(y=ae_card["metrics"]["recon_nats"], line_dash="dot", line_color="gray",
                  annotation_text="plain AE reconstruction", annotation_position="top left")
    fig.update_xaxes(type="log", title="β (KL weight)", tickvals=betas, ticktext=[f"{b:g}" for b in betas])
    fig.update_yaxes(title="nats per held-out digit")
    fig.update_layout(legend=dict(orientation="h", y=-0.3))
    return layout(fig, None, height)


def beta_caption(vae_card: dict, ae_card: dict) -> str:
    m, a, betas = vae_card["metrics"], ae_card["metrics"], vae_card["config"]["betas"]
    lo, hi = betas[0], betas[-1]
    return (f"From β = {lo:g} to β = {hi:g} the held-out reconstruction cost goes from {m[f'recon_nats_beta{lo:g}']:.0f} "
            f"to {m[f'recon_nats_beta{hi:g}']:.0f} nats per digit while the KL goes from {m[f'kl_nats_beta{lo:g}']:.1f} "
            f"to {m[f'kl_nats_beta{hi:g}']:.1f}; the plain AE reconstructs at {ae_card['metrics']['recon_nats']:.0f} "
            f"nats with no KL term. At β = 1 the sum is −ELBO: {m['neg_elbo_beta1']:.0f} nats. Sampling z ~ N(0, I) and "
            f"decoding gives digits at a Fréchet distance of {m['prior_fid_cnn_beta1']:.1f} from real ones with the β = 1 "
            f"VAE and {a['prior_fid_cnn']:.1f} with the AE, whose codes live elsewhere; a Gaussian fitted to the AE's "
            f"codes after training brings it to {a['fitted_fid_cnn']:.1f}.")
