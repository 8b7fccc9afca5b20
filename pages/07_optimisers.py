"""Gradient descent and optimisers: the real torch.optim classes raced on 2-D loss surfaces."""
import streamlit as st

import ui
from demos.optimisers import (batch_size, bias_correction, committed, gradient_noise, race, range_test, rules,
                              saddles, scaling, schedules, sensitivity, surfaces, theory)

page = ui.page_setup(__file__)

# Controls: the surface (it brings its own start and settings), its shape, the start point and the race length
row = st.columns([4, 2, 2, 2, 2, 2])  # a surface's whole name on a slide
with row[0]:
    name = ui.select("Loss surface", "surface", list(surfaces.SURFACES), format_func=surfaces.SURFACES.get,
                     presets=surfaces.PRESETS)
P, quadratic, shape = surfaces.PRESETS[name], name in ("quadratic", "noisy"), surfaces.surface(name)
with row[1]:
    kappa = ui.slider("Condition κ", "kappa", 1, 200, 50, help="Condition number λ_max/λ_min") if quadratic else 50
with row[2]:
    batch = ui.slider("Batch size B (of 256)", "batch", 1, 256, 16) if name == "noisy" else 256
with row[3]:
    x0 = ui.slider("Start x", "x0", float(shape.x_range[0]), float(shape.x_range[1]), P["x0"], step=0.01)
with row[4]:
    y0 = ui.slider("Start y", "y0", float(shape.y_range[0]), float(shape.y_range[1]), P["y0"], step=0.01)
with row[5]:
    steps = ui.slider("Steps", "steps", *race.STEPS_RANGE, 500, step=50)
more = (ui.more_controls() if ui.is_presenting() else
        st.expander("⚙️ Each optimiser: race it or not, its learning rate η and coefficients; the tolerance"))

# Each optimiser: race it or not, its learning rate (log scale) and its own coefficients
lr_args = dict(lo=rules.LR_LOG_RANGE[0], hi=rules.LR_LOG_RANGE[1], step=0.01, format="10^%.2f",
               help="log₁₀ of the learning rate η")
with more:
    c = ui.control_groups(["SGD", "Momentum", "Nesterov", "Adagrad", "RMSprop", "Adam", "AdamW"])
    with c[0]:
        on = {"sgd": ui.toggle("SGD", "on_sgd", "sgd" in rules.RACING_BY_DEFAULT)}
        v = {"lr_sgd": ui.slider("η", "lr_sgd", default=P["lr_sgd"], **lr_args)}
    with c[1]:
        on["momentum"] = ui.toggle("Momentum", "on_mom", "momentum" in rules.RACING_BY_DEFAULT)
        v |= {"lr_mom": ui.slider("η", "lr_mom", default=P["lr_mom"], **lr_args),
              "mu_mom": ui.slider("μ", "mu_mom", 0.0, 0.99, P["mu_mom"], step=0.01)}
    with c[2]:
        on["nesterov"] = ui.toggle("Nesterov", "on_nag", "nesterov" in rules.RACING_BY_DEFAULT)
        v |= {"lr_nag": ui.slider("η", "lr_nag", default=P["lr_nag"], **lr_args),
              "mu_nag": ui.slider("μ", "mu_nag", 0.0, 0.99, P["mu_nag"], step=0.01)}
    with c[3]:
        on["adagrad"] = ui.toggle("Adagrad", "on_ada", "adagrad" in rules.RACING_BY_DEFAULT)
        v |= {"lr_ada": ui.slider("η", "lr_ada", default=P["lr_ada"], **lr_args)}
    with c[4]:
        on["rmsprop"] = ui.toggle("RMSprop", "on_rms", "rmsprop" in rules.RACING_BY_DEFAULT)
        v |= {"lr_rms": ui.slider("η", "lr_rms", default=P["lr_rms"], **lr_args),
              "alpha_rms": ui.slider("α", "alpha_rms", 0.5, 0.999, P["alpha_rms"], step=0.001, format="%.3f")}
    with c[5]:
        on["adam"] = ui.toggle("Adam", "on_adam", "adam" in rules.RACING_BY_DEFAULT)
        v |= {"lr_adam": ui.slider("η", "lr_adam", default=P["lr_adam"], **lr_args),
              "b1_adam": ui.slider("β₁ (Adam and AdamW)", "b1_adam", 0.0, 0.99, P["b1_adam"], step=0.01),
              "b2_adam": ui.slider("β₂ (Adam and AdamW)", "b2_adam", 0.5, 0.9999, P["b2_adam"], step=0.0001,
                                  format="%.4f")}
    with c[6]:
        on["adamw"] = ui.toggle("AdamW", "on_adamw", "adamw" in rules.RACING_BY_DEFAULT)
        v |= {"lr_adamw": ui.slider("η", "lr_adamw", default=P["lr_adamw"], **lr_args),
              "wd_adamw": ui.slider("weight decay λ", "wd_adamw", 0.0, 0.5, P["wd_adamw"], step=0.01)}
    c = st.columns([3, 2, 7])
    with c[0]:
        tol = 10.0 ** ui.slider("Tolerance on f − f*", "tol", -12, -1, -6, format="10^%d")
    with c[1]:
        seed = ui.number("Seed (mini-batches)", "seed", 0, 9999, 0) if name == "noisy" else 0
