"""Transfer learning: EfficientNet embedding of 500 digits, one linear-probe fit, the full
accuracy-vs-k sweep, the tabs' experiments, zero-shot and teach-it-yourself, page reruns."""
from __future__ import annotations

import time

import torch

from bench.common import Row, best_of, page_rerun
from demos import few_shot as fs
from demos import transfer as tl
from demos.images import photo, to_tensor
from models import load_pretrained

PAGE = "pages/12_transfer_learning.py"


def _once(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run() -> list[Row]:
    rows: list[Row] = []
    backbone, effnet = load_pretrained("mnist_cnn_04"), load_pretrained("efficientnet_lite0")
    tl.label_sweep(backbone, None, seeds=1, k_values=(1,), steps=1)  # the process's one-off warm-up
    t = best_of(lambda: tl.digit_imagenet_features(effnet, "test"), repeat=2)
    rows.append(Row("transfer", f"EfficientNet-Lite0 features of 500 digits at {tl.DIGIT_SIDE} px", t, target="≤ 5 s"))
    features = {part: tl.digit_imagenet_features(effnet, part) for part in ("pool", "test")}
    task = tl.new_task()
    with torch.no_grad():
        cnn = backbone.embed(task["pool_x"])
    for k in (5, 100):
        idx = tl.shots(task["pool_y"], k, 0)
        for name, feats in (("digit-CNN features (1,568-d)", cnn), ("EfficientNet features (1,280-d)", features["pool"])):
            t = best_of(lambda: tl.linear_probe(feats[idx], task["pool_y"][idx], 5), repeat=3)
            rows.append(Row("transfer", f"linear probe fit, k = {k} ({5 * k} examples), {name}", t, target="≤ 1 s"))
    t = _once(lambda: tl.label_sweep(backbone, features, 1e-3, 3))
    rows.append(Row("transfer", f"accuracy-vs-k sweep: 3 seeds × {len(tl.K_VALUES)} k × 5 ways", t, target="≤ 30 s"))
    t = _once(lambda: tl.label_sweep(backbone, None, 3e-3, 3, ("last", "full")))
    rows.append(Row("transfer", "what a new fine-tuning rate recomputes: 3 seeds × 7 k × 2 fine-tunings", t))
    t = _once(lambda: tl.forgetting_experiment(backbone))
    rows.append(Row("transfer", f"forgetting experiment: {len(tl.LR_OPTIONS)} rates × 3 fine-tunings", t))
    t = _once(lambda: tl.freeze_experiment(backbone, 20, 1e-3))
    rows.append(Row("transfer", f"which-layers experiment: {len(tl.FREEZE_STOPS)} depths × 2 seeds", t))
    embs = fs.digit_embeddings(backbone, features["test"])
    t = _once(lambda: fs.few_shot_curve(embs, task["test_y"], 5))
    rows.append(Row("transfer", "few-shot curve: 4 encoders × 5 K × 200 episodes", t))
    minilm = load_pretrained("minilm_l6")
    sentences = fs.read_lines(fs.DEFAULT_SENTENCES, fs.MAX_SENTENCES)[0]
    prompts = fs.label_prompts(fs.read_lines(fs.DEFAULT_LABELS, fs.MAX_LABELS)[0])[1]
    t = best_of(lambda: fs.zero_shot(minilm, sentences, prompts), repeat=3)
    rows.append(Row("transfer", "zero-shot: 8 sentences × 5 labels (MiniLM)", t))
    pictures = [[to_tensor(photo(name))] for name in tl.TEACH_DEFAULTS[:3]]
    t = _once(lambda: tl.teach(effnet, pictures, 5))
    rows.append(Row("transfer", "teach it yourself: 3 classes × (5 + 20) crops, embed + probe", t))
    first, rerun = page_rerun(PAGE, {}, ("slider", "target", 0.8))
    rows.append(Row("transfer", "page first render (server, committed sweep)", first))
    rows.append(Row("transfer", "page rerun after a target-accuracy change", rerun, target="< 250 ms"))
    return rows
