"""Convolutional networks: the sliding dot product, shapes and parameters, channels, pooling and
shifts, transposed convolution, and what two trained CNNs see in your image."""
import numpy as np
import streamlit as st
import torch

import ui
from demos import convolution as cv
from demos import feature_maps as fm
from demos import images, plots
from models import class_names, title

page = ui.page_setup(__file__)
NETWORKS = {"digits": "mnist_cnn", "photos": "efficientnet_lite0"}

# Controls: the kernel and its hyperparameters (kept on a slide); the image and typed numbers below
key_row = st.columns([4, 2, 2, 2, 2, 1])
more = ui.more_controls(key_row[5])
with key_row[0]:
    preset = ui.select("Kernel", "kernel", list(cv.KERNELS), default="sobel_x", format_func=cv.KERNELS.get)
with key_row[1]:
    size = ui.slider("Kernel size k", "k", *cv.KERNEL_RANGE, 3) if preset != "custom" else 0
with key_row[2]:
    stride = ui.slider("Stride s", "stride", *cv.STRIDE_RANGE, 1)
with key_row[3]:
    padding = ui.slider("Padding p", "padding", *cv.PADDING_RANGE, 0)
with key_row[4]:
    dilation = ui.slider("Dilation d", "dilation", *cv.DILATION_RANGE, 1)
with more:
    r = st.columns(4)
    with r[0]:
        family = ui.select("Image and network", "family", list(NETWORKS), widget="radio",
                           format_func={"digits": "Digit · digit CNN", "photos": "Photo · EfficientNet"}.get)
    t = st.columns(2)
    with t[0]:
        typed = ui.toggle("Slide over typed numbers instead of the image", "typed", False)
        grid_text = ui.text_area("Input values: rows of numbers", "grid", cv.DEFAULT_GRID, max_chars=2000) if typed else ""
    with t[1]:
        weights_text = (ui.text_area("Kernel values: k rows of k numbers", "weights", cv.DEFAULT_CUSTOM, max_chars=1000)
                        if preset == "custom" else "")
digits = family == "digits"
picked = ui.image_picker(digits, {"source": r[1], "digit": r[2], "photo": r[2], "index": r[3]},
                         "Upload a picture to look inside the network (for the digit CNN it becomes a 28×28 digit).")

# The numbers the window slides over, and the kernel (typed values fall back to defaults with a message)
if preset == "custom":
    weights, problem = cv.read_grid(weights_text, cv.DEFAULT_CUSTOM, cv.KERNEL_RANGE[1], square=True)
else:
    weights, problem = cv.kernel(preset, size), None
image, grid_problem = cv.read_grid(grid_text, cv.DEFAULT_GRID) if typed else (cv.grey(picked.x, cv.SLIDE_SIDE[family]), None)
for message in (problem, grid_problem):
    if message:
        st.error(f"{message} Using the default values instead.", icon="🔢")
k = weights.shape[0]
if preset == "custom":
    key_row[1].caption(f"Kernel size k = {k}, from the typed values")
sides = [cv.conv_out(n, k, stride, 2 * padding, dilation) for n in image.shape]


@st.cache_resource(max_entries=32, show_spinner="Drawing every window position…")
def slide(image: np.ndarray, weights: np.ndarray, stride: int, padding: int, dilation: int, height: int):
    return cv.slide_figure(image, weights, stride, padding, dilation, height)


# Hero: the window sliding over the input, the products, the output; the size formula with these numbers
if min(sides) < 1:
    st.warning(f"The kernel spans {dilation * (k - 1) + 1} px but the padded input is only "
               f"{image.shape[0] + 2 * padding} × {image.shape[1] + 2 * padding}: add padding or use a smaller "
               "kernel or dilation.", icon="📐")
else:
    shape, diff = cv.torch_check(image, weights, stride, padding, dilation)
    formula = (cv.formula_text(image.shape[0], k, stride, padding, dilation) if image.shape[0] == image.shape[1] else
               " and ".join(f"{axis} {cv.formula_text(n, k, stride, padding, dilation)}"
                            for axis, n in zip(("rows", "columns"), image.shape)))
    st.markdown(f"**Output side** {formula} · `F.conv2d`: shape {shape}, same values (max |Δ| {diff:.0e})")
    fig = slide(image, weights, stride, padding, dilation, 400 if ui.is_presenting() else 480)
    same = cv.same_padding(k, dilation)
    source = "typed grid" if typed else f"{image.shape[0]}×{image.shape[1]} grey version of the {picked.name}"
    ui.chart(fig, f"Press ▶ Play or drag the slider: the red window reads {k}×{k} pixels"
                  f"{f' {dilation} px apart' if dilation > 1 else ''} of the {source}, "
                  f"multiplies them by the kernel and writes their sum into one output cell, moving {stride} px at a time "
                  f"({sides[0] * sides[1]} positions" + (f"; the player shows {len(fig.frames)} of them, evenly spread"
                                                         if len(fig.frames) < sides[0] * sides[1] else "") + "). "
                  + (f"Padding p = {same} would keep the size at stride 1." if same is not None else
                     "An even kernel span cannot keep the size with symmetric padding."))
