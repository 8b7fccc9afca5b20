"""Compression: a distilled student, pruned and quantised versions of the digit CNN, each measured."""
import streamlit as st

import ui
from demos.compression import distillation, frontier, pruning, quantisation, results

page = ui.page_setup(__file__)

# Hero: every compressed version on one chart (committed measurements); click a point for its card
front = ui.cached(results.load_json, results.FRONTIER)
row = ui.control_columns([2, 3])
with row[0]:
    axis = ui.select("Horizontal axis", "x", frontier.AXES, widget="segmented")
with row[1]:
    point = ui.select("Model", "model", list(frontier.POINTS), frontier.DEFAULT_POINT,
                      help="Or click a point on the chart")


def pick(clicked: dict) -> None:  # a click on a point selects it (the select follows)
    name = frontier.clicked_point(clicked)
    if name is not None:
        ui.apply_preset({"model": name})


chart_box, card_box = st.columns([5, 2]) if ui.is_presenting() else (st.container(), st.container())  # slide: side by side
with chart_box:
    ui.chart(frontier.frontier_figure(front, axis, point, round(450 * ui.stage_scale()) if ui.is_presenting() else 430),
             frontier.frontier_caption(front, axis), key="hero", on_click=pick)
card_box.markdown(frontier.point_card(front, point))
ui.prose(f"Measured by `{front['command']}` on {front['machine']}, latency = the fastest of 21 interleaved forward passes.")
ui.end_of_hero()

view, box = ui.tabs("view", ["Distillation", "Pruning", "Quantisation"])
with box:
    if view == "Distillation":
        data = ui.cached(results.teacher_data)
        c = ui.control_columns(4)
        with c[0]:
            temperature = ui.slider("Temperature T", "T", *distillation.T_RANGE, distillation.T_DEFAULT, step=0.5)
        with c[1]:
            alpha = ui.slider("Weight α of the soft term", "alpha", 0.0, 1.0, distillation.ALPHA_DEFAULT, step=0.05)
        with c[2]:
            digit = ui.slider("Held-out digit", "digit", 0, 9, 2)
        with c[3]:
            example = ui.slider("Which one of them", "example", 0, 99, 16, help="One of the 100 held-out images of that digit")
        logits = data["test_logits"][(data["test_y"] == digit).nonzero().flatten()[example]].numpy()
        ui.chart(distillation.soft_targets_figure(logits, temperature, digit),
                 distillation.soft_targets_caption(logits, temperature, digit), export="soft_targets")
        kd = ui.cached(results.load_json, results.DISTILLATION)
        ui.chart(distillation.sweep_figure(kd["sweep"], temperature), distillation.sweep_caption(kd["sweep"]),
                 export="accuracy_vs_T")
        d = ui.control_columns([2, 3])
        with d[0]:
            seed = ui.number("Seed", "seed", 0, 99, 0)
        with d[1]:
            omit = ui.toggle("The students never see a 3", "omit3", False)
        slot = st.empty()
        race = ui.computed("Training two students", distillation.race, data, temperature, alpha, seed,
                           3 if omit else None, key=(temperature, alpha, seed, omit), stoppable=True,
                           show=lambda r: slot.plotly_chart(distillation.race_figure(r["curves"])))
        with slot.container():
            ui.chart(distillation.race_figure(race["curves"]), distillation.race_caption(race), export="students")
        st.caption(distillation.omitted_caption(kd["omitted"]))
        ui.section("Distillation")
    elif view == "Pruning":
        teacher = ui.model("mnist_cnn")
        c = ui.control_columns(4)
        with c[0]:
            kind = ui.select("Kind", "kind", pruning.KINDS)
        with c[1]:
            scope = ui.select("Scope", "scope", pruning.SCOPES)
        with c[2]:
            sparsity = float(ui.select("Sparsity", "sparsity", [f"{s:g}" for s in pruning.SPARSITIES], "0.8",
                                       format_func=lambda s: f"{float(s):.0%}"))
        with c[3]:
            layer = ui.select("Histogram of layer", "layer", [*pruning.CONVS, pruning.LINEAR], pruning.CONVS[1])
        weights, masks = ui.cached(pruning.view, teacher, kind, scope, sparsity, key=(kind, scope, sparsity))
        share = pruning.layer_sparsity(masks, weights)
        ui.chart(pruning.layers_figure(share, weights), pruning.layers_caption(share, weights, scope, kind))
        ui.chart(pruning.histogram_figure(weights[layer], masks[layer], layer),
                 pruning.histogram_caption(masks[layer], layer, kind, scope))
        sweep = ui.cached(results.load_json, results.PRUNING)
        ui.chart(pruning.sweep_figure(sweep["sweep"], kind, sparsity),
                 pruning.sweep_caption(sweep["sweep"], kind, sparsity), export="pruning_sweep")
        rows = sweep["tables"][str(sparsity)]
        st.dataframe(pruning.table_frame(rows), hide_index=True)
        st.caption(f"Measured at {sparsity:.0%} sparsity (batch of {sweep['latency_batch']}, one thread, fastest of 15 interleaved passes). "
                   + pruning.table_caption(rows))
        ui.section("Pruning")
    else:
        teacher = ui.model("mnist_cnn")
        c = ui.control_columns(5)
        with c[0]:
            bits = ui.slider("Bits per weight", "bits", *quantisation.BITS_RANGE, 4)
        with c[1]:
            mode = ui.select("Scheme", "mode", quantisation.MODES)
        with c[2]:
            q_layer = ui.select("Layer", "q_layer", [*pruning.CONVS, pruning.LINEAR], pruning.CONVS[2])
        weight = dict(teacher.named_modules())[q_layer].weight
        with c[3]:
            channel = min(ui.number("Output channel (row)", "row", 0, 63, 0), weight.shape[0] - 1)
        row_w = weight[channel]
        ui.chart(quantisation.row_figure(row_w, bits, mode == "symmetric"), quantisation.row_text(row_w, bits,
                 mode == "symmetric"), export="row")
        qs = ui.cached(results.load_json, results.QUANTISATION)
        ui.chart(quantisation.bits_figure(qs["sweep"], bits), quantisation.bits_caption(qs["sweep"], bits),
                 export="accuracy_vs_bits")
        st.markdown(quantisation.int8_text(front, qs))
        ui.section("Quantisation")

ui.key_ideas()
ui.show_code(distillation.kd_loss, distillation.softmax_t, distillation.train_student, pruning.magnitude_masks,
             pruning.kept_channels, pruning.rebuild, pruning.fine_tune, quantisation.qparams, quantisation.quantise,
             quantisation.int8_state, quantisation.dynamic_int8, frontier.build)
