"""demos/word_embeddings/tokens.py: the hand-written WordPiece gives MiniLM's tokenizer's ids on
ordinary, rare, emoji, right-to-left, control-character, empty and 50,000-character text."""
import pytest

from demos.word_embeddings import bpe, tokens

TEXTS = [*tokens.EXAMPLES.values(), "", "   \n\t ", "ÉCOLE naïve café", "a\u202eb\x00c\u200bd e\u0301",
         "👩🏽‍💻 🇫🇷 🙂🙂", "שלום עולם مرحبا بالعالم", "x" * 150 + " ok", "don't re-tokenize U.S.A.!!"]


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_wordpiece_ids_equal_the_tokenizers(minilm, text):
    tokenizer = minilm[0]
    mine = tokens.wordpiece(text, tokenizer)
    assert [t.id for t in mine] == tokenizer(text, add_special_tokens=False)["input_ids"]
    assert [t.text for t in mine] == tokenizer.convert_ids_to_tokens([t.id for t in mine])


def test_greedy_longest_match_by_hand():
    vocab = {"un": 0, "##believ": 1, "##ably": 2, "##able": 3, "##a": 4, "##bly": 5, "u": 6}
    # longest prefix first: "un" (not "u"), then "##believ", then "##ably" beats "##a" and "##able"
    assert tokens.wordpiece_split("unbelievably", vocab) == ["un", "##believ", "##ably"]
    # a rest with no piece at all makes the whole word [UNK], not a partial split
    assert tokens.wordpiece_split("unx", vocab) == ["[UNK]"]
    assert tokens.wordpiece_split("u" * 101, {"u": 0, "##u": 1}) == ["[UNK]"]  # over 100 characters


def test_a_huge_text_tokenises_whole(minilm):
    text = ("Tokenizers split unbelievably long words. " * 1200)[:50_000]
    rows = tokens.tokenise_all(text, minilm[0], bpe.corpus_bpe(), 100)
    assert len(rows["characters"]) == 50_000
    assert len(rows["words"]) == len(text.split()) + text.count(".")
    assert [t.id for t in rows["WordPiece (MiniLM)"]] == minilm[0](text, add_special_tokens=False)["input_ids"]
    assert any("first 90 characters" in n for n in tokens.text_notes(text))


def test_rows_line_up_on_the_typed_text(minilm):
    text = "Paris is lovely 🙂 today"
    rows = tokens.tokenise_all(text, minilm[0], bpe.corpus_bpe(), 50)
    for name, row in rows.items():
        for t in row:
            assert 0 <= t.start < t.end <= len(text), name
    wp = rows["WordPiece (MiniLM)"]
    assert text[wp[0].start:wp[0].end].lower() == "paris"
    assert "[UNK]" in [t.text for t in wp] and text[wp[3].start:wp[3].end] == "🙂"


def test_notes_name_controls_and_right_to_left_text():
    notes = tokens.text_notes("abc\u202edef مرحبا")
    assert any("control or format" in n and "u202e" in n for n in notes)
    assert any("Right-to-left" in n for n in notes)
    assert tokens.text_notes("plain text") == []


def test_the_figure_and_caption_count_the_same_tokens(minilm):
    text = tokens.EXAMPLES["rare"]
    rows = tokens.tokenise_all(text, minilm[0], bpe.corpus_bpe(), 100)
    fig = tokens.tokens_figure(rows, text)
    assert [len(tr.x) for tr in fig.data] == [len(r) for r in rows.values()]  # the text is under 90 characters
    caption = tokens.tokens_caption(rows, text)
    n_cont = sum(t.text.startswith("##") for t in rows["WordPiece (MiniLM)"])
    assert caption.startswith(f"{len(text)} characters make {len(text)} character tokens, {len(rows['words'])} word tokens")
    assert f"{n_cont} WordPiece token(s) continue a word" in caption and "and 0 are [UNK]" in caption


def test_a_tokenizer_left_padding_or_truncating_by_another_page_changes_nothing(minilm):
    from models.registry import load_pretrained

    tokenizer = load_pretrained("minilm_l6")[0]  # a private one: this test changes its state
    tokenizer.backend_tokenizer.enable_padding(length=128)
    tokenizer.backend_tokenizer.enable_truncation(max_length=4)
    text = tokens.EXAMPLES["subwords"]
    wp = tokens.wordpiece(text, tokenizer)
    assert [t.id for t in wp] == minilm[0](text, add_special_tokens=False)["input_ids"]
    assert [text[t.start:t.end].lower() for t in wp[:2]] == ["token", "izer"]  # real offsets, not the fallback