if not any(on.values()):
    st.info("Every optimiser is switched off: racing SGD alone.", icon="🏁")
runners = rules.runners(on, v)

# Hero: the race on the surface beside f − f* per step, replayed in the browser
rec = ui.computed("Racing the optimisers", race.run, name, runners, (x0, y0), steps, float(kappa), batch, seed,
                  stoppable=True)
shape, results, ran = surfaces.surface(name, kappa), race.results(rec, tol), int(rec.steps[-1])
# Why a runner diverged (a slide keeps room for the chart: one note there)
for note in theory.divergence_notes(results, runners, shape, kappa, (x0, y0), one=ui.is_presenting()):
    st.warning(note, icon="💥")
height = 480 if ui.is_presenting() else 470
fig = ui.cached(race.race_figure, rec, height, max_entries=24,  # 60 frames cost more than a rerun may
                key=(name, runners, x0, y0, kappa, batch, seed, ran, rec.stopped, height))


def start_here(point: dict) -> None:  # a click on the contour moves the start there (the sliders follow)
    start = race.clicked_start(point, fig)
    if start is not None:
        ui.apply_preset({"x0": start[0], "y0": start[1]})


ui.chart(fig, race.race_caption(results, tol, ran, shape), key="race", on_click=start_here)
ui.prose(race.cost_text(rec))
ui.end_of_hero()

# Results: steps to the tolerance, where each runner ended
st.dataframe(race.results_table(results, runners, tol), hide_index=True)

# Secondary views, one lazy tab each
view, box = ui.tabs("view", ["Theory vs measurement", "Learning-rate sensitivity", "Adam's bias correction",
                             "Batch size on MNIST", "Feature scaling", "Schedules", "Saddle points"])
