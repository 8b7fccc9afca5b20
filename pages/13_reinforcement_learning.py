"""Reinforcement learning: Q-learning and SARSA on an editable gridworld, replayed; value iteration's V*."""
import streamlit as st

import ui
from demos.reinforcement_learning import (cartpole, dqn, dqn_views, exploration, gridworld, hero, inspector,
                                         policy_gradient, reinforce_cartpole, tabular, value_iteration)

page = ui.page_setup(__file__)

# Controls: a preset (it brings its layout and settings), what colours the grid, the run's length and exploration
row = st.columns([3, 3, 2, 2, 2])
with row[0]:
    preset = ui.select("Preset", "preset", list(gridworld.PRESETS), presets={
        name: gridworld.settings_for(name) for name in gridworld.PRESETS})
with row[1]:
    colouring = ui.select("Colour the grid by", "colour", hero.COLOURINGS)
with row[2]:
    episodes = ui.slider("Episodes", "episodes", *tabular.EPISODES_RANGE, 300, step=10)
with row[3]:
    eps = ui.slider("Exploration ε", "eps", 0.0, 1.0, 0.2, step=0.01, help="Chance of a random action")
with row[4]:
    seed = ui.number("Seed", "seed", 0, 9999, 0)
more = ui.more_controls()
with more:
    c = ui.control_columns(4)
    with c[0]:
        decay = ui.slider("ε decay per episode", "decay", 0.95, 1.0, 0.99, step=0.001, format="%.3f")
    with c[1]:
        gamma = ui.slider("Discount γ", "gamma", 0.5, 0.99, 0.95, step=0.01)
    with c[2]:
        alpha = ui.slider("Learning rate α", "alpha", 0.05, 1.0, 0.5, step=0.05)
    with c[3]:
        mode = ui.select("Reward", "mode", ["step penalty", "sparse"],
                         help="Step penalty: every floor step pays −1. Sparse: only goals, pits and cliffs pay.")
    text = ui.text_area("Layout: rows joined by “/”; . floor, S start, G goal (+10), P pit (−10, ends), "
                        "C cliff (−100, back to S), W wall", "grid", gridworld.PRESETS[gridworld.DEFAULT],
                        max_chars=200, height=70)

# The grid the URL describes, or the preset's with a message saying what is wrong
try:
    grid = gridworld.parse_layout(text, mode)
except gridworld.LayoutError as err:
    st.error(f"{err} Showing the “{preset}” preset instead.", icon="🧱")
    grid = gridworld.parse_layout(gridworld.PRESETS[preset], mode)

# The reward edit: a cell pays a new reward from a chosen episode on (the agents reroute); on a slide, in ⚙️
with more if ui.is_presenting() else st.container():
    e = ui.control_columns([2, 2, 2, 4])
    with e[0]:
        edit_at = ui.select("Edit a cell's reward", "edit", gridworld.edit_options(grid),
                            help="r3c5 = row 3, column 5 (as on the axes); or click a cell on the grid")
    with e[1]:
        new_reward = ui.slider("New reward", "reward", -100, 100, -20)
    with e[2]:
        edit_from = ui.slider("From episode", "from", 1, tabular.EPISODES_RANGE[1], 150)
cell = gridworld.edit_cell(grid, edit_at)
edit = None if cell is None else (cell, float(new_reward), int(edit_from))
if edit and edit_from > episodes:
    st.info(f"The edit starts at episode {edit_from}, after the run's {episodes} episodes.", icon="✏️")

# Hero: both learners' grids replayed episode by episode, their returns per episode
rec = ui.computed("Training Q-learning and SARSA", tabular.learn, grid.layout, mode, eps, decay, alpha, gamma,
                  episodes, seed, edit, stoppable=True)
height = round(480 * ui.stage_scale()) if ui.is_presenting() else 440
fig = ui.cached(hero.hero_figure, rec, grid, colouring, height, cell, max_entries=16,
                key=(grid.layout, mode, eps, decay, alpha, gamma, episodes, seed, edit, colouring, height,
                     int(rec.steps[-1])))


def edit_here(point: dict) -> None:  # a click on a cell picks it for the reward edit (the select follows)
    option = hero.clicked_cell(point, grid)
    if option is not None:
        ui.apply_preset({"edit": option})


ui.chart(fig, hero.hero_caption(rec, grid), key="hero", on_click=edit_here)
ui.prose(hero.cost_text(rec))
ui.end_of_hero()
ui.chart(hero.returns_figure(rec, edit[2] if edit else None), hero.returns_caption(rec, grid, edit), export="returns")

# Inspect the last update of a chosen episode: the TD target with its numbers
ran = int(rec.steps[-1])
st.subheader("Inspect the last update of an episode")
episode = min(ui.slider("Episode", "inspect", 1, tabular.EPISODES_RANGE[1], tabular.EPISODES_RANGE[1]), ran)
for j, col in enumerate(st.columns(2)):
    with col:
        st.markdown(inspector.explain(inspector.last_update(rec, j, episode), j, grid, gamma, alpha,
                                      inspector.was_cut(rec, j, episode, grid)))
st.caption(f"Episode {episode} of {ran}, ε = {tabular.epsilon_at(eps, decay, episode):.3f} in it.")

