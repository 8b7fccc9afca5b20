"""Generative models: a GAN trained live in 2-D (Goodfellow et al. 2014; the non-saturating loss; WGAN-GP,
Gulrajani et al. 2017; hinge, Lim & Ye 2017), the optimal discriminator, a conditional DCGAN on digits
(Radford et al. 2016; Mirza & Osindero 2014), and variational autoencoders (Kingma & Welling 2014)
next to a plain autoencoder with the same 2-D bottleneck.

Every random step takes a seed or a `torch.Generator`; networks are initialised from it too, so a run
is reproducible even while other sessions train in other threads.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots
from torch import nn

from demos.plots import OKABE_ITO, _layout
from demos.replay import Recording, animate, record

# ---------------------------------------------------------------- 2-D targets
TARGETS = {"ring": "Ring of 8 Gaussians", "grid": "Grid of 25 Gaussians", "moons": "Two moons",
           "spiral": "Spiral", "line": "A line"}  # name -> title
LOSSES = {"minimax": "Minimax (saturating)", "nonsaturating": "Non-saturating", "wgan_gp": "WGAN-GP",
          "hinge": "Hinge"}  # name -> title
BOX = 3.0  # the plane shown and sampled: [-BOX, BOX]^2
NOISE = 0.1  # std of the Gaussian noise of every target (mixture components and curves)
REGIONS = {"ring": 8, "grid": 25, "moons": 8, "spiral": 8, "line": 8}  # parts a generator must cover
LEARNING_RATES = ("0.0001", "0.0002", "0.0005", "0.001", "0.002", "0.005", "0.01")  # Adam, for G and D
DEFAULTS = {"target": "ring", "loss": "nonsaturating", "lr_g": "0.001", "lr_d": "0.001", "d_steps": 1,
            "latent": 2, "width": 128, "iters": 2000}  # the page's controls (URL keys) and defaults
PRESETS = {  # name -> (title, what the controls are set to; the rest stays at DEFAULTS)
    "healthy": ("Healthy", {}),
    "collapse": ("Mode collapse", {"lr_g": "0.001", "lr_d": "0.0001"}),
    "cure": ("Cure: D keeps up", {"lr_g": "0.001", "lr_d": "0.0001", "d_steps": 5}),
}
GRID = 40  # the discriminator heatmap is GRID x GRID points
N_SHOW, N_ARROWS, N_EVAL = 256, 64, 1000  # fakes drawn, of which with arrows; fakes scored per frame


def skeleton(target: str) -> tuple[np.ndarray, np.ndarray]:
    """Noise-free points of a target and the region (mode, or curve segment) each belongs to:
    (points (M, 2), regions (M,)). Mixtures: their centres; curves: 800 points along the curve."""
    if target == "ring":
        a = np.arange(8) * 2 * np.pi / 8
        return np.stack([2 * np.cos(a), 2 * np.sin(a)], 1), np.arange(8)
    if target == "grid":
        g = np.arange(-2.0, 3.0)
        return np.stack(np.meshgrid(g, g), -1).reshape(-1, 2), np.arange(25)
    t = np.linspace(0, 1, 800, endpoint=False) + 0.5 / 800
    if target == "moons":  # two interleaved half circles, 4 segments each
        half = t < 0.5
        u = np.where(half, t * 2, t * 2 - 1) * np.pi
        pts = np.where(half[:, None], np.stack([np.cos(u), np.sin(u)], 1),
                       np.stack([1 - np.cos(u), 0.5 - np.sin(u)], 1))
        pts = (pts - [0.5, 0.25]) * 1.6
    elif target == "spiral":  # one and a half turns, radius growing to 2.5
        r, a = 0.3 + 2.2 * t, 3 * np.pi * t
        pts = np.stack([r * np.cos(a), r * np.sin(a)], 1)
    elif target == "line":
        pts = np.stack([-2 + 4 * t, -1.5 + 3 * t], 1)
    else:
        raise ValueError(f"unknown target {target!r}; one of {', '.join(TARGETS)}")
    return pts, np.minimum((t * 8).astype(int), 7)


def sample_target(target: str, n: int, generator: torch.Generator) -> torch.Tensor:
    """n points (n, 2) from a target: a skeleton point chosen uniformly, plus N(0, NOISE^2) noise."""
    pts = torch.as_tensor(skeleton(target)[0], dtype=torch.float32)
    idx = torch.randint(len(pts), (n,), generator=generator)
    return pts[idx] + NOISE * torch.randn(n, 2, generator=generator)


def preset_values(name: str) -> dict:
    """Every control's value under a preset."""
    return DEFAULTS | PRESETS[name][1]


