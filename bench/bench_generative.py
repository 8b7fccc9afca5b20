"""Generative models: recording the 2-D GAN (total and first frame), building its replay, opening a
committed run, decoding a latent point, the digit and VAE views, the page's first view (committed runs)
and its reruns when a preset's setting or the decoded point moves."""
from __future__ import annotations

import json
import time

import numpy as np
import torch

from bench.common import Row, best_of, page_rerun
from demos.generative import committed, digit_gan, gan_2d, latent_space, saturation, vae
from models import load_pretrained
from models.data import mnist_split

PAGE = "pages/11_generative.py"


def record_timing(threads: int) -> tuple[float, float, object]:
    """(seconds for the default 2,000-step recording, seconds to its first frame, the recording)."""
    saved = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        start, first = time.perf_counter(), []
        rec = gan_2d.train_gan_2d(on_progress=lambda f, p: first.append(time.perf_counter() - start) if not first else None)
        return time.perf_counter() - start, first[0], rec
    finally:
        torch.set_num_threads(saved)


def run() -> list[Row]:
    rows: list[Row] = []
    default_threads = torch.get_num_threads()
    total, first, rec = record_timing(1)
    rows.append(Row("generative", "2-D GAN, 2,000 steps recorded (60 frames), 1 torch thread", total, target="≤ 10 s"))
    rows.append(Row("generative", "2-D GAN, first frame shown while recording, 1 torch thread", first, target="≤ 1 s"))
    total2, _, _ = record_timing(default_threads)
    rows.append(Row("generative", f"2-D GAN, 2,000 steps, default {default_threads} torch threads", total2))
    start = time.perf_counter()
    fig = gan_2d.gan_2d_figure(rec)
    rows.append(Row("generative", "2-D GAN replay figure built (60 frames)", time.perf_counter() - start))
    rows.append(Row("generative", "2-D GAN replay figure sent to the browser (JSON)",
                    len(json.dumps(fig.to_plotly_json(), default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o))) / 1e6,
                    unit="MB"))
    healthy = committed.preset_args(gan_2d.PRESETS["Healthy"])
    rows.append(Row("generative", "committed 2-D GAN run loaded + its replay built (a preset, seed 0)",
                    best_of(lambda: committed.committed_replay(*healthy), 3), target="< 1 s"))
    start = time.perf_counter()
    saturation.saturation_experiment()
    rows.append(Row("generative", "saturation experiment (2 x 300 SGD steps after a 100-step head start)",
                    time.perf_counter() - start))
    cnn, model = load_pretrained("mnist_cnn"), load_pretrained("mnist_vae_2d").member(1.0)

    data = mnist_split()
    pool, pool_labels = data.test_images.squeeze(1).numpy(), data.test_labels.numpy()

    def decode_point() -> None:
        latent_space.nearest_digit(vae.decode(model, np.array([0.5, -1.0])), pool, pool_labels)
    rows.append(Row("generative", "decode one latent point + find its nearest of 1,000 real digits",
                    best_of(decode_point, 20), target="< 100 ms"))
    rows.append(Row("generative", "VAE map: encode 1,000 held-out digits + decode a 15 x 15 grid + its FD",
                    best_of(lambda: latent_space.latent_overview(model, cnn, data.test_images), 3)))
    gan, fit = load_pretrained("mnist_cgan"), digit_gan.training_digits()
    rows.append(Row("generative", "digit GAN views: 80 samples, 8 nearest of 3,500 training digits, slerp",
                    best_of(lambda: digit_gan.digit_gan_views(gan, cnn, fit, 0, 3, 1, 5.0), 3)))
    first_render, rerun = page_rerun(PAGE, {}, ("selectbox", "lr_d", "0.0001"))  # Healthy <-> Mode collapse
    rows.append(Row("generative", "page first render, default view (server; committed runs)", first_render,
                    target="≤ 2 s"))
    rows.append(Row("generative", "page rerun, Healthy <-> Mode collapse settings (committed runs)", rerun,
                    target="< 1 s"))
    first_render, rerun = page_rerun(PAGE, {"view": "VAE vs autoencoder"}, ("slider", "z1", 1.5))
    rows.append(Row("generative", "page first render, VAE tab (server; committed 2-D GAN run)", first_render))
    rows.append(Row("generative", "page rerun after moving the decoded point (z1)", rerun, target="< 250 ms"))
    return rows
