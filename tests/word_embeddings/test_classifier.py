"""demos/word_embeddings/classifier.py: the bag's logit splits exactly into per-word shares, a bag of
words cannot order negations, the regression minimises its objective (vs autograd), sentence features
equal sentence-transformers', and the comparison's numbers are the test split's."""
import numpy as np
import pytest
import torch

from demos.word_embeddings import classifier, table


@pytest.fixture(scope="module")
def matrix(minilm):
    return table.embedding_matrix(minilm[1])


def test_the_reviews_are_seeded_and_negation_flips_the_label():
    a, b = classifier.reviews(0), classifier.reviews(0)
    assert a.texts == b.texts and np.array_equal(a.split, b.split)
    for text, label, neg in zip(a.texts, a.labels, a.negated):
        positive_word = any(f" {w}" in f" {text} " and f" {w} " in f" {text} " for w in classifier.POSITIVE)
        assert label == int(positive_word != neg), text
    assert a.negated.sum() == 120 and set(a.split) == {"train", "valid", "test"}


def test_contributions_add_up_to_the_logit_and_negation_cannot_be_ordered(minilm, matrix):
    tokenizer = minilm[0]
    rng = np.random.default_rng(0)
    w, b = rng.normal(size=384), 0.3
    for text in ("the plot was good", "the plot was not bad"):
        words, shares = classifier.contributions(text, tokenizer, matrix, w)
        logit = classifier.mean_embedding([text], tokenizer, matrix)[0] @ w + b
        assert shares.sum() + b == pytest.approx(logit, abs=1e-5) and len(words) == len(shares)
    # any weights w: logit(not good) − logit(not bad) = (w·good − w·bad)/5 has the sign of
    # logit(good) − logit(bad) = (w·good − w·bad)/4, so one of the two negations is always misordered
    x = classifier.mean_embedding(["the plot was good", "the plot was bad", "the plot was not good",
                                   "the plot was not bad"], tokenizer, matrix)
    for _ in range(20):
        w = rng.normal(size=384)
        s = x @ w
        assert np.sign(s[0] - s[1]) == np.sign(s[2] - s[3])


def test_the_regression_reaches_the_minimum_autograd_finds():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(80, 5)) * [1, 2, 3, 4, 5] + 1
    y = (x[:, 0] - 0.3 * x[:, 1] + rng.normal(size=80) > 0.5).astype(float)
    w, b = classifier.fit_logistic(x, y, 1e-2, steps=3000)
    mu, sd = x.mean(0), x.std(0) + 1e-8
    z = torch.tensor((x - mu) / sd)
    wt = torch.zeros(5, dtype=torch.float64, requires_grad=True)
    bt = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([wt, bt], max_iter=500, tolerance_grad=1e-12, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z @ wt + bt, torch.tensor(y)) \
            + 0.5 * 1e-2 * (wt ** 2).sum()
        loss.backward()
        return loss
    opt.step(closure)
    # the same objective in standardised units: same logits
    assert np.allclose(x @ w + b, (z @ wt + bt).detach().numpy(), atol=1e-4)


def test_sentence_features_equal_sentence_transformers(minilm):
    from sentence_transformers import SentenceTransformer

    from models.loaders import minilm_dir
    reference = SentenceTransformer(str(minilm_dir()), device="cpu")
    texts = ["the plot was not good", "what a brilliant cast", classifier.PROMPTS[0]]
    mine = classifier.sentence_features(texts, *minilm)
    assert np.allclose(mine, reference.encode(texts, normalize_embeddings=True), atol=1e-5)


def test_the_comparison_scores_the_test_split(minilm, matrix):
    c = classifier.experiment(minilm[0], minilm[1], matrix)
    data = classifier.reviews(0)
    assert c.n_test == int((data.split == "test").sum()) and set(c.l2.values()) <= set(classifier.L2_CHOICES)
    bag = c.rows["mean of word vectors"]
    minilm_rows = c.rows["frozen MiniLM sentence features"]
    # the Transformer reads "not" in context; the bag of words cannot (see the test above)
    assert minilm_rows["negated"] > bag["negated"] + 0.3 and bag["negated"] < 0.5
    text = classifier.comparison_caption(c)
    assert f"mean of word vectors: {bag['plain']:.0%} plain, {bag['negated']:.0%} negated" in text
