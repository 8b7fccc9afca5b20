"""The vision-tasks page's lesson answers (`## Lesson` in pages/15_vision_tasks.md, format: ui/lesson_data.py):
each function takes a beat's URL parameters (strings; missing ones take the page's defaults, read here
the way pages/15_vision_tasks.py reads them) and computes the right choice from the page's own models."""
from __future__ import annotations

import functools
from typing import Mapping


from demos.vision_tasks import detector_view, grid, nms_view, scenes, tasks, unet_view

DEFAULTS = {"scene": "0", "score": str(tasks.SCORE_DEFAULT), "nms": str(tasks.NMS_DEFAULT),
            "nms_score": str(nms_view.NMS_SCORE_DEFAULT), "k": str(detector_view.K_DEFAULT),
            "bx": str(nms_view.B_DEFAULT["x"]), "by": str(nms_view.B_DEFAULT["y"]),
            "bw": str(nms_view.B_DEFAULT["w"]), "bh": str(nms_view.B_DEFAULT["h"])}


@functools.lru_cache(maxsize=None)
def _model(name: str):
    from models import load_pretrained

    return load_pretrained(name)


def _get(params: Mapping[str, str], key: str) -> float:
    return float(params.get(key, DEFAULTS[key]))


def _result(params: Mapping[str, str]) -> tasks.Tasks:
    s = scenes.scene(scenes.split_seed("test", int(_get(params, "scene"))))
    return tasks.run_tasks(_model("shape_detector"), _model("shape_unet"), s.image, _get(params, "score"),
                           _get(params, "nms"), s)


def boxes_kept(params: Mapping[str, str]) -> str:
    """How many boxes the hero's detector keeps (after the score threshold and NMS)."""
    return str(len(_result(params).detections.scores))


def iou_band(params: Mapping[str, str]) -> str:
    b = (_get(params, "bx"), _get(params, "by"), _get(params, "bx") + _get(params, "bw"),
         _get(params, "by") + _get(params, "bh"))
    v = nms_view.iou_parts(nms_view.BOX_A, b)["iou"]
    return "Above 0.5" if v > 0.5 else "Between 0.3 and 0.5" if v >= 0.3 else "Below 0.3"


def nms_kept(params: Mapping[str, str]) -> int:
    _, steps = nms_view.stepping(_result(params).raw, _get(params, "nms_score"), _get(params, "nms"))
    return len(steps)


def nms_kept_vs_default(params: Mapping[str, str]) -> str:
    now, default = nms_kept(params), nms_kept({**params, "nms": DEFAULTS["nms"]})
    return "More" if now > default else "Fewer" if now < default else "The same"


def anchor_fit(k: int) -> float:
    """Mean over the training boxes of the IoU with their best anchor, for k-means anchors."""
    wh = detector_view.training_boxes()
    anchors, _ = grid.kmeans_anchors(wh, k)
    return float(grid.size_iou(wh, anchors).max(1).mean())


def anchor_fit_vs_two(params: Mapping[str, str]) -> str:
    now, two = anchor_fit(int(_get(params, "k"))), anchor_fit(2)
    return "Higher" if now > two + 1e-9 else "Lower" if now < two - 1e-9 else "The same"


def worst_unet(params: Mapping[str, str]) -> str:
    nets = {"unet": _model("shape_unet"), "noskip": _model("shape_unet_noskip"), "dice": _model("shape_unet_dice")}
    means = {k: unet_view.mean_shape(v) for k, v in unet_view.held_out_scores(nets).items()}
    return min(means, key=means.get)




def more_accurate_digit_model(params: Mapping[str, str]) -> str:
    """"ViT" or "CNN": the higher held-out accuracy on the two cards (ties go to the CNN)."""
    from models import metadata

    vit, cnn = (metadata(n)["metrics"]["test_accuracy"] for n in ("digit_vit", "digit_cnn_small"))
    return "ViT" if vit > cnn else "CNN"


__all__ = ["anchor_fit_vs_two", "boxes_kept", "iou_band", "more_accurate_digit_model", "nms_kept_vs_default", "worst_unet"]
