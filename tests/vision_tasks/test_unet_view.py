"""demos/vision_tasks/unet_view.py: the mask, variant and score views on hand-made masks; each number a
caption states is recomputed from the same data."""
import numpy as np
import torch

from demos.vision_tasks import tasks, unet_view


def test_error_overlay_marks_exactly_the_wrong_pixels():
    true = np.zeros((4, 4), int)
    pred = true.copy()
    pred[1, 2] = 3
    out = unet_view.error_overlay(np.full((4, 4, 3), 0.5, np.float32), pred, true)
    red = (out == tasks.to_uint8(np.array([0.84, 0.1, 0.0]))).all(-1)
    assert red.sum() == 1 and red[1, 2]
    # background IoU 15/16; triangle appears only in the prediction: IoU 0 (circle, rectangle absent: not listed)
    assert unet_view.masks_caption(true, pred) == ("1 of 16 pixels (6.2%) are labelled wrongly; "
                                                   "IoU per class: background 0.94, triangle 0.00.")
    assert unet_view.masks_caption(true, true).startswith("0 of 16 pixels (0.0%)")
    fig = unet_view.masks_figure(np.full((4, 4, 3), 0.5, np.float32), true, pred)
    assert [t.type for t in fig.data] == ["image"] * 3 and np.array_equal(fig.data[2].z, out)


def test_variants_view_counts_each_variants_wrong_pixels():
    true = np.zeros((4, 4), np.int64)
    masks = {name: torch.zeros(1, 4, 4, dtype=torch.long) for name in unet_view.VARIANTS}
    masks[unet_view.VARIANTS[1]][0, :2] = 2  # half the pixels wrong with the skips zeroed
    text = unet_view.variants_caption(masks, true)
    assert text == ("This scene through the four variants: skips, cross-entropy: 0.0% of pixels wrong; skips zeroed at "
                    "inference: 50.0% of pixels wrong; trained without skips: 0.0% of pixels wrong; skips, Dice loss: "
                    "0.0% of pixels wrong.")
    fig = unet_view.variants_figure(np.full((4, 4, 3), 0.5, np.float32), masks)
    assert [a.text for a in fig.layout.annotations] == list(unet_view.VARIANTS) and len(fig.data) == 4


def test_the_scores_view_ranks_the_variants_by_mean_shape_iou():
    def s(iou):  # Dice = 2·IoU / (1 + IoU) per class
        iou = np.array(iou)
        return {"iou": iou, "dice": 2 * iou / (1 + iou)}
    scores = {"a": s([0.99, 0.9, 0.8, 0.7]), "b": s([0.99, 0.5, 0.4, np.nan])}
    assert unet_view.mean_shape(scores["a"]) == np.mean([0.9, 0.8, 0.7])  # background left out
    assert unet_view.mean_shape(scores["b"]) == np.mean([0.5, 0.4])  # a class absent everywhere is skipped
    text = unet_view.scores_caption(scores, n=3)
    assert text.startswith("Mean IoU of the three shape classes on 3 held-out scenes: a 0.800; b 0.450. Best: a; worst: b.")
    fig = unet_view.scores_figure(scores, "dice")
    assert [t.name for t in fig.data] == ["a", "b"] and np.allclose(fig.data[0].y, scores["a"]["dice"])
    assert fig.layout.yaxis.title.text == "held-out Dice"
