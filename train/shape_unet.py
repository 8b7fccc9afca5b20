"""Train the tiny U-Nets on seeded shape scenes: `shape_unet` (skips, cross-entropy), `shape_unet_noskip`
(the same net without skip connections) and `shape_unet_dice` (skips, soft Dice loss). 2,000 training
scenes, 200 validation scenes watched every epoch (mean IoU), 500 held-out test scenes measured once.

    python -m train.shape_unet                              # ~3-4 min of CPU each (1 thread); ~26 min wall on the loaded host
    python -m train.shape_unet --name shape_unet_noskip
    python -m train.shape_unet --name shape_unet_dice
    python -m train.shape_unet --dry-run                    # one batch, nothing saved
"""
from __future__ import annotations

import time

import numpy as np
import torch
from torch import nn

from demos.vision_tasks import scenes as sc
from demos.vision_tasks.metrics import mask_scores, soft_dice_loss
from models.shape_unet import ShapeUnet, ShapeUnetConfig
from train.common import batches, command_line, fit, n_batches, parser, recipe, save_pretrained, seed_everything

VARIANTS = {"shape_unet": (True, "cross_entropy"), "shape_unet_noskip": (False, "cross_entropy"),
            "shape_unet_dice": (True, "dice")}
SIZES = {"train": 2000, "validation": 200, "test": 500}
IOU_BAR = {"shape_unet": 0.85, "shape_unet_noskip": 0.6, "shape_unet_dice": 0.8}  # held-out mean IoU (shapes)
CLASS_NAMES = ("background",) + sc.CLASSES


@torch.no_grad()
def evaluate(model: ShapeUnet, images: torch.Tensor, masks: torch.Tensor) -> dict[str, float]:
    """Pixel accuracy and IoU per class over the whole split; mean IoU over the three shape classes."""
    model.eval()
    pred = torch.cat([model(x).argmax(1) for (x,) in batches(images, batch_size=100)])
    s = mask_scores(pred, masks, len(CLASS_NAMES))
    return {"pixel_accuracy": round((pred == masks).float().mean().item(), 4),
            "mean_iou": round(float(np.nanmean(s["iou"][1:])), 4),
            **{f"iou_{c}": round(float(v), 4) for c, v in zip(CLASS_NAMES, s["iou"])}}


def main(argv: list[str] | None = None) -> dict:
    p = parser(__doc__, names=list(VARIANTS), epochs=8, batch_size=32, lr=5e-3, weight_decay=1e-4)
    args = p.parse_args(argv)
    skips, loss_name = VARIANTS[args.name]
    gen = seed_everything(args.seed)
    n = {k: (32 if args.dry_run else v) for k, v in SIZES.items()}
    model = ShapeUnet(ShapeUnetConfig(skips=skips))
    images, masks = sc.to_tensors(sc.scenes("train", n["train"]))
    val_images, val_masks = sc.to_tensors(sc.scenes("validation", n["validation"]))

    def loss(x, m):
        logits = model(x)
        return soft_dice_loss(logits, m) if loss_name == "dice" else nn.functional.cross_entropy(logits, m)

    start = time.time()
    history = fit(model, lambda e: batches(images, masks, batch_size=args.batch_size, generator=gen), loss,
                  n_batches(len(images), args.batch_size), 1 if args.dry_run else args.epochs, args.lr,
                  args.weight_decay, lambda: {"val_mean_iou": evaluate(model, val_images, val_masks)["mean_iou"]},
                  dry_run=args.dry_run)
    seconds = round(time.time() - start, 1)
    test_images, test_masks = sc.to_tensors(sc.scenes("test", n["test"]))
    metrics = {f"test_{k}": v for k, v in evaluate(model, test_images, test_masks).items()}
    metrics |= {"val_mean_iou": history[-1].get("val_mean_iou"), "train_seconds": seconds}
    print(metrics)
    if not args.dry_run:
        save_pretrained(model, args.name, args.out, {
            "architecture": "ShapeUnet: 2 down / 2 up stages of double conv3x3 + BN + ReLU, transposed-conv "
                            f"upsampling, {'skip connections' if skips else 'no skip connections'}, 1x1 head",
            "task": "semantic segmentation: background, circle, rectangle, triangle per pixel",
            "input": "(B, 3, 64, 64) in [0, 1]",
            "data": {"source": "demos.vision_tasks.scenes.scene(seed), generated", "seeds": sc.SPLITS,
                     "train": n["train"], "validation": n["validation"], "test": n["test"],
                     "validation_split": "monitoring only"},
            "seed": args.seed, "recipe": recipe(args, optimizer="AdamW + OneCycle", loss=loss_name),
            "history": history, "metrics": metrics, "metric_bar": {"test_mean_iou": IOU_BAR[args.name]},
            "command": command_line("train.shape_unet", argv),
        })
    return metrics


if __name__ == "__main__":
    main()
