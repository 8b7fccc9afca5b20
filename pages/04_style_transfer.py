"""Neural style transfer: watch the optimisation live, compare it with a one-pass network."""
import time

import numpy as np
import streamlit as st
import torch

import ui
from demos import images, plots
from demos import style_transfer as nst

page = ui.page_setup(__file__)

# Controls: images and the main weights (kept on a slide); everything else below
SOURCES = {**{p: images.PHOTOS[p].title for p in images.PHOTOS},
           **{f"pattern:{p}": f"Pattern: {p}" for p in nst.PATTERNS}, "upload": "Upload…"}
LAYERS = {"all": (0, 2, 4, 7, 10), "shallow": (0, 2, 4), "deep": (7, 10)}
key_row = st.columns([3, 3, 2, 2, 1])
more = ui.more_controls(key_row[4])
with key_row[0]:
    content_name = ui.select("Content image", "content", [p for p in SOURCES if not p.startswith("pattern")],
                             default="astronaut", format_func=SOURCES.get)
with key_row[1]:
    style_name = ui.select("Style image", "style", list(SOURCES), default="hubble", format_func=SOURCES.get)
with key_row[2]:
    style_w = 10 ** ui.slider("Style weight (log₁₀)", "style_w", 0.0, 5.0, 2.5, step=0.25)
with key_row[3]:
    steps = ui.slider("Steps", "steps", 10, 300, 100, step=10)
with more:
    m = st.columns(5)
    with m[0]:
        content_w = 10 ** ui.slider("Content weight (log₁₀)", "content_w", -1.0, 2.0, 0.0, step=0.25)
        tv_w = 10 ** ui.slider("TV weight (log₁₀)", "tv_w", -1.0, 3.0, 1.0, step=0.25)
    with m[1]:
        size = ui.slider("Size (px, longer side)", "size", *nst.SIZE_RANGE, 192, step=32)
        layers = ui.select("Style layers", "layers", list(LAYERS), format_func=lambda k: f"{k} {LAYERS[k]}")
    with m[2]:
        style2_name = ui.select("Mix with a second style", "style2", ["none"] + list(SOURCES)[:-1],
                                format_func=lambda k: "none" if k == "none" else SOURCES[k])
        mix = ui.slider("Weight of the first style", "mix", 0.0, 1.0, 0.5, step=0.1) if style2_name != "none" else 1.0
    with m[3]:
        init = ui.select("Start from", "init", ["content", "noise"], widget="radio")
        colour = ui.toggle("Keep the photo's colours", "colour", False)
    with m[4]:
        seed = ui.number("Seed", "seed", 0, 9999, 0, help="The noise start")


def load(name: str, label: str):
    """A source as (1, 3, H, W) in [0, 1] plus a cache id; None if an upload is missing or unusable."""
    if name.startswith("pattern:"):
        return nst.pattern(name.split(":")[1], 256, seed), name
    if name != "upload":
        return images.to_tensor(ui.photo(name)), name
    picture, upload_id = ui.image_upload(label, f"upload_{label}")
    if picture is None:
        return None
    if min(picture.size) < 32:
        st.warning(f"The {label} image is only {min(picture.size)} px on its shorter side; it is upscaled.")
    return images.to_tensor(picture), upload_id


loaded = [load(content_name, "content"), load(style_name, "style")]
loaded.append(load(style2_name, "second style") if style2_name != "none" else None)
if loaded[0] is None or loaded[1] is None:
    st.info("Upload an image to use it (any size or format).")
    st.stop()
(content, content_id), (style, style_id) = loaded[0], loaded[1]
content = nst.resize_longer(content, size)
styles = [nst.resize_longer(style, 256)] + ([nst.resize_longer(loaded[2][0], 256)] if loaded[2] else [])
weights = [mix, 1 - mix] if loaded[2] else [1.0]

# Hero: content | style | the fast network (at once) | the optimisation (when asked, live)
cols = st.columns(4)
cols[0].image(images.to_image(content), caption="Content", width="stretch")
cols[1].image(images.to_image(styles[0]), caption="Style" + (f" (+ second, {1 - mix:.0%})" if loaded[2] else ""),
              width="stretch")
