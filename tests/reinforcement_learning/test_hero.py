"""demos/reinforcement_learning/hero.py: what colours the grid, the replayed figure's frames, and the
captions, which state the numbers the tabular functions compute."""
import numpy as np

from demos.reinforcement_learning import gridworld, hero, tabular

GRID = gridworld.parse_layout(gridworld.PRESETS["CliffWalking 4×12"])
REC = tabular.learn(GRID.layout, "step penalty", 0.1, 1.0, 0.5, 0.99, 200, 0, (13, -5.0, 100))


def test_cell_values_are_v_visits_or_each_actions_q_with_blanks_where_no_value_lives():
    q, visits = REC.frames["q"][-1][0], REC.frames["visits"][-1][0]
    v = hero.cell_values(GRID, q, visits, hero.COLOURINGS[0])
    assert v.shape == (4, 12) and np.isnan(v[3, 1:]).all() and v[3, 0] == q[GRID.start].max()
    assert np.array_equal(hero.cell_values(GRID, q, visits, hero.COLOURINGS[2])[0], visits[:12])
    fine = hero.cell_values(GRID, q, visits, hero.COLOURINGS[1])
    assert fine.shape == (12, 36)
    s = 13  # row 2, col 2: up in the block's top middle, right in its middle right, centre = V
    assert fine[3, 4] == q[s, 0] and fine[4, 5] == q[s, 1] and fine[5, 4] == q[s, 2] and fine[4, 3] == q[s, 3]
    assert fine[4, 4] == q[s].max() and np.isnan(fine[3, 3])


def test_the_figure_replays_every_frame_and_opens_on_the_last():
    fig = hero.hero_figure(REC, GRID, edited=13)
    assert len(fig.frames) == REC.n_frames and fig.layout.sliders[0].steps[-1].label == "200"
    assert list(fig.data[2].text) == hero.arrows(GRID, REC.frames["q"][-1][0])
    path, _ = tabular.greedy_path(GRID, REC.frames["q"][-1][1])
    assert list(fig.data[5].x) == [s % 12 + 1 for s in path]
    assert len(fig.layout.shapes) == 2  # the edited cell, framed on both grids


def test_captions_state_what_the_tabular_functions_compute():
    text = hero.hero_caption(REC, GRID)
    for j, name in enumerate(tabular.LEARNERS):
        path, _ = tabular.greedy_path(GRID, REC.frames["q"][-1][j])
        assert f"{name}'s greedy path reaches a goal in {len(path) - 1} steps, " \
               f"{tabular.risky_cells(GRID, path)} of its cells" in text
        assert f"{tabular.mean_return(REC, j):.1f}" in text
    said = hero.returns_caption(REC, GRID, (13, -5.0, 100))
    assert "Entering row 2, col 2 pays -5 from episode 100" in said and "ε = 0.100" in said
    assert "from episode" not in hero.returns_caption(REC, GRID, (13, -5.0, 300))  # never reached


def test_moving_average_is_the_mean_of_the_last_ten():
    x = np.arange(25.0)
    assert np.allclose(hero.moving_average(x), [x[max(0, i - 9):i + 1].mean() for i in range(25)])


def test_a_click_on_a_cell_names_it_for_the_reward_edit():
    assert hero.clicked_cell({"x": 6, "y": 3}, GRID) == "r3c6"
    assert hero.clicked_cell({"x": 6.33, "y": 2.67}, GRID) == "r3c6"  # a sub-cell of the per-action view
    walled = gridworld.parse_layout("SW/.G")
    assert hero.clicked_cell({"x": 2, "y": 1}, walled) is None and hero.clicked_cell({"x": 9, "y": 9}, walled) is None
    assert hero.clicked_cell({"curve_number": 0}, GRID) is None
