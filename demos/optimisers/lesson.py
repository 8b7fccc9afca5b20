"""The optimisers page's lesson answers (`## Lesson` in pages/07_optimisers.md, format: ui/lesson_data.py):
each function takes a beat's URL parameters (strings; missing ones take the page's defaults, read
here the way pages/07_optimisers.py reads them) and computes the right choice by running the race."""
from __future__ import annotations

from typing import Mapping

from demos.optimisers import race, rules, surfaces

DEFAULTS = {"kappa": 50, "batch": 16, "steps": 500, "tol": -6, "seed": 0}
TOGGLES = {"sgd": "on_sgd", "momentum": "on_mom", "nesterov": "on_nag", "adagrad": "on_ada", "rmsprop": "on_rms",
           "adam": "on_adam", "adamw": "on_adamw"}
NONE = "None of them"


def view(params: Mapping[str, str]) -> dict:
    """The race a view runs: surface, runners, start, steps, kappa, batch, seed and tolerance."""
    name = params.get("surface", next(iter(surfaces.SURFACES)))
    preset = surfaces.PRESETS[name]
    value = {k: float(params.get(k, v)) for k, v in preset.items()}
    on = {n: params.get(key, "1" if n in rules.RACING_BY_DEFAULT else "0") == "1" for n, key in TOGGLES.items()}
    noisy, quadratic = name == "noisy", name in ("quadratic", "noisy")
    return {"name": name, "runners": rules.runners(on, value), "start": (value["x0"], value["y0"]),
            "steps": int(params.get("steps", DEFAULTS["steps"])),
            "kappa": float(params.get("kappa", DEFAULTS["kappa"])) if quadratic else 50.0,
            "batch": int(params.get("batch", DEFAULTS["batch"])) if noisy else 256,
            "seed": int(params.get("seed", DEFAULTS["seed"])) if noisy else 0,
            "tol": 10.0 ** float(params.get("tol", DEFAULTS["tol"]))}


def race_results(params: Mapping[str, str]) -> list[race.Result]:
    v = view(params)
    rec = race.run(v["name"], v["runners"], v["start"], v["steps"], v["kappa"], v["batch"], v["seed"])
    return race.results(rec, v["tol"])


def first_to_tolerance(params: Mapping[str, str]) -> str:
    """The optimiser (its display name) that first brings f − f* under the tolerance; NONE if none does."""
    reached = [(r.steps_to_tol, r.name) for r in race_results(params) if r.steps_to_tol is not None]
    return rules.OPTIMISERS[min(reached)[1]] if reached else NONE


def sgd_fate(params: Mapping[str, str]) -> str:
    """"Diverges" when SGD's run blows up, else "Converges" (reaches the tolerance) or "Stalls"."""
    r = next(r for r in race_results(params) if r.name == "sgd")
    return "Diverges" if r.diverged_at is not None else "Converges" if r.steps_to_tol is not None else "Stalls"
