"""Convolutions against independent references: torch.nn.functional (conv2d, pools, conv_transpose2d),
autograd (adjoint, receptive fields), hand-computed values; shift equivariance of the trained models
at their strides; the shared models untouched; the page with every tab and hostile typed input."""
import ast
import itertools
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from conftest import ROOT, captions, open_page, plotly_specs
from demos import convolution as cv
from demos import feature_maps as fm
from demos.images import photo, photo_input
from models import load_pretrained

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/09_convolutions.py"


@pytest.fixture(scope="module")
def coffee():
    return photo_input(photo("coffee"))


# ---------------------------------------------------------------- the formula and the sliding dot product
def test_output_size_formula_equals_conv2d_over_a_grid():
    checked = failed_both = 0
    for n, k, s, p, d in itertools.product((1, 4, 7, 14, 28), range(1, 6), range(1, 4), range(3), range(1, 4)):
        ours = cv.conv_out(n, k, s, 2 * p, d)
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
    assert cv.formula_text(28, 3, 1, 1, 1).endswith("= 28")
    assert cv.formula_text(28, 3, 3, 1, 1) == "⌊(28 + 2·1 − 1·(3 − 1) − 1) / 3⌋ + 1 = 10"
    assert cv.same_padding(3) == 1 and cv.same_padding(5, dilation=2) == 4 and cv.same_padding(4) is None


@pytest.mark.parametrize("stride,padding,dilation", [(1, 0, 1), (2, 1, 1), (1, 2, 2), (3, 1, 2), (2, 0, 3)])
def test_hand_written_sliding_dot_product_equals_conv2d(stride, padding, dilation):
    g = torch.Generator().manual_seed(stride * 100 + padding * 10 + dilation)
    x = torch.randn(3, 11, 13, generator=g, dtype=torch.float64)  # several channels, not square
    w = torch.randn(3, 3, 3, generator=g, dtype=torch.float64)
    ours = cv.convolve(x.numpy(), w.numpy(), stride, padding, dilation)
    ref = F.conv2d(x[None], w[None], stride=stride, padding=padding, dilation=dilation)[0, 0]
    np.testing.assert_allclose(ours, ref.numpy(), atol=1e-12)


def test_a_hand_computed_window():
    # x = [[1,2,3],[4,5,6],[7,8,9]], Sobel x = [[-1,0,1],[-2,0,2],[-1,0,1]]:
    # (3-1)·1 + (6-4)·2 + (9-7)·1 = 2 + 4 + 2 = 8; no padding, so one output value
    x = np.arange(1.0, 10.0).reshape(3, 3)
    assert cv.convolve(x[None], cv.kernel("sobel_x", 3)[None]).tolist() == [[8.0]]
    # Sobel y: (7-1)·1 + (8-2)·2 + (9-3)·1 = 24
    assert cv.convolve(x[None], cv.kernel("sobel_y", 3)[None]).tolist() == [[24.0]]
    text = cv.dot_product_text(x * cv.kernel("sobel_x", 3), x, cv.kernel("sobel_x", 3), 0, 0)
    assert text.startswith("out[0, 0] = 1·(−1) + 2·0 + 3·1 + 4·(−2)") and text.endswith("= 8.000")


def test_convolve_refuses_a_kernel_that_does_not_fit():
    with pytest.raises(ValueError, match="spans 7 px"):
        cv.convolve(np.ones((1, 4, 4)), np.ones((1, 4, 4)), dilation=2)


