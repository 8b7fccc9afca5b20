"""Convolutional networks: the sliding dot product, shapes and parameters, channels, pooling and
shifts, transposed convolution, and what two trained CNNs see in your image."""
import numpy as np
import streamlit as st
import torch

import ui
from demos import images
from demos.convolutions import (channels, feature_maps, filters, kernels, parameters, pooling, receptive_fields,
                                separable, shifts, sliding, training, transposed)
from models import class_names, title

page = ui.page_setup(__file__)
NETWORKS = {"digits": "mnist_cnn", "photos": "efficientnet_lite0"}

# Controls: the kernel and its hyperparameters (kept on a slide); the image and typed numbers below
key_row = st.columns([4, 2, 2, 2, 2])
more = ui.more_controls()
with key_row[0]:
    preset = ui.select("Kernel", "kernel", list(kernels.KERNELS), default="sobel_x", format_func=kernels.KERNELS.get)
with key_row[1]:
    size = ui.slider("Kernel size k", "k", *kernels.KERNEL_RANGE, 3) if preset != "custom" else 0
with key_row[2]:
    stride = ui.slider("Stride s", "stride", *sliding.STRIDE_RANGE, 1)
with key_row[3]:
    padding = ui.slider("Padding p", "padding", *sliding.PADDING_RANGE, 0)
with key_row[4]:
    dilation = ui.slider("Dilation d", "dilation", *sliding.DILATION_RANGE, 1)
with more:
    r = ui.control_columns(4)
    with r[0]:
        family = ui.select("Image and network", "family", list(NETWORKS), widget="radio",
                           format_func={"digits": "Digit · digit CNN", "photos": "Photo · EfficientNet"}.get)
    t = ui.control_columns(2)
    with t[0]:
        typed = ui.toggle("Slide over typed numbers instead of the image", "typed", False)
        grid_text = ui.text_area("Input values: rows of numbers", "grid", kernels.DEFAULT_GRID, max_chars=2000) if typed else ""
    with t[1]:
        weights_text = (ui.text_area("Kernel values: k rows of k numbers", "weights", kernels.DEFAULT_CUSTOM, max_chars=1000)
                        if preset == "custom" else "")
digits = family == "digits"
picked = ui.image_picker(digits, {"source": r[1], "digit": r[2], "photo": r[2], "index": r[3]},
                         "Upload a picture to look inside the network (for the digit CNN it becomes a 28×28 digit).")

# The numbers the window slides over, and the kernel (typed values fall back to defaults with a message)
weights, problem = kernels.chosen_kernel(preset, size, weights_text)
image, grid_problem = kernels.chosen_input(picked.x, kernels.SLIDE_SIDE[family], typed, grid_text)
for message in (problem, grid_problem):
    if message:
        st.error(kernels.fallback_note(message), icon="🔢")
k = weights.shape[0]
if preset == "custom":
    key_row[1].caption(kernels.typed_size_text(k))

# Hero: the window sliding over the input, the products, the output; the size formula with these numbers
if min(sliding.output_sides(image.shape, k, stride, padding, dilation)) < 1:
    st.warning(sliding.span_note(image.shape, k, padding, dilation), icon="📐")
else:
    st.markdown(sliding.output_side_text(image, weights, stride, padding, dilation))
    height = 450 if ui.is_presenting() else 480
    fig = ui.cached(sliding.slide_figure, image, weights, stride, padding, dilation, height, max_entries=32,
                    key=(grid_text if typed else (family, picked.name), preset, size, weights_text, stride, padding,
                         dilation, height), spinner="Drawing every window position…")
    ui.chart(fig, sliding.slide_caption(image.shape, k, stride, padding, dilation, len(fig.frames),
                                        None if typed else picked.name))
ui.end_of_hero()

model_name = NETWORKS[family]
model = ui.model(model_name)
layers, logits = ui.cached(feature_maps.network_layers, model, picked.x, key=(model_name, picked.name), max_entries=8,
                           spinner="Running the image through every layer…")  # read-only: no copies
