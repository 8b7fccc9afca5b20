"""demos/reinforcement_learning/tabular.py: the updates equal hand-computed steps, runs are seeded,
the learners converge to V* on a small grid, and a reward edit changes only the episodes after it."""
import numpy as np

from demos.reinforcement_learning import gridworld, tabular, value_iteration


def table():
    q = np.zeros((2, 4))
    q[0, 1], q[1] = 0.5, [1.0, 3.0, 2.0, 0.0]
    return q


def test_q_learning_update_equals_a_hand_computed_step():
    q = table()
    # target = r + γ·max Q(s′,·) = -1 + 0.9 × 3 = 1.7; δ = 1.7 - 0.5 = 1.2; Q ← 0.5 + 0.5 × 1.2 = 1.1
    assert np.isclose(tabular.q_learning_update(q, 0, 1, -1.0, 1, False, 0.5, 0.9), 1.2)
    assert np.isclose(q[0, 1], 1.1) and q[1].tolist() == [1.0, 3.0, 2.0, 0.0]
    # terminal: target = r = -1; δ = -1 - 1.1 = -2.1; Q ← 1.1 - 0.25 × 2.1 = 0.575
    assert np.isclose(tabular.q_learning_update(q, 0, 1, -1.0, 1, True, 0.25, 0.9), -2.1)
    assert np.isclose(q[0, 1], 0.575)


def test_sarsa_update_uses_the_next_action_taken_not_the_best():
    q = table()
    # target = r + γ·Q(s′, a′=2) = -1 + 0.9 × 2 = 0.8; δ = 0.3; Q ← 0.5 + 0.5 × 0.3 = 0.65
    assert np.isclose(tabular.sarsa_update(q, 0, 1, -1.0, 1, 2, False, 0.5, 0.9), 0.3)
    assert np.isclose(q[0, 1], 0.65)


def test_epsilon_greedy_explores_with_probability_eps_and_breaks_ties_at_random():
    assert tabular.epsilon_greedy([0, 5, 0, 0], 0.1, 0.05, 0.99) == 3  # explores: int(0.99 × 4)
    assert tabular.epsilon_greedy([0, 5, 0, 0], 0.1, 0.5, 0.99) == 1  # exploits
    assert tabular.epsilon_greedy([2, 0, 2, 0], 0.0, 0.5, 0.7) == 2 and tabular.epsilon_greedy([2, 0, 2, 0], 0.0, 0.5, 0.2) == 0
    rng = np.random.default_rng(0)
    picks = [tabular.epsilon_greedy([0, 5, 0, 0], 0.3, *rng.random(2)) for _ in range(20000)]
    assert abs(np.mean(np.array(picks) != 1) - 0.3 * 3 / 4) < 0.015  # a random action is the greedy one 1/4 of the time
    assert tabular.epsilon_at(0.2, 0.9, 1) == 0.2 and np.isclose(tabular.epsilon_at(0.2, 0.9, 3), 0.162)


def test_a_run_is_seeded_and_records_one_curve_point_per_episode():
    args = (gridworld.PRESETS["CliffWalking 4×12"], "step penalty", 0.1, 1.0, 0.5, 0.99, 40)
    a, b, c = tabular.learn(*args, 0), tabular.learn(*args, 0), tabular.learn(*args, 1)
    assert np.array_equal(a.frames["q"], b.frames["q"]) and not np.array_equal(a.frames["q"], c.frames["q"])
    assert len(a.curves["return_0"]) == 40 and a.steps[0] == 0 and a.steps[-1] == 40
    assert a.frames["q"].shape[1:] == (2, 48, 4) and a.frames["visits"][-1].sum() == sum(
        a.curves["length_0"]) + sum(a.curves["length_1"])


def test_both_learners_converge_to_v_star_on_a_small_grid():
    layout, gamma = "S..G/.W.P/....", 0.9
    grid = gridworld.parse_layout(layout)
    v_star, _ = value_iteration.value_iteration(grid, gamma)
    cells = value_iteration.states(grid)
    # Q-learning is off-policy: with ε = 0.5 kept it still learns Q*, in every cell it keeps visiting
    q = tabular.learn(layout, "step penalty", 0.5, 1.0, 0.5, gamma, 3000, 0).frames["q"][-1][0]
    assert np.abs(q.max(axis=1)[cells] - v_star[cells]).max() < 1e-2
    # SARSA is on-policy: it learns its ε-greedy policy's values; as ε decays (0.5 × 0.998^5000 ≈ 2e-5)
    # its greedy path's values become V*'s (cells it stopped visiting keep older, exploring values)
    q = tabular.learn(layout, "step penalty", 0.5, 0.998, 0.5, gamma, 5000, 0).frames["q"][-1][1]
    path, reached = tabular.greedy_path(grid, q)
    assert reached and np.abs(q.max(axis=1)[path[:-1]] - v_star[path[:-1]]).max() < 1e-6


def test_on_the_cliff_q_learning_walks_the_edge_and_sarsa_keeps_away():
    # Sutton & Barto, Example 6.6: with ε = 0.1 kept, the off-policy learner's greedy path hugs the cliff
    grid = gridworld.parse_layout(gridworld.PRESETS["CliffWalking 4×12"])
    for seed in range(3):
        rec = tabular.learn(grid.layout, "step penalty", 0.1, 1.0, 0.5, 0.99, 500, seed)
        q_path, s_path = (tabular.greedy_path(grid, rec.frames["q"][-1][j])[0] for j in range(2))
        assert tabular.risky_cells(grid, q_path) == 12 and tabular.risky_cells(grid, s_path) < 6


def test_a_reward_edit_changes_only_the_episodes_from_its_start():
    layout = gridworld.PRESETS["Classic 10×10"]
    plain = tabular.learn(layout, "step penalty", 0.2, 0.99, 0.5, 0.95, 120, 0)
    edited = tabular.learn(layout, "step penalty", 0.2, 0.99, 0.5, 0.95, 120, 0, (51, -20.0, 60))
    for k in ("return_0", "return_1"):
        assert np.array_equal(plain.curves[k][:59], edited.curves[k][:59])
        assert not np.array_equal(plain.curves[k][59:], edited.curves[k][59:])


def test_greedy_path_follows_argmax_and_reports_loops():
    grid = gridworld.parse_layout("S.G")
    q = np.zeros((3, 4))
    q[0, 1] = q[1, 1] = 1.0
    assert tabular.greedy_path(grid, q) == ([0, 1, 2], True)
    q[1] = [0, 0, 0, 1]  # back left: a loop
    assert tabular.greedy_path(grid, q) == ([0, 1], False)
