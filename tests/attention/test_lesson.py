"""demos/attention/lesson.py: the attention row the answers read."""
import numpy as np

from demos.attention import lesson


def test_the_row_of_it_is_a_distribution_and_the_answer_is_its_largest_word():
    tokens, row = lesson.head_row({}, "it")
    assert np.isclose(row.sum(), 1.0, atol=1e-4)
    words = [i for i, t in enumerate(tokens) if t.isalnum() and t != "it"]
    assert lesson.it_attends_to({}) == tokens[max(words, key=lambda i: row[i])]


def test_the_repetition_answer_reads_the_second_cat():
    tokens, row = lesson.head_row({"preset": "repetition", "layer": "3", "head": "10"}, "cat", 1)
    first, second = [i for i, t in enumerate(tokens) if t == "cat"]
    others = [i for i, t in enumerate(tokens) if t.isalnum() and i != second]
    expected = "Yes" if max(others, key=lambda i: row[i]) == first else "No"
    assert lesson.repeat_finds_itself({"preset": "repetition", "layer": "3", "head": "10"}) == expected
