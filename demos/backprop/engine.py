"""The scalar graph engine: reverse-mode differentiation on a computational graph (Rumelhart, Hinton
& Williams 1986; the micrograd idea): forward, backward (+=), one gradient step, and every gradient
checked three ways (our backward pass, PyTorch autograd, central differences).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
import torch


class GraphError(ValueError):
    """A bad expression or a value outside a function's domain; the message is for the page."""


@dataclass
class Node:
    label: str  # what the node shows: "x1", "w11", "z1", "×", "tanh", "2.0"
    op: str  # "input" | "param" | "const" | a key of OPS
    inputs: tuple[int, ...] = ()  # indices of the nodes it reads (earlier in the list)
    value: float = math.nan  # filled by forward()
    local: tuple[float, ...] = ()  # ∂node/∂inputs[k], filled by forward()
    grad: float = 0.0  # ∂output/∂node, filled by backward()
    name: str = ""  # parameter/variable name for tables ("w11", "a"); "" for operations
    pos: tuple[float, float] = (0.0, 0.0)  # where the figure draws it


@dataclass
class Graph:
    nodes: list[Node]  # topological order: every node after its inputs; the last one is the output
    reference: Callable[[dict[str, torch.Tensor]], torch.Tensor]  # the same function in PyTorch
    output: str = "L"  # what the output is called in sentences ("L" or "f")

    @property
    def params(self) -> list[int]:
        """The leaves gradient descent moves (weights and biases, or the expression's variables)."""
        return [i for i, n in enumerate(self.nodes) if n.op == "param"]

    def copy(self) -> "Graph":
        return Graph([replace(n) for n in self.nodes], self.reference, self.output)


def _sigmoid(a: float) -> float:
    return 1 / (1 + math.exp(-a)) if a >= 0 else math.exp(a) / (1 + math.exp(a))


def _apply(op: str, a: list[float]) -> tuple[float, tuple[float, ...]]:
    """(value, local derivatives) of one operation at its input values."""
    if op == "add":
        return a[0] + a[1], (1.0, 1.0)
    if op == "sub":
        return a[0] - a[1], (1.0, -1.0)
    if op == "mul":
        return a[0] * a[1], (a[1], a[0])
    if op == "div":
        if a[1] == 0:
            raise GraphError("division by zero")
        return a[0] / a[1], (1 / a[1], -a[0] / a[1] ** 2)
    if op == "pow":
        return _pow(a[0], a[1])
    if op == "pow_var":  # a variable in the exponent: ∂/∂b = a^b ln a needs a > 0
        if a[0] <= 0:
            raise GraphError(f"a ** b with a variable in b needs a positive base a (∂/∂b = a^b·ln a), got a = {a[0]:.4g}")
        return _pow(a[0], a[1])
    if op == "neg":
        return -a[0], (-1.0,)
    if op == "exp":
        v = math.exp(a[0])
        return v, (v,)
    if op == "log":
        if a[0] <= 0:
            raise GraphError(f"log needs a positive number, got log({a[0]:.4g})")
        return math.log(a[0]), (1 / a[0],)
    if op == "sqrt":
        if a[0] <= 0:
            raise GraphError(f"sqrt needs a positive number here (at 0 its slope is infinite), got sqrt({a[0]:.4g})")
        v = math.sqrt(a[0])
        return v, (0.5 / v,)
    if op in ("tanh", "sigmoid"):
        v = math.tanh(a[0]) if op == "tanh" else _sigmoid(a[0])
        return v, ((1 - v * v) if op == "tanh" else v * (1 - v),)
    if op == "relu":
        return max(a[0], 0.0), (1.0 if a[0] > 0 else 0.0,)  # slope 0 at the kink, as PyTorch
    if op == "abs":
        return abs(a[0]), (float(np.sign(a[0])),)
    if op == "sin":
        return math.sin(a[0]), (math.cos(a[0]),)
    if op == "cos":
        return math.cos(a[0]), (-math.sin(a[0]),)
    if op == "affine":  # inputs w1, x1, w2, x2, ..., b:  z = Σ w_i x_i + b
        w, x = a[0:-1:2], a[1:-1:2]
        local: list[float] = []
        for wi, xi in zip(w, x):
            local += [xi, wi]
        return sum(wi * xi for wi, xi in zip(w, x)) + a[-1], (*local, 1.0)
    if op == "sqerr":  # ½(ŷ − y)²
        return 0.5 * (a[0] - a[1]) ** 2, (a[0] - a[1], a[1] - a[0])
    if op == "bce":  # −[y log ŷ + (1 − y) log(1 − ŷ)]
        p, y = a
        if not 0 < p < 1:
            raise GraphError("the prediction saturated at exactly 0 or 1: cross-entropy is infinite")
        return -(y * math.log(p) + (1 - y) * math.log(1 - p)), ((p - y) / (p * (1 - p)), math.log((1 - p) / p))
    raise GraphError(f"unknown operation {op!r}")


