"""demos.style_transfer.fast: the Magenta network changes the picture quickly, takes any shape the
upload gate lets through, and refuses weights whose checksum does not match."""
import json

import pytest
import torch

from demos.images import photo, to_tensor
from demos.style_transfer import fast, inputs
from models import ChecksumError, load_pretrained


@pytest.fixture(scope="module")
def net(pretrained):
    return pretrained("magenta_arbitrary_style")


def test_fast_network_output(net):  # its speed is measured in bench/bench_style_transfer.py, not here
    content = inputs.resize_longer(to_tensor(photo("coffee")), 200)
    out = fast.fast_stylize(net, content, inputs.pattern("swirl", 256))
    assert out.shape == content.shape and 0 <= out.min() and out.max() <= 1
    assert (out - content).abs().mean() > 0.05  # it really changed the picture


def test_fast_network_checksum_is_enforced(tmp_path):
    from models.registry import WEIGHTS_DIR
    NAME = "magenta_arbitrary_style"
    meta = json.loads((WEIGHTS_DIR / f"{NAME}.json").read_text())
    meta["files"]["transform"]["sha256"] = "0" * 64
    (tmp_path / f"{NAME}.json").write_text(json.dumps(meta))
    with pytest.raises(ChecksumError):
        load_pretrained(NAME, weights_dir=tmp_path)


@pytest.mark.parametrize("shape", [(1000, 40), (40, 1000), (1, 1), (5000, 200)])
def test_fast_network_takes_any_shape_the_upload_gate_lets_through(shape, net):
    """The gate refuses sides more than 25:1 apart; everything it accepts must stylise (a 1 x 20,000
    image used to crash reflect padding)."""
    content = inputs.resize_longer(torch.rand(1, 3, *shape), 128)
    out = fast.fast_stylize(net, content, torch.rand(1, 3, 256, 256))
    assert out.shape == content.shape and torch.isfinite(out).all()


def test_fast_caption():
    assert fast.fast_caption(0.456) == ("Fast network (Magenta): 0.46 s for two forward passes "
                                        "(style prediction, then the transfer network); style strength 100%. It has "
                                        "no style weight: the weight sliders steer the optimisation only.")
