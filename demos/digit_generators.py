"""Generative models on real digits: a conditional DCGAN (Radford et al. 2016; Mirza & Osindero 2014)
checked for copying (nearest training digit, Fréchet distance in the digit CNN's feature space), and
variational autoencoders (Kingma & Welling 2014; β-VAE, Higgins et al. 2017) beside a plain
autoencoder with the same 2-D bottleneck: the reparameterisation z = μ + σ·ε, the ELBO's two terms,
the latent map, interpolation and sampling. The 2-D GAN trained live is `demos.generative`.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots
from torch import nn

from demos.plots import OKABE_ITO, _layout


# ---------------------------------------------------------------- variational autoencoders
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


def interpolate(a: np.ndarray, b: np.ndarray, steps: int) -> np.ndarray:
    """`steps` points on the straight line from code a to code b, both ends included: (steps, d)."""
    t = np.linspace(0, 1, steps)[:, None]
    return (1 - t) * np.asarray(a)[None] + t * np.asarray(b)[None]


def latent_grid(lo: float, hi: float, n: int) -> np.ndarray:
    """An n x n grid of latent points over [lo, hi]^2, row by row from the top (high z2) down: (n*n, 2)."""
    v = np.linspace(lo, hi, n)
    z1, z2 = np.meshgrid(v, v[::-1])
    return np.stack([z1.ravel(), z2.ravel()], 1)


def empty_share(codes: np.ndarray, n: int = 30, radius: float = 0.25) -> float:
    """Holes in a latent map: the share of an n x n grid over +-2 spreads around the codes' centre
    (per axis) with no code within `radius` spreads."""
    u = (codes - codes.mean(0)) / codes.std(0)
    grid = latent_grid(-2, 2, n)
    d2 = ((grid[:, None, :] - u[None]) ** 2).sum(2)
    return float((d2.min(1) > radius ** 2).mean())


def knn_accuracy(train_codes: np.ndarray, train_labels: np.ndarray, codes: np.ndarray,
                 labels: np.ndarray, k: int = 5) -> float:
    """Accuracy of a k-nearest-neighbour vote in the latent map: do codes cluster by class?"""
    d = ((codes[:, None, :] - train_codes[None]) ** 2).sum(2)
    nearest = np.argpartition(d, k, axis=1)[:, :k]
    votes = np.array([np.bincount(row, minlength=10).argmax() for row in train_labels[nearest]])
    return float((votes == labels).mean())


# ---------------------------------------------------------------- digit GAN: samples and memorisation
def latent_noise(seed: int, n: int, latent: int) -> torch.Tensor:
    """n noise vectors z ~ N(0, I) from a seed (the same seed always gives the same digits)."""
    return torch.randn(n, latent, generator=torch.Generator().manual_seed(seed))


@torch.no_grad()
def generate(gan: nn.Module, z: torch.Tensor, labels: torch.Tensor) -> np.ndarray:
    """Digits (N, 28, 28) in [0, 1] from noise (N, latent) and classes (N,)."""
    return gan(z, labels).squeeze(1).numpy()


def slerp(a: torch.Tensor, b: torch.Tensor, steps: int) -> torch.Tensor:
    """Spherical interpolation between two noise vectors (White 2016): unlike a straight line, the
    points keep the norm typical of N(0, I) samples. (steps, latent)."""
    omega = torch.arccos(torch.clamp((a / a.norm()) @ (b / b.norm()), -1, 1))
    t = torch.linspace(0, 1, steps)[:, None]
    if omega.abs() < 1e-6:
        return (1 - t) * a + t * b
    return (torch.sin((1 - t) * omega) * a + torch.sin(t * omega) * b) / torch.sin(omega)


def nearest_neighbours(queries: np.ndarray, pool: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each query image (N, 28, 28): the index of the closest pool image (M, 28, 28) and the
    Euclidean distance to it in pixel space."""
    q, p = queries.reshape(len(queries), -1).astype(np.float32), pool.reshape(len(pool), -1).astype(np.float32)
    d2 = (q ** 2).sum(1)[:, None] - 2 * q @ p.T + (p ** 2).sum(1)[None]
    idx = d2.argmin(1)
    return idx, np.sqrt(np.maximum(d2[np.arange(len(q)), idx], 0))


@torch.no_grad()
def features(classifier: nn.Module, images: torch.Tensor) -> np.ndarray:
    """The digit CNN's last conv features, averaged over positions (N, 64): the space in which the
    Frechet distance is measured."""
    from models.mnist_cnn import MNIST_MEAN, MNIST_STD

    return classifier.features((images - MNIST_MEAN) / MNIST_STD).mean((2, 3)).numpy().astype(np.float64)


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2)) between Gaussians fitted to two feature
    sets (the FID of Heusel et al. 2017, here on the digit CNN's features)."""
    mu_a, mu_b = a.mean(0), b.mean(0)
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    w, v = np.linalg.eigh(s_a)
    root_a = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    cross = np.linalg.eigvalsh(root_a @ s_b @ root_a)  # Tr (S_a S_b)^(1/2) = Tr (A^(1/2) S_b A^(1/2))^(1/2)
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(s_a) + np.trace(s_b) - 2 * np.sqrt(np.clip(cross, 0, None)).sum())


