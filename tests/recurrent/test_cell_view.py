"""What a cell tracks: the recorded cell states against nn.LSTM's own outputs, the properties against
hand-counted values, the correlation against numpy's, and the colouring's escaping."""
import numpy as np
import pytest
import torch

from demos.recurrent import cell_view
from models.char_rnn import encode


@pytest.fixture(scope="module")
def lm(pretrained):
    return pretrained("char_lstm")


def test_states_reproduce_the_lstm_outputs_and_its_last_cell_state(lm):
    text = 'The "for" statement (see below)\n   x = 1\n'
    c, h = cell_view.states(lm, text)
    with torch.no_grad():
        out, (h_n, c_n) = lm.lstm(lm.embed(encode(text, lm.config.vocab)[None]))
    assert c.shape == h.shape == (len(text), lm.config.hidden)
    assert np.abs(h - out[0].numpy()).max() < 1e-5  # nn.LSTM's every h_t
    assert np.abs(c[-1] - c_n[0, 0].numpy()).max() < 1e-5  # and its final c_T
    # h_t = o_t ⊙ tanh(c_t): |h| <= |tanh(c)| wherever the output gate is at most 1
    assert np.all(np.abs(h) <= np.abs(np.tanh(c)) + 1e-6)


def test_properties_count_what_they_say():
    p = cell_view.properties('ab "cd"\nx(y)')
    # characters: a b ␣ " c d " ⏎ x ( y )
    assert p["word"].tolist() == [1, 2, 0, 0, 1, 2, 0, 0, 1, 0, 1, 0]
    assert p["line"].tolist() == [1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4]
    assert p["letter"].tolist() == [1, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0]
    assert p["quotes"].tolist() == [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]


def test_correlations_equal_numpys_and_are_zero_for_a_constant():
    rng = np.random.default_rng(0)
    a, v = rng.normal(size=(200, 5)), rng.normal(size=200)
    a[:, 2] = 3 * v + 1  # a perfect tracker
    r = cell_view.correlations(a, v)
    assert r == pytest.approx([np.corrcoef(a[:, k], v)[0, 1] for k in range(5)])
    assert r[2] == pytest.approx(1.0)
    assert cell_view.correlations(np.ones((10, 2)), np.arange(10.0)).tolist() == [0.0, 0.0]


def test_each_property_gets_the_cell_with_the_largest_correlation_on_the_validation_text(lm):
    validation = "the word (and) a line \"quoted\" here\n" * 40
    test = "Intro line\n\nA second paragraph with \"quotes\" and words.\n"
    view = cell_view.cell_view(lm, validation, test)
    assert view.passage.startswith("A second paragraph")  # from the first paragraph: quotes start closed
    c_val, _ = cell_view.states(lm, validation)
    for key, found in view.found.items():
        r = cell_view.correlations(c_val, cell_view.properties(validation)[key])
        assert found.cell == int(np.abs(r).argmax()) and found.chosen_r == pytest.approx(r[found.cell])
        r_test = np.corrcoef(view.c[:, found.cell], cell_view.properties(view.passage)[key])[0, 1]
        assert found.test_r == pytest.approx(r_test, abs=1e-6)
        assert found.scale == pytest.approx(np.percentile(np.abs(c_val[:, found.cell]), 99))


def test_the_committed_model_has_a_cell_that_counts_letters_in_a_word(lm):
    view = cell_view.committed_view(lm)
    assert len(view.passage) == cell_view.SHOWN_CHARS and set(view.found) == set(cell_view.PROPERTIES)
    assert abs(view.found["word"].test_r) > 0.6  # measured 0.79 on the test passage (0.64 on validation)
    text = cell_view.caption(view, "word")
    assert f"Cell {view.found['word'].cell} of 128" in text and f"{view.found['word'].test_r:+.2f}" in text


def test_the_text_grid_keeps_every_character_in_reading_order():
    text = "ab\ncdefg\n"
    chars, grid = cell_view.text_grid(text, np.arange(len(text), dtype=float), columns=3)
    # rows: "ab⏎" | "cde" (wrapped at 3) | "fg⏎"
    assert chars == [["a", "b", "⏎"], ["c", "d", "e"], ["f", "g", "⏎"]]
    assert grid.tolist() == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    chars, grid = cell_view.text_grid("x\ny", np.array([0.5, 0.0, -0.5]), columns=4)
    assert chars == [["x", "⏎", "", ""], ["y", "", "", ""]] and np.isnan(grid[1, 1:]).all()


def test_the_figure_clips_the_colour_to_one_and_shows_the_characters():
    text = "<b>x</b>"  # drawn one character per cell: no two characters ever form a tag
    fig = cell_view.activation_figure(text, np.linspace(-3, 3, len(text)), cell=7)
    heat = fig.data[0]
    assert [c for row in heat.text for c in row if c] == list(text)
    assert np.nanmin(heat.z) == -1 and np.nanmax(heat.z) == 1 and (heat.zmin, heat.zmax) == (-1, 1)
    assert "cell 7" in heat.hovertemplate
