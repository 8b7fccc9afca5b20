"""demos/word_embeddings/word2vec.py: the hand-written SGNS gradients equal autograd's, the pairs and
PPMI are right on a tiny corpus, the recording is seeded and learns the analogies, and the captions
state what the frames hold."""
import numpy as np
import pytest
import torch

from demos.word_embeddings import word2vec


def test_sgns_gradients_equal_autograd():
    rng = np.random.default_rng(0)
    w_in, w_out = rng.normal(size=(12, 5)), rng.normal(size=(12, 5))
    centres, contexts = np.array([0, 3, 3, 7]), np.array([1, 2, 2, 0])  # repeated ids: gradients add up
    negatives = np.array([[4, 5, 1], [6, 6, 0], [1, 2, 3], [9, 10, 11]])
    loss, g_in, g_out = word2vec.sgns_loss_and_grads(w_in, w_out, centres, contexts, negatives)
    t_in = torch.tensor(w_in, requires_grad=True)
    t_out = torch.tensor(w_out, requires_grad=True)
    v = t_in[centres]
    pos = (v * t_out[contexts]).sum(1)
    neg = torch.einsum("bd,bkd->bk", v, t_out[negatives])
    ref = -(torch.nn.functional.logsigmoid(pos).sum() + torch.nn.functional.logsigmoid(-neg).sum())
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-12)
    assert np.allclose(g_in, t_in.grad.numpy(), atol=1e-12) and np.allclose(g_out, t_out.grad.numpy(), atol=1e-12)


def test_pairs_stay_inside_sentences_and_ppmi_by_hand(monkeypatch):
    c = word2vec.Corpus(("a", "b", "c"), np.array([0, 1, 2, 0, 1]), np.array([0, 0, 0, 1, 1]), np.array([2, 2, 1]))
    pairs = {tuple(p) for p in word2vec.skipgram_pairs(c, 1)}
    # sentence 1: a b c; sentence 2: a b — "c a" would cross the boundary
    assert pairs == {(0, 1), (1, 0), (1, 2), (2, 1)}
    assert len(word2vec.skipgram_pairs(c, 2)) == 2 * (2 + 1 + 1)  # distance 1: 3 pairs, distance 2: 1 (a c)
    # counts (both directions): a-b 2, b-c 1 → rows sum to 2, 3, 1, total 6;
    # PMI(a, b) = log(2·6 / (2·3)) = log 2, PMI(b, c) = log(1·6 / (3·1)) = log 2, PMI(b, a) = log 2
    counts = np.array([[0, 2, 0], [2, 0, 1], [0, 1, 0]], float)
    expected = np.array([[0, np.log(2), 0], [np.log(2), 0, np.log(2)], [0, np.log(2), 0]])
    assert np.allclose(word2vec.ppmi(counts), expected)
    assert word2vec.ppmi(np.array([[1.0, 1.0], [1.0, 5.0]]))[0, 1] == 0  # negative PMI is clipped to 0
    monkeypatch.setattr(word2vec, "load_corpus", lambda: c)
    vectors = word2vec.ppmi_svd(1, 2)
    # U√Σ: each column's squared norm is one of the top singular values of the PPMI matrix
    s = np.linalg.svd(expected, compute_uv=False)
    assert np.allclose((vectors ** 2).sum(0), s[:2])


def test_analogy_accuracy_equals_a_brute_force_count():
    rng = np.random.default_rng(1)
    c = word2vec.load_corpus()
    vectors = rng.normal(size=(len(c.words), 6))
    from demos.word_embeddings import corpus
    index = {w: i for i, w in enumerate(c.words)}
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    for name, pairs in corpus.RELATIONS.items():
        right = total = 0
        for a, b in pairs:
            for cc, d in pairs:
                if a == cc:
                    continue
                target = unit[index[b]] - unit[index[a]] + unit[index[cc]]
                best = max((float(unit[i] @ target), w) for w, i in index.items() if w not in (a, b, cc))
                right += best[1] == d
                total += 1
        assert word2vec.analogy_accuracy(vectors, c.words)[name] == pytest.approx(right / total)


@pytest.fixture(scope="module")
def recording():
    return word2vec.train(4, 5, 16, seed=0, epochs=2, n_frames=6)


def test_the_recording_is_seeded_and_learns(recording):
    again = word2vec.train(4, 5, 16, seed=0, epochs=2, n_frames=6)
    assert np.array_equal(recording.frames["points"], again.frames["points"])
    assert recording.curves["loss"][0] == pytest.approx(6 * np.log(2))  # W_out starts at 0: σ(0) for 1 + 5 words
    assert recording.curves["loss"][-20:].mean() < 0.5 * recording.curves["loss"][0]
    # random vectors solve almost nothing; two epochs solve a good share of the capitals
    assert recording.frames["accuracy"][0].mean() < 0.1 and recording.frames["accuracy"][-1].mean() > 0.2


def test_captions_state_the_last_frame(recording):
    text = word2vec.training_caption(recording, 4, 5, 16)
    acc = recording.frames["accuracy"][-1]
    assert f"solves {acc.mean():.0%} of the analogies" in text and f"{recording.meta['pairs']:,} pairs" in text
    fig = word2vec.training_figure(recording)
    assert len(fig.frames) == recording.n_frames
    scores = word2vec.versus_svd(recording, 4, 16)
    mean_svd = np.mean([s[1] for s in scores.values()])
    assert f"the count-based SVD {mean_svd:.0%}" in word2vec.versus_caption(scores)