CLASS_COLOURS = OKABE_ITO[:7] + ("#999999", "#882255", "#44AA99")  # 10 digits, colour-blind safe
def mosaic(images: np.ndarray, cols: int, pad: int = 2) -> np.ndarray:
    """Images (N, 28, 28) in [0, 1] tiled row by row into one uint8 picture (white digits on black)."""
    n, h, w = images.shape
    rows = -(-n // cols)
    out = np.full((rows * (h + pad) - pad, cols * (w + pad) - pad), 60, dtype=np.uint8)
    for i, img in enumerate(images):
        r, c = divmod(i, cols)
        out[r * (h + pad):r * (h + pad) + h, c * (w + pad):c * (w + pad) + w] = np.clip(img * 255, 0, 255)
    return out


def latent_map(codes: np.ndarray, labels: np.ndarray, point: np.ndarray, title: str, centre: np.ndarray,
               spread: np.ndarray, path: np.ndarray | None = None, height: int = 380) -> go.Figure:
    """Codes (N, 2) coloured by digit over centre +- 4 spreads, the decoded point as a cross, and an
    optional interpolation path (K, 2)."""
    fig = go.Figure()
    for c in range(10):
        sel = labels == c
        fig.add_trace(go.Scatter(x=codes[sel, 0], y=codes[sel, 1], mode="markers", name=str(c),
                                 marker=dict(size=5, color=CLASS_COLOURS[c], opacity=0.75),
                                 hovertemplate=f"digit {c}<br>z = (%{{x:.2f}}, %{{y:.2f}})<extra></extra>"))
    if path is not None:
        fig.add_trace(go.Scatter(x=path[:, 0], y=path[:, 1], mode="lines+markers", name="interpolation",
                                 line=dict(color="#000000", width=2), marker=dict(size=5), hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=[point[0]], y=[point[1]], mode="markers", name="decoded point",
                             marker=dict(size=16, symbol="x-thin", line=dict(width=4, color="#000000")),
                             hoverinfo="skip"))
    fig.update_xaxes(title="z₁", range=[centre[0] - 4 * spread[0], centre[0] + 4 * spread[0]])
    fig.update_yaxes(title="z₂", range=[centre[1] - 4 * spread[1], centre[1] + 4 * spread[1]])
    fig.update_layout(legend=dict(orientation="h", y=-0.22, font=dict(size=11)), clickmode="event+select")
    return _layout(fig, title, height)


# ---------------------------------------------------------------- digits GAN views
def digit_gan_views(gan: nn.Module, cnn: nn.Module, fit_digits: np.ndarray, seed: int, cls: int, seed_b: int,
                    heldout_nn: float) -> dict:
    """Everything the Digits GAN tab shows: a class x noise grid (each column one z), the chosen class's
    samples above their nearest training digits, and a slerp path between two seeds."""
    latent = gan.config.latent
    z = latent_noise(seed, 8, latent)
    grid = generate(gan, z.repeat(10, 1), torch.arange(10).repeat_interleave(8))
    with torch.no_grad():
        read = cnn(torch.as_tensor(grid)[:, None]).argmax(1).numpy()
    fidelity = float((read == np.repeat(np.arange(10), 8)).mean())
    row = grid[cls * 8:(cls + 1) * 8]
    idx, dist = nearest_neighbours(row, fit_digits)
    med = float(np.median(dist))
    verdict = ("no closer to their training neighbours than new real digits are: generated, not copied"
               if med >= 0.9 * heldout_nn else "closer to training digits than new real digits are: check for copies")
    path_z = slerp(latent_noise(seed, 1, latent)[0], latent_noise(seed_b, 1, latent)[0], 10)
    path = generate(gan, path_z, torch.full((10,), cls))
    with torch.no_grad():
        path_read = (cnn(torch.as_tensor(path)[:, None]).argmax(1) == cls).sum().item()
    return {
        "grid": mosaic(grid, 8),
        "grid_caption": f"Noise seed {seed}: rows are the classes 0–9 and each column reuses one noise vector, so a "
                        f"column shares a style across classes. The digit CNN reads {fidelity:.0%} of these 80 "
                        "samples as the class they were asked for.",
        "pairs": mosaic(np.concatenate([row, fit_digits[idx]]), 8),
        "pairs_caption": f"Top: the eight {cls}s above; bottom: the closest of the {len(fit_digits):,} training "
                         f"digits to each (pixel distance {dist.min():.1f} to {dist.max():.1f}, median {med:.1f}). "
                         f"A held-out real digit lies at a median {heldout_nn:.1f} from its nearest training digit, "
                         f"so these samples are {verdict}.",
        "path": mosaic(path, 10),
        "path_caption": f"Class {cls}, from seed {seed}'s first noise vector to seed {seed_b}'s along a great circle "
                        f"(slerp, 10 steps): the style changes smoothly, and the digit CNN reads {path_read} of the "
                        f"10 as a {cls}.",
    }


def gan_history_figure(card: dict, height: int = 300) -> go.Figure:
    """Validation Frechet distance and class fidelity per epoch, from the model card."""
    h = card["history"]
    epochs = [r["epoch"] for r in h]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Scatter(x=epochs, y=[r["val_fid_cnn"] for r in h], name="validation Fréchet distance",
                             line=dict(color=OKABE_ITO[0], width=3)), secondary_y=False)
    fig.add_trace(go.Scatter(x=epochs, y=[r["val_class_fidelity"] for r in h], name="class fidelity",
                             line=dict(color=OKABE_ITO[1], width=3, dash="dot")), secondary_y=True)
    fig.add_vline(x=card["metrics"]["kept_epoch"], line_dash="dash", line_color="gray",
                  annotation_text="kept", annotation_position="top")
    fig.update_xaxes(title="epoch")
    fig.update_yaxes(title="Fréchet distance (CNN features)", secondary_y=False)
    fig.update_yaxes(title="class fidelity", tickformat=".0%", secondary_y=True)
    fig.update_layout(legend=dict(orientation="h", y=-0.3))
    return _layout(fig, None, height)


