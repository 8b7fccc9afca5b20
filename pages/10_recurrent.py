"""Recurrent networks: gradient through time, LSTM and GRU gates, text generation, padding and masking."""
import numpy as np
import streamlit as st

import ui
from demos import plots
from demos import recurrent as rc
from demos import text_generation as tg
from models import metadata

page = ui.page_setup(__file__)

# Controls: initialisation and the lag on one row (kept on a slide); the rest below (a popover on a slide)
key_row = st.columns([3, 3, 3, 1])
more = ui.more_controls(key_row[3])
with key_row[0]:
    rho = ui.slider("Vanilla RNN: recurrent scale ρ", "rho", *rc.RHO_RANGE, 1.0, step=0.05,
                    help="W_hh = ρ·Q with Q a random orthogonal matrix: every singular value is ρ")
with key_row[1]:
    lag = ui.slider("Lag: distractors to remember across", "lag", *rc.LAG_RANGE, 40)
with key_row[2]:
    bias = ui.slider("LSTM / GRU: memory bias b", "bias", *rc.BIAS_RANGE, 3.0, step=0.5,
                     help="At initialisation the gated cells keep σ(b) of their memory per step and write σ(−b)")
with more:
    m = st.columns(3)
    with m[0]:
        act = ui.select("Vanilla RNN activation", "act", ["tanh", "relu"], widget="segmented")
    with m[1]:
        clip = ui.toggle("Clip gradients (norm 1)", "clip", True,
                         help="Live training: rescale the gradient to norm 1 when it is longer, before each Adam step")
    with m[2]:
        seed = ui.number("Seed", "seed", 0, 9999, 0, help="Initial weights, probe sequences and training data")


@st.cache_data(max_entries=64, show_spinner=False)
def init_curves(lag: int, rho: float, bias: float, act: str, seed: int) -> dict:
    return rc.curves(rc.fresh_models(rho, bias, act, seed), rc.probe(lag, seed)[0])


@st.cache_data(max_entries=64, show_spinner=False)
def trained_view(lag: int, seed: int) -> tuple[dict, dict]:
    models = {cell: ui.model(f"recall_{cell}") for cell in rc.CELL_NAMES}
    accs = {cell: rc.accuracy_by_lag(mdl, (lag,), 500, seed + 3)[0] for cell, mdl in models.items()}
    return rc.curves(models, rc.probe(lag, seed)[0]), accs


@st.cache_data(show_spinner="Measuring the committed models at nine lags…")
def mixed_lag_accuracy() -> dict:
    return {c: rc.accuracy_by_lag(ui.model(f"recall_{c}"), rc.TEST_LAGS) for c in rc.CELL_NAMES}


@st.cache_data(max_entries=32, show_spinner=False)
def gate_view(cell: str, symbol: int, lag: int, seed: int, override: str):
    model = ui.model(f"recall_{cell}")
    run = rc.unroll(model, rc.sequence(symbol, lag, seed)[0], override)
    return run, rc.unit_order(model, lag), rc.override_accuracy(model, lag, 500, seed + 3)


@st.cache_data(max_entries=64, show_spinner="Sampling…")
def generate(prompt: str, length: int, temp: float, top_k: int, seed: int) -> tg.Sample:
    return tg.sample(ui.model("char_lstm"), prompt, length, temp, top_k, seed)


@st.cache_resource(show_spinner=False)
def known_words() -> frozenset[str]:
    try:
        from models.char_rnn import corpus, split
        return tg.corpus_words(split(corpus()).train)
    except ImportError:  # a Python without pydoc_data: the sweep shows repetition only
        return frozenset()


@st.cache_data(max_entries=32, show_spinner="Sampling 4 × 200 characters at eight temperatures…")
def sweep(prompt: str, seed: int) -> dict:
    return tg.temperature_sweep(ui.model("char_lstm"), prompt, tg.TEMPERATURES, 200, seed, known_words())


# Hero: the gradient that reaches each earlier step, at initialisation and after training
k = lag + 1  # steps back from the answer to the remembered symbol
height = 330 if ui.is_presenting() else 380
left, right = st.columns(2)
with left:
    c0 = init_curves(lag, rho, bias, act, seed)
    ui.chart(rc.gradient_figure(c0, "At initialisation", rho ** np.arange(lag + 2), height=height),
             f"Gradient reaching the symbol {k} steps back: vanilla RNN {c0['rnn'][k]:.1e} (never above "
             f"ρ^k = {rho ** k:.1e}), LSTM {c0['lstm'][k]:.1e}, GRU {c0['gru'][k]:.1e}.", export="gradient_init")
