"""demos/reinforcement_learning/dqn.py: the TD loss is the Huber loss to r + γ(1−done)·max Q̄(s′,·) computed by
hand; the target network stays frozen between syncs; the switches change what is bootstrapped from; runs
are seeded; the committed agent meets its card."""
import copy

import numpy as np
import torch
import torch.nn.functional as F

from demos.reinforcement_learning import cartpole, dqn, dqn_views


def test_the_loss_is_huber_to_the_hand_computed_td_target():
    q, q_bar = dqn.make_network(0), dqn.make_network(1)
    g = torch.Generator().manual_seed(0)
    s, s2 = torch.randn(8, 4, generator=g), torch.randn(8, 4, generator=g)
    a, r = torch.randint(0, 2, (8,), generator=g), torch.ones(8)
    done = torch.tensor([0, 1, 0, 0, 1, 0, 0, 0], dtype=torch.float32)
    loss, errors = dqn.td_loss(q, q_bar, (s, a, r, s2, done), 0.9)
    y = []  # by hand, row by row: r + γ·max_a′ Q̄(s′,a′), or r alone at a terminal state
    for i in range(8):
        y.append(float(r[i]) + (0.0 if done[i] else 0.9 * max(float(v) for v in q_bar(s2[i:i + 1])[0].detach())))
    pred = torch.stack([q(s[i:i + 1])[0, a[i]] for i in range(8)])
    assert torch.allclose(errors, torch.tensor(y) - pred.detach(), atol=1e-6)
    assert torch.isclose(loss, F.smooth_l1_loss(pred, torch.tensor(y)), atol=1e-6)
    loss.backward()  # only Q gets gradients: the target is a constant
    assert all(p.grad is None for p in q_bar.parameters()) and all(p.grad is not None for p in q.parameters())


def test_the_target_network_is_frozen_between_syncs_and_copied_at_them():
    s = dqn.DqnSettings(start=20, sync=40, batch=8, steps=100)
    agent = dqn.Agent(0, s=s)
    frozen = copy.deepcopy(agent.q_target.state_dict())
    for i in range(1, 81):
        agent.act_and_learn()
        same = all(torch.equal(frozen[k], v) for k, v in agent.q_target.state_dict().items())
        if i < 40:
            assert same, i  # untouched while Q learns
        elif i in (40, 80):
            assert not same and all(torch.equal(agent.q.state_dict()[k], v) for k, v in agent.q_target.state_dict().items())
            frozen = copy.deepcopy(agent.q_target.state_dict())
        else:
            assert same, i
    assert agent.syncs == [40, 80]
    assert not dqn.Agent(0, True, False, s).syncs  # no target network: nothing to sync


def test_without_replay_each_update_uses_only_the_last_transition():
    s = dqn.DqnSettings(start=5, every=1, steps=10)
    agent, seen = dqn.Agent(0, False, True, s), []
    rows = agent.buffer.rows
    agent.buffer.rows = lambda idx: (seen.append(idx.copy()), rows(idx))[1]
    for _ in range(10):
        agent.act_and_learn()
    assert [i.tolist() for i in seen] == [[k] for k in range(4, 10)]


def test_epsilon_falls_linearly_then_stays():
    assert dqn.epsilon_at(1) == 1.0 and np.isclose(dqn.epsilon_at(1_501), 0.525)
    assert dqn.epsilon_at(3_001) == dqn.epsilon_at(9_000) == 0.05


def test_a_recorded_run_is_seeded_and_its_captions_describe_it():
    a, b = dqn.train(3, "replay + target", steps=700, n_frames=4), dqn.train(3, "replay + target", steps=700, n_frames=4)
    assert np.array_equal(a.curves["return"], b.curves["return"]) and np.array_equal(a.frames["td_counts"], b.frames["td_counts"])
    assert a.frames["td_counts"][-1].sum() == 256 and a.meta["syncs"] == [250, 500]
    assert f"{len(a.curves['return'])} episodes in 700 steps" in dqn_views.returns_caption(a)
    assert len(dqn_views.sample_table(a)) == dqn.SAMPLE_ROWS


def test_the_committed_agent_meets_its_card():
    from models.registry import load_pretrained, metadata
    card, net = metadata("cartpole_dqn"), load_pretrained("cartpole_dqn")
    from train.cartpole_dqn import HELD_OUT_SEEDS
    returns = [len(dqn.greedy_episode(net, seed)[1]) for seed in HELD_OUT_SEEDS]
    assert np.mean(returns) == card["metrics"]["held_out_mean_return"] >= card["metric_bar"]["held_out_mean_return"]
    assert max(returns) <= cartpole.MAX_STEPS
