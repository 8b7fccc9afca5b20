"""The page through AppTest (two opens): the hero's captions are the demo functions' for the
controls' values and follow the sliders, the Gates tab's caption and table follow their controls, and
every other tab shows what its demo functions compute (lag, text generation, padding, bidirectional,
live training)."""
import numpy as np
import pytest

from tests.support import captions, open_page, plotly_array, plotly_specs
from demos.precomputed import lookup
from demos.recurrent import bidirectional, bptt, cell_view, cells, masking, pooling, recall, text_generation
from models import metadata
from models.char_rnn import VOCAB

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/10_recurrent.py"


def number(text: str, before: str) -> float:
    """The number that follows `before` in a caption (e.g. '1.2e-03' or '97%')."""
    token = text.split(before, 1)[1].split()[0].rstrip(",;.)%")
    return float(token)


def caption(at, start: str) -> str:
    return [c for c in captions(at) if c.startswith(start)][0]


@pytest.fixture(scope="module")
def models(pretrained):
    return {cell: pretrained(f"recall_{cell}") for cell in cells.CELL_NAMES}


def test_hero_and_gates_follow_their_controls(models):
    at = open_page(PAGE, timeout=120, view="Gates at work", override="wipe", lag="30")
    assert not at.exception, at.exception
    init = bptt.init_curves(30, 1.0, 3.0, "tanh", 0)
    assert caption(at, "Gradient reaching the symbol") == bptt.gradient_init_caption(init, 30, 1.0)
    assert caption(at, "Trained:") == recall.gradient_trained_caption(*recall.trained_view(models, 30, 0), 30)
    gates = caption(at, "With the forget gate f forced to forget")
    run, _, accs = cells.gate_view(models["lstm"], 5, 30, 0, "wipe")  # accs: override_accuracy(lstm, 30, 500, 3)
    assert f"{accs['learned']:.0%} as learned" in gates and f"{accs['wipe']:.0%} forced to forget" in gates
    assert gates == cells.gates_caption(run, "lstm", "wipe", accs, 5)
    assert [c for c in captions(at) if "GRU 3× and LSTM 4×" in c]
    at.slider(key="hidden").set_value(100).run()
    assert at.dataframe[0].value["our count"].tolist() == [v["torch"] for v in cells.parameter_counts(10, 100).values()]
    assert caption(at, "GRU 3× and LSTM 4×") == cells.count_caption(cells.parameter_counts(10, 100))
    at.slider(key="rho").set_value(0.6)
    at.slider(key="lag").set_value(20).run()
    hero = caption(at, "Gradient reaching the symbol")
    init = bptt.init_curves(20, 0.6, 3.0, "tanh", 0)
    assert "21 steps back" in hero and f"ρ^k = {0.6 ** 21:.1e}" in hero
    assert number(hero, "vanilla RNN") == pytest.approx(float(f"{init['rnn'][21]:.1e}"))
    assert hero == bptt.gradient_init_caption(init, 20, 0.6)
    trained = caption(at, "Trained:")
    assert "at lag 20" in trained and "100%" in trained
    specs = plotly_specs(at)
    assert specs[0]["layout"]["yaxis"]["type"] == "log"
    assert plotly_array(specs[0]["data"][3]["y"]) == pytest.approx(bptt.ceiling(0.6, 20))  # the dashed ρ^k