ui.end_of_hero()

model_name = NETWORKS[family]
model = ui.model(model_name)


@st.cache_resource(max_entries=8, show_spinner="Running the image through every layer…")  # read-only: no copies
def taps(model_name: str, image_id: str, pixels: np.ndarray) -> tuple[list, torch.Tensor]:
    return fm.network_layers(ui.model(model_name), torch.from_numpy(pixels))


@st.cache_data(max_entries=16, show_spinner="Shifting your image…")
def mine_vs_shift(model_name: str, image_id: str, pixels: np.ndarray, shifts: tuple[int, ...]) -> dict:
    return cv.prediction_vs_shift(ui.model(model_name), torch.from_numpy(pixels), None, shifts)


layers, logits = taps(model_name, picked.name, picked.x.numpy())
view, box = ui.tabs("view", ["Shapes and parameters", "Channels", "Pooling and shifts", "Transposed convolution",
                             "What the network sees"])
with box:
    if view == "Shapes and parameters":  # conv vs dense parameters; the formula through a real network; 1-D/2-D/3-D
        filters = ui.slider("Filters (output channels)", "filters", 1, 256, 32)
        c_in, h, w = picked.x.shape[1:]
        oh, ow = (cv.conv_out(n, k, stride, 2 * padding, dilation) for n in (h, w))
        conv_n, dense_n = cv.conv_params(c_in, filters, k), cv.dense_params(c_in * h * w, filters * max(oh, 0) * max(ow, 0))
        if min(oh, ow) < 1:
            st.warning(f"This kernel does not fit the {h}×{w} image: no output to count parameters for.", icon="📐")
        else:
            ui.chart(cv.params_figure(conv_n, dense_n),
                     f"On the {c_in}×{h}×{w} input, {filters} filters of {k}×{k} make a {filters}×{oh}×{ow} output with "
                     f"{conv_n:,} parameters; a dense layer from the same input to the same output needs {dense_n:,} "
                     f"({dense_n / conv_n:,.0f}× more). Padding changes the output size, never the conv's parameter count.")
        rows = fm.shape_walk(layers)
        st.dataframe(rows, hide_index=True)
        ok = sum(row["measured"] == int(row["formula"].rsplit("= ", 1)[1]) for row in rows)
        st.caption(f"{title(model_name)}: the output-size formula matches the measured side at {ok} of {len(rows)} "
                   "layers (EfficientNet pads TensorFlow-style, more zeros after than before at stride 2).")
        st.dataframe(cv.dims_table(picked.x.shape[1:], k, stride, padding, dilation, filters), hide_index=True)
        st.caption("The same kernel settings as a 1-D, 2-D and 3-D convolution: the kernel slides along 1, 2 or 3 "
                   "axes and always spans every input channel; torch's shapes come from the meta device.")
    elif view == "Channels":  # one output channel of a real layer = sum over input channels of (input ⋆ own kernel)
        channel = ui.slider("Output channel", "out_channel", 0, 31, 0)
        parts = fm.channel_sum(model, picked.x, channel)
        err = float((parts["parts"].sum(0) - parts["layer_output"]).abs().max())
        n_in = parts["parts"].shape[0]
        ui.chart(fm.channel_figure(parts),
                 f"Output channel {channel} of the {'second conv of the digit CNN' if digits else 'EfficientNet stem'} "
                 f"is the sum over its {n_in} input channels of (input channel ⋆ its own "
                 f"{parts['kernels'].shape[-1]}×{parts['kernels'].shape[-1]} kernel); that sum equals the layer's own "
                 f"output to {err:.0e}. The largest single part is {parts['largest_share']:.0%} of the total's size (L2).")
    elif view == "Pooling and shifts":  # equivariance of the feature map, invariance of pooling and of the model
        c = st.columns(3)
        with c[0]:
            move = ui.slider("Shift right (px)", "shift", 0, 8, 2)
        with c[1]:
            pool = ui.slider("Pool size", "pool", 2, 4, 2)
        with c[2]:
            pool_stride = ui.slider("Pool stride", "pool_stride", 1, 4, 2)
        big = image if typed else cv.grey(picked.x, 28 if digits else 64)
        fits = min(cv.conv_out(n, k, stride, 2 * padding, dilation) for n in big.shape) >= pool
        if not fits:
            st.warning("The feature map is smaller than the pooling window: use a smaller kernel, stride or pool.")
        else:
            stages = cv.shift_stages(big, weights, stride, padding, dilation, pool, pool_stride, move)
            meter = cv.invariance_meter(big, weights, stride, padding, dilation, pool, pool_stride, range(9))
            err = stages["equivariance_error"]
            ui.chart(cv.stages_figure(stages),
                     (f"Shifted {move} px: the feature map moved by exactly {move // stride} cell(s) (largest difference "
                      f"away from the borders {err:.1e})" if err is not None else
                      f"A {move}-px shift is not a multiple of the stride {stride}, so the feature map cannot move "
                      "by whole cells: striding breaks exact equivariance")
                     + f"; the max-pooled map changed by {meter['max-pooled'][move]:.0%}, the average-pooled map by "
                       f"{meter['average-pooled'][move]:.0%} (relative L2).")
            ui.chart(plots.line_chart(list(range(9)), meter, "How much each stage changes when the input moves",
                                      "shift right (px)", "relative change (L2)"),
                     f"At {move} px the input changed by {meter['input'][move]:.0%} and the feature map by "
                     f"{meter['feature map'][move]:.0%}; the global maximum changed by {meter['global max'][move]:.0%}. "
                     "'Moved back' is missing where the shift is not a multiple of the stride.")
        shifts = list(range(-6, 7)) if digits else list(range(-48, 49, 8))
        if digits:
            x_set, y_set = ui.mnist().balanced_test(100)
        else:
            x_set, y_set = torch.cat([images.photo_input(ui.photo(p)) for p in images.PHOTOS]), None
        sweep = ui.computed(f"Shifting {len(x_set)} {'held-out digits' if digits else 'bundled photos'}",
                            cv.prediction_vs_shift, model, x_set, y_set, shifts, key=(model_name, len(x_set), tuple(shifts)))
        mine = mine_vs_shift(model_name, picked.name, picked.x.numpy(), tuple(shifts))
        label = class_names(model_name)[int(logits.argmax())]
        series = {f"{'accuracy' if digits else 'agreement with the unshifted answer'}, {len(x_set)} "
                  f"{'held-out digits' if digits else 'bundled photos'}": sweep["accuracy"],
                  f"your image: probability of “{label}”": mine["probability of the label"]}
        ui.chart(plots.line_chart(shifts, series, f"{title(model_name)}: prediction vs shift", "shift right (px; "
                                  "what comes in is black)", "", y_range=(0, 1.02)),
                 f"Unshifted: {sweep['accuracy'][len(shifts) // 2]:.0%}; shifted {shifts[-2]} px right: "
                 f"{sweep['accuracy'][-2]:.0%}, {-shifts[1]} px left: {sweep['accuracy'][1]:.0%}. Your image keeps "
                 f"“{label}” as the answer at {sum(p > 0.5 for p in mine['probability of the label'])} of "
                 f"{len(shifts)} shifts (probability above 50%).")
    elif view == "Transposed convolution":  # stamping, the checkerboard, resize-then-convolve, adjoint not inverse
        c = st.columns(3)
        with c[0]:
            tk = ui.slider("Kernel size", "t_k", 1, 5, 3)
        with c[1]:
            ts = ui.slider("Stride", "t_stride", 1, 3, 2)
        with c[2]:
            source = ui.select("Input", "t_input", ["ones", "image"], widget="radio",
                               format_func={"ones": "All ones (counts the stamps)", "image": "Your image, 6×6"}.get)
        small = np.ones((4, 4)) if source == "ones" else cv.grey(picked.x, 6)
        out_side = cv.transposed_out(small.shape[0], tk, ts)
        ui.chart(cv.stamp_figure(small, np.ones((tk, tk)), ts),
                 f"Each of the {small.size} input pixels adds (its value × the {tk}×{tk} kernel of ones) into the output "
                 f"at {ts}-px steps; overlaps add up. Output side ({small.shape[0]} − 1)·{ts} + {tk} = {out_side}.")
        counts, fixed = cv.overlap_counts(6, tk, ts), cv.resize_conv_counts(6, tk, ts)
        uneven, even = cv.interior_values(counts, tk, ts), cv.interior_values(fixed, tk, ts)
        ui.chart(cv.grey_pair_figure(counts, fixed, ("Transposed conv: stamps per pixel", "Resize, then conv"), text=True),
                 f"Away from the borders, a stride-{ts} transposed conv with a {tk}×{tk} kernel gives pixels "
                 f"{', '.join(map(str, uneven))} stamps" + (" — uneven, the checkerboard" if len(uneven) > 1 else " — even")
                 + f"; nearest resize then a {tk}×{tk} conv gives {', '.join(map(str, even))}.")
        up = cv.grey(picked.x, 14)
        ui.chart(cv.grey_pair_figure(cv.upsample(up, tk, ts, "transposed"), cv.upsample(up, tk, ts, "resize"),
                                     ("Upsampled by a transposed conv", "Resized, then convolved")),
                 f"The image at 14×14 upsampled ×{ts} with the same box kernel both ways; "
                 + ("the transposed conv paints the stamp pattern over it." if len(uneven) > 1 else
                    "with this kernel and stride both are smooth."))
        adj = cv.adjoint_check(cv.grey(picked.x, 28), tk, ts)
        st.markdown(f"**Adjoint, not inverse.** ⟨conv(x), y⟩ = {adj['conv_dot_y']:.6f} and ⟨x, convᵀ(y)⟩ = "
                    f"{adj['x_dot_convT']:.6f} for a random kernel and random y: the transposed conv is the adjoint "
                    f"(the backward pass) of the conv. But convᵀ(conv(x)) misses x by {adj['inverse_error']:.0%} "
                    "(relative L2): it does not undo the conv.")
    else:  # every layer's maps, the receptive field of the strongest unit, first-layer filters, the answer
        c = st.columns([3, 2, 3])
        with c[0]:
            name = ui.select("Layer", "layer_digits" if digits else "layer_photos", [l.name for l in layers])
        with c[1]:
            shown = int(ui.select("Maps shown", "maps", ["16", "32", "64"], widget="segmented"))
        with c[2]:
            rank = ui.slider("Map to inspect (rank by mean response)", "rank", 1, 16, 1)
        layer = next(l for l in layers if l.name == name)
        order = fm.top_channels(layer.maps, layer.maps.shape[0])
        silent = int((layer.maps.flatten(1).abs().amax(1) == 0).sum())
        ui.chart(fm.mosaic_figure(layer, order[:shown]),
                 f"{layer.name} ({layer.op}): {layer.maps.shape[0]} maps of {layer.maps.shape[1]}×{layer.maps.shape[2]}; "
                 f"each unit sees a {layer.rf}×{layer.rf}-px patch, neighbours {layer.jump} px apart. Strongest on average: "
                 f"channel {order[0]}; {silent} maps are all zero for this image.")
        channel = order[min(rank, len(order)) - 1]
        row, col, rf_box = fm.peak(layer, channel)
        a, b = st.columns(2)
        with a:
            ui.chart(fm.receptive_field_figure(images.to_image(picked.x), rf_box, f"Receptive field of the peak of channel {channel}"),
                     f"Channel {channel} (rank {rank}) responds most at row {row}, column {col} of its map; the orange "
                     f"box is the {layer.rf}×{layer.rf}-px input patch that unit can see (clipped to the image).")
        with b:
            ui.chart(plots.heatmap(layer.maps[channel].numpy(), f"{layer.name}, channel {channel}",
                                   diverging=bool(layer.maps[channel].min() < 0), height=320),
                     f"Channel {channel}: from {float(layer.maps[channel].min()):.2f} to {float(layer.maps[channel].max()):.2f}.")
        ui.chart(plots.line_chart([l.name for l in layers], {"receptive field (px)": [l.rf for l in layers],
                                  "image side (px)": [picked.x.shape[-1]] * len(layers)},
                                  "Receptive field per layer", "", "pixels"),
                 f"The receptive field grows from {layers[0].rf} px to {layers[-1].rf} px (the image is "
                 f"{picked.x.shape[-1]} px): each k×k layer adds (k − 1)·jump, each stride multiplies the jump.")
        filters = fm.first_filters(model)
        ui.chart(fm.filters_figure(filters),
                 f"The {filters.shape[0]} first-layer filters ({filters.shape[1]}×{filters.shape[2]}×{filters.shape[3]}) as "
                 "trained" + (": blue negative, red positive." if filters.shape[1] == 1 else ", each scaled to its own range."))
        top5 = fm.top_classes(logits, class_names(model_name))
        ui.chart(plots.topk_bars([n for n, _ in top5], [p for _, p in top5], highlight=picked.truth),
                 f"{title(model_name)} says “{top5[0][0]}” ({top5[0][1]:.0%})"
                 + (f"; the true label is {picked.truth}." if picked.truth else "."))

ui.key_ideas()
ui.show_code(cv.convolve, cv.conv_out, cv.pool2d, cv.stamp, fm.receptive_fields, fm.network_layers)
