"""Train `shape_detector`, the one-stage grid detector (with its presence classifier), on seeded shape
scenes: anchors by k-means on the training boxes, 3,000 training scenes, 300 validation scenes watched
every epoch (mAP@0.5), 500 held-out test scenes measured once at the end.

    python -m train.shape_detector            # ~3 min of CPU (1 thread); 25 min wall on the loaded shared host
    python -m train.shape_detector --dry-run  # one batch, nothing saved
"""
from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from torch import nn

from demos.vision_tasks import grid as g, scenes as sc
from demos.vision_tasks.metrics import mean_average_precision
from models.registry import WEIGHTS_DIR
from models.shape_detector import ShapeDetector, ShapeDetectorConfig
from train.common import batches, command_line, fit, n_batches, parser, recipe, save_pretrained, seed_everything

SIZES = {"train": 3000, "validation": 300, "test": 500}
MAP_BAR = 0.85  # held-out mAP@0.5 the tests demand
ACCURACY_BAR = 0.9  # held-out exact-set accuracy of the presence classifier
SCORE, NMS_IOU = 0.05, 0.5  # how the metrics decode (the page's defaults differ only in the score shown)


def tensors(split: str, n: int, config: ShapeDetectorConfig):
    data = sc.scenes(split, n)
    images, _ = sc.to_tensors(data)
    anchors = torch.tensor(config.anchors)
    t = g.stack([g.assign(torch.from_numpy(s.boxes), torch.from_numpy(s.labels), anchors, config.grid,
                          config.image_size) for s in data])
    presence = torch.from_numpy(np.stack([sc.presence(s) for s in data]))
    return data, images, t, presence


@torch.no_grad()
def evaluate(model: ShapeDetector, data: list, images: torch.Tensor) -> dict[str, float]:
    model.eval()
    out, present = model(images)
    anchors = torch.tensor(model.config.anchors)
    preds = [g.detect(g.decode(o, anchors, model.config.image_size), SCORE, NMS_IOU) for o in out]
    m, curves = mean_average_precision([(p.boxes, p.scores, p.labels) for p in preds],
                                       [(torch.from_numpy(s.boxes), torch.from_numpy(s.labels)) for s in data],
                                       model.config.num_classes)
    truth = torch.from_numpy(np.stack([sc.presence(s) for s in data])) > 0.5
    exact = ((present > 0) == truth).all(1).float().mean().item()
    return {"map50": round(m, 4), **{f"ap50_{c}": round(cu.ap, 4) for c, cu in zip(sc.CLASSES, curves)},
            "presence_exact": round(exact, 4)}


WATCHED = 4  # validation scenes whose grid is recorded after every epoch (the page's training replay)
REPLAY = WEIGHTS_DIR.parent / "results" / "vision_tasks_detector_training.npz"  # where that recording goes


@torch.no_grad()
def snapshot(model: ShapeDetector, images: torch.Tensor) -> dict:
    """Per watched scene: the 8x8 objectness map and the raw outputs rounded (2 decimals), for the replay."""
    model.eval()
    out, _ = model(images)
    return {"objectness": [g.objectness_map(o).numpy().round(3).tolist() for o in out],
            "raw": [o.numpy().round(2).tolist() for o in out]}


def main(argv: list[str] | None = None) -> dict:
    p = parser(__doc__, epochs=10, batch_size=32, lr=4e-3, weight_decay=1e-4)
    p.add_argument("--anchors", type=int, default=2, help="k of the k-means anchors")
    args = p.parse_args(argv)
    gen = seed_everything(args.seed)
    n = {k: (32 if args.dry_run else v) for k, v in SIZES.items()}
    wh = np.concatenate([s.boxes[:, 2:] - s.boxes[:, :2] for s in sc.scenes("train", n["train"])])
    anchors, _ = g.kmeans_anchors(wh, args.anchors, seed=args.seed)
    config = replace(ShapeDetectorConfig(), anchors=tuple((round(float(w), 2), round(float(h), 2)) for w, h in anchors))
    model = ShapeDetector(config)
    data, images, (obj, box, lab), presence = tensors("train", n["train"], config)
    val_data, val_images, *_ = tensors("validation", n["validation"], config)

    def loss(x, o, b, lb, pr):
        out, present = model(x)
        return g.detection_loss(out, o, b, lb)["total"] + nn.functional.binary_cross_entropy_with_logits(
            present, pr, reduction="sum") / len(x)

    snapshots = [snapshot(model, val_images[:WATCHED])]

    def validate() -> dict:
        snapshots.append(snapshot(model, val_images[:WATCHED]))
        return {f"val_{k}": v for k, v in evaluate(model, val_data, val_images).items() if k in ("map50", "presence_exact")}

    start = time.time()
    history = fit(model, lambda e: batches(images, obj, box, lab, presence, batch_size=args.batch_size,
                                           generator=gen),
                  loss, n_batches(len(images), args.batch_size), 1 if args.dry_run else args.epochs, args.lr,
                  args.weight_decay, validate, dry_run=args.dry_run)
    seconds = round(time.time() - start, 1)
    test_data, test_images, *_ = tensors("test", n["test"], config)
    metrics = {f"test_{k}": v for k, v in evaluate(model, test_data, test_images).items()}
    metrics |= {"val_map50": history[-1].get("val_map50"), "train_seconds": seconds}
    print(metrics)
    if not args.dry_run:
        out = Path(args.out)
        replay = REPLAY if out.resolve() == WEIGHTS_DIR.resolve() else out / REPLAY.name
        np.savez_compressed(replay, objectness=np.array([s["objectness"] for s in snapshots], np.float32),
                            raw=np.array([s["raw"] for s in snapshots], np.float16),
                            validation_scenes=np.arange(WATCHED))
        save_pretrained(model, "shape_detector", args.out, {
            "architecture": "ShapeDetector: 7 conv3x3 + BN + ReLU (3 max-pools) -> 8x8 grid x 2 anchors x "
                            "(objectness, box, 3 classes); presence head on max-pooled features",
            "task": "object detection of circles, rectangles and triangles (+ which are present)",
            "input": "(B, 3, 64, 64) in [0, 1]",
            "data": {"source": "demos.vision_tasks.scenes.scene(seed), generated", "seeds": sc.SPLITS,
                     "train": n["train"], "validation": n["validation"], "test": n["test"],
                     "validation_split": "monitoring only"},
            "seed": args.seed, "recipe": recipe(args, optimizer="AdamW + OneCycle", score=SCORE, nms_iou=NMS_IOU),
            "history": history, "metrics": metrics,
            "replay": f"models/results/{REPLAY.name} (the grid on {WATCHED} validation scenes after every epoch)",
            "metric_bar": {"test_map50": MAP_BAR, "test_presence_exact": ACCURACY_BAR},
            "command": command_line("train.shape_detector", argv),
        })
    return metrics


if __name__ == "__main__":
    main()
