"""demos/compression/quantisation.py: fake quantisation equals torch.quantize_per_tensor /
quantize_per_channel round trips at 8 bits, the rounding error bound at any width, int8 storage."""
import warnings

import pytest
import torch

from demos.compression import measure, quantisation as qz
from models.registry import load_pretrained

warnings.filterwarnings("ignore", message=".*quantiz.*")


@pytest.fixture(scope="module")
def w():
    return torch.randn(12, 40, generator=torch.Generator().manual_seed(0)) * 0.2 + 0.05


def test_affine_per_tensor_equals_torch_quint8_round_trip(w):
    scale, zero = qz.qparams(w, 8, False, False)
    q, deq, _ = qz.quantise(w, 8, False, False)
    ref = torch.quantize_per_tensor(w, float(scale), int(zero), torch.quint8)
    assert torch.equal(ref.int_repr().to(torch.int32), q) and torch.equal(ref.dequantize(), deq)


@pytest.mark.parametrize("symmetric,dtype", [(True, torch.qint8), (False, torch.quint8)])
def test_per_channel_equals_torch_round_trip(w, symmetric, dtype):
    scale, zero = qz.qparams(w, 8, symmetric, True)
    q, deq, _ = qz.quantise(w, 8, symmetric, True)
    ref = torch.quantize_per_channel(w, scale.double(), zero, 0, dtype)
    assert torch.equal(ref.int_repr().to(torch.int32), q) and torch.allclose(ref.dequantize(), deq, atol=1e-7)


@pytest.mark.parametrize("bits", [2, 3, 5])
@pytest.mark.parametrize("symmetric", [True, False])
def test_error_is_at_most_half_a_step_and_per_channel_is_no_worse(w, bits, symmetric):
    for per_channel in (False, True):
        q, deq, scale = qz.quantise(w, bits, symmetric, per_channel)
        s = scale.reshape(-1, 1) if per_channel else scale
        assert torch.all((deq - w).abs() <= s / 2 + 1e-6)
        assert len(torch.unique(q)) <= 2 ** bits
    tensor_err = (qz.quantise(w, bits, symmetric, False)[1] - w).pow(2).sum()
    channel_err = (qz.quantise(w, bits, symmetric, True)[1] - w).pow(2).sum()
    assert channel_err <= tensor_err


def test_int8_storage_is_about_a_quarter_of_the_weights_and_the_text_names_the_numbers():
    teacher = load_pretrained("mnist_cnn")
    dense, int8 = measure.safetensors_bytes(teacher.state_dict()), measure.safetensors_bytes(qz.int8_state(teacher))
    assert 0.25 < int8 / dense < 0.32  # weights 4× smaller; scales, BN and headers stay float / add bytes
    row = dict(teacher.named_modules())["features.3.0"].weight[0]
    text = qz.row_text(row, 4, False)
    scale, zero = qz.qparams(row, 4, False, False)
    assert f"= {float(scale):.5f}" in text and f"zero-point = round(−min / scale) = {int(zero)}" in text


def test_dynamic_int8_converts_only_linear_layers_and_reports_the_deprecation():
    teacher = load_pretrained("mnist_cnn")
    q, note = qz.dynamic_int8(teacher)
    kinds = {type(m).__name__ for m in q.modules()}
    assert "DynamicQuantizedLinear" in str(q) or any("Quantized" in k for k in kinds)
    assert "Conv2d" in kinds  # the convolutions stay float32
    assert isinstance(note, str)  # the warning's first line, or "" once torch stops warning
