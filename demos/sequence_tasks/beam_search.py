"""Beam search over a real decoder's step distributions: keep the `width` best partial outputs by
cumulative log-probability, extend each by every symbol, prune, repeat; finished outputs (EOS) are
ranked by log p / lp(|Y|), lp = ((5 + |Y|)/6)^α (Wu et al. 2016). It is a pruned, approximate
search: nothing guarantees the most probable output survives the pruning (it is not dynamic
programming: a decoder's state depends on the whole prefix, so no subproblem can be reused)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import torch

from models import dates
from models.seq2seq import Seq2Seq

WIDTH_RANGE = (1, 8)
ALPHA_RANGE = (0.0, 2.0)
# step(prefixes) -> (K, V) log-probabilities of the next symbol after each prefix (prefixes exclude SOS)
StepFn = Callable[[Sequence[tuple[int, ...]]], np.ndarray]


def length_penalty(length: int, alpha: float) -> float:
    return ((5 + length) / 6) ** alpha


@dataclass
class Node:
    """One hypothesis in the tree: its tokens, cumulative log p, parent id, whether kept after pruning."""
    tokens: tuple[int, ...]
    logp: float
    parent: int
    step: int
    kept: bool = False
    finished: bool = False


@dataclass
class BeamResult:
    best: tuple[int, ...]  # without EOS
    best_logp: float
    finished: list[tuple[tuple[int, ...], float, float]] = field(default_factory=list)  # (tokens, log p, score)
    nodes: list[Node] = field(default_factory=list)  # every candidate considered, for the tree


def beam_search(step: StepFn, width: int, max_len: int, eos: int, alpha: float = 0.0,
                expand: int | None = None) -> BeamResult:
    """Each round: extend every live hypothesis by its `expand` (default `width`) likeliest symbols,
    keep the `width` best by cumulative log p; a hypothesis ending in EOS is finished and leaves the
    beam. Stops when `width` hypotheses have finished or at `max_len`; unfinished ones then count too."""
    expand = expand or width
    nodes = [Node((), 0.0, -1, 0, kept=True)]
    live, finished = [0], []
    for t in range(1, max_len + 1):
        lp = step([nodes[i].tokens for i in live])
        cands = []
        for row, i in enumerate(live):
            for s in np.argsort(-lp[row])[:expand]:
                nodes.append(Node(nodes[i].tokens + (int(s),), nodes[i].logp + float(lp[row, s]), i, t))
                cands.append(len(nodes) - 1)
        cands.sort(key=lambda j: -nodes[j].logp)
        live = []
        for j in cands[:width - len(finished)]:
            nodes[j].kept = True
            if nodes[j].tokens[-1] == eos:
                nodes[j].finished = True
                finished.append(j)
            else:
                live.append(j)
        if not live:
            break
    pool = finished + (live if len(finished) < width else [])
    scored = [(nodes[j].tokens[:-1] if nodes[j].finished else nodes[j].tokens, nodes[j].logp,
               nodes[j].logp / length_penalty(len(nodes[j].tokens), alpha)) for j in pool]
    scored.sort(key=lambda r: -r[2])
    return BeamResult(scored[0][0], scored[0][1], scored, nodes)


def greedy(step: StepFn, max_len: int, eos: int) -> tuple[tuple[int, ...], float]:
    """The likeliest symbol at every step."""
    tokens, total = (), 0.0
    for _ in range(max_len):
        lp = step([tokens])[0]
        s = int(np.argmax(lp))
        tokens, total = tokens + (s,), total + float(lp[s])
        if s == eos:
            return tokens[:-1], total
    return tokens, total


def table_step(table: dict[tuple[int, ...], Sequence[float]]) -> StepFn:
    """A StepFn from a hand-built table prefix -> probabilities (for tests and the worked example)."""
    return lambda prefixes: np.log(np.array([table[p] for p in prefixes], dtype=np.float64))


def model_step(model: Seq2Seq, text: str) -> StepFn:
    """The date translator's decoder as a StepFn. It remembers the decoder state after every prefix it
    has scored, so extending a hypothesis costs one decoder step (batched over the beam)."""
    src = torch.tensor([dates.encode_input(text)])
    with torch.no_grad():
        keys, state0, summary = model.encode(src)
        projected, mask = model.attention.u(keys), src != 0
    states: dict[tuple[int, ...], torch.Tensor] = {}  # prefix -> state after reading SOS + prefix

    @torch.no_grad()
    def step(prefixes: Sequence[tuple[int, ...]]) -> np.ndarray:
        k = len(prefixes)
        prev = torch.tensor([p[-1] if p else dates.SOS for p in prefixes])
        before = torch.cat([states[p[:-1]] if p else state0 for p in prefixes])  # (K, H)
        after, logits, _ = model.step(prev, before, keys.expand(k, -1, -1), projected.expand(k, -1, -1),
                                      mask.expand(k, -1), summary.expand(k, -1))
        for i, p in enumerate(prefixes):
            states[p] = after[i:i + 1]
        return logits.log_softmax(-1).double().numpy()
    return step


WIDTHS = (1, 2, 3, 5, 8)
ALPHAS = (0.0, 1.0)
SWEEP_PAIRS, SWEEP_SEED = 150, 7  # fresh dates (the translators' test seed is 1, training 0)


def decode_text(model: Seq2Seq, text: str, width: int, alpha: float) -> str:
    r = beam_search(model_step(model, text), width, dates.OUT_LEN + 1, dates.EOS, alpha)
    return dates.decode_output(list(r.best) + [dates.EOS])


def accuracy_sweep(models: dict[str, Seq2Seq], n: int = SWEEP_PAIRS, seed: int = SWEEP_SEED,
                   on_progress: Callable[[float], None] | None = None) -> dict:
    """Exact match of every model at every width and α on `n` fresh dates: {model: {alpha: {width: acc}}}."""
    pairs = dates.random_pairs(n, seed)
    out: dict = {}
    jobs = [(m, a, w) for m in models for a in ALPHAS for w in WIDTHS]
    for j, (m, a, w) in enumerate(jobs):
        hits = [decode_text(models[m], h, w, a) == iso for h, iso in pairs]
        out.setdefault(m, {}).setdefault(str(a), {})[str(w)] = sum(hits) / n
        if on_progress is not None:
            on_progress((j + 1) / len(jobs))
    return out
