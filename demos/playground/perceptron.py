"""The perceptron (Rosenblatt 1958), stepped one example at a time: on a mistake,
    w ← w + η·y·x,  b ← b + η·y      (labels y = ±1)
which converges on linearly separable data within (R/γ)² mistakes (Novikoff 1962) and never on XOR
(no line separates it: Minsky & Papert 1969). The playground page's perceptron mode: the rule, its
player, its captions.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from demos.playground.figures import BLUE, CLASS_SCALE, ORANGE, now_marker

if TYPE_CHECKING:
    import plotly.graph_objects as go

PERCEPTRON_SETS = {"blobs": "Separable blobs", "and": "AND", "or": "OR", "xor": "XOR"}
LOGIC = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
LOGIC_LABELS = {"and": [-1, -1, -1, 1], "or": [-1, 1, 1, 1], "xor": [-1, 1, 1, -1]}  # ±1 for the 4 inputs


def perceptron_data(name: str, seed: int, n: int = 24) -> tuple[np.ndarray, np.ndarray, float | None]:
    """Points (n, 2), labels ±1, and the margin γ of a known separating line (None for XOR).
    Blobs are drawn at least 0.3 away from the line x₂ = 0.5·x₁ + 0.2, so they are separable."""
    if name in LOGIC_LABELS:
        y = np.array(LOGIC_LABELS[name], dtype=float)
        if name == "xor":
            return LOGIC.copy(), y, None
        w, b = np.array([1.0, 1.0]), -1.5 if name == "and" else -0.5  # a separating line
        return LOGIC.copy(), y, float(np.min(y * (LOGIC @ w + b)) / np.linalg.norm(np.r_[w, b]))
    rng = np.random.default_rng(seed)
    w, b = np.array([-0.5, 1.0]), -0.2
    x = np.empty((0, 2))
    while len(x) < n:
        p = rng.uniform(-2, 2, (4 * n, 2))
        d = (p @ w + b) / np.linalg.norm(np.r_[w, b])  # signed distance in the augmented space (x, 1)
        x = np.r_[x, p[np.abs(d) >= 0.3]]
    x = x[:n]
    y = np.sign(x @ w + b)
    margin = float(np.min(y * (x @ w + b)) / np.linalg.norm(np.r_[w, b]))
    return x, y, margin


@dataclass(frozen=True)
class PerceptronRun:
    w: np.ndarray  # (S + 1, 2) weights before step 1 and after every step
    b: np.ndarray  # (S + 1,) bias, likewise
    visited: np.ndarray  # (S,) the example looked at in each step
    score: np.ndarray  # (S,) w·x + b for that example, before the update
    mistake: np.ndarray  # (S,) whether y·(w·x + b) ≤ 0, i.e. an update happened
    mistakes_per_epoch: list[int]
    converged_epoch: int | None  # the first epoch with no mistake
    cycle: tuple[int, int] | None  # (epoch a, epoch b): the weights at the start of b equal those of a

    @property
    def updates(self) -> int:
        return int(self.mistake.sum())


def perceptron(x: np.ndarray, y: np.ndarray, eta: float = 1.0, max_epochs: int = 50) -> PerceptronRun:
    """The perceptron learning rule, one example at a time in a fixed order, from w = 0, b = 0:
    if y·(w·x + b) ≤ 0 then w ← w + η·y·x and b ← b + η·y. Stops after an epoch without a mistake
    (converged) or when the weights at the start of an epoch repeat an earlier epoch's (a cycle:
    the rule would loop forever)."""
    w, b = np.zeros(2), 0.0
    ws, bs, visited, scores, mistakes, per_epoch, seen = [w.copy()], [b], [], [], [], [], {}
    converged, cycle = None, None
    for epoch in range(1, max_epochs + 1):
        state = (round(w[0], 9), round(w[1], 9), round(b, 9))
        if state in seen:
            cycle = (seen[state], epoch)
            break
        seen[state] = epoch
        count = 0
        for i in range(len(y)):
            s = float(w @ x[i] + b)
            wrong = y[i] * s <= 0
            if wrong:
                w, b = w + eta * y[i] * x[i], b + eta * y[i]
                count += 1
            visited.append(i)
            scores.append(s)
            mistakes.append(wrong)
            ws.append(w.copy())
            bs.append(b)
        per_epoch.append(count)
        if count == 0:
            converged = epoch
            break
    return PerceptronRun(np.array(ws), np.array(bs), np.array(visited, dtype=int), np.array(scores),
                         np.array(mistakes, dtype=bool), per_epoch, converged, cycle)


def novikoff_bound(x: np.ndarray, margin: float) -> float:
    """Novikoff (1962): on data separable with margin γ (in the augmented space (x, 1)) the rule
    makes at most (R/γ)² updates, R = max ‖(x, 1)‖, whatever η and the order."""
    return float(np.max(np.sum(x * x, 1) + 1) / margin ** 2)


def perceptron_figure(run: PerceptronRun, x: np.ndarray, y: np.ndarray, start: int = 0, height: int = 420) -> "go.Figure":
    """Every step of the perceptron rule as a player: the points, the line w·x + b = 0 with its
    two half-planes, the example being looked at (red ring: a mistake, so an update), and the
    mistakes per epoch."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from demos.replay import animate

    lo, hi = x.min(0) - 0.6, x.max(0) + 0.6
    gx, gy = np.linspace(lo[0], hi[0], 30), np.linspace(lo[1], hi[1], 30)
    xx, yy = np.meshgrid(gx, gy)
    fig = make_subplots(1, 2, column_widths=[0.62, 0.38], horizontal_spacing=0.1,
                        subplot_titles=["w·x + b = 0 and the example looked at", "Mistakes (updates) per epoch"])
    side = lambda s: np.sign(run.w[s][0] * xx + run.w[s][1] * yy + run.b[s]).astype(np.int8)  # noqa: E731
    fig.add_trace(go.Heatmap(x=gx, y=gy, z=side(start), colorscale=CLASS_SCALE, zmin=-2.5, zmax=2.5, showscale=False,
                             hoverinfo="skip"), 1, 1)
    colours = np.where(y > 0, BLUE, ORANGE)
    fig.add_trace(go.Scatter(x=x[:, 0], y=x[:, 1], mode="markers", marker=dict(color=colours, size=13, line=dict(color="white", width=1)),
                             name="examples", hovertemplate="(%{x:.2f}, %{y:.2f})<extra></extra>"), 1, 1)

    def line(s: int) -> dict:
        (w1, w2), b = run.w[s], run.b[s]
        if abs(w1) < 1e-12 and abs(w2) < 1e-12:
            return {"x": [None], "y": [None]}
        if abs(w2) >= abs(w1):
            return {"x": [lo[0], hi[0]], "y": [-(w1 * lo[0] + b) / w2, -(w1 * hi[0] + b) / w2]}
        return {"x": [-(w2 * lo[1] + b) / w1, -(w2 * hi[1] + b) / w1], "y": [lo[1], hi[1]]}

    def ring(s: int) -> dict:
        if s == 0:
            return {"x": [None], "y": [None]}
        i = run.visited[s - 1]
        return {"x": [x[i, 0]], "y": [x[i, 1]], "marker": dict(size=26, symbol="circle-open", line=dict(width=4),
                                                              color="#D55E00" if run.mistake[s - 1] else "#009E73")}

    fig.add_trace(go.Scatter(mode="lines", line=dict(color="black", width=3), name="w·x + b = 0", **line(start)), 1, 1)
    fig.add_trace(go.Scatter(mode="markers", name="looked at", showlegend=False, **ring(start)), 1, 1)
    epochs = np.arange(1, len(run.mistakes_per_epoch) + 1)
    fig.add_trace(go.Bar(x=epochs, y=run.mistakes_per_epoch, marker_color="#999999", showlegend=False,
                         hovertemplate="epoch %{x}: %{y} mistakes<extra></extra>"), 1, 2)
    top = max(run.mistakes_per_epoch + [1]) + 0.5
    epoch_of = lambda s: 0.5 if s == 0 else (s - 1) // len(y) + 1  # noqa: E731
    fig.add_trace(go.Scatter(**now_marker(top, epoch_of(start))), 1, 2)
    fig.update_xaxes(range=[lo[0], hi[0]], title="x₁", constrain="domain", row=1, col=1)
    fig.update_yaxes(range=[lo[1], hi[1]], title="x₂", scaleanchor="x", row=1, col=1)
    fig.update_xaxes(title="epoch", dtick=1, row=1, col=2)
    fig.update_yaxes(range=[0, top], row=1, col=2)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10), showlegend=False)
    steps = range(len(run.b))
    frames = [{0: {"z": side(s)}, 2: line(s), 3: ring(s), 5: {"x": [epoch_of(s)] * 2}} for s in steps]
    return animate(fig, frames, [f"step {s}" for s in steps], frame_ms=350, prefix="", start=start)


