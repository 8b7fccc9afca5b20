"""Words as numbers: tokenising (four ways), BPE training, word2vec's recording, the neighbour search
over MiniLM's 30,522 × 384 table, t-SNE of 64 words, the classifier and recommender tabs, and the page's
first render and hero rerun."""
from __future__ import annotations

import time

import torch

from bench.common import Row, best_of, once, page_rerun
from demos.word_embeddings import bpe, classifier, corpus, projection, recommender, table, tokens, word2vec
from models import load_pretrained

PAGE = "pages/14_word_embeddings.py"


def run() -> list[Row]:
    rows: list[Row] = []
    tokenizer, model = load_pretrained("minilm_l6")
    text = " ".join((tokens.EXAMPLES["subwords"] + " " + tokens.EXAMPLES["rare"]).split()[:17] * 60)[:100_000]
    text = " ".join(text.split()[:1000])
    trained = bpe.corpus_bpe()
    rows.append(Row("word_embeddings", "tokenising 1,000 words four ways (characters, words, BPE 100 merges, WordPiece)",
                    best_of(lambda: tokens.tokenise_all(text, tokenizer, trained, 100)), target="≤ 50 ms"))
    rows.append(Row("word_embeddings", "WordPiece alone (hand-written split), 1,000 words",
                    best_of(lambda: tokens.wordpiece(text, tokenizer)), target="≤ 50 ms"))
    vocab_words = sorted(w for w in tokenizer.get_vocab() if w.isalpha())  # distinct words: merges do not run out
    for n in (5_000, len(vocab_words)):
        rows.append(Row("word_embeddings", f"BPE training, 500 merges on {n:,} distinct words (MiniLM's whole-word "
                                           "vocabulary, alphabetical)", once(lambda: bpe.train_bpe(vocab_words[:n], 500)),
                        target="≤ 1 s"))
    rows.append(Row("word_embeddings", f"BPE training on the page's corpus (all {len(trained.merges)} merges it has)",
                    best_of(lambda: bpe.corpus_bpe(), repeat=3), target="≤ 1 s"))
    rows.append(Row("word_embeddings", "BPE lengths after every merge for the hero's text (trade-off chart)",
                    best_of(lambda: bpe.text_lengths(tokens.EXAMPLES["subwords"], trained))))

    first: list[float] = []
    start = time.perf_counter()

    def progress(fraction: float) -> None:
        if not first:
            first.append(time.perf_counter() - start)
    tokens_in = sum(len(s.split()) for s in corpus.sentences())
    d = word2vec.DEFAULTS
    total = once(lambda: word2vec.train(d["window"], d["negatives"], d["dim"], 0, on_progress=progress))
    rows.append(Row("word_embeddings", f"word2vec recording, defaults ({word2vec.EPOCHS} epochs, {tokens_in:,} tokens, "
                                       f"window {d['window']}, k {d['negatives']}, d {d['dim']})", total, target="≤ 3 s"))
    rows.append(Row("word_embeddings", "word2vec: first recorded frame after step 0", first[0], target="≤ 300 ms"))
    rec = word2vec.train(2, 3, 8, 0, epochs=1)
    rows.append(Row("word_embeddings", f"word2vec replay figure ({rec.n_frames} frames) built", best_of(lambda: word2vec.training_figure(rec), repeat=3)))

    matrix = table.embedding_matrix(model)
    unit, vocab = table.unit_rows(matrix), tokenizer.get_vocab()
    mask, ids = table.searchable(vocab), table.id_to_tokens(vocab)
    rows.append(Row("word_embeddings", f"neighbour search over {matrix.shape[0]:,} × {matrix.shape[1]}",
                    best_of(lambda: table.neighbours(unit, vocab, "king", 10, mask, ids)), target="≤ 50 ms"))
    rows.append(Row("word_embeddings", "analogy (b − a + c) over the same table",
                    best_of(lambda: table.analogy(unit, vocab, "man", "woman", "king", "queen", 10, mask, ids)),
                    target="≤ 50 ms"))
    words, groups = corpus.relation_words()
    vectors = matrix[[vocab[w] for w in words]]
    reviews = classifier.reviews(0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the server runs torch (ui/cache.py: TORCH_THREADS)
    rows.append(Row("word_embeddings", f"text classifier: MiniLM sentence features of {len(reviews.texts)} reviews "
                                       "(torch threads 1, as served)",
                    once(lambda: classifier.sentence_features(list(reviews.texts), tokenizer, model))))
    rows.append(Row("word_embeddings", "text classifier tab's job: features, 2 × 4 regressions, zero-shot (threads 1)",
                    once(lambda: classifier.experiment(tokenizer, model, matrix))))
    rows.append(Row("word_embeddings", "PCA + exact t-SNE of 64 words (500 iterations)",
                    best_of(lambda: projection.project(vectors, words, groups, 10, 0), repeat=3)))
    recommender.train(2, 0)  # torch.optim's first use imports several seconds of modules: not the tab's cost
    rows.append(Row("word_embeddings", "recommender tab's job: matrix factorisation + neural CF, 150 epochs each "
                                       "(d 8, threads 1)", once(lambda: recommender.train(8, 0))))
    torch.set_num_threads(threads)
    first_render, _ = page_rerun(PAGE, {}, ("slider", "merges", 50), repeat=1)
    rows.append(Row("word_embeddings", "page first render in a fresh process (MiniLM loaded, BPE and t-SNE computed)",
                    first_render))
    first_render, rerun = page_rerun(PAGE, {"text": "A second visitor types another sentence."}, ("slider", "merges", 50))
    rows.append(Row("word_embeddings", "page first render, warm server, a new text (tokens computed, rest cached)",
                    first_render, target="≤ 2 s"))
    rows.append(Row("word_embeddings", "page rerun after a merges change (hero)", rerun, target="< 1 s"))
    return rows