def matching_preset(values: dict) -> str | None:
    """The preset whose settings the controls hold now, if any."""
    return next((n for n in PRESETS if all(values.get(k) == v for k, v in preset_values(n).items())), None)


def coverage(target: str, fakes: np.ndarray) -> tuple[int, float]:
    """(regions captured, quality) of generated points. A fake is good when it lies within 3 NOISE
    of the target's skeleton; a region is captured when it holds at least a quarter of its fair
    share of all fakes (N / (4 K) good fakes; Srivastava et al. 2017 count modes similarly)."""
    pts, regions = skeleton(target)
    d = np.linalg.norm(fakes[:, None, :] - pts[None], axis=2)  # (N, M)
    nearest = d.argmin(1)
    good = d[np.arange(len(fakes)), nearest] <= 3 * NOISE
    k = REGIONS[target]
    counts = np.bincount(regions[nearest[good]], minlength=k)
    return int((counts >= len(fakes) / (4 * k)).sum()), float(good.mean())


# ---------------------------------------------------------------- 2-D GAN
def mlp(sizes: list[int], generator: torch.Generator) -> nn.Sequential:
    """Linear layers with LeakyReLU(0.2) between them, initialised like torch's default
    (U(-1/sqrt(fan_in), 1/sqrt(fan_in))) but from `generator`."""
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        lin = nn.Linear(a, b)
        bound = 1 / math.sqrt(a)
        with torch.no_grad():
            lin.weight.uniform_(-bound, bound, generator=generator)
            lin.bias.uniform_(-bound, bound, generator=generator)
        layers += [lin, nn.LeakyReLU(0.2)] if i < len(sizes) - 2 else [lin]
    return nn.Sequential(*layers)


def d_loss(loss: str, real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """The discriminator's loss on its raw outputs a (D(x) = sigmoid(a) for the first two):
    minimax / non-saturating: -log D(x) - log(1 - D(G(z))) (binary cross-entropy);
    hinge: relu(1 - a_real) + relu(1 + a_fake); WGAN: a_fake - a_real (plus the penalty)."""
    if loss in ("minimax", "nonsaturating"):
        return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()
    if loss == "hinge":
        return F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean()
    if loss == "wgan_gp":
        return fake_logits.mean() - real_logits.mean()
    raise ValueError(f"unknown loss {loss!r}; one of {', '.join(LOSSES)}")


def g_loss_per_sample(loss: str, fake_logits: torch.Tensor) -> torch.Tensor:
    """The generator's loss for each fake: minimax log(1 - D(G(z))) (saturates when D(G(z)) -> 0),
    non-saturating -log D(G(z)), hinge and WGAN -a (the critic's score, negated)."""
    if loss == "minimax":
        return -F.softplus(fake_logits)  # log(1 - sigmoid(a)) = -softplus(a)
    if loss == "nonsaturating":
        return F.softplus(-fake_logits)  # -log sigmoid(a) = softplus(-a)
    if loss in ("hinge", "wgan_gp"):
        return -fake_logits
    raise ValueError(f"unknown loss {loss!r}; one of {', '.join(LOSSES)}")


def gradient_penalty(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                     generator: torch.Generator) -> torch.Tensor:
    """WGAN-GP: E[(||grad_x critic(x_hat)|| - 1)^2] on random points between real and fake."""
    eps = torch.rand(len(real), 1, generator=generator)
    x = (eps * real + (1 - eps) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x).sum(), x, create_graph=True)
    return ((grad.norm(dim=1) - 1) ** 2).mean()


GP_WEIGHT = 0.1  # WGAN-GP penalty weight (the paper's 2-D toy experiments use 0.1; images use 10)
BATCH_2D = 128  # real and fake points per step


