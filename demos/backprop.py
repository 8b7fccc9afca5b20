"""Backpropagation and gradient flow: reverse-mode differentiation on a scalar computational graph
(Rumelhart, Hinton & Williams 1986; the micrograd idea), checked against PyTorch autograd and central
differences; activation functions and their derivatives; weight initialisation (Glorot & Bengio 2010,
He et al. 2015); vanishing and exploding gradients in deep MLPs on digits; gradient clipping
(Pascanu, Mikolov & Bengio 2013).

Sections: the graph engine (forward, backward, one gradient step) · safe expressions (a whitelist
over Python's AST: nothing is ever evaluated by Python) · the step-by-step walkthrough and its
figure · activations · deep MLPs at initialisation and in training · a loss with a cliff and clipping.
"""
from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots
from torch import nn

from demos.plots import OKABE_ITO
from demos.replay import Recording, animate, record

BLUE, ORANGE, GREEN, VERMILION, SKY = (OKABE_ITO[i] for i in (0, 1, 2, 3, 5))
GREY = "#9aa0a6"


# ================================================================ the scalar graph engine
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


# ================================================================ a tiny network as a graph
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


# ================================================================ user-typed expressions, safely
FUNCTIONS = ("exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "sin", "cos")
MAX_EXPRESSION_CHARS = 200
MAX_NODES = 40  # beyond this the graph is unreadable
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,11}\Z")
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\Z")
_BINOPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
_BAD_BINOPS = {ast.BitXor: "`^` (write powers as **)", ast.FloorDiv: "`//`", ast.Mod: "`%`",
               ast.MatMult: "`@`", ast.LShift: "`<<`", ast.RShift: "`>>`", ast.BitOr: "`|`", ast.BitAnd: "`&`"}
_TORCH = {"exp": torch.exp, "log": torch.log, "sqrt": torch.sqrt, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
          "relu": torch.relu, "abs": torch.abs, "sin": torch.sin, "cos": torch.cos}
ALLOWED = "numbers, variables, + − * / **, parentheses and " + ", ".join(f"{f}()" for f in FUNCTIONS)


def parse_values(text: str) -> dict[str, float]:
    """'a = 2, b = -3.5; c=1e-2' -> {'a': 2.0, 'b': -3.5, 'c': 0.01}. Raises GraphError."""
    values: dict[str, float] = {}
    for item in (s.strip() for s in re.split(r"[,;\n]", text)):
        if not item:
            continue
        name, eq, number = (s.strip() for s in item.partition("="))
        if not eq:
            raise GraphError(f"“{_short(item)}” is not of the form name = number")
        if not NAME.match(name) or name in FUNCTIONS:
            raise GraphError(f"“{_short(name)}” is not a variable name (a letter, then letters, digits or _; not a function name)")
        if not NUMBER.match(number):
            raise GraphError(f"“{_short(number)}” (the value of {name}) is not a plain number such as -1.5 or 2e-3")
        if name in values:
            raise GraphError(f"{name} is given twice")
        v = float(number)
        if not math.isfinite(v) or abs(v) > 1e6:
            raise GraphError(f"{name} = {_short(number)} is outside ±1,000,000")
        values[name] = v
    return values


def _short(text: str, n: int = 30) -> str:
    text = text.encode("unicode_escape").decode("ascii")
    return text if len(text) <= n else text[:n] + "…"


def expression_graph(expression: str, values: dict[str, float]) -> Graph:
    """The computational graph of a scalar expression in ALLOWED, read from Python's AST through a
    whitelist (nothing is executed); each variable is one leaf however often it is used.
    Raises GraphError with a message for every input it refuses."""
    text = expression.strip()
    if not text:
        raise GraphError("type an expression, e.g. tanh(a*b + c)")
    if len(text) > MAX_EXPRESSION_CHARS:
        raise GraphError(f"the expression has {len(text)} characters; keep it under {MAX_EXPRESSION_CHARS}")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as err:
        raise GraphError(f"not a valid expression ({err.msg}, at character {err.offset or '?'}); allowed: {ALLOWED}") from None
    except (ValueError, RecursionError, MemoryError):
        raise GraphError("not a valid expression (it is too deeply nested or contains a null byte)") from None
    nodes: list[Node] = []
    leaves: dict[str, int] = {}

    def new(node: Node) -> int:
        nodes.append(node)
        if len(nodes) > MAX_NODES:
            raise GraphError(f"the graph would have more than {MAX_NODES} nodes; try a shorter expression")
        return len(nodes) - 1

    def build(e: ast.AST) -> int:
        if isinstance(e, ast.BinOp):
            kind = type(e.op)
            if kind not in _BINOPS:
                raise GraphError(f"{_BAD_BINOPS.get(kind, 'that operator')} is not allowed; allowed: {ALLOWED}")
            a, b = build(e.left), build(e.right)
            return new(Node(SYMBOLS[_BINOPS[kind]], _BINOPS[kind], (a, b)))
        if isinstance(e, ast.UnaryOp):
            if isinstance(e.op, ast.UAdd):
                return build(e.operand)
            if isinstance(e.op, ast.USub):
                return new(Node("−", "neg", (build(e.operand),)))
            raise GraphError(f"`{'not' if isinstance(e.op, ast.Not) else '~'}` is not allowed; allowed: {ALLOWED}")
        if isinstance(e, ast.Call):
            fn = e.func.id if isinstance(e.func, ast.Name) else None
            if fn not in FUNCTIONS:
                shown = fn or type(e.func).__name__.lower()
                raise GraphError(f"`{_short(shown)}(…)` is not an allowed function; use one of {', '.join(FUNCTIONS)}")
            if len(e.args) != 1 or e.keywords or isinstance(e.args[0], ast.Starred):
                raise GraphError(f"{fn}() takes exactly one argument, e.g. {fn}(a)")
            return new(Node(fn, fn, (build(e.args[0]),)))
        if isinstance(e, ast.Name):
            if e.id in FUNCTIONS:
                raise GraphError(f"`{e.id}` is a function: write {e.id}(…)")
            if not NAME.match(e.id):
                raise GraphError(f"`{_short(e.id)}` is not a variable name (letters, digits and _, starting with a letter)")
            if e.id not in values:
                raise GraphError(f"`{e.id}` has no value: add “{e.id} = …” to the values")
            if e.id not in leaves:
                leaves[e.id] = new(Node(e.id, "param", value=values[e.id], name=e.id))
            return leaves[e.id]
        if isinstance(e, ast.Constant):
            if isinstance(e.value, bool) or not isinstance(e.value, (int, float)):
                raise GraphError(f"only real numbers are allowed, not {_short(repr(e.value))}")
            try:
                v = float(e.value)
            except OverflowError:
                v = math.inf
            if not math.isfinite(v) or abs(v) > 1e6:
                raise GraphError("a number in the expression is outside ±1,000,000")
            return new(Node(f"{v:g}", "const", value=v))
        raise GraphError(f"{_describe(e)} is not allowed; allowed: {ALLOWED}")

    build(tree.body)
    if not any(n.op == "param" for n in nodes):
        raise GraphError("the expression has no variables, so there is nothing to differentiate")
    _check_pow_domain(nodes)
    graph = Graph(nodes, lambda p: _torch_eval(tree.body, p), "f")
    _layout(graph)
    return backward(forward(graph))


