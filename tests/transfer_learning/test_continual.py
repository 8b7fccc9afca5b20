"""Continual learning (split MNIST, fine-tuning / EWC / replay): the EWC penalty against its formula
and autograd, the Fisher diagonal against a loop over examples, the replay buffer's seeding and
balance, a run's determinism, and the committed recording reproduced."""
import copy

import pytest
import torch

from demos.transfer_learning import continual


@pytest.fixture(scope="module")
def data():
    return continual.tasks()


def test_ewc_penalty_is_its_formula_and_its_gradient_is_lambda_f_delta():
    torch.manual_seed(0)
    net = continual.mlp(3)
    star = {k: v.detach().clone() for k, v in net.named_parameters()}
    fisher = {k: torch.rand_like(v) for k, v in star.items()}
    with torch.no_grad():
        for p in net.parameters():
            p.add_(0.1 * torch.randn_like(p))
    lam = 7.0
    # lam/2 * sum_i F_i (theta_i - theta*_i)^2, written out over the flat parameter vectors
    flat = lambda d: torch.cat([d[k].flatten() for k in star])  # noqa: E731
    theta = flat(dict(net.named_parameters())).detach()
    expected = lam / 2 * (flat(fisher) * (theta - flat(star)) ** 2).sum()
    penalty = continual.ewc_penalty(net, [(fisher, star)], lam)
    assert penalty.item() == pytest.approx(expected.item(), rel=1e-5)
    penalty.backward()  # d/dtheta = lam * F * (theta - theta*)
    for name, p in net.named_parameters():
        torch.testing.assert_close(p.grad, lam * fisher[name] * (p.detach() - star[name]), rtol=1e-5, atol=1e-7)
    two = continual.ewc_penalty(net, [(fisher, star), (fisher, star)], lam)  # one term per earlier task
    assert two.item() == pytest.approx(2 * expected.item(), rel=1e-5)


def test_fisher_diagonal_is_the_mean_squared_per_example_gradient(data):
    net = continual.mlp(1)
    x, y = data[0]["x"][:12], data[0]["y"][:12]
    got = continual.fisher_diagonal(net, x, y)
    squares = {k: torch.zeros_like(v) for k, v in net.named_parameters()}
    for xi, yi in zip(x, y):  # one backward pass per example: grad of log p(y_i | x_i)
        net.zero_grad()
        torch.log_softmax(net(xi[None]), 1)[0, yi].backward()
        for k, p in net.named_parameters():
            squares[k] += p.grad ** 2
    for k in squares:
        torch.testing.assert_close(got[k], squares[k] / len(x), rtol=1e-4, atol=1e-9)


def test_replay_buffer_is_seeded_and_balanced_over_tasks_and_digits(data):
    x, y = continual.replay_buffer(data[:2], 100, 5)
    x2, y2 = continual.replay_buffer(data[:2], 100, 5)
    assert torch.equal(x, x2) and torch.equal(y, y2)
    assert not torch.equal(x, continual.replay_buffer(data[:2], 100, 6)[0])
    assert len(y) == 100  # 100 // (2 tasks * 2 digits) = 25 of each of the digits 0, 1, 2, 3
    assert y.tolist().count(0) == y.tolist().count(1) == 50  # first and second digit of each pair
    for digit_x in (x[:25], x[25:50]):  # the first task's 0s then its 1s, all drawn from that task's digits
        assert all((data[0]["x"] == row).all(1).any() for row in digit_x[:3])


def test_a_run_is_deterministic_under_its_seed(data):
    runs = [continual.train_sequence(data, m, 1e4, 20, 0, steps=3) for m in ("ewc", "ewc", "replay")]
    assert runs[0] == runs[1]
    assert runs[0]["fisher"] is not None and len(runs[0]["fisher"]) == 28
    assert len(runs[2]["matrix"]) == continual.N_TASKS and all(len(r) == continual.N_TASKS for r in runs[2]["matrix"])


def test_the_committed_recording_reproduces(data):
    stored = continual.stored(float(continual.DEFAULT_LAMBDA), int(continual.DEFAULT_BUFFER))
    assert stored is not None, "rerun python -m train.transfer_continual"
    assert stored["seeds"] == continual.DEFAULT_SEEDS
    again = continual.train_sequence(data, "finetune", stored["lambda"], stored["buffer"], 0)
    # the first seed's plain fine-tuning matrix, retrained (thread counts may move a digit or two)
    for row, want in zip(again["matrix"], stored["runs"]["finetune"][0]):
        assert row == pytest.approx(want, abs=0.01)


def test_captions_follow_the_numbers():
    fake = {"lambda": 100.0, "buffer": 20, "seeds": 1, "fisher": [[0.0] * 28] * 27 + [[1.0] * 28],
            "runs": {"finetune": [[[1, 0, 0], [0.5, 1, 0], [0.2, 0.5, 1]]],
                     "ewc": [[[1, 0, 0], [0.9, 0.9, 0], [0.8, 0.8, 0.8]]],
                     "replay": [[[1, 0, 0], [1, 1, 0], [1, 1, 1]]]}}
    s = continual.summary(copy.deepcopy(fake))
    # fine-tuning: final row mean (0.2+0.5+1)/3 = 57%; forgetting ((1-0.2)+(1-0.5))/2 = 65%
    assert s["finetune"]["average"] == pytest.approx(1.7 / 3) and s["finetune"]["forgetting"] == pytest.approx(0.65)
    text = continual.matrix_caption(fake)
    assert "plain fine-tuning 57% (forgets 65%)" in text and "Best here: Replay buffer" in text
    # the 78 top pixels (10% of 784) hold all of the mass (28 ones); 756 pixels are exactly 0
    assert "hold 100%" in continual.fisher_caption(fake) and "756 pixels" in continual.fisher_caption(fake)
