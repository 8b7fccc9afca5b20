"""Knowledge distillation (Hinton, Vinyals & Dean 2015): a small MLP student learns from the digit CNN's
softened outputs. Maths (softmax at T, the KD loss), the live/recorded student trainings, their figures
and captions. Teacher logits come from the committed results (`models/results/compression_teacher.npz`)."""
from __future__ import annotations

from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch
from torch import nn

from demos.plots import OKABE_ITO
from models.mnist_mlp import MnistMlp, MnistMlpConfig

T_RANGE = (1.0, 20.0)  # softmax temperature
T_DEFAULT, ALPHA_DEFAULT = 4.0, 0.9  # the committed student's recipe (T chosen on validation)
STUDENT = MnistMlpConfig(hidden=32, depth=1, dropout=0.0)  # 784 -> 32 -> 10: 25,450 numbers
EPOCHS, BATCH, LR = 12, 128, 3e-3
HARD, KD = "hard labels", "distilled"
COLOURS = {HARD: OKABE_ITO[1], KD: OKABE_ITO[0]}


# -- maths ------------------------------------------------------------------------------------------
def softmax_t(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """p_i = exp(z_i / T) / Σ_j exp(z_j / T) over the last axis."""
    return torch.softmax(logits / temperature, dim=-1)


def kd_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor, labels: torch.Tensor,
            temperature: float, alpha: float) -> torch.Tensor:
    """α·T²·KL(p_T(teacher) ‖ p_T(student)) + (1 − α)·CE(student, labels), both averaged over the batch.
    The T² keeps the soft term's gradients the same size as T changes (they shrink as 1/T²)."""
    log_p_student = torch.log_softmax(student_logits / temperature, dim=-1)
    p_teacher = softmax_t(teacher_logits, temperature)
    kl = (p_teacher * (torch.log(p_teacher.clamp_min(1e-12)) - log_p_student)).sum(-1).mean()
    return alpha * temperature ** 2 * kl + (1 - alpha) * nn.functional.cross_entropy(student_logits, labels)


# -- training ---------------------------------------------------------------------------------------
def train_student(images: torch.Tensor, labels: torch.Tensor, teacher_logits: torch.Tensor,
                  temperature: float, alpha: float, seed: int, val: tuple[torch.Tensor, torch.Tensor],
                  epochs: int = EPOCHS, report: Callable[[int, float], None] | None = None) -> tuple[MnistMlp, list[float]]:
    """A fresh MLP student (seeded) trained with Adam on `kd_loss` (α = 0: hard labels only).
    images: (N, 1, 28, 28) in [0, 1]; teacher_logits: (N, 10). Returns the student and its validation
    accuracy after every epoch; `report(epoch, val_accuracy)` is called as they come."""
    torch.manual_seed(seed)
    student = MnistMlp(STUDENT)
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(student.parameters(), lr=LR)
    curve = []
    for epoch in range(1, epochs + 1):
        student.train()
        order = torch.randperm(len(images), generator=gen)
        for start in range(0, len(images), BATCH):
            idx = order[start:start + BATCH]
            loss = kd_loss(student(images[idx]), teacher_logits[idx], labels[idx], temperature, alpha)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        curve.append(accuracy(student, *val))
        if report is not None:
            report(epoch, curve[-1])
    return student.eval(), curve


@torch.no_grad()
def accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> float:
    model.eval()
    return float((model(images).argmax(1) == labels).float().mean())


def race(data: dict, temperature: float, alpha: float, seed: int, omit: int | None = None,
         on_progress: Callable | None = None) -> dict:
    """The same student trained twice from the same seed: hard labels, and distilled at (T, α). With
    `omit` a digit, that digit is removed from the training digits (the teacher still knows it).
    `data`: fit/val/test images, labels and the teacher's fit logits (`teacher_data`). Returns the two
    validation curves and held-out accuracy overall and on the omitted digit."""
    keep = torch.ones(len(data["fit_y"]), dtype=torch.bool) if omit is None else data["fit_y"] != omit
    out: dict = {"T": temperature, "alpha": alpha, "seed": seed, "omit": omit, "epochs": EPOCHS,
                 "curves": {HARD: [], KD: []}, "test": {}, "test_omitted": {}}
    for j, (name, a) in enumerate(((HARD, 0.0), (KD, alpha))):
        def report(epoch, acc, name=name, j=j):
            out["curves"][name].append(acc)
            if on_progress is not None:
                on_progress((j * EPOCHS + epoch) / (2 * EPOCHS),
                            out | {"curves": {k: list(v) for k, v in out["curves"].items()}, "test": dict(out["test"])})
        model, _ = train_student(data["fit_x"][keep], data["fit_y"][keep], data["fit_logits"][keep], temperature,
                                 a, seed, (data["val_x"], data["val_y"]), report=report)
        out["test"][name] = accuracy(model, data["test_x"], data["test_y"])
        if omit is not None:
            sel = data["test_y"] == omit
            out["test_omitted"][name] = accuracy(model, data["test_x"][sel], data["test_y"][sel])
            shift = bias_fix(model, data["val_x"], data["val_y"], omit)
            with torch.no_grad():
                logits = model(data["test_x"])
                logits[:, omit] += shift
            hits = logits.argmax(1) == data["test_y"]
            out.setdefault("bias_fix", {})[name] = {"shift": shift, "test": float(hits.float().mean()),
                                                    "test_omitted": float(hits[sel].float().mean())}
    return out


