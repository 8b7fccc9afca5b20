"""The receptive-field recurrence against autograd, where a channel peaks and its box, and the
growth chart's caption."""
import numpy as np
import pytest
import torch
from torch import nn

from demos.convolutions import receptive_fields
from demos.convolutions.feature_maps import Layer

pytestmark = pytest.mark.filterwarnings("ignore")


def test_receptive_field_recurrence_matches_autograd():
    specs = [(3, 1, 1, 1), (3, 2, 1, 1), (5, 1, 2, 4), (2, 2, 1, 0), (3, 1, 1, 1)]  # (k, s, d, pad)
    layers = [nn.Conv2d(1, 1, k, s, p, d, bias=False) for k, s, d, p in specs]
    for conv in layers:
        nn.init.constant_(conv.weight, 1.0)
    net = nn.Sequential(*layers)
    x = torch.zeros(1, 1, 96, 96, requires_grad=True)
    out = net(x)
    (rf, jump, start) = receptive_fields.receptive_fields(specs)[-1]
    i = out.shape[-1] // 2
    (grad,) = torch.autograd.grad(out[0, 0, i, i], x)
    cols = grad[0, 0].abs().sum(0).nonzero().squeeze(1)
    assert len(cols) == rf and cols.max() - cols.min() + 1 == rf
    assert (cols.min() + cols.max()).item() / 2 == start + i * jump


def test_peak_and_its_caption():
    maps = torch.zeros(4, 3, 5)
    maps[2, 1, 4], maps[0] = 9.0, 1.0  # channel 2: one strong unit at row 1, column 4
    layer = Layer("t", "t", maps, 10, 3, 2, 1, (1, 1), rf=5, jump=2, start=0.0)
    r, c, box = receptive_fields.peak(layer, 2)
    assert (r, c) == (1, 4) and box == (8 - 2 - .5, 2 - 2 - .5, 8 + 2 + .5, 2 + 2 + .5)
    assert receptive_fields.peak_caption(layer, 2, 3, r, c) == (
        "Channel 2 (rank 3) responds most at row 1, column 4 of its map; the orange box is the 5×5-px input patch "
        "that unit can see (clipped to the image).")


def test_receptive_field_figure_draws_the_box_clipped_to_the_image():
    fig = receptive_fields.receptive_field_figure(np.zeros((28, 28), np.uint8), (-5.5, 3.5, 10.5, 19.5), "t")
    shape = fig.layout.shapes[0]
    assert (shape.x0, shape.y0, shape.x1, shape.y1) == (-.5, 3.5, 10.5, 19.5)
    assert fig.data[0].source.startswith("data:image/png;base64,")


def test_growth_chart_and_caption():
    layers = [Layer(f"conv {i}", "t", torch.zeros(1, 2, 2), 28, 3, 1, 1, (1, 1), rf, 1, 0.0)
              for i, rf in enumerate((3, 5, 16))]
    assert receptive_fields.growth_caption(layers, 28) == (
        "The receptive field grows from 3 px to 16 px (the image is 28 px): each k×k layer adds (k − 1)·jump, "
        "each stride multiplies the jump.")
    fig = receptive_fields.growth_figure(layers, 28)
    assert list(fig.data[0].y) == [3, 5, 16] and list(fig.data[1].y) == [28, 28, 28]
