"""Optimisers: the race (7 torch.optim optimisers × 500 steps), its replay figure, page reruns, and the
experiments on digits (batch sizes, gradient noise, schedules, LR range test, LR sensitivity)."""
from __future__ import annotations

import time

import torch

from bench.common import Row, best_of, once, page_rerun
from demos.optimisers import batch_size, gradient_noise, race, range_test, rules, schedules, sensitivity, surfaces

PAGE = "pages/07_optimisers.py"


def _runners(surface: str) -> tuple:
    preset = surfaces.PRESETS[surface]
    return rules.runners(dict.fromkeys(rules.OPTIMISERS, True), preset), (preset["x0"], preset["y0"])


def _cpu(fn, repeat: int = 5) -> float:
    """Median CPU time of `fn` (process time): on a shared, loaded host it tracks what a quiet core
    would take better than wall time does."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return sorted(times)[len(times) // 2]


def tab_first_view(view: str) -> float:
    """Seconds of server time to open a tab on a page already open (its default settings)."""
    from tests.support import open_page

    at = open_page(PAGE, timeout=300)
    at.session_state["view"] = view
    start = time.perf_counter()
    at.run(timeout=300)
    assert not at.exception, at.exception
    return time.perf_counter() - start


def run() -> list[Row]:
    rows: list[Row] = []
    for surface in ("rosenbrock", "quadratic"):
        runners, start = _runners(surface)
        t = best_of(lambda: race.run(surface, runners, start, 500, kappa=50.0), repeat=5)
        rows.append(Row("optimisers", f"race: 7 torch.optim optimisers × 500 steps, {surface}", t,
                        target="≤ 150 ms"))
        rows.append(Row("optimisers", f"race, same, CPU time of this process ({surface})",
                        _cpu(lambda: race.run(surface, runners, start, 500, kappa=50.0)), target="≤ 150 ms"))
    runners, start = _runners("quadratic")
    rec = race.run("quadratic", runners, start, 500, kappa=50.0)
    rows.append(Row("optimisers", "replay figure: 60 frames built (cached per recording on the page)",
                    best_of(lambda: race.race_figure(rec), repeat=3)))
    first, rerun = page_rerun(PAGE, {}, ("slider", "tol", -4))
    rows.append(Row("optimisers", "page first render (server, race computed)", first))
    rows.append(Row("optimisers", "page rerun after a tolerance change (race cached)", rerun, target="< 250 ms"))
    _, rerun = page_rerun(PAGE, {}, ("slider", "kappa", 80))
    rows.append(Row("optimisers", "page rerun after a κ change (both races cached after the first)", rerun,
                    target="< 250 ms"))
    for view in ("Batch size on MNIST", "Schedules"):
        rows.append(Row("optimisers", f"tab '{view}' first view (server; committed default runs)",
                        tab_first_view(view), target="≤ 0.5 s"))
    before = torch.get_num_threads()
    for threads in sorted({before, 1}, reverse=True):
        torch.set_num_threads(threads)
        fractions: list[float] = []
        cpu = time.process_time()
        t = once(lambda: batch_size.batch_size_experiment(1, 0.01, 0, on_progress=fractions.append))
        cpu = time.process_time() - cpu
        rows.append(Row("optimisers", f"MNIST batch sizes 1 / 32 / 3,500: equal epochs + equal wall-clock "
                                      f"({len(fractions)} progress reports; torch threads {threads})", t,
                        target="≤ 10 s"))
        rows.append(Row("optimisers", f"same, CPU time of this process (threads {threads})", cpu, target="≤ 10 s"))
        rows.append(Row("optimisers", f"gradient noise vs B, 6 sizes × 48 draws (threads {threads})",
                        once(lambda: gradient_noise.gradient_noise(0))))
        rows.append(Row("optimisers", f"six schedules × 4 epochs on digits (threads {threads})",
                        once(lambda: schedules.schedule_experiment(0.0501, 4, 0))))
        rows.append(Row("optimisers", f"LR range test, 200 steps (threads {threads})",
                        once(lambda: range_test.lr_range_test(0))))
    torch.set_num_threads(before)
    runners, start = _runners("rosenbrock")
    rows.append(Row("optimisers", "LR sensitivity: 7 optimisers × 25 learning rates × 500 steps",
                    once(lambda: sensitivity.lr_sensitivity("rosenbrock", runners, start, 500, 1e-6))))
    return rows
