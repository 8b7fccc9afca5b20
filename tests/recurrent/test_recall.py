"""Delayed recall: the committed models meet the numbers in their cards (the vanilla RNN fails where
the gated cells hold), the live training is seeded, stops when solved and keeps a partial run, and
the captions of the hero's right chart, the training player and the accuracy-vs-lag chart state their
data."""
import numpy as np
import pytest

from demos.recurrent import bptt, cells, recall
from models import metadata

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def models(pretrained):
    return {cell: pretrained(f"recall_{cell}") for cell in cells.CELL_NAMES}


@pytest.fixture(scope="module")
def cards():
    return {cell: metadata(f"recall_{cell}") for cell in cells.CELL_NAMES}


# ---------------------------------------------------------------- the committed models
def test_recall_cards_meet_their_bars_and_the_page_reproduces_them(models, cards):
    fractions = []
    measured = recall.mixed_lag_accuracy(models, fractions.append)  # the page's dashed lines
    assert fractions == [1 / 3, 2 / 3, 1.0]
    for cell, meta in cards.items():
        metrics = meta["metrics"]
        for key, bar in meta["metric_bar"].items():
            assert metrics[key] >= bar, key
        lags = tuple(int(k) for k in metrics["test_accuracy_by_lag"])
        assert lags == recall.TEST_LAGS
        assert np.allclose(measured[cell], list(metrics["test_accuracy_by_lag"].values()), atol=1e-4)
    # the page's caption of that chart: the gated cells hold everywhere (cards and measurement agree)
    caption = recall.lag_caption(recall.fixed_lag_accuracy(cards), recall.TEST_LAGS, measured)
    assert "GRU ≥ 90 % at every lag to 60" in caption and "LSTM 100%–100%" in caption
    assert "(dashed, lags 5–80)" in caption and caption.endswith("Chance is 12.5%.")


def test_vanilla_rnn_fails_where_the_gated_cells_hold(cards):
    by_lag = {c: card["metrics"]["test_accuracy_by_lag"] for c, card in cards.items()}
    # trained on lags 1-60 drawn at random: the LSTM and GRU answer every test lag to 80 (beyond training)
    for cell in ("lstm", "gru"):
        assert min(by_lag[cell].values()) >= 0.99, cell
    # ... the vanilla RNN stays near chance (12.5 %) at every lag, even 5
    assert max(by_lag["rnn"].values()) <= 0.3
    # trained on one lag at a time (the page's live training): the RNN holds to lag 20, then falls
    fixed = recall.fixed_lag_accuracy(cards)  # the page's solid lines, lags as numbers
    assert fixed["rnn"][10] >= 0.99 and fixed["rnn"][20] >= 0.99
    assert fixed["rnn"][60] <= 0.6 and fixed["rnn"][60] < fixed["gru"][60]
    assert fixed["gru"][60] >= 0.99 and fixed["lstm"][40] >= 0.99


def test_fixed_lag_accuracy_and_lag_caption_by_hand():
    cards = {"rnn": {"metrics": {"fixed_lag_test_accuracy": {"10": 1.0, "20": 0.95, "40": 0.5, "60": 0.92}}},
             "lstm": {"metrics": {"fixed_lag_test_accuracy": {"10": 0.4, "20": 1.0}}},
             "gru": {"metrics": {"fixed_lag_test_accuracy": {"10": 0.91, "20": 0.99}}}}
    fixed = recall.fixed_lag_accuracy(cards)
    assert fixed["rnn"] == {10: 1.0, 20: 0.95, 40: 0.5, 60: 0.92}
    mixed = {"rnn": np.array([0.2, 0.1]), "lstm": np.array([1.0, 0.996]), "gru": np.array([0.5, 0.999])}
    caption = recall.lag_caption(fixed, (5, 80), mixed)
    # the first lag below 90 % ends the reach, even when a later one is above it again
    assert "Vanilla RNN ≥ 90 % up to lag 20, 50% at 40" in caption
    assert "LSTM 40% already at lag 10" in caption and "GRU ≥ 90 % at every lag to 20" in caption
    assert "Vanilla RNN 10%–20%, LSTM 100%–100%, GRU 50%–100%" in caption and "(dashed, lags 5–80)" in caption


