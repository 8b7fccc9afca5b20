"""Backpropagation and gradient flow: the chain rule node by node, activations, initialisation,
vanishing and exploding gradients, clipping."""
import math

import numpy as np
import pandas as pd
import streamlit as st

import ui
from demos import backprop as bp
from demos import gradient_flow as gf
from demos import plots

page = ui.page_setup(__file__)


@st.cache_data(show_spinner="Running the trained MLP on the validation digits…")
def relu_firing() -> list[np.ndarray]:
    return gf.relu_firing(ui.model("mnist_mlp"), gf.digits(None, "validation", raw=True)[0])


# Controls: which graph (a tiny network or your own expression) and the learning rate, kept on a slide
key_row = st.columns([3, 2, 3, 3, 1])
more = ui.more_controls(key_row[4])
with key_row[0]:
    mode = ui.select("Graph", "graph", ["network", "expression"], widget="segmented",
                     format_func={"network": "Network", "expression": "Expression"}.get)
with key_row[3]:
    lr = ui.slider("Learning rate η (one update)", "lr", 0.01, 2.0, 0.5, step=0.01)
with more:
    m = st.columns(4)
    with m[3]:
        open_at = ui.select("Open the player at", "open_at", list(bp.OPEN_AT), default="backward",
                            format_func=bp.OPEN_AT.get)
try:
    if mode == "network":
        with key_row[1]:
            hidden = int(ui.select("Hidden units", "hidden", ["2", "3"], widget="segmented"))
        with key_row[2]:
            act = ui.select("Hidden activation", "act", list(bp.NETWORK_ACTIVATIONS), default="tanh")
        with m[0]:
            x1, x2 = ui.slider("Input x1", "x1", -2.0, 2.0, 1.0, step=0.1), ui.slider("Input x2", "x2", -2.0, 2.0, 0.5, step=0.1)
        with m[1]:
            target = ui.slider("Target y", "y", 0.0, 1.0, 1.0, step=0.05)
            loss = ui.select("Loss", "loss", list(bp.LOSSES), format_func=bp.LOSSES.get)
        with m[2]:
            seed = ui.number("Seed (weights)", "seed", 0, 9999, 0)
        graph = bp.network_graph((x1, x2), target, hidden, act, loss, seed)
    else:
        with key_row[1]:
            expression = ui.text_area("Expression", "expr", "tanh(a*b + c) * a", height=68, max_chars=bp.MAX_EXPRESSION_CHARS,
                                      help="Numbers, variables, + - * / **, parentheses and " + ", ".join(bp.FUNCTIONS))
        with key_row[2]:
            values = ui.text_area("Values", "values", "a = 2, b = -0.5, c = 0.3", height=68, max_chars=200)
        graph = bp.expression_graph(expression, bp.parse_values(values))
except bp.GraphError as err:
    graph = None
    st.error(f"Cannot build the graph: {err}.", icon="✏️")

# Hero: the computational graph, played forward then backward in the browser, and the live check
if graph is not None:
    frames = bp.walkthrough(graph, lr)
    new, problem = bp.safe_step(graph, lr)
    out, n_ops = graph.output, sum(1 for n in graph.nodes if n.inputs)
    ui.chart(bp.graph_figure(graph, frames, bp.frame_index(frames, open_at), height=390 if ui.is_presenting() else (520 if len(graph.nodes) <= 20 else 600)),
             f"{n_ops} operations forward, then the same {n_ops} backward: a highlighted edge reads “local derivative "
             f"× gradient from above”, the product it passes down; a node with two readers adds what both send. "
             f"{out} = {bp.num(graph.nodes[-1].value)}; "
             + (f"one step with η = {lr:g} makes it {bp.num(new.nodes[-1].value)}." if new else
                f"one step with η = {lr:g} fails: {problem}."),
             export="backprop_graph")
    check = bp.check_gradients(graph)
    agree, sentence = bp.check_sentence(check)
    (st.success if agree else st.warning)(sentence, icon="✅" if agree else "⚠️")
ui.end_of_hero()

# Every gradient three ways, and the update
if graph is not None:
    st.dataframe(pd.DataFrame({"parameter": check.names, "value": check.values, "backprop": check.backprop,
                               "PyTorch autograd": check.autograd, "central difference": check.finite_diff,
                               f"after one step (η = {lr:g})": [new.nodes[i].value if new else math.nan
                                                                for i in graph.params]}),
                 hide_index=True, column_config={c: st.column_config.NumberColumn(format="%.6g") for c in
                                                 ("value", "backprop", "PyTorch autograd", "central difference")})