def _describe(e: ast.AST) -> str:
    kinds = {ast.Attribute: "attribute access (`a.b`)", ast.Subscript: "indexing (`a[0]`)",
             ast.Compare: "a comparison", ast.BoolOp: "`and`/`or`", ast.IfExp: "`… if … else …`",
             ast.Lambda: "`lambda`", ast.NamedExpr: "`:=`", ast.JoinedStr: "an f-string"}
    for kind, text in kinds.items():
        if isinstance(e, kind):
            return text
    return f"a {type(e).__name__.lower()}"


def _check_pow_domain(nodes: list[Node]) -> None:
    """Mark the powers whose exponent depends on a variable: they need a positive base."""
    depends = []
    for n in nodes:
        depends.append(n.op == "param" or any(depends[i] for i in n.inputs))
    for n in nodes:
        if n.op == "pow" and depends[n.inputs[1]]:
            n.op = "pow_var"


def _torch_eval(e: ast.AST, p: dict[str, torch.Tensor]) -> torch.Tensor:
    """The whitelisted AST evaluated with torch ops (only ever called on a tree build() accepted)."""
    if isinstance(e, ast.BinOp):
        a, b = _torch_eval(e.left, p), _torch_eval(e.right, p)
        return {ast.Add: torch.add, ast.Sub: torch.sub, ast.Mult: torch.mul, ast.Div: torch.div,
                ast.Pow: torch.pow}[type(e.op)](a, b)
    if isinstance(e, ast.UnaryOp):
        v = _torch_eval(e.operand, p)
        return -v if isinstance(e.op, ast.USub) else v
    if isinstance(e, ast.Call):
        return _TORCH[e.func.id](_torch_eval(e.args[0], p))
    if isinstance(e, ast.Name):
        return p[e.id]
    return torch.tensor(float(e.value), dtype=torch.float64)


def _layout(graph: Graph) -> None:
    """Columns by depth (a leaf sits one column left of its first reader), rows in the order a
    depth-first walk from the output meets the nodes."""
    nodes = graph.nodes
    col = [0] * len(nodes)
    for i, n in enumerate(nodes):
        col[i] = 1 + max((col[j] for j in n.inputs), default=-1)
    readers: dict[int, list[int]] = {}
    for i, n in enumerate(nodes):
        for j in n.inputs:
            readers.setdefault(j, []).append(i)
    for i, n in enumerate(nodes):
        if not n.inputs and i in readers:
            col[i] = min(col[r] for r in readers[i]) - 1
    order: dict[int, int] = {}

    def visit(i: int) -> None:
        for j in nodes[i].inputs:
            visit(j)
        order.setdefault(i, len(order))

    visit(len(nodes) - 1)
    for c in set(col):
        members = sorted((i for i in range(len(nodes)) if col[i] == c), key=lambda i: order.get(i, 0))
        for k, i in enumerate(members):
            nodes[i].pos = (float(c), ((len(members) - 1) / 2 - k) * 1.6)


# ================================================================ the walkthrough, frame by frame
@dataclass(frozen=True)
class Frame:
    phase: str  # "start", "forward", "backward" or "update"
    title: str  # short name on the player's slider
    narration: str  # the arithmetic of this step, in words
    values: np.ndarray  # (N,) node values known so far (nan: not yet computed)
    grads: np.ndarray  # (N,) gradients known so far (nan: not yet reached)
    active: int  # the node this step computes (-1: none)
    edges: tuple[tuple[int, int, str], ...] = ()  # highlighted edges (from, to, label)


def num(v: float) -> str:
    """A number for people: 3 significant digits, a real minus sign."""
    if not math.isfinite(v):
        return "—"
    return (f"{v:.3g}" if abs(v) >= 1e-3 or v == 0 else f"{v:.2e}").replace("-", "−")


def _paren(text: str) -> str:
    return f"({text})" if text.startswith("−") else text


def node_names(graph: Graph) -> list[str]:
    """Names for sentences: a parameter's or unit's own name; n1, n2, … for an expression's operations."""
    names, k = [], 0
    for n in graph.nodes:
        if n.name or graph.output == "L":
            names.append(n.name or n.label)
        elif n.op == "const":
            names.append(n.label)
        else:
            k += 1
            names.append(f"n{k}")
    if graph.output == "f":
        names[-1] = "f"
    return names


def _formula(graph: Graph, i: int, names: list[str], values: bool) -> str:
    n = graph.nodes[i]
    args = [num(graph.nodes[j].value) if values else names[j] for j in n.inputs]
    if values and n.op not in FUNCTIONS:
        args = [_paren(a) for a in args]
    if n.op == "affine":
        terms = [f"{args[k]}·{args[k + 1]}" for k in range(0, len(args) - 1, 2)]
        return " + ".join(terms + [args[-1]])
    if n.op in ("sqerr", "bce"):
        p, y = args
        return f"½({p} − {y})²" if n.op == "sqerr" else f"−[{y}·log {p} + (1 − {y})·log(1 − {p})]"
    if n.op == "neg":
        return f"−{args[0]}"
    if len(args) == 2:
        return f"{args[0]} {'**' if n.op.startswith('pow') else SYMBOLS[n.op]} {args[1]}"
    return f"{n.op}({args[0]})"


