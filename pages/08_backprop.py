"""Backpropagation and gradient flow: the chain rule node by node, activations, initialisation,
vanishing and exploding gradients, clipping."""
import pandas as pd
import streamlit as st

import ui
from demos.backprop import activations, clipping, engine, expressions, flow, network, training, walkthrough

page = ui.page_setup(__file__)

# Controls: which graph (a tiny network or your own expression) and the learning rate, kept on a slide
key_row = st.columns([3, 2, 3, 3])
more = ui.more_controls()
with key_row[0]:
    mode = ui.select("Graph", "graph", ["network", "expression"], widget="segmented",
                     format_func={"network": "Network", "expression": "Expression"}.get)
with key_row[3]:
    lr = ui.slider("Learning rate η (one update)", "lr", 0.01, 2.0, 0.5, step=0.01)
with more:
    m = ui.control_columns(4)
    with m[3]:
        open_at = ui.select("Open the player at", "open_at", list(walkthrough.OPEN_AT), default="backward",
                            format_func=walkthrough.OPEN_AT.get)
try:
    if mode == "network":
        with key_row[1]:
            hidden = int(ui.select("Hidden units", "hidden", ["2", "3"], widget="segmented"))
        with key_row[2]:
            act = ui.select("Hidden activation", "act", list(network.NETWORK_ACTIVATIONS), default="tanh")
        with m[0]:
            x1, x2 = ui.slider("Input x1", "x1", -2.0, 2.0, 1.0, step=0.1), ui.slider("Input x2", "x2", -2.0, 2.0, 0.5, step=0.1)
        with m[1]:
            target = ui.slider("Target y", "y", 0.0, 1.0, 1.0, step=0.05)
            loss = ui.select("Loss", "loss", list(network.LOSSES), format_func=network.LOSSES.get)
        with m[2]:
            seed = ui.number("Seed (weights)", "seed", 0, 9999, 0)
        graph = network.network_graph((x1, x2), target, hidden, act, loss, seed)
    else:
        with key_row[1]:
            expression = ui.text_area("Expression", "expr", "tanh(a*b + c) * a", height=68,
                                      max_chars=expressions.MAX_EXPRESSION_CHARS,
                                      help="Numbers, variables, + - * / **, parentheses and " + ", ".join(expressions.FUNCTIONS))
        with key_row[2]:
            values = ui.text_area("Values", "values", "a = 2, b = -0.5, c = 0.3", height=68, max_chars=200)
        graph = expressions.expression_graph(expression, expressions.parse_values(values))
except engine.GraphError as err:
    graph = None
    st.error(f"Cannot build the graph: {err}.", icon="✏️")

# Hero: the computational graph, played forward then backward in the browser, and the live check
if graph is not None:
    frames = walkthrough.walkthrough(graph, lr)
    ui.chart(walkthrough.graph_figure(graph, frames, walkthrough.frame_index(frames, open_at),
                                      height=walkthrough.graph_height(graph, ui.is_presenting()),
                                      text_scale=1.25 if ui.is_presenting() else 1.0),
             walkthrough.graph_caption(graph, lr), export="backprop_graph")
    check = engine.check_gradients(graph)
    agree, note = engine.check_note(check)
    if not (agree and ui.is_presenting()):  # a slide keeps its height for the graph: a disagreement only
        (st.success if agree else st.warning)(note, icon="✅" if agree else "⚠️")
ui.end_of_hero()

# Every gradient three ways, and the update
if graph is not None:
    st.dataframe(pd.DataFrame(engine.check_table(check, graph, lr)), hide_index=True,
                 column_config={c: st.column_config.NumberColumn(format="%.6g") for c in
                                ("value", "backprop", "PyTorch autograd", "central difference")})

# Three experiments, one lazy tab each
view, box = ui.tabs("view", ["Activations", "Gradient flow vs depth", "Exploding gradients and clipping"])
with box:
    if view == "Activations":
        c = st.columns([3, 3, 4])
        with c[0]:
            focus = ui.select("Activation", "focus", list(activations.ACTIVATIONS),
                              format_func=lambda a: activations.ACTIVATIONS[a].title)
        with c[1]:
            depth = ui.slider("Layers the gradient crosses", "act_depth", 1, 50, 10)
        factors = ui.cached(activations.derivative_factors)
        ui.chart(activations.activation_figure(list(activations.ACTIVATIONS), focus),
                 activations.activation_caption(focus, factors), export="activations")
        ui.chart(activations.factors_figure(factors, activations.compared(focus), depth),
                 activations.factors_caption(factors, focus, depth))
        shares = ui.cached(activations.validation_firing, ui.model("mnist_mlp"), key="mnist_mlp",
                           spinner="Running the trained MLP on the validation digits…")
        ui.chart(activations.dead_relus_figure(shares), activations.dead_relus_caption(shares), export="dead_relus")
    elif view == "Gradient flow vs depth":
        ui.preset_buttons(flow.PRESETS, label=None, width="stretch")  # a preset sets the controls below (and the URL)
        c = st.columns([3, 2, 2, 2, 2])
        with c[0]:
            depth = ui.slider("Hidden layers (64 units)", "depth", *flow.DEPTH_RANGE, 20)
        with c[1]:
            act = ui.select("Activation", "flow_act", list(activations.ACTIVATIONS),
                            format_func=lambda a: activations.ACTIVATIONS[a].title)
        with c[2]:
            init = ui.select("Initialisation", "init", list(flow.INITS), default="xavier", format_func=flow.INITS.get)
        with c[3]:
            sigma = ui.slider("σ of the normal init", "sigma", 0.01, 2.0, 1.0, step=0.01) if init == "normal" else 1.0
        with c[4]:
            bn, res = ui.toggle("Batch norm", "bn", False), ui.toggle("Residual connections", "res", False)
        config = flow.FlowConfig(depth, act, init, sigma, bn, res)
        stats = ui.cached(flow.gradient_flow, config, max_entries=64)
        ui.chart(flow.flow_figure(stats), flow.flow_caption(stats, config), export="gradient_flow")
        t = st.columns(3)
        with t[0]:
            steps = ui.slider("SGD steps", "steps", 10, 300, 150, step=10)
        with t[1]:
            flow_lr = ui.slider("SGD learning rate", "flow_lr", 0.005, 0.5, 0.05, step=0.005)
        rec = ui.computed(f"Training {steps} steps on 3,500 digits", training.train_flow, config, steps, flow_lr,
                          stoppable=True)
        if rec is not None:
            ui.chart(training.training_figure(rec), training.training_caption(rec), export="training")
            ui.chart(training.units_figure(rec), training.units_caption(rec))
    else:
        c = st.columns(3)
        with c[0]:
            tau = ui.slider("Clipping threshold τ", "tau", 0.1, 10.0, 1.0, step=0.1)
        with c[1]:
            clip_lr = ui.slider("Learning rate", "clip_lr", 0.01, 0.5, 0.2, step=0.01)
        with c[2]:
            clip_steps = ui.slider("Steps", "clip_steps", 20, 150, 80, step=10)
        runs = ui.cached(clipping.descents, clip_lr, tau, clip_steps, max_entries=64)
        ui.chart(clipping.cliff_figure(runs), clipping.cliff_caption(runs, clip_lr, tau), export="cliff")
        ui.chart(clipping.clip_norms_figure(runs, tau), clipping.clip_norms_caption(runs, clip_lr, tau))

ui.key_ideas()
ui.show_code(engine.forward, engine.backward, engine.check_gradients, flow.init_std, flow.flow_stats,
             clipping.clip_by_norm, clipping.clip_by_value)