def train_gan_2d(target: str = "ring", loss: str = "nonsaturating", lr_g: float = 1e-3,
                 lr_d: float = 1e-3, d_steps: int = 1, latent: int = 2, width: int = 128,
                 iterations: int = 2000, seed: int = 0, n_frames: int = 60,
                 on_progress: Callable[[float], None] | None = None) -> Recording:
    """Train a GAN on a 2-D target and record it: generator latent -> width -> width -> 2, discriminator
    2 -> width -> width -> 1 (LeakyReLU), Adam(beta = 0.5, 0.9), `d_steps` discriminator steps per
    generator step. Frames: D's output on a GRID x GRID plane ("d"), N_SHOW fakes from fixed noise
    ("fake"), the direction each of the first N_ARROWS wants to move, -dL_G/dx ("arrows"), and
    coverage ("regions", "quality"). Curves per step: d_loss, g_loss, g_grad (mean per-fake norm of
    dL_G/dx: the signal the generator gets) and d_fake (mean sigmoid of D's output on the fakes)."""
    gen = torch.Generator().manual_seed(seed)
    G, D = mlp([latent, width, width, 2], gen), mlp([2, width, width, 1], gen)
    opt_g = torch.optim.Adam(G.parameters(), lr=lr_g, betas=(0.5, 0.9), fused=True)
    opt_d = torch.optim.Adam(D.parameters(), lr=lr_d, betas=(0.5, 0.9), fused=True)
    z_show = torch.randn(max(N_SHOW, N_EVAL), latent, generator=torch.Generator().manual_seed(seed + 1))
    axis = torch.linspace(-BOX, BOX, GRID)
    plane = torch.stack(torch.meshgrid(axis, axis, indexing="xy"), -1).reshape(-1, 2)  # row = y, col = x

    def step(i: int) -> dict[str, float]:
        for _ in range(d_steps):
            real = sample_target(target, BATCH_2D, gen)
            with torch.no_grad():
                fake = G(torch.randn(BATCH_2D, latent, generator=gen))
            ld = d_loss(loss, D(real), D(fake))
            if loss == "wgan_gp":
                ld = ld + GP_WEIGHT * gradient_penalty(D, real, fake, gen)
            opt_d.zero_grad()
            ld.backward()
            opt_d.step()
        fake = G(torch.randn(BATCH_2D, latent, generator=gen))
        fake.retain_grad()
        logits = D(fake).squeeze(1)
        lg = g_loss_per_sample(loss, logits).mean()
        opt_g.zero_grad()
        lg.backward()
        opt_d.zero_grad()  # the G step also filled D's gradients; D's next step starts clean
        opt_g.step()
        return {"d_loss": ld.item(), "g_loss": lg.item(),
                "g_grad": (fake.grad.norm(dim=1) * BATCH_2D).mean().item(),
                "d_fake": logits.detach().sigmoid().mean().item()}

    latest: dict = {"step": 0}

    def snapshot() -> dict[str, np.ndarray]:
        with torch.no_grad():
            out = D(plane).reshape(GRID, GRID)
            shown = out.sigmoid() if loss != "wgan_gp" else out - out.mean()
            fakes = G(z_show)
        x = fakes[:N_ARROWS].clone().requires_grad_(True)
        (grad,) = torch.autograd.grad(g_loss_per_sample(loss, D(x).squeeze(1)).sum(), x)
        regions, quality = coverage(target, fakes[:N_EVAL].numpy())
        latest["frame"] = {"d": shown.numpy().astype(np.float32), "fake": fakes[:N_SHOW].numpy().astype(np.float32),
                           "arrows": (-grad).numpy().astype(np.float32), "regions": np.int64(regions),
                           "quality": np.float32(quality)}
        return latest["frame"]

    def step_and_count(i: int) -> dict[str, float]:
        if i == 1:
            progress(0.0)  # the untrained state is worth drawing at once
        latest["step"] = i
        return step(i)

    def progress(fraction: float) -> None:  # the latest frame goes with it, to be drawn while training runs
        if on_progress is not None:
            on_progress(fraction, {"step": latest["step"], "frame": latest["frame"]})

    return record(step_and_count, snapshot, iterations, n_frames, progress,
                  meta={"target": target, "loss": loss, "seed": seed, "iterations": iterations})