def walkthrough(graph: Graph, lr: float) -> list[Frame]:
    """The forward pass node by node, the backward pass node by node (each edge: local derivative ×
    the gradient arriving from above = what it passes down), then one gradient-descent update."""
    nodes, names, out = graph.nodes, node_names(graph), graph.output
    n = len(nodes)
    ops = [i for i, node in enumerate(nodes) if node.inputs]
    values = np.array([node.value if not node.inputs else np.nan for node in nodes])
    grads = np.full(n, np.nan)
    frames = [Frame("start", "start", f"Inputs and parameters are set. ▶ Play: values flow forward to {out}, "
                    f"then gradients flow back.", values.copy(), grads.copy(), -1)]
    for k, i in enumerate(ops, 1):
        values[i] = nodes[i].value
        text = f"Forward {k}/{len(ops)}: {names[i]} = {_formula(graph, i, names, False)}"
        text += f" = {_formula(graph, i, names, True)} = {num(nodes[i].value)}"
        frames.append(Frame("forward", f"F{k}", text, values.copy(), grads.copy(), i,
                            tuple((j, i, "") for j in nodes[i].inputs)))
    grads[-1] = 1.0
    frames.append(Frame("backward", "B0", f"Backward starts at the output: ∂{out}/∂{out} = 1.", values.copy(),
                        grads.copy(), n - 1))
    acc = np.zeros(n)
    acc[-1] = 1.0
    for k, i in enumerate(reversed(ops), 1):
        g, edges, parts = acc[i], [], []
        for j, local in zip(nodes[i].inputs, nodes[i].local):
            if nodes[j].op == "const":  # a target or a number: nothing to learn, nothing shown
                continue
            had = acc[j]
            acc[j] += local * g
            grads[j] = acc[j]
            edges.append((j, i, f"{num(local)} × {_paren(num(g))}"))
            parts.append(f"∂{out}/∂{names[j]} {'+' if had else ''}= {num(local)} × {_paren(num(g))}"
                         + (f" → {num(acc[j])} (a second path: gradients add)" if had else f" = {num(acc[j])}"))
        head = f"Backward {k}/{len(ops)} through {names[i]}: ∂{out}/∂{names[i]} = {num(g)}, times each local slope"
        frames.append(Frame("backward", f"B{k}", head + ": " + "; ".join(parts), values.copy(), grads.copy(), i,
                            tuple(edges)))
    after, problem = safe_step(graph, lr)
    moved = tuple((j, i, "") for i in ops for j in nodes[i].inputs if nodes[j].op == "param")
    if after is None:
        frames.append(Frame("update", "update", f"One gradient-descent step with η = {lr:g} fails: {problem}. "
                            "Try a smaller η.", np.full(n, np.nan), np.full(n, np.nan), -1, moved))
    else:
        frames.append(Frame("update", "update", f"One gradient-descent step, p ← p − η·∂{out}/∂p with η = {lr:g}: "
                            f"{out} goes from {num(nodes[-1].value)} to {num(after.nodes[-1].value)}.",
                            np.array([node.value for node in after.nodes]), np.full(n, np.nan), -1, moved))
    return frames


def check_sentence(check: GradientCheck) -> tuple[bool, str]:
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


OPEN_AT = {"start": "the start", "forward": "forward done", "backward": "backward done", "update": "the update"}


def frame_index(frames: list[Frame], where: str) -> int:
    """The frame a view opens on: "start", the last forward or backward frame, or the update."""
    if where == "start":
        return 0
    return max(k for k, f in enumerate(frames) if f.phase == where)


def _wrap(text: str, width: int = 115) -> str:
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "<br>".join(lines + [line])


def graph_figure(graph: Graph, frames: list[Frame], start: int = 0, height: int = 480) -> go.Figure:
    """The computational graph as a client-side player: node colours (grey: not computed, blue: value
    known, vermilion: gradient known), values and gradients beside the nodes, highlighted edges labelled
    'local derivative × gradient from above', and the step's arithmetic on top."""
    nodes, names = graph.nodes, node_names(graph)
    xy = np.array([n.pos for n in nodes])
    leaf = np.array([not n.inputs for n in nodes])
    size = 32 if len(nodes) <= 20 else 26
    ex, ey = [], []
    for i, node in enumerate(nodes):
        for j in node.inputs:
            ex += [xy[j, 0], xy[i, 0], None]
            ey += [xy[j, 1], xy[i, 1], None]
    lines = max(_wrap(f.narration).count("<br>") + 1 for f in frames)  # room for the narration on top:
    bottom, base = xy[:, 1].min() - 1.2, np.ptp(xy[:, 1]) + 2.0  # y span R with R·(its share of pixels) = base
    top = bottom + base / (1 - (17 * lines + 8) / max(height - 110, 200))
    arrows = [  # arrowheads show the direction of the forward pass
        dict(x=xy[i, 0], y=xy[i, 1], ax=xy[j, 0], ay=xy[j, 1], xref="x", yref="y", axref="x", ayref="y",
             showarrow=True, arrowhead=2, arrowsize=1, arrowwidth=1.2, arrowcolor=GREY, standoff=size / 2, text="")
        for i, node in enumerate(nodes) for j in node.inputs]
    fig = go.Figure([  # animated: 1 (highlighted edges) and 2 (node colours, values, gradients, labels, narration)
        go.Scatter(x=ex, y=ey, mode="lines", line=dict(color=GREY, width=1.2), hoverinfo="skip"),
        go.Scatter(x=[], y=[], mode="lines", line=dict(color=ORANGE, width=4), hoverinfo="skip"),
        go.Scatter(x=xy[:, 0], y=xy[:, 1], mode="markers+text", marker=dict(size=size, line=dict(width=1, color="white")),
                   textfont=dict(size=11), hovertext=[_hover(graph, i, names) for i in range(len(nodes))],
                   hoverinfo="text"),
        go.Scatter(x=xy[:, 0], y=xy[:, 1], mode="text", text=[f"<b>{n.label}</b>" for n in nodes], hoverinfo="skip",
                   textfont=dict(size=12 if len(nodes) <= 20 else 10, color="white")),
    ], layout=dict(annotations=arrows, height=height, showlegend=False, margin=dict(l=5, r=5, t=5, b=5),
                   dragmode=False, xaxis=dict(visible=False, range=[xy[:, 0].min() - 0.9, xy[:, 0].max() + 0.5]),
                   yaxis=dict(visible=False, range=[bottom, top])))
    anchor = {"x": list(xy[:, 0]) + [xy[:, 0].min() - 0.85], "y": list(xy[:, 1]) + [top],
              "position": np.where(leaf, "middle left", "bottom center").tolist() + ["bottom right"]}
    updates = [_frame_update(graph, f, xy, names, size, anchor) for f in frames]
    return animate(fig, updates, [f.title for f in frames], frame_ms=900, prefix="", start=start)


def _room_for_player(fig: go.Figure, drop: float = 0.15) -> go.Figure:
    """Move an animate() player below the x tick labels of a figure that shows them."""
    fig.layout.sliders[0].y -= drop
    fig.layout.updatemenus[0].y -= drop
    fig.update_layout(margin=dict(b=fig.layout.margin.b + int(drop * fig.layout.height)))
    return fig


def _hover(graph: Graph, i: int, names: list[str]) -> str:
    node = graph.nodes[i]
    if node.op == "param":
        return f"{names[i]}: a parameter (gradient descent moves it)"
    if node.op in ("input", "const"):
        return f"{names[i]}: {'an input' if node.op == 'input' else 'a constant'} (no update)"
    return f"{names[i]} = {_formula(graph, i, names, False)}"


