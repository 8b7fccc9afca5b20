"""The sliding dot product and the output-size formula against F.conv2d and hand-computed values; the
hero player's frames against the real windows; the hero's sentences at several control values."""
import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from demos.convolutions import kernels, sliding
from demos.text import signed

pytestmark = pytest.mark.filterwarnings("ignore")


# ---------------------------------------------------------------- the formula
def test_output_size_formula_equals_conv2d_over_a_grid():
    checked = failed_both = 0
    for n, k, s, p, d in itertools.product((1, 4, 7, 14, 28), range(1, 6), range(1, 4), range(3), range(1, 4)):
        ours = sliding.conv_out(n, k, s, 2 * p, d)
        try:
            theirs = F.conv2d(torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k), stride=s, padding=p, dilation=d).shape[-1]
        except RuntimeError:  # torch refuses a kernel wider than the padded input: so must the formula
            assert ours < 1, (n, k, s, p, d)
            failed_both += 1
            continue
        assert ours == theirs, (n, k, s, p, d)
        checked += 1
    assert (checked, failed_both) == (534, 141)  # 675 combinations; both branches really exercised


def test_the_seed_worked_example_gives_10_at_stride_3_not_28():
    # 28x28, 3x3 kernel, padding 1: (28 + 2 - 2 - 1)/1 + 1 = 28 at stride 1; floor(27/3) + 1 = 10 at stride 3
    assert sliding.formula_text(28, 3, 1, 1, 1).endswith("= 28")
    assert sliding.formula_text(28, 3, 3, 1, 1) == "⌊(28 + 2·1 − 1·(3 − 1) − 1) / 3⌋ + 1 = 10"
    assert sliding.same_padding(3) == 1 and sliding.same_padding(5, dilation=2) == 4 and sliding.same_padding(4) is None
    assert sliding.output_sides((28, 14), 3, 3, 1, 1) == [10, 5]  # floor(13/3) + 1 = 5 columns


# ---------------------------------------------------------------- the sliding dot product
@pytest.mark.parametrize("stride,padding,dilation", [(1, 0, 1), (2, 1, 1), (1, 2, 2), (3, 1, 2), (2, 0, 3)])
def test_hand_written_sliding_dot_product_equals_conv2d(stride, padding, dilation):
    g = torch.Generator().manual_seed(stride * 100 + padding * 10 + dilation)
    x = torch.randn(3, 11, 13, generator=g, dtype=torch.float64)  # several channels, not square
    w = torch.randn(3, 3, 3, generator=g, dtype=torch.float64)
    ours = sliding.convolve(x.numpy(), w.numpy(), stride, padding, dilation)
    ref = F.conv2d(x[None], w[None], stride=stride, padding=padding, dilation=dilation)[0, 0]
    np.testing.assert_allclose(ours, ref.numpy(), atol=1e-12)


def test_a_hand_computed_window():
    # x = [[1,2,3],[4,5,6],[7,8,9]], Sobel x = [[-1,0,1],[-2,0,2],[-1,0,1]]:
    # (3-1)·1 + (6-4)·2 + (9-7)·1 = 2 + 4 + 2 = 8; no padding, so one output value
    x = np.arange(1.0, 10.0).reshape(3, 3)
    assert sliding.convolve(x[None], kernels.kernel("sobel_x", 3)[None]).tolist() == [[8.0]]
    # Sobel y: (7-1)·1 + (8-2)·2 + (9-3)·1 = 24
    assert sliding.convolve(x[None], kernels.kernel("sobel_y", 3)[None]).tolist() == [[24.0]]
    text = sliding.dot_product_text(x * kernels.kernel("sobel_x", 3), x, kernels.kernel("sobel_x", 3), 0, 0)
    assert text.startswith("out[0, 0] = 1·(−1) + 2·0 + 3·1 + 4·(−2)") and text.endswith("= 8.000")
    # beyond 3 x 3, a summary: 16 products of 1·(−1), the largest (first) at row 0, column 0
    big = sliding.dot_product_text(-np.ones((4, 4)), np.ones((4, 4)), -np.ones((4, 4)), 2, 1)
    assert big == "out[2, 1] = sum of 16 products = (−16.000)   (largest: 1·(−1) at kernel row 0, column 0)"


