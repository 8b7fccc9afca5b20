"""demos/reinforcement_learning/cartpole.py: the hand-written dynamics equal Gymnasium's CartPole-v1 step
for step from the same states (termination and the 500-step cut included); the episode figure replays."""
import numpy as np
import pytest

from demos.reinforcement_learning import cartpole

gym = pytest.importorskip("gymnasium")


def test_steps_equal_gymnasium_from_the_same_states():
    env = gym.make("CartPole-v1")
    env.reset(seed=0)
    rng = np.random.default_rng(3)
    for _ in range(300):  # random states across (and beyond) the thresholds, both actions
        state = rng.uniform([-2.6, -3, -0.25, -3], [2.6, 3, 0.25, 3])
        action = int(rng.integers(2))
        env.reset(seed=0)  # (Gymnasium pays 0 for a step after a terminal one; ours has no such step)
        env.unwrapped.state = state.copy()
        obs, reward, terminated, truncated, _ = env.step(action)
        ours, r, done = cartpole.step(state, action)
        assert np.allclose(ours, obs, atol=1e-6) and r == reward and done == terminated and not truncated


def test_an_episode_matches_gymnasium_until_it_ends_or_is_cut_at_500():
    env = gym.make("CartPole-v1")
    for policy, expect_cut in ((lambda s: int(s[2] + 0.5 * s[3] > 0), True), (lambda s: 1, False)):
        states, actions, terminated = cartpole.rollout(policy, seed=4)
        env.reset(seed=0)
        env.unwrapped.state = states[0].copy()
        for t, a in enumerate(actions):
            obs, _, term, trunc, _ = env.step(int(a))
            assert np.allclose(obs, states[t + 1], atol=1e-5)
        # the balancing rule survives to Gymnasium's time limit (truncated, not terminated); always pushing right falls
        assert (trunc and not term and len(actions) == 500) if expect_cut else (term and len(actions) < 500)
        assert terminated == (not expect_cut)


def test_the_episode_figure_has_one_frame_per_fifth_step_and_the_caption_counts_them():
    states, actions, terminated = cartpole.rollout(lambda s: 1, seed=1)
    fig = cartpole.episode_figure(states, actions)
    assert len(fig.frames) == len(range(0, len(states), 5)) + ((len(states) - 1) % 5 > 0)
    assert f"balanced for {len(actions)} steps" in cartpole.episode_caption(states, actions, terminated, 1)
    assert "pushed right 100%" in cartpole.episode_caption(states, actions, terminated, 1)
    assert "the pole tipped past 12°" in cartpole.episode_caption(states, actions, terminated, 1)  # pushed one way, it falls