def _frame_update(graph: Graph, f: Frame, xy: np.ndarray, names: list[str], size: int,
                  anchor: dict[str, list]) -> dict[int, dict]:
    colours, sizes, texts = [], [], []
    for i, node in enumerate(graph.nodes):
        known, reached = math.isfinite(f.values[i]), math.isfinite(f.grads[i])
        colours.append(VERMILION if reached else (BLUE if known else GREY))
        sizes.append(size + 8 if i == f.active else size)
        lines = [("" if node.op == "const" and not node.name else f"{names[i]} = {num(f.values[i])}") if known else names[i]]
        if reached:
            lines.append(f"<span style='color:{VERMILION}'>∂ {num(f.grads[i])}</span>")
        texts.append("<br>".join(lines))
    texts.append(_wrap(f.narration))
    ax, ay, lx, ly = [], [], list(anchor["x"]), list(anchor["y"])
    for j, i, label in f.edges:
        ax += [xy[j, 0], xy[i, 0], None]
        ay += [xy[j, 1], xy[i, 1], None]
        if label and abs(xy[i, 0] - xy[j, 0]) <= 1:  # longer edges cross other columns: the narration has them
            lx.append((xy[j, 0] + xy[i, 0]) / 2)
            ly.append((xy[j, 1] + xy[i, 1]) / 2 + 0.22)
            texts.append(f"<span style='color:{VERMILION}'>{label}</span>")
    extra = len(texts) - len(graph.nodes)  # the narration and the edge labels: text only (no marker)
    position = anchor["position"] + ["middle center"] * (len(texts) - len(anchor["position"]))
    fonts = [11] * len(graph.nodes) + [13] + [10] * (extra - 1)
    return {1: {"x": ax, "y": ay}, 2: {"x": lx, "y": ly, "text": texts, "textposition": position, "textfont": {"size": fonts},
                                       "marker": {"color": colours + [GREY] * extra, "size": sizes + [0] * extra}}}


def narration_of(fig_frame_texts: list[str], graph: Graph) -> str:
    """The narration inside a frame's text trace (it follows one text per node)."""
    return fig_frame_texts[len(graph.nodes)]


# ================================================================ activations and their derivatives
@dataclass(frozen=True)
class Activation:
    title: str
    f: Callable[[torch.Tensor], torch.Tensor]
    df: Callable[[torch.Tensor], torch.Tensor]  # the derivative, written out (tests check it with autograd)
    formula: str


LEAKY_SLOPE = 0.01  # leaky ReLU's slope for x < 0 (PReLU learns it instead)
_phi = lambda x: torch.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)  # noqa: E731  standard normal density
_Phi = lambda x: 0.5 * (1 + torch.erf(x / math.sqrt(2)))  # noqa: E731  its CDF
ACTIVATIONS = {
    "sigmoid": Activation("Sigmoid", torch.sigmoid, lambda x: torch.sigmoid(x) * (1 - torch.sigmoid(x)),
                          "σ(x) = 1/(1+e^−x), σ′ = σ(1−σ) ≤ 1/4"),
    "tanh": Activation("tanh", torch.tanh, lambda x: 1 - torch.tanh(x) ** 2, "tanh′ = 1 − tanh² ≤ 1"),
    "relu": Activation("ReLU", torch.relu, lambda x: (x > 0).to(x.dtype), "max(0, x), slope 0 or 1"),
    "leaky_relu": Activation("Leaky ReLU", lambda x: F.leaky_relu(x, LEAKY_SLOPE),
                             lambda x: torch.where(x > 0, torch.ones_like(x), torch.full_like(x, LEAKY_SLOPE)), "max(αx, x), α = 0.01"),
    "elu": Activation("ELU", F.elu, lambda x: torch.where(x > 0, torch.ones_like(x), torch.exp(x)),
                      "x if x > 0 else e^x − 1"),
    "gelu": Activation("GELU", F.gelu, lambda x: _Phi(x) + x * _phi(x), "x·Φ(x)"),
    "silu": Activation("SiLU (swish)", F.silu, lambda x: torch.sigmoid(x) * (1 + x * (1 - torch.sigmoid(x))),
                       "x·σ(x)"),
}


def colour(activation: str) -> str:
    """One Okabe-Ito colour per activation, the same in every chart."""
    return OKABE_ITO[list(ACTIVATIONS).index(activation) % 8]


def derivative_factors(depth: int = 50) -> dict[str, dict[str, np.ndarray]]:
    """Per activation, how its slopes scale a gradient through d = 1..depth layers (weights left out):
    'bound' = (max f′)^d, the most it can pass on; 'rms' = E[f′(z)²]^(d/2) for z ~ N(0, 1), the
    typical factor for unit-variance pre-activations (what an initialisation has to compensate)."""
    z = torch.linspace(-8, 8, 16001, dtype=torch.float64)
    weights = _phi(z) * (z[1] - z[0])  # quadrature for E over N(0, 1)
    d = np.arange(1, depth + 1)
    out = {}
    for name, act in ACTIVATIONS.items():
        slope = act.df(z)
        peak, rms = slope.abs().max().item(), math.sqrt((weights * slope ** 2).sum().item())
        out[name] = {"depth": d, "bound": peak ** d, "rms": rms ** d, "max_slope": np.array(peak),
                     "rms_slope": np.array(rms)}
    return out


@torch.no_grad()
def relu_firing(model: nn.Module, images: torch.Tensor) -> list[np.ndarray]:
    """For every ReLU of a trained `model.net` (e.g. mnist_mlp), the share of `images` on which each
    unit is positive. A unit at 0 on every image is dead: no gradient reaches its weights."""
    from models.mnist_cnn import MNIST_MEAN, MNIST_STD

    h, shares = (images - MNIST_MEAN) / MNIST_STD, []
    for layer in model.net:  # read-only walk through the shared model's layers (eval mode)
        h = layer(h)
        if isinstance(layer, nn.ReLU):
            shares.append((h > 0).double().mean(0).numpy())
    return shares


def activation_figure(names: list[str], highlight: str, x_range: float = 5.0, height: int = 380) -> go.Figure:
    """f (left) and f′ (right) for the activations in `names`; `highlight` drawn thick, the others thin;
    the dotted line on the right is sigmoid's ceiling of 1/4. (Two x axes set by hand: make_subplots
    costs more than the whole figure.)"""
    x = torch.linspace(-x_range, x_range, 241, dtype=torch.float64)
    traces = []
    for name in names:
        act, main = ACTIVATIONS[name], name == highlight
        style = dict(color=colour(name), width=4 if main else 1.5, dash=None if main else "dot")
        for axis, y in (("", act.f(x)), ("2", act.df(x))):
            traces.append(go.Scatter(x=x.numpy(), y=y.numpy(), name=act.title, legendgroup=name, showlegend=not axis,
                                     line=style, opacity=1 if main else 0.7, xaxis=f"x{axis}", yaxis=f"y{axis}"))
    traces.append(go.Scatter(x=[-x_range, x_range], y=[0.25, 0.25], mode="lines", xaxis="x2", yaxis="y2",
                             line=dict(color=GREY, dash="dot"), showlegend=False, hoverinfo="skip"))
    return go.Figure(traces, layout=dict(
        height=height, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=-0.15),
        xaxis=dict(domain=[0, 0.46]), xaxis2=dict(domain=[0.54, 1]),
        yaxis=dict(range=[-1.5, 3]), yaxis2=dict(range=[-0.15, 1.25], anchor="x2"),
        annotations=[dict(text="f(x)", x=0.23, y=1.06, xref="paper", yref="paper", showarrow=False),
                     dict(text="f′(x)", x=0.77, y=1.06, xref="paper", yref="paper", showarrow=False),
                     dict(text="1/4: sigmoid's largest slope", x=-x_range, y=0.25, xref="x2", yref="y2",
                          xanchor="left", yanchor="bottom", showarrow=False, font=dict(size=11))]))


