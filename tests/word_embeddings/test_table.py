"""demos/word_embeddings/table.py: the lookup is one-hot × E, and neighbours and analogies equal a
brute-force numpy search over every searchable row."""
import numpy as np
import pytest
import torch

from demos.word_embeddings import table


@pytest.fixture(scope="module")
def space(minilm):
    tokenizer, model = minilm
    vocab = tokenizer.get_vocab()
    matrix = table.embedding_matrix(model)
    return vocab, matrix, table.unit_rows(matrix), table.searchable(vocab), table.id_to_tokens(vocab)


def brute_force(matrix, vocab, query, exclude, k):
    """Cosine of `query` with every row, one at a time, skipping ##-pieces, specials and `exclude`."""
    scored = []
    for token, i in vocab.items():
        if token.isalpha() and token not in exclude:
            row = matrix[i].astype(np.float64)
            scored.append((float(row @ query / (np.linalg.norm(row) * np.linalg.norm(query))), token))
    return [t for _, t in sorted(scored, reverse=True)[:k]], sorted(scored, reverse=True)


def test_the_lookup_is_a_one_hot_product_and_torchs_embedding(minilm, space):
    vocab, matrix, *_ = space
    i = vocab["king"]
    one_hot, row = table.one_hot_lookup(matrix, i)
    assert one_hot.sum() == 1 and one_hot[i] == 1 and np.array_equal(row, matrix[i])
    with torch.no_grad():
        assert np.array_equal(minilm[1].embeddings.word_embeddings(torch.tensor([i]))[0].numpy(), row)
    caption = table.lookup_caption(matrix, "king", i, "queen", vocab["queen"])
    cos = matrix[i] @ matrix[vocab["queen"]] / np.linalg.norm(matrix[i]) / np.linalg.norm(matrix[vocab["queen"]])
    assert "largest difference 0)" in caption and f"cosine {cos:.3f}" in caption


def test_neighbours_equal_a_brute_force_search(space):
    vocab, matrix, unit, mask, id_to_token = space
    found = table.neighbours(unit, vocab, "paris", 8, mask, id_to_token)
    expected, _ = brute_force(matrix, vocab, matrix[vocab["paris"]].astype(np.float64), {"paris"}, 8)
    assert list(found.tokens) == expected
    assert "paris" not in found.tokens and all(np.diff(found.scores) <= 0)


@pytest.mark.parametrize("question", [("man", "woman", "king", "queen"), ("france", "paris", "italy", "rome"),
                                      ("walk", "walked", "climb", "climbed")])
def test_analogies_equal_a_brute_force_search_with_the_inputs_excluded(space, question):
    vocab, matrix, unit, mask, id_to_token = space
    a, b, c, d = question
    found = table.analogy(unit, vocab, a, b, c, d, 5, mask, id_to_token)
    u = lambda w: matrix[vocab[w]].astype(np.float64) / np.linalg.norm(matrix[vocab[w]])  # noqa: E731
    expected, scored = brute_force(matrix, vocab, u(b) - u(a) + u(c), {a, b, c}, 5)
    assert list(found.tokens) == expected
    assert found.rank == [t for _, t in scored].index(d) + 1  # 1-based among searchable, inputs left out
    assert not {a, b, c} & set(found.tokens)
    assert f"ranks {found.rank:,} of" in table.search_caption(found)


def test_searchable_rows_are_whole_words(space):
    vocab, _, _, mask, id_to_token = space
    assert not mask[vocab["[CLS]"]] and not mask[vocab["##s"]] and not mask[vocab["[unused0]"]]
    assert mask[vocab["queen"]] and id_to_token[vocab["queen"]] == "queen"
