"""demos/reinforcement_learning/gridworld.py: the dynamics equal Gymnasium's (imported here only), bad
layouts get a message that names the problem."""
import gymnasium as gym
import pytest

from demos.reinforcement_learning import gridworld
from demos.reinforcement_learning.gridworld import LayoutError, parse_layout


def test_cliff_walking_steps_equal_gymnasiums_for_every_state_and_action():
    # Gymnasium pays -1 per step (the goal too) and -100 for the cliff, which sends the agent to the start
    grid = parse_layout(gridworld.PRESETS["CliffWalking 4×12"], "step penalty", goal=-1.0, cliff=-100.0)
    table = gym.make("CliffWalking-v1").unwrapped.P
    checked = 0
    for s in range(grid.n_states):
        if grid.kind(s) not in ".S":  # the cliff and goal are never stood on
            continue
        for a in range(4):  # same action numbers: up, right, down, left
            (_, s2, r, done), = table[s][a]
            assert grid.step(s, a) == (int(s2), float(r), bool(done)), (s, a)
            checked += 1
    assert checked == (grid.n_states - 11) * 4


def test_frozen_lake_without_slipping_equals_gymnasiums():
    # FrozenLake numbers its actions left, down, right, up; holes end the episode with 0, the goal pays 1
    grid = parse_layout(gridworld.PRESETS["FrozenLake 4×4"], "sparse", goal=1.0, pit=0.0)
    env = gym.make("FrozenLake-v1", is_slippery=False, map_name="4x4").unwrapped
    assert "".join(grid.rows).replace(".", "F").replace("P", "H") == "".join(r.decode() for r in env.desc.ravel())
    ours = {0: 3, 1: 2, 2: 1, 3: 0}
    for s in range(grid.n_states):
        if grid.terminal(s):
            continue
        for a in range(4):
            (_, s2, r, done), = env.P[s][a]
            assert grid.step(s, ours[a]) == (int(s2), float(r), bool(done)), (s, a)


def test_walls_block_and_the_reward_mode_sets_the_floor_reward():
    grid = parse_layout("SWG/...", "step penalty")
    assert grid.step(0, 1) == (0, -1.0, False)  # right into the wall: stays, pays the floor's -1
    assert grid.step(0, 2) == (3, -1.0, False)
    assert parse_layout("SWG/...", "sparse").step(0, 2) == (3, 0.0, False)
    assert grid.step(4, 0) == (1, 0.0, False) or grid.kind(1) == "W"  # up into the wall stays in 4
    assert grid.step(4, 0) == (4, -1.0, False)
    assert grid.step(5, 0) == (2, gridworld.GOAL_REWARD, True)


@pytest.mark.parametrize("text, words", [
    ("", "empty"), ("S..G//....", "empty row"), ("S.X.G", "(X)"), ("S..G/...", "same number of cells"),
    ("S...../G", "same number"), ("S.G.S", "exactly one start"), ("S...", "at least one goal"),
    ("SW./WWG", "No goal can be reached"), ("SPG", "No goal can be reached"), ("S" + "." * 12 + "G", "1 to 12"),
    ("S.G/<script>", "(<>IRT)"), ("S.😀G", "(?)"),
])
def test_bad_layouts_get_a_message_that_names_the_problem(text, words):
    with pytest.raises(LayoutError) as err:
        parse_layout(text)
    assert words.lower() in str(err.value).lower()


def test_a_layout_is_read_in_any_case_with_newlines_and_written_back_compactly():
    assert parse_layout("s.\n.g").layout == "S./.G"


def test_edit_options_name_every_enterable_cell_and_map_back():
    grid = parse_layout("SW/.G")
    assert gridworld.edit_options(grid) == ["none", "r1c1", "r2c1", "r2c2"]
    assert [gridworld.edit_cell(grid, o) for o in gridworld.edit_options(grid)] == [None, 0, 2, 3]
    assert gridworld.edit_cell(grid, "r1c2") is None and gridworld.edit_cell(grid, "r9c9") is None
    assert grid.with_reward(2, 5.0).step(0, 2) == (2, 5.0, False) and grid.step(0, 2) == (2, -1.0, False)


def test_every_preset_parses_and_brings_its_settings():
    for name, layout in gridworld.PRESETS.items():
        assert parse_layout(layout).layout == layout
        assert gridworld.settings_for(name)["grid"] == layout