with box:
    if view == "Theory vs measurement":
        ui.section("Theory")
        if name != "quadratic":
            st.info("The convergence theory is exact on the quadratic surface.", icon="📐")
            st.button("Switch to the quadratic", on_click=ui.apply_preset, args=(surfaces.choose("quadratic"),))
        else:
            st.markdown(theory.facts(kappa))
            st.button("Use these best settings for SGD and Momentum", on_click=ui.apply_preset,
                      args=(theory.best_settings(kappa),))
            rows = theory.rates(rec, dict(runners), kappa)
            if rows:
                ui.chart(theory.rates_figure(rec, rows), theory.rates_caption(rows), export="rates")
                st.dataframe(theory.rates_table(rows), hide_index=True)
            else:
                st.info("Switch on SGD, Momentum or Nesterov: their rates are the ones the theory predicts.")
    elif view == "Learning-rate sensitivity":
        sweeps = ui.computed("Sweeping 25 learning rates per optimiser", sensitivity.lr_sensitivity, name, runners,
                             (x0, y0), ran, tol, float(kappa), batch, seed)
        ui.chart(sensitivity.sweep_figure(sweeps, ran), sensitivity.sweep_caption(sweeps, tol), export="lr_sweep")
    elif view == "Adam's bias correction":
        lr, betas = 10 ** v["lr_adam"], (v["b1_adam"], v["b2_adam"])
        sizes = bias_correction.adam_step_sizes(lr, betas)
        ui.chart(bias_correction.bias_figure(sizes, lr), bias_correction.bias_caption(sizes, lr, betas))
        ui.section("Bias correction")
    elif view == "Batch size on MNIST":
        b = st.columns(3)
        with b[0]:
            epochs = ui.slider("Epochs (equal-epochs runs)", "bs_epochs", 1, 3, 1)
        with b[1]:
            bs_lr = 10 ** ui.slider("Learning rate (SGD, all batch sizes)", "bs_lr", -3.0, 0.0, -2.0, step=0.1,
                                    format="10^%.1f")
        # The defaults are committed runs (instant; timed where they were made), other settings train live
        run = ui.experiment("Training the MLP at batch sizes 1, 32 and 3,500", batch_size.batch_size_experiment,
                            epochs, round(bs_lr, 6), committed.SEED)
        st.markdown(batch_size.iterations_text(run))
        for col, kind in zip(st.columns(2), ("equal_epochs", "equal_time")):
            with col:
                ui.chart(batch_size.batch_figure(run, kind), batch_size.batch_caption(run, kind), export=kind)
        noise = ui.experiment("Measuring the gradient noise", gradient_noise.gradient_noise, committed.SEED)
        ui.chart(gradient_noise.noise_figure(noise), gradient_noise.noise_caption(noise), export="gradient_noise")
    elif view == "Feature scaling":
        f = st.columns(3)
        with f[0]:
            mean = ui.slider("Feature mean", "fs_mean", 0.0, 20.0, 10.0, step=0.5)
        with f[1]:
            std = ui.slider("Feature spread (std)", "fs_std", 0.5, 5.0, 2.0, step=0.1)
        runs = ui.cached(scaling.scaling_runs, mean, std, tol)
        for col, case in zip(st.columns(2), ("raw", "standardised")):
            with col:
                ui.chart(scaling.scaling_figure(runs[case], case), scaling.scaling_caption(runs[case], case, tol))
        ui.section("Feature scaling")
    elif view == "Schedules":
        s = st.columns(3)
        with s[0]:
            peak = 10 ** ui.slider("Peak learning rate", "sch_lr", -3.0, 0.0, -1.3, step=0.1, format="10^%.1f")
        with s[1]:
            sch_epochs = ui.slider("Epochs", "sch_epochs", 1, 6, 4)
        lrs = ui.cached(schedules.schedules_for_run, round(peak, 6), sch_epochs)
        ui.chart(schedules.lrs_figure(lrs), schedules.lrs_caption(lrs, sch_epochs, peak))
        runs = ui.experiment("Training the MLP under six schedules", schedules.schedule_experiment, round(peak, 6),
                             sch_epochs, committed.SEED)
        ui.chart(schedules.schedule_figure(runs), schedules.schedule_caption(runs), export="schedules")
        test = ui.experiment("LR range test", range_test.lr_range_test, committed.SEED)
        ui.chart(range_test.range_figure(test), range_test.range_caption(test), export="lr_range_test")
    else:
        fractions = ui.cached(saddles.minima_fraction)
        ui.chart(saddles.minima_figure(fractions), saddles.minima_caption(fractions))
        ui.section("Saddle points")

ui.key_ideas()
ui.show_code(rules.update, rules.make_stepper, race.run, theory.optimal, theory.predicted_rate,
             schedules.schedule_formula, batch_size.iterations_per_epoch)
