"""demos.transfer_learning.layers: fine-tuning from each frozen depth trains what it says, the chart
labels it, and the caption names the winner from the numbers."""
import pandas as pd
import pytest

from demos.transfer_learning import layers, results, task

pytestmark = pytest.mark.filterwarnings("ignore")


def test_each_depth_trains_what_it_says(backbone, data):
    table = layers.freeze_experiment(backbone, 2, 1e-3, seeds=1, steps=2)
    assert list(table["stop"]) == list(layers.FREEZE_STOPS) and list(table["frozen"]) == list(layers.FREEZE_STOPS.values())
    assert table["trainable"].is_monotonic_decreasing
    assert table["trainable"].iloc[-1] == 32 * 7 * 7 * 5 + 5  # head only: a new 1,568 -> 5 linear layer
    # nothing frozen: every number of the backbone (the new head has the old one's shape, 5 classes)
    assert table["trainable"].iloc[0] == sum(p.numel() for p in backbone.parameters())
    # head only: the features are the pretrained ones, so the old 0-4 head keeps its accuracy
    assert table["old_accuracy"].iloc[-1] == pytest.approx(task.accuracy(backbone(data["old_x"]), data["old_y"]), abs=0.004)


FAKE = pd.DataFrame({"stop": list(layers.FREEZE_STOPS), "frozen": list(layers.FREEZE_STOPS.values()),
                     "trainable": [30000, 29000, 20000, 12000, 7845],
                     "new_accuracy": [0.80, 0.86, 0.91, 0.88, 0.84], "old_accuracy": [0.40, 0.60, 0.80, 0.95, 0.99]})


def test_the_caption_names_the_best_depth_from_the_numbers():
    text = layers.freeze_caption(FAKE, 20, 1e-3)
    assert text == ("With k = 20 and lr 0.001, freezing conv 1-2 does best on digits 5-9 (91%, 20,000 trainable "
                    "numbers); training the head only gives 84%; fine-tuning all gives 80% and leaves the old 0-4 head "
                    "at 40%.")
    # the winner is never named a second time (the issue: "fine-tune all does best (95%) … fine-tuning all 95%")
    best_first = FAKE.assign(new_accuracy=[0.95, 0.86, 0.91, 0.88, 0.84])
    assert layers.freeze_caption(best_first, 5, 3e-2) == (
        "With k = 5 and lr 0.03, freezing nothing (fine-tune all) does best on digits 5-9 (95%, 30,000 trainable "
        "numbers) and leaves the old 0-4 head at 40%; training the head only gives 84%.")
    head_best = FAKE.assign(new_accuracy=[0.80, 0.86, 0.91, 0.88, 0.95])
    text = layers.freeze_caption(head_best, 5, 1e-3)
    assert "freezing all conv (head only) does best" in text and "training the head only gives" not in text
    assert text.endswith("; fine-tuning all gives 80% and leaves the old 0-4 head at 40%.")


def test_the_chart_labels_each_depth_with_what_it_trains():
    fig = layers.figure(FAKE)
    assert list(fig.data[0].x)[2] == "conv 1-2<br>20,000 trained"
    assert list(fig.data[1].y) == list(FAKE["old_accuracy"]) and fig.layout.xaxis.title.text.startswith("frozen layers")


def test_the_committed_experiment_recomputes(backbone):
    # depths 4 and 6 alone (a row does not depend on the others; the full 5-depth run takes ~10 s on a
    # quiet core, ~35 s on a busy one): equal to the committed k = 5, rate 1e-3 rows up to SGD float noise
    committed = results.precomputed_layers(5, 1e-3)
    assert committed is not None and list(committed["stop"]) == list(layers.FREEZE_STOPS)
    fresh = layers.freeze_experiment(backbone, 5, 1e-3, stops=(4, 6))
    old = committed.set_index("stop").loc[[4, 6]]
    assert list(fresh["trainable"]) == list(old["trainable"])
    # mean of 2 seeds of 500 digits: a step is 0.001; float reassociation may flip a digit or two
    assert fresh["new_accuracy"].to_numpy() == pytest.approx(old["new_accuracy"].to_numpy(), abs=0.01)
    assert fresh["old_accuracy"].to_numpy() == pytest.approx(old["old_accuracy"].to_numpy(), abs=0.01)


def test_every_k_is_committed_at_the_committed_rate_and_no_other():
    assert all(results.precomputed_layers(k, results.committed_rate()) is not None for k in layers.LAYER_KS)
    assert results.precomputed_layers(5, 3e-3) is None  # another rate is computed live


def test_a_stopped_run_shows_and_says_the_depths_it_has(backbone):
    text = layers.freeze_caption(FAKE.iloc[:2], 5, 1e-3)
    # the first two depths: conv 1 frozen wins (86% > 80%); head only was never run, so it is not named
    assert text == ("With k = 5 and lr 0.001, freezing conv 1 does best on digits 5-9 (86%, 29,000 trainable numbers); "
                    "fine-tuning all gives 80% and leaves the old 0-4 head at 40% (stopped after 2 of 5 depths).")
    seen = []
    layers.freeze_experiment(backbone, 1, 1e-3, seeds=1, steps=1, stops=(6, 4),
                             on_progress=lambda f, part=None: seen.append((f, None if part is None else len(part))))
    assert seen == [(0.5, 1), (1.0, 2)]  # one seed: one report per depth, with the rows so far (what Stop keeps)
