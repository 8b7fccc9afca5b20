"""Words as numbers (pages/14_word_embeddings.py): text → tokens → rows of an embedding table → vectors.

- corpus.py      the page's own templated corpus, with known relations (families, capitals, plurals, tenses)
- bpe.py         byte-pair encoding trained merge by merge (Sennrich et al. 2016); vocabulary vs length
- tokens.py      characters, words and MiniLM's WordPiece side by side (the hero), bad-text notes
- table.py       MiniLM's embedding table: one-hot × E = a row, neighbours and analogies in 384-D ("Embeddings")
- projection.py  PCA and exact t-SNE (van der Maaten & Hinton 2008) side by side; neighbours kept in 2-D
- word2vec.py    skip-gram with negative sampling by hand, recorded and replayed; vs PPMI-SVD ("Word2vec live")
- classifier.py  mean of word vectors → logistic regression, per-word shares, negation; vs frozen MiniLM
                 features and zero-shot ("Text classifier")
- recommender.py matrix factorisation vs neural CF on synthetic ratings; item vectors find hidden genres
- lesson.py      the lesson's answers, computed
"""
