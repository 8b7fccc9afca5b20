"""demos/word_embeddings/bpe.py: the hand-written BPE trainer learns the same merges as Hugging Face
`tokenizers`' BpeTrainer, and a hand-worked example."""
import json

import numpy as np
import pytest

from demos.word_embeddings import bpe, corpus


def test_a_hand_worked_example():
    # "hug" ×10, "pug" ×5, "pun" ×12, "bun" ×4, "hugs" ×5 (the Hugging Face course's counts):
    # pairs: u g = 10 + 5 + 5 = 20, u n = 12 + 4 = 16, h u = 15, p u = 17, g s = 5 → first merge u + g;
    # then u n = 16 is the most frequent → second; then h + ug = 15
    words = ["hug"] * 10 + ["pug"] * 5 + ["pun"] * 12 + ["bun"] * 4 + ["hugs"] * 5
    model = bpe.train_bpe(words, 3)
    assert model.merges == (("u", "g"), ("u", "n"), ("h", "ug"))
    # characters: 3·10 + 3·5 + 3·12 + 3·4 + 4·5 = 113; each merge removes one symbol per occurrence
    assert model.corpus_tokens == (113, 113 - 20, 113 - 20 - 16, 113 - 20 - 16 - 15)
    assert bpe.encode_word("hugs", model, 3) == ["hug", "s"]
    assert bpe.encode_word("bug", model, 3) == ["b", "ug"]  # never seen: known pieces
    assert bpe.encode_word("mug", model, 3) == [bpe.UNK, "ug"]  # "m" is not in the alphabet


def test_the_merges_equal_the_tokenizers_librarys_bpe_trainer():
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    model = bpe.corpus_bpe(250)
    reference = Tokenizer(models.BPE())
    reference.pre_tokenizer = pre_tokenizers.Whitespace()  # \w+|[^\w\s]+: the corpus has no punctuation
    reference.train_from_iterator(corpus.sentences(), trainers.BpeTrainer(
        vocab_size=len(model.alphabet) + 250, show_progress=False, special_tokens=[]))
    merges = [tuple(m) for m in json.loads(reference.to_str())["model"]["merges"]]
    assert list(model.merges) == merges and len(merges) == 250


def test_training_stops_when_every_word_is_one_symbol():
    model = bpe.corpus_bpe()
    assert len(model.merges) < bpe.MERGES_RANGE[1]
    assert model.corpus_tokens[-1] == sum(model.word_counts.values())  # one token a word
    assert all(np.diff(model.corpus_tokens) < 0)  # every merge shortens the corpus


def test_rank_order_encoding_equals_applying_the_merges_in_turn():
    model = bpe.corpus_bpe()
    text = "the kings visited paris yesterday and jumped over unseen bridges"  # only corpus letters
    lengths = bpe.text_lengths(text, model)
    for k in (0, 1, 7, 60, len(model.merges)):
        pieces = bpe.bpe_tokens(text, model, k)
        assert len(pieces) == lengths[k]
        # the pieces of each word spell the word
        assert "".join(p for p, _, _ in pieces) == text.replace(" ", "")
    assert lengths[0] == len(text.replace(" ", ""))


def test_offsets_point_into_the_typed_text_and_unknown_characters_are_unk():
    model = bpe.corpus_bpe()
    pieces = bpe.bpe_tokens("Cats 9é", model, len(model.merges))
    assert pieces[0] == ("cats", 0, 4)  # lower-cased, and a corpus word is one symbol after every merge
    assert [(s, e) for _, s, e in bpe.bpe_tokens("Kings", model, 0)] == [(i, i + 1) for i in range(5)]
    assert [p for p, _, _ in pieces][-2:] == [bpe.UNK, bpe.UNK]  # a digit and an accent: no base symbol


@pytest.mark.parametrize("n", [0, 37, 500])
def test_the_caption_states_the_vocabulary_and_lengths(n):
    model = bpe.corpus_bpe()
    k = min(n, len(model.merges))
    text = bpe.tradeoff_caption(model, n)
    assert f"With {k} merges the vocabulary has {len(model.alphabet) + k} symbols" in text
    assert f"take {model.corpus_tokens[k]:,} tokens" in text
    assert ("The last merge learnt" in text) == (k > 0)