def test_trained_models_pass_back_far_more_gradient_and_the_caption_says_so(models):
    # trained, the LSTM passes far more gradient back to the symbol than the vanilla RNN
    c = bptt.curves(models, bptt.probe(40)[0])
    assert c["lstm"][41] > 100 * c["rnn"][41]
    curves, accs = recall.trained_view(models, 20, 0)
    expected = bptt.curves(models, bptt.probe(20, 0)[0])
    assert all(np.array_equal(curves[k], expected[k]) for k in expected)
    assert accs == {cell: recall.accuracy_by_lag(m, (20,), 500, 3)[0] for cell, m in models.items()}
    trained = recall.gradient_trained_caption(curves, accs, 20)
    assert trained.startswith("Trained: the symbol 21 steps back receives") and "at lag 20" in trained
    assert "100%" in trained and f"{curves['lstm'][21]:.1e} (LSTM)" in trained
    assert f"they answer {accs['rnn']:.0%}, {accs['lstm']:.0%} and {accs['gru']:.0%}" in trained


# ---------------------------------------------------------------- training live at one lag
def test_live_training_is_deterministic_and_starts_from_the_init_curves():
    a = recall.train_recall(5, steps=12, n_frames=4)
    b = recall.train_recall(5, steps=12, n_frames=4)
    assert np.array_equal(a.steps, b.steps) and a.meta["test_accuracy"] == b.meta["test_accuracy"]
    for k in a.frames:
        assert np.array_equal(a.frames[k], b.frames[k]), k
    init = bptt.curves(bptt.fresh_models(1.0, 3.0), bptt.probe(5)[0])
    for cell in cells.CELL_NAMES:
        assert np.allclose(a.frames[f"{cell}_grad"][0], init[cell])
    assert "After 12 steps at lag 5" in recall.training_caption(a)
    fig = recall.training_figure(a)
    assert len(fig.frames) == a.n_frames


def test_live_training_stops_when_all_three_answer_everything():
    rec = recall.train_recall(2, steps=400, n_frames=41)
    assert rec.steps[-1] < 400  # a 2-step lag is learned fast
    assert all(rec.frames[f"{c}_acc"][-1] == 1.0 for c in cells.CELL_NAMES)
    caption = recall.training_caption(rec)
    # every cell reached 100 %, so each part names the step it first passed 99 %
    assert "Vanilla RNN 100% (≥ 99 % from step" in caption and caption.count("(≥ 99 % from step") == 3
    assert "partial run" not in caption


def test_a_stop_keeps_a_partial_recording():
    class Stopped(Exception):
        pass

    def stop(fraction, partial):
        if fraction > 0.3:
            raise Stopped()
    rec = recall.train_recall(5, steps=20, n_frames=6, on_progress=stop)
    assert rec.stopped and rec.steps[-1] < 20 and "partial run" in recall.training_caption(rec)


def test_unclipped_relu_rnn_that_diverges_still_records():
    rec = recall.train_recall(10, rho=1.5, nonlinearity="relu", clip=False, steps=30, n_frames=4)
    assert rec.n_frames >= 2 and np.all(np.isfinite(rec.frames["lstm_grad"]))


def test_lag_figure_draws_both_experiments():
    fixed = {"rnn": {20: 1.0, 10: 0.9}}
    fig = recall.lag_figure(fixed, (5, 80), {"rnn": np.array([0.2, 0.1])})
    assert list(fig.data[0].x) == [10, 20] and list(fig.data[0].y) == [0.9, 1.0]  # sorted by lag
    assert fig.data[1].line.dash == "dash" and fig.data[1].name == "Vanilla RNN, lags 1–60"
