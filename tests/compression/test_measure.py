"""demos/compression/measure.py: bytes equal the file safetensors writes, accuracy equals a plain count."""
import torch
from safetensors.torch import save_file

from demos.compression import measure
from models.registry import load_pretrained


def test_bytes_equal_the_written_file_and_accuracy_counts_hits(tmp_path):
    model = load_pretrained("compression_student_kd")
    path = tmp_path / "w.safetensors"
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(path))
    assert measure.safetensors_bytes(model.state_dict()) == path.stat().st_size
    x = torch.rand(30, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        y = model(x).argmax(1)
    y[:3] = (y[:3] + 1) % 10  # three wrong labels: 27 of 30 right
    assert measure.accuracy(model, x, y, batch=7) == 27 / 30
    assert measure.latency_ms(model, batch=4, repeats=2) > 0
