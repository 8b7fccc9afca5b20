"""Recurrent networks: gradient through time, LSTM and GRU gates, text generation, bidirectional RNNs, padding."""
import time

import streamlit as st

import ui
from demos.recurrent import bidirectional, bptt, cell_view, cells, masking, pooling, recall, text_generation
from models import metadata

page = ui.page_setup(__file__)

# Controls: initialisation and the lag on one row (kept on a slide); the rest below (a popover on a slide)
key_row = st.columns([3, 3, 3])
more = ui.more_controls()
with key_row[0]:
    rho = ui.slider("Vanilla RNN: recurrent scale ρ", "rho", *bptt.RHO_RANGE, 1.0, step=0.05,
                    help="W_hh = ρ·Q with Q a random orthogonal matrix: every singular value is ρ")
with key_row[1]:
    lag = ui.slider("Lag: distractors to remember across", "lag", *bptt.LAG_RANGE, 40)
with key_row[2]:
    bias = ui.slider("LSTM / GRU: memory bias b", "bias", *bptt.BIAS_RANGE, 3.0, step=0.5,
                     help="At initialisation the gated cells keep σ(b) of their memory per step and write σ(−b)")
with more:
    m = ui.control_columns(3)
    with m[0]:
        act = ui.select("Vanilla RNN activation", "act", ["tanh", "relu"], widget="segmented")
    with m[1]:
        clip = ui.toggle("Clip gradients (norm 1)", "clip", True,
                         help="Live training: rescale the gradient to norm 1 when it is longer, before each Adam step")
    with m[2]:
        seed = ui.number("Seed", "seed", 0, 9999, 0, help="Initial weights, probe sequences and training data")

# Hero: the gradient that reaches each earlier step, at initialisation and after training
height = 460 if ui.is_presenting() else 380
left, right = st.columns(2)
with left:
    c0 = ui.cached(bptt.init_curves, lag, rho, bias, act, seed, max_entries=64)
    ui.chart(bptt.gradient_figure(c0, "At initialisation", bptt.ceiling(rho, lag), height=height),
             bptt.gradient_init_caption(c0, lag, rho), export="gradient_init")
with right:
    recall_models = {cell: ui.model(f"recall_{cell}") for cell in cells.CELL_NAMES}  # trained on lags 1-60
    c1, accs = ui.cached(recall.trained_view, recall_models, lag, seed, key=(lag, seed), max_entries=64)
    ui.chart(bptt.gradient_figure(c1, "After training (lags 1–60)", height=height),
             recall.gradient_trained_caption(c1, accs, lag), export="gradient_trained")
ui.end_of_hero()

view, box = ui.tabs("view", ["What a cell tracks", "Gates at work", "Train at your lag", "Accuracy vs lag", "Text generation",
                             "Bidirectional and padding", "Padding and masking"])
