"""Transposed convolution against F.conv_transpose2d and autograd (stamping, output size, adjoint not
inverse), the checkerboard counts, and the tab's captions at several control values."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from demos.convolutions import transposed

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.mark.parametrize("k,s", [(1, 1), (2, 2), (3, 2), (4, 2), (3, 3), (5, 2)])
def test_stamping_equals_conv_transpose2d(k, s):
    g = torch.Generator().manual_seed(k * 10 + s)
    x = torch.randn(4, 5, generator=g, dtype=torch.float64)
    w = torch.randn(k, k, generator=g, dtype=torch.float64)
    out, steps = transposed.stamp(x.numpy(), w.numpy(), s)
    ref = F.conv_transpose2d(x[None, None], w[None, None], stride=s)[0, 0]
    np.testing.assert_allclose(out, ref.numpy(), atol=1e-12)
    assert len(steps) == 20 and np.array_equal(steps[-1], out)
    assert out.shape == (transposed.transposed_out(4, k, s), transposed.transposed_out(5, k, s))


@pytest.mark.parametrize("k,s,p,d,op", [(3, 2, 1, 1, 1), (4, 2, 1, 1, 0), (3, 1, 0, 2, 0), (5, 3, 2, 1, 2)])
def test_transposed_output_size_equals_torch(k, s, p, d, op):
    y = F.conv_transpose2d(torch.zeros(1, 1, 7, 7), torch.zeros(1, 1, k, k), stride=s, padding=p, dilation=d,
                           output_padding=op)
    assert y.shape[-1] == transposed.transposed_out(7, k, s, p, d, op)


@pytest.mark.parametrize("k,s", [(3, 1), (3, 2), (4, 3), (2, 2)])
def test_transposed_conv_is_the_adjoint_of_conv_and_not_its_inverse(k, s):
    x = np.random.default_rng(k * s).random((13, 13))
    check = transposed.adjoint_check(x, k, s, seed=3)
    assert check["conv_dot_y"] == pytest.approx(check["x_dot_convT"], rel=1e-10)
    assert check["inverse_error"] > 0.1
    # independently: the gradient of <conv(x), y> with respect to x IS conv_transpose(y)
    xt = torch.from_numpy(x)[None, None].requires_grad_(True)
    w = torch.randn(1, 1, k, k, dtype=torch.float64)
    y = torch.randn(F.conv2d(xt, w, stride=s).shape, dtype=torch.float64)
    (grad,) = torch.autograd.grad((F.conv2d(xt, w, stride=s) * y).sum(), xt)
    pad = tuple(13 - transposed.transposed_out(y.shape[-1], k, s) for _ in range(2))
    assert torch.allclose(grad, F.conv_transpose2d(y, w, stride=s, output_padding=pad))
    text = transposed.adjoint_text(check)
    assert f"⟨conv(x), y⟩ = {check['conv_dot_y']:.6f} and ⟨x, convᵀ(y)⟩ = {check['x_dot_convT']:.6f}" in text
    assert f"misses x by {check['inverse_error']:.0%} (relative L2)" in text


def test_checkerboard_counts():
    # k=3, s=2: output pixels alternate between 1 and 2 overlaps per axis, so 1, 2 and 4 stamps (2x2)
    assert transposed.interior_values(transposed.overlap_counts(6, 3, 2), 3, 2) == [1, 2, 4]
    assert transposed.interior_values(transposed.overlap_counts(6, 4, 2), 4, 2) == [4]  # k a multiple of s: even
    assert transposed.interior_values(transposed.resize_conv_counts(6, 3, 2), 3, 2, "resize") == [9]  # k² inside
    # the interior is exact, never the whole array: k = 5, s = 1 stamps 25 on every pixel from 4 to 5 (the
    # borders count 1…20); resize at s = 1 is a plain 'same' conv, 9 wherever the 3 x 3 window fits
    assert transposed.interior_values(transposed.overlap_counts(6, 5, 1), 5, 1) == [25]
    assert transposed.interior_values(transposed.resize_conv_counts(6, 3, 1), 3, 1, "resize") == [9]
    for k in range(1, 6):  # against a brute-force count of the windows that reach each pixel
        for s in range(1, 4):
            counts = transposed.overlap_counts(6, k, s)
            reach = [[i for i in range(-k, 20) if i * s <= p < i * s + k] for p in range(counts.shape[0])]
            full = [p for p, inputs in enumerate(reach) if all(0 <= i < 6 for i in inputs)]  # no window cut off
            expected = sorted({int(counts[a, b]) for a in full for b in full})
            assert transposed.interior_values(counts, k, s) == expected, (k, s)
    flat = transposed.upsample(np.ones((8, 8)), 4, 2, "transposed")
    assert np.allclose(flat[4:-4, 4:-4], 1.0)  # brightness kept where the overlap is even
    bumpy = transposed.upsample(np.ones((8, 8)), 3, 2, "transposed")[4:-4, 4:-4]
    assert bumpy.max() / bumpy.min() == pytest.approx(4.0)
    assert np.allclose(transposed.upsample(np.ones((8, 8)), 3, 2, "resize")[2:-2, 2:-2], 1.0)


@pytest.mark.parametrize("k,s,stamps,fixed,uneven", [(3, 2, "1, 2, 4", "9", True), (4, 2, "4", "16", False),
                                                      (3, 1, "9", "9", False), (2, 3, "0, 1", "4", True),
                                                      (5, 1, "25", "25", False)])
def test_checkerboard_and_upsample_captions(k, s, stamps, fixed, uneven):
    # a k-wide kernel every s px: (k/s)² stamps when s divides k, else uneven counts (0 where k < s);
    # resize then conv: k² wherever the window fits (the k = 5, s = 1 said "1, 2, …, 25" and "4, 6, 9")
    text = transposed.checkerboard_caption(k, s)
    assert f"gives pixels {stamps} stamps" + (" — uneven, the checkerboard" if uneven else " — even") in text
    assert text.endswith(f"nearest resize then a {k}×{k} conv gives {fixed}.")
    image = np.random.default_rng(0).random((14, 14))
    line = transposed.upsample_caption(image, k, s)
    assert line.startswith(f"The image at 14×14 upsampled ×{s} with the same box kernel both ways; ")
    assert line.endswith("paints the stamp pattern over it." if uneven else "both are smooth.")
    assert len(transposed.checkerboard_figure(k, s).data) == 2 and len(transposed.upsample_figure(image, k, s).data) == 2


@pytest.mark.parametrize("source,k,s,side", [("ones", 3, 2, 9), ("image", 4, 3, 19), ("ones", 1, 1, 4)])
def test_stamp_input_figure_and_caption(source, k, s, side):
    # output side (n − 1)·s + k: 4 ones: 3·2 + 3 = 9, 3·1 + 1 = 4; the 6 x 6 image: 5·3 + 4 = 19
    small = transposed.stamp_input(source, torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(0)))
    assert small.shape == ((4, 4) if source == "ones" else (6, 6))
    fig = transposed.stamp_figure(small, np.ones((k, k)), s)
    assert len(fig.frames) == small.size
    text = transposed.stamp_caption(small, k, s)
    assert text.endswith(f"Output side ({small.shape[0]} − 1)·{s} + {k} = {side}.")
    assert text.startswith(f"Each of the {small.size} input pixels adds (its value × the {k}×{k} kernel of ones)")
