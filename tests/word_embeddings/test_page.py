"""The word-embeddings page through AppTest: the hero follows the text and the merges slider with the
captions the demos compute; empty, huge and hostile text; both tabs. One session, controls moved in it."""
import pytest

from demos.word_embeddings import bpe, corpus, projection, table, tokens, word2vec
from tests.support import captions, open_page, plotly_specs, show

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/14_word_embeddings.py"


@pytest.fixture(scope="module")
def at():
    return open_page(PAGE, timeout=180)


def test_the_hero_follows_text_and_merges(at, minilm):
    assert not at.exception
    model = bpe.corpus_bpe()
    rows = tokens.tokenise_all(tokens.EXAMPLES["subwords"], minilm[0], model, 100)
    assert captions(at)[0] == tokens.tokens_caption(rows, tokens.EXAMPLES["subwords"])
    assert captions(at)[1] == bpe.tradeoff_caption(model, 100)
    hero = plotly_specs(at)[0]
    assert [t["y"][0] for t in hero["data"]] == [f"{k}: {len(v)}" for k, v in rows.items()]

    show(at, merges=7)
    assert captions(at)[1].startswith(f"With 7 merges the vocabulary has {len(model.alphabet) + 7} symbols")
    assert "BPE (7 merges)" in str(plotly_specs(at)[0]["data"][2]["y"][0])

    show(at, text="Paris 🙂\u202e")
    assert any("control or format" in i.value for i in at.info)
    assert "and 1 are [UNK]" in captions(at)[0]  # the emoji; the override character is deleted by the normaliser

    show(at, text="   ")
    assert any("empty text has no tokens" in i.value for i in at.info) and not at.exception


def test_a_huge_text_from_the_url_is_cut_with_a_notice():
    at = open_page(PAGE, timeout=180, text="word " * 10_000)
    assert not at.exception
    assert any(f"kept the first {tokens.MAX_CHARS:,}" in w.value for w in at.warning)
    assert f"{tokens.MAX_CHARS} characters make" in captions(at)[0].replace(",", "")


def test_the_embeddings_tab_searches_the_full_space(at, minilm):
    show(at, view="Embeddings", text=tokens.EXAMPLES["subwords"], word="paris", analogy="france:paris:italy:rome")
    texts = captions(at)
    assert any(t.startswith("“paris” is id") for t in texts)
    tokenizer, model = minilm
    vocab = tokenizer.get_vocab()
    unit = table.unit_rows(table.embedding_matrix(model))
    found = table.analogy(unit, vocab, "france", "paris", "italy", "rome", 10, table.searchable(vocab),
                          table.id_to_tokens(vocab))
    assert table.search_caption(found) in texts
    show(at, perplexity=25, seed=3)
    words, groups = corpus.relation_words()
    vectors = table.embedding_matrix(model)[[vocab[w] for w in words]]
    assert projection.projection_caption(projection.project(vectors, words, groups, 25, 3)) in captions(at)


def test_the_word2vec_tab_replays_a_recording(at):
    show(at, view="Word2vec live", window=2, negatives=3, dim=8, timeout=180)
    texts = captions(at)
    assert any(t.startswith("Skip-gram, window 2, 3 negatives, 8 dimensions") for t in texts)
    spec = next(s for s in plotly_specs(at) if s.get("frames"))
    assert len(spec["frames"]) == word2vec.N_FRAMES  # evenly spaced steps from 0 to the last
    assert any("count-based SVD" in t for t in texts)


def test_the_text_classifier_tab_scores_a_review_word_by_word(at):
    show(at, view="Text classifier", timeout=240)
    texts = captions(at)
    assert any(t.startswith("Held-out test split (") for t in texts)
    assert any(t.startswith("The bag of words scores this review") and "10 bars" in t for t in texts)
    show(at, review="what a brilliant film")
    assert any("the sum of the 4 bars" in t for t in captions(at))
    show(at, review="\u200b")
    assert any("has no WordPiece tokens" in t for t in captions(at))


def test_the_recommender_tab_trains_both_models(at):
    show(at, view="Recommender", rec_dim=4, timeout=240)
    assert any(t.startswith("4-D embeddings. Test RMSE at each model's best validation epoch") for t in captions(at))
