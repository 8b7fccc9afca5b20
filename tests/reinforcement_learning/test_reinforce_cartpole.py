"""demos/reinforcement_learning/reinforce_cartpole.py: returns-to-go by hand; the loss's gradient on the logits
is −(1/T)(G_t − b)(e_a − π), the score-function formula; a run is seeded and its caption counts it."""
import numpy as np
import torch

from demos.reinforcement_learning import reinforce_cartpole as rc


def test_returns_to_go_sum_the_discounted_future_rewards():
    # G_2 = 3, G_1 = 2 + 0.5·3 = 3.5, G_0 = 1 + 0.5·3.5 = 2.75
    assert np.allclose(rc.returns_to_go([1.0, 2.0, 3.0], 0.5), [2.75, 3.5, 3.0])


def test_the_loss_gradient_is_the_score_function_times_the_advantage():
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(5, 2, generator=g, requires_grad=True)
    actions, returns = torch.tensor([0, 1, 1, 0, 1]), torch.tensor([5.0, 4.0, 3.0, 2.0, 1.0])
    for baseline in (True, False):
        logits.grad = None
        rc.policy_loss(logits, actions, returns, baseline).backward()
        b = returns.mean() if baseline else 0.0
        pi = torch.softmax(logits.detach(), 1)
        expected = -((returns - b)[:, None] * (torch.eye(2)[actions] - pi)) / 5
        assert torch.allclose(logits.grad, expected, atol=1e-6)


def test_a_run_is_seeded_and_its_caption_counts_its_episodes():
    a, b = rc.train(2, episodes=30, n_frames=3), rc.train(2, episodes=30, n_frames=3)
    assert np.array_equal(a.curves["return"], b.curves["return"]) and len(a.curves["return"]) == 30
    assert f"30 episodes, one gradient step each; mean return of the first 20 episodes {a.curves['return'][:20].mean():.0f}" \
        in rc.returns_caption(a)
