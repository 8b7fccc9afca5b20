"""The vision-tasks page's lesson answers (`## Lesson` in pages/15_vision_tasks.md, format: ui/lesson_data.py):
each function takes a beat's URL parameters (strings; missing ones take the page's defaults, read here
the way pages/15_vision_tasks.py reads them) and computes the right choice from what the hero shows. Every
beat opens the hero (scene, score, nms, truth): a slide in presenter mode shows nothing below it."""
from __future__ import annotations

import functools
from typing import Mapping

from demos.vision_tasks import scenes, tasks

DEFAULTS = {"scene": "0", "score": str(tasks.SCORE_DEFAULT), "nms": str(tasks.NMS_DEFAULT), "truth": "1"}


@functools.lru_cache(maxsize=None)
def _model(name: str):
    from models import load_pretrained

    return load_pretrained(name)


def _get(params: Mapping[str, str], key: str) -> float:
    return float(params.get(key, DEFAULTS[key]))


def _result(params: Mapping[str, str]) -> tasks.Tasks:
    """The hero's three models on the beat's held-out scene, at its score and NMS thresholds."""
    s = scenes.scene(scenes.split_seed("test", int(_get(params, "scene"))))
    return tasks.run_tasks(_model("shape_detector"), _model("shape_unet"), s.image, _get(params, "score"),
                           _get(params, "nms"), s)


def kept(params: Mapping[str, str]) -> int:
    """How many boxes the hero's detector draws (after the score threshold and NMS)."""
    return len(_result(params).detections.scores)


def shapes(params: Mapping[str, str]) -> int:
    """How many shapes the beat's held-out scene really holds (its dotted true boxes)."""
    return len(scenes.scene(scenes.split_seed("test", int(_get(params, "scene")))).labels)


def boxes_kept(params: Mapping[str, str]) -> str:
    return str(kept(params))


def kept_vs_default_nms(params: Mapping[str, str]) -> str:
    """Whether the beat's NMS threshold keeps more boxes than the default one, on the same scene and score."""
    now, default = kept(params), kept({**params, "nms": DEFAULTS["nms"]})
    return "More" if now > default else "Fewer" if now < default else "The same"


def boxes_vs_shapes(params: Mapping[str, str]) -> str:
    """The hero's box count against the scene's true shape count."""
    n, truth = kept(params), shapes(params)
    return ("More boxes than shapes" if n > truth else "Fewer boxes than shapes" if n < truth
            else "As many boxes as shapes")


__all__ = ["boxes_kept", "boxes_vs_shapes", "kept_vs_default_nms"]
