"""demos.transfer_learning.sweep: the committed sweep states its numbers, a sample of it recomputes,
the hero's figures draw the summary, and its captions come from the numbers."""
import math

import pytest

from demos.transfer_learning import sweep
from tests.support import plotly_array

pytestmark = pytest.mark.filterwarnings("ignore")


def test_the_sweep_states_its_numbers(committed):
    s = sweep.sweep_summary(committed).set_index(["strategy", "k"])
    assert len(committed) == 5 * len(sweep.K_VALUES) * 3
    # The headline claim, measured (3 seeds, 500 held-out digits 5-9): at k = 5 the linear probe on
    # the frozen 0-4 features beats training from scratch by a clear margin.
    assert s.loc[("probe", 5), "mean"] - s.loc[("scratch", 5), "mean"] >= 0.08
    assert s.loc[("probe", 5), "min"] > s.loc[("scratch", 5), "max"]  # every seed, not just the mean
    assert s.loc[("probe", 1), "mean"] > s.loc[("scratch", 1), "mean"] + 0.1
    assert committed["train_accuracy"].min() >= 0.9  # every run fits its own examples: gaps are generalisation
    for strategy in sweep.STRATEGIES:  # more labels help every strategy
        assert s.loc[(strategy, 100), "mean"] > s.loc[(strategy, 1), "mean"]
    probe_old = committed.loc[committed["strategy"] == "probe", "old_accuracy"]
    assert probe_old.nunique() == 1  # frozen features: the old head cannot change
    assert sweep.old_task_before(sweep.sweep_summary(committed)) == pytest.approx(probe_old.iloc[0])


def test_a_sample_of_the_committed_results_recomputes(backbone, committed):
    # seed 1 alone (first_seed=1): runs do not depend on the other seeds, so it matches the committed seed 1
    fresh = sweep.label_sweep(backbone, None, lr=1e-3, seeds=2, first_seed=1, k_values=(5,))
    assert set(fresh["seed"]) == {1}
    committed = committed[(committed["k"] == 5) & (committed["seed"] == 1)].set_index("strategy")
    for _, row in fresh.iterrows():
        tol = 1e-6 if row["strategy"] == "probe" else 0.02  # convex: exact; SGD runs: float reassociation
        assert row["accuracy"] == pytest.approx(committed.loc[row["strategy"], "accuracy"], abs=tol)
    assert math.isnan(fresh.set_index("strategy").loc["scratch", "old_accuracy"])  # no 0-4 head to read


def test_summary_is_per_strategy_and_k_in_legend_order(committed):
    s = sweep.sweep_summary(committed)
    assert list(dict.fromkeys(s["strategy"])) == list(sweep.STRATEGIES)
    assert (s["count"] == 3).all() and (s["min"] <= s["mean"] + 1e-12).all() and (s["mean"] <= s["max"] + 1e-12).all()
    one = committed[(committed["strategy"] == "last") & (committed["k"] == 10)]
    row = s[(s["strategy"] == "last") & (s["k"] == 10)].iloc[0]
    assert row["mean"] == pytest.approx(one["accuracy"].mean()) and row["train"] == one["train_accuracy"].min()


def test_the_hero_figures_draw_the_summary(committed):
    s = sweep.sweep_summary(committed)
    fig = sweep.sweep_figure(s, 0.8, 20)
    lines = [t for t in fig.data if t.mode == "lines+markers"]
    assert [t.name for t in lines] == list(sweep.STRATEGIES.values())
    probe = s[s["strategy"] == "probe"]
    assert list(lines[1].y) == pytest.approx(list(probe["mean"]))
    assert fig.layout.shapes[0].y0 == 0.8 and fig.layout.shapes[1].x0 == 20  # the target, the k read off
    bars = sweep.at_k_figure(s, 5, 0.99)
    at5 = s[s["k"] == 5]
    assert list(bars.data[0].x) == [sweep.BAR_LABELS[n] for n in at5["strategy"]]
    assert plotly_array(bars.to_plotly_json()["data"][0]["y"]) == pytest.approx(list(at5["mean"]))
    assert bars.layout.shapes[0].y0 == 0.99 and "n/a" in bars.data[1].text  # scratch and ImageNet: no old head
    assert sweep.rgba("#0072B2", 0.18) == "rgba(0,114,178,0.18)" == fig.data[0].fillcolor  # 0x72 = 114, 0xB2 = 178


def test_captions_come_from_the_numbers(committed):
    s = sweep.sweep_summary(committed)
    needed = sweep.labels_needed(s, 0.9)
    for name, k in needed.items():
        rows = s[s["strategy"] == name].set_index("k")["mean"]
        assert (k is None and rows.max() < 0.9) or (rows[k] >= 0.9 and all(rows[j] < 0.9 for j in rows.index if j < k))
    text = sweep.at_k_caption(s, 5, 1e-3, 0.99)
    at5 = s[s["k"] == 5].set_index("strategy")["mean"]
    assert f"probe {at5['probe']:.0%}" in text and f"beats scratch by {100 * (at5['probe'] - at5['scratch']):.0f} points" in text
    flipped = s.copy()
    flipped.loc[flipped["strategy"] == "scratch", "mean"] = 1.0
    assert "scratch beats the probe by" in sweep.at_k_caption(flipped, 5, 1e-3, 0.99)


@pytest.mark.parametrize("target", [0.5, 0.9, 0.99])
def test_the_sweep_caption_follows_the_target(committed, target):
    s = sweep.sweep_summary(committed)
    text = sweep.sweep_caption(s, target)
    assert text.startswith(f"To reach {target:.0%} on the held-out digits 5-9: ")
    needed = sweep.labels_needed(s, target)
    for name, k in needed.items():  # each strategy named once: with its k, or as not reaching it by 100
        assert (f"{sweep.IN_TEXT[name]} k = {k}" in text) if k is not None else ("not with 100 examples" in text)
    reached = [k for k in needed.values() if k is not None]
    assert reached == [] or text.index(f"k = {min(reached)}") <= text.index(f"k = {max(reached)}")  # cheapest first
    if not reached:
        assert "no strategy does" in text


def test_the_sweep_caption_says_where_a_stopped_run_ended(committed):
    # a live run stopped after k = 5 for "last": its curve ends there, so the caption cannot claim k = 100
    part = committed[(committed["strategy"] != "last") | (committed["k"] <= 5)]
    s = sweep.sweep_summary(part)
    needed = sweep.labels_needed(s, 0.99)  # 99 %: no strategy reaches it (the committed best is below)
    assert all(v is None for v in needed.values())
    text = sweep.sweep_caption(s, 0.99)
    assert "last block: not by k = 5 (stopped there)" in text and "probe: not by k = 100," in text
