"""demos/compression/results.py: the committed teacher logits are the teacher's."""
import torch

from demos.compression import results
from models.registry import load_pretrained


def test_committed_logits_are_the_teachers_on_the_same_digits():
    d = results.teacher_data()
    assert d["fit_logits"].shape == (len(d["fit_x"]), 10) and d["test_logits"].shape == (1000, 10)
    teacher = load_pretrained("mnist_cnn")
    with torch.no_grad():
        for split in ("fit", "val", "test"):
            x = d[f"{split}_x"][::97]
            # float16 on disk: logits up to ~30 are kept to within 0.02
            assert torch.allclose(teacher(x), d[f"{split}_logits"][::97], atol=0.05)