def _pow(a: float, b: float) -> tuple[float, tuple[float, float]]:
    """a ** b with ∂/∂a = b a^(b−1) and ∂/∂b = a^b ln a (0 where a = 0, as PyTorch)."""
    if a < 0 and b != int(b):
        raise GraphError(f"a negative number to a fractional power is not real: ({a:.4g}) ** {b:.4g}")
    if a == 0 and b < 1 and b != 0:
        raise GraphError(f"0 ** {b:.4g} has an infinite slope (or value) at 0")
    v = a ** b
    return v, (b * a ** (b - 1) if b != 0 else 0.0, v * math.log(a) if a > 0 else 0.0)


SYMBOLS = {"add": "+", "sub": "−", "mul": "×", "div": "÷", "pow": "^", "neg": "−", "affine": "Σ",
           "sqerr": "½(ŷ−y)²", "bce": "BCE"}


def forward(graph: Graph) -> Graph:
    """Values and local derivatives of every node, in topological order (in place; returns it)."""
    for node in graph.nodes:
        if not node.inputs:
            continue
        try:
            node.value, node.local = _apply(node.op, [graph.nodes[i].value for i in node.inputs])
        except (OverflowError, ZeroDivisionError) as err:
            raise GraphError(f"{node.label} overflows at these values ({err})") from err
        if not math.isfinite(node.value) or not all(math.isfinite(d) for d in node.local):
            raise GraphError(f"{node.label} is not finite at these values (it overflows): try smaller numbers")
    return graph


def backward(graph: Graph) -> Graph:
    """Reverse mode: ∂out/∂out = 1, then each node, last to first, adds local × its own gradient to
    each of its inputs (+=, because a node read twice collects a gradient from each use)."""
    for node in graph.nodes:
        node.grad = 0.0
    graph.nodes[-1].grad = 1.0
    for node in reversed(graph.nodes):
        for k, i in enumerate(node.inputs):
            graph.nodes[i].grad += node.local[k] * node.grad
    return graph


def gradient_step(graph: Graph, lr: float) -> Graph:
    """One step of gradient descent, p ← p − lr·∂out/∂p for every parameter; a new graph, recomputed.
    Raises GraphError if the step leaves a function's domain (e.g. log of a negative number)."""
    new = graph.copy()
    for i in graph.params:
        new.nodes[i].value = graph.nodes[i].value - lr * graph.nodes[i].grad
    return backward(forward(new))


def safe_step(graph: Graph, lr: float) -> tuple[Graph | None, str]:
    """gradient_step, or (None, why) when the step leaves a function's domain."""
    try:
        return gradient_step(graph, lr), ""
    except GraphError as err:
        return None, str(err)


def _evaluate_at(graph: Graph, index: int, value: float) -> float:
    trial = graph.copy()
    trial.nodes[index].value = value
    return forward(trial).nodes[-1].value


