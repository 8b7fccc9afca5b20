"""Backpropagation, step by step: reverse-mode differentiation on a scalar computational graph
(Rumelhart, Hinton & Williams 1986; the micrograd idea), checked against PyTorch autograd and central
differences. Activations, initialisation and gradient flow through deep networks are in
`demos.gradient_flow`.

Sections: the graph engine (forward, backward, one gradient step) · safe expressions (a whitelist
over Python's AST: nothing is ever evaluated by Python) · the step-by-step walkthrough and its
figure.
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

from demos.plots import OKABE_ITO
from demos.replay import animate

BLUE, ORANGE, VERMILION = (OKABE_ITO[i] for i in (0, 1, 3))
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
