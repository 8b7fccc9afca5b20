"""demos/reinforcement_learning/lesson.py: the lesson's answers against what the page teaches."""
from demos.reinforcement_learning import gridworld, lesson

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


def test_a_shared_reward_offset_makes_the_mean_baseline_the_lower_variance_one():
    # at a uniform policy the variance with b is Σ_a π_a[(μ_a − b)² + σ²]‖e_a − π‖² − ‖∇J‖²: with all
    # means near 5, b = E[r] removes the 5² that b = 0 leaves in every term
    assert lesson.lower_variance({"offset": "5"}) == "b = E[r]"
    assert lesson.lower_variance({"offset": "0"}) in ("b = 0", "b = E[r]", "Equal")


def test_the_dqn_beat_names_the_variant_with_the_best_median_in_the_committed_runs():
    import numpy as np

    from demos.reinforcement_learning import dqn
    band = dqn.committed_band()  # committed: 5 seeds × 3 variants
    medians = {v: np.median([c[-1] for c in band[v]]) for v in dqn.VARIANTS}
    assert lesson.dqn_best({}) == max(medians, key=medians.get) == "replay + target"