# Secondary views, one lazy tab each
view, box = ui.tabs("view", ["Value iteration", "Policy gradients", "Exploration & credit", "DQN on CartPole"])
with box:
    if view == "DQN on CartPole":
        band = ui.experiment("Training DQN: 5 seeds × 3 variants", dqn.seed_band, stored=dqn.committed_band,
                             command="python -m train.cartpole_dqn --band", stoppable=True)
        ui.chart(dqn_views.band_figure(band), dqn_views.band_caption(band), export="dqn_band")
        start = ui.number("Start seed of the committed agent's episode", "start", 0, 9999, 1000)
        episode = ui.cached(dqn.greedy_episode, ui.model("cartpole_dqn"), start, key=start)
        ui.chart(cartpole.episode_figure(*episode[:2]), cartpole.episode_caption(*episode, start), key="cartpole")
        st.caption(dqn_views.agent_note())
        d = ui.control_columns([2, 3, 3])
        with d[0]:
            run_seed = ui.number("Seed", "dqn_seed", 0, 99, 0)
        with d[1]:
            variant = ui.select("Variant", "variant", list(dqn.VARIANTS))
        run, curve, steps = (run_seed, variant), st.empty(), dqn.SETTINGS.steps
        if not (ui.is_done(dqn.train, (*run, steps)) or st.session_state.get(f"_dqn_{run}")):
            d[2].button(f"▶ Retrain live ({steps:,} steps)", on_click=st.session_state.update, args=({f"_dqn_{run}": 1},))
        else:
            live = ui.computed("Training DQN", dqn.train, run_seed, variant, steps, key=(*run, steps), stoppable=True,
                               show=lambda r: curve.plotly_chart(dqn_views.returns_figure(r, steps)))
            with curve.container():
                ui.chart(dqn_views.returns_figure(dqn_views.episodes(live), steps, live.meta["syncs"]),
                         dqn_views.returns_caption(live), export="dqn_returns")
            ui.chart(dqn_views.td_figure(live), dqn_views.td_caption(live), key="td")
            st.dataframe(dqn_views.sample_table(live), hide_index=True)
            st.caption(dqn_views.sample_caption(live))
        ui.section("DQN on CartPole")
    elif view == "Policy gradients":
        p = ui.control_columns(4)
        with p[0]:
            arms = ui.slider("Arms k", "arms", 2, 10, 5)
        with p[1]:
            offset = ui.slider("Reward offset (all arms)", "offset", 0.0, 10.0, 5.0, step=0.5)
        with p[2]:
            lr = ui.slider("Learning rate η", "pg_lr", 0.01, 1.0, 0.1, step=0.01)
        with p[3]:
            pulls = ui.slider("Pulls", "pulls", 100, 3000, 1000, step=100)
        bandit = ui.computed("REINFORCE on the bandit", policy_gradient.train, arms, offset, lr, pulls, seed)
        ui.chart(ui.cached(policy_gradient.policy_figure, bandit, key=(arms, offset, lr, pulls, seed)),
                 policy_gradient.policy_caption(bandit))
        ui.chart(policy_gradient.curves_figure(bandit), policy_gradient.variance_caption(bandit, offset),
                 export="reinforce_variance")
        base = ui.toggle("CartPole: mean-return baseline", "cp_baseline", True)
        slot = st.empty()
        pole = ui.computed("REINFORCE on CartPole", reinforce_cartpole.train, seed, 300, base, stoppable=True,
                           show=lambda r: slot.plotly_chart(reinforce_cartpole.returns_figure(r, 300)))
        with slot.container():
            ui.chart(reinforce_cartpole.returns_figure(pole.curves.get("return", []), 300),
                     reinforce_cartpole.returns_caption(pole), export="reinforce_cartpole")
        ui.section("Policy gradients")
    elif view == "Exploration & credit":
        sweep = ui.computed("Q-learning at five values of ε", exploration.epsilon_sweep, grid.layout, mode, alpha,
                            gamma, episodes, seed)
        ui.chart(exploration.sweep_figure(sweep, episodes), exploration.sweep_caption(sweep, episodes),
                 export="epsilon_sweep")
        corridors = ui.computed("Corridors of 3 to 12 cells", exploration.corridor_sweep, eps, alpha, gamma, seed)
        ui.chart(exploration.corridor_figure(corridors), exploration.corridor_caption(corridors), export="corridors")
        ui.section("Exploration and credit assignment")
    else:
        v_star, changes = ui.cached(value_iteration.value_iteration, grid, gamma, key=(grid.layout, mode, gamma))
        ui.chart(value_iteration.v_star_figure(grid, v_star, gamma),
                 value_iteration.v_star_caption(grid, v_star, changes, gamma))
        gap = value_iteration.gaps(rec, grid, v_star)
        ui.chart(value_iteration.gap_figure(rec, gap, changes),
                 value_iteration.gap_caption(rec, gap, rec.curves["eps"][-1]), export="gap_to_v_star")
        ui.section("Value iteration")

ui.key_ideas()
ui.show_code(tabular.q_learning_update, tabular.sarsa_update, tabular.epsilon_greedy, tabular.run_episode,
             value_iteration.value_iteration, value_iteration.policy_value, gridworld.Grid.step, policy_gradient.estimate,
             policy_gradient.exact_gradient, policy_gradient.estimate_variance, dqn.td_loss, dqn.Agent.act_and_learn,
             cartpole.step, reinforce_cartpole.policy_loss)
