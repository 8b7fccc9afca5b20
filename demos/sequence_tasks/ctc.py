"""Connectionist temporal classification (Graves et al. 2006): the collapse rule, the loss by the
forward (α) recursion over the blank-extended label, and two decoders: greedy (best path) and
prefix beam search. Log-probabilities are (T, V) arrays with the blank at index `blank`."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

BLANK_CHAR = "-"  # how a typed path writes the blank


def collapse(path: str, blank: str = BLANK_CHAR) -> str:
    """CTC's many-to-one map B: merge runs of the same symbol, then drop blanks ("hh-e-ll-ll-oo" -> "hello")."""
    merged = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
    return "".join(c for c in merged if c != blank)


def collapse_steps(path: str, blank: str = BLANK_CHAR) -> tuple[str, str]:
    """The two steps separately: (after merging repeats, after dropping blanks)."""
    merged = "".join(c for i, c in enumerate(path) if i == 0 or c != path[i - 1])
    return merged, merged.replace(blank, "")


def extended(label: list[int], blank: int = 0) -> list[int]:
    """l' = blank, l1, blank, l2, …, blank (length 2|l| + 1)."""
    out = [blank]
    for s in label:
        out += [s, blank]
    return out


def logsumexp(*xs: float) -> float:
    m = max(xs)
    return m if m == -np.inf else m + float(np.log(sum(np.exp(x - m) for x in xs)))


@dataclass(frozen=True)
class Lattice:
    alpha: np.ndarray  # (T, 2L+1) log α_t(s): all prefixes of paths that reach l'_s at time t
    states: list[int]  # l', the blank-extended label
    loss: float  # −log p(l | x) = −log(α_T(S−1) + α_T(S−2))


def ctc_forward(log_probs: np.ndarray, label: list[int], blank: int = 0) -> Lattice:
    """α_1(0) = y_1(blank), α_1(1) = y_1(l1); α_t(s) = y_t(l'_s)·(α_{t−1}(s) + α_{t−1}(s−1)
    [+ α_{t−1}(s−2) if l'_s ≠ blank and l'_s ≠ l'_{s−2}]), all in log space."""
    states, T = extended(label, blank), len(log_probs)
    S = len(states)
    a = np.full((T, S), -np.inf)
    a[0, 0] = log_probs[0, blank]
    if S > 1:
        a[0, 1] = log_probs[0, states[1]]
    for t in range(1, T):
        for s in range(S):
            terms = [a[t - 1, s]] + ([a[t - 1, s - 1]] if s >= 1 else [])
            if s >= 2 and states[s] != blank and states[s] != states[s - 2]:
                terms.append(a[t - 1, s - 2])
            a[t, s] = logsumexp(*terms) + log_probs[t, states[s]]
    total = logsumexp(a[-1, -1], a[-1, -2]) if S > 1 else a[-1, -1]
    return Lattice(a, states, -total)


def greedy_decode(log_probs: np.ndarray, blank: int = 0) -> list[int]:
    """Best path: the most likely symbol at each frame, then collapse."""
    best = log_probs.argmax(-1)
    return [int(s) for i, s in enumerate(best) if s != blank and (i == 0 or s != best[i - 1])]


def prefix_beam_search(log_probs: np.ndarray, beam: int, blank: int = 0) -> list[tuple[tuple[int, ...], float]]:
    """Prefix beam search: keep the `beam` most probable label prefixes, each with the probability of
    its paths ending in a blank (p_b) and in its last symbol (p_nb), summed over every path that
    collapses to it. Returns [(prefix, log p)] best first. Approximate: pruned, not exhaustive."""
    probs = np.exp(log_probs)
    beams: dict[tuple[int, ...], tuple[float, float]] = {(): (1.0, 0.0)}
    for t in range(len(probs)):
        nxt: dict[tuple[int, ...], list[float]] = defaultdict(lambda: [0.0, 0.0])
        for prefix, (pb, pnb) in beams.items():
            for s, p in enumerate(probs[t]):
                if s == blank:
                    nxt[prefix][0] += (pb + pnb) * p
                elif prefix and s == prefix[-1]:
                    nxt[prefix][1] += pnb * p  # the same symbol again without a blank: merged
                    nxt[prefix + (s,)][1] += pb * p  # after a blank: a new symbol
                else:
                    nxt[prefix + (s,)][1] += (pb + pnb) * p
        ranked = sorted(nxt.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))[:beam]
        total = sum(b + n for _, (b, n) in ranked) or 1.0  # rescale: probabilities stay representable
        beams = {k: (b / total, n / total) for k, (b, n) in ranked}
        if t == 0:
            scale = np.log(total)
        else:
            scale += np.log(total)
    return [(k, float(np.log(b + n) + scale)) for k, (b, n) in beams.items() if b + n > 0]


def edit_distance(a: list[int] | str, b: list[int] | str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]
