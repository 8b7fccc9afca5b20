"""Byte-pair encoding (Sennrich et al. 2016, "Neural Machine Translation of Rare Words with Subword
Units"), trained merge by merge: start from single characters, repeatedly merge the most frequent
adjacent pair into a new symbol. More merges: a bigger vocabulary and shorter sequences. A word the
corpus never had still splits into pieces it did have, down to single characters."""
from __future__ import annotations

import heapq
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from demos.plots import OKABE_ITO, layout
from demos.text import chart_text

MERGES_RANGE = (0, 500)  # the merges slider
UNK = "[UNK]"  # a character the corpus never had: no merge and no base symbol covers it
WORD = re.compile(r"\w+|[^\w\s]")  # pre-tokenisation: words and single punctuation marks


@dataclass(frozen=True)
class Bpe:
    alphabet: tuple[str, ...]  # base symbols: every character of the corpus, sorted
    merges: tuple[tuple[str, str], ...]  # in training order: merge i joins merges[i][0] + merges[i][1]
    word_counts: dict[str, int]  # the training words and how often each occurs
    corpus_tokens: tuple[int, ...]  # corpus length in tokens after 0, 1, ..., len(merges) merges


def train_bpe(words: list[str], n_merges: int) -> Bpe:
    """Learn up to `n_merges` merges from `words`. Ties go to the pair whose symbols have the smaller
    ids (base characters sorted first, then merged symbols in the order they were made), the rule of
    Hugging Face `tokenizers`' BpeTrainer, so both learn the same merges. Pair counts are updated only
    for the words a merge touches; a heap with stale entries skipped finds the most frequent pair."""
    counts = Counter(words)
    alphabet = tuple(sorted({c for w in counts for c in w}))
    ids = {s: i for i, s in enumerate(alphabet)}
    split = {w: list(w) for w in counts}
    pairs: Counter = Counter()
    where: dict[tuple[str, str], set[str]] = {}
    for w, n in counts.items():
        for p in zip(split[w], split[w][1:]):
            pairs[p] += n
            where.setdefault(p, set()).add(w)
    heap = [(-c, ids[p[0]], ids[p[1]], p) for p, c in pairs.items()]
    heapq.heapify(heap)
    length = sum(len(s) * counts[w] for w, s in split.items())
    merges, lengths = [], [length]
    while len(merges) < n_merges and heap:
        count, _, _, best = heapq.heappop(heap)
        if -count != pairs.get(best, 0) or count == 0:
            continue  # stale: this pair's count changed since the entry was pushed
        joined = best[0] + best[1]
        ids.setdefault(joined, len(ids))
        merges.append(best)
        changed = set()
        for w in where.pop(best, set()):
            old, n = split[w], counts[w]
            for p in zip(old, old[1:]):
                pairs[p] -= n
                changed.add(p)
            new = _merge(old, best, joined)
            length -= (len(old) - len(new)) * n
            split[w] = new
            for p in zip(new, new[1:]):
                pairs[p] += n
                changed.add(p)
                where.setdefault(p, set()).add(w)
        for p in changed:
            if pairs[p] > 0:
                heapq.heappush(heap, (-pairs[p], ids[p[0]], ids[p[1]], p))
            else:
                del pairs[p]
        lengths.append(length)
    return Bpe(alphabet, tuple(merges), dict(counts), tuple(lengths))


def _merge(symbols: list[str], pair: tuple[str, str], joined: str) -> list[str]:
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and symbols[i] == pair[0] and symbols[i + 1] == pair[1]:
            out.append(joined)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


def encode_word(word: str, bpe: Bpe, n_merges: int) -> list[str]:
    """`word` split by the first `n_merges` merges, applied lowest rank first (the order they were
    learnt); a character outside the alphabet becomes [UNK]."""
    return _encode(word, {p: i for i, p in enumerate(bpe.merges[:n_merges])}, set(bpe.alphabet))


def _encode(word: str, rank: dict[tuple[str, str], int], known: set[str]) -> list[str]:
    symbols = [c if c in known else UNK for c in word]
    while len(symbols) > 1:
        r, i = min((rank.get(p, len(rank)), i) for i, p in enumerate(zip(symbols, symbols[1:])))
        if r == len(rank):
            break
        symbols = symbols[:i] + [symbols[i] + symbols[i + 1]] + symbols[i + 2:]
    return symbols