# Three experiments, one lazy tab each
view, box = ui.tabs("view", ["Activations", "Gradient flow vs depth", "Exploding gradients and clipping"])
with box:
    if view == "Activations":
        c = st.columns([3, 3, 4])
        with c[0]:
            focus = ui.select("Activation", "focus", list(gf.ACTIVATIONS), format_func=lambda a: gf.ACTIVATIONS[a].title)
        with c[1]:
            depth = ui.slider("Layers the gradient crosses", "act_depth", 1, 50, 10)
        a, factors = gf.ACTIVATIONS[focus], st.cache_data(gf.derivative_factors)()
        ui.chart(gf.activation_figure(list(gf.ACTIVATIONS), focus),
                 f"{a.title}: {a.formula}. Its slope peaks at {float(factors[focus]['max_slope']):.3g}; "
                 "sigmoid's never exceeds 1/4 (dotted line).", export="activations")
        shown = list(dict.fromkeys([focus, "sigmoid", "tanh", "relu"]))
        f, s = factors[focus], factors["sigmoid"]
        ui.chart(gf.factors_figure(factors, shown, depth),
                 f"Through {depth} layers sigmoid's slopes alone scale a gradient by at most 0.25^{depth} = "
                 f"{s['bound'][depth - 1]:.1e} (typically {s['rms'][depth - 1]:.1e})"
                 + (f"; {a.title}'s by at most {f['bound'][depth - 1]:.2g}, typically {f['rms'][depth - 1]:.1e}"
                    if focus != "sigmoid" else "")
                 + f". The weights multiply in too: He's variance 2/n_in cancels ReLU's RMS slope "
                 f"{float(factors['relu']['rms_slope']):.3f} ≈ 1/√2.")
        shares = relu_firing()
        dead = [int((s == 0).sum()) for s in shares]
        ui.chart(plots.histograms({f"layer {k + 1}": s for k, s in enumerate(shares)}, x_title="share of digits on which the unit fires",
                                  title="Dead ReLUs in the trained MLP (mnist_mlp), 500 validation digits"),
                 f"Of 512 units, {dead[0]} in layer 1 and {dead[1]} in layer 2 output 0 for every one of the 500 "
                 "digits: dead on this data, their weights get no gradient from it.", export="dead_relus")
    elif view == "Gradient flow vs depth":
        presets = st.columns(len(gf.PRESETS))
        for col, (name, p) in zip(presets, gf.PRESETS.items()):  # a preset sets the controls below (and the URL)
            col.button(name, on_click=st.session_state.update, width="stretch", args=(
                {"depth": p.depth, "flow_act": p.activation, "init": p.init, "sigma": p.sigma, "bn": p.batch_norm,
                 "res": p.residual},))
        c = st.columns([3, 2, 2, 2, 2])
        with c[0]:
            depth = ui.slider("Hidden layers (64 units)", "depth", *gf.DEPTH_RANGE, 20)
        with c[1]:
            act = ui.select("Activation", "flow_act", list(gf.ACTIVATIONS), format_func=lambda a: gf.ACTIVATIONS[a].title)
        with c[2]:
            init = ui.select("Initialisation", "init", list(gf.INITS), default="xavier", format_func=gf.INITS.get)
        with c[3]:
            sigma = ui.slider("σ of the normal init", "sigma", 0.01, 2.0, 1.0, step=0.01) if init == "normal" else 1.0
        with c[4]:
            bn, res = ui.toggle("Batch norm", "bn", False), ui.toggle("Residual connections", "res", False)
        config = gf.FlowConfig(depth, act, init, sigma, bn, res)
        stats = st.cache_data(gf.gradient_flow, max_entries=64)(config)
        fwd, bwd = gf.backward_cost(config)
        ui.chart(gf.flow_figure(stats),
                 gf.flow_sentence(stats) + f" Cost: the backward pass does {bwd / fwd:.1f}× the forward's matrix "
                 f"arithmetic ({bwd / 1e6:.0f} vs {fwd / 1e6:.0f} MFLOP on {gf.STATS_BATCH} digits).", export="gradient_flow")
        t = st.columns(3)
        with t[0]:
            steps = ui.slider("SGD steps", "steps", 10, 300, 150, step=10)
        with t[1]:
            flow_lr = ui.slider("SGD learning rate", "flow_lr", 0.005, 0.5, 0.05, step=0.005)
        rec = ui.computed(f"Training {steps} steps on 3,500 digits", gf.train_flow, config, steps, flow_lr, stoppable=True)
        if rec is not None:
            ui.chart(gf.training_figure(rec), gf.training_sentence(rec), export="training")
            units = rec.frames["units"][-1]
            ui.chart(plots.heatmap(units, "Layer 1 on 16 digits (rows) after training: 64 units (columns)",
                                   height=260, square=False),
                     f"{int(rec.frames['distinct'][-1][0])} of 64 units in layer 1 have distinct weights"
                     + (": with zeros every unit computes the same thing and gets the same gradient, forever."
                        if init == "zeros" else "."))
    else:
        c = st.columns(3)
        with c[0]:
            tau = ui.slider("Clipping threshold τ", "tau", 0.1, 10.0, 1.0, step=0.1)
        with c[1]:
            clip_lr = ui.slider("Learning rate", "clip_lr", 0.01, 0.5, 0.2, step=0.01)
        with c[2]:
            clip_steps = ui.slider("Steps", "clip_steps", 20, 150, 80, step=10)
        runs = {k: st.cache_data(gf.descend, max_entries=64)(k, clip_lr, tau, clip_steps) for k in gf.CLIPS}
        ui.chart(gf.cliff_figure(runs), gf.cliff_sentence(runs, clip_lr, tau), export="cliff")
        ui.chart(gf.clip_norms_figure(runs, tau),
                 f"Norm clipping caps every step at η·τ = {clip_lr * tau:.3g} in the gradient's own direction; value "
                 f"clipping caps each coordinate, so a step can reach η·τ·√2 = {clip_lr * tau * math.sqrt(2):.3g} and "
                 f"turned the direction by up to {runs['value'].turn.max():.0f}° here.")

ui.key_ideas()
ui.show_code(bp.forward, bp.backward, bp.check_gradients, gf.init_std, gf.flow_stats, gf.clip_by_norm, gf.clip_by_value)
