"""The committed shape models: loaded through the registry, their held-out scores recomputed on the test
scenes equal their cards' and meet the bars the cards set; U-Net skips zeroed is a different net's output."""
import pytest
import torch

from demos.vision_tasks import scenes as sc
from models import load_pretrained, metadata
from train import shape_detector, shape_unet


def test_the_detector_meets_its_held_out_map_and_presence_accuracy():
    card = metadata("shape_detector")
    model = load_pretrained("shape_detector")
    data, images, *_ = shape_detector.tensors("test", card["data"]["test"], model.config)
    got = shape_detector.evaluate(model, data, images)
    assert got["map50"] == pytest.approx(card["metrics"]["test_map50"], abs=2e-3)
    assert got["map50"] >= card["metric_bar"]["test_map50"]
    assert got["presence_exact"] >= card["metric_bar"]["test_presence_exact"]
    assert sum(p.numel() for p in model.parameters()) * 4 < 400_000  # a few hundred KB


@pytest.mark.parametrize("name", list(shape_unet.VARIANTS))
def test_each_unet_meets_its_held_out_mean_iou(name):
    card, model = metadata(name), load_pretrained(name)
    images, masks = sc.to_tensors(sc.scenes("test", card["data"]["test"]))
    got = shape_unet.evaluate(model, images, masks)
    assert got["mean_iou"] == pytest.approx(card["metrics"]["test_mean_iou"], abs=2e-3)
    assert got["mean_iou"] >= card["metric_bar"]["test_mean_iou"]
    assert model.config.skips == shape_unet.VARIANTS[name][0]


def test_zeroing_the_skips_changes_the_output_and_a_skipless_net_has_no_skip_inputs():
    unet, noskip = load_pretrained("shape_unet"), load_pretrained("shape_unet_noskip")
    x, _ = sc.to_tensors(sc.scenes("test", 2))
    with torch.no_grad():
        assert not torch.allclose(unet(x), unet(x, zero_skips=True))
        assert torch.equal(noskip(x), noskip(x, zero_skips=True))  # nothing to zero
    assert noskip.dec1[0].in_channels == unet.dec1[0].in_channels // 2
