"""demos/word_embeddings/corpus.py: the templated corpus is seeded, small, and holds every relation
word the analogies use."""
from demos.word_embeddings import corpus


def test_the_corpus_is_seeded_and_small():
    assert corpus.sentences(50, seed=3) == corpus.sentences(50, seed=3)
    assert corpus.sentences(50, seed=3) != corpus.sentences(50, seed=4)
    n_tokens = sum(len(s.split()) for s in corpus.sentences())
    assert 15_000 <= n_tokens <= 20_000  # the word2vec budget: ≤ 20k tokens


def test_every_relation_word_occurs_and_the_analogies_pair_two_different_pairs():
    seen = {w for s in corpus.sentences() for w in s.split()}
    words, groups = corpus.relation_words()
    assert len(words) == 64 and set(words) <= seen and len(set(groups)) == 4
    questions = corpus.analogies()
    assert len(questions) == 4 * 8 * 7  # each relation: 8 pairs, each with the 7 others
    assert ("man", "woman", "king", "queen") in questions
    assert corpus.ANALOGY_DEFAULT in corpus.ANALOGIES
