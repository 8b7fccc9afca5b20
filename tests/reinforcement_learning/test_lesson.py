"""demos/reinforcement_learning/lesson.py: the lesson's answers against what the page teaches."""
from demos.reinforcement_learning import gridworld, lesson, tabular

CLIFF = {"grid": gridworld.PRESETS["CliffWalking 4×12"], "eps": "0.1", "decay": "1.0", "gamma": "0.99",
         "episodes": "500"}


def test_on_the_cliff_q_learning_runs_the_edge_and_sarsa_earns_more_while_exploring():
    # Sutton & Barto, Example 6.6: the off-policy path is optimal but pays for ε-greedy falls
    assert lesson.edge_runner(CLIFF) == "Q-learning"
    assert lesson.higher_return(CLIFF) == "SARSA"


def test_an_edit_after_the_last_episode_changes_nothing():
    assert lesson.q_path_changed({"edit": "r6c2", "from": "900"}) == "No"
    assert lesson.q_path_changed({"edit": "r6c2", "reward": "-20", "from": "150"}) in ("Yes", "No")


def test_reaches_goal_names_whoever_reaches_it():
    assert lesson.reaches_goal({}) == "Both"  # the default grid is learnt by both in 300 episodes
    assert lesson.reaches_goal({"grid": "S..........G", "eps": "0", "decay": "1.0", "mode": "sparse",
                                "episodes": "100"}) in lesson.NAMES


def test_decayed_exploration_lets_q_learning_earn_more_on_the_cliff():
    # ε = 0.5·0.95^(e−1) is below 1e-9 in the last 50 of 500 episodes: Q-learning's edge path
    # (13 steps: 12 × −1 + 10 = −2) no longer pays for random falls, so it out-earns SARSA's detour
    decayed = CLIFF | {"eps": "0.5", "decay": "0.95"}
    assert lesson.higher_return(decayed) == "Q-learning"
    assert lesson.reaches_goal(decayed) == "Both"


def test_longer_path_compares_the_greedy_paths_lengths():
    # γ = 0.5 on the default grid: Q-learning's greedy path takes the 12-step shortest route
    # (start r4c2 to goal r9c9 is 5 + 7 moves), SARSA's detours along the top row
    grid, rec = lesson.view({"gamma": "0.5"})
    q_path, reached = tabular.greedy_path(grid, rec.frames["q"][-1][0])
    assert reached and len(q_path) - 1 == 12
    assert lesson.longer_path({"gamma": "0.5"}) == "SARSA"
    assert lesson.longer_path({}) == "Equal"  # γ = 0.95: both learn a 12-step route
