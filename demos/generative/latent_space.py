"""The 2-D latent maps of the plain autoencoder and the VAE: where the held-out digits land, how centred
and how full each map is (holes), what any point decodes to, and a straight walk between two digits'
codes ("VAE vs autoencoder" tab; the models' maths is `vae`)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch
from torch import nn

from demos.generative.digits import features, frechet_distance, mosaic, nearest_neighbours
from demos.generative.vae import decode, encode
from demos.plots import OKABE_ITO, layout


# ---------------------------------------------------------------- measuring a map
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


PRIOR_SEED = 0  # the draws z ~ N(0, I) decoded by both models (the same draws for both)


def prior_draws(n: int = 15) -> np.ndarray:
    """n × n draws from N(0, I) in 2-D, seeded: what sampling a generative model with this prior means."""
    return torch.randn(n * n, 2, generator=torch.Generator().manual_seed(PRIOR_SEED), dtype=torch.float64).numpy()


def latent_overview(model: nn.Module, cnn: nn.Module, images: torch.Tensor, n: int = 15) -> dict:
    """A model's map of `images`: codes (N, 2), the map's centre and spread (per axis), and n × n draws
    from N(0, I) decoded ("samples", the VAE's prior; a plain autoencoder has none, so it gets the same
    draws) with their Fréchet distance to `images` (how digit-like sampling the model is)."""
    codes = encode(model, images)
    centre, spread = (np.zeros(2), np.ones(2)) if model.variational else (codes.mean(0), codes.std(0))
    digits = decode(model, prior_draws(n))
    fid = frechet_distance(features(cnn, torch.as_tensor(digits)[:, None]), features(cnn, images))
    return {"codes": codes, "centre": centre, "spread": spread, "samples": mosaic(digits, n, pad=1), "fid": fid,
            "mean": codes.mean(0), "std": codes.std(0), "empty": empty_share(codes)}


# ---------------------------------------------------------------- a map, drawn
def map_titles(beta: float) -> dict[str, str]:
    """Each model's name on its map and in its captions."""
    return {"ae": "Plain autoencoder", "vae": f"VAE, β = {beta:g}"}


CLASS_COLOURS = OKABE_ITO[:7] + ("#999999", "#882255", "#44AA99")  # 10 digits, colour-blind safe


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
    return layout(fig, title, height)


def map_caption(title: str, o: dict) -> str:
    m, sd = o["mean"], o["std"]
    return (f"{title}: the 1,000 held-out digits' codes are centred at ({m[0]:.2f}, {m[1]:.2f}) with spreads "
            f"({sd[0]:.2f}, {sd[1]:.2f}) (the prior N(0, I) has (0, 0) and (1, 1)); {o['empty']:.0%} of the map "
            f"within ±2 spreads has no digit within 0.25 spreads (holes). Click a digit to decode its position.")


def samples_caption(o: dict[str, dict], name: str, titles: dict[str, str], n: int = 15) -> str:
    """Under one model's decoded prior draws, against the other model's (`o`: both overviews)."""
    other = "ae" if name == "vae" else "vae"
    mine, theirs = o[name]["fid"], o[other]["fid"]
    how = ("closer to" if mine < theirs else "farther from" if mine > theirs else "as close to")
    what = ("its prior, which the KL term pulled the codes towards" if name == "vae" else
            "the VAE's prior: a plain autoencoder has none, so these are the draws one would have to guess")
    return (f"{titles[name]}: {n * n} draws z ~ N(0, I) decoded ({what}). Fréchet distance to real digits "
            f"{mine:.1f} (digit-CNN features; lower = more digit-like), {how} real digits than the "
            f"{titles[other]}'s {theirs:.1f}.")


# ---------------------------------------------------------------- a point of the map, decoded
def nearest_digit(digits: np.ndarray, pool: np.ndarray, pool_labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What decoded images (N, 28, 28) look like: the label of the closest real digit in `pool`
    (M, 28, 28) and the pixel distance to it. (A classifier trained on sharp digits is a poor judge of
    the blurry decodes of a 2-D code: the digit CNN calls most of them an 8.)"""
    idx, dist = nearest_neighbours(digits, pool)
    return pool_labels[idx], dist


def decoded_point(model: nn.Module, o: dict, z1: float, z2: float, pool: np.ndarray, pool_labels: np.ndarray,
                  title: str) -> dict:
    """The point (z1, z2) spreads from the centre of a model's map `o` (`latent_overview`), decoded:
    {"point": (2,), "image": (28, 28) uint8, "caption"} with the closest real digit of `pool`."""
    point = o["centre"] + np.array([z1, z2]) * o["spread"]
    digit = decode(model, point)[0]
    label, dist = nearest_digit(digit[None], pool, pool_labels)
    return {"point": point, "image": (digit * 255).astype(np.uint8),
            "caption": f"{title} decodes z = ({point[0]:.2f}, {point[1]:.2f}); the closest of the {len(pool):,} "
                       f"held-out digits is a {label[0]} at pixel distance {dist[0]:.1f}."}


def slider_position(o: dict, x: float, y: float) -> tuple[float, float]:
    """A clicked position (x, y) of a map as the z₁, z₂ sliders hold it: in spreads from the map's
    centre, rounded to their 0.1 step and kept within ±4."""
    z = (np.array([x, y]) - o["centre"]) / o["spread"]
    z1, z2 = (float(np.clip(round(v, 1), -4, 4)) for v in z)
    return z1, z2


def example_digit(images: torch.Tensor, labels: torch.Tensor, digit: int) -> torch.Tensor:
    """The first of `images` (N, 1, 28, 28) showing `digit`: (1, 1, 28, 28)."""
    return images[labels == digit][:1]


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
