"""Gradient descent and optimisers: the real torch.optim classes raced on 2-D loss surfaces."""
import math

import numpy as np
import streamlit as st

import ui
from demos import optimisers as opt
from demos import training_dynamics as td
from demos import plots

page = ui.page_setup(__file__)


@st.cache_resource(max_entries=24, show_spinner=False)
def race_figure(key: tuple, _rec, height: int):
    """The animated figure of one recording (`key` names it), built once and shared read-only: building
    its 60 frames costs more than a rerun may."""
    return opt.race_figure(_rec, height)


# Controls: the surface, its shape, the start point and the race length in one row
row = st.columns([3, 2, 2, 2, 2, 2, 1.6])  # the last: the slide's "More controls" (~110 px)
with row[0]:
    name = ui.select("Loss surface", "surface", list(opt.SURFACES), format_func=opt.SURFACES.get)
if st.session_state.get("_opt_surface", name) != name:  # a new surface brings its own start and settings
    st.session_state.update(opt.PRESETS[name])
st.session_state["_opt_surface"] = name
P, quadratic, shape = opt.PRESETS[name], name in ("quadratic", "noisy"), opt.surface(name)
with row[1]:
    kappa = ui.slider("Condition κ", "kappa", 1, 200, 50, help="Condition number λ_max/λ_min") if quadratic else 50
with row[2]:
    batch = ui.slider("Batch size B (of 256)", "batch", 1, 256, 16) if name == "noisy" else 256
with row[3]:
    x0 = ui.slider("Start x", "x0", float(shape.x_range[0]), float(shape.x_range[1]), P["x0"], step=0.01)
with row[4]:
    y0 = ui.slider("Start y", "y0", float(shape.y_range[0]), float(shape.y_range[1]), P["y0"], step=0.01)
with row[5]:
    steps = ui.slider("Steps", "steps", *opt.STEPS_RANGE, 500, step=50)
more = (ui.more_controls(row[6]) if ui.is_presenting() else
        st.expander("⚙️ Each optimiser: race it or not, its learning rate η and coefficients; the tolerance"))

# Each optimiser: race it or not, its learning rate (log scale) and its own coefficients
lr_args = dict(lo=opt.LR_LOG_RANGE[0], hi=opt.LR_LOG_RANGE[1], step=0.01, format="10^%.2f",
               help="log₁₀ of the learning rate η")
with more:
    c = st.columns(7)
    with c[0]:
        on = {"sgd": ui.toggle("SGD", "on_sgd", True)}
        v = {"lr_sgd": ui.slider("η", "lr_sgd", default=P["lr_sgd"], **lr_args)}
    with c[1]:
        on["momentum"] = ui.toggle("Momentum", "on_mom", True)
        v |= {"lr_mom": ui.slider("η", "lr_mom", default=P["lr_mom"], **lr_args),
              "mu_mom": ui.slider("μ", "mu_mom", 0.0, 0.99, P["mu_mom"], step=0.01)}
    with c[2]:
        on["nesterov"] = ui.toggle("Nesterov", "on_nag", True)
        v |= {"lr_nag": ui.slider("η", "lr_nag", default=P["lr_nag"], **lr_args),
              "mu_nag": ui.slider("μ", "mu_nag", 0.0, 0.99, P["mu_nag"], step=0.01)}
    with c[3]:
        on["adagrad"] = ui.toggle("Adagrad", "on_ada", True)
        v |= {"lr_ada": ui.slider("η", "lr_ada", default=P["lr_ada"], **lr_args)}
    with c[4]:
        on["rmsprop"] = ui.toggle("RMSprop", "on_rms", True)
        v |= {"lr_rms": ui.slider("η", "lr_rms", default=P["lr_rms"], **lr_args),
              "alpha_rms": ui.slider("α", "alpha_rms", 0.5, 0.999, P["alpha_rms"], step=0.001, format="%.3f")}
    with c[5]:
        on["adam"] = ui.toggle("Adam", "on_adam", True)
        v |= {"lr_adam": ui.slider("η", "lr_adam", default=P["lr_adam"], **lr_args),
              "b1_adam": ui.slider("β₁ (Adam and AdamW)", "b1_adam", 0.0, 0.99, P["b1_adam"], step=0.01),
              "b2_adam": ui.slider("β₂ (Adam and AdamW)", "b2_adam", 0.5, 0.9999, P["b2_adam"], step=0.0001,
                                  format="%.4f")}
    with c[6]:
        on["adamw"] = ui.toggle("AdamW", "on_adamw", True)
        v |= {"lr_adamw": ui.slider("η", "lr_adamw", default=P["lr_adamw"], **lr_args),
              "wd_adamw": ui.slider("weight decay λ", "wd_adamw", 0.0, 0.5, P["wd_adamw"], step=0.01)}
    c = st.columns([3, 2, 7])
    with c[0]:
        tol = 10.0 ** ui.slider("Tolerance on f − f*", "tol", -12, -1, -6, format="10^%d")
    with c[1]:
        seed = ui.number("Seed (mini-batches)", "seed", 0, 9999, 0) if name == "noisy" else 0
