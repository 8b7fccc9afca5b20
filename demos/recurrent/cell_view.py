"""What single LSTM cells track (Karpathy, Johnson and Fei-Fei 2015, "Visualizing and Understanding
Recurrent Networks"): the character LSTM reads held-out text, the state c_t of every cell is recorded
after each character, and the cells whose c_t best follows a simple property of the text (the
position in the word or in the line, inside a word, inside double quotes) are found by correlation,
then shown as the text coloured by that cell.

The cell is chosen on the validation text and judged on the test text it is shown on, so the
correlation under the text is a held-out number, not the one it was picked for.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import torch

from models.char_rnn import CharRNN, corpus, encode, split

PROPERTIES = {"word": "the position in the word", "line": "the position in the line", "letter": "inside a word",
              "quotes": "inside double quotes"}  # key -> what the cell would be tracking
CHOOSE_CHARS = 20_000  # validation characters the cells are chosen on
SHOWN_CHARS = 700  # test characters shown, coloured


def states(model: CharRNN, text: str) -> tuple[np.ndarray, np.ndarray]:
    """(c, h), each (T, H): the LSTM's cell state and output after each character of `text`,
    from a zero state. nn.LSTM returns every h_t but only the last c_t, so the gates are recomputed
    from its inputs (x_t, h_{t-1}) and c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t is run forward; h_t = o_t ⊙
    tanh(c_t) then equals nn.LSTM's own output (tested)."""
    if model.config.layers != 1:
        raise ValueError("cell_view reads one-layer character models (the committed char_lstm has one)")
    lstm = model.lstm
    with torch.no_grad():
        x = model.embed(encode(text, model.config.vocab)[None])  # (1, T, E)
        h = lstm(x)[0][0]  # (T, H)
        h_prev = torch.cat([torch.zeros_like(h[:1]), h[:-1]])
        z = x[0] @ lstm.weight_ih_l0.T + lstm.bias_ih_l0 + h_prev @ lstm.weight_hh_l0.T + lstm.bias_hh_l0
        i, f, g, _ = z.chunk(4, dim=-1)
        i, f, g = torch.sigmoid(i).numpy(), torch.sigmoid(f).numpy(), torch.tanh(g).numpy()
    c = np.empty_like(i)
    state = np.zeros(i.shape[1], dtype=i.dtype)
    for t in range(len(c)):  # the additive path, one step per character
        state = f[t] * state + i[t] * g[t]
        c[t] = state
    return c, h.numpy()


def properties(text: str) -> dict[str, np.ndarray]:
    """Each property of PROPERTIES as one number per character, as known once that character is read:
    letters since the last non-letter, characters since the last newline, 1 on a letter, 1 inside
    double quotes (an odd number of " so far in the text)."""
    word, line, letter, quotes = (np.zeros(len(text)) for _ in range(4))
    w = n = 0
    inside = False
    for t, ch in enumerate(text):
        w = w + 1 if ch.isalpha() else 0
        n = 0 if ch == "\n" else n + 1
        inside = inside != (ch == '"')
        word[t], line[t], letter[t], quotes[t] = w, n, ch.isalpha(), inside
    return {"word": word, "line": line, "letter": letter, "quotes": quotes}


