"""Transfer learning: EfficientNet embedding of 500 digits, one linear-probe fit, the full
accuracy-vs-k sweep, the tabs' experiments, zero-shot and teach-it-yourself, page reruns."""
from __future__ import annotations


import torch

from bench.common import Row, best_of, once, page_rerun
from demos.images import photo, to_tensor
from demos.transfer_learning import few_shot, fine_tune, forgetting, imagenet, layers, probe, sweep, task, teach, zero_shot
from models import load_pretrained

PAGE = "pages/12_transfer_learning.py"


def run() -> list[Row]:
    rows: list[Row] = []
    backbone, effnet = load_pretrained("mnist_cnn_04"), load_pretrained("efficientnet_lite0")
    sweep.label_sweep(backbone, None, seeds=1, k_values=(1,), steps=1)  # the process's one-off warm-up
    t = best_of(lambda: imagenet.digit_imagenet_features(effnet, "test"), repeat=2)
    rows.append(Row("transfer", f"EfficientNet-Lite0 features of 500 digits at {imagenet.DIGIT_SIDE} px", t, target="≤ 5 s"))
    features = {part: imagenet.digit_imagenet_features(effnet, part) for part in ("pool", "test")}
    data = task.new_task()
    with torch.no_grad():
        cnn = backbone.embed(data["pool_x"])
    for k in (5, 100):
        idx = task.shots(data["pool_y"], k, 0)
        for name, feats in (("digit-CNN features (1,568-d)", cnn), ("EfficientNet features (1,280-d)", features["pool"])):
            t = best_of(lambda: probe.linear_probe(feats[idx], data["pool_y"][idx], 5), repeat=3)
            rows.append(Row("transfer", f"linear probe fit, k = {k} ({5 * k} examples), {name}", t, target="≤ 1 s"))
    t = once(lambda: sweep.label_sweep(backbone, features, 1e-3, 3))
    rows.append(Row("transfer", f"accuracy-vs-k sweep: 3 seeds × {len(sweep.K_VALUES)} k × 5 ways", t, target="≤ 30 s"))
    t = once(lambda: sweep.label_sweep(backbone, None, 3e-3, 3, ("last", "full")))
    rows.append(Row("transfer", "what a new fine-tuning rate recomputes: 3 seeds × 7 k × 2 fine-tunings", t))
    t = once(lambda: forgetting.forgetting_experiment(backbone))
    rows.append(Row("transfer", f"forgetting experiment: {len(fine_tune.LR_OPTIONS)} rates × 3 fine-tunings", t))
    t = once(lambda: layers.freeze_experiment(backbone, 20, 1e-3))
    rows.append(Row("transfer", f"which-layers experiment: {len(layers.FREEZE_STOPS)} depths × 2 seeds", t))
    embs = few_shot.digit_embeddings(backbone, features["test"])
    t = once(lambda: few_shot.few_shot_curve(embs, data["test_y"], 5))
    rows.append(Row("transfer", "few-shot curve: 4 encoders × 5 K × 200 episodes", t))
    minilm = load_pretrained("minilm_l6")
    sentences = zero_shot.read_lines(zero_shot.DEFAULT_SENTENCES, zero_shot.MAX_SENTENCES)[0]
    prompts = zero_shot.label_prompts(zero_shot.read_lines(zero_shot.DEFAULT_LABELS, zero_shot.MAX_LABELS)[0])[1]
    t = best_of(lambda: zero_shot.zero_shot(minilm, sentences, prompts), repeat=3)
    rows.append(Row("transfer", "zero-shot: 8 sentences × 5 labels (MiniLM)", t))
    pictures = [[to_tensor(photo(name))] for name in teach.TEACH_DEFAULTS[:3]]
    t = once(lambda: teach.teach(effnet, pictures, 5))
    rows.append(Row("transfer", "teach it yourself: 3 classes × (5 + 20) crops, embed + probe", t))
    first, rerun = page_rerun(PAGE, {}, ("slider", "target", 0.8))
    rows.append(Row("transfer", "page first render (server, committed sweep)", first))
    rows.append(Row("transfer", "page rerun after a target-accuracy change", rerun, target="< 250 ms"))
    for view in ("Which layers", "Few-shot"):  # committed at the defaults: nothing computed live
        first, _ = page_rerun(PAGE, {"view": view}, ("slider", "target", 0.8), repeat=1)
        rows.append(Row("transfer", f"page first render on the {view} tab (server, committed)", first, target="≤ 0.5 s"))
    rows += continual_rows()
    _, rerun = page_rerun(PAGE, {}, ("slider", "seeds", 4), repeat=1)
    rows.append(Row("transfer", "page rerun after Seeds 3 -> 4 (committed seeds 1-5)", rerun, target="< 1 s"))
    return rows + domain_rows()


def domain_rows() -> list[Row]:
    """The Domain adaptation tab: its first view (committed), a shift change, a live run and its first frame."""
    import time

    from demos.transfer_learning import domain

    first, rerun = page_rerun(PAGE, {"view": "Domain adaptation"}, ("radio", "shift", "noisy"), repeat=3)
    rows = [Row("transfer", "page first render on the Domain adaptation tab (server, committed)", first, target="≤ 2 s"),
            Row("transfer", "Domain adaptation: rerun after a target-domain change (committed)", rerun, target="< 1 s")]
    start, seen = time.perf_counter(), []
    t = once(lambda: domain.compare("rotated", 3.0, on_progress=lambda f, p: seen.append(time.perf_counter() - start)))
    rows.append(Row("transfer", f"Domain adaptation live run: {len(domain.SEEDS)} seeds × 2 trainings × {domain.EPOCHS} epochs", t))
    rows.append(Row("transfer", "Domain adaptation live run: first frame (before any step)", seen[0], target="≤ 300 ms"))
    return rows


def continual_rows() -> list[Row]:
    """The Continual learning tab: its committed first view, a live run's first progress report and
    its whole length (3 seeds x 3 methods x 3 tasks)."""
    import time

    from demos.transfer_learning import continual

    first, _ = page_rerun(PAGE, {"view": "Continual learning"}, ("slider", "target", 0.8), repeat=1)
    rows = [Row("transfer", "page first render on the Continual learning tab (server, committed)", first,
                target="≤ 2 s")]
    start, seen = time.perf_counter(), []
    continual.continual_runs(100.0, 100, on_progress=lambda f, *partial: seen.append(time.perf_counter() - start))
    rows.append(Row("transfer", "continual learning: first progress report (one task trained)", seen[0],
                    target="≤ 300 ms"))
    rows.append(Row("transfer", "continual learning live run: 3 seeds × 3 methods × 3 tasks", seen[-1]))
    return rows