def test_convolve_refuses_a_kernel_that_does_not_fit():
    with pytest.raises(ValueError, match="spans 7 px"):
        sliding.convolve(np.ones((1, 4, 4)), np.ones((1, 4, 4)), dilation=2)


def test_torch_check_reports_the_shape_and_agreement():
    shape, diff = sliding.torch_check(np.random.default_rng(1).random((14, 14)), kernels.kernel("sharpen", 3), 2, 1, 1)
    assert shape == (1, 1, 7, 7) and diff < 1e-12


# ---------------------------------------------------------------- the hero figure and its sentences
def test_slide_figure_frames_are_the_real_windows():
    x = np.random.default_rng(0).random((9, 9))
    w = kernels.kernel("sharpen", 3)
    fig = sliding.slide_figure(x, w, 2, 1, 1)
    out = sliding.convolve(x[None], w[None], 2, 1, 1)
    assert len(fig.frames) == out.size == 25
    for i in (0, 7, 24):
        r, c = divmod(i, 5)
        products = np.array(fig.frames[i].data[0].z)
        assert products.sum() == pytest.approx(out[r, c])
        total = signed(out[r, c], ".3f")  # a negative sum is written in parentheses
        assert fig.frames[i].data[2].text[0].endswith(f"= {f'({total})' if total.startswith('−') else total}")
    big = sliding.slide_figure(np.ones((16, 16)), kernels.kernel("box", 1), 1, 3, 1)  # 22 x 22 = 484 positions
    assert len(big.frames) == sliding.MAX_FRAMES


def test_output_side_text_and_span_note():
    image = np.random.default_rng(2).random((14, 14))
    text = sliding.output_side_text(image, kernels.kernel("sobel_x", 3), 1, 0, 1)
    assert text.startswith("**Output side** ⌊(14 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 = 12 · `F.conv2d`: shape (1, 1, 12, 12)")
    text = sliding.output_side_text(np.ones((4, 5)), kernels.kernel("sobel_x", 3), 1, 0, 1)  # not square: per axis
    assert "rows ⌊(4 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 = 2 and columns ⌊(5 + 2·0" in text and "(1, 1, 2, 3)" in text
    # a 7x7 kernel spans 7 px; a 2x2 grid padded by 1 is 4 x 4
    assert sliding.span_note((2, 2), 7, 1, 1).startswith("The kernel spans 7 px but the padded input is only 4 × 4")
    assert sliding.span_note((2, 3), 3, 0, 3).startswith("The kernel spans 7 px but the padded input is only 2 × 3")


@pytest.mark.parametrize("side,k,stride,padding,dilation,picture,expected", [
    # 14 px, 3x3: 12 x 12 = 144 positions, p = (3 − 1)/2 = 1 keeps the size
    (14, 3, 1, 0, 1, "digit 7, example 0", ["reads 3×3 pixels of the 14×14 grey version of the digit 7, example 0, ",
                                            "moving 1 px at a time (144 positions). Padding p = 1 would keep the size"]),
    # span 3·(5 − 1) + 1 = 13: ⌊(14 + 2 − 12 − 1)/2⌋ + 1 = 2 per axis, 4 positions; p = 3·4/2 = 6
    (14, 5, 2, 1, 3, None, ["reads 5×5 pixels 3 px apart of the typed grid, ", "(4 positions). Padding p = 6 would"]),
    (14, 4, 1, 0, 1, None, ["(121 positions). An even kernel span cannot keep the size with symmetric padding."]),
    # a 16-px photo padded by 1: 16 x 16 = 256 positions, more than the player's 150
    (16, 3, 1, 1, 1, "coffee", ["of the 16×16 grey version of the coffee",
                                "(256 positions; the player shows 150 of them, evenly spread)."]),
])
def test_slide_caption_follows_the_controls(side, k, stride, padding, dilation, picture, expected):
    fig = sliding.slide_figure(np.ones((side, side)), np.ones((k, k)), stride, padding, dilation)
    text = sliding.slide_caption((side, side), k, stride, padding, dilation, len(fig.frames), picture)
    assert text.startswith("Press ▶ Play or drag the slider: the red window reads")
    for part in expected:
        assert part in text, (part, text)