SHIFTS = np.round(np.arange(0.0, 20.01, 0.25), 2)  # candidate raises of the omitted digit's logit


@torch.no_grad()
def bias_fix(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, digit: int) -> float:
    """The raise of `digit`'s output bias (from SHIFTS) with the best validation accuracy (Hinton et al.
    raised the 3's bias in the same experiment); ties go to the smallest raise."""
    logits = model.eval()(images)
    scores = []
    for shift in SHIFTS:
        z = logits.clone()
        z[:, digit] += float(shift)
        scores.append(float((z.argmax(1) == labels).float().mean()))
    return float(SHIFTS[int(np.argmax(scores))])


# -- figures and captions ---------------------------------------------------------------------------
def soft_targets_figure(logits: np.ndarray, temperature: float, label: int, height: int = 300) -> go.Figure:
    """The teacher's distribution over the 10 digits for one image at T = 1 and at T (log scale)."""
    z = torch.as_tensor(logits, dtype=torch.float32)
    fig = go.Figure()
    for t, colour in ((1.0, OKABE_ITO[7]), (temperature, OKABE_ITO[0])):
        p = softmax_t(z, t).numpy()
        fig.add_bar(x=[str(d) for d in range(10)], y=p, name=f"T = {t:g}", marker_color=colour,
                    hovertemplate="digit %{x}: %{y:.2e}<extra>T = " + f"{t:g}</extra>")
    fig.update_layout(barmode="group", height=height, margin=dict(l=50, r=10, t=30, b=40), yaxis_type="log",
                      yaxis_title="teacher's probability", xaxis_title=f"digit (the image is a {label})",
                      legend=dict(orientation="h", y=1.12))
    return fig


def soft_targets_caption(logits: np.ndarray, temperature: float, label: int) -> str:
    z = torch.as_tensor(logits, dtype=torch.float32)
    p1, pt = softmax_t(z, 1.0).numpy(), softmax_t(z, temperature).numpy()
    top = int(np.argmax(p1))
    runner = int(np.argsort(p1)[-2])
    entropy = float(-(pt * np.log2(np.clip(pt, 1e-30, 1))).sum())
    return (f"The teacher says {top} with p = {p1[top]:.4f} at T = 1; its runner-up is {runner} "
            f"(p = {p1[runner]:.1e}). At T = {temperature:g} the {runner} gets p = {pt[runner]:.3f} and the "
            f"distribution's entropy is {entropy:.2f} bits (of log₂ 10 = 3.32 at most): the ranking of the wrong "
            f"digits, which a hard label hides, becomes a training signal.")


def race_figure(curves: dict, epochs: int = EPOCHS, height: int = 320) -> go.Figure:
    fig = go.Figure()
    for name, ys in curves.items():
        fig.add_scatter(x=list(range(1, len(ys) + 1)), y=ys, mode="lines+markers", name=name,
                        line=dict(color=COLOURS[name], width=2.5))
    fig.update_layout(height=height, margin=dict(l=50, r=10, t=30, b=40), xaxis_title="epoch",
                      yaxis_title="validation accuracy", xaxis_range=[0.5, epochs + 0.5],
                      legend=dict(orientation="h", y=1.1))
    return fig


