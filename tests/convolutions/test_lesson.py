"""demos/convolutions/lesson.py: the hero's output side against torch's own convolution."""
import pytest
import torch

from demos.convolutions import lesson


@pytest.mark.parametrize("k, s, p, d", [(3, 1, 0, 1), (3, 1, 1, 1), (3, 2, 0, 1), (3, 1, 0, 2), (5, 3, 2, 1)])
def test_output_side_matches_torch(k, s, p, d):
    out = torch.nn.functional.conv2d(torch.zeros(1, 1, 14, 14), torch.zeros(1, 1, k, k), stride=s, padding=p, dilation=d)
    assert lesson.output_side({"k": str(k), "stride": str(s), "padding": str(p), "dilation": str(d)}) == str(out.shape[-1])


def test_photos_and_typed_numbers_have_their_own_input_sides():
    assert lesson.input_side({"family": "photos"}) == 16
    assert lesson.input_side({"typed": "1"}) == 6  # kernels.DEFAULT_GRID has six rows
