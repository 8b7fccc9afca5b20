"""demos.transfer_learning.results: committed runs are used only under today's recipe, a setting's
missing runs are exactly the ones computed live, and the budget caption counts them."""
import json

import pandas as pd
import pytest

from demos.transfer_learning import results, sweep

pytestmark = pytest.mark.filterwarnings("ignore")


def test_precomputed_results_are_ignored_when_the_recipe_changes(tmp_path, monkeypatch):
    data = json.loads(results.PRECOMPUTED.read_text())
    path = tmp_path / "transfer.json"
    path.write_text(json.dumps(data))
    assert results.precomputed("sweep", 1e-3, 3, path=path) is not None
    other_rate = results.precomputed("sweep", 3e-2, 3, path=path)  # the runs that do not depend on the rate
    assert set(other_rate["strategy"]) == set(sweep.LR_FREE) and len(other_rate) == 3 * 3 * len(sweep.K_VALUES)
    two = results.precomputed("sweep", 1e-3, 2, path=path)  # a 2-seed sweep is the first two seeds' runs
    assert set(two["seed"]) == {0, 1} and len(two) == 5 * 2 * len(sweep.K_VALUES)
    assert len(results.precomputed("sweep", 1e-3, 5, path=path)) == 5 * 5 * len(sweep.K_VALUES)  # seeds 1-5: all committed
    monkeypatch.setattr(results, "STEPS", results.STEPS + 1)
    assert results.precomputed("sweep", 1e-3, 3, path=path) is None
    assert results.precomputed("forgetting", path=tmp_path / "missing.json") is None


def test_the_committed_file_is_the_one_the_page_reads():
    assert results.PRECOMPUTED.name == "transfer_learning.json" and results.PRECOMPUTED.is_file()
    assert results.precomputed("forgetting") is not None


def test_live_runs_are_exactly_what_the_committed_runs_lack():
    for seeds in range(1, 6):  # the default rate: every seed count the slider offers is committed
        assert results.live_runs(results.precomputed("sweep", 1e-3, seeds), 1e-3, seeds) == []
    # a new rate, one seed: the rate-free seed 0 is committed, the two fine-tunings are not
    [tuned] = results.live_runs(results.precomputed("sweep", 3e-3, 1), 3e-3, 1)
    assert (tuned.strategies, tuned.first_seed, tuned.key, tuned.imagenet) == (("last", "full"), 0, ("tuned", 3e-3, 0), False)
    assert tuned.label == "Fine-tuning at rate 0.003, seed 1"
    # one job per missing seed, named without the seed count: 3 -> 4 -> 5 seeds computes seed 4 once
    three = results.precomputed("sweep", 1e-3, 3)
    four, five = results.live_runs(three, 1e-3, 4), results.live_runs(three, 1e-3, 5)
    assert [r.key for r in four] == [("free", 3), ("tuned", 1e-3, 3)]
    assert [r.key for r in five] == [("free", 3), ("free", 4), ("tuned", 1e-3, 3), ("tuned", 1e-3, 4)]
    assert five[1].strategies == sweep.LR_FREE and five[1].imagenet and five[1].label.endswith("seed 5")
    nothing = results.live_runs(None, 1e-2, 2)  # no committed file: every run is live
    assert [(r.first_seed, r.key) for r in nothing] == [(0, ("free", 0)), (1, ("free", 1)), (0, ("tuned", 1e-2, 0)),
                                                        (1, ("tuned", 1e-2, 1))]


def test_what_a_live_run_costs_is_said_from_the_committed_timings():
    data = results.committed()
    table = results.precomputed("sweep", 1e-3, 5)
    tuned = table.loc[table["strategy"].isin(["last", "full"]), "seconds"].sum() / 5  # 5 committed seeds
    assert results.seconds_per_seed(("last", "full")) == pytest.approx(tuned)
    runs = results.live_runs(results.precomputed("sweep", 3e-3, 2), 3e-3, 2)
    text = results.live_text(runs)
    assert text.startswith("This setting is not precomputed: training seeds 1, 2 live (2 jobs, each with progress and a "
                           "Stop button); about ") and text.endswith(f"{results.duration(2 * tuned)} in all, as timed "
                                                                     "when the committed runs were made.")
    assert results.duration(40.4) == "40 s" and results.duration(150) == "2 min"  # 150 s = 2.5 min, rounded
    assert results.rate_label(tuned, 3, presenting=False) == "Fine-tuning rate"
    assert results.rate_label(tuned, 3, presenting=True) == f"Fine-tuning rate (others retrain, ~{results.duration(3 * tuned)})"
    assert f"about {results.duration(3 * tuned)}" in results.rate_help(1e-3, tuned, 3)
    assert "Seeds 1-5 are precomputed at rate 0.001" in results.seeds_help(1e-3, tuned)
    freeze = sum(sum(r["seconds"] for r in rows) * 2 for rows in data["layers"].values()) / len(data["layers"])
    assert results.layers_live_text(3e-3).endswith(f"about {results.duration(freeze)}, as timed when the committed ones were made.")
    # 5 depths x 2 seeds of fine-tuning
    assert results.layers_help(1e-3).endswith("Precomputed at rate 0.001; at any other rate the 10 fine-tunings run live.")
    assert results.encoder_name("cnn04", False) == "Digit CNN taught 0-4"
    assert results.encoder_name("imagenet", True) == "EfficientNet-Lite0 (ImageNet)"
    assert results.encoder_name("imagenet", False).startswith("EfficientNet-Lite0 (ImageNet): embeds the digits first, ~")


def test_combine_and_the_budget_caption_count_the_live_runs():
    stored = results.precomputed("sweep", 3e-3, 1)  # 21 rate-free runs
    fake = stored[stored["strategy"] == "probe"].assign(strategy="full", train_accuracy=0.5, seconds=1.0)
    table, live = results.combine(stored, [fake, fake.assign(strategy="last")])
    assert live == 14 and len(table) == 35 and list(table["strategy"][:21]) == list(stored["strategy"])
    text = results.budget_text(table, live)
    assert text.startswith("35 runs (14 computed on this server, the rest committed with the page), ")
    assert f"{table['seconds'].sum():.0f} s of compute" in text and f"{results.STEPS} Adam steps" in text
    assert "Lowest accuracy on its own training examples: everything at k = 1, 50%." in text
    stopped, n = results.combine(stored, [None, fake.iloc[:0], fake.iloc[:2]])  # Stop pressed: what each job had
    assert n == 2 and len(stopped) == 23
    only_live, n = results.combine(None, [fake])
    assert n == len(only_live) == 7 and "(7 computed on this server)" in results.budget_text(only_live, n)
    assert "all committed with the page" in results.budget_text(stored)
    assert isinstance(table, pd.DataFrame) and table.index.is_unique
