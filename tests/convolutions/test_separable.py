"""Depthwise separable convolution against torch's own grouped and 1×1 convolutions, its parameter
counts against sum(p.numel()), and the multiply-add formulas against a hand count."""
import itertools

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from demos.convolutions import separable


def test_separable_layer_equals_a_grouped_conv_then_a_pointwise_conv_with_copied_weights():
    torch.manual_seed(0)
    layer = separable.DepthwiseSeparable(5, 7, k=3, padding=1)
    depthwise = nn.Conv2d(5, 5, 3, padding=1, groups=5)  # the field's definition: groups = C_in
    pointwise = nn.Conv2d(5, 7, 1)
    with torch.no_grad():
        for mine, ref in ((layer.depthwise, depthwise), (layer.pointwise, pointwise)):
            ref.weight.copy_(mine.weight)
            ref.bias.copy_(mine.bias)
    x = torch.randn(2, 5, 9, 9)
    torch.testing.assert_close(layer(x), pointwise(depthwise(x)))
    # and by hand: channel c filtered alone by its own kernel, then a weighted sum over channels per pixel
    alone = torch.cat([F.conv2d(x[:, c:c + 1], layer.depthwise.weight[c:c + 1], layer.depthwise.bias[c:c + 1], padding=1)
                       for c in range(5)], dim=1)
    mixed = torch.einsum("oc,bchw->bohw", layer.pointwise.weight[:, :, 0, 0], alone) + layer.pointwise.bias[:, None, None]
    torch.testing.assert_close(layer(x), mixed)


@pytest.mark.parametrize("block,width", itertools.product(separable.BLOCKS, (4, 8, 32)))
def test_parameter_and_multiply_add_formulas_equal_the_counts_on_the_real_net(block, width):
    net = separable.digit_cnn(block, width)
    assert separable.formula_costs(block, width)["params"] == sum(p.numel() for p in net.parameters())
    assert separable.formula_costs(block, width) == separable.counted_costs(net)


def test_separable_net_swaps_every_conv_but_the_first():
    net = separable.digit_cnn("separable", 8)
    kinds = [type(m).__name__ for m in net.features.modules() if isinstance(m, (nn.Conv2d, separable.DepthwiseSeparable))]
    # the first 1->8 conv stays; 3 separable blocks, each with its own 2 convs
    assert kinds[0] == "Conv2d" and kinds.count("DepthwiseSeparable") == 3
    assert separable.digit_cnn("standard", 8).features[1][0].groups == 1


def test_multiply_add_formulas_against_a_hand_count():
    # C_in = 2, C_out = 3, 3×3 kernel, 4×4 output: standard = 3·16 outputs × (2·9) products = 864;
    # separable = depthwise 2·16 outputs × 9 + pointwise 3·16 outputs × 2 = 288 + 96 = 384
    assert separable.conv_macs(2, 3, 3, 4, 4) == 864
    assert separable.separable_macs(2, 3, 3, 4, 4) == 384
    # and by literally counting the products of a loop over every output value
    standard = sum(1 for _o, _i, _j, _c, _u, _v in itertools.product(range(3), range(4), range(4), range(2), range(3), range(3)))
    depth = sum(1 for _c, _i, _j, _u, _v in itertools.product(range(2), range(4), range(4), range(3), range(3)))
    point = sum(1 for _o, _i, _j, _c in itertools.product(range(3), range(4), range(4), range(2)))
    assert (standard, depth + point) == (864, 384)
    # the counting hook on a real layer agrees (6×6 input, padding 0 -> 4×4 output)
    seq = nn.Sequential(separable.DepthwiseSeparable(2, 3, 3, padding=0), nn.Flatten(), nn.Linear(48, 1))
    counted = separable.counted_costs(nn.Sequential(nn.Upsample(size=(6, 6)), nn.Conv2d(1, 2, 1, bias=False), seq))
    assert counted["conv_macs"] == 384 + 36 * 2  # + the 1×1 1->2 conv that makes two channels: 2·36 outputs × 1


def test_compare_caption_states_the_recorded_numbers():
    from demos.convolutions import training

    runs = {b: training.committed(b) for b in separable.BLOCKS}
    text = separable.compare_caption(runs, training.WIDTH)
    assert f"{separable.formula_costs('separable', training.WIDTH)['params']:,}" in text
    assert f"{runs['standard']['test_acc']:.1%} against {runs['separable']['test_acc']:.1%}" in text
    assert len(separable.compare_figure(runs).data) == 2


def test_cost_table_rows_agree_and_separable_is_cheaper():
    standard, sep = separable.cost_table(8)
    for r in (standard, sep):
        assert r["params (formula)"] == r["params (counted)"]
        assert r["conv MACs (formula)"] == r["conv MACs (counted)"]
    assert sep["conv MACs (counted)"] < standard["conv MACs (counted)"] / 3  # 3 of 4 convs ~1/8+1/9 cheaper


def test_seeded_dropout_is_dropout_with_its_own_generator():
    drop = separable.SeededDropout(0.25, torch.Generator().manual_seed(0))
    x = torch.ones(20000)
    y = drop(x)
    kept = (y != 0).float().mean().item()
    assert abs(kept - 0.75) < 0.02 and torch.allclose(y[y != 0], torch.tensor(1 / 0.75))  # inverted dropout
    again = separable.SeededDropout(0.25, torch.Generator().manual_seed(0))
    torch.manual_seed(123)  # the global generator plays no part
    assert torch.equal(again(x), y) and torch.equal(drop.eval()(x), x)


def test_agreement_sentence_counts_disagreements():
    rows = separable.cost_table(8)
    assert "agree on 4 of 4 numbers" in separable.agreement_sentence(rows)
    broken = ({**rows[0], "params (counted)": 0}, rows[1])
    assert "agree on 3 of 4 numbers" in separable.agreement_sentence(broken)
