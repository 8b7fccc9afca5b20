"""A GRU encoder-decoder with additive attention (Bahdanau, Cho & Bengio 2015), or without it
(Cho et al. 2014: one fixed context vector), for character sequences."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class Seq2SeqConfig:
    in_vocab: int  # input characters + 3 specials
    out_vocab: int  # output characters + 3 specials
    embed: int = 32  # character embedding size
    hidden: int = 64  # decoder state = fixed context size; the encoder is bidirectional, hidden/2 each way
    attention: bool = True  # False: the decoder sees only the final encoder state (the bottleneck)


class AdditiveAttention(nn.Module):
    """score(s, h_j) = vᵀ tanh(W s + U h_j); weights = softmax over the valid input positions."""

    def __init__(self, hidden: int):
        super().__init__()
        self.w, self.u = nn.Linear(hidden, hidden, bias=False), nn.Linear(hidden, hidden)
        self.v = nn.Linear(hidden, 1, bias=False)

    def forward(self, state: torch.Tensor, keys: torch.Tensor, projected: torch.Tensor,
                mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        scores = self.v(torch.tanh(self.w(state)[:, None] + projected)).squeeze(-1)  # (B, T)
        weights = scores.masked_fill(~mask, float("-inf")).softmax(dim=-1)  # (B, T)
        return (weights[:, :, None] * keys).sum(1), weights  # context (B, H), weights (B, T)


class Seq2Seq(nn.Module):
    def __init__(self, config: Seq2SeqConfig):
        super().__init__()
        self.config = config
        c = config
        self.src_embed = nn.Embedding(c.in_vocab, c.embed, padding_idx=0)
        self.encoder = nn.GRU(c.embed, c.hidden // 2, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(c.hidden, c.hidden)
        self.attention = AdditiveAttention(c.hidden)
        self.tgt_embed = nn.Embedding(c.out_vocab, c.embed)
        self.decoder = nn.GRUCell(c.embed + c.hidden, c.hidden)
        self.out = nn.Linear(2 * c.hidden + c.embed, c.out_vocab)

    def encode(self, src: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """src: (B, T) ids, 0 = padding -> annotations (B, T, H), initial state (B, H), fixed context (B, H)."""
        lengths = (src != 0).sum(1).clamp_min(1)
        packed = nn.utils.rnn.pack_padded_sequence(self.src_embed(src), lengths.cpu(), batch_first=True,
                                                   enforce_sorted=False)
        out, last = self.encoder(packed)
        keys, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=src.shape[1])
        summary = torch.cat([last[0], last[1]], dim=-1)  # final forward + final backward state (B, H)
        return keys, torch.tanh(self.bridge(summary)), summary

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Teacher forcing. tgt_in: (B, S) = SOS + target[:-1] -> logits (B, S, V), weights (B, S, T)."""
        keys, state, summary = self.encode(src)
        projected, mask = self.attention.u(keys), src != 0
        logits, all_weights = [], []
        for t in range(tgt_in.shape[1]):
            state, step_logits, weights = self.step(tgt_in[:, t], state, keys, projected, mask, summary)
            logits.append(step_logits)
            all_weights.append(weights)
        return torch.stack(logits, 1), torch.stack(all_weights, 1)

    def step(self, prev: torch.Tensor, state: torch.Tensor, keys: torch.Tensor, projected: torch.Tensor,
             mask: torch.Tensor, summary: torch.Tensor):
        """One decoder step: context from attention (or the fixed summary), GRU update, logits."""
        if self.config.attention:
            context, weights = self.attention(state, keys, projected, mask)
        else:
            context, weights = summary, mask.float() / mask.sum(1, keepdim=True)  # uniform: no alignment
        emb = self.tgt_embed(prev)  # (B, E)
        state = self.decoder(torch.cat([emb, context], -1), state)  # (B, H)
        return state, self.out(torch.cat([state, context, emb], -1)), weights

    @torch.no_grad()
    def greedy(self, src: torch.Tensor, max_len: int, sos: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
        """Greedy decoding -> (ids (B, max_len), attention weights (B, max_len, T))."""
        keys, state, summary = self.encode(src)
        projected, mask = self.attention.u(keys), src != 0
        prev = torch.full((src.shape[0],), sos, dtype=torch.long)
        ids, all_weights = [], []
        for _ in range(max_len):
            state, logits, weights = self.step(prev, state, keys, projected, mask, summary)
            prev = logits.argmax(-1)
            ids.append(prev)
            all_weights.append(weights)
        return torch.stack(ids, 1), torch.stack(all_weights, 1)