def factors_figure(factors: dict[str, dict[str, np.ndarray]], names: list[str], depth: int,
                   height: int = 340) -> go.Figure:
    """(max f′)^d (solid) and the RMS factor (dotted) against depth, log scale, with the chosen depth marked."""
    fig = go.Figure()
    for name in names:
        f = factors[name]
        fig.add_trace(go.Scatter(x=f["depth"], y=f["bound"], name=f"{ACTIVATIONS[name].title}: (max f′)^d",
                                 line=dict(color=colour(name), width=3)))
        fig.add_trace(go.Scatter(x=f["depth"], y=f["rms"], name=f"{ACTIVATIONS[name].title}: RMS^d",
                                 line=dict(color=colour(name), width=2, dash="dot")))
    fig.add_vline(x=depth, line_dash="dash", line_color=GREY)
    fig.update_yaxes(type="log", title="factor on the gradient", exponentformat="power")
    fig.update_xaxes(title="layers the gradient passes through")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), legend=dict(font=dict(size=11)))
    return fig


# ================================================================ deep MLPs: initialisation and gradient flow
INITS = {"zeros": "Zeros", "normal": "Normal N(0, σ²)", "xavier": "Xavier/Glorot", "he": "He (Kaiming)"}
DEPTH_RANGE = (2, 50)
WIDTH = 64  # units per hidden layer
STATS_BATCH = 256  # fit digits the statistics are measured on
HIST_BINS = 41


def init_std(scheme: str, fan_in: int, fan_out: int, sigma: float = 1.0) -> float:
    """Standard deviation of a layer's weights: Xavier √(2/(n_in + n_out)) keeps the variance of
    activations and of gradients about constant for near-linear units (tanh, sigmoid around 0); He
    √(2/n_in) compensates ReLU zeroing half its inputs; "normal" is a fixed σ; zeros is 0."""
    return {"zeros": 0.0, "normal": sigma, "xavier": math.sqrt(2 / (fan_in + fan_out)),
            "he": math.sqrt(2 / fan_in)}[scheme]


@dataclass(frozen=True)
class FlowConfig:
    depth: int = 20  # hidden layers of WIDTH units (2–50)
    activation: str = "sigmoid"  # a key of ACTIVATIONS
    init: str = "xavier"  # a key of INITS
    sigma: float = 1.0  # the std of the "normal" init
    batch_norm: bool = False  # BatchNorm1d between each linear layer and its activation
    residual: bool = False  # h ← h + act(W h + b) for hidden layers 2..depth
    seed: int = 0


class DeepMlp(nn.Module):
    """784 → depth × WIDTH → 10; forward returns the logits, every hidden layer's output and every
    pre-activation. Layer k computes h_k = act(BN(W_k h_{k−1} + b_k)) (+ h_{k−1} with residuals)."""

    def __init__(self, c: FlowConfig):
        super().__init__()
        self.c = c
        dims = [784] + [WIDTH] * c.depth + [10]
        gen = torch.Generator().manual_seed(c.seed)
        self.weights = nn.ParameterList(
            nn.Parameter(torch.randn(b, a, generator=gen) * init_std(c.init, a, b, c.sigma)) for a, b in zip(dims[:-1], dims[1:]))
        self.biases = nn.ParameterList(nn.Parameter(torch.zeros(b)) for b in dims[1:])
        self.norms = nn.ModuleList(nn.BatchNorm1d(WIDTH) if c.batch_norm else nn.Identity() for _ in range(c.depth))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor], list[torch.Tensor]]:
        f, h, hidden, pre = ACTIVATIONS[self.c.activation].f, x, [], []  # x: (B, 784)
        for k, norm in enumerate(self.norms):
            pre.append(norm(F.linear(h, self.weights[k], self.biases[k])))  # (B, WIDTH): what the activation reads
            h = h + f(pre[-1]) if self.c.residual and k > 0 else f(pre[-1])
            hidden.append(h)
        return F.linear(h, self.weights[-1], self.biases[-1]), hidden, pre  # (B, 10), depth × (B, WIDTH) twice


PRESETS = {  # the classic stories, one click each
    "Sigmoid + 20 layers vanishes": FlowConfig(20, "sigmoid", "xavier"),
    "ReLU + N(0, 1) explodes": FlowConfig(20, "relu", "normal", sigma=1.0),
    "He init fixes it": FlowConfig(20, "relu", "he"),
    "Residuals fix depth": FlowConfig(20, "sigmoid", "xavier", residual=True),
}


