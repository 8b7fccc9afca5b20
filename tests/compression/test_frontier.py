"""demos/compression/frontier.py: every frontier point's accuracy (and bytes) recomputed from its committed
weights equals the committed measurement; the caption and card read it."""
import warnings

import pytest

from demos.compression import frontier, measure, results
from models.data import mnist_split
from models.registry import load_pretrained

warnings.filterwarnings("ignore", message=".*quantiz.*")


@pytest.fixture(scope="module")
def front():
    return results.load_json(results.FRONTIER)


def test_every_point_is_recomputed_from_its_committed_weights(front):
    split = mnist_split()
    assert set(front["points"]) == set(frontier.POINTS)
    for name, p in front["points"].items():
        model, state = frontier.build(name, load_pretrained)
        assert measure.accuracy(model, split.test_images, split.test_labels) == pytest.approx(p["accuracy"], abs=1e-4), name
        bytes_ = measure.torch_save_bytes(model) if state is None else measure.safetensors_bytes(state)
        assert abs(bytes_ - p["bytes"]) <= (64 if state is None else 0), name  # torch.save's zip headers may vary


def test_caption_card_and_click(front):
    best = frontier.smallest_close(front, 1.0, "bytes")
    t, b = front["points"]["teacher"], front["points"][best]
    assert b["accuracy"] >= t["accuracy"] - 0.01 and b["bytes"] <= t["bytes"]
    assert f"the smallest is “{best}”" in frontier.frontier_caption(front, "bytes on disk")
    assert "fastest" in frontier.frontier_caption(front, "latency")
    assert f"{t['accuracy']:.1%}" in frontier.point_card(front, "student (distilled)")
    assert frontier.clicked_point({"customdata": "pruned 80%"}) == "pruned 80%"
    assert frontier.clicked_point({"customdata": "nonsense"}) is None


def test_the_log_axis_ticks_are_explicit_1_2_5_values_spanning_the_points():
    # 36.5 kB … 780 kB: the 1-2-5 values within [36.5 / 1.5, 780 · 1.5] = [24.3, 1170]
    assert frontier.log_ticks([36.5, 390.0, 780.0]) == [50.0, 100.0, 200.0, 500.0, 1000.0]
