"""demos/compression/pruning.py: masks equal torch.nn.utils.prune's, structured pruning rebuilt as smaller
layers gives the masked dense model's outputs, fine-tuning keeps pruned weights at zero."""
import copy

import pytest
import torch
import torch.nn.utils.prune as prune

from demos.compression import pruning
from models.registry import load_pretrained


@pytest.fixture(scope="module")
def teacher():
    return load_pretrained("mnist_cnn")


@pytest.mark.parametrize("scope", pruning.SCOPES)
def test_unstructured_masks_equal_torch_prunes(teacher, scope):
    weights = pruning.prunable(teacher)
    masks = pruning.magnitude_masks(weights, 0.7, scope)
    ref = copy.deepcopy(teacher)
    mods = dict(ref.named_modules())
    if scope == "global":
        prune.global_unstructured([(mods[n], "weight") for n in weights], prune.L1Unstructured, amount=0.7)
    else:
        for n in weights:
            prune.l1_unstructured(mods[n], "weight", amount=0.7)
    assert all(torch.equal(mods[n].weight_mask, masks[n]) for n in weights)


def test_per_layer_channels_equal_torch_ln_structured(teacher):
    keep = pruning.kept_channels(teacher, 0.5, "per layer")
    ref = copy.deepcopy(teacher)
    mods = dict(ref.named_modules())
    for conv, k in zip(pruning.CONVS, keep):
        prune.ln_structured(mods[conv], "weight", amount=0.5, n=1, dim=0)
        assert torch.equal(mods[conv].weight_mask[:, 0, 0, 0].nonzero().flatten(), k)


@pytest.mark.parametrize("scope,sparsity", [("per layer", 0.5), ("global", 0.7)])
def test_the_rebuilt_model_equals_the_masked_dense_one_and_is_smaller(teacher, scope, sparsity):
    keep = pruning.kept_channels(teacher, sparsity, scope)
    dense = pruning.apply_masks(teacher, pruning.channel_masks(teacher, keep))
    slim = pruning.rebuild(teacher, keep)
    x = torch.rand(16, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert torch.allclose(dense(x), slim(x), atol=1e-4)
    assert sum(p.numel() for p in slim.parameters()) < sum(p.numel() for p in teacher.parameters())
    assert slim.config.widths == tuple(len(k) for k in keep)


def test_fine_tuning_keeps_pruned_weights_at_zero(teacher):
    weights = pruning.prunable(teacher)
    masks = pruning.magnitude_masks(weights, 0.9, "global")
    g = torch.Generator().manual_seed(0)
    x, y = torch.rand(64, 1, 28, 28, generator=g), torch.randint(0, 10, (64,), generator=g)
    tuned = pruning.fine_tune(teacher, masks, x, y, steps=2, seed=0)
    for n, w in pruning.prunable(tuned).items():
        assert torch.all(w[masks[n] == 0] == 0)
    assert not torch.equal(pruning.prunable(tuned)["classifier.2"], weights["classifier.2"])  # it did learn


def test_view_and_captions(teacher):
    weights, masks = pruning.view(teacher, "unstructured", "per layer", 0.6)
    share = pruning.layer_sparsity(masks, weights)
    assert all(abs(s - 0.6) < 0.01 for s in share.values())  # every layer loses its 60 % (rounded)
    assert "Unstructured, per layer: 60.0%" in pruning.layers_caption(share, weights, "per layer", "unstructured")
    rows = [{"form": "dense teacher", "bytes": 100, "latency_ms": 10.0, "parameters": 1},
            {"form": "dense + mask (torch)", "bytes": 200, "latency_ms": 12.0, "parameters": 1},
            {"form": "structured (per layer), rebuilt", "bytes": 25, "latency_ms": 4.0, "parameters": 1}]
    assert pruning.table_caption(rows).startswith("Dense + mask runs in 1.20× the teacher's time: masking saves no time")
    rows[1]["latency_ms"] = 5.0  # half the teacher's time: no such verdict
    assert pruning.table_caption(rows).startswith("Dense + mask runs in 0.50× the teacher's time, and")


def test_channel_pruning_collapses_through_batchnorm_statistics_not_lost_weights(teacher):
    from demos.compression import measure
    from models.data import mnist_split, validation_split
    split, fit_x = mnist_split(), validation_split()[0]
    slim = pruning.rebuild(teacher, pruning.kept_channels(teacher, 0.3, "per layer"))
    before = measure.accuracy(slim, split.test_images[::4], split.test_labels[::4])
    after = measure.accuracy(pruning.recalibrate_bn(slim, fit_x[:1000]), split.test_images[::4], split.test_labels[::4])
    assert before < 0.3 and after > 0.8  # measured: chance (10 %) before, about 93 % after
