"""The anomaly page's lesson answers (`## Lesson` in pages/03_anomaly_detection.md, format:
ui/lesson_data.py): a beat's URL parameters (missing ones take the page's defaults, as
pages/03_anomaly_detection.py reads them) -> the hero's operating point, by the page's own functions."""
from __future__ import annotations

import functools
from typing import Mapping

import torch

from demos.anomaly_detection import scoring, thresholds
from models.data import mnist_split, one_class_split
from models.registry import load_pretrained

DEFAULTS = {"normal": "7", "detector": "mnist_ae", "rule": "percentile", "q": "95.0", "k": "2.0", "others": "1",
            "corrupted": "1", "seed": "0"}


@functools.lru_cache(maxsize=2)
def _model(name: str) -> torch.nn.Module:
    return load_pretrained(name)


@functools.lru_cache(maxsize=16)
def _scores(detector: str, normal: int, others: bool, corrupted: bool, seed: int) -> scoring.Scores:
    data = mnist_split()
    with torch.no_grad():
        return scoring.score_mixture(_model(detector), data.test_images, data.test_labels, one_class_split(normal)[1],
                                     normal, others, corrupted, seed)


def operating_point(params: Mapping[str, str]) -> dict:
    """The hero's counts and rates for these parameters."""
    p = DEFAULTS | dict(params)
    scores = _scores(p["detector"], int(p["normal"]), p["others"] == "1", p["corrupted"] == "1", int(p["seed"]))
    return thresholds.operating_point(scores, thresholds.threshold(p["rule"], scores.validation, float(p["q"]),
                                                                   float(p["k"])))


def few_false_alarms(params: Mapping[str, str]) -> str:
    """"Yes" when under 10% of the normal test digits are flagged."""
    return "Yes" if operating_point(params)["false_alarms"] < 0.10 else "No"


def precision_or_recall(params: Mapping[str, str]) -> str:
    """"Precision" or "Recall", whichever is higher at this threshold."""
    point = operating_point(params)
    return "Precision" if point["precision"] > point["recall"] else "Recall"
