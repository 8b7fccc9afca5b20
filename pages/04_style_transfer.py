"""Neural style transfer: watch the optimisation live, compare it with a one-pass network."""

import streamlit as st

import ui
from demos import images
from demos.style_transfer import colour, fast, gram, inputs, optimisation

page = ui.page_setup(__file__)

# Controls: images and the main weights (kept on a slide); everything else below
key_row = st.columns([3, 3, 2, 2])
more = ui.more_controls()
with key_row[0]:
    content_name = ui.select("Content image", "content", inputs.CONTENT_SOURCES,
                             default="astronaut", format_func=inputs.SOURCES.get)
with key_row[1]:
    style_name = ui.select("Style image", "style", list(inputs.SOURCES), default="pattern:strokes",
                           format_func=inputs.SOURCES.get)
with key_row[2]:
    style_w = 10 ** ui.slider("Style weight (log₁₀)", "style_w", 0.0, 5.0, 2.5, step=0.25)
with key_row[3]:
    steps = ui.slider("Steps", "steps", 10, 300, 100, step=10)
with more:
    m = ui.control_columns(5)
    with m[0]:
        content_w = 10 ** ui.slider("Content weight (log₁₀)", "content_w", -1.0, 2.0, 0.0, step=0.25)
        tv_w = 10 ** ui.slider("TV weight (log₁₀)", "tv_w", -1.0, 3.0, 1.0, step=0.25)
    with m[1]:
        size = ui.slider("Size (px, longer side)", "size", *inputs.SIZE_RANGE, 192, step=32)
        layers = ui.select("Style layers", "layers", list(optimisation.LAYERS), format_func=optimisation.layers_label)
    with m[2]:
        style2_name = ui.select("Mix with a second style", "style2", inputs.SECOND_STYLES,
                                format_func=inputs.second_style_label)
        mix = ui.slider("Weight of the first style", "mix", 0.0, 1.0, 0.5, step=0.1) if style2_name != "none" else 1.0
    with m[3]:
        init = ui.select("Start from", "init", ["content", "noise"], widget="radio")
        keep_colour = ui.toggle("Keep the photo's colours", "colour", False)
        strength = ui.slider("Fast network's style strength", "strength", 0.0, 1.0, 1.0, step=0.1,
                             help="Blends the style's vector with the content's own (the fast network has no style weight)")
    with m[4]:
        seed = ui.number("Seed", "seed", 0, 9999, 0, help="The noise start")


def load(name: str, label: str):
    """A source as (1, 3, H, W) in [0, 1] plus a cache id; None if an upload is missing or unusable."""
    if (made := inputs.pattern_image(name, seed)) is not None:
        return made, name
    if name != "upload":
        return images.to_tensor(ui.photo(name)), name
    picture, upload_id = ui.image_upload(label, f"upload_{label}")
    if picture is None:
        return None
    if note := inputs.small_upload_note(label, picture.size):
        st.warning(note)
    return images.to_tensor(picture), upload_id


loaded = [load(content_name, "content"), load(style_name, "style")]
loaded.append(load(style2_name, "second style") if style2_name != "none" else None)
if loaded[0] is None or loaded[1] is None:
    st.info("Upload an image to use it (any size or format).")
    st.stop()
(content, content_id), (style, style_id) = loaded[0], loaded[1]
content, styles, weights = inputs.prepare(content, style, loaded[2][0] if loaded[2] else None, size, mix)

# Hero: content | style | the fast network (at once) | the optimisation (when asked, live)
presenting = ui.is_presenting()
if presenting:  # a slide: content above style, small, on the left; the two results as large as they fit
    narrow, *wide = st.columns([1.1, 2, 2])
    cols = [narrow, narrow, *wide]
else:
    cols = st.columns(4)
small = round(200 * ui.stage_scale()) if presenting else "stretch"  # smaller under a lesson's beat bar
wide = round(460 * ui.stage_scale()) if ui.stage_scale() < 1 else "stretch"
cols[0].image(images.to_image(content), caption="Content", width=small)
cols[1].image(images.to_image(styles[0]), caption=inputs.style_caption(weights), width=small)
inputs_key = (content_id, style_id, loaded[2][1] if loaded[2] else "", size, mix, seed)  # what the tensors are made of
with cols[2]:
    fast_result, fast_seconds = ui.cached(fast.timed_fast_stylize, ui.model("magenta_arbitrary_style"), content,
                                          styles[0], strength, key=(*inputs_key, strength), max_entries=16)
    st.image(images.to_image(colour.finish(fast_result, content, keep_colour)), width=wide,
             caption=fast.fast_caption(fast_seconds, strength, short=presenting))
live, status = cols[3].empty(), cols[3].empty()
curve_box = st.empty()


def show(snap: optimisation.Snapshot, finished: bool) -> None:
    live.image(images.to_image(colour.finish(snap.best if finished else snap.image, content, keep_colour)),
               width=wide, caption=optimisation.progress_caption(snap, steps))
    if (finished or snap.step % 20 == 0) and not ui.is_presenting():  # a slide shows the images only
        with curve_box.container():
            ui.chart(optimisation.losses_figure(snap.history), optimisation.losses_caption(snap), export="losses")


key = (content_id, style_id, loaded[2][1] if loaded[2] else "", mix, style_w, content_w, tv_w, steps, size,
       layers, init, seed)
net = ui.model("efficientnet_lite0")
with cols[3]:
    if not (ui.is_done(optimisation.optimise, key) or st.session_state.get(f"_run_{key}")):
        per_step = ui.computed("Timing one optimisation step", optimisation.seconds_per_step, size)
        st.button(optimisation.run_label(steps, per_step), type="primary",
                  on_click=lambda: st.session_state.update({f"_run_{key}": True}), width="stretch", wrap=True)
        st.caption(optimisation.estimate_caption(content, per_step))
        snap = None
    else:
        snap = ui.computed("Optimising the image", optimisation.optimise, net, content, styles, weights, content_w,
                           style_w, tv_w, steps, optimisation.LAYERS[layers], init, seed, key=key,
                           show=lambda s: show(s, False), stoppable=True)
if snap is not None:
    show(snap, snap.step == steps)
    if note := optimisation.stopped_note(snap, steps):
        status.warning(note)
ui.end_of_hero()

# Gram matrices: what "style" means numerically (of the optimised result, or of the fast one)
result, which = optimisation.shown_result(snap, fast_result)
result = colour.finish(result, content, keep_colour)
st.download_button(f"Download the {which} (PNG)", images.png_bytes(result), "style_transfer.png", "image/png")
tap = ui.select("Gram matrices at block", "gram_layer", [str(k) for k in optimisation.LAYERS[layers]])
g_style = ui.cached(gram.gram_view, net, styles[0], int(tap), key=(inputs_key, tap), max_entries=16)
g_now = (gram.gram_view(net, result, int(tap)) if snap is not None else  # the fast result's is kept like it
         ui.cached(gram.gram_view, net, result, int(tap), key=(inputs_key, keep_colour, tap), max_entries=16))
a, b = st.columns(2)
with a:
    ui.chart(gram.gram_figure(g_style, "Style image: Gram matrix"),
             gram.style_gram_caption(tap, len(g_style), ui.cached(gram.block_channels, net, int(tap), key=tap)))
with b:
    ui.chart(gram.gram_figure(g_now, f"Gram matrix of the {which}"), gram.result_gram_caption(g_now, g_style, which))

ui.key_ideas()
ui.show_code(gram.gram_matrix, optimisation.style_loss, optimisation.stylize)
