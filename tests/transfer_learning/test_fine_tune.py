"""demos.transfer_learning.fine_tune: what is frozen stays frozen, the shared model is never touched,
every run is a function of its seed, forgetting is read by the original head."""
import copy

import pytest
import torch

from demos.transfer_learning import fine_tune, task
from models.transfer_cnn import N_FEATURE_LAYERS

pytestmark = pytest.mark.filterwarnings("ignore")


def test_trunk_then_rest_is_the_forward_pass(backbone, data):
    x = data["test_x"][:16]
    with torch.no_grad():
        full = backbone(x)
        for stop in range(N_FEATURE_LAYERS + 1):
            assert torch.allclose(backbone.rest(backbone.trunk(x, stop), stop), full, atol=1e-5)
        assert backbone.embed(x).shape == (16, 32 * 7 * 7)


def test_fine_tuning_trains_only_what_is_unfrozen_and_never_the_shared_model(backbone, data):
    before = copy.deepcopy(backbone.state_dict())
    flags = [p.requires_grad for p in backbone.parameters()]
    idx = task.shots(data["pool_y"], 5, seed=0)
    net = fine_tune.fine_tune(backbone, data["pool_x"][idx], data["pool_y"][idx], fine_tune.LAST_BLOCK, lr=1e-2, steps=5)
    for a, b in zip(net.features[:fine_tune.LAST_BLOCK].parameters(), backbone.features[:fine_tune.LAST_BLOCK].parameters()):
        assert torch.equal(a, b) and not a.requires_grad  # frozen layers: bit for bit the pretrained ones
    assert not torch.equal(net.features[4][0].weight, backbone.features[4][0].weight)  # the last block moved
    for name, tensor in net.state_dict().items():  # BatchNorm statistics stay the pretrained ones
        if "running" in name:
            assert torch.equal(tensor, before[name])
    full = fine_tune.fine_tune(backbone, data["pool_x"][idx], data["pool_y"][idx], 0, lr=1e-2, steps=5)
    assert not torch.equal(full.features[0][0].weight, backbone.features[0][0].weight)
    for name, tensor in backbone.state_dict().items():  # the cached, shared backbone is untouched
        assert torch.equal(tensor, before[name]), name
    assert [p.requires_grad for p in backbone.parameters()] == flags and not backbone.training
    assert backbone.classifier[-1].out_features == 5


def test_training_is_deterministic_under_a_seed(backbone, data):
    idx = task.shots(data["pool_y"], 2, seed=1)
    x, y = data["pool_x"][idx], data["pool_y"][idx]
    a = fine_tune.fine_tune(backbone, x, y, 0, 1e-3, steps=4, seed=3)
    torch.manual_seed(12345)  # the global generator plays no part
    b = fine_tune.fine_tune(backbone, x, y, 0, 1e-3, steps=4, seed=3)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    s1 = fine_tune.from_scratch(x, y, 8, steps=3, seed=5)
    s2 = fine_tune.from_scratch(x, y, 8, steps=3, seed=5)
    assert all(torch.equal(p, q) for p, q in zip(s1.parameters(), s2.parameters()))
    # label_sweep as a whole is checked against the committed results (test_sweep.py)


def test_the_old_head_reads_the_features_it_was_trained_on(backbone, data):
    # Nothing trained below the head (train_from = all layers): the features are the pretrained ones,
    # so the ORIGINAL 0-4 head scores exactly what the backbone scores.
    idx = task.shots(data["pool_y"], 2, seed=0)
    head_only = fine_tune.fine_tune(backbone, data["pool_x"][idx], data["pool_y"][idx], N_FEATURE_LAYERS, 1e-2, steps=3)
    ox, oy = data["old_x"], data["old_y"]
    expected = task.accuracy(backbone(ox), oy)  # (float reassociation in channels-last: at most a digit or two)
    assert fine_tune.old_task_accuracy(head_only, backbone, ox, oy) == pytest.approx(expected, abs=0.004)