def saturation_experiment(target: str = "ring", seed: int = 0, steps: int = 300, head_start: int = 100,
                          sgd_lr: float = 0.002, on_progress: Callable[[float], None] | None = None) -> dict:
    """The saturating loss's vanishing gradient, measured: D first learns for `head_start` steps to
    reject the untrained generator's points; then the same G and D continue twice, once with the
    minimax loss and once with the non-saturating one, G updated by plain SGD (no per-parameter
    rescaling that would hide a small gradient). Returns per loss: "g_grad" per step (mean per-point
    norm of dL_G/dx), "d_fake" per step (mean D(G(z))), and "distance" (mean distance of N_EVAL
    generated points to the target's skeleton) every 10 steps."""
    gen = torch.Generator().manual_seed(seed)
    G, D = mlp([2, 128, 128, 2], gen), mlp([2, 128, 128, 1], gen)
    opt_d = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.5, 0.9))
    for _ in range(head_start):
        real = sample_target(target, BATCH_2D, gen)
        with torch.no_grad():
            fake = G(torch.randn(BATCH_2D, 2, generator=gen))
        ld = d_loss("minimax", D(real), D(fake))
        opt_d.zero_grad()
        ld.backward()
        opt_d.step()
    start = ({k: v.clone() for k, v in G.state_dict().items()}, {k: v.clone() for k, v in D.state_dict().items()},
             opt_d.state_dict())
    pts = skeleton(target)[0]
    z_eval = torch.randn(N_EVAL, 2, generator=torch.Generator().manual_seed(seed + 1))
    out = {}
    for n, loss in enumerate(("minimax", "nonsaturating")):
        G.load_state_dict(start[0])
        D.load_state_dict(start[1])
        opt_d = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.5, 0.9))
        opt_d.load_state_dict(start[2])
        opt_g = torch.optim.SGD(G.parameters(), lr=sgd_lr)
        g2 = torch.Generator().manual_seed(seed + 2)  # both runs see the same batches
        curves: dict[str, list[float]] = {"g_grad": [], "d_fake": [], "distance": [], "distance_step": []}
        for i in range(steps + 1):
            if i % 10 == 0:
                with torch.no_grad():
                    f = G(z_eval).numpy()
                curves["distance"].append(float(np.linalg.norm(f[:, None] - pts[None], axis=2).min(1).mean()))
                curves["distance_step"].append(i)
            if i == steps:
                break
            real = sample_target(target, BATCH_2D, g2)
            with torch.no_grad():
                fake = G(torch.randn(BATCH_2D, 2, generator=g2))
            ld = d_loss(loss, D(real), D(fake))
            opt_d.zero_grad()
            ld.backward()
            opt_d.step()
            fake = G(torch.randn(BATCH_2D, 2, generator=g2))
            fake.retain_grad()
            logits = D(fake).squeeze(1)
            lg = g_loss_per_sample(loss, logits).mean()
            opt_g.zero_grad()
            lg.backward()
            opt_g.step()
            curves["g_grad"].append((fake.grad.norm(dim=1) * BATCH_2D).mean().item())
            curves["d_fake"].append(logits.detach().sigmoid().mean().item())
            if on_progress is not None and (i + 1) % 50 == 0:
                on_progress((n * steps + i + 1) / (2 * steps))
        out[loss] = {k: np.asarray(v) for k, v in curves.items()}
    return out


# ---------------------------------------------------------------- the optimal discriminator (1-D)
def gaussian_pdf(x: np.ndarray, mean: float, std: float) -> np.ndarray:
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))


