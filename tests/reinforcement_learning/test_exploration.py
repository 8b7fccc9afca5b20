"""demos/reinforcement_learning/exploration.py: the sweeps measure what the learners do, and the
captions say it."""
from demos.reinforcement_learning import exploration, gridworld, tabular


def test_the_epsilon_sweep_reports_each_runs_final_path_against_the_shortest():
    layout = gridworld.PRESETS["FrozenLake 4×4"]
    sweep = exploration.epsilon_sweep(layout, "sparse", 0.5, 0.95, 60, 0)
    assert sweep["shortest"] == [6]  # S to G on FrozenLake 4×4 takes 6 moves around the holes
    grid = gridworld.parse_layout(layout, "sparse")
    for eps, length, solved in zip(exploration.EPSILONS, sweep["path"], sweep["solved"]):
        rec = tabular.learn(layout, "sparse", eps, 1.0, 0.5, 0.95, 60, 0, n_frames=61)
        path, reached = tabular.greedy_path(grid, rec.frames["q"][-1][0])
        assert length == (len(path) - 1 if reached else None) and solved == exploration.first_solved(grid, rec)
        assert length is None or length >= 6  # never shorter than the shortest route
    text = exploration.sweep_caption(sweep, 60)
    assert "The shortest route takes 6 steps" in text and "ε = 0: " in text


def test_first_solved_is_the_first_frame_whose_greedy_path_reaches_the_goal():
    rec = tabular.learn("S...G", "sparse", 0.2, 1.0, 1.0, 0.9, 30, 0, n_frames=31)
    grid = gridworld.parse_layout("S...G", "sparse")
    solved = exploration.first_solved(grid, rec)
    assert solved is not None and tabular.greedy_path(grid, rec.frames["q"][solved][0])[1]
    assert not any(tabular.greedy_path(grid, q[0])[1] for q in rec.frames["q"][:solved])
    # with α = 1 and a sparse reward, credit moves back one cell per episode: 4 cells need ≥ 4 episodes
    assert solved >= 4


def test_corridors_are_measured_for_both_reward_modes():
    sweep = exploration.corridor_sweep(0.1, 0.5, 0.9, 0, episodes=60)
    assert sweep["length"] == list(exploration.LENGTHS)
    assert all(len(sweep[m]) == len(exploration.LENGTHS) for m in exploration.MODES)
    assert f"{sweep['length'][-1]}-cell corridor" in exploration.corridor_caption(sweep, 60)
