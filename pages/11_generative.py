"""Generative models: a GAN trained in 2-D (its presets ahead of time, any other setting live) and replayed
in the browser, a conditional DCGAN on digits, and a VAE beside a plain autoencoder with the same 2-D
bottleneck."""
import time

import streamlit as st

import ui
from demos import plots
from demos.generative import (committed, digit_gan, gan_2d, latent_space, losses, optimal_discriminator, saturation,
                              targets, vae)
from models import metadata

page = ui.page_setup(__file__)

# Controls: target, loss and D steps in one row (kept on a slide), presets, the rest below
key_row = st.columns([4, 3.2, 2.6, 5.5])  # whole names on a slide
more = ui.more_controls()
with key_row[0]:
    target = ui.select("Target distribution", "target", list(targets.TARGETS), format_func=targets.TARGETS.get)
with key_row[1]:
    loss = ui.select("Loss", "loss", list(losses.LOSSES), default="nonsaturating", format_func=losses.LOSSES.get)
with key_row[2]:
    d_steps = ui.slider("D steps per G step", "d_steps", 1, 5, 1)
with key_row[3]:
    ui.preset_buttons(gan_2d.PRESETS)
with more:
    if ui.is_presenting():  # a slide warns before a click starts seconds of training in front of a room
        st.caption("⏳ A change here trains the GAN live, with progress and a Stop button; the presets at seed 0 "
                   "open at once.")
    m = ui.control_columns(6)
    with m[0]:
        lr_g = ui.select("G learning rate", "lr_g", gan_2d.LEARNING_RATES, default="0.001")
    with m[1]:
        lr_d = ui.select("D learning rate", "lr_d", gan_2d.LEARNING_RATES, default="0.001")
    with m[2]:
        latent = ui.slider("Latent size", "latent", 1, 8, 2)
    with m[3]:
        width = ui.slider("Hidden width", "width", 16, 256, 128, step=16)
    with m[4]:
        iters = ui.slider("G steps", "iters", 500, 4000, 2000, step=500)
    with m[5]:
        seed = ui.number("Seed", "seed", 0, 9999, 0)


def clickable_map(fig, name: str, o: dict, caption: str) -> None:
    """A latent map where clicking a digit moves the decoded point there (in spreads of the map)."""
    def on_click() -> None:
        points = st.session_state[f"map_{name}"].selection.points
        if points:
            z1, z2 = latent_space.slider_position(o, points[0]["x"], points[0]["y"])
            ui.apply_preset({"z1": z1, "z2": z2})
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
        ui.chart(gan_2d.gan_2d_frame_figure(partial["frame"], target, loss, gan_2d.HERO_HEIGHT),
                 gan_2d.progress_caption(partial["step"], iters))


# The presets at seed 0 were trained ahead of time (instant); any other setting trains live
rec, fig = ui.experiment("Training the GAN", gan_2d.train_and_draw, target, loss, float(lr_g), float(lr_d), d_steps,
                         latent, width, iters, seed, stored=committed.committed_replay, command=committed.COMMAND,
                         show=show_partial, stoppable=True)
live.empty()
ui.chart(fig, gan_2d.gan_2d_caption(rec, ui.active_preset(gan_2d.PRESETS)), key="gan_2d", export="gan_2d")
ui.end_of_hero()

