"""Words as numbers: text → tokens (characters, words, BPE, WordPiece) → rows of an embedding table → vectors."""
import streamlit as st

import ui
from demos.word_embeddings import bpe, classifier, corpus, projection, recommender, table, tokens, word2vec

page = ui.page_setup(__file__)

# Controls: the text (examples fill it) and how many BPE merges the BPE row uses
key_row = st.columns([5, 2])
more = ui.more_controls()
with more:
    preset = ui.select("Example", "preset", list(tokens.EXAMPLES), widget="segmented", presets=tokens.PRESETS)
with key_row[0]:
    text = ui.text_area("Your text (edit it, or pick an example)", "text", tokens.EXAMPLES[preset], height=68,
                        max_chars=tokens.MAX_CHARS)
model = ui.cached(bpe.corpus_bpe, spinner="Training BPE on the corpus…")
with key_row[1]:
    merges = ui.slider("BPE merges", "merges", 0, len(model.merges), min(100, len(model.merges)),
                       help="How many merges the BPE row applies (learnt on the page's corpus)")

# Hero: the same text tokenised four ways, boxes lined up under the characters they cover
tokenizer, minilm = ui.model("minilm_l6")
if not text.strip():
    st.info("Type some text (or pick an example): empty text has no tokens.", icon="⌨️")
else:
    for note in tokens.text_notes(text):
        st.info(note, icon="ℹ️")
    rows = ui.cached(tokens.tokenise_all, text, tokenizer, model, merges, key=(text, merges))
    ui.chart(tokens.tokens_figure(rows, text, 450 if ui.is_presenting() else 380), tokens.tokens_caption(rows, text),
             key="tokens")
ui.end_of_hero()

# BPE's trade-off: each merge adds a symbol to the vocabulary and shortens the sequences
lengths = ui.cached(bpe.text_lengths, text, model, key=text)
ui.chart(bpe.tradeoff_figure(model, merges, lengths), bpe.tradeoff_caption(model, merges), export="bpe_tradeoff")
with st.expander(f"The last merges up to merge {min(merges, len(model.merges))}"):
    st.dataframe(bpe.merges_table(model, merges), hide_index=True)
ui.section("Unknown words")