def digits(n: int | None = STATS_BATCH, part: str = "fit", raw: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """Digits from the validation split: its 3,500 "fit" digits (n of them: a fixed random choice) or
    its 500 "validation" digits, flattened and normalised (raw: (N, 1, 28, 28) in [0, 1]). The 1,000
    held-out test digits are never used here."""
    from models.data import validation_split
    from models.mnist_cnn import MNIST_MEAN, MNIST_STD

    xf, yf, xv, yv = validation_split()
    x, y = (xf, yf) if part == "fit" else (xv, yv)
    if n is not None:
        order = torch.randperm(len(y), generator=torch.Generator().manual_seed(7))[:n]
        x, y = x[order], y[order]
    return (x, y) if raw else (((x - MNIST_MEAN) / MNIST_STD).flatten(1), y)


@dataclass(frozen=True)
class FlowStats:
    grad_norm: np.ndarray  # (depth + 1,) ‖∂L/∂W‖ of each hidden layer, then the output layer
    act_std: np.ndarray  # (depth,) std of each hidden layer's output
    act_mean: np.ndarray  # (depth,)
    hist: np.ndarray  # (depth, HIST_BINS) share of values per bin
    edges: np.ndarray  # (HIST_BINS + 1,) shared bin edges (the end bins also hold what lies beyond)
    saturated: np.ndarray  # (depth,) share of values on a flat part of the activation, |f′(z)| < 0.05
    stuck_units: np.ndarray  # (depth,) units with |f′| ≤ 0.01 on every input: dead (ReLU) or saturated
    distinct_units: np.ndarray  # (depth,) units with different incoming weights (1 = all identical)
    loss: float
    finite: bool  # False once anything overflowed to inf/nan


def flow_stats(model: DeepMlp, x: torch.Tensor, y: torch.Tensor, edges: np.ndarray | None = None) -> FlowStats:
    """Per-layer statistics of one forward and backward pass on (x, y): the Karpathy-style view of
    how activations and gradients spread through the depth of the net."""
    logits, hidden, pre = model(x)
    loss = F.cross_entropy(logits, y)
    grads = torch.autograd.grad(loss, list(model.weights))
    with torch.no_grad():
        acts = torch.stack(hidden).flatten(1).nan_to_num(0.0, 3e38, -3e38)  # (depth, B·WIDTH)
        finite = bool(torch.isfinite(loss)) and all(bool(torch.isfinite(g).all()) for g in grads)
        if edges is None:
            lo, hi = torch.quantile(acts[:, ::16].double(), torch.tensor([0.005, 0.995], dtype=torch.float64)).tolist()
            edges = np.linspace(lo, hi, HIST_BINS + 1) if hi - lo > 1e-6 else np.linspace(lo - 1e-3, hi + 1e-3, HIST_BINS + 1)
        lo, hi = float(edges[0]), float(edges[-1])
        span = hi - lo
        bins = ((acts.clamp(lo - span, hi + span) - lo) * (HIST_BINS / span)).floor().clamp(0, HIST_BINS - 1).long()  # end bins hold the rest
        rows = torch.arange(len(acts))[:, None] * HIST_BINS
        hist = torch.bincount((bins + rows).flatten(), minlength=len(acts) * HIST_BINS).view(len(acts), HIST_BINS)
        scale = acts.abs().amax(1, keepdim=True).clamp_min(1e-30)  # std without overflowing float32
        slope = ACTIVATIONS[model.c.activation].df(torch.stack(pre)).abs()  # (depth, B, WIDTH)
        probe = torch.randn(x.shape[1], generator=torch.Generator().manual_seed(0))  # a row's fingerprint:
        distinct = [len(torch.unique((w @ (probe[:w.shape[1]] if k == 0 else probe[:WIDTH])).round(decimals=5)))
                    for k, w in enumerate(list(model.weights)[:-1])]  # equal rows, equal prints
        std, mean = torch.std_mean(acts / scale, dim=1)
        return FlowStats(np.array([g.norm().item() for g in grads]), (std * scale[:, 0]).numpy(),
                         (mean * scale[:, 0]).numpy(), (hist / acts.shape[1]).numpy(), edges,
                         (slope < 0.05).float().mean((1, 2)).numpy(), (slope <= 0.01).all(1).sum(1).numpy(),
                         np.array(distinct), loss.item(), finite)


def gradient_flow(config: FlowConfig) -> FlowStats:
    """The statistics at initialisation, on STATS_BATCH fit digits (train mode: BN uses batch statistics)."""
    x, y = digits()
    return flow_stats(DeepMlp(config).train(), x, y)


def backward_cost(config: FlowConfig, batch: int = STATS_BATCH) -> tuple[int, int]:
    """(forward FLOPs, backward FLOPs) of the matrix products of one step on `batch` digits. Forward:
    2·B·n_in·n_out per layer. Backward: the same again for every weight gradient (∂L/∂W = δ hᵀ) and for
    every input gradient (∂L/∂h = Wᵀ δ) except the first layer's (nobody needs ∂L/∂pixels): about 2×.
    (The tests check these counts against PyTorch's FlopCounterMode.)"""
    dims = [784] + [WIDTH] * config.depth + [10]
    forward_flops = sum(2 * batch * a * b for a, b in zip(dims[:-1], dims[1:]))
    return forward_flops, 2 * forward_flops - 2 * batch * dims[0] * dims[1]


def train_flow(config: FlowConfig, steps: int = 150, lr: float = 0.05, batch_size: int = 64, n_frames: int = 30,
               on_progress: Callable[[float], None] | None = None) -> Recording:
    """Plain SGD (no momentum, so small gradients mean small steps) on the 3,500 fit digits; frames
    hold per-layer gradient norms and activation statistics on the fixed stats batch, plus the
    validation loss and accuracy on the 500 validation digits. Stops early if the loss overflows."""
    model = DeepMlp(config)
    params = list(model.parameters())
    xf, yf = digits(None)
    xs, ys = digits()
    xv, yv = digits(None, "validation")
    gen = torch.Generator().manual_seed(config.seed + 1)
    first = flow_stats(model.train(), xs, ys)

    def step(i: int) -> dict[str, float]:
        model.train()
        idx = torch.randint(0, len(yf), (batch_size,), generator=gen)
        loss = F.cross_entropy(model(xf[idx])[0], yf[idx])
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for p, g in zip(params, grads):  # plain SGD: p ← p − lr·∂L/∂p
                p -= lr * g
        return {"train_loss": loss.item()}

    def snapshot() -> dict[str, np.ndarray]:
        s = flow_stats(model.train(), xs, ys, first.edges)
        with torch.no_grad():
            logits = model.eval()(xv)[0]
        with torch.no_grad():
            units = model(xs[:16])[1][0].numpy()  # layer 1 on 16 digits: identical columns = identical units
        return {"grad_norm": s.grad_norm, "act_std": s.act_std, "hist": s.hist.astype(np.float32), "units": units,
                "stuck": s.stuck_units,
                "distinct": s.distinct_units, "val_loss": np.array(F.cross_entropy(logits, yv).item()),
                "val_acc": np.array((logits.argmax(1) == yv).double().mean().item())}

    return record(step, snapshot, steps, n_frames, on_progress,
                  stop_when=lambda i, m: not math.isfinite(m["train_loss"]),
                  meta={"edges": first.edges, "config": config, "lr": lr, "batch_size": batch_size})


# ================================================================ exploding gradients: a cliff and clipping
CLIFF_START = (3.0, 1.0)  # where descent starts, on the plateau above the cliff
CLIPS = {"none": "no clipping", "norm": "clip by norm", "value": "clip by value"}
CLIP_COLOURS = {"none": VERMILION, "norm": SKY, "value": ORANGE}


def cliff_loss(p: torch.Tensor) -> torch.Tensor:
    """A 2-parameter loss with a cliff: a bowl log(1 + w² + 2b²), flat far away, plus a 50-high step
    of width ~0.1 along w + b/2 = 1.5 (the kind of wall Pascanu et al. 2013 found in RNN losses).
    p: (..., 2) = (w, b) -> (...)."""
    w, b = p[..., 0], p[..., 1]
    return torch.log1p(w ** 2 + 2 * b ** 2) + 50 * torch.sigmoid(10 * (w + 0.5 * b - 1.5))


def clip_by_norm(g: torch.Tensor, threshold: float) -> torch.Tensor:
    """g · min(1, τ/‖g‖): same direction, length at most τ."""
    norm = g.norm()
    return g * (threshold / norm) if norm > threshold else g


def clip_by_value(g: torch.Tensor, threshold: float) -> torch.Tensor:
    """Each component clamped to [−τ, τ]: the length is at most τ√n, and the direction can turn."""
    return g.clamp(-threshold, threshold)


@dataclass(frozen=True)
class Descent:
    path: np.ndarray  # (steps + 1, 2) parameters after each step
    loss: np.ndarray  # (steps + 1,)
    grad_norm: np.ndarray  # (steps,) ‖∇L‖ before clipping
    step_norm: np.ndarray  # (steps,) ‖update‖ actually taken
    turn: np.ndarray  # (steps,) degrees between the gradient and the update (0 unless value clipping bites)


def descend(clip: str, lr: float = 0.2, threshold: float = 1.0, steps: int = 80,
            start: tuple[float, float] = CLIFF_START) -> Descent:
    """Gradient descent on cliff_loss with no clipping, norm clipping or value clipping (float64)."""
    p = torch.tensor(start, dtype=torch.float64)
    path, losses, norms, taken, turn = [p.numpy().copy()], [cliff_loss(p).item()], [], [], []
    for _ in range(steps):
        q = p.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(cliff_loss(q), q)
        u = {"none": lambda v: v, "norm": lambda v: clip_by_norm(v, threshold),
             "value": lambda v: clip_by_value(v, threshold)}[clip](g)
        norms.append(g.norm().item())
        taken.append(lr * u.norm().item())
        cos = (g @ u / (g.norm() * u.norm()).clamp_min(1e-300)).clamp(-1, 1).item()
        turn.append(math.degrees(math.acos(cos)))
        p = p - lr * u
        path.append(p.numpy().copy())
        losses.append(cliff_loss(p).item())
    return Descent(np.array(path), np.array(losses), np.array(norms), np.array(taken), np.array(turn))


def clip_norms_figure(runs: dict[str, Descent], threshold: float, height: int = 300) -> go.Figure:
    """‖∇L‖ before clipping at every step (log scale), with the threshold τ."""
    fig = go.Figure()
    for name, run in runs.items():
        fig.add_trace(go.Scatter(x=np.arange(1, len(run.grad_norm) + 1), y=run.grad_norm, name=CLIPS[name],
                                 line=dict(color=CLIP_COLOURS[name], width=3)))
    fig.add_hline(y=threshold, line_dash="dot", line_color=GREY, annotation_text="τ", annotation_position="top left")
    fig.update_yaxes(type="log", exponentformat="power", title="‖∇L‖")
    fig.update_xaxes(title="step")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), legend=dict(orientation="h", y=1.12))
    return fig


