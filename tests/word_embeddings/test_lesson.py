"""demos/word_embeddings/lesson.py: the lesson's answers against what the page teaches."""
from demos.word_embeddings import lesson, tokens


def test_with_no_merges_bpe_has_one_token_per_non_space_character():
    # BPE with 0 merges = the characters, minus the whitespace the pre-tokeniser drops
    text = tokens.EXAMPLES["subwords"]
    rows = list(lesson.rows({"merges": "0"}).values())
    assert len(rows[2]) == len(text) - text.count(" ") == len(rows[0]) - text.count(" ")
    assert lesson.bpe_vs_characters({"merges": "0"}) == "Fewer"
    assert lesson.bpe_vs_characters({"merges": "0", "text": "abc"}) == "The same"


def test_fewest_tokens_is_the_row_with_the_smallest_count():
    counts = [len(r) for r in lesson.rows({}).values()]
    assert lesson.fewest_tokens({}) == lesson.ROWS[counts.index(min(counts))] == "words"
    assert lesson.fewest_tokens({"text": "x"}) == "characters"  # a one-letter text: every row has 1, first wins


def test_unknown_tokens_come_from_characters_the_vocabulary_lacks():
    assert lesson.has_unk({"preset": "rare"}) == "No"  # made-up words split into known pieces
    assert lesson.has_unk({"preset": "scripts"}) == "Yes"  # the emoji is not in MiniLM's vocabulary
    assert lesson.has_unk({"text": "🙂"}) == "Yes" and lesson.has_unk({"text": "smile"}) == "No"


def test_the_analogy_rank_band_and_the_projection_winner():
    assert lesson.analogy_rank({}) == "First"  # woman − man + king → queen, MiniLM's input table
    assert lesson.analogy_rank({"analogy": "france:paris:italy:rome"}) == "2nd to 10th"  # "italian" comes first
    assert lesson.keeps_more({"perplexity": "2"}) == "PCA"  # measured: so local a t-SNE loses the 5-neighbourhoods
    assert lesson.keeps_more({}) == "t-SNE"


def test_the_tabs_beats_read_the_recording_and_the_comparison():
    from demos.word_embeddings import corpus, word2vec
    rec = word2vec.train(4, 5, 16, 0)
    acc = list(rec.frames["accuracy"][-1])
    assert lesson.best_word2vec_relation({}) == list(corpus.RELATIONS)[acc.index(max(acc))]
    assert lesson.bag_beats_chance_on_negations({}) == "No"  # a bag of words cannot order negations
