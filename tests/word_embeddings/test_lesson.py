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


def test_merges_and_numbers():
    # all merges: a word of the corpus is one symbol, a word the corpus never had is several
    assert lesson.every_word_one_bpe_token({"text": "the queen visited paris", "merges": "305"}) == "Yes"
    assert lesson.every_word_one_bpe_token({"text": "the queen visited lisbon", "merges": "305"}) == "No"
    assert lesson.every_word_one_bpe_token({"preset": "rare", "merges": "305"}) == "No"
    rows = lesson.rows({"preset": "numbers"})
    wp = [t.text for t in rows["WordPiece (MiniLM)"]]
    assert lesson.year_is_one_token({}) == ("Yes" if "2024" in wp else "No") == "No"  # 202 + ##4, as the hero shows
