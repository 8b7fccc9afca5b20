"""Generative models: a GAN trained live in 2-D and replayed in the browser, a conditional DCGAN on
digits, and a VAE beside a plain autoencoder with the same 2-D bottleneck."""
import time

import numpy as np
import streamlit as st

import ui
from demos import digit_generators as dg
from demos import generative as gen
from demos import plots
from models import metadata

page = ui.page_setup(__file__)
HEIGHT = 430  # the hero fits a 1280 x 720 slide


def apply_preset(name: str) -> None:  # a preset sets the controls; they go to the URL like any change
    for key, value in gen.preset_values(name).items():
        st.session_state[key] = value


# Controls: target, loss and D steps in one row (kept on a slide), presets, the rest below
key_row = st.columns([3, 3, 3, 6, 1.6])  # the last: the slide's "More controls" (~110 px)
more = ui.more_controls(key_row[4])
with key_row[0]:
    target = ui.select("Target distribution", "target", list(gen.TARGETS), format_func=gen.TARGETS.get)
with key_row[1]:
    loss = ui.select("Loss", "loss", list(gen.LOSSES), default="nonsaturating", format_func=gen.LOSSES.get)
with key_row[2]:
    d_steps = ui.slider("D steps per G step", "d_steps", 1, 5, 1)
with key_row[3]:
    st.caption("Presets")
    with st.container(horizontal=True, gap="small"):
        for name, (title, _) in gen.PRESETS.items():
            st.button(title, key=f"preset_{name}", on_click=apply_preset, args=(name,), type="tertiary")
with more:
    m = st.columns(6)
    with m[0]:
        lr_g = ui.select("G learning rate", "lr_g", gen.LEARNING_RATES, default="0.001")
    with m[1]:
        lr_d = ui.select("D learning rate", "lr_d", gen.LEARNING_RATES, default="0.001")
    with m[2]:
        latent = ui.slider("Latent size", "latent", 1, 8, 2)
    with m[3]:
        width = ui.slider("Hidden width", "width", 16, 256, 128, step=16)
    with m[4]:
        iters = ui.slider("G steps", "iters", 500, 4000, 2000, step=500)
    with m[5]:
        seed = ui.number("Seed", "seed", 0, 9999, 0)


def train_and_draw(*args, on_progress):
    rec = gen.train_gan_2d(*args, on_progress=on_progress)
    return rec, gen.gan_2d_figure(rec, HEIGHT)


@st.cache_data(max_entries=32, show_spinner="Generating digits…")
def digit_views(seed: int, cls: int, seed_b: int) -> dict:
    from models.data import validation_split  # the 3,500 digits the GAN learned from
    fit = validation_split()[0].squeeze(1).numpy()
    return dg.digit_gan_views(ui.model("mnist_cgan"), ui.model("mnist_cnn"), fit, seed, cls, seed_b,
                               metadata("mnist_cgan")["metrics"]["nn_distance_heldout"])


@st.cache_data(max_entries=16, show_spinner="Encoding the held-out digits…")
def overview(name: str, beta: float) -> dict:
    model = ui.model(name).member(beta if name == "mnist_vae_2d" else None)
    return dg.latent_overview(model, ui.model("mnist_cnn"), ui.mnist().test_images)


def clickable_map(fig, name: str, o: dict, caption: str) -> None:
    """A latent map where clicking a digit moves the decoded point there (in spreads of the map)."""
    def on_click() -> None:
        points = st.session_state[f"map_{name}"].selection.points
        if points:
            z = (np.array([points[0]["x"], points[0]["y"]]) - o["centre"]) / o["spread"]
            st.session_state["z1"], st.session_state["z2"] = (float(np.clip(round(v, 1), -4, 4)) for v in z)
    st.plotly_chart(fig, key=f"map_{name}", on_select=on_click, selection_mode="points",
                    config={"displaylogo": False})
    if not ui.is_presenting():
        st.caption(caption)


# Hero: the training, drawn frame by frame while it runs, then replayed in the browser
live = st.empty()


def show_partial(partial: dict, drawn: list = [0.0]) -> None:  # at most one redraw a second
    if time.time() - drawn[0] < 1.0:
        return
    drawn[0] = time.time()
    with live.container():
        ui.chart(gen.gan_2d_frame_figure(partial["frame"], target, loss, HEIGHT),
                 f"Training: step {partial['step']:,} of {iters:,}. The replay starts when it ends.")


rec, fig = ui.computed("Training the GAN", train_and_draw, target, loss, float(lr_g), float(lr_d), d_steps,
                       latent, width, iters, seed, show=show_partial, stoppable=True)
live.empty()
preset = gen.matching_preset({"target": target, "loss": loss, "lr_g": lr_g, "lr_d": lr_d, "d_steps": d_steps,
                              "latent": latent, "width": width, "iters": iters})
ui.chart(fig, gen.gan_2d_caption(rec, gen.PRESETS[preset][0] if preset else None), key="gan_2d", export="gan_2d")
ui.end_of_hero()

