"""The generative page's lesson answers (`## Lesson` in pages/11_generative.md, format: ui/lesson_data.py):
a beat's URL parameters (missing ones take the page's defaults, gan_2d.DEFAULTS) -> the committed 2-D
GAN run the hero replays (models/results/generative_*.npz), read like its caption."""
from __future__ import annotations

from typing import Mapping

from demos.generative import committed, gan_2d
from demos.generative.targets import REGIONS


def regions_covered(params: Mapping[str, str]) -> tuple[int, int]:
    """(regions the generated points cover at the end, regions of the target) of the committed run;
    ValueError for a view whose run is not committed (a beat must open at once)."""
    values = dict(gan_2d.DEFAULTS) | {k: v for k, v in params.items() if k in gan_2d.DEFAULTS}
    values |= {k: int(values[k]) for k in ("d_steps", "latent", "width", "iters")}
    rec = committed.committed_run(*committed.preset_args(values, int(params.get("seed", committed.SEED))))
    if rec is None:
        raise ValueError(f"no committed 2-D GAN run for {params}")
    return int(rec.frames["regions"][-1]), REGIONS[values["target"]]


def covers_all(params: Mapping[str, str]) -> str:
    """"Yes" when the generated points cover every region of the target at the end of training."""
    got, k = regions_covered(params)
    return "Yes" if got == k else "No"
