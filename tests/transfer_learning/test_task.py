"""demos.transfer_learning.task: the new task's data, its nested seeded shots, the seeded init, the
shared helpers; and the committed backbone the task starts from."""
import math

import pytest
import torch

from demos.transfer_learning import task
from models import metadata
from models.transfer_cnn import MnistCnnConfig, TransferCnn

pytestmark = pytest.mark.filterwarnings("ignore")


def test_new_task_is_digits_5_to_9_relabelled_and_disjoint_from_the_old(data, mnist):
    assert data["pool_x"].shape == (500, 1, 28, 28) and data["test_x"].shape == (500, 1, 28, 28)
    for part in ("pool_y", "val_y", "test_y"):
        assert data[part].unique().tolist() == [0, 1, 2, 3, 4]
    assert torch.bincount(data["pool_y"]).tolist() == [100] * 5
    assert data["old_y"].unique().tolist() == [0, 1, 2, 3, 4] and len(data["old_y"]) == 500
    # the test digits are the held-out 5-9, and the pool holds none of them
    assert torch.equal(data["test_x"], mnist.test_images[mnist.test_labels >= 5])
    test_rows = {tuple(r) for r in mnist.test_images.flatten(1).numpy().round(3)}
    assert not any(tuple(r) in test_rows for r in data["pool_x"].flatten(1).numpy().round(3))


def test_shots_are_k_per_class_nested_and_seeded(data):
    y = data["pool_y"]
    five, twenty = task.shots(y, 5, seed=2), task.shots(y, 20, seed=2)
    assert torch.bincount(y[five]).tolist() == [5] * 5
    assert set(five.tolist()) <= set(twenty.tolist())  # k = 5 shots are inside the k = 20 shots
    assert torch.equal(five, task.shots(y, 5, seed=2)) and not torch.equal(five, task.shots(y, 5, seed=3))


def test_seeded_init_matches_pytorch_default_ranges():
    net = task.seeded_init(TransferCnn(MnistCnnConfig(width=8, num_classes=5)), seed=0)
    conv = net.features[1][0]  # fan_in = 8 * 3 * 3
    assert conv.weight.abs().max() <= 1 / math.sqrt(72) and conv.weight.std() > 0.5 / math.sqrt(72) / math.sqrt(3)
    assert torch.equal(net.features[0][1].weight, torch.ones(8))
    again = task.seeded_init(TransferCnn(MnistCnnConfig(width=8, num_classes=5)), seed=0)
    assert torch.equal(again.features[1][0].weight, conv.weight)  # a private generator: the same draw


def test_chunked_logits_and_accuracy_by_hand(backbone, data):
    x = data["test_x"][:250]
    with torch.no_grad():
        assert torch.allclose(task.logits_of(backbone, x, chunk=100), backbone(x), atol=1e-5)
    # rows 0 and 2 are right (argmax 1 and 0), row 1 is wrong (argmax 0, label 1): 2 of 3
    logits = torch.tensor([[0.0, 2.0], [3.0, 1.0], [1.0, 0.0]])
    assert task.accuracy(logits, torch.tensor([1, 1, 0])) == pytest.approx(2 / 3)


def test_committed_backbone_meets_its_bar_on_held_out_digits_0_to_4(backbone, data):
    meta = metadata("mnist_cnn_04")
    acc = task.accuracy(backbone(data["old_x"]), data["old_y"])
    assert acc >= meta["metric_bar"]["test_accuracy"] >= 0.985
    assert acc == pytest.approx(meta["metrics"]["test_accuracy"], abs=1e-3)
