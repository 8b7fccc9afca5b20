"""User-typed expressions, safely: a scalar expression read from Python's AST through a whitelist
(nothing the visitor types is ever evaluated by Python) into a computational graph, with the same
function in torch ops as the reference, and a layout for drawing it.
"""
from __future__ import annotations

import ast
import math
import re

import torch

from demos.backprop.engine import SYMBOLS, Graph, GraphError, Node, backward, forward
from demos.text import literal, quote

FUNCTIONS = ("exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "sin", "cos")
MAX_EXPRESSION_CHARS = 200
MAX_NODES = 40  # beyond this the graph is unreadable
QUOTED = 30  # characters of a typed string repeated in a message
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,11}\Z")
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\Z", re.ASCII)  # ASCII digits: not ١٠, ７, 𝟓
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
            raise GraphError(f"“{quote(item, QUOTED)}” is not of the form name = number")
        if not NAME.match(name) or name in FUNCTIONS:
            raise GraphError(f"“{quote(name, QUOTED)}” is not a variable name (a letter, then letters, digits or _; not a function name)")
        if not NUMBER.match(number):
            raise GraphError(f"“{quote(number, QUOTED)}” (the value of {literal(name)}) is not a plain number such as -1.5 or 2e-3")
        if name in values:
            raise GraphError(f"{literal(name)} is given twice")
        v = float(number)
        if not math.isfinite(v) or abs(v) > 1e6:
            raise GraphError(f"{literal(name)} = {quote(number, QUOTED)} is outside ±1,000,000")
        values[name] = v
    return values


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
        raise GraphError(f"not a valid expression ({quote(err.msg, 80)}, at character {err.offset or '?'}); allowed: {ALLOWED}") from None
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
                raise GraphError(f"“{quote(shown, QUOTED)}(…)” is not an allowed function; use one of {', '.join(FUNCTIONS)}")
            if len(e.args) != 1 or e.keywords or isinstance(e.args[0], ast.Starred):
                raise GraphError(f"{fn}() takes exactly one argument, e.g. {fn}(a)")
            return new(Node(fn, fn, (build(e.args[0]),)))
        if isinstance(e, ast.Name):
            if e.id in FUNCTIONS:
                raise GraphError(f"`{e.id}` is a function: write {e.id}(…)")
            if not NAME.match(e.id):
                raise GraphError(f"“{quote(e.id, QUOTED)}” is not a variable name (letters, digits and _, starting with a letter)")
            if e.id not in values:
                raise GraphError(f"`{e.id}` has no value: add “{e.id} = …” to the values")
            if e.id not in leaves:
                leaves[e.id] = new(Node(e.id, "param", value=values[e.id], name=e.id))
            return leaves[e.id]
        if isinstance(e, ast.Constant):
            if isinstance(e.value, bool) or not isinstance(e.value, (int, float)):
                raise GraphError(f"only real numbers are allowed, not {quote(repr(e.value), QUOTED)}")
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
    layout(graph)
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


def layout(graph: Graph) -> None:
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