view, box = ui.tabs("view", ["Embeddings", "Word2vec live", "Text classifier", "Recommender"])
with box:
    if view == "Embeddings":
        matrix = ui.cached(table.embedding_matrix, minilm, key="minilm_l6")
        unit = ui.cached(table.unit_rows, matrix, key="minilm_l6")
        vocab = tokenizer.get_vocab()
        id_to_token = ui.cached(table.id_to_tokens, vocab, key="minilm_l6")
        mask = ui.cached(table.searchable, vocab, key="minilm_l6")
        words, groups = corpus.relation_words()

        # One-hot × table = one row: the lookup an embedding layer does
        word = ui.select("Word", "word", words, default="king")
        partner = words[words.index(word) ^ 1]
        ui.chart(table.lookup_figure(matrix[vocab[word]], word),
                 table.lookup_caption(matrix, word, vocab[word], partner, vocab[partner]))

        # Nearest neighbours and an analogy, searched in the full 384-D space
        c = st.columns(2)
        with c[0]:
            k = ui.slider("Neighbours shown", "k", *table.K_RANGE, 10)
            found = table.neighbours(unit, vocab, word, k, mask, id_to_token)
            ui.chart(table.search_figure(found), table.search_caption(found), export="neighbours")
        with c[1]:
            question = ui.select("Analogy a : b :: c : ?", "analogy", list(corpus.ANALOGIES),
                                 default=corpus.ANALOGY_DEFAULT, format_func=lambda q: " : ".join(q.split(":")[:3]) + " : ?")
            a, b, c_, d = question.split(":")
            found = table.analogy(unit, vocab, a, b, c_, d, k, mask, id_to_token)
            ui.chart(table.search_figure(found), table.search_caption(found), export="analogy")

        # The same vectors drawn in 2-D: PCA beside t-SNE
        p = st.columns([3, 2, 5])
        with p[0]:
            perplexity = ui.slider("t-SNE perplexity", "perplexity", *projection.PERPLEXITY_RANGE, 10)
        with p[1]:
            seed = ui.number("Seed", "seed", 0, 9999, 0)
        vectors = matrix[[vocab[w] for w in words]]
        drawn = ui.cached(projection.project, vectors, words, groups, perplexity, seed, key=(perplexity, seed),
                          spinner="Running t-SNE…")
        ui.chart(projection.projection_figure(drawn), projection.projection_caption(drawn))
        st.download_button("⬇ Coordinates (CSV)", projection.projection_csv(drawn), "word_projection.csv", "text/csv",
                           type="tertiary")
        ui.section("2-D distances lie")
    elif view == "Word2vec live":
        w = st.columns(4)
        with w[0]:
            window = ui.slider("Window", "window", *word2vec.WINDOW_RANGE, word2vec.DEFAULTS["window"])
        with w[1]:
            negatives = ui.slider("Negatives k", "negatives", *word2vec.NEGATIVES_RANGE, word2vec.DEFAULTS["negatives"])
        with w[2]:
            dim = ui.slider("Dimension d", "dim", *word2vec.DIM_RANGE, word2vec.DEFAULTS["dim"], step=4)
        with w[3]:
            w2v_seed = ui.number("Seed", "w2v_seed", 0, 9999, 0)
        # Skip-gram with negative sampling trained on the page's corpus, recorded, replayed in the browser
        rec = ui.computed("Training word2vec", word2vec.train, window, negatives, dim, w2v_seed, stoppable=True)
        ui.chart(ui.cached(word2vec.training_figure, rec, key=(window, negatives, dim, w2v_seed, rec.stopped,
                                                                int(rec.steps[-1]))),
                 word2vec.training_caption(rec, window, negatives, dim), key="word2vec")
        scores = ui.cached(word2vec.versus_svd, rec, window, dim, key=(window, negatives, dim, w2v_seed, rec.stopped))
        ui.chart(word2vec.versus_figure(scores), word2vec.versus_caption(scores), export="sgns_vs_svd")
        ui.section("Word2vec")
    elif view == "Text classifier":
        # Mean of word vectors → logistic regression, beside frozen MiniLM features and zero-shot labels
        matrix = ui.cached(table.embedding_matrix, minilm, key="minilm_l6")
        result = ui.computed("Embedding 480 reviews with MiniLM", classifier.experiment, tokenizer, minilm, matrix,
                             key="sentiment")
        ui.chart(classifier.comparison_figure(result), classifier.comparison_caption(result), export="sentiment")
        review = ui.text_area("A review to score (the bag of words)", "review", classifier.DEFAULT_REVIEW, height=68,
                              max_chars=300)
        if review.strip():
            words, values = classifier.contributions(review, tokenizer, matrix, result.bag[0])
            ui.chart(classifier.contributions_figure(words, values, result.bag[1]),
                     classifier.contributions_caption(words, values, result.bag[1]))
        else:
            st.info("Type a review to see each word's contribution.", icon="⌨️")
        ui.section("Text classifier")
    else:
        # User and item embeddings learnt from ratings alone: matrix factorisation beside neural CF
        r = st.columns([3, 2, 5])
        with r[0]:
            rec_dim = ui.slider("Embedding dimension", "rec_dim", *recommender.DIM_RANGE, 8)
        with r[1]:
            rec_seed = ui.number("Seed (ratings, init)", "rec_seed", 0, 9999, 0)
        fit = ui.computed("Training both recommenders", recommender.train, rec_dim, rec_seed)
        ui.chart(recommender.recommender_figure(fit), recommender.recommender_caption(fit), export="recommender")
        ui.section("Recommender")

ui.key_ideas()
ui.show_code(tokens.wordpiece_split, bpe.train_bpe, bpe.encode_word, table.analogy, projection.tsne_2d,
             word2vec.sgns_loss_and_grads, word2vec.ppmi_svd)