def perceptron_caption(run: PerceptronRun, x: np.ndarray, margin: float | None) -> str:
    """The player's caption: converged (with Novikoff's bound), cycling, or neither yet."""
    if run.converged_epoch:
        text = (f"Converged: epoch {run.converged_epoch} made no mistake, after {run.updates} updates in all; "
                "every example is now on its own side of the line.")
        if margin:
            text += (f" Novikoff's bound for this data is {novikoff_bound(x, margin):.0f} updates "
                     f"(margin γ = {margin:.2f} of a known separating line).")
        return text
    if run.cycle:
        a, b = run.cycle
        return (f"Never converges: epoch {b - 1} still made {run.mistakes_per_epoch[-1]} mistakes, and the weights at "
                f"the start of epoch {b} equal those at the start of epoch {a}, so "
                + (f"epoch {a}'s updates repeat forever" if b - a == 1 else f"the same {b - a} epochs repeat forever")
                + ". No line separates these classes.")
    return (f"Not converged after {len(run.mistakes_per_epoch)} epochs ({run.mistakes_per_epoch[-1]} mistakes in the "
            "last one).")


def step_text(run: PerceptronRun, x: np.ndarray, y: np.ndarray, step: int, eta: float) -> str:
    """What step `step` (1-based) did, with its arithmetic."""
    if step == 0:
        return "Before any step: w = (0, 0), b = 0, so every example scores 0 and counts as a mistake."
    i = int(run.visited[step - 1])
    w0, b0, w1, b1 = run.w[step - 1], run.b[step - 1], run.w[step], run.b[step]
    epoch = (step - 1) // len(y) + 1
    head = (f"Step {step} (epoch {epoch}): example {i + 1} at ({_num(x[i, 0])}, {_num(x[i, 1])}), label {int(y[i]):+d}; "
            f"w·x + b = {_num(run.score[step - 1])}")
    if not run.mistake[step - 1]:
        return head + ", same sign as the label: correct, no update."
    return (head + f", so y·(w·x + b) ≤ 0: a mistake. w ← ({_num(w0[0])}, {_num(w0[1])}) + {_num(eta)}·({int(y[i]):+d})·x = "
            f"({_num(w1[0])}, {_num(w1[1])}); b ← {_num(b0)} {'+' if y[i] > 0 else '−'} {_num(eta)} = {_num(b1)}.")


def _num(v: float) -> str:
    """3 significant digits, a real minus; float dust (|v| < 5e-10) and −0 as "0" (not demos.text.num: it
    writes 1e-17 as "1.00e−17")."""
    return f"{v:.3g}".replace("-", "−") if abs(v) >= 5e-10 else "0"