with right:
    c1, accs = trained_view(lag, seed)
    ui.chart(rc.gradient_figure(c1, "After training (lags 1–60)", height=height),
             f"Trained: the symbol {k} steps back receives {c1['rnn'][k]:.1e} (RNN), {c1['lstm'][k]:.1e} (LSTM), "
             f"{c1['gru'][k]:.1e} (GRU); they answer {accs['rnn']:.0%}, {accs['lstm']:.0%} and {accs['gru']:.0%} "
             f"of 500 sequences at lag {lag} (chance 12.5%).", export="gradient_trained")
ui.end_of_hero()

view, box = ui.tabs("view", ["Gates at work", "Train at your lag", "Accuracy vs lag", "Text generation",
                             "Padding and masking"])
with box:
    if view == "Train at your lag":
        rec = ui.computed(f"Training three recurrent networks at lag {lag}", rc.train_recall, lag, rho, bias,
                          act, clip, seed, stoppable=True)
        ui.chart(rc.training_figure(rec), rc.training_summary(rec), export="training")
        ui.section("Training")
    elif view == "Accuracy vs lag":
        fixed = {c: {int(k): v for k, v in metadata(f"recall_{c}")["metrics"]["fixed_lag_test_accuracy"].items()}
                 for c in rc.CELL_NAMES}
        mixed = mixed_lag_accuracy()
        ui.chart(rc.lag_figure(fixed, rc.TEST_LAGS, mixed), rc.lag_summary(fixed, rc.TEST_LAGS, mixed),
                 export="accuracy_vs_lag")
        ui.section("Lag")
    elif view == "Gates at work":
        g = st.columns([1.2, 2, 3.3])
        with g[0]:
            cell = ui.select("Model", "cell", ["lstm", "gru"], format_func=rc.CELL_NAMES.get, widget="segmented")
        with g[1]:
            symbol = ui.slider("Symbol to remember", "symbol", 0, 7, 5)
        with g[2]:
            override = ui.select("Memory gate during the distractors", "override", list(rc.OVERRIDES),
                                 format_func=rc.OVERRIDES.get, widget="segmented")
        run, order, accs = gate_view(cell, symbol, lag, seed, override)
        ui.chart(rc.gates_figure(run, cell, order, rc.sequence(symbol, lag, seed)[1]),
                 rc.gates_summary(run, cell, override, accs, symbol), export="gates")
        ui.section("Gates")
        d = st.columns(2)
        with d[0]:
            inputs = ui.slider("Input size D", "inputs", 1, 512, 10)
        with d[1]:
            hidden = ui.slider("Hidden size H", "hidden", 1, 1024, 32)
        counts = rc.parameter_counts(inputs, hidden)
        st.dataframe(rc.count_table(counts, inputs, hidden), hide_index=True)
        st.caption(rc.count_summary(counts))
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
        dropped = tg.dropped_characters(prompt, lm.config.vocab)
        if dropped:
            st.warning(f"The model only knows newline and printable ASCII; left out: {dropped}", icon="🔤")
        s = generate(prompt, length, temp, top_k, seed)
        st.code(s.prompt + s.text, language=None, wrap_lines=True)
        ui.chart(tg.distribution_figure(s), tg.sample_summary(s, temp, top_k), export="next_character")
        sw = sweep(prompt, seed)
        ui.chart(plots.line_chart(sw["temperature"], {"repeated 10-character windows": sw["repeated"],
                                                      "words found in the training text": sw["known"]},
                                  "Temperature: repetition against invention (4 samples of 200 characters each)", "temperature",
                                  "share", y_range=(0, 1.02)), tg.sweep_summary(sw), export="temperature")
        st.caption(tg.card_summary(metadata("char_lstm")))
        ui.section("Corpus")
    else:
        texts = ui.text_area("One text per line (up to 6 lines, 60 characters each)", "texts",
                             rc.DEFAULT_TEXTS, height=130, max_chars=400)
        batch, problems = rc.parse_texts(texts, ui.model("char_lstm").config.vocab)
        for problem in problems:
            st.warning(problem, icon="✂️")
        if not batch:
            st.info("Type at least one line of text to build a batch.")
        else:
            mask = rc.masking(ui.model("char_lstm"), batch)
            ui.chart(rc.padding_figure(mask), rc.padding_summary(mask), export="padded_batch")
            st.dataframe(rc.masking_table(mask), hide_index=True)
            st.caption(rc.masking_summary(mask))

ui.key_ideas()
ui.show_code(rc.cell_step, rc.step_jacobian, rc.gradient_through_time, rc.train_recall, tg.sample,
             tg.sampling_distribution, rc.masking)