def race_caption(rec: dict) -> str:
    h, k = rec["test"].get(HARD), rec["test"].get(KD)
    if h is None or k is None:
        return "The run stopped before both students finished: the curves show the epochs it trained."
    verdict = ("the distilled student is ahead" if k > h else "the hard-label student is ahead" if h > k
               else "they tie")
    text = (f"Same 784→32→10 MLP, same seed {rec['seed']}, {rec['epochs']} epochs. Held-out accuracy: hard labels "
            f"{h:.1%}, distilled at T = {rec['T']:g}, α = {rec['alpha']:g} {k:.1%}: {verdict} by "
            f"{abs(k - h) * 100:.1f} points on this seed.")
    if rec["omit"] is not None:
        ho, ko = rec["test_omitted"][HARD], rec["test_omitted"][KD]
        fix = rec["bias_fix"]
        text += (f" Neither student saw a {rec['omit']}; on the 100 held-out {rec['omit']}s the hard-label student "
                 f"scores {ho:.0%}, the distilled one {ko:.0%}. Raising the {rec['omit']}'s output bias by the amount "
                 f"that is best on validation ({fix[HARD]['shift']:g} and {fix[KD]['shift']:g}) gives "
                 f"{fix[HARD]['test_omitted']:.0%} and {fix[KD]['test_omitted']:.0%} on them.")
    return text


def sweep_figure(sweep: dict, temperature: float, height: int = 320) -> go.Figure:
    """Validation accuracy of the distilled students vs T (one dot per seed, the mean as a line) and the
    hard-label students' band."""
    ts = sweep["temperatures"]
    fig = go.Figure()
    hard = sweep["hard"]
    fig.add_hrect(y0=min(hard), y1=max(hard), fillcolor=COLOURS[HARD], opacity=0.2, line_width=0,
                  annotation_text="hard labels: min–max over seeds", annotation_position="bottom left")
    for j, seed in enumerate(sweep["seeds"]):
        fig.add_scatter(x=ts, y=[sweep["distilled"][str(t)][j] for t in ts], mode="markers", name=f"seed {seed}",
                        marker=dict(color=COLOURS[KD], size=8, opacity=0.5), showlegend=False)
    fig.add_scatter(x=ts, y=[float(np.mean(sweep["distilled"][str(t)])) for t in ts], mode="lines+markers",
                    name=f"distilled (α = {sweep['alpha']:g}), mean of {len(sweep['seeds'])} seeds",
                    line=dict(color=COLOURS[KD], width=3))
    fig.add_vline(x=temperature, line=dict(color="grey", dash="dash"))
    fig.update_layout(height=height, margin=dict(l=50, r=10, t=30, b=40), xaxis=dict(type="log", title="temperature T"),
                      yaxis=dict(title="validation accuracy", tickformat=".1%"), legend=dict(orientation="h", y=1.1))
    return fig


def sweep_caption(sweep: dict) -> str:
    means = {t: float(np.mean(sweep["distilled"][str(t)])) for t in sweep["temperatures"]}
    best = max(means, key=means.get)
    hard = float(np.mean(sweep["hard"]))
    spread = max(max(v) - min(v) for v in sweep["distilled"].values())
    gap = means[best] - hard
    verdict = ("smaller than the spread between seeds, so on 3,500 digits this student gains nothing we can "
               "measure from the teacher" if abs(gap) < spread else "larger than the spread between seeds")
    return (f"Recorded: {len(sweep['seeds'])} seeds × {len(means)} temperatures, {sweep['epochs']} epochs each. Best mean "
            f"validation accuracy at T = {best:g}: {means[best]:.1%}, against {hard:.1%} with hard labels; the "
            f"difference ({gap * 100:+.1f} points) is {verdict} (up to {spread * 100:.1f} points).")


def omitted_caption(runs: list[dict]) -> str:
    """The committed "never saw a digit" runs, summed over their seeds."""
    digit, t = runs[0]["omit"], runs[0]["T"]
    mean = {name: float(np.mean([r["bias_fix"][name]["test_omitted"] for r in runs])) for name in (HARD, KD)}
    raw = {name: float(np.mean([r["test_omitted"][name] for r in runs])) for name in (HARD, KD)}
    return (f"Recorded, {len(runs)} seeds, no {digit} among the training digits, T = {t:g}: on the 100 held-out "
            f"{digit}s, mean accuracy {raw[HARD]:.0%} (hard labels) and {raw[KD]:.0%} (distilled) as trained, "
            f"{mean[HARD]:.0%} and {mean[KD]:.0%} once the {digit}'s output bias is raised by the amount best on "
            f"validation." + (f" The distilled student learnt what a {digit} looks like only from the teacher's "
                              f"small probabilities of “{digit}” on other digits." if mean[KD] > mean[HARD] + 0.1 else ""))
