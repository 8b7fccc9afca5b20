"""The layer taps against the models' own forward passes, shift equivariance of the trained models at
their strides, the shared models untouched, the strongest channels, the answer, and the captions."""
import numpy as np
import pytest
import torch

from demos.convolutions import channels, feature_maps, filters, parameters, pooling, shifts
from models import class_names, load_pretrained

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def coffee():
    from demos.images import photo, photo_input

    return photo_input(photo("coffee"))


def test_network_layers_follow_the_models_and_the_formula(mnist, mnist_cnn, effnet, coffee):
    layers, logits = feature_maps.network_layers(mnist_cnn, mnist.test_images[:1])
    assert torch.allclose(logits, mnist_cnn(mnist.test_images[:1]), atol=1e-5)
    assert [l.name for l in layers] == ["conv 1", "conv 2", "pool 1", "conv 3", "conv 4", "pool 2"]
    assert [l.rf for l in layers] == [3, 5, 6, 10, 14, 16] and layers[-1].jump == 4
    layers, logits = feature_maps.network_layers(effnet, coffee)
    assert torch.allclose(logits, effnet(coffee), atol=1e-4)  # the taps run the real forward pass
    assert len(layers) == 18 and layers[0].maps.shape == (32, 112, 112) and layers[-1].maps.shape == (1280, 7, 7)
    assert all(row["measured"] == int(row["formula"].rsplit("= ", 1)[1]) for row in parameters.shape_walk(layers))
    assert layers[-1].jump == 32 and layers[-1].rf > 224
    assert feature_maps.layer_named(layers, "block 9") is layers[10] and layers[10].name == "block 9"
    with pytest.raises(TypeError, match="no feature taps"):
        feature_maps.network_layers(torch.nn.Linear(2, 2), coffee)


def test_same_pads_follow_tensorflow():
    # 'SAME' at stride s: ceil(n/s) outputs need (ceil(n/s) − 1)·s + k − n zeros, the odd one after
    assert feature_maps.same_pads(224, 3, 2) == (0, 1) and feature_maps.same_pads(112, 5, 2) == (1, 2)
    assert feature_maps.same_pads(14, 3, 1) == (1, 1) and feature_maps.same_pads(7, 1, 1) == (0, 0)


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
    before = {l.name: l for l in feature_maps.network_layers(model, x)[0]}
    after = {l.name: l for l in feature_maps.network_layers(model, pooling.shift(x, move, move))[0]}
    for layer_name in tapped:
        layer, cells = before[layer_name], move // before[layer_name].jump
        keep = interior(layer, cells, x.shape[-1])
        assert len(keep) >= 2, "some units see no padding"
        moved = [j + cells for j in keep]
        a = layer.maps[:, keep][:, :, keep]
        b = after[layer_name].maps[:, moved][:, :, moved]
        assert torch.allclose(a, b, atol=1e-4), (layer_name, float((a - b).abs().max()))
        assert a.abs().max() > 0.1  # not trivially zero


def test_feature_extraction_leaves_the_shared_models_untouched(mnist, coffee):
    for name, x in (("mnist_cnn", mnist.test_images[:3]), ("efficientnet_lite0", coffee)):
        model = load_pretrained(name)  # fresh: no other test can have touched it
        before = {k: v.clone() for k, v in model.state_dict().items()}
        feature_maps.network_layers(model, x[:1])
        channels.channel_sum(model, x[:1], 0)
        filters.first_filters(model)[:] = 0  # a copy: writing to it changes nothing
        shifts.prediction_vs_shift(model, x, None, [2])
        assert not model.training
        assert all(p.grad is None and p.requires_grad for p in model.parameters())
        assert all(torch.equal(v, model.state_dict()[k]) for k, v in before.items())
        assert not any(m._forward_hooks or m._forward_pre_hooks or m._backward_hooks for m in model.modules())


def test_top_channels_and_mosaic():
    maps = torch.zeros(4, 3, 5)
    maps[2, 1, 4], maps[0] = 9.0, 1.0  # channel 2: one strong unit; channel 0: weak everywhere (mean 1 vs 0.6)
    assert feature_maps.top_channels(maps, 2) == [0, 2]
    values, ids = feature_maps.mosaic(maps, [2, 0, 1], cols=2)
    assert values.shape == (2 * 4 - 1, 2 * 6 - 1) and np.isnan(values[3]).all() and ids[1, 4] == 2
    order = feature_maps.top_channels(maps, 4)
    assert [feature_maps.channel_at_rank(order, r) for r in (1, 2, 16)] == [0, 2, order[-1]]  # past the end: the last
    layer = feature_maps.Layer("t", "3×3 conv", maps, 10, 3, 2, 1, (1, 1), rf=5, jump=2, start=0.0)
    # channels 1 and 3 are all zero; the strongest on average is channel 0
    assert feature_maps.mosaic_caption(layer, order) == (
        "t (3×3 conv): 4 maps of 3×5; each unit sees a 5×5-px patch, neighbours 2 px apart. Strongest on average: "
        "channel 0; 2 maps are all zero for this image.")
    assert feature_maps.channel_caption(layer, 2) == "Channel 2: from 0.00 to 9.00."
    assert feature_maps.mosaic_figure(layer, order[:2]).layout.title.text == "t: 2 of 4 maps (3×5), strongest first"
    assert feature_maps.channel_figure(layer, 2).layout.title.text == "t, channel 2"


def test_top_classes_from_the_tapped_logits_match_the_model_zoo(mnist, mnist_cnn):
    from demos.prediction import predict_topk
    x = mnist.test_images[:1]
    _, logits = feature_maps.network_layers(mnist_cnn, x)
    ours = feature_maps.top_classes(logits, class_names("mnist_cnn"))
    theirs = predict_topk(mnist_cnn, x, class_names("mnist_cnn"))
    assert [n for n, _ in ours] == [n for n, _ in theirs] and [p for _, p in ours] == pytest.approx([p for _, p in theirs])
    assert feature_maps.predicted_label(logits, class_names("mnist_cnn")) == ours[0][0]


def test_answer_caption():
    top5 = [("7", 0.987), ("1", 0.01)]
    assert feature_maps.answer_caption("Digit CNN", top5, "7") == "Digit CNN says “7” (99%); the true label is 7."
    assert feature_maps.answer_caption("E", [("espresso", 0.5)], None) == "E says “espresso” (50%)."
    bars = feature_maps.answer_figure(top5, "7").data[0]  # best at the top, the true class in orange
    assert list(bars.y) == ["1", "7"] and list(bars.marker.color) == ["#0072B2", "#E69F00"]
