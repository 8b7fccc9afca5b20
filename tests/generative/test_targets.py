"""The 2-D targets and coverage: real samples cover every region, a point mass covers one."""
import numpy as np
import pytest
import torch

from demos.generative import targets


def test_unknown_target_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown target"):
        targets.skeleton("donut")


@pytest.mark.parametrize("target", list(targets.TARGETS))
def test_real_samples_cover_every_region_and_a_point_mass_covers_one(target):
    real = targets.sample_target(target, 1000, torch.Generator().manual_seed(0)).numpy()
    regions, quality = targets.coverage(target, real)
    assert regions == targets.REGIONS[target] and quality > 0.97  # 3 sigma holds 98.9% of a 2-D Gaussian
    pts, _ = targets.skeleton(target)
    regions, quality = targets.coverage(target, np.repeat(pts[:1], 1000, 0))
    assert regions == 1 and quality == 1.0