view, box = ui.tabs("view", ["Saturation", "Optimal discriminator", "Digits GAN", "VAE vs autoencoder"])
with box:
    if view == "Saturation":  # the minimax loss's vanishing gradient, measured twice
        ui.section("Saturation")
        r = ui.experiment("Training both generator losses from the same start", saturation.saturation_experiment,
                          target, seed, stored=committed.committed_saturation, command=committed.COMMAND)
        ui.chart(saturation.saturation_experiment_figure(r), saturation.saturation_experiment_caption(r))
        early = saturation.early_d_fake(rec)
        ui.chart(saturation.saturation_figure(early), saturation.saturation_caption(early, loss))
        ui.chart(saturation.gradient_figure(rec), saturation.gradient_caption(rec))
    elif view == "Optimal discriminator":  # D* = p_data / (p_data + p_g) against a trained D
        ui.section("Optimal discriminator")
        c = st.columns(2)
        with c[0]:
            fake_mean = ui.slider("Generator's mean", "fake_mean", -2.0, 4.0, 1.5, step=0.25)
        with c[1]:
            fake_std = ui.slider("Generator's spread (std)", "fake_std", 0.25, 2.0, 0.5, step=0.25)
        r = ui.computed("Training a discriminator", optimal_discriminator.train_discriminator_1d, fake_mean, fake_std)
        ui.chart(optimal_discriminator.optimal_discriminator_figure(r), optimal_discriminator.optimal_caption(r))
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
        s = ui.cached(digit_gan.digit_gan_views, ui.model("mnist_cgan"), ui.model("mnist_cnn"),
                      digit_gan.training_digits(), gseed, gclass, seed_b, card["metrics"]["nn_distance_heldout"],
                      key=(gseed, gclass, seed_b), max_entries=32, spinner="Generating digits…")
        ui.chart(plots.image_figure(s["grid"], None, height=430), s["grid_caption"])
        ui.chart(plots.image_figure(s["pairs"], None, height=130), s["pairs_caption"])
        ui.chart(plots.image_figure(s["path"], None, height=90), s["path_caption"])
        ui.chart(digit_gan.gan_history_figure(card), digit_gan.gan_history_caption(card))
    else:  # the same digits through a plain AE and a VAE with 2-D codes
        ui.section("VAE")
        c = st.columns([3, 2, 2, 1, 1, 1])
        with c[0]:
            beta = float(ui.select("β (KL weight) of the VAE", "beta", [f"{b:g}" for b in vae.BETAS], default="1",
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
        data, cnn = ui.mnist(), ui.model("mnist_cnn")
        pool, pool_labels = data.test_images.squeeze(1).numpy(), data.test_labels.numpy()
        models = {"ae": ui.model("mnist_ae_2d").member(), "vae": ui.model("mnist_vae_2d").member(beta)}
        keys = {"ae": "mnist_ae_2d", "vae": ("mnist_vae_2d", beta)}  # what each map is the map of
        maps = {n: ui.cached(latent_space.latent_overview, models[n], cnn, data.test_images, key=keys[n],
                             max_entries=16, spinner="Encoding the held-out digits…") for n in models}
        x_a, x_b = (latent_space.example_digit(data.test_images, data.test_labels, d) for d in (a, b))
        paths = latent_space.vae_paths(models["ae"], models["vae"], x_a, x_b, pool, pool_labels)
        titles = latent_space.map_titles(beta)
        for col, name in zip(st.columns(2), ("ae", "vae")):
            o = maps[name]
            p = latent_space.decoded_point(models[name], o, z1, z2, pool, pool_labels, titles[name])
            with col:
                clickable_map(latent_space.latent_map(o["codes"], pool_labels, p["point"], titles[name], o["centre"],
                                                      o["spread"], paths[f"{name}_path"]),
                              name, o, latent_space.map_caption(titles[name], o))
                ui.chart(plots.image_figure(p["image"], None, height=120), p["caption"])
                ui.chart(plots.image_figure(o["samples"], None, height=320), latent_space.samples_caption(maps, name, titles))
        ui.chart(plots.image_figure(paths["mosaic"], None, height=90), paths["caption"])
        samples = vae.reparameterised_samples(models["vae"], x_a, eps_seed)
        ui.chart(plots.image_figure(samples["mosaic"], None, height=70), samples["caption"])
        cards = metadata("mnist_vae_2d"), metadata("mnist_ae_2d")
        ui.chart(vae.beta_figure(*cards), vae.beta_caption(*cards))

ui.key_ideas()
ui.show_code(gan_2d.train_gan_2d, losses.d_loss, losses.g_loss_per_sample, optimal_discriminator.optimal_discriminator,
             vae.reparameterise, vae.kl_to_standard_normal, vae.elbo_terms)