view, box = ui.tabs("view", ["Saturation", "Optimal discriminator", "Digits GAN", "VAE vs autoencoder"])
with box:
    if view == "Saturation":  # the minimax loss's vanishing gradient, measured twice
        ui.section("Saturation")
        r = ui.computed("Training both generator losses from the same start", gen.saturation_experiment, target, seed)
        ui.chart(gen.saturation_experiment_figure(r), gen.saturation_experiment_caption(r))
        early = gen.early_d_fake(rec)
        ui.chart(gen.saturation_figure(early if loss in ("minimax", "nonsaturating") else None),
                 gen.saturation_caption(early, loss))
        steps, grad = gen.smooth_curve(rec.curves.get("g_grad", np.zeros(0)))
        ui.chart(plots.line_chart(steps, {"mean |∂L_G/∂x| per generated point": grad}, None, "step",
                                  "gradient norm (log)", height=280, log_y=True), gen.gradient_caption(rec))
    elif view == "Optimal discriminator":  # D* = p_data / (p_data + p_g) against a trained D
        ui.section("Optimal discriminator")
        c = st.columns(2)
        with c[0]:
            fake_mean = ui.slider("Generator's mean", "fake_mean", -2.0, 4.0, 1.5, step=0.25)
        with c[1]:
            fake_std = ui.slider("Generator's spread (std)", "fake_std", 0.25, 2.0, 0.5, step=0.25)
        r = ui.computed("Training a discriminator", gen.train_discriminator_1d, fake_mean, fake_std)
        ui.chart(gen.optimal_discriminator_figure(r), gen.optimal_caption(r))
    elif view == "Digits GAN":  # the committed conditional DCGAN: samples, copies?, interpolation
        ui.section("Digits GAN")
        c = st.columns(3)
        with c[0]:
            gseed = ui.number("Noise seed", "gseed", 0, 9999, 0)
        with c[1]:
            gclass = ui.slider("Class for the close-ups", "gclass", 0, 9, 3)
        with c[2]:
            seed_b = ui.number("Second seed (interpolation)", "seed_b", 0, 9999, 1)
        card = metadata("mnist_cgan")
        s = digit_views(gseed, gclass, seed_b)
        ui.chart(plots.image_figure(s["grid"], None, height=430), s["grid_caption"])
        ui.chart(plots.image_figure(s["pairs"], None, height=130), s["pairs_caption"])
        ui.chart(plots.image_figure(s["path"], None, height=90), s["path_caption"])
        ui.chart(dg.gan_history_figure(card), dg.gan_history_caption(card))
    else:  # the same digits through a plain AE and a VAE with 2-D codes
        ui.section("VAE")
        c = st.columns([3, 2, 2, 1, 1, 1])
        with c[0]:
            beta = float(ui.select("β (KL weight) of the VAE", "beta", [f"{b:g}" for b in dg.BETAS], default="1",
                                   widget="segmented"))
        with c[1]:
            z1 = ui.slider("z₁ (in spreads of each map)", "z1", -4.0, 4.0, 0.0, step=0.1)
        with c[2]:
            z2 = ui.slider("z₂ (in spreads of each map)", "z2", -4.0, 4.0, 0.0, step=0.1)
        with c[3]:
            a = ui.slider("From digit", "from", 0, 9, 1)
        with c[4]:
            b = ui.slider("To digit", "to", 0, 9, 7)
        with c[5]:
            eps_seed = ui.number("ε seed", "eps_seed", 0, 9999, 0)
        data = ui.mnist()
        pool, pool_labels = data.test_images.squeeze(1).numpy(), data.test_labels.numpy()
        models = {"ae": ui.model("mnist_ae_2d").member(), "vae": ui.model("mnist_vae_2d").member(beta)}
        maps = {"ae": overview("mnist_ae_2d", 0.0), "vae": overview("mnist_vae_2d", beta)}
        x_a, x_b = (data.test_images[data.test_labels == d][:1] for d in (a, b))
        paths = dg.vae_paths(models["ae"], models["vae"], x_a, x_b, pool, pool_labels)
        titles = {"ae": "Plain autoencoder", "vae": f"VAE, β = {beta:g}"}
        for col, name in zip(st.columns(2), ("ae", "vae")):
            o = maps[name]
            point = o["centre"] + np.array([z1, z2]) * o["spread"]
            digit = dg.decode(models[name], point)[0]
            label, dist = dg.nearest_digit(digit[None], pool, pool_labels)
            with col:
                clickable_map(dg.latent_map(o["codes"], data.test_labels.numpy(), point, titles[name], o["centre"],
                                             o["spread"], paths[f"{name}_path"]), name, o, dg.map_caption(titles[name], o))
                ui.chart(plots.image_figure((digit * 255).astype(np.uint8), None, height=120),
                         f"{titles[name]} decodes z = ({point[0]:.2f}, {point[1]:.2f}); the closest of the 1,000 "
                         f"held-out digits is a {label[0]} at pixel distance {dist[0]:.1f}.")
                ui.chart(plots.image_figure(o["grid"], None, height=320),
                         f"{titles[name]}: decodes of a 15 × 15 grid over ±3 spreads around the map's centre.")
        ui.chart(plots.image_figure(paths["mosaic"], None, height=90), paths["caption"])
        samples = dg.reparameterised_samples(models["vae"], x_a, eps_seed)
        ui.chart(plots.image_figure(samples["mosaic"], None, height=70), samples["caption"])
        cards = metadata("mnist_vae_2d"), metadata("mnist_ae_2d")
        ui.chart(dg.beta_figure(*cards), dg.beta_caption(*cards))

ui.key_ideas()
ui.show_code(gen.train_gan_2d, gen.d_loss, gen.g_loss_per_sample, gen.optimal_discriminator, dg.reparameterise,
             dg.kl_to_standard_normal, dg.elbo_terms)
