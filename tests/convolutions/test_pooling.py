"""Pooling against torch, shifting, shift equivariance at the stride and the invariance meter, and
the tab's captions at several control values."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from demos.convolutions import kernels, pooling

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.mark.parametrize("size,stride", [(2, 2), (3, 1), (3, 2), (2, 3), (4, 4)])
def test_pooling_equals_torch(size, stride):
    x = torch.randn(13, 11, generator=torch.Generator().manual_seed(size * 10 + stride), dtype=torch.float64)
    np.testing.assert_allclose(pooling.pool2d(x.numpy(), size, stride, "max"), F.max_pool2d(x[None, None], size, stride)[0, 0])
    np.testing.assert_allclose(pooling.pool2d(x.numpy(), size, stride, "avg"), F.avg_pool2d(x[None, None], size, stride)[0, 0])


def test_pool_fits():
    # 28 px, 3x3 conv at stride 4: ⌊25/4⌋ + 1 = 7 ≥ 4; at stride 4 with dilation 3: ⌊21/4⌋ + 1 = 6 < 7
    assert pooling.pool_fits((28, 28), 3, 4, 0, 1, 4) and not pooling.pool_fits((28, 28), 3, 4, 0, 3, 7)
    assert not pooling.pool_fits((6, 3), 3, 1, 0, 1, 2)  # the narrow side decides: 1 column


def test_shift_moves_content_and_fills_with_zeros():
    x = torch.arange(1.0, 26.0).view(1, 1, 5, 5)
    moved = pooling.shift(x, 2, 1)
    assert torch.equal(moved[..., 1:, 2:], x[..., :4, :3]) and moved[..., :1, :].abs().sum() == 0
    assert moved[..., :, :2].abs().sum() == 0
    assert torch.equal(pooling.shift(pooling.shift(x, -2), 2)[..., 2:], x[..., 2:])
    assert pooling.shift(x, 9).abs().sum() == 0


@pytest.mark.parametrize("stride", [1, 2, 3])
def test_a_shift_by_the_stride_moves_the_feature_map_by_exactly_one_cell(stride):
    x = np.zeros((30, 30))
    x[8:20, 10:17] = np.random.default_rng(stride).random((12, 7))  # an object away from the borders
    w = kernels.kernel("sobel_x", 3)
    fmap = F.conv2d(torch.from_numpy(x)[None, None], torch.from_numpy(w)[None, None], stride=stride, padding=1)[0, 0].numpy()
    for move in (stride, 2 * stride):
        moved = F.conv2d(pooling.shift(torch.from_numpy(x)[None, None], move), torch.from_numpy(w)[None, None],
                         stride=stride, padding=1)[0, 0].numpy()
        assert pooling.equivariance_error(fmap, moved, move // stride, border=1) == 0.0
    if stride > 1:  # a shift that is not a multiple of the stride cannot move the map by whole cells
        moved = F.conv2d(pooling.shift(torch.from_numpy(x)[None, None], 1), torch.from_numpy(w)[None, None],
                         stride=stride, padding=1)[0, 0].numpy()
        assert pooling.equivariance_error(fmap, moved, 0, border=1) > 0.1


def bar() -> np.ndarray:
    x = np.zeros((28, 28))
    x[6:22, 12:16] = 1.0
    return x


def test_invariance_meter():
    x = bar()
    meter = pooling.invariance_meter(x, kernels.kernel("sobel_x", 3), 1, 1, 1, 2, 2, range(5))
    assert all(v[0] == 0 for v in meter.values())  # no shift, no change
    assert max(meter["feature map, moved back"]) < 1e-12  # equivariance at stride 1
    assert meter["feature map"][1] > 0.5 and meter["global max"][3] == 0  # the map moves; its maximum does not
    strided = pooling.invariance_meter(x, kernels.kernel("sobel_x", 3), 2, 1, 1, 2, 2, range(5))
    assert math.isnan(strided["feature map, moved back"][1]) and strided["feature map, moved back"][2] < 1e-12


@pytest.mark.parametrize("stride,move", [(1, 2), (2, 4), (2, 3), (1, 0)])
def test_stages_and_their_captions(stride, move):
    x, w = bar(), kernels.kernel("sobel_x", 3)
    stages = pooling.shift_stages(x, w, stride, 1, 1, 2, 2, move)
    meter = pooling.invariance_meter(x, w, stride, 1, 1, 2, 2, pooling.METER_SHIFTS)
    assert np.array_equal(stages["shifted"]["input"], pooling.shift(torch.from_numpy(x), move).numpy())
    text = pooling.stages_caption(stages, meter, move, stride)
    if move % stride == 0:  # whole cells: the map moved exactly (the bar is far from the borders)
        assert stages["equivariance_error"] == 0.0
        assert text.startswith(f"Shifted {move} px: the feature map moved by exactly {move // stride} cell(s)")
    else:
        assert stages["equivariance_error"] is None
        assert text.startswith(f"A {move}-px shift is not a multiple of the stride {stride}")
    assert text.endswith(f"the max-pooled map changed by {meter['max-pooled'][move]:.0%}, the average-pooled map by "
                         f"{meter['average-pooled'][move]:.0%} (relative L2).")
    line = pooling.meter_caption(meter, move)
    assert line.startswith(f"At {move} px the input changed by {meter['input'][move]:.0%}")
    assert (move == 0) == line.startswith("At 0 px the input changed by 0% and the feature map by 0%")
    assert len(pooling.meter_figure(meter).data) == 6 and len(pooling.stages_figure(stages).data) == 8


def test_a_kernel_whose_reach_leaves_no_interior_says_so_instead_of_exactly():
    # the case: k = 7, dilation 3 on a 28-px digit. The window spans 3·6 + 1 = 19 px, so every output
    # cell is within 19 cells of a border and none is left to compare: the caption said "moved by exactly
    # 2 cells (largest difference … nan)" and the meter drew 0 for "moved back"
    x = np.zeros((28, 28))
    x[8:20, 12:15] = 1.0
    w = np.random.default_rng(0).standard_normal((7, 7))
    stages = pooling.shift_stages(x, w, 1, 3, 3, 2, 2, 2)
    meter = pooling.invariance_meter(x, w, 1, 3, 3, 2, 2, pooling.METER_SHIFTS)
    assert math.isnan(stages["equivariance_error"])
    assert all(math.isnan(v) for v in meter["feature map, moved back"])
    text = pooling.stages_caption(stages, meter, 2, 1)
    assert "exactly" not in text and "nan" not in text
    assert text.startswith("Shifted 2 px: with this kernel size and dilation no cell of the feature map lies far enough")
    assert "'Moved back' is missing everywhere" in pooling.meter_caption(meter, 2)
    # and the same kernel at dilation 1 (a 7-px window) leaves an interior where the move is exact
    exact = pooling.shift_stages(x, w, 1, 3, 1, 2, 2, 2)
    assert exact["equivariance_error"] < 1e-12
    assert "moved by exactly 2 cell(s)" in pooling.stages_caption(exact, pooling.invariance_meter(
        x, w, 1, 3, 1, 2, 2, pooling.METER_SHIFTS), 2, 1)


def test_a_map_that_did_not_move_exactly_is_not_called_exact():
    x = np.zeros((28, 28))
    x[8:20, 12:15] = 1.0
    w = np.ones((3, 3))
    stages = pooling.shift_stages(x, w, 1, 1, 1, 2, 2, 2)
    meter = pooling.invariance_meter(x, w, 1, 1, 1, 2, 2, pooling.METER_SHIFTS)
    stages["equivariance_error"] = 0.25  # as if the moved-back map differed inside (it cannot, here)
    assert "but away from the borders it still differs by up to 2.5e-01" in pooling.stages_caption(stages, meter, 2, 1)
