"""Tuning: each strategy's search replayed from the committed table (what a hero control costs), a live
search of 27 trials × 27 epochs (its first streamed result and the whole run), the band recomputed, the
clinic's checks, and the page's first render and reruns."""
from __future__ import annotations

import time

from bench.bench_reinforcement_learning import one_thread
from bench.common import Row, best_of, once, page_rerun
from demos.tuning import checks, clinic, hero, search, trial

PAGE = "pages/20_tuning.py"


class Stopped(Exception):
    """Named like the UI's Stop: `search.live_search` keeps what it has."""


def run() -> list[Row]:
    table = trial.committed_table()
    rows = [Row("tuning", f"{name}: one search of {search.BUDGET} epochs replayed from the table",
                best_of(lambda name=name: search.run_search(name, 0, table), repeat=3), target="< 1 s")
            for name in search.STRATEGIES]
    s = search.run_search("Successive halving", 0, table)
    rows.append(Row("tuning", "hero figures + captions for successive halving (243 trials)",
                    best_of(lambda: (hero.space_figure(s), hero.curves_figure(s), hero.space_caption(s)), repeat=3)))
    rows += one_thread(lambda: live_rows())
    rows.append(Row("tuning", "band recomputed: 5 strategies × 10 seeds from the table (↻ Recompute live)",
                    once(hero.compute_band)))
    rows.append(Row("tuning", f"the committed table's training ({table.val.shape[0]} configurations × 2 seeds × "
                    f"{trial.EPOCHS} epochs, as recorded in it)", table.seconds))
    data = clinic.digits()
    rows.append(Row("tuning", "clinic: the standard checks on one set-up (init loss, 150 steps on a batch, norms)",
                    one_thread(lambda: best_of(lambda: checks.checks("wrong_loss", data), repeat=3)), target="< 1 s"))
    first, rerun = page_rerun(PAGE, {}, ("selectbox", "strategy", "TPE"))
    rows.append(Row("tuning", "page first render (server)", first, target="≤ 2 s"))
    rows.append(Row("tuning", "page rerun after a strategy change (Successive halving ↔ TPE, cached after the first)",
                    rerun, target="< 1 s"))
    _, rerun = page_rerun(PAGE, {}, ("number_input", "seed", 7), repeat=1)
    rows.append(Row("tuning", "page rerun after a seed change (a new search)", rerun, target="< 1 s"))
    first, _ = page_rerun(PAGE, {"view": "Architecture search"}, ("slider", "archs", 30), repeat=1)
    rows.append(Row("tuning", "page first render on the Architecture search tab", first, target="≤ 2 s"))
    return rows


def first_result() -> float:
    start, seen = time.perf_counter(), []

    def first_epoch(fraction, best):
        seen.append(time.perf_counter() - start)
        raise Stopped

    search.live_search("Random", 0, on_progress=first_epoch)
    return seen[0]


def live_rows() -> list[Row]:
    rows = [Row("tuning", "live search: first streamed result, the process's first Adam step (torch loads its "
                "optimiser machinery once per process)", first_result()),
            Row("tuning", "live search: first streamed result (one epoch trained, 1 thread), warm process",
                min(first_result() for _ in range(3)), target="≤ 1 s")]
    rows.append(Row("tuning", "live random search: 27 trials × 27 epochs on the spirals (1 thread)",
                    once(lambda: search.live_search("Random", 0)), target="≤ 10 s"))
    rows.append(Row("tuning", "live successive halving: 243 trials, 729 epochs (1 thread)",
                    once(lambda: search.live_search("Successive halving", 0))))
    return rows
