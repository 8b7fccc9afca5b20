"""The backprop page's lesson answers (`## Lesson` in pages/08_backprop.md, format: ui/lesson_data.py):
each takes a beat's URL parameters (missing ones take the page's defaults, as pages/08_backprop.py
reads them) and computes the right choice on the same graph the page draws."""
from __future__ import annotations

from typing import Mapping

from demos.backprop import engine, expressions, network
from demos.backprop.engine import Graph

DEFAULTS = {"graph": "network", "lr": "0.5", "hidden": "2", "act": "tanh", "x1": "1.0", "x2": "0.5", "y": "1.0",
            "loss": "sqerr", "seed": "0", "expr": "tanh(a*b + c) * a", "values": "a = 2, b = -0.5, c = 0.3"}


def graph_of(params: Mapping[str, str]) -> Graph:
    """The graph the page draws for these parameters (forward and backward done)."""
    p = DEFAULTS | dict(params)
    if p["graph"] == "network":
        return network.network_graph((float(p["x1"]), float(p["x2"])), float(p["y"]), int(p["hidden"]), p["act"],
                                     p["loss"], int(p["seed"]))
    return expressions.expression_graph(p["expr"], expressions.parse_values(p["values"]))


def loss_after_step(params: Mapping[str, str]) -> str:
    """"Down" if one gradient step of size lr lowers the output (the loss), else "Up"."""
    graph = graph_of(params)
    after = engine.gradient_step(graph, float((DEFAULTS | dict(params))["lr"]))
    return "Down" if after.nodes[-1].value < graph.nodes[-1].value else "Up"


def gradient_of_a(params: Mapping[str, str]) -> str:
    """∂out/∂a, as the page's number format shows it (a whole number here: "6")."""
    graph = graph_of(params)
    return f"{next(n.grad for n in graph.nodes if n.label == 'a' and n.op == 'param'):g}"


def largest_gradient(params: Mapping[str, str]) -> str:
    """The input variable with the largest |∂out/∂v|."""
    graph = graph_of(params)
    return max((n for n in graph.nodes if n.op == "param"), key=lambda n: abs(n.grad)).label