def cliff_figure(runs: dict[str, Descent], height: int = 460) -> go.Figure:
    """The loss surface (log scale) with each run's path, played step by step in the browser."""
    w = np.linspace(-6, 5, 121)
    b = np.linspace(-3.5, 3.5, 81)
    grid = torch.tensor(np.stack(np.meshgrid(w, b), -1))
    fig = go.Figure(go.Contour(x=w, y=b, z=np.log10(cliff_loss(grid).numpy()), colorscale="Viridis", ncontours=24,
                               colorbar=dict(title="log₁₀ L"), hoverinfo="skip", opacity=0.85))
    for name, run in runs.items():
        fig.add_trace(go.Scatter(x=run.path[:, 0], y=run.path[:, 1], mode="lines+markers", name=CLIPS[name],
                                 line=dict(color=CLIP_COLOURS[name], width=2), marker=dict(size=5)))
    edge = dict(color="black", width=1)
    fig.add_trace(go.Scatter(x=[CLIFF_START[0]], y=[CLIFF_START[1]], mode="markers", name="start",
                             marker=dict(symbol="x", size=12, color="white", line=edge)))
    fig.add_trace(go.Scatter(x=[0], y=[0], mode="markers", name="minimum",
                             marker=dict(symbol="star", size=14, color="white", line=edge)))
    for name, run in runs.items():  # a run thrown out of view: say where it landed
        far = np.flatnonzero((np.abs(run.path[:, 0] - 0.5) > 5.5) | (np.abs(run.path[:, 1]) > 3.5))
        if len(far):
            i = far[0]
            fig.add_annotation(x=float(np.clip(run.path[i, 0], w[0] + 0.3, w[-1] - 0.3)),
                               y=float(np.clip(run.path[i, 1], b[0] + 0.3, b[-1] - 0.3)),
                               text=f"{CLIPS[name]}: thrown to ({run.path[i, 0]:.1f}, {run.path[i, 1]:.1f}) at step {i}",
                               showarrow=False, xanchor="left", yanchor="bottom", font=dict(color="white", size=12),
                               bgcolor=VERMILION)
    fig.update_xaxes(range=[w[0], w[-1]])
    fig.update_yaxes(range=[b[0], b[-1]])
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), legend=dict(orientation="h", y=1.08))
    n = len(next(iter(runs.values())).path)
    frames = [{k + 1: {"x": run.path[:i + 1, 0], "y": run.path[:i + 1, 1]} for k, run in enumerate(runs.values())}
              for i in range(n)]
    return _room_for_player(animate(fig, frames, [str(i) for i in range(n)], frame_ms=150, prefix="step "))


# ================================================================ figures of the deep-MLP experiment
def flow_figure(stats: FlowStats, height: int = 380) -> go.Figure:
    """Left: ‖∂L/∂W‖ and activation std per layer (log scale). Right: each layer's activation
    histogram as a row of a heatmap (shared bins; the end bins also hold everything beyond)."""
    depth = len(stats.act_std)
    layers = list(range(1, depth + 1))
    fig = make_subplots(rows=1, cols=2, column_widths=[0.5, 0.5], horizontal_spacing=0.1,
                        subplot_titles=("per layer (log scale)", "activation histograms"))
    fig.add_trace(go.Scatter(x=layers + [depth + 1], y=stats.grad_norm, name="‖∂L/∂W‖", mode="lines+markers",
                             line=dict(color=VERMILION, width=3)), 1, 1)
    fig.add_trace(go.Scatter(x=layers, y=stats.act_std, name="activation std", mode="lines+markers",
                             line=dict(color=BLUE, width=3)), 1, 1)
    centres = (stats.edges[:-1] + stats.edges[1:]) / 2
    fig.add_trace(go.Heatmap(x=centres, y=layers, z=stats.hist, colorscale="Viridis", zmin=0, zmax=0.25,
                             colorbar=dict(title="share", x=1.0, len=0.9), name="histogram",
                             hovertemplate="layer %{y}, value %{x:.3g}: %{z:.1%}<extra></extra>"), 1, 2)
    fig.update_yaxes(type="log", exponentformat="power", row=1, col=1)
    fig.update_xaxes(title="layer (last = output)", row=1, col=1)
    fig.update_xaxes(title="activation value", row=1, col=2)
    fig.update_yaxes(title="layer", autorange="reversed", row=1, col=2)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=-0.25))
    return fig


