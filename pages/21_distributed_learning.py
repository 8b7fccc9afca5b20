"""Across machines and with few labels: data-parallel gradients computed, a real 2-process gloo run,
FedAvg/FedProx on non-IID digits, active learning vs random with seed bands, early/late/hybrid fusion."""
import streamlit as st

import ui
from demos.distributed_learning import active, data_parallel, federated, fusion, gloo_run
from demos.distributed_learning.lesson import DEFAULTS

page = ui.page_setup(__file__)

# Controls: how many workers share the batch, the batch, the learning rate at batch 32, the seed
row = ui.control_columns(4)
with row[0]:
    workers = ui.slider("Workers K", "workers", *data_parallel.WORKERS_RANGE, DEFAULTS["workers"])
with row[1]:
    batch = ui.slider("Batch size B", "batch", *data_parallel.BATCH_RANGE, DEFAULTS["batch"],
                      help="Not a multiple of K: the shards differ by one digit")
with row[2]:
    lr = ui.slider("Learning rate η₀ (at B = 32)", "lr", *data_parallel.LR_RANGE, DEFAULTS["lr"], step=0.01)
with row[3]:
    seed = ui.number("Seed", "seed", 0, 9999, DEFAULTS["seed"])
if batch < workers:
    st.info(f"A batch of {batch} cannot give each of {workers} workers a digit: using {batch} workers.", icon="➗")
    workers = batch

# Hero: every worker's gradient, their all-reduce mean and the one-process large-batch gradient
step = ui.cached(data_parallel.data_parallel_step, workers, batch, lr, seed)
ui.chart(data_parallel.gradient_figure(step, round(460 * ui.stage_scale()) if ui.is_presenting() else 420),
         data_parallel.hero_caption(step), key="hero", export="gradients")
ui.end_of_hero()

# Batch size and learning rate: the linear-scaling rule measured
st.subheader("Bigger batches, bigger steps? The linear-scaling rule")
sweep = ui.experiment("Training at six batch sizes", data_parallel.scaling_sweep, lr, seed,
                      stored=data_parallel.recorded_scaling, command="python -m train.distributed_learning --only scaling")
ui.chart(data_parallel.scaling_figure(sweep, batch), data_parallel.scaling_caption(sweep), export="scaling")

# The real thing: two processes, gloo, all-reduce over TCP on this machine
st.subheader("For real: two processes with torch.distributed")
ui.section("Two processes")
run = ui.experiment(f"Running {gloo_run.WORLD} gloo processes", gloo_run.try_distributed, gloo_run.STEPS,
                    gloo_run.BATCH, gloo_run.LR, 0, stored=gloo_run.recorded,
                    command="python -m train.distributed_learning --only gloo", stoppable=True)
if isinstance(run, str):
    st.error(run, icon="🔌")
elif run is not None:
    ui.chart(gloo_run.timing_figure(run), gloo_run.run_caption(run), export="gloo_run")

# Secondary views, one lazy tab each
view, box = ui.tabs("view", ["Federated averaging", "Active learning", "Fusion"])
with box:
    if view == "Federated averaging":
        f = ui.control_columns(3)
        with f[0]:
            clients = int(ui.select("Clients", "clients", federated.CLIENTS, "10"))
        with f[1]:
            alpha = ui.select("Non-IID: Dirichlet α (small = skewed)", "alpha", federated.ALPHAS, "0.1")
        with f[2]:
            local = int(ui.select("Local epochs E", "local", federated.LOCAL_EPOCHS, "1"))
        ui.chart(ui.cached(federated.client_histogram, clients, float(alpha), seed),
                 federated.histogram_caption(clients, float(alpha), seed), key="client_mix_chart")
        slot = st.empty()
        runs = ui.experiment(f"FedAvg, FedProx and centralised, {len(federated.SEEDS)} seeds", federated.compare_seeds,
                             clients, alpha, local, stored=federated.recorded, stoppable=True,
                             command="python -m train.distributed_learning --only federated",
                             show=lambda part: slot.plotly_chart(federated.curves_figure(part)) if part else None)
        with slot.container():
            ui.chart(federated.curves_figure(runs), federated.curves_caption(runs, float(alpha), local), export="fedavg")
        ui.chart(federated.drift_figure(runs), federated.drift_caption(runs), key="drift_chart")
        ui.section("Federated averaging")
    elif view == "Active learning":
        a = ui.control_columns(3)
        with a[0]:
            strategy = ui.select("Strategy", "strategy", active.STRATEGIES[1:], "Margin")
        with a[1]:
            start = int(ui.select("Random labels to start", "start", active.STARTS))
        with a[2]:
            per_round = int(ui.select("Labels bought per round", "per_round", active.BATCHES))
        runs = ui.experiment(f"Five strategies × {len(active.SEEDS)} seeds", active.compare_seeds, start, per_round,
                             stored=active.recorded, stoppable=True,
                             command="python -m train.distributed_learning --only active")
        if runs:
            ui.chart(active.curves_figure(runs, strategy), active.curves_caption(runs, strategy), export="active")
            images, labels = active.query_images(runs, strategy)
            ui.chart(active.query_figure(images, labels), active.query_caption(labels, strategy), key="queries_chart")
        ui.section("Active learning")
    else:
        u = ui.control_columns(3)
        with u[0]:
            task = ui.select("Task", "task", fusion.TASKS)
        with u[1]:
            n_train = ui.slider("Training examples", "n_train", *fusion.N_TRAIN_RANGE, fusion.N_TRAIN, step=100)
        with u[2]:
            noise = ui.slider("Noise on input B (σ, at test)", "noise", 0.0, 2.0, 0.5, step=0.1)
        ui.chart(fusion.examples_figure(task, seed), "Six examples: input B's image with input A's x and the label.",
                 key="fusion_examples_chart")
        trained = ui.computed("Training early, late and hybrid fusion", fusion.train, task, seed, n_train,
                              stoppable=True)
        if trained and len(trained["models"]) == len(fusion.VARIANTS):
            result = ui.cached(fusion.evaluate, trained, task, seed, noise, key=(task, seed, n_train, noise))
            ui.chart(fusion.accuracy_figure(result), fusion.accuracy_caption(result, task, noise), export="fusion")
        ui.section("Fusion")

ui.key_ideas()
ui.show_code(data_parallel.data_parallel_step, gloo_run.distributed, federated.dirichlet_split, federated.local_sgd,
             federated.run, active.scores, active.select, active.run, fusion.Fusion)