def test_presets():
    assert cv.kernel("sobel_x", 3).tolist() == [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    np.testing.assert_array_equal(cv.kernel("sobel_x", 5), np.outer([1, 4, 6, 4, 1], [-1, -2, 0, 2, 1]))
    for k in range(1, 8):
        assert cv.kernel("blur", k).sum() == pytest.approx(1) and cv.kernel("box", k).sum() == pytest.approx(1)
        assert cv.kernel("edge", k).sum() == pytest.approx(0) and cv.kernel("sharpen", k).sum() == pytest.approx(1)
        np.testing.assert_array_equal(cv.kernel("sobel_y", k), cv.kernel("sobel_x", k).T)
    x = np.random.default_rng(0).random((9, 9))  # identity with 'same' padding returns the image
    np.testing.assert_array_equal(cv.convolve(x[None], cv.kernel("identity", 5)[None], padding=2), x)
    with pytest.raises(ValueError):
        cv.kernel("nonsense", 3)


def test_torch_check_reports_the_shape_and_agreement():
    shape, diff = cv.torch_check(np.random.default_rng(1).random((14, 14)), cv.kernel("sharpen", 3), 2, 1, 1)
    assert shape == (1, 1, 7, 7) and diff < 1e-12


# ---------------------------------------------------------------- typed grids (hostile input corpus)
BAD_GRIDS = {
    "": "empty", "   \n \n": "empty", "1 2\n3": "different lengths", "1 2 x": "not a number",
    "nan 1": "not a number", "inf 1": "not a number", "1e999 1": "between", "2000 1": "between",
    "<script>alert(1)</script>": "not a number", "`rm -rf` 1": "not a number", "1,,2;3 4 5": "different lengths",
    "\n".join(["1"] * 13): "too many", " ".join(["1"] * 13): "too many", "١ ٢": "not a number", "0x10 1": "not a number",
}


@pytest.mark.parametrize("text", list(BAD_GRIDS))
def test_bad_typed_grids_get_a_clear_message(text):
    with pytest.raises(cv.GridError, match=BAD_GRIDS[text]):
        cv.parse_grid(text)
    values, message = cv.read_grid(text, cv.DEFAULT_GRID)
    assert message and values.shape == (6, 6)


def test_good_typed_grids():
    np.testing.assert_array_equal(cv.parse_grid("1, 2.5; -3 4e-1"), [[1, 2.5], [-3, 0.4]])
    assert cv.parse_grid(cv.DEFAULT_CUSTOM, 7, square=True).tolist() == [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]
    with pytest.raises(cv.GridError, match="square"):
        cv.parse_grid("1 2 3\n4 5 6", square=True)
    assert cv.read_grid("1 2\n3 4", cv.DEFAULT_GRID) == (pytest.approx(np.array([[1, 2], [3, 4]])), None)


# ---------------------------------------------------------------- pooling and shifts
@pytest.mark.parametrize("size,stride", [(2, 2), (3, 1), (3, 2), (2, 3), (4, 4)])
def test_pooling_equals_torch(size, stride):
    x = torch.randn(13, 11, generator=torch.Generator().manual_seed(size * 10 + stride), dtype=torch.float64)
    np.testing.assert_allclose(cv.pool2d(x.numpy(), size, stride, "max"), F.max_pool2d(x[None, None], size, stride)[0, 0])
    np.testing.assert_allclose(cv.pool2d(x.numpy(), size, stride, "avg"), F.avg_pool2d(x[None, None], size, stride)[0, 0])


def test_shift_moves_content_and_fills_with_zeros():
    x = torch.arange(1.0, 26.0).view(1, 1, 5, 5)
    moved = cv.shift(x, 2, 1)
    assert torch.equal(moved[..., 1:, 2:], x[..., :4, :3]) and moved[..., :1, :].abs().sum() == 0
    assert moved[..., :, :2].abs().sum() == 0
    assert torch.equal(cv.shift(cv.shift(x, -2), 2)[..., 2:], x[..., 2:])
    assert cv.shift(x, 9).abs().sum() == 0


@pytest.mark.parametrize("stride", [1, 2, 3])
def test_a_shift_by_the_stride_moves_the_feature_map_by_exactly_one_cell(stride):
    x = np.zeros((30, 30))
    x[8:20, 10:17] = np.random.default_rng(stride).random((12, 7))  # an object away from the borders
    w = cv.kernel("sobel_x", 3)
    fmap = F.conv2d(torch.from_numpy(x)[None, None], torch.from_numpy(w)[None, None], stride=stride, padding=1)[0, 0].numpy()
    for move in (stride, 2 * stride):
        moved = F.conv2d(cv.shift(torch.from_numpy(x)[None, None], move), torch.from_numpy(w)[None, None],
                         stride=stride, padding=1)[0, 0].numpy()
        assert cv.equivariance_error(fmap, moved, move // stride, border=1) == 0.0
    if stride > 1:  # a shift that is not a multiple of the stride cannot move the map by whole cells
        moved = F.conv2d(cv.shift(torch.from_numpy(x)[None, None], 1), torch.from_numpy(w)[None, None],
                         stride=stride, padding=1)[0, 0].numpy()
        assert cv.equivariance_error(fmap, moved, 0, border=1) > 0.1


def test_invariance_meter():
    x = np.zeros((28, 28))
    x[6:22, 12:16] = 1.0
    meter = cv.invariance_meter(x, cv.kernel("sobel_x", 3), 1, 1, 1, 2, 2, range(5))
    assert all(v[0] == 0 for v in meter.values())  # no shift, no change
    assert max(meter["feature map, moved back"]) < 1e-12  # equivariance at stride 1
    assert meter["feature map"][1] > 0.5 and meter["global max"][3] == 0  # the map moves; its maximum does not
    strided = cv.invariance_meter(x, cv.kernel("sobel_x", 3), 2, 1, 1, 2, 2, range(5))
    assert math.isnan(strided["feature map, moved back"][1]) and strided["feature map, moved back"][2] < 1e-12


def interior(layer, cells, side):
    """Units of `layer` whose receptive field, and that of the unit `cells` further on, stays inside
    the `side`-px image (no padding involved): there the network must be exactly shift-equivariant."""
    half = (layer.rf - 1) / 2
    return [j for j in range(layer.maps.shape[-1] - cells) if layer.start + j * layer.jump - half >= 0
            and layer.start + (j + cells) * layer.jump + half <= side - 1]


@pytest.mark.parametrize("name,tapped,move", [("mnist_cnn", ("conv 1", "pool 1", "pool 2"), 4),
                                               ("efficientnet_lite0", ("stem", "block 2", "block 5"), 16)])
def test_trained_networks_are_equivariant_to_shifts_by_their_stride(name, tapped, move, mnist, mnist_cnn, effnet,
                                                                    coffee):
    # a shift by a multiple of a layer's jump (product of strides) moves its map by exactly move/jump cells,
    # wherever no padding is involved: 4 px is the digit CNN's total stride, 16 px EfficientNet's at block 5
    model, x = (mnist_cnn, mnist.test_images[700:701]) if name == "mnist_cnn" else (effnet, coffee)
    before = {l.name: l for l in fm.network_layers(model, x)[0]}
    after = {l.name: l for l in fm.network_layers(model, cv.shift(x, move, move))[0]}
    for layer_name in tapped:
        layer, cells = before[layer_name], move // before[layer_name].jump
        keep = interior(layer, cells, x.shape[-1])
        assert len(keep) >= 2, "some units see no padding"
        moved = [j + cells for j in keep]
        a = layer.maps[:, keep][:, :, keep]
        b = after[layer_name].maps[:, moved][:, :, moved]
        assert torch.allclose(a, b, atol=1e-4), (layer_name, float((a - b).abs().max()))
        assert a.abs().max() > 0.1  # not trivially zero


def test_receptive_field_recurrence_matches_autograd():
    specs = [(3, 1, 1, 1), (3, 2, 1, 1), (5, 1, 2, 4), (2, 2, 1, 0), (3, 1, 1, 1)]  # (k, s, d, pad)
    layers = [nn.Conv2d(1, 1, k, s, p, d, bias=False) for k, s, d, p in specs]
    for conv in layers:
        nn.init.constant_(conv.weight, 1.0)
    net = nn.Sequential(*layers)
    x = torch.zeros(1, 1, 96, 96, requires_grad=True)
    out = net(x)
    (rf, jump, start) = fm.receptive_fields(specs)[-1]
    i = out.shape[-1] // 2
    (grad,) = torch.autograd.grad(out[0, 0, i, i], x)
    cols = grad[0, 0].abs().sum(0).nonzero().squeeze(1)
    assert len(cols) == rf and cols.max() - cols.min() + 1 == rf
    assert (cols.min() + cols.max()).item() / 2 == start + i * jump


# ---------------------------------------------------------------- the trained networks
def test_network_layers_follow_the_models_and_the_formula(mnist, mnist_cnn, effnet, coffee):
    layers, logits = fm.network_layers(mnist_cnn, mnist.test_images[:1])
    assert torch.allclose(logits, mnist_cnn(mnist.test_images[:1]), atol=1e-5)
    assert [l.name for l in layers] == ["conv 1", "conv 2", "pool 1", "conv 3", "conv 4", "pool 2"]
    assert [l.rf for l in layers] == [3, 5, 6, 10, 14, 16] and layers[-1].jump == 4
    layers, logits = fm.network_layers(effnet, coffee)
    assert torch.allclose(logits, effnet(coffee), atol=1e-4)  # the taps run the real forward pass
    assert len(layers) == 18 and layers[0].maps.shape == (32, 112, 112) and layers[-1].maps.shape == (1280, 7, 7)
    assert all(row["measured"] == int(row["formula"].rsplit("= ", 1)[1]) for row in fm.shape_walk(layers))
    assert layers[-1].jump == 32 and layers[-1].rf > 224


def test_channel_sum_rebuilds_the_layer_output(mnist, mnist_cnn, effnet, coffee):
    for model, x, n_in in ((mnist_cnn, mnist.test_images[:1], 32), (effnet, coffee, 3)):
        parts = fm.channel_sum(model, x, 5)
        assert parts["parts"].shape[0] == n_in
        assert torch.allclose(parts["parts"].sum(0), parts["layer_output"], atol=1e-4)
    assert torch.equal(fm.channel_sum(mnist_cnn, mnist.test_images[:1], 5)["kernels"], mnist_cnn.features[1][0].weight[5])


def test_feature_extraction_leaves_the_shared_models_untouched(mnist, coffee):
    for name, x in (("mnist_cnn", mnist.test_images[:3]), ("efficientnet_lite0", coffee)):
        model = load_pretrained(name)  # fresh: no other test can have touched it
        before = {k: v.clone() for k, v in model.state_dict().items()}
        fm.network_layers(model, x[:1])
        fm.channel_sum(model, x[:1], 0)
        fm.first_filters(model)[:] = 0  # a copy: writing to it changes nothing
        cv.prediction_vs_shift(model, x, None, [2])
        assert not model.training
        assert all(p.grad is None and p.requires_grad for p in model.parameters())
        assert all(torch.equal(v, model.state_dict()[k]) for k, v in before.items())
        assert not any(m._forward_hooks or m._forward_pre_hooks or m._backward_hooks for m in model.modules())


def test_prediction_vs_shift(mnist, mnist_cnn):
    x, y = mnist.balanced_test(50)
    sweep = cv.prediction_vs_shift(mnist_cnn, x, y, [-6, 0, 6])
    assert sweep["accuracy"][1] >= 0.95 and min(sweep["accuracy"][0], sweep["accuracy"][2]) < sweep["accuracy"][1]
    assert cv.prediction_vs_shift(mnist_cnn, x, None, [0])["accuracy"] == [1.0]  # its own unshifted answers


def test_top_channels_mosaic_and_peak():
    maps = torch.zeros(4, 3, 5)
    maps[2, 1, 4], maps[0] = 9.0, 1.0  # channel 2: one strong unit; channel 0: weak everywhere (mean 1 vs 0.6)
    assert fm.top_channels(maps, 2) == [0, 2]
    values, ids = fm.mosaic(maps, [2, 0, 1], cols=2)
    assert values.shape == (2 * 4 - 1, 2 * 6 - 1) and np.isnan(values[3]).all() and ids[1, 4] == 2
    layer = fm.Layer("t", "t", maps, 10, 3, 2, 1, (1, 1), rf=5, jump=2, start=0.0)
    r, c, box = fm.peak(layer, 2)
    assert (r, c) == (1, 4) and box == (8 - 2 - .5, 2 - 2 - .5, 8 + 2 + .5, 2 + 2 + .5)


def test_first_filters_are_the_models_weights(mnist_cnn, effnet):
    assert fm.first_filters(mnist_cnn).shape == (32, 1, 3, 3) and fm.first_filters(effnet).shape == (32, 3, 3, 3)
    np.testing.assert_array_equal(fm.first_filters(effnet), effnet._conv_stem.weight.detach().numpy())


# ---------------------------------------------------------------- parameters and dimensions
def test_parameter_counts_match_torch_layers():
    assert cv.conv_params(3, 64, 5) == sum(p.numel() for p in nn.Conv2d(3, 64, 5).parameters())
    assert cv.conv_params(3, 8, 3, dims=3) == sum(p.numel() for p in nn.Conv3d(3, 8, 3).parameters())
    assert cv.dense_params(784, 10) == sum(p.numel() for p in nn.Linear(784, 10).parameters())
    # the page's default: 32 3x3 filters on a 28x28 digit -> 32x26x26 = 21,632 outputs; a dense layer needs
    # 784 * 21,632 + 21,632 = 16,981,120 parameters against 32 * (9 + 1) = 320
    assert (cv.conv_params(1, 32, 3), cv.dense_params(784, 32 * 26 * 26)) == (320, 16_981_120)
    assert cv.conv_params(1, 32, 3) == cv.conv_params(1, 32, 3)  # padding is not an argument at all


def test_dims_table_formula_equals_torch():
    for row in cv.dims_table((3, 224, 224), 3, 2, 1, 1, 16):
        assert row["output (formula)"] == row["output (torch)"]
    assert [r["parameters"] for r in cv.dims_table((1, 28, 28), 3, 1, 0, 1, 8)] == [8 * (300 * 3 + 1), 80, 8 * (3 * 27 + 1)]


# ---------------------------------------------------------------- transposed convolution
@pytest.mark.parametrize("k,s", [(1, 1), (2, 2), (3, 2), (4, 2), (3, 3), (5, 2)])
def test_stamping_equals_conv_transpose2d(k, s):
    g = torch.Generator().manual_seed(k * 10 + s)
    x = torch.randn(4, 5, generator=g, dtype=torch.float64)
    w = torch.randn(k, k, generator=g, dtype=torch.float64)
    out, steps = cv.stamp(x.numpy(), w.numpy(), s)
    ref = F.conv_transpose2d(x[None, None], w[None, None], stride=s)[0, 0]
    np.testing.assert_allclose(out, ref.numpy(), atol=1e-12)
    assert len(steps) == 20 and np.array_equal(steps[-1], out)
    assert out.shape == (cv.transposed_out(4, k, s), cv.transposed_out(5, k, s))


@pytest.mark.parametrize("k,s,p,d,op", [(3, 2, 1, 1, 1), (4, 2, 1, 1, 0), (3, 1, 0, 2, 0), (5, 3, 2, 1, 2)])
def test_transposed_output_size_equals_torch(k, s, p, d, op):
    y = F.conv_transpose2d(torch.zeros(1, 1, 7, 7), torch.zeros(1, 1, k, k), stride=s, padding=p, dilation=d,
                           output_padding=op)
    assert y.shape[-1] == cv.transposed_out(7, k, s, p, d, op)


@pytest.mark.parametrize("k,s", [(3, 1), (3, 2), (4, 3), (2, 2)])
def test_transposed_conv_is_the_adjoint_of_conv_and_not_its_inverse(k, s):
    x = np.random.default_rng(k * s).random((13, 13))
    check = cv.adjoint_check(x, k, s, seed=3)
    assert check["conv_dot_y"] == pytest.approx(check["x_dot_convT"], rel=1e-10)
    assert check["inverse_error"] > 0.1
    # independently: the gradient of <conv(x), y> with respect to x IS conv_transpose(y)
    xt = torch.from_numpy(x)[None, None].requires_grad_(True)
    w = torch.randn(1, 1, k, k, dtype=torch.float64)
    y = torch.randn(F.conv2d(xt, w, stride=s).shape, dtype=torch.float64)
    (grad,) = torch.autograd.grad((F.conv2d(xt, w, stride=s) * y).sum(), xt)
    pad = tuple(13 - cv.transposed_out(y.shape[-1], k, s) for _ in range(2))
    assert torch.allclose(grad, F.conv_transpose2d(y, w, stride=s, output_padding=pad))


def test_checkerboard_counts():
    # k=3, s=2: output pixels alternate between 1 and 2 overlaps per axis, so 1, 2 and 4 stamps (2x2)
    assert cv.interior_values(cv.overlap_counts(6, 3, 2), 3, 2) == [1, 2, 4]
    assert cv.interior_values(cv.overlap_counts(6, 4, 2), 4, 2) == [4]  # k a multiple of s: even
    assert cv.interior_values(cv.resize_conv_counts(6, 3, 2), 3, 2) == [9]  # the fix: k² everywhere inside
    flat = cv.upsample(np.ones((8, 8)), 4, 2, "transposed")
    assert np.allclose(flat[4:-4, 4:-4], 1.0)  # brightness kept where the overlap is even
    bumpy = cv.upsample(np.ones((8, 8)), 3, 2, "transposed")[4:-4, 4:-4]
    assert bumpy.max() / bumpy.min() == pytest.approx(4.0)
    assert np.allclose(cv.upsample(np.ones((8, 8)), 3, 2, "resize")[2:-2, 2:-2], 1.0)


# ---------------------------------------------------------------- the hero figure
def test_slide_figure_frames_are_the_real_windows():
    x = np.random.default_rng(0).random((9, 9))
    w = cv.kernel("sharpen", 3)
    fig = cv.slide_figure(x, w, 2, 1, 1)
    out = cv.convolve(x[None], w[None], 2, 1, 1)
    assert len(fig.frames) == out.size == 25
    for i in (0, 7, 24):
        r, c = divmod(i, 5)
        products = np.array(fig.frames[i].data[0].z)
        assert products.sum() == pytest.approx(out[r, c])
        assert fig.frames[i].data[2].text[0].endswith(f"= {cv._num(out[r, c], '.3f')}")
    big = cv.slide_figure(np.ones((16, 16)), cv.kernel("box", 1), 1, 3, 1)  # 22 x 22 = 484 positions
    assert len(big.frames) == cv.MAX_FRAMES


# ---------------------------------------------------------------- the page
def test_page_takes_images_only_through_the_shared_gate():
    source = (ROOT / PAGE).read_text()
    calls = {n.func.attr for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
    assert "image_picker" in calls
    assert not calls & {"file_uploader", "open", "load_image", "frombytes", "imdecode"}


def test_page_hero_formula_and_player_follow_the_sliders():
    at = open_page(PAGE)
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "⌊(14 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 = 12" in text and "(1, 1, 12, 12)" in text
    assert len(plotly_specs(at)[0]["frames"]) == 144 and "144 positions" in captions(at)[0]
    at.slider(key="stride").set_value(2).run()
    at.slider(key="padding").set_value(1).run()
    text = " ".join(m.value for m in at.markdown)
    assert "⌊(14 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = 7" in text and "(1, 1, 7, 7)" in text
    assert len(plotly_specs(at)[0]["frames"]) == 49
    at.slider(key="dilation").set_value(3).run()
    at.slider(key="k").set_value(5).run()
    assert "3·(5 − 1)" in " ".join(m.value for m in at.markdown) and not at.exception


def test_page_custom_and_typed_values_with_hostile_input():
    at = open_page(PAGE, kernel="custom", typed="1", grid="1 2 3\n4 5 6\n7 8 9", weights="1 0\n0 -1")
    assert not at.exception and not at.error
    assert "⌊(3 + 2·0 − 1·(2 − 1) − 1) / 1⌋ + 1 = 2" in " ".join(m.value for m in at.markdown)
    for bad in ("nan", "1 2\n3", "<img src=x onerror=alert(1)>", "9" * 5000):
        at = open_page(PAGE, typed="1", grid=bad, timeout=60)
        assert not at.exception and at.error, bad
        assert "default" in at.error[0].value
    at = open_page(PAGE, kernel="custom", weights="1 2 3\n4 5 6")
    assert "square" in at.error[0].value and not at.exception
    at = open_page(PAGE, typed="1", grid="1 2\n3 4", k="7")
    assert "spans 7 px" in at.warning[0].value and not at.exception


@pytest.mark.parametrize("view,expected", [
    ("Shapes and parameters", "16,981,120"), ("Channels", "input channels of (input channel"),
    ("Pooling and shifts", "moved by exactly 2 cell(s)"), ("Transposed convolution", "1, 2, 4 stamps"),
    ("What the network sees", "Digit CNN says “7”")])
def test_page_every_tab_on_digits(view, expected):
    at = open_page(PAGE, view=view, timeout=240)
    assert not at.exception, at.exception
    assert expected in " ".join(captions(at))


def test_page_tabs_move_with_their_controls():
    at = open_page(PAGE, view="Transposed convolution")
    at.slider(key="t_k").set_value(4).run()
    assert "4 stamps — even" in " ".join(captions(at))
    at = open_page(PAGE, view="What the network sees")
    at.selectbox(key="layer_digits").set_value("pool 2").run()
    assert "16×16-px patch" in " ".join(captions(at))
    at = open_page(PAGE, view="Channels")
    at.slider(key="out_channel").set_value(7).run()
    assert "Output channel 7 of the second conv" in " ".join(captions(at))
    at = open_page(PAGE, view="Pooling and shifts", stride="2")
    at.slider(key="shift").set_value(3).run()
    assert "not a multiple of the stride 2" in " ".join(captions(at))


@pytest.mark.parametrize("view,expected", [("What the network sees", "EfficientNet-Lite0 (ImageNet) says “espresso”"),
                                           ("Channels", "EfficientNet stem is the sum over its 3 input channels")])
def test_page_on_a_photo_with_efficientnet(view, expected):
    at = open_page(PAGE, family="photos", photo="coffee", view=view, timeout=240)
    assert not at.exception, at.exception
    assert expected in " ".join(captions(at))


def test_page_non_square_typed_grid_gets_both_formulas():
    at = open_page(PAGE, typed="1", grid="1 2 3 4 5\n6 7 8 9 10\n1 1 1 1 1\n0 0 0 0 0")
    text = " ".join(m.value for m in at.markdown)
    assert "rows ⌊(4 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 = 2" in text and "columns ⌊(5 + 2·0" in text
    assert "(1, 1, 2, 3)" in text and "4×5" not in captions(at)[0] and "typed grid" in captions(at)[0]


def test_the_cached_models_are_untouched_after_every_tab_ran():
    from ui.compute import _load
    shared = {name: _load(name) for name in ("mnist_cnn", "efficientnet_lite0")}  # the server-wide cache
    for family, views in (("digits", ("Channels", "Pooling and shifts", "What the network sees")),
                          ("photos", ("Channels", "What the network sees"))):
        for view in views:
            assert not open_page(PAGE, family=family, photo="coffee", view=view, timeout=240).exception
    for name, cached in shared.items():
        assert _load(name) is cached  # the page used these very objects (AppTest runs in this process)
        assert not cached.training
        assert all(p.grad is None and p.requires_grad for p in cached.parameters())
        assert not any(m._forward_hooks or m._forward_pre_hooks or m._backward_hooks for m in cached.modules())
        fresh_state = load_pretrained(name).state_dict()
        assert all(torch.equal(v, fresh_state[k]) for k, v in cached.state_dict().items())


def test_page_says_when_the_player_skips_positions():
    at = open_page(PAGE, family="photos", photo="coffee", padding="1")  # 16 x 16 outputs = 256 positions
    assert "256 positions; the player shows 150 of them" in captions(at)[0]
    assert len(plotly_specs(at)[0]["frames"]) == 150


def test_top_classes_from_the_tapped_logits_match_the_model_zoo(mnist, mnist_cnn):
    from demos.model_zoo import predict_topk
    from models import class_names
    x = mnist.test_images[:1]
    _, logits = fm.network_layers(mnist_cnn, x)
    ours = fm.top_classes(logits, class_names("mnist_cnn"))
    theirs = predict_topk(mnist_cnn, x, class_names("mnist_cnn"))
    assert [n for n, _ in ours] == [n for n, _ in theirs] and [p for _, p in ours] == pytest.approx([p for _, p in theirs])


def test_receptive_field_figure_draws_the_box_clipped_to_the_image():
    fig = fm.receptive_field_figure(np.zeros((28, 28), np.uint8), (-5.5, 3.5, 10.5, 19.5), "t")
    shape = fig.layout.shapes[0]
    assert (shape.x0, shape.y0, shape.x1, shape.y1) == (-.5, 3.5, 10.5, 19.5)
    assert fig.data[0].source.startswith("data:image/png;base64,")
