"""The playground's network: L2 in the loss vs weight decay (SGD, Adam, AdamW) against torch.optim on
ordinary tensors (which also checks the flat-parameter trick), inverted dropout against its definition and
torch's own, the penalty, the configuration helpers."""
import pytest
import torch
import torch.nn.functional as F

from demos.playground import datasets, network


def step_with(opt_name, l2, reference, steps=5):
    """`steps` updates on one batch: ours (flat parameters, L2 as network.make_optimiser decides) and a
    reference on ordinary separate tensors; returns both networks' first weight matrices."""
    torch.manual_seed(0)
    x, y = torch.randn(32, 2), (torch.rand(32) > 0.5).float()
    ours = network.MLP(2, 1, 2, 4, "tanh")
    network.init_parameters(ours, torch.Generator().manual_seed(1))
    ref = network.MLP(2, 1, 2, 4, "tanh")
    ref.load_state_dict(ours.state_dict())
    w, o = network.flat_parameters(ours)
    opt = network.make_optimiser(opt_name, w, o, 0.05, l2)
    in_loss = 0.0 if opt_name == "adamw" else l2
    ref_opt = reference(ref)
    for _ in range(steps):
        loss = F.binary_cross_entropy_with_logits(ours(x)[0][:, 0], y) + network.penalty(w, 0.0, in_loss)
        w.grad.zero_()
        o.grad.zero_()
        loss.backward()
        opt.step()
        ref_opt.zero_grad()
        F.binary_cross_entropy_with_logits(ref(x)[0][:, 0], y).backward()
        ref_opt.step()
    return ours.hidden[0].linear.weight.detach(), ref.hidden[0].linear.weight.detach()


def groups(model, decay):
    weights = [p for p in model.parameters() if p.ndim == 2]
    return [{"params": weights, "weight_decay": decay}, {"params": [p for p in model.parameters() if p.ndim != 2], "weight_decay": 0.0}]


def test_l2_in_the_loss_equals_weight_decay_for_sgd():
    ours, ref = step_with("sgd", 0.1, lambda m: torch.optim.SGD(groups(m, 0.1), 0.05))
    assert torch.allclose(ours, ref, atol=1e-6)  # autograd of (λ/2)Σw² is λw: exactly SGD's weight decay


def test_l2_in_the_loss_is_adams_coupled_decay_not_adamw():
    ours, ref = step_with("adam", 0.1, lambda m: torch.optim.Adam(groups(m, 0.1), 0.05))
    assert torch.allclose(ours, ref, atol=1e-5)
    _, adamw = step_with("adam", 0.1, lambda m: torch.optim.AdamW(groups(m, 0.1), 0.05))
    assert (ours - adamw).abs().max() > 1e-3  # the same λ as decoupled decay is a different update


def test_our_adamw_is_torchs_adamw_with_decay_on_weights_only():
    ours, ref = step_with("adamw", 0.1, lambda m: torch.optim.AdamW(groups(m, 0.1), 0.05))
    assert torch.allclose(ours, ref, atol=1e-5)


def test_inverted_dropout_scales_survivors_in_training_and_is_the_identity_in_evaluation():
    layer = network.InvertedDropout(0.3)
    layer.generator = torch.Generator().manual_seed(0)
    x = torch.rand(200_000) + 0.5
    out = layer(x)
    kept = out != 0
    assert torch.allclose(out[kept], x[kept] / 0.7)  # survivors × 1/(1 − p)
    assert abs(1 - kept.float().mean().item() - 0.3) < 0.005  # ~p dropped (binomial sd 0.001)
    assert abs(out.mean().item() - x.mean().item()) < 0.01  # the expectation is unchanged
    reference = torch.nn.Dropout(0.3)(x)  # torch's own dropout scales the same way
    assert torch.allclose(reference[reference != 0], x[reference != 0] / 0.7)
    layer.eval()
    assert torch.equal(layer(x), x)


def test_the_penalty_is_l1_plus_half_l2_over_the_weights():
    w = torch.tensor([1.0, -2.0, 0.5])
    assert float(network.penalty(w, 0.1, 0.0)) == pytest.approx(0.1 * 3.5)
    assert float(network.penalty(w, 0.0, 0.2)) == pytest.approx(0.5 * 0.2 * 5.25)
    assert float(network.penalty(w, 0.1, 0.2)) == pytest.approx(0.35 + 0.525)
    assert network.penalty(w, 0.0, 0.0) == 0.0


def test_batch_size_options_and_the_networks_inputs_and_outputs():
    assert network.batch_size("all") == 0 and network.batch_size("32") == 32
    assert all(network.batch_size(b) >= 0 for b in network.BATCH_SIZES)
    points = datasets.point_data("circle", 40, 0.1, 0.5, 0)
    config = network.Config(features=("x1", "x2", "sin1"), layers=2, width=5)
    assert network.io_sizes(config, points) == (3, 1)
    digits = datasets.Data(torch.zeros(4, 784), torch.zeros(4), torch.zeros(2, 784), torch.zeros(2))
    assert network.io_sizes(config, digits) == (784, 10)
    model = network.build(config, points)
    assert model.hidden[0].linear.in_features == 3 and model.out.out_features == 1 and len(model.hidden) == 2
    again = network.build(config, points)  # the seed fixes the initial weights
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), again.state_dict().values()))
