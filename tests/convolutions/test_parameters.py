"""Parameter counts against torch's own layers, the 1-D/2-D/3-D table against torch's shapes, the
formula walked through EfficientNet, and the tab's sentences at several control values."""
import pytest
import torch
from torch import nn

from demos.convolutions import feature_maps, parameters

pytestmark = pytest.mark.filterwarnings("ignore")


def test_parameter_counts_match_torch_layers():
    assert parameters.conv_params(3, 64, 5) == sum(p.numel() for p in nn.Conv2d(3, 64, 5).parameters())
    assert parameters.conv_params(3, 8, 3, dims=3) == sum(p.numel() for p in nn.Conv3d(3, 8, 3).parameters())
    assert parameters.dense_params(784, 10) == sum(p.numel() for p in nn.Linear(784, 10).parameters())
    # the page's default: 32 3x3 filters on a 28x28 digit -> 32x26x26 = 21,632 outputs; a dense layer needs
    # 784 * 21,632 + 21,632 = 16,981,120 parameters against 32 * (9 + 1) = 320
    assert (parameters.conv_params(1, 32, 3), parameters.dense_params(784, 32 * 26 * 26)) == (320, 16_981_120)
    assert parameters.conv_params(1, 32, 3) == parameters.conv_params(1, 32, 3)  # padding is not an argument at all
    for c_in, c_out, k in ((1, 32, 3), (64, 64, 3), (3, 8, 5)):  # depthwise (groups = c_in), then pointwise 1x1
        layers = nn.Sequential(nn.Conv2d(c_in, c_in, k, groups=c_in), nn.Conv2d(c_in, c_out, 1))
        assert parameters.separable_params(c_in, c_out, k) == sum(p.numel() for p in layers.parameters())


def test_the_comparison_and_its_caption():
    counts = parameters.comparison(torch.Size([1, 28, 28]), 32, 3, 1, 0, 1)
    assert (counts["oh"], counts["ow"], counts["conv"], counts["dense"]) == (26, 26, 320, 16_981_120)
    assert parameters.no_fit_note(counts) is None
    text = parameters.params_caption(counts)
    # 16,981,120 / 320 = 53,066
    assert text.startswith("On the 1×28×28 input, 32 filters of 3×3 make a 32×26×26 output with 320 parameters; "
                           "a dense layer from the same input to the same output needs 16,981,120 (53,066× more).")
    # separable on one channel: 1·(9 + 1) + 32·(1 + 1) = 74 < 320, 4.3× fewer; on 64 → 64 channels,
    # 64·10 + 64·65 = 4,800 against 64·(576 + 1) = 36,928 (the sentence's example)
    assert counts["separable"] == 74 and "needs 74: 4.3× fewer than the conv layer." in text
    assert parameters.separable_params(64, 64, 3) == 4_800 and parameters.conv_params(64, 64, 3) == 36_928
    few = parameters.comparison((1, 28, 28), 1, 3, 1, 0, 1)  # 1 filter: 1·10 + 1·2 = 12 > 10
    assert "no fewer than the conv layer here: with 1 input channel" in parameters.params_caption(few)
    assert len(parameters.params_figure(320, 16_981_120, 74).data[0].x) == 3
    padded = parameters.comparison((1, 28, 28), 32, 3, 1, 1, 1)  # padding 1: 28 x 28 out, the conv count unchanged
    assert padded["conv"] == 320 and padded["dense"] == 784 * 32 * 784 + 32 * 784
    photo = parameters.comparison((3, 224, 224), 8, 5, 2, 2, 1)  # ⌊(224 + 4 − 4 − 1)/2⌋ + 1 = 112
    assert "8 filters of 5×5 make a 8×112×112 output with 608 parameters" in parameters.params_caption(photo)
    assert parameters.no_fit_note(parameters.comparison((1, 28, 28), 4, 7, 1, 0, 3)) is None  # span 19 ≤ 28
    wide = parameters.comparison((1, 4, 4), 4, 7, 1, 0, 1)  # ⌊(4 − 6 − 1)/1⌋ + 1 = −2: nothing out
    assert wide["dense"] == 0 and parameters.no_fit_note(wide) == (
        "This kernel does not fit the 4×4 image: no output to count parameters for.")


def test_dims_table_formula_equals_torch():
    for row in parameters.dims_table((3, 224, 224), 3, 2, 1, 1, 16):
        assert row["output (formula)"] == row["output (torch)"]
    assert [r["parameters"] for r in parameters.dims_table((1, 28, 28), 3, 1, 0, 1, 8)] == [8 * (300 * 3 + 1), 80,
                                                                                           8 * (3 * 27 + 1)]
    too_big = parameters.dims_table((1, 28, 28), 7, 1, 0, 3, 8)  # span 19: fits 28 and 50, not the 16 frames
    assert [r["output (formula)"] for r in too_big][2] == "kernel does not fit" and too_big[2]["output (torch)"] == "error"


def test_shape_walk_through_efficientnet_and_its_caption(effnet):
    from demos.images import photo, photo_input

    layers, _ = feature_maps.network_layers(effnet, photo_input(photo("coffee")))
    rows = parameters.shape_walk(layers)
    # the table's own formula string ends in the side it computes: it must be the measured one
    assert all(row["measured"] == int(row["formula"].rsplit("= ", 1)[1]) for row in rows)
    assert rows[0]["padding (before+after)"] == "0+1"  # TF 'SAME' at stride 2 on 224 px: one zero, after
    assert [parameters.formula_side(layer) for layer in layers] == [row["measured"] for row in rows]
    assert parameters.shape_walk_caption("EfficientNet-Lite0", layers).startswith(
        "EfficientNet-Lite0: the output-size formula matches the measured side at 18 of 18 layers")
    wrong = [feature_maps.Layer("x", "x", torch.zeros(1, 5, 5), 10, 3, 1, 1, (0, 0), 3, 1, 1.0)]  # formula says 8
    assert "at 0 of 1 layers" in parameters.shape_walk_caption("t", wrong)
