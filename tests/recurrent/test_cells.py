"""The cells one step at a time: our RNN/LSTM/GRU equal torch.nn's, forced memory gates do what the
equations say, the parameter formula equals PyTorch's count, and the trained gates protect the memory
(the Gates tab's caption computed from the same run)."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from demos.recurrent import cells
from models.recall_rnn import RecallConfig, RecallNet

pytestmark = pytest.mark.filterwarnings("ignore")
CELLS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]


def random_model(cell: str, nonlinearity: str = "tanh", hidden: int = 6, seed: int = 0) -> RecallNet:
    torch.manual_seed(seed)
    return RecallNet(RecallConfig(cell=cell, hidden=hidden, nonlinearity=nonlinearity)).eval()


@pytest.mark.parametrize("cell,nonlinearity", CELLS)
def test_step_by_step_cell_equals_torch_nn(cell, nonlinearity):
    model = random_model(cell, nonlinearity)
    x = torch.randn(3, 7, model.config.inputs)  # not one-hot: every weight matters
    run = cells.unroll(model, x)
    with torch.no_grad():
        out, last = model.rnn(x)
    assert torch.allclose(run.hidden, out, atol=1e-6)
    if cell == "lstm":
        assert torch.allclose(run.gates["c"][:, -1], last[1][0], atol=1e-6)  # the cell state too
        assert set(run.gates) == {"i", "f", "g", "o", "c"}
    assert torch.allclose(run.logits, model(x), atol=1e-6)


def test_forced_memory_gates():
    model = random_model("lstm")
    x = torch.randn(2, 6, model.config.inputs)
    keep, wipe = cells.unroll(model, x, "keep", (2, 5)), cells.unroll(model, x, "wipe", (2, 5))
    assert torch.all(keep.gates["f"][:, 2:5] == 1) and torch.all(wipe.gates["f"][:, 2:5] == 0)
    # f = 0: the cell state is only what is written now, c_t = i_t * g_t
    assert torch.allclose(wipe.gates["c"][:, 3], wipe.gates["i"][:, 3] * wipe.gates["g"][:, 3])
    # f = 1: nothing is forgotten, c_t = c_{t-1} + i_t * g_t
    assert torch.allclose(keep.gates["c"][:, 3], keep.gates["c"][:, 2] + keep.gates["i"][:, 3] * keep.gates["g"][:, 3])
    gru = cells.unroll(random_model("gru"), x, "keep", (2, 5))
    assert torch.equal(gru.hidden[:, 4], gru.hidden[:, 1])  # z = 1: h_t = h_{t-1}, frozen


@pytest.mark.parametrize("inputs,hidden", [(10, 32), (1, 1), (300, 128)])
def test_parameter_counts_equal_torch(inputs, hidden):
    counts = cells.parameter_counts(inputs, hidden)
    for cell, row in counts.items():
        assert row["formula"] == row["torch"]
        layer = {"rnn": torch.nn.RNN, "gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[cell](inputs, hidden)
        assert row["torch"] == sum(p.numel() for p in layer.parameters())
    assert counts["gru"]["formula"] == 3 * counts["rnn"]["formula"]
    assert counts["lstm"]["formula"] == 4 * counts["rnn"]["formula"]
    assert "GRU 3× and LSTM 4×" in cells.count_caption(counts) and "equals" in cells.count_caption(counts)
    # the vanilla RNN's count by hand: H·D + H² + 2H, written with thousands separators
    assert f"vanilla RNN's {hidden * inputs + hidden ** 2 + 2 * hidden:,} parameters" in cells.count_caption(counts)
    table = cells.count_table(counts, inputs, hidden)
    assert [r["our count"] for r in table] == [r["PyTorch's count"] for r in table]
    assert table[2]["formula"] == f"4 × ({hidden}·{inputs} + {hidden}² + 2·{hidden})"  # the LSTM row


def test_count_caption_says_when_the_formula_differs():
    counts = cells.parameter_counts(10, 32)
    counts["gru"] = dict(counts["gru"], torch=counts["gru"]["torch"] + 1)
    assert "differs from" in cells.count_caption(counts)


def test_sequence_flags_the_symbol_and_ends_with_the_query():
    x, tokens = cells.sequence(5, 10, seed=0)
    assert x.shape == (1, 12, 10) and len(tokens) == 12
    assert tokens[0] == "5*" and tokens[-1] == "?" and x[0, 0, :8].argmax() == 5
    assert cells.sequence(5, 10, seed=0)[1] == tokens and cells.sequence(5, 10, seed=1)[1] != tokens


# ---------------------------------------------------------------- the committed models' gates
def test_trained_gates_protect_the_memory(pretrained):
    lstm = cells.override_accuracy(pretrained("recall_lstm"), 40, 300)
    assert lstm["learned"] >= 0.99 and lstm["keep"] >= 0.99  # f = 1 during the distractors: kept
    assert lstm["wipe"] <= 0.3  # f = 0 during the distractors: the symbol is gone (chance 12.5 %)
    gru = cells.override_accuracy(pretrained("recall_gru"), 40, 300)
    assert gru["learned"] >= 0.99 and gru["keep"] >= 0.99
    # z = 0 rewrites h with the candidate n, which still reads h_{t-1} (through r): a vanilla-RNN path
    # that leaks part of the memory, so the GRU degrades without falling to chance
    assert 0.3 < gru["wipe"] < 0.8


def test_gate_view_and_its_caption(pretrained):
    model = pretrained("recall_lstm")
    run, order, accs = cells.gate_view(model, 5, 30, 0, "wipe")
    # the view is its parts: the flagged sequence unrolled with the override, units by memory gate, accuracy
    assert torch.equal(run.logits, cells.unroll(model, cells.sequence(5, 30, 0)[0], "wipe").logits)
    assert np.array_equal(order, cells.unit_order(model, 30)) and sorted(order) == list(range(32))
    assert accs == cells.override_accuracy(model, 30, 500, 3)
    f = run.gates["f"][0].mean(0).numpy()
    assert f[order[0]] >= f[order[-1]]  # most retentive unit first (its mean f over this run, too)
    caption = cells.gates_caption(run, "lstm", "wipe", accs, 5)
    assert caption.startswith("With the forget gate f forced to forget, the LSTM answers")
    assert f"{accs['learned']:.0%} as learned" in caption and f"{accs['wipe']:.0%} forced to forget" in caption
    answer = int(run.logits[0].argmax())
    assert f"answers {answer} ({F.softmax(run.logits[0], -1)[answer]:.0%}; " in caption
    assert ("; right)" in caption) == (answer == 5)
    learned = cells.gate_view(pretrained("recall_gru"), 2, 10, 0, "learned")
    caption = cells.gates_caption(learned[0], "gru", "learned", learned[2], 2)
    assert caption.startswith("With the keep gate z as learned, the GRU answers 2 (") and "; right)" in caption


def test_gates_figure_rows(pretrained):
    run, order, _ = cells.gate_view(pretrained("recall_lstm"), 5, 10, 0, "learned")
    fig = cells.gates_figure(run, "lstm", order, cells.sequence(5, 10, 0)[1])
    titles = [a.text for a in fig.layout.annotations]
    assert titles[:4] == [cells.GATE_TITLES[k] for k in "ifgo"] and titles[-1] == "h: hidden state"
    assert len(fig.data) == 6 and fig.data[0].x[0] == "0:5*" and fig.data[0].x[-1] == "11:?"
    # every row says which unit it is (the issue: gate heatmaps without a unit axis)
    assert list(fig.data[0].y) == [f"u{u}" for u in order] and fig.layout.yaxis.title.text == "unit"
    assert all(fig.layout[f"yaxis{r}"].showticklabels is not False for r in range(1, 7))
    run, order, _ = cells.gate_view(pretrained("recall_gru"), 5, 10, 0, "learned")
    fig = cells.gates_figure(run, "gru", order, cells.sequence(5, 10, 0)[1])
    assert len(fig.data) == 4  # r, z, n and h: no cell state