if not any(on.values()):
    st.info("Every optimiser is switched off: racing SGD alone.", icon="🏁")
    on["sgd"] = True
runners = tuple((n, tuple(sorted(opt.settings(n, v).items()))) for n in opt.OPTIMISERS if on[n])

# Hero: the race on the surface beside f − f* per step, replayed in the browser
rec = ui.computed("Racing the optimisers", opt.race, name, runners, (x0, y0), steps, float(kappa), batch,
                  seed, stoppable=True)
shape, results = opt.surface(name, kappa), opt.results(rec, tol)
notes = [opt.divergence_note(r.name, dict(dict(runners)[r.name]), r, shape, kappa, (x0, y0))
         for r in results if r.diverged_at is not None]
for note in notes[:1] if ui.is_presenting() else notes:  # a slide keeps room for the chart: one note
    st.warning(note + (f" ({len(notes) - 1} more diverged.)" if ui.is_presenting() and len(notes) > 1 else ""),
               icon="💥")
key = (name, runners, x0, y0, kappa, batch, seed, int(rec.steps[-1]), rec.stopped)
ui.chart(race_figure(key, rec, 340 if ui.is_presenting() else 470),
         opt.summary(results, tol, int(rec.steps[-1]), shape))
ui.prose(f"{len(runners)} torch.optim optimisers × {rec.steps[-1]} steps ran once on the server in "
         f"{rec.seconds:.2f} s; ▶ Play and the step slider replay the recording in your browser.")
ui.end_of_hero()

# Results: steps to the tolerance, where each runner ended
st.dataframe(opt.results_table(results, runners, tol), hide_index=True)

# Secondary views, one lazy tab each
view, box = ui.tabs("view", ["Theory vs measurement", "Learning-rate sensitivity", "Adam's bias correction",
                             "Batch size on MNIST", "Feature scaling", "Schedules", "Saddle points"])