def gan_history_caption(card: dict) -> str:
    m, h = card["metrics"], card["history"]
    kept = next(r for r in h if r["epoch"] == m["kept_epoch"])
    return (f"Training, watched on the 500 validation digits: epoch {m['kept_epoch']} of {len(h)} had the lowest "
            f"Fréchet distance ({kept['val_fid_cnn']:.2f}) and was kept. On the 1,000 held-out digits, measured once: "
            f"distance {m['fid_cnn']:.2f}, class fidelity {m['class_fidelity']:.0%}, memorisation ratio "
            f"{m['memorisation_ratio']:.2f} (1 = samples sit as far from the training digits as new real digits do).")


# ---------------------------------------------------------------- VAE views
def latent_overview(model: nn.Module, cnn: nn.Module, images: torch.Tensor, n: int = 15) -> dict:
    """A model's map of `images`: codes (N, 2), the map's centre and spread (per axis), and a decoded
    n x n grid over centre +- 3 spreads with its Frechet distance to `images` (how digit-like it is)."""
    codes = encode(model, images)
    centre, spread = (np.zeros(2), np.ones(2)) if model.variational else (codes.mean(0), codes.std(0))
    points = centre + latent_grid(-3, 3, n) * spread
    digits = decode(model, points)
    fid = frechet_distance(features(cnn, torch.as_tensor(digits)[:, None]), features(cnn, images))
    return {"codes": codes, "centre": centre, "spread": spread, "grid": mosaic(digits, n, pad=1), "fid": fid,
            "mean": codes.mean(0), "std": codes.std(0), "empty": empty_share(codes)}


def map_caption(title: str, o: dict) -> str:
    m, sd = o["mean"], o["std"]
    return (f"{title}: the 1,000 held-out digits' codes are centred at ({m[0]:.2f}, {m[1]:.2f}) with spreads "
            f"({sd[0]:.2f}, {sd[1]:.2f}) (the prior N(0, I) has (0, 0) and (1, 1)); {o['empty']:.0%} of the map "
            f"within ±2 spreads has no digit within 0.25 spreads (holes). Click a digit to decode its position. "
            f"The 15 × 15 grid of decodes below lies at a Fréchet distance of {o['fid']:.1f} from real digits "
            "(digit-CNN features; lower = more digit-like).")


def nearest_digit(digits: np.ndarray, pool: np.ndarray, pool_labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What decoded images (N, 28, 28) look like: the label of the closest real digit in `pool`
    (M, 28, 28) and the pixel distance to it. (A classifier trained on sharp digits is a poor judge of
    the blurry decodes of a 2-D code: the digit CNN calls most of them an 8.)"""
    idx, dist = nearest_neighbours(digits, pool)
    return pool_labels[idx], dist


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
    return _layout(fig, None, height)


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


def vae_paths(ae: nn.Module, vae: nn.Module, x_a: torch.Tensor, x_b: torch.Tensor, pool: np.ndarray,
              pool_labels: np.ndarray, steps: int = 10) -> dict:
    """Straight lines between the codes of two digits (1, 1, 28, 28) in both maps, decoded, with the
    label of the real digit (from `pool`) closest to each decode."""
    out, rows, reads = {}, [], {}
    for name, model in (("ae", ae), ("vae", vae)):
        path = interpolate(encode(model, x_a)[0], encode(model, x_b)[0], steps)
        digits = decode(model, path)
        labels, dist = nearest_digit(digits, pool, pool_labels)
        reads[name] = " ".join(str(int(c)) for c in labels) + f" (median distance {np.median(dist):.1f})"
        out[f"{name}_path"] = path
        rows.append(digits)
    out["mosaic"] = mosaic(np.concatenate(rows), steps)
    out["caption"] = (f"Top: the plain AE, bottom: the VAE, each walking a straight line between the two digits' codes "
                      f"(the black paths on the maps). Closest real digit to each decode: AE {reads['ae']}; "
                      f"VAE {reads['vae']}.")
    return out


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