def correlations(activation: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Pearson r of each cell's activation (T, H) with `values` (T,); 0 where either is constant."""
    a = activation - activation.mean(0)
    v = values - values.mean()
    den = np.sqrt((a ** 2).sum(0) * (v ** 2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (a * v[:, None]).sum(0) / den
    return np.nan_to_num(r)


@dataclass(frozen=True)
class Found:
    cell: int
    chosen_r: float  # its correlation on the validation text, where it was chosen
    test_r: float  # on the test passage shown
    scale: float  # its 99th-percentile |c| on the validation text: the colour scale's ±1


@dataclass(frozen=True)
class CellView:
    passage: str  # the test text shown: from the start of its first paragraph (quotes start closed)
    c: np.ndarray  # (T, H) every cell's state after each character of the passage
    found: dict[str, Found]  # property key -> the cell that follows it best
    cells: int


def cell_view(model: CharRNN, validation: str, test: str) -> CellView:
    """For each property, the cell whose c_t has the largest |r| with it on CHOOSE_CHARS validation
    characters, and that cell's r on a SHOWN_CHARS test passage (read from a zero state)."""
    start = test.find("\n\n") + 2 if "\n\n" in test else 0
    passage = test[start:start + SHOWN_CHARS]
    c_val, _ = states(model, validation[:CHOOSE_CHARS])
    c_test, _ = states(model, passage)
    props_val, props_test = properties(validation[:CHOOSE_CHARS]), properties(passage)
    found = {}
    for key in PROPERTIES:
        r = correlations(c_val, props_val[key])
        cell = int(np.abs(r).argmax())
        found[key] = Found(cell, float(r[cell]), float(correlations(c_test[:, [cell]], props_test[key])[0]),
                           float(np.percentile(np.abs(c_val[:, cell]), 99)))
    return CellView(passage, c_test, found, c_val.shape[1])


def committed_view(model: CharRNN) -> CellView:
    """`cell_view` on the model's own validation and test splits of its corpus."""
    splits = split(corpus())
    return cell_view(model, splits.validation, splits.test)


COLUMNS = 80  # characters per row of the coloured text


def text_grid(text: str, values: np.ndarray, columns: int = COLUMNS) -> tuple[list[list[str]], np.ndarray]:
    """`text` laid out as it reads: a row per line, long lines wrapped at `columns`; a newline is drawn
    as ⏎ at the end of its line. Returns the characters per row (padded with "") and `values` in the
    same places (NaN where there is no character)."""
    rows: list[list[tuple[str, float]]] = [[]]
    for ch, v in zip(text, values):
        if len(rows[-1]) == columns:
            rows.append([])
        rows[-1].append(("⏎" if ch == "\n" else ch, float(v)))
        if ch == "\n":
            rows.append([])
    if not rows[-1]:
        rows.pop()
    chars = [[c for c, _ in row] + [""] * (columns - len(row)) for row in rows]
    grid = np.full((len(rows), columns), np.nan)
    for r, row in enumerate(rows):
        grid[r, :len(row)] = [v for _, v in row]
    return chars, grid


def activation_figure(text: str, activation: np.ndarray, cell: int) -> go.Figure:
    """The text with each character's cell coloured by `activation`, clipped to [-1, 1] (blue
    negative, white 0, red positive): Karpathy's view, as a heatmap of characters."""
    chars, grid = text_grid(text, np.clip(activation, -1, 1))
    fig = go.Figure(go.Heatmap(z=grid, text=chars, texttemplate="%{text}", zmin=-1, zmax=1, zmid=0,
                               colorscale=[[0, "#1f77b4"], [0.5, "#ffffff"], [1, "#d62728"]], xgap=0, ygap=2,
                               textfont=dict(family="monospace", size=13), hoverongaps=False,
                               colorbar=dict(title=dict(text="c / scale"), thickness=12, len=0.9),
                               hovertemplate=f"“%{{text}}”: cell {cell} at %{{z:+.2f}}<extra></extra>"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed")
    fig.update_layout(height=24 * len(chars) + 20, margin=dict(l=0, r=0, t=10, b=10))
    return fig


def caption(view: CellView, key: str) -> str:
    """Under the coloured text: which cell, what it follows and how well, on which text."""
    f = view.found[key]
    sign = "red" if f.test_r >= 0 else "blue"
    return (f"Cell {f.cell} of {view.cells}: its state c follows {PROPERTIES[key]} with correlation r = {f.test_r:+.2f} "
            f"on this held-out test text ({sign} where the property is large). It was picked as the best of the "
            f"{view.cells} cells on {CHOOSE_CHARS:,} validation characters (r = {f.chosen_r:+.2f} there). Colour: "
            f"c divided by {f.scale:.2f}, the cell's 99th-percentile |c|; red positive, blue negative; ⏎ ends a line.")
