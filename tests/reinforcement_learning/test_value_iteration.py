"""demos/reinforcement_learning/value_iteration.py: V* equals a direct linear solve of the Bellman
equations for its greedy policy, satisfies the optimality equation, and contracts by γ per sweep."""
import numpy as np
import pytest

from demos.reinforcement_learning import gridworld, tabular, value_iteration as vi


@pytest.mark.parametrize("name", list(gridworld.PRESETS))
def test_value_iteration_equals_the_linear_solve_for_its_greedy_policy(name):
    grid, gamma = gridworld.parse_layout(gridworld.PRESETS[name]), 0.9
    v, changes = vi.value_iteration(grid, gamma)
    policy = np.argmax(vi.q_from_v(grid, v, gamma), axis=1)
    assert np.allclose(vi.policy_value(grid, policy, gamma), v, atol=1e-8)
    cells = vi.states(grid)  # Bellman optimality: V*(s) = max_a r + γ V*(s′)
    assert np.allclose(vi.q_from_v(grid, v, gamma)[cells].max(axis=1), v[cells], atol=1e-8)
    ratios = np.array(changes[1:]) / np.maximum(changes[:-1], 1e-300)
    assert np.all(ratios[np.array(changes[:-1]) > 1e-12] <= gamma + 1e-9)  # a γ-contraction


def test_policy_value_matches_a_hand_computed_corridor():
    # S . G, always right, step -1, goal +10, γ = 0.5: V(1) = 10, V(0) = -1 + 0.5 × 10 = 4
    grid = gridworld.parse_layout("S.G")
    v = vi.policy_value(grid, np.array([1, 1, 1]), 0.5)
    assert np.allclose(v, [4.0, 10.0, 0.0])


def test_gaps_are_zero_for_a_table_equal_to_q_star_and_the_captions_state_the_numbers():
    grid, gamma = gridworld.parse_layout(gridworld.PRESETS["Classic 10×10"]), 0.95
    v, changes = vi.value_iteration(grid, gamma)
    rec = tabular.learn(grid.layout, "step penalty", 0.2, 0.99, 0.5, gamma, 30, 0)
    gap = vi.gaps(rec, grid, v)
    assert gap.shape == (2, rec.n_frames) and np.isclose(gap[0, 0], np.abs(v[vi.states(grid)]).mean())
    assert f"{len(changes)} sweeps" in vi.v_star_caption(grid, v, changes, gamma)
    assert f"V*(S) = {v[grid.start]:.2f}" in vi.v_star_caption(grid, v, changes, gamma)
    text = vi.gap_caption(rec, gap, 0.1)
    assert f"{gap[0, -1]:.2f} for Q-learning and {gap[1, -1]:.2f} for SARSA" in text
    assert len(vi.v_star_figure(grid, v, gamma).data) == 2 and len(vi.gap_figure(rec, gap, changes).data) == 3
