"""The DQN tab's figures and captions (demos/reinforcement_learning/dqn_views.py), on hand-made bands and
histograms whose statistics are worked out in the comments; a recorded run's captions: test_dqn.py."""
import numpy as np
import pytest

from demos.reinforcement_learning import dqn, dqn_views


def band(full: list, no_replay: list, no_target: list) -> dict:
    return {"grid": [1000, 2000], "replay + target": full, "no replay": no_replay, "no target": no_target}


SEPARATED = band([[10, 200], [None, 300], [20, 250]], [[5, 9], [6, 11], [7, 8]], [[10, 10], [10, 10], [9, 10]])


def test_band_statistics_skip_seeds_without_an_episode_yet():
    s = dqn_views.band_stats(SEPARATED)["replay + target"]
    # step 1000: seeds give 10, (none yet), 20 -> median 15, min 10, max 20; step 2000: 200, 300, 250
    assert s["median"].tolist() == [15, 250] and s["min"].tolist() == [10, 200] and s["max"].tolist() == [20, 300]
    assert s["final"].tolist() == [200, 300, 250]


def test_the_caption_says_the_gap_is_not_seed_luck_only_when_the_bands_do_not_overlap():
    text = dqn_views.band_caption(SEPARATED)
    # final values: replay + target 200, 300, 250 (median 250); no replay 9, 11, 8 (median 9); no target 10, 10, 10
    assert "3 seeds per variant, 2,000 steps each" in text
    assert "replay + target: median 250 (seeds 200–300)" in text and "no replay: median 9 (seeds 8–11)" in text
    assert "not seed luck" in text
    overlapping = band([[10, 200], [None, 5], [20, 250]], [[5, 9], [6, 11], [7, 8]], [[10, 10], [10, 10], [9, 10]])
    assert "the bands overlap" in dqn_views.band_caption(overlapping)  # one full seed (5) ends below no replay's 11


def test_the_band_figure_draws_a_band_and_a_median_per_variant_and_the_solved_line():
    fig = dqn_views.band_figure(SEPARATED)
    medians = [t for t in fig.data if t.name in dqn.VARIANTS]
    assert [t.name for t in medians] == list(dqn.VARIANTS) and len(fig.data) == 2 * len(dqn.VARIANTS)
    assert list(medians[0].y) == [15, 250]
    assert any(shape.y0 == dqn_views.SOLVED for shape in fig.layout.shapes)


@pytest.mark.parametrize("counts, share", [
    # bins are 0.5 wide from −4 to 4; |centre| < 1 takes the four middle bins (centres ±0.25, ±0.75)
    ([0] * 6 + [1, 1, 1, 1] + [0] * 6, 1.0),
    ([1] * 16, 4 / 16),
    ([0] * 16, 0.0),  # an empty histogram: no division by zero
])
def test_within_counts_the_share_of_td_errors_inside_the_limit(counts, share):
    assert len(counts) == len(dqn.TD_EDGES) - 1
    assert dqn_views.within(np.array(counts, dtype=float)) == pytest.approx(share)


def test_the_committed_agents_note_reads_its_card_and_says_whether_it_is_solved():
    from models.registry import metadata
    m = metadata("cartpole_dqn")["metrics"]
    text = dqn_views.agent_note()
    assert f"averages {m['held_out_mean_return']:.0f} over {m['held_out_episodes']}" in text
    verdict = "meets" if m["held_out_mean_return"] >= 475 else "falls short of"
    assert f"it {verdict} CartPole-v1's 475" in text
