"""The compression page's lesson answers (`## Lesson` in pages/18_compression.md, format:
ui/lesson_data.py): each takes a beat's URL parameters (strings; missing ones take the page's defaults)
and computes the right choice from the committed measurements the hero shows."""
from __future__ import annotations

from typing import Mapping

from demos.compression import frontier, results

DEFAULTS = {"x": frontier.AXES[0], "model": frontier.DEFAULT_POINT}


def _front() -> dict:
    return results.load_json(results.FRONTIER)


def smallest_close(params: Mapping[str, str]) -> str:
    """The version with the fewest bytes on disk within 1 point of the teacher's held-out accuracy."""
    return frontier.smallest_close(_front(), frontier.CLOSE_POINTS, "bytes")


def fastest_close(params: Mapping[str, str]) -> str:
    """The version with the lowest measured latency within 1 point of the teacher's accuracy. An
    "int8 weights" copy runs as the same float layers as the model it comes from, so it answers for it."""
    best = frontier.smallest_close(_front(), frontier.CLOSE_POINTS, "latency_ms")
    return RUNS_AS.get(best, best)


RUNS_AS = {"teacher int8 weights": "teacher", "channels halved int8": "channels halved"}


def pruned_smaller(params: Mapping[str, str]) -> str:
    """"Yes" when the 80%-pruned model (stored dense) takes under 95% of the teacher's bytes."""
    p = _front()["points"]
    return "Yes" if p["pruned 80%"]["bytes"] < 0.95 * p["teacher"]["bytes"] else "No"


def dynamic_shrink(params: Mapping[str, str]) -> str:
    """How many times smaller quantize_dynamic makes the teacher, rounded to the choices."""
    p = _front()["points"]
    ratio = p["teacher"]["bytes"] / p["teacher dynamic int8"]["bytes"]
    return "about 4×" if ratio > 3 else "about 2×" if ratio > 1.7 else "less than 1.5×"


def distilled_beats_hard(params: Mapping[str, str]) -> str:
    """"Yes" when the distilled student's held-out accuracy is above the hard-label student's."""
    p = _front()["points"]
    return "Yes" if p["student (distilled)"]["accuracy"] > p["student (hard labels)"]["accuracy"] else "No"
