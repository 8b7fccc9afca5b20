"""Compression: the frontier's latencies re-measured side by side (ratios to the dense teacher), the
dense + mask vs structured table at 80 %, a live student race (first curve, whole run), the page's first
render and reruns."""
from __future__ import annotations

import warnings

from bench.common import Row, best_of, once, page_rerun
from demos.compression import distillation, frontier, measure, pruning, results

PAGE = "pages/18_compression.py"


class Stopped(Exception):
    """Named like the UI's Stop: ends the race after its first streamed curve."""


def run() -> list[Row]:
    import torch
    from models.registry import load_pretrained

    previous = torch.get_num_threads()
    torch.set_num_threads(1)  # as the server computes (ui.cache.TORCH_THREADS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            models = {n: frontier.build(n, load_pretrained)[0] for n in frontier.POINTS}
        timed = measure.latencies(models, rounds=15)
        rows = [Row("compression", f"{n}: forward pass, batch of {measure.LATENCY_BATCH} (× teacher)", ms / 1000,
                    ratio=ms / timed["teacher"]) for n, ms in timed.items()]
        teacher = load_pretrained("mnist_cnn")
        masks = pruning.magnitude_masks(pruning.prunable(teacher), 0.8, "global")
        import copy
        import torch.nn.utils.prune as prune
        hooked = copy.deepcopy(teacher)
        for name, module in hooked.named_modules():
            if name in masks:
                prune.custom_from_mask(module, "weight", masks[name])
        slim = pruning.rebuild(teacher, pruning.kept_channels(teacher, 0.8, "per layer"))
        table = measure.latencies({"dense": teacher, "dense + mask": hooked, "structured 80%": slim}, rounds=15)
        rows += [Row("compression", f"pruning table, 80 %: {n} (× dense)", ms / 1000, ratio=ms / table["dense"])
                 for n, ms in table.items()]
        data = results.teacher_data()

        def first_curve() -> None:
            def stop(fraction, partial):
                raise Stopped
            try:
                distillation.race(data, 4.0, 0.9, 0, on_progress=stop)
            except Stopped:
                pass
        distillation.race(data, 4.0, 0.9, 1)  # the optimiser's one-off lazy imports, paid before timing
        rows.append(Row("compression", "Distillation tab: live race, first streamed curve (1 epoch)",
                        best_of(first_curve, repeat=3), target="≤ 300 ms"))
        rows.append(Row("compression", f"Distillation tab: live race, 2 students × {distillation.EPOCHS} epochs",
                        once(lambda: distillation.race(data, 4.0, 0.9, 2)), target="≤ 10 s"))
    finally:
        torch.set_num_threads(previous)
    first, rerun = page_rerun(PAGE, {}, ("selectbox", "model", "channels halved"))
    rows.append(Row("compression", "page first render (server, committed frontier)", first, target="≤ 2 s"))
    rows.append(Row("compression", "page rerun after a point is chosen (hero control)", rerun, target="< 1 s"))
    _, rerun = page_rerun(PAGE, {"view": "Pruning"}, ("selectbox", "sparsity", "0.5"), repeat=3)
    rows.append(Row("compression", "Pruning tab: rerun after a sparsity change (masks + figures)", rerun,
                    target="< 1 s"))
    return rows
