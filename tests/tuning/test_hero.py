"""The hero's figures and captions are computed from the search they show: distinct learning rates,
trial counts, the band's ranking at the chosen budget, the winner's test accuracy, the live caption."""
import numpy as np

from demos.tuning import hero, search, trial

TABLE = trial.committed_table()
BAND = hero.committed_band()


def test_the_space_caption_counts_what_the_search_did():
    s = search.run_search("Random", 2, TABLE)
    distinct = len({trial.all_configs()[i].log_lr for i in s.index})
    text = hero.space_caption(s)
    assert f"started 27 trials, 27 of them trained all 27 epochs, and tried {distinct} distinct" in text
    fig = hero.space_figure(s)
    assert sum(len(d.x) for d in fig.data) == 2 * 27  # every trial in both panels
    grid = hero.space_caption(search.run_search("Grid", 2, TABLE))
    assert "tried 3 distinct learning rates of the table's 25" in grid


def test_the_curves_figure_colours_trials_by_when_they_stopped():
    s = search.run_search("Successive halving", 0, TABLE)
    fig = hero.curves_figure(s)
    assert [d.name for d in fig.data] == [f"stopped at {e}" for e in (1, 3, 9, 27)]
    assert [sum(y is None for y in d.y) for d in fig.data] == [162, 54, 18, 9]  # one gap after each trial
    assert "243 at 1 → 81 at 3 → 27 at 9 → 9 at 27 epochs" in hero.curves_caption(s)
    assert "27 trials × 27 epochs = 729 epochs" in hero.curves_caption(search.run_search("TPE", 0, TABLE))


def test_the_committed_band_is_the_band_recomputed_and_its_caption_ranks_it():
    again = hero.band(["Random", "Successive halving"], hero.BAND_SEEDS, TABLE)
    for name, curves in again.items():  # float16 on disk
        assert np.allclose(BAND[name][:, 1:], curves[:, 1:], atol=1e-3)
    for budget in (162, 729):
        text = hero.band_caption(BAND, budget)
        medians = {k: np.median(v[:, budget]) for k, v in BAND.items()}
        leader = max(medians, key=medians.get)
        assert text.startswith(f"After {budget} epochs") and f"ranks {leader}" in text
    fig = hero.band_figure(BAND, search.run_search("Hyperband", 0, TABLE, 162), 162)
    assert max(len(d.x) for d in fig.data) == 2 * 162  # the filled band goes out and back


def test_the_test_caption_reads_the_winners_test_accuracy_once():
    s = search.run_search("TPE", 0, TABLE)
    t, epoch = s.winner()
    val = max(v for _, v in s.events)
    test = TABLE.test[s.index[t], s.replicate[t], epoch - 1]
    assert s.events_value(t, epoch) == val
    text = hero.test_caption(s, TABLE)
    assert f"{val:.1%}" in text and f"{test:.1%}" in text
    assert ("below" in text) == (test < val)


def test_the_live_caption_says_when_it_matches_the_table():
    s = search.run_search("Random", 0, TABLE, 54)
    s.seconds = 1.25
    assert "exactly the committed table's numbers" in hero.live_caption(s, 0.0)
    assert "to within 0.0010" in hero.live_caption(s, 0.001) and "trained 54 epochs of 2 trials in 1.2 s" in hero.live_caption(s, 0.0)


def test_importance_is_the_variance_of_each_axis_mean():
    import pytest
    shares = hero.importance(TABLE)
    acc = TABLE.val[:, :, -1].mean(1)
    configs = trial.all_configs()
    lr_means = [np.mean([a for a, c in zip(acc, configs) if c.log_lr == v]) for v in trial.LOG_LRS]
    assert shares["learning rate"] == pytest.approx(np.var(lr_means) / np.var(acc))
    assert shares["learning rate"] > shares["width"] > shares["weight decay"]  # the table's measured order
    assert sum(shares.values()) <= 1.0 + 1e-9
    assert hero.importance_caption(shares).endswith(f"weight decay {shares['weight decay']:.0%}.")
