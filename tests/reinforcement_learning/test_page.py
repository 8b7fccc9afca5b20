"""The reinforcement-learning page driven by AppTest: its captions equal what the demo functions
compute for the same controls; a preset brings its layout; a bad layout in the URL gets a message and
the preset's grid; the reward edit and the inspector follow the controls. Two page opens."""
import pytest

from demos.reinforcement_learning import gridworld, hero, inspector, tabular, value_iteration
from tests.support import captions, open_page, plotly_specs

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/13_reinforcement_learning.py"


@pytest.fixture(scope="module")
def page():
    return open_page(PAGE, timeout=120)


def run_of(at):
    s = at.session_state
    grid = gridworld.parse_layout(s["grid"], s["mode"])
    cell = gridworld.edit_cell(grid, s["edit"])
    edit = None if cell is None else (cell, float(s["reward"]), int(s["from"]))
    rec = tabular.learn(grid.layout, s["mode"], s["eps"], s["decay"], s["alpha"], s["gamma"], s["episodes"],
                        s["seed"], edit)
    return grid, rec, edit


def test_the_hero_replays_both_learners_and_its_captions_are_computed(page):
    assert not page.exception and not page.error
    grid, rec, _ = run_of(page)
    shown = captions(page)
    assert shown[0] == hero.hero_caption(rec, grid) and shown[1] == hero.returns_caption(rec, grid, None)
    spec = plotly_specs(page)[0]
    assert len(spec["frames"]) == rec.n_frames and spec["layout"]["sliders"][0]["steps"][-1]["label"] == "300"
    v, changes = value_iteration.value_iteration(grid, 0.95)
    assert value_iteration.v_star_caption(grid, v, changes, 0.95) in shown
    text = " ".join(m.value for m in page.markdown)
    u = inspector.last_update(rec, 0, 300)
    assert f"{u.q_new:.3f}".replace("-", "−") in text.replace("\\", "")


def test_a_preset_brings_its_layout_and_an_edit_moves_the_returns_caption(page):
    page.selectbox(key="preset").select("CliffWalking 4×12").run()
    assert not page.exception and page.session_state["grid"] == gridworld.PRESETS["CliffWalking 4×12"]
    assert page.session_state["eps"] == 0.1 and page.session_state["episodes"] == 500
    page.selectbox(key="edit").select("r3c6").run()
    page.slider(key="from").set_value(200).run()
    assert not page.exception
    grid, rec, edit = run_of(page)
    assert edit == (29, -20.0, 200)
    assert captions(page)[1] == hero.returns_caption(rec, grid, edit)
    assert "Entering row 3, col 6 pays -20 from episode 200" in captions(page)[1]
    page.slider(key="inspect").set_value(7).run()
    assert "Episode 7 of 500" in " ".join(captions(page))


def test_a_bad_layout_in_the_url_gets_a_message_and_the_presets_grid():
    at = open_page(PAGE, timeout=120, grid="S.G/W<b>", edit="r1c9")
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "not cells" in message and "Showing the “Classic 10×10” preset instead" in message
    assert plotly_specs(at) and captions(at)[0].startswith("After 300 episodes")


def test_the_policy_gradient_tab_shows_reinforce_with_and_without_a_baseline(page):
    from demos.reinforcement_learning import policy_gradient
    from tests.support import show
    show(page, view="Policy gradients", pulls=500, offset=2.0)
    rec = policy_gradient.train(5, 2.0, 0.1, 500, page.session_state["seed"])
    shown = captions(page)
    assert policy_gradient.policy_caption(rec) in shown and policy_gradient.variance_caption(rec, 2.0) in shown
    from demos.reinforcement_learning import reinforce_cartpole
    assert reinforce_cartpole.returns_caption(reinforce_cartpole.train(page.session_state["seed"], 300, True)) in shown


def test_the_exploration_tab_measures_epsilon_and_corridors(page):
    from demos.reinforcement_learning import exploration
    from tests.support import show
    show(page, view="Exploration & credit", episodes=100)
    grid, rec, _ = run_of(page)
    s = page.session_state
    sweep = exploration.epsilon_sweep(grid.layout, s["mode"], s["alpha"], s["gamma"], 100, s["seed"])
    assert exploration.sweep_caption(sweep, 100) in captions(page)
    assert any(c.startswith("In the 12-cell corridor") for c in captions(page))


def test_the_dqn_tab_shows_the_committed_band_the_agent_balancing_and_a_live_retrain(page, monkeypatch):
    from demos.reinforcement_learning import cartpole, dqn, dqn_views
    from models.registry import load_pretrained
    from tests.support import show
    show(page, view="DQN on CartPole", start=1003)
    band = dqn.committed_band()
    states, actions, ended = dqn.greedy_episode(load_pretrained("cartpole_dqn"), 1003)
    shown = captions(page)
    assert dqn_views.band_caption(band) in shown and cartpole.episode_caption(states, actions, ended, 1003) in shown
    monkeypatch.setattr(dqn, "SETTINGS", dqn.DqnSettings(steps=300))  # a short live run (the page reads SETTINGS.steps)
    page.run()
    button = next(b for b in page.button if b.label.startswith("▶ Retrain live (300 steps)"))
    button.click().run(timeout=120)
    assert not page.exception
    rec = dqn.train(0, "replay + target", 300)
    shown = captions(page)
    assert dqn_views.returns_caption(rec) in shown and dqn_views.td_caption(rec) in shown
    assert dqn_views.sample_caption(rec) in shown