def test_tabs_show_what_their_demos_compute(pretrained):
    at = open_page(PAGE, timeout=180, view="Accuracy vs lag")
    assert not at.exception, at.exception
    lag = caption(at, "Trained on one lag")
    assert "GRU ≥ 90 % at every lag to 60" in lag and "LSTM 100%–100%" in lag
    # the caption is computed from the chart's own data: solid lines from the cards, dashed measured
    data = plotly_specs(at)[-1]["data"]
    fixed = recall.fixed_lag_accuracy({c: metadata(f"recall_{c}") for c in cells.CELL_NAMES})
    assert [list(plotly_array(t["y"])) for t in data[:3]] == [[a[k] for k in sorted(a)] for a in fixed.values()]
    mixed = {c: plotly_array(t["y"]) for c, t in zip(cells.CELL_NAMES, data[3:6])}
    assert lag == recall.lag_caption(fixed, recall.TEST_LAGS, mixed)
    # the dashed lines are the committed measurement (models/results/recurrent.json), not computed live
    stored, _ = lookup(recall.committed_lag_accuracy, ())
    assert {c: list(a) for c, a in mixed.items()} == stored
    assert [c for c in captions(at) if c.startswith("Precomputed") and "`python -m train.precompute_recurrent`" in c]

    at.session_state["view"] = "Text generation"
    at.run()
    at.slider(key="temp").set_value(0.0).run()
    assert not at.exception, at.exception
    greedy = text_generation.sample(pretrained("char_lstm"), "The for statement", 300, 0.0)
    assert greedy.prompt + greedy.text in [c.value for c in at.code]
    summary = caption(at, "300 characters, greedy")
    assert f"loop of {text_generation.repeat_period(greedy.text)} characters" in summary
    assert summary == text_generation.distribution_caption(greedy, 0.0, 0)
    assert caption(at, "At T = 0,")
    assert [c for c in captions(at) if "bits per character on the validation text" in c]
    assert text_generation.card_caption(metadata("char_lstm")) in captions(at)
    at.text_area(key="prompt").input("naïve “quotes” 🙂").run()
    assert any("🙂" in w.value for w in at.warning) and not at.exception
    assert text_generation.dropped_note("naïve “quotes” 🙂", VOCAB) in [w.value for w in at.warning]

    at.session_state["view"] = "Padding and masking"
    at.run()
    assert not at.exception, at.exception
    assert [c for c in captions(at) if "Packed, every state matches" in c]
    m = masking.masking(pretrained("char_lstm"), masking.DEFAULT_TEXTS.splitlines())
    assert masking.padding_caption(m) in captions(at) and masking.masking_caption(m) in captions(at)
    at.text_area(key="texts").input("🙂\n\n").run()
    assert not at.exception and any("Type at least one line" in i.value for i in at.info)

    at.session_state["view"] = "Bidirectional and padding"
    at.run()
    assert not at.exception, at.exception
    stored = bidirectional.committed_taggers(0)  # seed 0 opens the recorded run: nothing trains
    assert stored is not None and bidirectional.tagging_caption(stored) in captions(at)
    assert "Precomputed by `python -m train.recurrent_birnn`, from the same code and seed as a live run." \
        in captions(at)
    assert caption(at, "With 8 padding") == pooling.padding_caption(pooling.padding_view(8, 0))
    at.slider(key="pads").set_value(20).run()
    moved = caption(at, "With 20 padding")
    assert moved == pooling.padding_caption(pooling.padding_view(20, 0)) and "exactly at" in moved
    assert number(moved, "mean pooling:") == round(100 * 20 / 26)  # 1 − 6 / (6 + 20) of the word's mean

    at.slider(key="lag").set_value(2)
    at.session_state["view"] = "Train at your lag"
    at.run()
    assert not at.exception, at.exception
    summary = caption(at, "After ")
    assert "at lag 2" in summary and "Vanilla RNN 100%" in summary and "Computed in" in summary  # trained live
    assert not [c for c in captions(at) if c.startswith("Precomputed")]
    spec = [s for s in plotly_specs(at) if s.get("frames")]
    assert spec and spec[0]["layout"]["sliders"]


def test_train_tab_opens_the_committed_run_at_its_defaults():
    at = open_page(PAGE, timeout=60, view="Train at your lag")
    assert not at.exception, at.exception
    stored = recall.committed_training(40, 1.0, 3.0, "tanh", True, 0)  # what models/results/recurrent.json holds
    assert stored is not None
    # nothing computed live: no progress, no Stop button; the caption is the stored run's and says so
    assert not [b for b in at.button if "Stop" in b.label] and not at.get("progress")
    assert caption(at, "After ") == recall.training_caption(stored, committed=True)
    assert "Precomputed by `python -m train.precompute_recurrent`, from the same code and seed as a live run." \
        in captions(at)
    assert [b for b in at.button if b.label == "↻ Recompute live"]
    spec = [s for s in plotly_specs(at) if s.get("frames")][0]
    assert len(spec["frames"]) == stored.n_frames
    assert spec["layout"]["sliders"][0]["steps"][-1]["label"] == str(stored.steps[-1])


def test_cell_tab_opens_first_and_colours_the_cell_that_follows_the_chosen_property(pretrained):
    at = open_page(PAGE, timeout=120)  # no view in the URL: this tab opens first
    assert not at.exception, at.exception
    view = cell_view.committed_view(pretrained("char_lstm"))
    assert caption(at, "Cell ") == cell_view.caption(view, "word")
    found = view.found["word"]
    heat = plotly_specs(at)[-1]["data"][0]
    _, grid = cell_view.text_grid(view.passage, np.clip(view.c[:, found.cell] / found.scale, -1, 1))
    assert np.allclose(np.array(plotly_array(heat["z"]), dtype=float), grid, equal_nan=True)
    at.session_state["track"] = "quotes"
    at.run()
    assert not at.exception
    assert caption(at, "Cell ") == cell_view.caption(view, "quotes")
