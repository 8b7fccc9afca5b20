"""Backpropagation and gradient flow: gradient-flow statistics of a 50 × 64 MLP at initialisation,
one step of the step-through graph (build + walkthrough + player figure + three-way check), the
page's rerun when a hero control moves, and a training recording."""
from __future__ import annotations

import time

import torch
import torch.nn.functional as F

from bench.common import Row, best_of, page_rerun
from demos.backprop import engine, expressions, flow, network, training, walkthrough

PAGE = "pages/08_backprop.py"


def run() -> list[Row]:
    rows: list[Row] = []
    deep = flow.FlowConfig(depth=50, activation="relu", init="he")
    flow.digits()  # load the digits once, outside the timings
    model, (x, y) = flow.DeepMlp(deep).train(), flow.digits()

    def forward_backward() -> None:
        torch.autograd.grad(F.cross_entropy(model(x)[0], y), list(model.weights))

    unit = best_of(forward_backward)
    rows.append(Row("backprop", "forward+backward, 50 × 64 MLP, 256 digits", unit, ratio=1.0))
    t = best_of(lambda: flow.gradient_flow(deep))
    rows.append(Row("backprop", "gradient-flow statistics at init, 50 × 64 MLP (build, stats, histograms)", t,
                    ratio=t / unit, target="≤ 200 ms"))
    forward = best_of(lambda: F.cross_entropy(model(x)[0], y))
    rows.append(Row("backprop", "forward only, 50 × 64 MLP, 256 digits (backprop's cost = the ratio's inverse)", forward,
                    ratio=forward / unit, target="fwd+bwd ≈ 2–3× fwd"))
    fwd, bwd = flow.backward_cost(deep)
    rows.append(Row("backprop", "backward / forward matrix FLOPs, 50 × 64 MLP (checked against FlopCounterMode)",
                    bwd / fwd, unit="×"))

    def graph_step(hidden: int) -> None:
        g = network.network_graph(hidden=hidden)
        frames = walkthrough.walkthrough(g, 0.5)
        walkthrough.graph_figure(g, frames, walkthrough.frame_index(frames, "backward")).to_json()
        engine.check_gradients(g)

    for hidden in (2, 3):
        rows.append(Row("backprop", f"step-through graph, {hidden} hidden units: build, frames, figure JSON, check",
                        best_of(lambda: graph_step(hidden)), target="< 100 ms"))
    rows.append(Row("backprop", "expression graph 'exp(-a**2)/(1+b*b)+tanh(a*b)': parse, frames, figure, check",
                    best_of(lambda: walkthrough.graph_figure(g := expressions.expression_graph("exp(-a**2)/(1+b*b)+tanh(a*b)",
                                                                                               {"a": 0.7, "b": 1.3}),
                                                             walkthrough.walkthrough(g, 0.5)).to_json()), target="< 100 ms"))
    first, rerun = page_rerun(PAGE, {}, ("slider", "x1", -1.0))
    rows.append(Row("backprop", "page first render (server)", first))
    rows.append(Row("backprop", "page rerun after moving x1 (new graph, frames, check)", rerun, target="< 100 ms"))
    first, rerun = page_rerun(PAGE, {}, ("selectbox", "open_at", "start"))
    rows.append(Row("backprop", "page rerun after 'open the player at' (a server-side step)", rerun, target="< 100 ms"))
    start = time.perf_counter()
    rec = training.train_flow(flow.preset_config("He init fixes it"), steps=150)
    rows.append(Row("backprop", f"training recording, 20 × 64 ReLU MLP, 150 SGD steps, {rec.n_frames} frames",
                    time.perf_counter() - start))
    return rows