@dataclass(frozen=True)
class GradientCheck:
    names: list[str]  # parameter names
    values: np.ndarray  # their values
    backprop: np.ndarray  # ∂out/∂p from backward()
    autograd: np.ndarray  # from torch.autograd.grad on graph.reference (float64)
    finite_diff: np.ndarray  # (f(p+h) − f(p−h)) / 2h
    h: float

    @property
    def rel_autograd(self) -> np.ndarray:
        return np.abs(self.backprop - self.autograd) / np.maximum(np.abs(self.autograd), 1e-8)

    @property
    def rel_finite_diff(self) -> np.ndarray:
        return np.abs(self.backprop - self.finite_diff) / np.maximum(np.abs(self.finite_diff), 1e-8)


def check_gradients(graph: Graph, h: float = 1e-6) -> GradientCheck:
    """Every parameter's gradient three ways: our backward pass, PyTorch autograd on the same function
    written with torch ops (float64), and central differences of our forward pass."""
    params = graph.params
    names = [graph.nodes[i].name for i in params]
    leaves = {graph.nodes[i].name: torch.tensor(graph.nodes[i].value, dtype=torch.float64, requires_grad=True)
              for i in params}
    out = graph.reference(leaves)
    auto = torch.autograd.grad(out, list(leaves.values()), allow_unused=True)
    autograd = np.array([0.0 if g is None else g.item() for g in auto])
    fd = []
    for i in params:
        v = graph.nodes[i].value
        step = h * max(1.0, abs(v))
        try:
            fd.append((_evaluate_at(graph, i, v + step) - _evaluate_at(graph, i, v - step)) / (2 * step))
        except GraphError:  # p ± h leaves the domain (e.g. sqrt just above 0): no central difference here
            fd.append(math.nan)
    return GradientCheck(names, np.array([graph.nodes[i].value for i in params]),
                         np.array([graph.nodes[i].grad for i in params]), autograd, np.array(fd), h)



# ================================================================ what the page says about the check
def check_table(check: GradientCheck, graph: Graph, lr: float) -> dict[str, list | np.ndarray]:
    """The page's table, one row per parameter: its value, its gradient three ways, and its value
    after one gradient step with learning rate `lr` (NaN where that step leaves a function's domain)."""
    after = safe_step(graph, lr)[0]
    return {"parameter": check.names, "value": check.values, "backprop": check.backprop,
            "PyTorch autograd": check.autograd, "central difference": check.finite_diff,
            f"after one step (η = {lr:g})": [after.nodes[i].value if after else math.nan for i in graph.params]}


def check_note(check: GradientCheck) -> tuple[bool, str]:
    """(all agree, the sentence the page shows) for a three-way gradient check."""
    n = len(check.names)
    no_fd = [name for name, d in zip(check.names, check.finite_diff) if not math.isfinite(d)]
    off = [name for name, a, d in zip(check.names, check.rel_autograd, check.rel_finite_diff)
           if a >= 1e-9 or (math.isfinite(d) and d >= 1e-4)]
    if not off and not no_fd:
        return True, (f"{f'All {n} gradients equal' if n > 1 else 'The gradient equals'} PyTorch autograd (largest relative difference "
                      f"{check.rel_autograd.max():.0e}) and central differences, h = {check.h:g} "
                      f"({check.rel_finite_diff.max():.0e}).")
    parts = []
    if off:
        parts.append(f"the gradients of {', '.join(off)} differ from autograd (largest relative difference "
                     f"{np.nanmax(check.rel_autograd):.1e}) or from central differences "
                     f"({np.nanmax(check.rel_finite_diff):.1e}): usually a kink (relu, abs) lies within h of the input, "
                     "so the difference averages two slopes, or a gradient is tiny next to the value and rounding "
                     "dominates the difference")
    if no_fd:
        parts.append(f"{', '.join(no_fd)} ± h leaves a function's domain, so no central difference exists there")
    text = "; ".join(parts)
    return False, text[0].upper() + text[1:] + "."
