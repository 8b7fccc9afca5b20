"""Recurrent networks: sampling 300 characters, the gradient-through-time curves, one live training,
the page's reruns, and the char model's retraining time (measured by its script, read from its card)."""
from __future__ import annotations

import time

import torch

from bench.common import ROOT, Row, best_of, page_rerun
from demos.recurrent import bidirectional, bptt, cells, masking, pooling, recall, text_generation
from models import load_pretrained, metadata

PAGE = "pages/10_recurrent.py"


def _timed(rows: list[Row], threads: int) -> None:
    lm = load_pretrained("char_lstm")
    recall_models = {cell: load_pretrained(f"recall_{cell}") for cell in cells.CELL_NAMES}
    tag = f"{threads} thread{'s' if threads > 1 else ''}"
    t = best_of(lambda: text_generation.sample(lm, "The for statement", 300, 0.8, 0, 0), repeat=5)
    rows.append(Row("recurrent", f"sample 300 characters, T = 0.8 ({tag})", t, target="≤ 300 ms"))
    for lag in (40, 80):
        x = bptt.probe(lag)[0]
        models = bptt.fresh_models(1.0, 3.0)
        t = best_of(lambda: bptt.curves(models, x), repeat=5)
        rows.append(Row("recurrent", f"gradient-through-time curves, 3 cells, lag {lag}, 4 sequences ({tag})", t,
                        target="≤ 300 ms"))
    t = best_of(lambda: bptt.curves(recall_models, bptt.probe(40)[0]), repeat=5)
    rows.append(Row("recurrent", f"curves of the trained models, lag 40 ({tag})", t, target="≤ 300 ms"))
    t = best_of(lambda: text_generation.temperature_sweep(lm, "The for statement", text_generation.TEMPERATURES, 200, 0), repeat=3)
    rows.append(Row("recurrent", f"temperature sweep, 8 temperatures × 4 samples × 200 characters, one batch ({tag})", t))
    t = best_of(lambda: masking.masking(lm, masking.DEFAULT_TEXTS.splitlines()), repeat=5)
    rows.append(Row("recurrent", f"padding and masking, 4 texts ({tag})", t))
    _bidirectional(rows, tag)
    start = time.perf_counter()
    rec = recall.train_recall(40)
    rows.append(Row("recurrent", f"live training at lag 40, 3 cells, {rec.steps[-1]} steps ({tag})",
                    time.perf_counter() - start))


def _bidirectional(rows: list[Row], tag: str) -> None:
    """The Bidirectional tab: the padding view (what its slider recomputes), and a live training (seeds
    other than 0): its first frame (step 1 evaluated) and the whole run."""
    t = best_of(lambda: pooling.padding_view(20, 0), repeat=5)
    rows.append(Row("recurrent", f"bidirectional tab: padding view, 0–30 pads × 4 poolings ({tag})", t, target="< 1 s"))
    cold = time.perf_counter()
    torch.optim.Adam([torch.zeros(1, requires_grad=True)])  # torch.optim's one-time lazy imports (once a process)
    rows.append(Row("recurrent", f"first Adam built in a process (one-time import, paid by any live training; {tag})",
                    time.perf_counter() - cold))
    first: list[float] = []
    start = time.perf_counter()
    run = bidirectional.train_taggers(1, on_progress=lambda f, p: first.append(time.perf_counter() - start))
    total = time.perf_counter() - start
    rows.append(Row("recurrent", f"bidirectional tab: live training, first frame ({tag})", first[0], target="≤ 300 ms"))
    rows.append(Row("recurrent", f"bidirectional tab: live training, 2 taggers × {run['steps'][-1]} steps ({tag})",
                    total))


def _tabs_and_lag_steps(rows: list[Row]) -> None:
    """Each tab's first view after the page has opened (models loaded, as for a first visitor who
    clicks a tab), and reruns after lag changes to values not seen before (nothing cached)."""
    from streamlit.testing.v1 import AppTest

    root = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300).run()
    at = root.switch_page(str(ROOT / PAGE)).run()
    times = []
    for lag in (41, 43, 45, 47, 49):
        at.slider(key="lag").set_value(lag)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    rows.append(Row("recurrent", "page rerun after a lag change to a new value (Gates tab, nothing cached)",
                    sorted(times)[len(times) // 2], target="< 1 s"))
    at.slider(key="lag").set_value(40).run()
    for view in ("Train at your lag", "Accuracy vs lag", "Text generation", "Bidirectional and padding",
                 "Padding and masking"):
        at.session_state["view"] = view
        start = time.perf_counter()
        at.run()
        rows.append(Row("recurrent", f"first view of the {view!r} tab (defaults; committed where stored)",
                        time.perf_counter() - start, target="≤ 0.5 s"))


def run() -> list[Row]:
    rows: list[Row] = []
    saved = torch.get_num_threads()
    for threads in sorted({1, saved}):
        torch.set_num_threads(threads)
        try:
            _timed(rows, threads)
        finally:
            torch.set_num_threads(saved)
    char = metadata("char_lstm")["metrics"]["train_seconds"]
    rows.append(Row("recurrent", "retraining char_lstm: python -m train.char_rnn (train_seconds in its card)", char,
                    target="≤ 180 s"))
    cards = [metadata(f"recall_{c}")["metrics"] for c in cells.CELL_NAMES]
    recall_seconds = cards[0]["fixed_lag_sweep_seconds"] + sum(m["train_seconds"] for m in cards)
    rows.append(Row("recurrent", "retraining recall_*: python -m train.recall_rnn (sweep + 3 models, from the cards)",
                    recall_seconds))
    _tabs_and_lag_steps(rows)
    first, rerun = page_rerun(PAGE, {}, ("slider", "rho", 0.8))
    rows.append(Row("recurrent", "page first render (server)", first))
    rows.append(Row("recurrent", "page rerun after a ρ change (hero curves)", rerun, target="< 300 ms"))
    first, rerun = page_rerun(PAGE, {"view": "Text generation"}, ("slider", "temp", 1.2))
    rows.append(Row("recurrent", "page rerun after a temperature change (new sample)", rerun))
    first, rerun = page_rerun(PAGE, {"view": "Bidirectional and padding"}, ("slider", "pads", 20))
    rows.append(Row("recurrent", "page rerun after a padding change (Bidirectional tab)", rerun, target="< 1 s"))
    return rows
