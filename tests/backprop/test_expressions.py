"""User-typed expressions: gradients against PyTorch autograd on the same functions written here with
torch ops and against central differences; a corpus of hostile expressions and value lists, each
refused with a clear message and never evaluated."""
import ast
import inspect

import pytest
import torch

from demos.backprop import activations, clipping, engine, expressions, flow, network, training, walkthrough

pytestmark = pytest.mark.filterwarnings("ignore")


GOOD = [  # expression, values, the same function written independently with torch ops
    ("tanh(a*b + c) * a", {"a": 2.0, "b": -0.5, "c": 0.3}, lambda a, b, c: torch.tanh(a * b + c) * a),
    ("exp(-a**2) / (1 + b*b)", {"a": 0.7, "b": 1.3}, lambda a, b: torch.exp(-a ** 2) / (1 + b * b)),
    ("log(a) * sqrt(b) - sin(a*b)", {"a": 1.5, "b": 2.2}, lambda a, b: torch.log(a) * torch.sqrt(b) - torch.sin(a * b)),
    ("a ** b + cos(b) / a", {"a": 1.7, "b": 0.6}, lambda a, b: a ** b + torch.cos(b) / a),
    ("relu(a - b) + abs(b) * sigmoid(-a)", {"a": 0.9, "b": -0.4},
     lambda a, b: torch.relu(a - b) + torch.abs(b) * torch.sigmoid(-a)),
    ("(x1*w1 + x2*w2 + b - y)**2 / 2", {"x1": 1.0, "x2": -2.0, "w1": 0.3, "w2": 0.8, "b": 0.1, "y": 0.5},
     lambda x1, x2, w1, w2, b, y: (x1 * w1 + x2 * w2 + b - y) ** 2 / 2),
    ("+a - -b", {"a": 1.0, "b": 2.0}, lambda a, b: a + b),
]


@pytest.mark.parametrize("expression, values, reference", GOOD, ids=[g[0] for g in GOOD])
def test_expression_gradients_equal_autograd_and_central_differences(expression, values, reference):
    g = expressions.expression_graph(expression, values)
    c = engine.check_gradients(g)
    leaves = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in values.items()}
    out = reference(*leaves.values())
    assert g.nodes[-1].value == pytest.approx(out.item(), rel=1e-12)
    expected = dict(zip(leaves, torch.autograd.grad(out, list(leaves.values()))))
    for name, ours, fd in zip(c.names, c.backprop, c.finite_diff):
        assert ours == pytest.approx(expected[name].item(), rel=1e-10, abs=1e-12)
        assert ours == pytest.approx(fd, rel=1e-4, abs=1e-8)
    assert c.rel_autograd.max() < 1e-10  # the page's own autograd route agrees too


# ---------------------------------------------------------------- hostile input, never evaluated
BAD_EXPRESSIONS = [  # expression, values, a word the message must contain
    ("", {}, "type an expression"),
    ("   ", {}, "type an expression"),
    ("__import__('os').system('echo pwned')", {}, "not an allowed function"),
    ("a.__class__", {"a": 1}, "attribute"),
    ("a[0]", {"a": 1}, "indexing"),
    ("lambda: a", {"a": 1}, "lambda"),
    ("a if a else a", {"a": 1}, "if"),
    ("a and a", {"a": 1}, "and"),
    ("a < 2", {"a": 1}, "comparison"),
    ("(a := 2)", {}, ":="),
    ("a ^ 2", {"a": 1}, "**"),
    ("a // 2", {"a": 1}, "//"),
    ("a % 2", {"a": 1}, "%"),
    ("a @ a", {"a": 1}, "@"),
    ("not a", {"a": 1}, "not"),
    ("~a", {"a": 1}, "~"),
    ("'text'", {}, "real numbers"),
    ("True * a", {"a": 1}, "real numbers"),
    ("2j * a", {"a": 1}, "real numbers"),
    ("[a, a]", {"a": 1}, "list"),
    ("f'{a}'", {"a": 1}, "f-string"),
    ("a; a", {"a": 1}, "not a valid expression"),
    ("import os", {}, "not a valid expression"),
    ("a +", {"a": 1}, "not a valid expression"),
    ("a\x00", {"a": 1}, "not a valid expression"),
    ("exp(a, a)", {"a": 1}, "exactly one argument"),
    ("exp()", {}, "exactly one argument"),
    ("exp(x=a)", {"a": 1}, "exactly one argument"),
    ("exp(*a)", {"a": 1}, "exactly one argument"),
    ("exp", {}, "is a function"),
    ("foo(a)", {"a": 1}, "not an allowed function"),
    ("(a)(a)", {"a": 1}, "not an allowed function"),
    ("q * 2", {"a": 1}, "has no value"),
    ("α * 2", {}, "not a variable name"),
    ("a" * 20, {}, "not a variable name"),
    ("2 + 3", {}, "no variables"),
    ("1e999 * a", {"a": 1}, "outside"),
    ("9" * 190 + " * a", {"a": 1}, "outside"),
    ("(" * 150 + "a" + ")" * 150, {"a": 1}, "characters"),
    ("+".join(["a"] * 45), {"a": 1}, "nodes"),
    ("log(a)", {"a": -1.0}, "positive"),
    ("sqrt(a)", {"a": 0.0}, "infinite"),
    ("1 / (a - a)", {"a": 3.0}, "division by zero"),
    ("exp(1000 * a)", {"a": 1.0}, "overflow"),
    ("a ** 0.5", {"a": -1.0}, "not real"),
    ("(0 - 2) ** a", {"a": 1.0}, "positive base"),
    ("a ** -1", {"a": 0.0}, "infinite"),
]