def bpe_tokens(text: str, bpe: Bpe, n_merges: int) -> list[tuple[str, int, int]]:
    """(piece, start, end) for every BPE token of `text` (lower-cased like the corpus); offsets index `text`."""
    rank, known = {p: i for i, p in enumerate(bpe.merges[:n_merges])}, set(bpe.alphabet)
    out, cache = [], {}
    for m in WORD.finditer(text.lower()):
        w = m.group(0)
        if w not in cache:
            cache[w] = _encode(w, rank, known)
        start = m.start()
        for piece in cache[w]:
            size = 1 if piece == UNK else len(piece)
            out.append((piece, start, start + size))
            start += size
    return out


def corpus_bpe(n_merges: int = MERGES_RANGE[1]) -> Bpe:
    """The BPE the hero uses: trained on the page's own corpus (demos/word_embeddings/corpus.py)."""
    from demos.word_embeddings.corpus import sentences

    return train_bpe([w for s in sentences() for w in WORD.findall(s)], n_merges)


def vocabulary_size(bpe: Bpe, n_merges: int) -> int:
    return len(bpe.alphabet) + min(n_merges, len(bpe.merges))


# ---------------------------------------------------------------- the trade-off, as a figure
def tradeoff_figure(bpe: Bpe, n_merges: int, text_lengths: np.ndarray, height: int = 300) -> go.Figure:
    """Corpus tokens and the typed text's tokens per word against the vocabulary size, merge by merge."""
    k = np.arange(len(bpe.corpus_tokens))
    vocab = len(bpe.alphabet) + k
    words = sum(bpe.word_counts.values())
    fig = go.Figure([go.Scatter(x=vocab, y=np.array(bpe.corpus_tokens) / words, name="corpus (tokens per word)",
                                line=dict(color=OKABE_ITO[0])),
                     go.Scatter(x=vocab, y=text_lengths, name="your text (tokens)", yaxis="y2",
                                line=dict(color=OKABE_ITO[1], dash="dot"))])
    n = min(n_merges, len(bpe.merges))
    fig.add_vline(x=len(bpe.alphabet) + n, line=dict(color="gray", dash="dash"))
    fig.update_layout(xaxis_title="vocabulary size (characters + merges)", yaxis_title="corpus tokens per word",
                      yaxis2=dict(title="tokens in your text", overlaying="y", side="right", rangemode="tozero"),
                      yaxis_rangemode="tozero", legend=dict(orientation="h", y=1.15))
    return layout(fig, None, height)


def text_lengths(text: str, bpe: Bpe) -> np.ndarray:
    """Tokens of `text` after 0, 1, ..., len(merges) merges: the merges applied one after another to each
    distinct word (the same split as lowest-rank-first), so one pass covers every merge count."""
    known = set(bpe.alphabet)
    counts = Counter(m.group(0) for m in WORD.finditer(text.lower()))
    total = np.zeros(len(bpe.merges) + 1, dtype=np.int64)
    for w, n in counts.items():
        symbols = [c if c in known else UNK for c in w]
        lengths = [len(symbols)]
        for pair in bpe.merges:
            if len(symbols) > 1 and pair[0] in symbols:
                symbols = _merge(symbols, pair, pair[0] + pair[1])
            lengths.append(len(symbols))
        total += n * np.array(lengths)
    return total


def tradeoff_caption(bpe: Bpe, n_merges: int) -> str:
    n = min(n_merges, len(bpe.merges))
    words = sum(bpe.word_counts.values())
    chars, now = bpe.corpus_tokens[0], bpe.corpus_tokens[n]
    last = "" if n == 0 else f" The last merge learnt was “{chart_text(bpe.merges[n - 1][0])}” + “{chart_text(bpe.merges[n - 1][1])}”."
    return (f"With {n} merges the vocabulary has {vocabulary_size(bpe, n)} symbols and the corpus's "
            f"{words:,} words take {now:,} tokens ({now / words:.2f} a word, against {chars / words:.2f} "
            f"with characters alone): a bigger vocabulary buys shorter sequences.{last}")


def merges_table(bpe: Bpe, n_merges: int, last: int = 12) -> list[dict]:
    n = min(n_merges, len(bpe.merges))
    return [{"merge": i + 1, "pair": f"{a} + {b}", "new symbol": a + b}
            for i, (a, b) in list(enumerate(bpe.merges[:n]))[-last:]]