finish = (lambda x: nst.preserve_colour(x, content)) if colour else (lambda x: x)
with cols[2]:
    start = time.perf_counter()
    fast = nst.fast_stylize(ui.model("magenta_arbitrary_style"), content, styles[0])
    st.image(images.to_image(finish(fast)), width="stretch",
             caption=f"Fast network (Magenta): {time.perf_counter() - start:.2f} s for two forward passes "
                     "(style prediction, then the transfer network)")
live, status = cols[3].empty(), cols[3].empty()
curve_box = st.empty()


def show(snap: nst.Snapshot, finished: bool) -> None:
    left = f", about {snap.seconds / snap.step * (steps - snap.step):.0f} s left" if 0 < snap.step < steps else ""
    live.image(images.to_image(finish(snap.best if finished else snap.image)), width="stretch",
               caption=f"Optimisation (Gatys): step {snap.step}/{steps}, {snap.seconds:.1f} s{left}")
    if (finished or snap.step % 20 == 0) and not ui.is_presenting():  # a slide shows the images only
        with curve_box.container():
            hist = snap.history
            ui.chart(plots.line_chart(range(len(hist)), {k: [h[k] for h in hist] for k in ("content", "style", "tv")},
                                      "Weighted loss terms", "step", "loss (log scale)", height=260, log_y=True),
                     f"After {snap.step} steps: content {snap.losses['content']:.3g}, style "
                     f"{snap.losses['style']:.3g}, TV {snap.losses['tv']:.3g} (log scale).", export="losses")


key = (content_id, style_id, loaded[2][1] if loaded[2] else "", mix, style_w, content_w, tv_w, steps, size,
       layers, init, seed)
net = ui.model("efficientnet_lite0")
with cols[3]:
    if not (ui.is_done(nst.optimise, key) or st.session_state.get(f"_run_{key}")):
        per_step = ui.computed("Timing one optimisation step", nst.seconds_per_step, size)
        st.button(f"▶ Run the optimisation: {steps} steps, about {per_step * steps:.0f} s here", type="primary",
                  on_click=lambda: st.session_state.update({f"_run_{key}": True}), width="stretch")
        st.caption(f"{content.shape[-1]}×{content.shape[-2]} px; {per_step * 1000:.0f} ms per step measured "
                   "on this server just now.")
        snap = None
    else:
        snap = ui.computed("Optimising the image", nst.optimise, net, content, styles, weights, content_w, style_w,
                           tv_w, steps, LAYERS[layers], init, seed, key=key, show=lambda s: show(s, False),
                           stoppable=True)
if snap is not None:
    show(snap, snap.step == steps)
    if snap.step < steps:
        status.warning(f"Stopped at step {snap.step}: showing the best image so far.")
ui.end_of_hero()

# Gram matrices: what "style" means numerically (of the optimised result, or of the fast one)
result, which = (finish(snap.best), "optimised result") if snap is not None else (finish(fast), "fast network's result")
st.download_button(f"Download the {which} (PNG)", images.png_bytes(result), "style_transfer.png", "image/png")
tap = ui.select("Gram matrices at block", "gram_layer", [str(k) for k in LAYERS[layers]])
with torch.no_grad():
    g_style = nst.gram_matrix(net.block_outputs(styles[0], (int(tap),))[int(tap)])[0, :24, :24].numpy()
    g_now = nst.gram_matrix(net.block_outputs(result, (int(tap),))[int(tap)])[0, :24, :24].numpy()
channels = [f"c{i}" for i in range(24)]
a, b = st.columns(2)
with a:
    ui.chart(plots.heatmap(g_style, "Style image: Gram matrix", x=channels, y=channels, height=340, square=True,
                           colorbar_title="G"),
             f"Channel co-activations of the style image at block {tap} (first 24 channels; rows and columns "
             "are channels).")
with b:
    ui.chart(plots.heatmap(g_now, f"Gram matrix of the {which}", x=channels, y=channels, height=340, square=True,
                           colorbar_title="G"),
             f"The same for the {which}; relative difference {np.abs(g_now - g_style).sum() / np.abs(g_style).sum():.0%}.")

ui.key_ideas()
ui.show_code(nst.gram_matrix, nst.style_loss, nst.stylize)
