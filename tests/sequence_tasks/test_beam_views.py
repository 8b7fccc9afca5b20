"""demos/sequence_tasks/beam_views.py: the tree holds what the search considered, the caption's verdict
follows the numbers, the committed sweep is the one its script records."""
import json

import pytest

from demos.sequence_tasks import beam_search as bs
from demos.sequence_tasks import beam_views as bv
from models.registry import WEIGHTS_DIR, sha256_file


def test_tree_caption_verdicts_on_the_hand_built_table():
    step = bs.table_step({(): [0.1, 0.5, 0.4], (1,): [0.4, 0.3, 0.3], (2,): [0.9, 0.05, 0.05]})
    r = bs.beam_search(step, 2, 2, 0)
    g, g_logp = bs.greedy(step, 2, 0)
    assert "a more probable output than greedy" in bv.tree_caption(r, g, g_logp, 2, 0.0)
    r1 = bs.beam_search(step, 1, 2, 0)
    assert "the same output as greedy" in bv.tree_caption(r1, g, g_logp, 1, 0.0)


def test_search_on_the_translator_draws_every_candidate(pretrained):
    r, g, _ = bv.search(pretrained("seq2seq_dates"), bv.DEFAULT_TEXT, 3, 0.0)
    assert bv.text_of(r.best) == "1971-05-03" == bv.text_of(g)  # a Monday: 3 May 1971
    fig = bv.tree_figure(r, g)
    pruned, kept = fig.data[1], fig.data[2]
    assert len(pruned.x) + len(kept.x) == len(r.nodes) - 1  # every candidate but the root


def test_committed_sweep_matches_the_weights_and_its_shape():
    sweep = bv.committed_sweep()
    for m in bv.MODEL_NAMES:
        assert sweep["weights_sha256"][m] == sha256_file(WEIGHTS_DIR / f"{m}.safetensors")
        assert set(sweep["accuracy"][m]["0.0"]) == {str(w) for w in bs.WIDTHS}
    text = bv.sweep_caption(sweep)
    g = sweep["accuracy"]["seq2seq_dates_noattn"]["0.0"]["1"]
    assert f"without attention: greedy {g:.0%}" in text
    json.dumps(sweep)


@pytest.mark.parametrize("name", list(bv.MODEL_NAMES))
def test_the_committed_greedy_column_recomputes(pretrained, name):
    # width 1 is greedy decoding, so the sweep's width-1 accuracy is the batched greedy exact match
    from demos.attention.seq2seq import exact_match
    from models import dates
    pairs = dates.random_pairs(bs.SWEEP_PAIRS, bs.SWEEP_SEED)
    hits = exact_match(pretrained(name), pairs)
    assert bv.committed_sweep()["accuracy"][name]["0.0"]["1"] == pytest.approx(sum(hits) / len(hits))
