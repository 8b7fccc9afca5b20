"""Delayed recall: read a flagged symbol, then `lag` distractor symbols from the same alphabet, then a
query; answer the first symbol. A one-layer recurrent classifier (vanilla RNN, LSTM or GRU) reads the
sequence and answers from its last hidden state; chance is 1 / symbols. The task and the model live
together, as models/dates.py and models/seq2seq.py do for translation."""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
STATE_FACTOR = {"rnn": 1, "lstm": 2, "gru": 1}  # state size / hidden size (the LSTM carries h and c)


@dataclass(frozen=True)
class RecallConfig:
    cell: str = "lstm"  # "rnn" (Elman 1990), "lstm" (Hochreiter & Schmidhuber 1997) or "gru" (Cho et al. 2014)
    symbols: int = 8  # K symbols to remember (chance = 1/K); the input has K + 2 channels (query, flag)
    hidden: int = 32  # hidden size H
    nonlinearity: str = "tanh"  # vanilla RNN only: "tanh" or "relu"

    @property
    def inputs(self) -> int:
        return self.symbols + 2  # one-hot symbol or query marker, plus the "remember this" flag


class RecallNet(nn.Module):
    """A torch recurrent layer (fused and fast, for training) and a linear read-out of h_T."""

    def __init__(self, config: RecallConfig):
        super().__init__()
        self.config = config
        extra = {"nonlinearity": config.nonlinearity} if config.cell == "rnn" else {}
        self.rnn = CELLS[config.cell](config.inputs, config.hidden, batch_first=True, **extra)
        self.out = nn.Linear(config.hidden, config.symbols)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, T, K + 2) one-hot sequences -> logits over the K symbols (B, K), read at the last step."""
        hidden, _ = self.rnn(x)  # (B, T, H)
        return self.out(hidden[:, -1])  # (B, K)

    def weights(self) -> dict[str, torch.Tensor]:
        """The recurrent layer's parameters by PyTorch name (weight_ih_l0, weight_hh_l0, bias_ih_l0,
        bias_hh_l0), for step-by-step equations that must give the same numbers."""
        return {k: v.detach() for k, v in self.rnn.named_parameters()}


def recall_batch(n: int, lag: int, symbols: int = 8, generator: torch.Generator | None = None
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """`n` sequences of length lag + 2: [symbol (flagged), `lag` random symbols, query] ->
    (x (n, lag + 2, symbols + 2) one-hot, targets (n,) = the first symbol)."""
    first = torch.randint(0, symbols, (n,), generator=generator)
    distractors = torch.randint(0, symbols, (n, lag), generator=generator)  # same alphabet: must be ignored
    ids = torch.cat([first[:, None], distractors, torch.full((n, 1), symbols)], 1)  # (n, T)
    x = F.one_hot(ids, symbols + 2).float()  # (n, T, K + 2); channel K = query
    x[:, 0, symbols + 1] = 1.0  # channel K + 1 = "remember this" flag, on the first step only
    return x, first