def optimal_discriminator(p_data: np.ndarray, p_g: np.ndarray) -> np.ndarray:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)): the discriminator that maximises
    E_data[log D] + E_g[log(1 - D)] for a fixed generator (Goodfellow et al. 2014, Prop. 1)."""
    return p_data / np.maximum(p_data + p_g, 1e-300)


def jensen_shannon(p: np.ndarray, q: np.ndarray, dx: float) -> float:
    """JSD(p || q) in nats of two densities sampled on a uniform grid of step dx."""
    m = (p + q) / 2

    def kl(a: np.ndarray, b: np.ndarray) -> float:
        mask = a > 1e-300
        return float(np.sum(a[mask] * np.log(a[mask] / np.maximum(b[mask], 1e-300))) * dx)

    return 0.5 * kl(p, m) + 0.5 * kl(q, m)


D1_RANGE = (-4.0, 6.0)  # the 1-D axis shown


def train_discriminator_1d(fake_mean: float, fake_std: float, steps: int = 1000, seed: int = 0,
                           on_progress: Callable[[float], None] | None = None) -> dict[str, np.ndarray]:
    """Train a discriminator (1 -> 32 -> 32 -> 1 MLP, Adam, BCE) to tell N(0, 1) "data" from
    N(fake_mean, fake_std^2) "fakes" with a fixed generator, and return it on a grid next to the
    closed form: {"x", "p_data", "p_g", "d_trained", "d_star"} and the value V(D, G) of each."""
    gen = torch.Generator().manual_seed(seed)
    D = mlp([1, 32, 32, 1], gen)
    opt = torch.optim.Adam(D.parameters(), lr=3e-3, foreach=True)
    for i in range(steps):
        real = torch.randn(512, 1, generator=gen)
        fake = fake_mean + fake_std * torch.randn(512, 1, generator=gen)
        loss = d_loss("nonsaturating", D(real), D(fake))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if on_progress is not None and (i + 1) % 100 == 0:
            on_progress((i + 1) / steps)
    x = np.linspace(*D1_RANGE, 501)
    with torch.no_grad():
        d = D(torch.as_tensor(x, dtype=torch.float32)[:, None]).sigmoid().squeeze(1).numpy()
    p, q = gaussian_pdf(x, 0.0, 1.0), gaussian_pdf(x, fake_mean, fake_std)
    star, dx = optimal_discriminator(p, q), x[1] - x[0]

    def value(dd: np.ndarray) -> float:  # V(D, G) = E_data[log D] + E_g[log(1 - D)], on the grid
        dd = np.clip(dd, 1e-7, 1 - 1e-7)
        return float(np.sum(p * np.log(dd) + q * np.log(1 - dd)) * dx)

    return {"x": x, "p_data": p, "p_g": q, "d_trained": d, "d_star": star,
            "v_trained": value(d), "v_star": value(star), "jsd": jensen_shannon(p, q, dx)}


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


# ---------------------------------------------------------------- figures
CLASS_COLOURS = OKABE_ITO[:7] + ("#999999", "#882255", "#44AA99")  # 10 digits, colour-blind safe
ARROW_LENGTH = 0.6  # the longest arrow of a recording (its 95th percentile), in plane units


def smooth_curve(values: np.ndarray, points: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """(steps, values): a running mean over a window of ~1% of the run, kept at <= `points` points."""
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=int), np.zeros(0)
    w = max(1, n // 100)
    smooth = np.convolve(values, np.ones(w) / w, mode="full")[:n] * w / np.minimum(np.arange(1, n + 1), w)
    idx = np.unique(np.linspace(0, n - 1, min(points, n)).astype(int))
    return idx + 1, smooth[idx]


def arrow_segments(fakes: np.ndarray, arrows: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """x and y of line segments fake -> fake + scale * arrow, separated by NaN (one trace)."""
    tips = fakes + np.clip(scale * arrows, -4 * ARROW_LENGTH, 4 * ARROW_LENGTH)
    seg = np.stack([fakes, tips, np.full_like(fakes, np.nan)], 1)  # (N, 3, 2)
    return seg[..., 0].ravel(), seg[..., 1].ravel()


def gan_2d_figure(rec: Recording, height: int = 470, player: bool = True) -> go.Figure:
    """The replayable hero: D's output under real (dark) and generated (orange) points with the
    generator's gradient arrows, the two losses, and coverage over training (player=False: the last
    frame only, without the play button and slider)."""
    target, loss = rec.meta["target"], rec.meta["loss"]
    k = REGIONS[target]
    fig = make_subplots(rows=2, cols=2, specs=[[{"rowspan": 2}, {}], [None, {}]], column_widths=[0.55, 0.45],
                        horizontal_spacing=0.09, vertical_spacing=0.2,
                        subplot_titles=("", "Losses", "Coverage"))
    axis = np.linspace(-BOX, BOX, GRID)
    wgan = loss == "wgan_gp"
    d = rec.frames["d"]
    if wgan:  # a critic's score has no fixed range: each frame scaled to [-1, 1], then to [0, 1]
        d = (d / np.maximum(np.abs(d).reshape(len(d), -1).max(1), 1e-9)[:, None, None] + 1) / 2
    d = np.round(np.clip(d, 0, 1) * 255).astype(np.uint8)  # 1 byte a cell: a quarter of the replay's size
    ticks = ["−1", "0", "+1"] if wgan else ["0", "0.5", "1"]
    fig.add_trace(go.Heatmap(x=axis, y=axis, z=d[-1], zmin=0, zmax=255, colorscale="RdBu", zsmooth="best",
                             showscale=True, hoverinfo="skip",
                             colorbar=dict(title="critic" if wgan else "D(x)", len=0.5, x=0.5, y=0.78, thickness=10,
                                           tickvals=[0, 127.5, 255], ticktext=ticks)), 1, 1)
    real = sample_target(target, 500, torch.Generator().manual_seed(12345)).numpy()
    fig.add_trace(go.Scatter(x=real[:, 0], y=real[:, 1], mode="markers", name="real",
                             marker=dict(size=4, color="#000000", opacity=0.45), hoverinfo="skip"), 1, 1)
    fake = rec.frames["fake"]
    fig.add_trace(go.Scatter(x=fake[-1, :, 0], y=fake[-1, :, 1], mode="markers", name="generated",
                             marker=dict(size=6, color=OKABE_ITO[1], line=dict(width=0.5, color="#000000")),
                             hoverinfo="skip"), 1, 1)
    arrows = rec.frames["arrows"]
    norms = np.linalg.norm(arrows, axis=2)
    scale = ARROW_LENGTH / max(float(np.percentile(norms, 95)), 1e-12)
    segs = [arrow_segments(fake[f, :N_ARROWS], arrows[f], scale) for f in range(rec.n_frames)]
    fig.add_trace(go.Scatter(x=segs[-1][0], y=segs[-1][1], mode="lines", name="G's gradient",
                             line=dict(color=OKABE_ITO[2], width=2), hoverinfo="skip"), 1, 1)
    curves = {n: smooth_curve(rec.curves.get(n, np.zeros(0))) for n in ("d_loss", "g_loss")}
    for i, (name, label) in enumerate((("d_loss", "D loss"), ("g_loss", "G loss"))):
        fig.add_trace(go.Scatter(x=curves[name][0], y=curves[name][1], mode="lines", name=label,
                                 line=dict(color=OKABE_ITO[[0, 3][i]], width=2)), 1, 2)
    steps = rec.steps
    regions, quality = rec.frames["regions"] / k, rec.frames["quality"]
    fig.add_trace(go.Scatter(x=steps, y=regions, mode="lines+markers", name=f"regions (of {k})",
                             line=dict(color=OKABE_ITO[4], width=2), marker=dict(size=4)), 2, 2)
    fig.add_trace(go.Scatter(x=steps, y=quality, mode="lines", name="quality",
                             line=dict(color=OKABE_ITO[5], width=2, dash="dot")), 2, 2)
    frames = []
    for f, s in enumerate(steps):
        upto = {n: curves[n][0] <= s for n in curves}
        frames.append({0: {"z": d[f]}, 2: {"x": fake[f, :, 0], "y": fake[f, :, 1]},
                       3: {"x": segs[f][0], "y": segs[f][1]},
                       4: {"x": curves["d_loss"][0][upto["d_loss"]], "y": curves["d_loss"][1][upto["d_loss"]]},
                       5: {"x": curves["g_loss"][0][upto["g_loss"]], "y": curves["g_loss"][1][upto["g_loss"]]},
                       6: {"x": steps[:f + 1], "y": regions[:f + 1]}, 7: {"x": steps[:f + 1], "y": quality[:f + 1]}})
    fig.update_xaxes(range=[-BOX, BOX], row=1, col=1, showgrid=False, zeroline=False, showticklabels=False,
                     constrain="domain")
    fig.update_yaxes(range=[-BOX, BOX], row=1, col=1, showgrid=False, zeroline=False, showticklabels=False,
                     scaleanchor="x", constrain="domain")
    top = max(int(steps[-1]), 1)
    fig.update_xaxes(range=[0, top], row=1, col=2)
    fig.update_xaxes(range=[0, top], row=2, col=2)
    lo = min([float(np.nanmin(c[1])) for c in curves.values() if len(c[1])] or [0.0])
    hi = max([float(np.nanmax(c[1])) for c in curves.values() if len(c[1])] or [1.0])
    fig.update_yaxes(range=[lo - 0.05 * (hi - lo + 1e-9), hi + 0.05 * (hi - lo + 1e-9)], row=1, col=2)
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%", row=2, col=2)
    fig.update_layout(legend=dict(orientation="h", y=1.08, x=0, yanchor="bottom"), height=height,
                      margin=dict(l=10, r=10, t=30, b=10))
    return animate(fig, frames, [str(s) for s in steps]) if player else fig


def gan_2d_frame_figure(frame: dict[str, np.ndarray], target: str, loss: str, height: int = 470) -> go.Figure:
    """One frame of a training still running (drawn while the recording is made)."""
    rec = Recording(np.array([0]), {k: np.asarray(v)[None] for k, v in frame.items()},
                    {}, 0.0, meta={"target": target, "loss": loss})
    return gan_2d_figure(rec, height, player=False)


def saturation_figure(d_fake_early: float | None, height: int = 330) -> go.Figure:
    """How much of the logit's gradient each generator loss passes on, against D(G(z)):
    |d/da log(1 - sigmoid(a))| = D(G(z)) (minimax) and |d/da -log sigmoid(a)| = 1 - D(G(z))."""
    p = np.logspace(-4, np.log10(0.9999), 300)
    fig = go.Figure([go.Scatter(x=p, y=p, name="minimax: log(1 − D)", line=dict(color=OKABE_ITO[3], width=3)),
                     go.Scatter(x=p, y=1 - p, name="non-saturating: −log D", line=dict(color=OKABE_ITO[0], width=3))])
    if d_fake_early is not None:
        fig.add_vline(x=d_fake_early, line_dash="dash", line_color="gray",
                      annotation_text="this run, first 5% of steps", annotation_position="top right")
    fig.update_xaxes(type="log", title="D(G(z)): the discriminator's belief that a fake is real")
    fig.update_yaxes(title="|∂L_G / ∂logit|", range=[0, 1.05])
    fig.update_layout(legend=dict(orientation="h", y=-0.35))
    return _layout(fig, None, height)


def saturation_experiment_figure(r: dict, height: int = 320) -> go.Figure:
    """Both losses after the same discriminator head start: the gradient each generated point gets
    (log scale) and how far the points are from the data."""
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12,
                        subplot_titles=("|∂L_G/∂x| per generated point", "distance of generated points to the data"))
    for i, loss in enumerate(("minimax", "nonsaturating")):
        c = r[loss]
        colour = OKABE_ITO[3] if loss == "minimax" else OKABE_ITO[0]
        fig.add_trace(go.Scatter(x=np.arange(1, len(c["g_grad"]) + 1), y=c["g_grad"], name=LOSSES[loss],
                                 line=dict(color=colour, width=2)), 1, 1)
        fig.add_trace(go.Scatter(x=c["distance_step"], y=c["distance"], name=LOSSES[loss], showlegend=False,
                                 line=dict(color=colour, width=3)), 1, 2)
    fig.update_yaxes(type="log", exponentformat="power", row=1, col=1)
    fig.update_xaxes(title="generator step (plain SGD)")
    fig.update_layout(legend=dict(orientation="h", y=-0.3))
    return _layout(fig, None, height)


def saturation_experiment_caption(r: dict) -> str:
    mm, ns = r["minimax"], r["nonsaturating"]
    w = max(1, len(mm["g_grad"]) // 10)
    ratio = ns["g_grad"][:w].mean() / max(mm["g_grad"][:w].mean(), 1e-30)
    return (f"After the discriminator's head start it gives the generated points D(G(z)) ≈ {mm['d_fake'][0]:.1e}. Over "
            f"the first {w} steps the minimax loss hands each point a gradient of {mm['g_grad'][:w].mean():.1e}, the "
            f"non-saturating loss {ns['g_grad'][:w].mean():.1e} ({ratio:,.0f}× more). Moved by plain SGD, the minimax "
            f"generator's points go from {mm['distance'][0]:.2f} to {mm['distance'][-1]:.2f} from the data, the "
            f"non-saturating ones to {ns['distance'][-1]:.2f}.")


def optimal_discriminator_figure(r: dict, height: int = 340) -> go.Figure:
    """The two densities, the closed-form D* and the trained discriminator on one axis."""
    fig = go.Figure([
        go.Scatter(x=r["x"], y=r["p_data"], name="p_data = N(0, 1)", fill="tozeroy", line=dict(color="#555555")),
        go.Scatter(x=r["x"], y=r["p_g"], name="p_g (generator)", fill="tozeroy", line=dict(color=OKABE_ITO[1])),
        go.Scatter(x=r["x"], y=r["d_star"], name="D* = p_data / (p_data + p_g)", line=dict(color=OKABE_ITO[0], width=4)),
        go.Scatter(x=r["x"], y=r["d_trained"], name="trained D", line=dict(color=OKABE_ITO[3], width=2, dash="dash")),
    ])
    fig.update_xaxes(title="x")
    fig.update_yaxes(title="density / probability", range=[0, 1.05])
    fig.update_layout(legend=dict(orientation="h", y=-0.3))
    return _layout(fig, None, height)


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


# ---------------------------------------------------------------- captions (computed from what is shown)
def gan_2d_caption(rec: Recording, preset: str | None = None) -> str:
    target, k = rec.meta["target"], REGIONS[rec.meta["target"]]
    done = int(rec.steps[-1])
    rate = done / rec.seconds if rec.seconds > 0 else float("nan")
    head = f"Preset “{preset}”. " if preset else ""
    when = f"Stopped at step {done:,}" if rec.stopped else f"After {done:,} generator steps"
    return (f"{head}{when} the generated points cover {int(rec.frames['regions'][-1])} of the {k} regions of the "
            f"target ({TARGETS[target]}; best during training: {int(rec.frames['regions'].max())}), and "
            f"{float(rec.frames['quality'][-1]):.0%} of them lie within 3σ of the data; they spread "
            f"{float(rec.frames['fake'][-1].std(0).mean()):.2f} per axis, the data "
            f"{float(sample_target(target, 2000, torch.Generator().manual_seed(0)).std(0).mean()):.2f}. Recorded once in "
            f"{rec.seconds:.1f} s ({rate:,.0f} steps/s); ▶ replays it in your browser and the slider rewinds "
            "it, with no server work. Green strokes: −∂L_G/∂x, where each point is pushed.")


def early_d_fake(rec: Recording) -> float | None:
    """Mean D(G(z)) over the first 5% of the run (None before any step)."""
    d = rec.curves.get("d_fake", np.zeros(0))
    return float(d[:max(1, len(d) // 20)].mean()) if len(d) else None


def gradient_caption(rec: Recording) -> str:
    g = rec.curves.get("g_grad", np.zeros(0))
    if len(g) < 2:
        return "No generator step has run yet."
    w = max(1, len(g) // 20)
    first, last = float(g[:w].mean()), float(g[-w:].mean())
    return (f"Measured in this run ({LOSSES[rec.meta['loss']]}): over the first {w:,} steps each generated point "
            f"received a gradient of norm {first:.2g} on average, over the last {w:,} steps {last:.2g} "
            f"({last / max(first, 1e-12):.2g}×).")


def saturation_caption(early: float | None, loss: str) -> str:
    if loss not in ("minimax", "nonsaturating") or early is None:
        return (f"For the two cross-entropy losses: the minimax loss passes on D(G(z)) of the logit's gradient, "
                f"which vanishes when D rejects fakes confidently; {LOSSES.get(loss, loss)} scores fakes with an "
                "unbounded critic instead, so this curve does not apply to it.")
    return (f"Early in this run D(G(z)) averaged {early:.3f}: there the minimax loss passes on {early:.3f} of the "
            f"logit's gradient and the non-saturating loss {1 - early:.3f}, {(1 - early) / max(early, 1e-12):.0f}× "
            "more. Both losses have the same fixed point; only the strength of the early signal differs.")


def optimal_caption(r: dict) -> str:
    busy = (r["p_data"] > 0.05) | (r["p_g"] > 0.05)
    gap = float(np.abs(r["d_trained"] - r["d_star"])[busy].max())
    return (f"Where either density exceeds 0.05 the trained discriminator is within {gap:.2f} of D* (it only "
            f"learns where it sees samples). "
            f"V(D*, G) = {r['v_star']:.3f} = −log 4 + 2·JSD = {-math.log(4):.3f} + 2 × {r['jsd']:.3f}; the trained "
            f"D reaches {r['v_trained']:.3f} (D* is the maximum). With p_g = p_data, D* = ½ everywhere and V = −log 4.")


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
