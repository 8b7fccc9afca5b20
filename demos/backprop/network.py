"""A tiny network written as a computational graph: 2 inputs → 2 or 3 hidden units → a sigmoid
output → squared error or cross-entropy, every weight a leaf the engine differentiates, with the same
network in PyTorch's layer functions as the reference.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from demos.backprop.engine import Graph, GraphError, Node, backward, forward

NETWORK_ACTIVATIONS = ("sigmoid", "tanh", "relu")
LOSSES = {"sqerr": "squared error ½(ŷ − y)²", "bce": "cross-entropy"}


def network_graph(x: tuple[float, float] = (1.0, 0.5), target: float = 1.0, hidden: int = 2,
                  activation: str = "tanh", loss: str = "sqerr", seed: int = 0) -> Graph:
    """2 inputs → `hidden` units (z_j = w_j1 x1 + w_j2 x2 + b_j, h_j = act(z_j)) → ŷ = σ(Σ v_j h_j + c)
    → loss against `target` in [0, 1]. Weights and biases: seeded uniform(−1, 1), 2 decimals."""
    if activation not in NETWORK_ACTIVATIONS or loss not in LOSSES or hidden not in (2, 3):
        raise GraphError("hidden ∈ {2, 3}, activation ∈ " + ", ".join(NETWORK_ACTIVATIONS) + ", loss ∈ " + ", ".join(LOSSES))
    rng = np.random.default_rng(seed)
    draw = lambda: float(np.round(rng.uniform(-1, 1), 2))  # noqa: E731
    nodes: list[Node] = []

    def add(node: Node, pos: tuple[float, float]) -> int:
        node.pos = pos
        nodes.append(node)
        return len(nodes) - 1

    span = lambda n, k, gap: ((n - 1) / 2 - k) * gap  # noqa: E731  (first on top, centred on 0)
    xs = [add(Node(f"x{i + 1}", "input", value=float(x[i]), name=f"x{i + 1}"), (0, span(2, i, 2.4))) for i in range(2)]
    hs = []
    for j in range(hidden):
        yj = span(hidden, j, 3.4)
        w = [add(Node(f"w{j + 1}{i + 1}", "param", value=draw(), name=f"w{j + 1}{i + 1}"), (1, yj + 1.0 - 1.0 * i))
             for i in range(2)]
        b = add(Node(f"b{j + 1}", "param", value=draw(), name=f"b{j + 1}"), (1, yj - 1.0))
        z = add(Node(f"z{j + 1}", "affine", (w[0], xs[0], w[1], xs[1], b)), (2, yj))
        hs.append(add(Node(f"h{j + 1}", activation, (z,)), (3, yj)))
    v = [add(Node(f"v{j + 1}", "param", value=draw(), name=f"v{j + 1}"), (4, span(hidden, j, 3.4) * 0.55 + 1.3))
         for j in range(hidden)]
    c = add(Node("c", "param", value=draw(), name="c"), (4, span(hidden, 0, 3.4) * 0.55 + 2.4))
    inputs: tuple[int, ...] = ()
    for j in range(hidden):
        inputs += (v[j], hs[j])
    zo = add(Node("z", "affine", (*inputs, c)), (5, 0))
    yhat = add(Node("ŷ", "sigmoid", (zo,)), (6, 0))
    y = add(Node("y", "const", value=float(target), name="y"), (6.5, -1.5))
    add(Node("L", loss, (yhat, y)), (7, 0))
    act = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[activation]

    def reference(p: dict[str, torch.Tensor]) -> torch.Tensor:  # the same net with torch's layer functions
        W1 = torch.stack([torch.stack([p[f"w{j + 1}1"], p[f"w{j + 1}2"]]) for j in range(hidden)])
        b1 = torch.stack([p[f"b{j + 1}"] for j in range(hidden)])
        W2 = torch.stack([p[f"v{j + 1}"] for j in range(hidden)])[None]
        h = act(F.linear(torch.tensor(x, dtype=torch.float64), W1, b1))
        y_hat = torch.sigmoid(F.linear(h, W2, p["c"][None]))
        t = torch.tensor([float(target)], dtype=torch.float64)
        return 0.5 * F.mse_loss(y_hat, t, reduction="sum") if loss == "sqerr" else F.binary_cross_entropy(y_hat, t)

    return backward(forward(Graph(nodes, reference, "L")))