view, box = ui.tabs("view", ["Shapes and parameters", "Channels", "Pooling and shifts", "Transposed convolution",
                             "What the network sees", "Train a CNN"])
with box:
    if view == "Shapes and parameters":  # conv vs dense parameters; the formula through a real network; 1-D/2-D/3-D
        n_filters = ui.slider("Filters (output channels)", "filters", *parameters.FILTERS_RANGE, 32)
        counts = parameters.comparison(picked.x.shape[1:], n_filters, k, stride, padding, dilation)
        if note := parameters.no_fit_note(counts):
            st.warning(note, icon="📐")
        else:
            ui.chart(parameters.params_figure(counts["conv"], counts["dense"], counts["separable"]),
                     parameters.params_caption(counts))
        st.dataframe(parameters.shape_walk(layers), hide_index=True)
        st.caption(parameters.shape_walk_caption(title(model_name), layers))
        st.dataframe(parameters.dims_table(picked.x.shape[1:], k, stride, padding, dilation, n_filters), hide_index=True)
        st.caption(parameters.DIMS_CAPTION)
    elif view == "Channels":  # one output channel of a real layer = sum over input channels of (input ⋆ own kernel)
        channel = ui.slider("Output channel", "out_channel", *channels.CHANNEL_RANGE, 0)
        parts = channels.channel_sum(model, picked.x, channel)
        ui.chart(channels.channel_figure(parts), channels.channel_caption(parts, channel, digits))
    elif view == "Pooling and shifts":  # equivariance of the feature map, invariance of pooling and of the model
        c = st.columns(3)
        with c[0]:
            move = ui.slider("Shift right (px)", "shift", *pooling.SHIFT_RANGE, 2)
        with c[1]:
            pool = ui.slider("Pool size", "pool", *pooling.POOL_RANGE, 2)
        with c[2]:
            pool_stride = ui.slider("Pool stride", "pool_stride", *pooling.POOL_STRIDE_RANGE, 2)
        big, _ = kernels.chosen_input(picked.x, pooling.POOL_SIDE[family], typed, grid_text)
        if not pooling.pool_fits(big.shape, k, stride, padding, dilation, pool):
            st.warning("The feature map is smaller than the pooling window: use a smaller kernel, stride or pool.")
        else:
            stages = pooling.shift_stages(big, weights, stride, padding, dilation, pool, pool_stride, move)
            meter = pooling.invariance_meter(big, weights, stride, padding, dilation, pool, pool_stride,
                                             pooling.METER_SHIFTS)
            ui.chart(pooling.stages_figure(stages), pooling.stages_caption(stages, meter, move, stride))
            ui.chart(pooling.meter_figure(meter), pooling.meter_caption(meter, move))
        moves = shifts.SHIFTS[family]
        x_set, y_set = (ui.mnist().balanced_test(100) if digits else
                        (torch.cat([images.photo_input(ui.photo(p)) for p in images.PHOTOS]), None))
        shown = shifts.set_name(digits, len(x_set))
        sweep = ui.computed(f"Shifting {shown}", shifts.prediction_vs_shift, model, x_set, y_set, moves,
                            key=(model_name, len(x_set), tuple(moves)))
        mine = ui.cached(shifts.prediction_vs_shift, model, picked.x, None, moves, max_entries=16,
                         key=(model_name, picked.name, tuple(moves)), spinner="Shifting your image…")
        label = feature_maps.predicted_label(logits, class_names(model_name))
        ui.chart(shifts.shift_figure(moves, sweep, mine, label, shown, digits, title(model_name)),
                 shifts.shift_caption(moves, sweep, mine, label))
    elif view == "Transposed convolution":  # stamping, the checkerboard, resize-then-convolve, adjoint not inverse
        c = st.columns(3)
        with c[0]:
            tk = ui.slider("Kernel size", "t_k", *transposed.KERNEL_RANGE, 3)
        with c[1]:
            ts = ui.slider("Stride", "t_stride", *transposed.STRIDE_RANGE, 2)
        with c[2]:
            source = ui.select("Input", "t_input", list(transposed.INPUTS), widget="radio", format_func=transposed.INPUTS.get)
        small = transposed.stamp_input(source, picked.x)
        ui.chart(transposed.stamp_figure(small, np.ones((tk, tk)), ts), transposed.stamp_caption(small, tk, ts))
        ui.chart(transposed.checkerboard_figure(tk, ts), transposed.checkerboard_caption(tk, ts))
        up = kernels.grey(picked.x, transposed.UPSAMPLE_SIDE)
        ui.chart(transposed.upsample_figure(up, tk, ts), transposed.upsample_caption(up, tk, ts))
        st.markdown(transposed.adjoint_text(transposed.adjoint_check(kernels.grey(picked.x, transposed.ADJOINT_SIDE), tk, ts)))
    elif view == "Train a CNN":  # the digit CNN trained now (recorded, live on demand), its mistakes, separable blocks
        block = ui.select("Convolution blocks", "cnn_blocks", list(separable.BLOCKS), widget="radio", format_func=separable.BLOCKS.get)
        slot = st.empty()
        run = ui.experiment(f"Training the digit CNN ({block} blocks)", training.train_cnn, block, stored=training.committed,
                            command=training.COMMAND, stoppable=True, show=lambda r: slot.plotly_chart(training.curves_figure(r)))
        with slot.container():
            ui.chart(training.curves_figure(run), training.curves_caption(run))
        ui.chart(training.mistakes_figure(run, ui.mnist().test_images), training.mistakes_caption(run))
        st.dataframe(list(separable.cost_table(training.WIDTH)), hide_index=True)
        runs = {b: training.committed(b) for b in separable.BLOCKS}
        ui.chart(separable.compare_figure(runs), separable.compare_caption(runs, training.WIDTH))
    else:  # every layer's maps, the receptive field of the strongest unit, first-layer filters, the answer
        c = st.columns([3, 2, 3])
        with c[0]:
            name = ui.select("Layer", "layer_digits" if digits else "layer_photos", [l.name for l in layers])
        with c[1]:
            n_maps = int(ui.select("Maps shown", "maps", ["16", "32", "64"], widget="segmented"))
        with c[2]:
            rank = ui.slider("Map to inspect (rank by mean response)", "rank", 1, 16, 1)
        layer = feature_maps.layer_named(layers, name)
        order = feature_maps.top_channels(layer.maps, layer.maps.shape[0])
        ui.chart(feature_maps.mosaic_figure(layer, order[:n_maps]), feature_maps.mosaic_caption(layer, order))
        channel = feature_maps.channel_at_rank(order, rank)
        row, col, rf_box = receptive_fields.peak(layer, channel)
        a, b = st.columns(2)
        with a:
            ui.chart(receptive_fields.receptive_field_figure(images.to_image(picked.x), rf_box,
                                                             f"Receptive field of the peak of channel {channel}"),
                     receptive_fields.peak_caption(layer, channel, rank, row, col))
        with b:
            ui.chart(feature_maps.channel_figure(layer, channel), feature_maps.channel_caption(layer, channel))
        side = picked.x.shape[-1]
        ui.chart(receptive_fields.growth_figure(layers, side), receptive_fields.growth_caption(layers, side))
        first = filters.first_filters(model)
        ui.chart(filters.filters_figure(first), filters.filters_caption(first))
        top5 = feature_maps.top_classes(logits, class_names(model_name))
        ui.chart(feature_maps.answer_figure(top5, picked.truth),
                 feature_maps.answer_caption(title(model_name), top5, picked.truth))

ui.key_ideas()
ui.show_code(sliding.convolve, sliding.conv_out, pooling.pool2d, transposed.stamp, receptive_fields.receptive_fields,
             feature_maps.network_layers, separable.DepthwiseSeparable, training.train_cnn)
