"""Tuning and debugging a network: five search strategies under one budget of epochs, replayed from a
committed table of learning curves (or trained live); a clinic of broken trainings; architecture search."""
import streamlit as st

import ui
from demos.tuning import checks, clinic, hero, nas, search, trial

page = ui.page_setup(__file__)

# Controls: which search to look at, the budget of epochs every strategy gets, and the search's seed
row = ui.control_columns([3, 3, 2])
with row[0]:
    strategy = ui.select("Strategy", "strategy", search.STRATEGIES, default="Successive halving")
with row[1]:
    budget = ui.slider("Budget (epochs)", "budget", 81, search.BUDGET, search.BUDGET, step=81,
                       help=f"{search.BUDGET} epochs = {search.FULL_TRIALS} trials of {trial.EPOCHS} epochs")
with row[2]:
    seed = ui.number("Search seed", "seed", 0, 99, 0)

# Hero: where this search sampled, and best-so-far against budget for every strategy over 10 seeds
table = ui.cached(trial.committed_table)
found = ui.cached(search.run_search, strategy, seed, table, budget, key=(strategy, seed, budget))
height = round(212 * ui.stage_scale()) if ui.is_presenting() else 330  # both charts fit one 720p slide
ui.chart(hero.space_figure(found, height), hero.space_caption(found), key="space")
band = ui.experiment("Searching: 5 strategies × 10 seeds", hero.compute_band, stored=hero.committed_band,
                     command="python -m train.tuning --part band", stoppable=True)
ui.chart(hero.band_figure(band, found, budget, height), hero.band_caption(band, budget), export="best_so_far")
st.caption(hero.test_caption(found, table))  # the winner's test accuracy, read once (on a slide too)
ui.end_of_hero()

# Inside this search: its learning curves coloured by when each trial stopped
ui.chart(hero.curves_figure(found), hero.curves_caption(found), export="learning_curves")
st.caption(hero.importance_caption(ui.cached(hero.importance, table, key="table")))

# Live: the same search with every trial trained now (streams, can be stopped)
run = (strategy, seed, budget)
slot = st.empty()
if not (ui.is_done(search.live_search, run) or st.session_state.get(f"_live_{run}")):
    st.button(f"▶ Run this search live ({budget} epochs of real training)",
              on_click=st.session_state.update, args=({f"_live_{run}": 1},))
else:
    live = ui.computed("Training the search's trials", search.live_search, *run, key=run, stoppable=True,
                       show=lambda best: slot.plotly_chart(hero.live_figure(best, budget)))
    with slot.container():
        best = live.best_so_far(live.spent())[1:]
        ui.chart(hero.live_figure(best, budget), hero.live_caption(live, search.reproduction_gap(live, table)),
                 export="live_search")

# Secondary views, one lazy tab each
view, box = ui.tabs("view", ["The clinic", "Architecture search"])
with box:
    if view == "The clinic":
        runs = ui.cached(clinic.committed)
        c = ui.control_columns([2, 4, 3])
        with c[0]:
            patient = ui.select("Patient", "patient", list(clinic.PATIENTS))
        with c[1]:
            guess = ui.select("Your diagnosis", "diagnosis", [clinic.NO_GUESS, *clinic.DIAGNOSES])
        with c[2]:
            run_checks = ui.toggle("Run the standard checks on this set-up", "checks", False)
        reveal = guess != clinic.NO_GUESS
        case = clinic.PATIENTS[patient]
        ui.chart(clinic.symptom_figure(case, runs, reveal), clinic.symptom_caption(patient, runs), key="symptoms")
        if reveal:
            (st.success if guess == clinic.CASES[case][0] else st.warning)(
                clinic.reveal_caption(patient, guess, runs), icon="🩺")
        else:
            st.info("Pick a diagnosis to see the answer, the healthy run and the held-out test accuracy.", icon="🩺")
        if run_checks:
            data = ui.cached(clinic.digits, spinner="Loading MNIST-5k…")
            result = ui.cached(checks.checks, case, data, key=case, spinner="Running the checks…")
            ui.chart(checks.checks_figure(result), checks.checks_caption(case, result), key="grad_norms")
        ui.section("The clinic")
    else:
        sample = ui.cached(nas.committed)
        n = ui.slider("Architectures sampled", "archs", 5, nas.SAMPLES, nas.SAMPLES, step=5)
        shown = nas.first(sample, n)
        ui.chart(nas.pareto_figure(shown), nas.pareto_caption(shown), export="pareto")
        ui.section("Architecture search")

ui.key_ideas()
ui.show_code(search.successive_halving, search.hyperband_brackets, search.run_search, search.asha_stops,
             search.grid_indices, hero.importance, trial.Run.epoch, clinic.loss_fn, checks.checks,
             clinic.symptom, nas.pareto_front)
