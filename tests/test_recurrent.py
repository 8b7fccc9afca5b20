"""Recurrent networks: our step-by-step RNN/LSTM/GRU equal torch.nn's, the hand-derived Jacobians and
the BPTT products equal autograd, the delayed-recall models meet the numbers in their cards (vanilla
RNN fails where the gated cells hold), the char model beats a unigram baseline, sampling is seeded,
masking and packing behave, hostile text is handled, and AppTest drives the page."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from conftest import captions, open_page, plotly_specs
from demos import recurrent as rc
from demos import text_generation as tg
from models import load_pretrained, metadata
from models.char_rnn import VOCAB, CharRNN, CharRNNConfig, corpus, encode, fingerprint, normalise, split
from models.recall_rnn import RecallConfig, RecallNet, recall_batch

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/10_recurrent.py"
CELLS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]


def random_model(cell: str, nonlinearity: str = "tanh", hidden: int = 6, seed: int = 0) -> RecallNet:
    torch.manual_seed(seed)
    return RecallNet(RecallConfig(cell=cell, hidden=hidden, nonlinearity=nonlinearity)).eval()


@pytest.fixture(scope="module")
def recall():
    return {cell: load_pretrained(f"recall_{cell}") for cell in rc.CELL_NAMES}


@pytest.fixture(scope="module")
def char_lstm():
    return load_pretrained("char_lstm")


# ---------------------------------------------------------------- cells and BPTT
@pytest.mark.parametrize("cell,nonlinearity", CELLS)
def test_step_by_step_cell_equals_torch_nn(cell, nonlinearity):
    model = random_model(cell, nonlinearity)
    x = torch.randn(3, 7, model.config.inputs)  # not one-hot: every weight matters
    run = rc.unroll(model, x)
    with torch.no_grad():
        out, last = model.rnn(x)
    assert torch.allclose(run.hidden, out, atol=1e-6)
    if cell == "lstm":
        assert torch.allclose(run.gates["c"][:, -1], last[1][0], atol=1e-6)  # the cell state too
        assert set(run.gates) == {"i", "f", "g", "o", "c"}
    assert torch.allclose(run.logits, model(x), atol=1e-6)


@pytest.mark.parametrize("cell,nonlinearity", CELLS)
def test_hand_derived_step_jacobian_equals_autograd(cell, nonlinearity):
    model = random_model(cell, nonlinearity)
    w, size = model.weights(), rc.STATE_FACTOR[cell] * 6
    x, state = torch.randn(4, model.config.inputs), torch.randn(4, size)
    ours = rc.step_jacobian(cell, w, x, state, nonlinearity)
    auto = torch.func.vmap(torch.func.jacrev(lambda a, s: rc.cell_step(cell, w, a, s, nonlinearity)[0], argnums=1))(x, state)
    assert ours.shape == (4, size, size)
    assert torch.allclose(ours, auto, atol=1e-6)


@pytest.mark.parametrize("cell,nonlinearity", CELLS)
def test_gradient_through_time_equals_autograd_through_the_unrolled_steps(cell, nonlinearity):
    model = random_model(cell, nonlinearity, seed=1)
    x, _ = recall_batch(2, 8, generator=torch.Generator().manual_seed(0))  # T = 10
    norms = rc.gradient_through_time(model, x)
    states = rc.unroll(model, x).states
    w, hidden = model.weights(), model.config.hidden
    for t in (0, 4, 9):
        for b in range(2):
            def h_last(s_t):  # run the remaining steps from the state after step t, all through autograd
                s = s_t[None]
                for k in range(t + 1, x.shape[1]):
                    s = rc.cell_step(cell, w, x[b:b + 1, k], s, nonlinearity)[0]
                return s[0, :hidden]
            jac = torch.autograd.functional.jacobian(h_last, states[b, t])  # (H, S)
            expected = torch.linalg.matrix_norm(jac.double(), ord=2).item()
            assert norms[b, x.shape[1] - 1 - t] == pytest.approx(expected, rel=1e-4, abs=1e-10)
    assert np.allclose(norms[:, 0], 1.0)  # ∂h_T/∂s_T picks h out of the state


def test_scalar_rnn_gradient_by_hand():
    # H = 1, W_hh = 0.5, W_ih = 1 on channel 0, no biases: h_t = tanh(0.5 h_{t-1} + x_t).
    # ∂h_2/∂h_0 = (1 - h_2²)·0.5 · (1 - h_1²)·0.5 with x = (1, 0, 0):
    # h_0 = tanh(1) = 0.761594, h_1 = tanh(0.380797) = 0.363404, h_2 = tanh(0.181702) = 0.179731
    model = RecallNet(RecallConfig(cell="rnn", hidden=1, symbols=1))
    with torch.no_grad():
        for p in model.rnn.parameters():
            p.zero_()
        model.rnn.weight_hh_l0.fill_(0.5)
        model.rnn.weight_ih_l0[0, 0] = 1.0
    x = torch.zeros(1, 3, 3)
    x[0, 0, 0] = 1.0
    norms = rc.gradient_through_time(model, x)[0]
    h1, h2 = 0.363404, 0.179731
    assert norms[1] == pytest.approx((1 - h2 ** 2) * 0.5, rel=1e-4)
    assert norms[2] == pytest.approx((1 - h2 ** 2) * 0.5 * (1 - h1 ** 2) * 0.5, rel=1e-4)


@pytest.mark.parametrize("rho", [0.7, 1.0, 1.3])
def test_tanh_rnn_curve_never_exceeds_rho_power_and_init_is_orthogonal(rho):
    models = rc.fresh_models(rho, 3.0, seed=5)
    w = models["rnn"].rnn.weight_hh_l0.detach()
    assert torch.allclose(torch.linalg.svdvals(w), torch.full((32,), rho), atol=1e-5)  # every singular value is ρ
    curve = rc.curves(models, rc.probe(30, 5)[0])["rnn"]
    assert np.all(curve <= rho ** np.arange(32) * (1 + 1e-5))
    # the gated cells keep σ(b) and write σ(-b) at initialisation: the biases say so
    lstm, gru = models["lstm"].rnn, models["gru"].rnn
    assert torch.all(lstm.bias_ih_l0[32:64] == 3.0) and torch.all(lstm.bias_ih_l0[:32] == -3.0)
    assert torch.all(gru.bias_ih_l0[32:64] == 3.0)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_gradient_vanishes_below_one_and_grows_above(nonlinearity):
    x = rc.probe(40, 0)[0]
    small = rc.curves(rc.fresh_models(0.6, 0.0, nonlinearity), x)["rnn"]
    assert small[-1] < 0.6 ** 41 * 1.0001 and small[-1] < 1e-8
    big = rc.curves(rc.fresh_models(1.5, 0.0, nonlinearity), x)["rnn"]
    assert big[-1] > 10 and big[-1] > big[10] > 1  # ‖W‖ = 1.5 compounds (damped by tanh' / dead units)


def test_forced_memory_gates():
    model = random_model("lstm")
    x = torch.randn(2, 6, model.config.inputs)
    keep, wipe = rc.unroll(model, x, "keep", (2, 5)), rc.unroll(model, x, "wipe", (2, 5))
    assert torch.all(keep.gates["f"][:, 2:5] == 1) and torch.all(wipe.gates["f"][:, 2:5] == 0)
    # f = 0: the cell state is only what is written now, c_t = i_t * g_t
    assert torch.allclose(wipe.gates["c"][:, 3], wipe.gates["i"][:, 3] * wipe.gates["g"][:, 3])
    # f = 1: nothing is forgotten, c_t = c_{t-1} + i_t * g_t
    assert torch.allclose(keep.gates["c"][:, 3], keep.gates["c"][:, 2] + keep.gates["i"][:, 3] * keep.gates["g"][:, 3])
    gru = rc.unroll(random_model("gru"), x, "keep", (2, 5))
    assert torch.equal(gru.hidden[:, 4], gru.hidden[:, 1])  # z = 1: h_t = h_{t-1}, frozen


@pytest.mark.parametrize("inputs,hidden", [(10, 32), (1, 1), (300, 128)])
def test_parameter_counts_equal_torch(inputs, hidden):
    counts = rc.parameter_counts(inputs, hidden)
    for cell, row in counts.items():
        assert row["formula"] == row["torch"]
        layer = {"rnn": torch.nn.RNN, "gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[cell](inputs, hidden)
        assert row["torch"] == sum(p.numel() for p in layer.parameters())
    assert counts["gru"]["formula"] == 3 * counts["rnn"]["formula"]
    assert counts["lstm"]["formula"] == 4 * counts["rnn"]["formula"]
    assert "GRU 3× and LSTM 4×" in rc.count_summary(counts) and "equals" in rc.count_summary(counts)


# ---------------------------------------------------------------- delayed recall: the committed models
def test_recall_cards_meet_their_bars_and_the_page_reproduces_them(recall):
    for cell, model in recall.items():
        meta = metadata(f"recall_{cell}")
        metrics = meta["metrics"]
        for key, bar in meta["metric_bar"].items():
            assert metrics[key] >= bar, key
        lags = tuple(int(k) for k in metrics["test_accuracy_by_lag"])
        assert lags == rc.TEST_LAGS
        measured = rc.accuracy_by_lag(model, lags)  # the page's dashed lines
        assert np.allclose(measured, list(metrics["test_accuracy_by_lag"].values()), atol=1e-4)


def test_vanilla_rnn_fails_where_the_gated_cells_hold(recall):
    by_lag = {c: metadata(f"recall_{c}")["metrics"]["test_accuracy_by_lag"] for c in rc.CELL_NAMES}
    # trained on lags 1-60 drawn at random: the LSTM and GRU answer every test lag to 80 (beyond training)
    for cell in ("lstm", "gru"):
        assert min(by_lag[cell].values()) >= 0.99, cell
    # ... the vanilla RNN stays near chance (12.5 %) at every lag, even 5
    assert max(by_lag["rnn"].values()) <= 0.3
    # trained on one lag at a time (the page's live training): the RNN holds to lag 20, then falls
    fixed = {c: metadata(f"recall_{c}")["metrics"]["fixed_lag_test_accuracy"] for c in rc.CELL_NAMES}
    assert fixed["rnn"]["10"] >= 0.99 and fixed["rnn"]["20"] >= 0.99
    assert fixed["rnn"]["60"] <= 0.6 and fixed["rnn"]["60"] < fixed["gru"]["60"]
    assert fixed["gru"]["60"] >= 0.99 and fixed["lstm"]["40"] >= 0.99


def test_trained_gates_protect_the_memory(recall):
    lstm = rc.override_accuracy(recall["lstm"], 40, 300)
    assert lstm["learned"] >= 0.99 and lstm["keep"] >= 0.99  # f = 1 during the distractors: kept
    assert lstm["wipe"] <= 0.3  # f = 0 during the distractors: the symbol is gone (chance 12.5 %)
    gru = rc.override_accuracy(recall["gru"], 40, 300)
    assert gru["learned"] >= 0.99 and gru["keep"] >= 0.99
    # z = 0 rewrites h with the candidate n, which still reads h_{t-1} (through r): a vanilla-RNN path
    # that leaks part of the memory, so the GRU degrades without falling to chance
    assert 0.3 < gru["wipe"] < 0.8
    # trained, the LSTM passes far more gradient back to the symbol than the vanilla RNN
    c = rc.curves(recall, rc.probe(40)[0])
    assert c["lstm"][41] > 100 * c["rnn"][41]


def test_live_training_is_deterministic_and_starts_from_the_init_curves():
    a = rc.train_recall(5, steps=12, n_frames=4)
    b = rc.train_recall(5, steps=12, n_frames=4)
    assert np.array_equal(a.steps, b.steps) and a.meta["test_accuracy"] == b.meta["test_accuracy"]
    for k in a.frames:
        assert np.array_equal(a.frames[k], b.frames[k]), k
    init = rc.curves(rc.fresh_models(1.0, 3.0), rc.probe(5)[0])
    for cell in rc.CELL_NAMES:
        assert np.allclose(a.frames[f"{cell}_grad"][0], init[cell])
    assert "After 12 steps at lag 5" in rc.training_summary(a)
    fig = rc.training_figure(a)
    assert len(fig.frames) == a.n_frames


def test_live_training_stops_when_all_three_answer_everything():
    rec = rc.train_recall(2, steps=400, n_frames=41)
    assert rec.steps[-1] < 400  # a 2-step lag is learned fast
    assert all(rec.frames[f"{c}_acc"][-1] == 1.0 for c in rc.CELL_NAMES)


def test_a_stop_keeps_a_partial_recording():
    class Stopped(Exception):
        pass

    def stop(fraction):
        if fraction > 0.3:
            raise Stopped()
    rec = rc.train_recall(5, steps=20, n_frames=6, on_progress=stop)
    assert rec.stopped and rec.steps[-1] < 20 and "partial run" in rc.training_summary(rec)


def test_unclipped_relu_rnn_that_diverges_still_records():
    rec = rc.train_recall(10, rho=1.5, nonlinearity="relu", clip=False, steps=30, n_frames=4)
    assert rec.n_frames >= 2 and np.all(np.isfinite(rec.frames["lstm_grad"]))


# ---------------------------------------------------------------- text generation
def test_corpus_and_split_are_disjoint_whole_blocks():
    text = corpus()
    assert set(text) <= set(VOCAB) and len(VOCAB) == 96 and len(text) > 300_000
    parts = split(text)
    assert len(parts.train) + len(parts.validation) + len(parts.test) == len(text)
    assert 0.04 < len(parts.validation) / len(text) < 0.06 and 0.04 < len(parts.test) / len(text) < 0.06
    assert parts.validation[:2000] not in parts.train and parts.test[:2000] not in parts.train
    assert normalise("“quoted” — it’s…\té") == '"quoted" -- it\'s...    e'


def test_char_model_meets_its_card_and_beats_the_unigram_baseline(char_lstm):
    meta = metadata("char_lstm")
    m = meta["metrics"]
    assert m["val_bits_per_char"] <= meta["metric_bar"]["val_bits_per_char"]
    assert m["val_bits_per_char"] < m["unigram_val_bits_per_char"] - 1.5  # a clear margin: ≥ 1.5 bits
    assert m["test_bits_per_char"] < m["unigram_test_bits_per_char"] - 1.5
    text = corpus()
    parts = split(text)
    val = tg.bits_per_character(char_lstm, parts.validation)
    unigram = tg.unigram_bits(parts.train, parts.validation, VOCAB)
    if fingerprint(text) == meta["data"]["corpus_fingerprint"]:  # the documentation it was trained on
        assert val == pytest.approx(m["val_bits_per_char"], abs=2e-3)
        assert unigram == pytest.approx(m["unigram_val_bits_per_char"], abs=1e-3)
    else:  # another Python ships other documentation: the margin must still hold
        assert val < unigram - 1.0


def test_bits_per_character_and_unigram_by_hand():
    model = CharRNN(CharRNNConfig(hidden=8)).eval()
    with torch.no_grad():
        model.head.weight.zero_()
        model.head.bias.zero_()  # uniform prediction: log2(96) bits whatever the context
    assert tg.bits_per_character(model, "hello world, " * 30, streams=4) == pytest.approx(math.log2(96), abs=1e-5)
    # training text "aab" -> counts a: 2 + 1, b: 1 + 1, others 1 (add-one) over 96 + 3 = 99
    assert tg.unigram_bits("aab", "ab", VOCAB) == pytest.approx(-(math.log2(3 / 99) + math.log2(2 / 99)) / 2)


def test_sampling_distribution_temperature_and_top_k():
    logits = torch.tensor([2.0, 1.0, 0.5, -1.0, 0.0])
    assert torch.equal(tg.sampling_distribution(logits, 0.0), torch.tensor([1.0, 0, 0, 0, 0]))
    assert torch.allclose(tg.sampling_distribution(logits, 1.0), F.softmax(logits, -1))
    top2 = tg.sampling_distribution(logits, 1.0, top_k=2)
    assert torch.allclose(top2, torch.tensor([math.e / (math.e + 1), 1 / (math.e + 1), 0, 0, 0]))
    hot, cold = tg.sampling_distribution(logits, 2.0), tg.sampling_distribution(logits, 0.5)
    entropy = lambda p: -(p * p.clamp_min(1e-30).log()).sum()  # noqa: E731
    assert entropy(cold) < entropy(F.softmax(logits, -1)) < entropy(hot)


def test_sampling_is_seeded_and_greedy_follows_the_full_sequence_argmax(char_lstm):
    a = tg.sample(char_lstm, "The for statement", 120, 0.8, 0, seed=7)
    b = tg.sample(char_lstm, "The for statement", 120, 0.8, 0, seed=7)
    c = tg.sample(char_lstm, "The for statement", 120, 0.8, 0, seed=8)
    assert a.text == b.text and a.text != c.text and len(a.text) == 120
    g = tg.sample(char_lstm, "The for statement", 80, 0.0)
    ids = encode(g.prompt + g.text)[None]
    with torch.no_grad():
        logits, _ = char_lstm(ids)  # the fused nn.LSTM over the whole text: an independent path
    start = len(g.prompt) - 1
    assert encode(g.text).tolist() == logits[0, start:start + 80].argmax(-1).tolist()
    probs = F.softmax(logits[0, start:start + 80], -1)
    drawn = probs[torch.arange(80), encode(g.text)].numpy()
    assert np.allclose(g.model_probs[np.arange(80), g.chosen], drawn, atol=1e-5)
    assert np.all(g.entropy_bits < 1e-6)  # greedy: all mass on one character


def test_top_k_only_draws_among_the_k_likeliest(char_lstm):
    s = tg.sample(char_lstm, "def ", 200, 1.5, top_k=3, seed=1)
    assert np.all(s.chosen < 3)  # the drawn character is always among the model's 3 likeliest
    assert np.allclose(s.sample_probs[:, :3].sum(1), 1, atol=1e-5)


def test_greedy_loops_and_high_temperature_invents(char_lstm):
    words = tg.corpus_words(split(corpus()).train)
    sw = tg.temperature_sweep(char_lstm, "The for statement", (0.0, 0.8, 2.0), 200, 0, words, samples=2)
    assert sw["repeated"][0] > 0.5 and sw["repeated"][2] < 0.1
    assert sw["known"][1] > sw["known"][2]
    assert tg.repeat_period(tg.sample(char_lstm, "The for statement", 300, 0.0).text) is not None
    assert "At T = 0," in tg.sweep_summary(sw)


def test_repeat_period_by_hand():
    assert tg.repeat_period("xyz" + "abc" * 50) == 3
    assert tg.repeat_period("a" * 100) == 1
    assert tg.repeat_period("".join(chr(33 + (i * 7) % 90) for i in range(200))) == 90
    assert tg.repeat_period("the quick brown fox") is None


# ---------------------------------------------------------------- padding and masking
def test_packing_equals_running_each_text_alone_and_the_mask_matters(char_lstm):
    texts = ["def f(x):", "return", "The for statement is used", "a"]
    m = rc.masking(char_lstm, texts)
    assert m.mask.shape == (4, 25) and m.mask.sum() == sum(map(len, texts))
    assert np.all(m.error_packed < 1e-5)  # pack_padded_sequence: exactly each text alone
    longest = np.argmax(m.lengths)
    assert m.error_last[longest] < 1e-6 and np.all(np.delete(m.error_last, longest) > 0.01)
    assert m.error_gather_backward[longest] < 1e-6 and np.all(np.delete(m.error_gather_backward, longest) > 1e-3)
    # the masked loss is the mean over real characters: recompute it text by text
    total, count = 0.0, 0
    for t in texts:
        ids = encode(t)[None]
        with torch.no_grad():
            logits, _ = char_lstm(ids)
        total += F.cross_entropy(logits[0, :-1], ids[0, 1:], reduction="sum").item()
        count += len(t) - 1
    assert m.loss_masked == pytest.approx(total / count / math.log(2), rel=1e-5)
    assert m.loss_unmasked != pytest.approx(m.loss_masked, rel=1e-3)
    assert "Packed, every state matches" in rc.masking_summary(m)


BAD_TEXTS = ["", "\n\n\n", "🙂🙂🙂", "\x00\x01\x02", "a" * 5000, "\n".join(["line"] * 50),
             "<script>alert(1)</script>", "résumé naïve", "\u202eRTL\u202c", "  ", "\t\t"]


@pytest.mark.parametrize("raw", BAD_TEXTS, ids=range(len(BAD_TEXTS)))
def test_hostile_texts_give_a_usable_batch_or_a_message(raw, char_lstm):
    batch, problems = rc.parse_texts(raw, VOCAB)
    assert len(batch) <= rc.MAX_TEXTS and all(0 < len(t) <= rc.MAX_TEXT_CHARS for t in batch)
    assert all(set(t) <= set(VOCAB) for t in batch)
    if batch:
        rc.masking(char_lstm, batch)  # never raises
    s = tg.sample(char_lstm, raw, 5, 1.0)  # any prompt samples (an unreadable one starts from a newline)
    assert set(s.prompt) <= set(VOCAB) and len(s.text) == 5
    if raw == "a" * 5000:
        assert problems == [f"Lines longer than {rc.MAX_TEXT_CHARS} characters were cut."]
    if raw == "🙂🙂🙂":
        assert batch == [] and "skipped" in problems[0] and tg.dropped_characters(raw, VOCAB) == "'🙂'"


# ---------------------------------------------------------------- the page, through AppTest
def number(text: str, before: str) -> float:
    """The number that follows `before` in a caption (e.g. '1.2e-03' or '97%')."""
    token = text.split(before, 1)[1].split()[0].rstrip(",;.)%")
    return float(token)


def test_page_hero_captions_follow_the_sliders():
    at = open_page(PAGE, timeout=120)
    assert not at.exception, at.exception
    hero = [c for c in captions(at) if c.startswith("Gradient reaching the symbol")][0]
    init = rc.curves(rc.fresh_models(1.0, 3.0), rc.probe(40)[0])
    assert number(hero, "LSTM") == pytest.approx(float(f"{init['lstm'][41]:.1e}"))
    at.slider(key="rho").set_value(0.6).run()
    at.slider(key="lag").set_value(20).run()
    hero = [c for c in captions(at) if c.startswith("Gradient reaching the symbol")][0]
    init = rc.curves(rc.fresh_models(0.6, 3.0), rc.probe(20)[0])
    assert "21 steps back" in hero and f"ρ^k = {0.6 ** 21:.1e}" in hero
    assert number(hero, "vanilla RNN") == pytest.approx(float(f"{init['rnn'][21]:.1e}"))
    trained = [c for c in captions(at) if c.startswith("Trained:")][0]
    assert "at lag 20" in trained and "100%" in trained
    specs = plotly_specs(at)
    assert specs[0]["layout"]["yaxis"]["type"] == "log"


def test_page_tabs_show_computed_numbers(char_lstm):
    at = open_page(PAGE, timeout=120, view="Accuracy vs lag")
    assert not at.exception, at.exception
    lag = [c for c in captions(at) if c.startswith("Trained on one lag")][0]
    assert "GRU ≥ 90 % at every lag to 60" in lag and "LSTM 100%–100%" in lag
    at = open_page(PAGE, timeout=120, view="Gates at work", override="wipe", lag="30")
    assert not at.exception, at.exception
    gates = [c for c in captions(at) if c.startswith("With the forget gate f forced to forget")][0]
    accs = rc.override_accuracy(load_pretrained("recall_lstm"), 30, 500, 3)
    assert f"{accs['learned']:.0%} as learned" in gates and f"{accs['wipe']:.0%} forced to forget" in gates
    assert [c for c in captions(at) if "GRU 3× and LSTM 4×" in c]
    at.slider(key="hidden").set_value(100).run()
    assert at.dataframe[0].value["our count"].tolist() == [v["torch"] for v in rc.parameter_counts(10, 100).values()]


def test_page_text_generation_and_masking():
    at = open_page(PAGE, timeout=120, view="Text generation", temp="0")
    assert not at.exception, at.exception
    greedy = tg.sample(load_pretrained("char_lstm"), "The for statement", 300, 0.0)
    assert greedy.prompt + greedy.text in [c.value for c in at.code]
    summary = [c for c in captions(at) if c.startswith("300 characters, greedy")][0]
    assert f"loop of {tg.repeat_period(greedy.text)} characters" in summary
    assert [c for c in captions(at) if "bits per character on the validation text" in c]
    at.text_area(key="prompt").input("naïve “quotes” 🙂").run()
    assert any("🙂" in w.value for w in at.warning) and not at.exception
    at = open_page(PAGE, timeout=120, view="Padding and masking")
    assert not at.exception, at.exception
    assert [c for c in captions(at) if "Packed, every state matches" in c]
    at.text_area(key="texts").input("🙂\n\n").run()
    assert not at.exception and any("Type at least one line" in i.value for i in at.info)


def test_page_live_training_tab():
    at = open_page(PAGE, timeout=180, view="Train at your lag", lag="2")
    assert not at.exception, at.exception
    summary = [c for c in captions(at) if c.startswith("After ")][0]
    assert "at lag 2" in summary and "Vanilla RNN 100%" in summary
    spec = [s for s in plotly_specs(at) if s.get("frames")]
    assert spec and spec[0]["layout"]["sliders"]