def training_figure(rec: Recording, height: int = 400) -> go.Figure:
    """A client-side player over training: ‖∂L/∂W‖ per layer now vs at initialisation, each layer's
    activation histogram now, and the loss curves with the current step marked."""
    grad, steps = rec.frames["grad_norm"], rec.steps
    depth = grad.shape[1] - 1
    layers = list(range(1, depth + 2))
    edges = rec.meta["edges"]
    fig = make_subplots(rows=1, cols=3, column_widths=[0.34, 0.33, 0.33], horizontal_spacing=0.07,
                        subplot_titles=("‖∂L/∂W‖ by layer (x), log scale", "activation histograms: value (x), layer (y)",
                                        "loss by step"))
    fig.add_trace(go.Scatter(x=layers, y=grad[0], name="at initialisation", line=dict(color=GREY, dash="dot", width=2)), 1, 1)
    fig.add_trace(go.Scatter(x=layers, y=grad[-1], name="at this step", mode="lines+markers",
                             line=dict(color=VERMILION, width=3)), 1, 1)
    fig.add_trace(go.Heatmap(x=(edges[:-1] + edges[1:]) / 2, y=layers[:-1], z=rec.frames["hist"][-1], colorscale="Viridis",
                             zmin=0, zmax=0.25, showscale=False, hovertemplate="layer %{y}, value %{x:.3g}: %{z:.1%}<extra></extra>"), 1, 2)
    loss = rec.curves.get("train_loss", np.array([]))
    fig.add_trace(go.Scatter(x=np.arange(1, len(loss) + 1), y=loss, name="training loss (batch)",
                             line=dict(color=BLUE, width=1.5)), 1, 3)
    fig.add_trace(go.Scatter(x=steps, y=rec.frames["val_loss"], name="validation loss", mode="lines+markers",
                             line=dict(color=GREEN, width=2)), 1, 3)
    fig.add_trace(go.Scatter(x=[steps[-1]], y=[rec.frames["val_loss"][-1]], name="this step", mode="markers",
                             marker=dict(size=14, color=VERMILION), showlegend=False), 1, 3)
    fig.update_yaxes(type="log", exponentformat="power", row=1, col=1)
    fig.update_yaxes(autorange="reversed", row=1, col=2)  # (no x titles: the player sits below the axes)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=90, b=10), legend=dict(orientation="h", y=1.32))
    frames = [{1: {"y": grad[i]}, 2: {"z": rec.frames["hist"][i]},
               5: {"x": [steps[i]], "y": [rec.frames["val_loss"][i]]}} for i in range(len(steps))]
    return _room_for_player(animate(fig, frames, [str(s) for s in steps], prefix="step "))


# ================================================================ captions, computed from what the charts show
def flow_sentence(stats: FlowStats) -> str:
    """What the at-initialisation chart shows, in one or two sentences."""
    depth = len(stats.act_std)
    if not stats.finite:
        return ("At initialisation the activations or gradients already overflow to inf/NaN: the forward pass "
                f"multiplies the scale by the same factor {depth} times.")
    if stats.grad_norm[:-1].max() == 0:
        return (f"With zeros every unit of a layer computes the same value ({int(stats.distinct_units.max())} distinct "
                "unit per layer) and every hidden layer's weight gradient is exactly 0: only the output layer can start "
                "learning, and the units of a layer can never become different.")
    ratio = stats.grad_norm[0] / stats.grad_norm[-2]
    top = stats.grad_norm.max()
    verdict = (f"it grows on the way back, up to {top:.1e}: exploding" if ratio > 1e2
               else f"within a factor of {max(ratio, 1 / ratio):.1f}, but every layer's gradient is huge, up to {top:.1e}: "
                    "exploding" if top > 1e3
               else "it vanishes on the way back" if ratio < 1e-2
               else f"within a factor of {max(ratio, 1 / ratio):.1f}, but every layer's gradient is tiny, at most "
                    f"{top:.1e}: vanishing" if top < 1e-5
               else f"within a factor of {max(ratio, 1 / ratio):.1f}: the gradient reaches the first layer")
    return (f"Layer 1's weight gradient is {ratio:.1e}× layer {depth}'s ({verdict}). Activation std goes from "
            f"{stats.act_std[0]:.2g} in layer 1 to {stats.act_std[-1]:.2g} in layer {depth}; "
            f"the activation's slope is below 0.05 for {stats.saturated[-1]:.0%} of layer {depth}'s units on these digits.")


def training_sentence(rec: Recording) -> str:
    """What the training player shows at its last frame."""
    n, loss = int(rec.steps[-1]), rec.curves.get("train_loss", np.array([]))
    if not len(loss):
        return "Stopped before the first step: the charts show the network at initialisation."
    if not math.isfinite(loss[-1]):
        return (f"The loss overflowed at step {n} ({rec.seconds:.1f} s): the gradients exploded, the weights became "
                "inf/NaN, and training stopped.")
    grad = rec.frames["grad_norm"][-1]
    flow = (f"layer 1's gradient is {grad[0] / grad[-2]:.1e}× the last hidden layer's" if grad[0] and grad[-2]
            else "layer 1's gradient is still exactly 0" if not grad[0] else "the last hidden layer's gradient is 0")
    units = WIDTH * (len(grad) - 1)
    return (f"After {n} steps{' (stopped early)' if rec.stopped else ''}, {rec.seconds:.1f} s: validation loss "
            f"{float(rec.frames['val_loss'][-1]):.3f} (guessing gives ln 10 = 2.303), accuracy "
            f"{float(rec.frames['val_acc'][-1]):.0%} on the 500 validation digits; {flow}; "
            f"{int(rec.frames['stuck'][-1].sum())} of {units} units are stuck "
            f"(slope ≤ 0.01 on all {STATS_BATCH} digits: dead or saturated).")


def cliff_sentence(runs: dict[str, Descent], lr: float, threshold: float) -> str:
    none, norm, value = runs["none"], runs["norm"], runs["value"]
    at = int(np.argmax(none.step_norm))
    return (f"Without clipping the gradient at step {at + 1} ({none.grad_norm[at]:.3g}) times η = {lr:g} moved the "
            f"parameters {none.step_norm[at]:.2g} in one step. After {len(none.grad_norm)} steps the loss is "
            f"{none.loss[-1]:.3g} unclipped, {norm.loss[-1]:.2g} clipped by norm and {value.loss[-1]:.2g} clipped by "
            f"value (τ = {threshold:g}); at the bowl's centre (0, 0) it is {cliff_loss(torch.zeros(2)).item():.2g}.")
