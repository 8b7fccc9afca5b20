"""The word-embeddings page's lesson answers (`## Lesson` in pages/14_word_embeddings.md, format:
ui/lesson_data.py): a beat's URL parameters (missing ones take the page's defaults, read here the way
pages/14_word_embeddings.py reads them) -> the hero's tokens or the Embeddings tab's searches."""
from __future__ import annotations

import functools
from typing import Mapping

from demos.word_embeddings import bpe, classifier, corpus, projection, table, tokens, word2vec
from models.registry import load_pretrained

DEFAULTS = {"preset": "subwords", "merges": "100", "analogy": corpus.ANALOGY_DEFAULT, "perplexity": "10", "seed": "0",
            "k": "10"}
ROWS = ("characters", "words", "BPE", "WordPiece")


@functools.lru_cache(maxsize=1)
def _minilm():
    return load_pretrained("minilm_l6")  # (tokenizer, model), as ui.model gives it


@functools.lru_cache(maxsize=1)
def _bpe() -> bpe.Bpe:
    return bpe.corpus_bpe()


def rows(params: Mapping[str, str]) -> dict[str, list[tokens.Token]]:
    p = DEFAULTS | dict(params)
    text = p.get("text", tokens.EXAMPLES[p["preset"]])
    return tokens.tokenise_all(text, _minilm()[0], _bpe(), int(p["merges"]))


def fewest_tokens(params: Mapping[str, str]) -> str:
    """The tokenizer (a ROWS name) that cuts the hero's text into the fewest tokens (first on a tie)."""
    counts = [len(v) for v in rows(params).values()]
    return ROWS[counts.index(min(counts))]


def bpe_vs_characters(params: Mapping[str, str]) -> str:
    r = list(rows(params).values())
    n_bpe, n_chars = len(r[2]), len(r[0])
    return "Fewer" if n_bpe < n_chars else "The same" if n_bpe == n_chars else "More"


def has_unk(params: Mapping[str, str]) -> str:
    """"Yes" when MiniLM's WordPiece gives at least one [UNK] for the hero's text."""
    return "Yes" if any(t.text == "[UNK]" for t in list(rows(params).values())[3]) else "No"


def analogy_rank(params: Mapping[str, str]) -> str:
    """Where the expected answer of the Embeddings tab's analogy ranks: "First", "2nd to 10th" or "Lower"."""
    p = DEFAULTS | dict(params)
    tokenizer, model = _minilm()
    matrix, vocab = table.embedding_matrix(model), tokenizer.get_vocab()
    a, b, c, d = p["analogy"].split(":")
    found = table.analogy(table.unit_rows(matrix), vocab, a, b, c, d, 10, table.searchable(vocab),
                          table.id_to_tokens(vocab))
    return "Lower" if found.rank is None or found.rank > 10 else "First" if found.rank == 1 else "2nd to 10th"


def keeps_more(params: Mapping[str, str]) -> str:
    """Which 2-D drawing keeps more of the words' full-space neighbours: "PCA", "t-SNE" or "Neither"."""
    p = DEFAULTS | dict(params)
    tokenizer, model = _minilm()
    words, groups = corpus.relation_words()
    vocab = tokenizer.get_vocab()
    vectors = table.embedding_matrix(model)[[vocab[w] for w in words]]
    drawn = projection.project(vectors, words, groups, float(p["perplexity"]), int(p["seed"]))
    return "t-SNE" if drawn.kept_tsne > drawn.kept_pca else "PCA" if drawn.kept_pca > drawn.kept_tsne else "Neither"


@functools.lru_cache(maxsize=1)
def _sentiment() -> classifier.Comparison:
    tokenizer, model = _minilm()
    return classifier.experiment(tokenizer, model, table.embedding_matrix(model))


def bag_beats_chance_on_negations(params: Mapping[str, str]) -> str:
    """"Yes" when the mean-of-word-vectors classifier gets more than half the negated test reviews right."""
    return "Yes" if _sentiment().rows["mean of word vectors"]["negated"] > 0.5 else "No"


def best_word2vec_relation(params: Mapping[str, str]) -> str:
    """The relation whose analogies skip-gram solves best at the recording's last frame (first on a tie)."""
    p = word2vec.DEFAULTS | {k: int(v) for k, v in params.items() if k in ("window", "negatives", "dim")}
    rec = word2vec.train(p["window"], p["negatives"], p["dim"], int(params.get("w2v_seed", 0)))
    acc = list(rec.frames["accuracy"][-1])
    return list(corpus.RELATIONS)[acc.index(max(acc))]