with box:
    if view == "Train at your lag":
        # The default settings open the committed run at once; any other trains live, drawn as it goes
        args = (lag, float(rho), float(bias), act, bool(clip), int(seed))
        live, drawn = st.empty(), [0.0]

        def show_partial(partial) -> None:  # at most one redraw a second (the first at once)
            if time.time() - drawn[0] >= 1.0:
                drawn[0] = time.time()
                with live.container():
                    ui.chart(recall.training_figure(partial), recall.training_progress_caption(partial))
        rec = ui.experiment(f"Training three recurrent networks at lag {lag}", recall.train_recall, *args,
                            stored=recall.committed_training, command=recall.PRECOMPUTE_COMMAND, show=show_partial,
                            stoppable=True)
        live.empty()
        committed = "command" in rec.meta  # (set by recall.committed_training only)
        fig = ui.cached(recall.training_figure, rec, key=(args, committed, rec.stopped, int(rec.steps[-1]),
                                                          rec.seconds), max_entries=8)
        ui.chart(fig, recall.training_caption(rec, committed=committed), export="training")
        ui.section("Training")
    elif view == "Accuracy vs lag":
        fixed = recall.fixed_lag_accuracy({c: metadata(f"recall_{c}") for c in cells.CELL_NAMES})
        mixed = ui.experiment("Measuring the committed models at nine lags", recall.committed_lag_accuracy)
        ui.chart(recall.lag_figure(fixed, recall.TEST_LAGS, mixed), recall.lag_caption(fixed, recall.TEST_LAGS, mixed),
                 export="accuracy_vs_lag")
        ui.section("Lag")
    elif view == "What a cell tracks":
        # Karpathy's view: held-out text coloured by one cell of the character LSTM, chosen by what it follows
        lm = ui.model("char_lstm")
        found = ui.cached(cell_view.committed_view, lm, key="char_lstm")
        prop = ui.select("The cell that best follows", "track", list(cell_view.PROPERTIES), widget="segmented",
                         format_func=cell_view.PROPERTIES.get)
        f = found.found[prop]
        ui.chart(ui.cached(cell_view.activation_figure, found.passage, found.c[:, f.cell] / f.scale, f.cell,
                           key=prop, max_entries=8), cell_view.caption(found, prop))
        ui.section("Cells")
    elif view == "Gates at work":
        g = st.columns([1.2, 2, 3.3])
        with g[0]:
            cell = ui.select("Model", "cell", ["lstm", "gru"], format_func=cells.CELL_NAMES.get, widget="segmented")
        with g[1]:
            symbol = ui.slider("Symbol to remember", "symbol", 0, 7, 5)
        with g[2]:
            override = ui.select("Memory gate during the distractors", "override", list(cells.OVERRIDES),
                                 format_func=cells.OVERRIDES.get, widget="segmented")
        # cells.gate_view in parts, each cached on what it depends on: a new symbol or override re-runs one sequence
        model = recall_models[cell]
        x, tokens = cells.sequence(symbol, lag, seed)
        run = ui.cached(cells.unroll, model, x, override, key=(cell, symbol, lag, seed, override), max_entries=32)
        order = ui.cached(cells.unit_order, model, lag, key=(cell, lag), max_entries=32)
        accs = ui.cached(cells.override_accuracy, model, lag, 500, seed + 3, key=(cell, lag, seed), max_entries=32)
        fig = ui.cached(cells.gates_figure, run, cell, order, tokens, key=(cell, symbol, lag, seed, override),
                        max_entries=32)
        ui.chart(fig, cells.gates_caption(run, cell, override, accs, symbol), export="gates")
        ui.section("Gates")
        d = st.columns(2)
        with d[0]:
            inputs = ui.slider("Input size D", "inputs", 1, 512, 10)
        with d[1]:
            hidden = ui.slider("Hidden size H", "hidden", 1, 1024, 32)
        counts = cells.parameter_counts(inputs, hidden)
        st.dataframe(cells.count_table(counts, inputs, hidden), hide_index=True)
        st.caption(cells.count_caption(counts))
    elif view == "Text generation":
        t = st.columns([4, 2, 2, 2])
        with t[0]:
            prompt = ui.text_area("Prompt", "prompt", "The for statement", height=68, max_chars=200)
        with t[1]:
            temp = ui.slider("Temperature", "temp", 0.0, 2.0, 0.8, step=0.05, help="0 = greedy (always the likeliest)")
        with t[2]:
            top_k = ui.slider("Top-k (0 = all)", "top_k", 0, 96, 0)
        with t[3]:
            length = ui.slider("Characters", "length", 20, 500, 300, step=10)
        lm = ui.model("char_lstm")
        note = text_generation.dropped_note(prompt, lm.config.vocab)
        if note:
            st.warning(note, icon="🔤")
        s = ui.cached(text_generation.sample, lm, prompt, length, temp, top_k, seed,
                      key=(prompt, length, temp, top_k, seed), max_entries=64, spinner="Sampling…")
        st.code(s.prompt + s.text, language=None, wrap_lines=True)
        ui.chart(ui.cached(text_generation.distribution_figure, s, key=(prompt, length, temp, top_k, seed)),
                 text_generation.distribution_caption(s, temp, top_k), export="next_character")
        words = ui.cached(text_generation.training_words)
        sw = ui.cached(text_generation.temperature_sweep, lm, prompt, text_generation.TEMPERATURES, 200, seed, words,
                       key=(prompt, seed), spinner="Sampling 4 × 200 characters at eight temperatures…")
        ui.chart(ui.cached(text_generation.sweep_figure, sw, key=(prompt, seed)), text_generation.sweep_caption(sw),
                 export="temperature")
        st.caption(text_generation.card_caption(metadata("char_lstm")))
        ui.section("Corpus")
    elif view == "Bidirectional and padding":
        live = st.empty()  # the seed-0 run is committed; any other seed trains live, drawn as it goes
        run = ui.experiment(f"Training a forward and a bidirectional tagger (seed {seed})", bidirectional.train_taggers,
                            int(seed), stored=bidirectional.committed_taggers, command=bidirectional.COMMAND,
                            stoppable=True, show=lambda r: live.plotly_chart(bidirectional.tagging_figure(r)))
        live.empty()
        ui.chart(bidirectional.tagging_figure(run), bidirectional.tagging_caption(run), export="tagging")
        pads = ui.slider("Extra padding columns after the word", "pads", *pooling.PAD_RANGE, 8)
        pv = ui.cached(pooling.padding_view, pads, seed, max_entries=64)
        ui.chart(pooling.padding_figure(pv), pooling.padding_caption(pv), export="attention_mask")
        ui.section("Bidirectional")
    else:
        texts = ui.text_area("One text per line (up to 6 lines, 60 characters each)", "texts",
                             masking.DEFAULT_TEXTS, height=130, max_chars=400)
        lm = ui.model("char_lstm")
        batch, problems = masking.parse_texts(texts, lm.config.vocab)
        for problem in problems:
            st.warning(problem, icon="✂️")
        if not batch:
            st.info("Type at least one line of text to build a batch.")
        else:
            mask = masking.masking(lm, batch)
            ui.chart(masking.padding_figure(mask), masking.padding_caption(mask), export="padded_batch")
            st.dataframe(masking.masking_table(mask), hide_index=True)
            st.caption(masking.masking_caption(mask))

ui.key_ideas()
ui.show_code(cells.cell_step, bptt.step_jacobian, bptt.gradient_through_time, recall.train_recall,
             text_generation.sample, text_generation.sampling_distribution, bidirectional.rnn_direction,
             pooling.attention_pool, masking.masking)
