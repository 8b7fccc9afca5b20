"""demos/reinforcement_learning/inspector.py: the printed arithmetic is the update the learner made."""
import numpy as np

from demos.reinforcement_learning import gridworld, inspector, tabular

GRID = gridworld.parse_layout(gridworld.PRESETS["Classic 10×10"])
REC = tabular.learn(GRID.layout, "step penalty", 0.2, 0.99, 0.5, 0.95, 40, 0)


def test_each_printed_update_is_the_td_update_recomputed_from_its_numbers():
    for j in range(2):
        for episode in range(1, 41):
            u = inspector.last_update(REC, j, episode)
            future = 0.0 if u.done else 0.95 * (max(u.next_q) if j == 0 else u.next_q[u.a2])
            assert np.isclose(u.target, u.r + future) and np.isclose(u.td, u.target - u.q_sa)
            assert np.isclose(u.q_new, u.q_sa + 0.5 * u.td)
            text = inspector.explain(u, j, GRID, 0.95, 0.5)
            assert f"= {u.q_new:.3f}".replace("-", "−") in text and "δ = target − Q(s,a)" in text


def test_the_episode_is_clipped_to_the_run_and_a_step_limit_is_said():
    assert inspector.last_update(REC, 0, 999) == inspector.last_update(REC, 0, 40)
    grid = gridworld.parse_layout("S.../..../...G")
    rec = tabular.learn(grid.layout, "sparse", 0.0, 1.0, 0.5, 0.9, 1, 3)  # a tie-breaking random walk
    cut = rec.curves["length_0"][0] == tabular.max_steps_for(grid)
    assert inspector.was_cut(rec, 0, 1, grid) == cut
    text = inspector.explain(inspector.last_update(rec, 0, 1), 0, grid, 0.9, 0.5, cut)
    assert ("step limit" in text) == cut
