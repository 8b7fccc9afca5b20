"""Reinforcement learning: 500 tabular episodes of both learners on the 10×10 grid recorded, the replay
figure built, value iteration, and the page's first render and reruns."""
from __future__ import annotations

from bench.common import Row, best_of, once, page_rerun, one_thread
from demos.reinforcement_learning import cartpole, dqn, exploration, gridworld, hero, policy_gradient, tabular, value_iteration

PAGE = "pages/13_reinforcement_learning.py"


def run() -> list[Row]:
    layout = gridworld.PRESETS["Classic 10×10"]
    grid = gridworld.parse_layout(layout)
    learn = lambda: tabular.learn(layout, "step penalty", 0.2, 0.99, 0.5, 0.95, 500, 0)  # noqa: E731
    rows = [Row("reinforcement_learning", "500 episodes × 2 learners on the 10×10 grid, recorded (50 frames)",
                best_of(learn, repeat=3), target="≤ 1 s")]
    rec = learn()
    rows.append(Row("reinforcement_learning", "replay figure: 50 frames of both grids built (cached on the page)",
                    best_of(lambda: hero.hero_figure(rec, grid), repeat=3)))
    rows.append(Row("reinforcement_learning", "value iteration to 1e-10 on the 10×10 grid",
                    best_of(lambda: value_iteration.value_iteration(grid, 0.95), repeat=3)))
    rows.append(Row("reinforcement_learning", "Policy gradients tab: REINFORCE, 2 learners × 1,000 pulls recorded",
                    best_of(lambda: policy_gradient.train(5, 5.0, 0.1, 1000, 0), repeat=3)))
    from demos.reinforcement_learning import reinforce_cartpole
    rows.append(Row("reinforcement_learning", "Policy gradients tab: REINFORCE on CartPole, 300 episodes recorded "
                    "(1 thread, as the server)", one_thread(lambda: once(lambda: reinforce_cartpole.train(0, 300, True)))))
    rows.append(Row("reinforcement_learning", "Exploration tab: Q-learning at 5 values of ε × 300 episodes (default grid)",
                    best_of(lambda: exploration.epsilon_sweep(layout, "step penalty", 0.5, 0.95, 300, 0), repeat=1)))
    rows.append(Row("reinforcement_learning", "Exploration tab: 10 corridors × 2 reward modes × 200 episodes",
                    best_of(lambda: exploration.corridor_sweep(0.2, 0.5, 0.95, 0), repeat=1)))
    rows += one_thread(dqn_rows)
    first, rerun = page_rerun(PAGE, {}, ("slider", "eps", 0.3))
    rows.append(Row("reinforcement_learning", "page first render (server, both learners trained)", first,
                    target="≤ 2 s"))
    rows.append(Row("reinforcement_learning", "page rerun after an ε change (median of 5 alternating reruns; the first 2 train 300 episodes)", rerun,
                    target="< 1 s"))
    _, rerun = page_rerun(PAGE, {}, ("selectbox", "colour", hero.COLOURINGS[2]))
    rows.append(Row("reinforcement_learning", "page rerun after a colouring change (run cached)", rerun,
                    target="< 1 s"))
    return rows


class Stopped(Exception):
    """Named like the UI's Stop: `replay.record` ends the run and keeps what it has."""


def dqn_rows() -> list[Row]:
    from models.registry import load_pretrained

    def first_curve() -> None:  # the live retrain's first streamed return curve, then stop
        def stop(fraction, partial):
            raise Stopped
        dqn.train(0, "replay + target", on_progress=stop)

    net = load_pretrained("cartpole_dqn")
    episode = dqn.greedy_episode(net, 1000)
    rows = [Row("reinforcement_learning", f"DQN tab: Retrain live, first streamed return curve (step {dqn.replay.frame_steps(dqn.SETTINGS.steps, 30)[1]})",
                best_of(first_curve, repeat=3), target="≤ 1 s"),
            Row("reinforcement_learning", f"DQN tab: Retrain live, a whole run ({dqn.SETTINGS.steps:,} steps, 30 frames)",
                once(lambda: dqn.train(1, "replay + target"))),
            Row("reinforcement_learning", f"DQN tab: committed agent's greedy episode ({len(episode[1])} steps) + "
                "its replay figure", best_of(lambda: cartpole.episode_figure(*dqn.greedy_episode(net, 1000)[:2]),
                                            repeat=3))]
    first, rerun = page_rerun(PAGE, {"view": "DQN on CartPole"}, ("number_input", "start", 1001), repeat=3)
    rows.append(Row("reinforcement_learning", "DQN tab opened from the URL: first render (committed band + agent)",
                    first, target="≤ 2 s"))
    rows.append(Row("reinforcement_learning", "DQN tab: rerun after a start-seed change (a new greedy episode)", rerun,
                    target="< 1 s"))
    return rows