with box:
    if view == "Theory vs measurement":
        ui.section("Theory")
        if name != "quadratic":
            st.info("The convergence theory is exact on the quadratic surface.", icon="📐")
            st.button("Switch to the quadratic", on_click=st.session_state.update,
                      args=({"surface": "quadratic"},))
        else:
            st.markdown(opt.theory_facts(kappa))
            best = opt.optimal(kappa)
            st.button("Use these best settings for SGD and Momentum", on_click=st.session_state.update, args=(
                {"lr_sgd": round(math.log10(best["gd_lr"]), 2), "lr_mom": round(math.log10(best["hb_lr"]), 2),
                 "mu_mom": round(best["hb_mu"], 2), "on_sgd": True, "on_mom": True},))
            linear = [n for n in ("sgd", "momentum", "nesterov") if on[n]]
            rows = opt.theory_table(rec, dict(runners), kappa, linear)
            if rows:
                ui.chart(opt.theory_figure(rec, {r["name"]: r["predicted ρ"] for r in rows}),
                         opt.theory_sentence(rows), export="rates")
                st.dataframe(opt.theory_rows_table(rows), hide_index=True)
            else:
                st.info("Switch on SGD, Momentum or Nesterov: their rates are the ones the theory predicts.")
    elif view == "Learning-rate sensitivity":
        sweeps = ui.computed("Sweeping 25 learning rates per optimiser", opt.lr_sensitivity, name, runners,
                             (x0, y0), int(rec.steps[-1]), tol, float(kappa), batch, seed)
        ui.chart(opt.sweep_figure(sweeps, int(rec.steps[-1])), opt.sensitivity_sentence(sweeps, tol),
                 export="lr_sweep")
    elif view == "Adam's bias correction":
        lr, betas = 10 ** v["lr_adam"], (v["b1_adam"], v["b2_adam"])
        sizes = opt.adam_step_sizes(lr, betas)
        ui.chart(plots.line_chart(sizes["step"], {"torch.optim.Adam (bias-corrected)": sizes["adam"] / lr,
                                                  "without bias correction": sizes["uncorrected"] / lr},
                                  "Step length under a constant gradient, in units of η", "step", "|Δw| / η"),
                 opt.bias_sentence(sizes, lr, betas))
        ui.section("Bias correction")
    elif view == "Batch size on MNIST":
        b = st.columns(3)
        with b[0]:
            epochs = ui.slider("Epochs (equal-epochs runs)", "bs_epochs", 1, 3, 1)
        with b[1]:
            bs_lr = 10 ** ui.slider("Learning rate (SGD, all batch sizes)", "bs_lr", -3.0, 0.0, -2.0, step=0.1,
                                    format="10^%.1f")
        run = ui.computed("Training the MLP at batch sizes 1, 32 and 3,500", td.batch_size_experiment, epochs,
                          round(bs_lr, 6), 0)
        st.markdown(td.iterations_text(run))
        cols = st.columns(2)
        with cols[0]:
            ui.chart(td.batch_figure(run, "equal_epochs"), td.batch_sentence(run, "equal_epochs"),
                     export="equal_epochs")
        with cols[1]:
            ui.chart(td.batch_figure(run, "equal_time"), td.batch_sentence(run, "equal_time"), export="equal_time")
        noise = ui.computed("Measuring the gradient noise", td.gradient_noise, 0)
        ui.chart(td.noise_figure(noise), td.noise_sentence(noise), export="gradient_noise")
    elif view == "Feature scaling":
        f = st.columns(3)
        with f[0]:
            mean = ui.slider("Feature mean", "fs_mean", 0.0, 20.0, 10.0, step=0.5)
        with f[1]:
            std = ui.slider("Feature spread (std)", "fs_std", 0.5, 5.0, 2.0, step=0.1)
        runs = st.cache_data(td.scaling_runs, max_entries=32)(mean, std, tol)
        for col, case in zip(st.columns(2), ("raw", "standardised")):
            with col:
                ui.chart(td.scaling_figure(runs[case], case), td.scaling_sentence(runs[case], case, tol))
        ui.section("Feature scaling")
    elif view == "Schedules":
        s = st.columns(3)
        with s[0]:
            peak = 10 ** ui.slider("Peak learning rate", "sch_lr", -3.0, 0.0, -1.3, step=0.1, format="10^%.1f")
        with s[1]:
            sch_epochs = ui.slider("Epochs", "sch_epochs", 1, 6, 4)
        lrs = st.cache_data(td.schedules_for_run)(round(peak, 6), sch_epochs)
        ui.chart(plots.line_chart(np.arange(len(lrs["Constant"])), lrs, "Learning rate per step "
                                  "(torch.optim.lr_scheduler)", "step", "learning rate"),
                 td.schedules_sentence(lrs, sch_epochs, peak))
        runs = ui.computed("Training the MLP under six schedules", td.schedule_experiment, round(peak, 6),
                           sch_epochs, 0)
        ui.chart(td.schedule_figure(runs), td.schedule_sentence(runs), export="schedules")
        test = ui.computed("LR range test", td.lr_range_test, 0)
        ui.chart(td.range_figure(test), td.range_sentence(test), export="lr_range_test")
    else:
        fractions = st.cache_data(td.minima_fraction)()
        ui.chart(td.minima_figure(fractions), td.minima_sentence(fractions))
        ui.section("Saddle points")

ui.key_ideas()
ui.show_code(opt.update, opt.make_stepper, opt.race, opt.optimal, opt.predicted_rate, td.schedule_formula,
             td.iterations_per_epoch)