@pytest.mark.parametrize("expression, values, word", BAD_EXPRESSIONS, ids=[repr(b[0])[:40] for b in BAD_EXPRESSIONS])
def test_every_bad_expression_gets_a_clear_message(expression, values, word, monkeypatch):
    import builtins

    def refuse(*_args, **_kwargs):
        raise AssertionError("user text reached eval/exec")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    with pytest.raises(engine.GraphError) as err:
        expressions.expression_graph(expression, values)
    assert word in str(err.value), str(err.value)


BAD_VALUES = [("a", "name = number"), ("a =", "not a plain number"), ("= 2", "not a variable name"),
              ("a = 2, a = 3", "twice"), ("a = nan", "not a plain number"), ("a = inf", "not a plain number"),
              ("a = 1e999", "outside"), ("a = 2e7", "outside"), ("exp = 1", "not a variable name"),
              ("1a = 2", "not a variable name"), ("a = 0x10", "not a plain number"), ("a = 1_000", "not a plain number"),
              ("a = __import__('os')", "not a plain number"), ("a = (1)", "not a plain number")]


@pytest.mark.parametrize("text, word", BAD_VALUES, ids=[b[0] for b in BAD_VALUES])
def test_every_bad_value_list_gets_a_clear_message(text, word):
    with pytest.raises(engine.GraphError) as err:
        expressions.parse_values(text)
    assert word in str(err.value), str(err.value)


def test_good_value_lists_parse():
    assert expressions.parse_values("a = 2, b=-3.5; c=1e-2\n d = .5 ,") == {"a": 2.0, "b": -3.5, "c": 0.01, "d": 0.5}


def test_the_package_never_calls_eval_exec_or_compile():
    for module in (activations, clipping, engine, expressions, flow, network, training, walkthrough):
        calls = {n.func.id for n in ast.walk(ast.parse(inspect.getsource(module)))
                 if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        assert not calls & {"eval", "exec", "compile", "__import__", "getattr"}, module.__name__


def test_typed_text_in_a_message_is_cut_and_escaped():
    # A bad name of 40 characters is repeated in the message cut to QUOTED = 30 characters; a
    # right-to-left override (U+202E) and a backtick cannot reach the page's Markdown as themselves:
    # the override is written \u202e (whose backslash is then escaped), the backtick backslashed.
    with pytest.raises(engine.GraphError) as err:
        expressions.parse_values("b" * 40 + " = 1")
    assert "“" + "b" * expressions.QUOTED + "…”" in str(err.value)  # cut, then "…"
    with pytest.raises(engine.GraphError) as err:
        expressions.parse_values("a = 1\u202e`x`")
    assert "1\\\\u202e\\`x\\`" in str(err.value) and "\u202e" not in str(err.value)
