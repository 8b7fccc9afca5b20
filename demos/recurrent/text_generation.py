"""Text generation with a character-level LSTM (Karpathy 2015): the next-character distribution,
sampling with temperature T (p_i ∝ exp(logit_i / T); T = 0 is greedy) and top-k, bits per character
against a unigram model, and what temperature does to repeats and real words.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from torch import nn

from demos import plots, replay
from demos.recurrent.cells import cell_step
from models.char_rnn import CharRNN, corpus, encode, normalise, split

TEMPERATURES = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)  # the temperature sweep
PLAYER_DRAWS = 120  # the distribution player steps through this many draws (plotly validates every frame)
SHOW_CHAR = {" ": "␣", "\n": "⏎"}  # characters that would be invisible on an axis


# ---------------------------------------------------------------- sampling with temperature and top-k
@dataclass(frozen=True)
class Sample:
    prompt: str  # the prompt as the model read it (characters outside its vocabulary removed)
    text: str  # the generated characters
    candidates: list[list[str]]  # per step: the most likely characters under the model
    model_probs: np.ndarray  # (steps, N) their probabilities at temperature 1
    sample_probs: np.ndarray  # (steps, N) their probabilities in the distribution actually sampled
    chosen: np.ndarray  # (steps,) index of the drawn character among the candidates
    entropy_bits: np.ndarray  # (steps,) entropy of the sampled distribution


def sampling_distribution(logits: torch.Tensor, temperature: float | torch.Tensor, top_k: int = 0) -> torch.Tensor:
    """softmax(logits / T) over the `top_k` largest logits (0 = all); T = 0 is greedy: all mass on
    the argmax. `temperature` may hold one value per row of `logits` (..., V)."""
    t = torch.as_tensor(temperature, dtype=logits.dtype)
    t = t[..., None] if t.ndim else t
    if 0 < top_k < logits.shape[-1]:
        kth = logits.topk(top_k, dim=-1).values[..., -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    greedy = F.one_hot(logits.argmax(-1), logits.shape[-1]).to(logits.dtype)
    return torch.where(t > 0, F.softmax(logits / t.clamp_min(1e-6), dim=-1), greedy)


def _layer_weights(lstm: nn.LSTM, layer: int) -> dict[str, torch.Tensor]:
    """One layer of a stacked nn.LSTM under the names `cell_step` reads."""
    return {f"{k}_l0": getattr(lstm, f"{k}_l{layer}").detach()
            for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}


def generate(model: CharRNN, prompt: str, length: int, temperatures: torch.Tensor, top_k: int = 0,
             seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Sample B = len(temperatures) continuations of `prompt` at once: read the prompt, then draw
    from `sampling_distribution` and feed each drawn character back through `cell_step` with the
    carried (h, c) state. Returns the drawn ids (B, L) and the logits they were drawn from (B, L, V)."""
    cfg, n = model.config, len(temperatures)
    gen = torch.Generator().manual_seed(seed)
    layers = [_layer_weights(model.lstm, k) for k in range(cfg.layers)]
    drawn, all_logits = [], []
    plain = top_k == 0 and bool((temperatures > 0).all())  # the common case, without masks: faster
    scale = temperatures.clamp_min(1e-6)[:, None]
    with torch.no_grad():
        logits, (h, c) = model(encode(prompt, cfg.vocab)[None])
        states = [torch.cat([h[k], c[k]], -1).expand(n, -1) for k in range(cfg.layers)]  # [h, c] per layer
        logits = logits[:, -1].expand(n, -1)  # (B, V)
        for _ in range(length):
            all_logits.append(logits)
            dist = F.softmax(logits / scale, -1) if plain else sampling_distribution(logits, temperatures, top_k)
            cdf = dist.cumsum(-1)  # inverse-CDF draw; a greedy row is one-hot, so it draws its argmax
            u = torch.rand(n, 1, generator=gen) * cdf[:, -1:]
            nxt = (cdf < u).sum(-1).clamp_max(logits.shape[-1] - 1)
            drawn.append(nxt)
            x = model.embed.weight[nxt]  # (B, E)
            for k, w in enumerate(layers):
                states[k], _ = cell_step("lstm", w, x, states[k])
                x = states[k][:, :cfg.hidden]
            logits = model.head(x)
    return torch.stack(drawn, 1), torch.stack(all_logits, 1)


def sample(model: CharRNN, prompt: str, length: int, temperature: float, top_k: int = 0, seed: int = 0,
           shown: int = 10) -> Sample:
    """One `generate`d text with what each draw looked like: the `shown` likeliest characters, their
    probabilities at temperature 1 and after temperature and top-k. An empty prompt (or one with no
    character the model knows) starts from a newline."""
    vocab = model.config.vocab
    prompt = normalise(prompt, vocab) or "\n"
    ids, logits = generate(model, prompt, length, torch.tensor([float(temperature)]), top_k, seed)
    ids, logits = ids[0], logits[0]  # (L,), (L, V)
    probs, dist = F.softmax(logits, -1), sampling_distribution(logits, temperature, top_k)
    top = probs.topk(shown, -1).indices  # (L, N)
    missing = (top != ids[:, None]).all(1)
    top[missing, -1] = ids[missing]  # keep the drawn character visible
    entropy = -(dist * dist.clamp_min(1e-30).log2()).sum(-1)
    return Sample(prompt, "".join(vocab[i] for i in ids.tolist()), [[vocab[i] for i in row] for row in top.tolist()],
                  probs.gather(1, top).numpy(), dist.gather(1, top).numpy(),
                  (top == ids[:, None]).int().argmax(1).numpy(), entropy.numpy())


# ---------------------------------------------------------------- bits per character, repeats and real words
def bits_per_character(model: CharRNN, text: str, streams: int = 64) -> float:
    """Cross-entropy of the next character in bits, over `text` read as `streams` contiguous pieces
    in parallel with the state carried along (the first character of each piece from a zero state)."""
    ids = encode(normalise(text, model.config.vocab), model.config.vocab)
    n = (len(ids) - 1) // streams
    x = ids[:n * streams].view(streams, n)
    y = ids[1:n * streams + 1].view(streams, n)
    with torch.no_grad():
        logits, _ = model(x)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1)).item() / math.log(2)


def unigram_bits(train_text: str, text: str, vocab: str) -> float:
    """The baseline: bits per character of `text` under the training text's character frequencies
    (add-one smoothing), i.e. a model that ignores context."""
    counts = np.ones(len(vocab))
    index = {c: i for i, c in enumerate(vocab)}
    np.add.at(counts, [index[c] for c in train_text], 1)
    logp = np.log2(counts / counts.sum())
    return float(-np.mean([logp[index[c]] for c in text]))


def repeat_period(text: str, window: int = 60, longest: int = 120) -> int | None:
    """The smallest p such that the last `window` characters repeat the `window` before them shifted
    by p (text[i] == text[i - p]): the loop greedy decoding falls into. None if there is none."""
    for p in range(1, longest + 1):
        if len(text) >= window + p and text[-window:] == text[-window - p:len(text) - p]:
            return p
    return None


def temperature_sweep(model: CharRNN, prompt: str, temperatures: tuple[float, ...], length: int = 200,
                      seed: int = 0, known_words: frozenset[str] = frozenset(), samples: int = 4) -> dict[str, np.ndarray]:
    """`samples` texts of `length` characters per temperature, all generated in one batch -> per
    temperature, the mean share of 10-character windows already seen earlier in the same text
    (repetition), of words found in `known_words`, and of surprise in bits per character under the
    model at temperature 1."""
    temps = torch.tensor(temperatures, dtype=torch.float32).repeat_interleave(samples)  # (B,)
    prompt = normalise(prompt, model.config.vocab) or "\n"
    ids, logits = generate(model, prompt, length, temps, 0, seed)
    bits = -F.log_softmax(logits, -1).gather(2, ids[..., None])[..., 0].mean(1) / math.log(2)  # (B,)
    rows = []
    for b, text in enumerate("".join(model.config.vocab[i] for i in row) for row in ids.tolist()):
        grams = [text[i:i + 10] for i in range(len(text) - 9)]
        words = [w for w in "".join(c if c.isalpha() else " " for c in text).split() if len(w) > 1]
        rows.append((1 - len(set(grams)) / max(len(grams), 1),
                     sum(w in known_words for w in words) / max(len(words), 1), float(bits[b])))
    means = np.array(rows).reshape(len(temperatures), samples, 3).mean(1)  # (temperatures, 3)
    return {"temperature": np.array(temperatures), "repeated": means[:, 0], "known": means[:, 1], "bits": means[:, 2]}


def corpus_words(text: str) -> frozenset[str]:
    """The words (runs of letters) of a text, for the temperature sweep's "real words" share."""
    return frozenset("".join(c if c.isalpha() else " " for c in text).split())


def training_words() -> frozenset[str]:
    """The words of the char model's training text; none on a Python without `pydoc_data` (the
    sweep then shows repetition only)."""
    try:
        return corpus_words(split(corpus()).train)
    except ImportError:
        return frozenset()


# ---------------------------------------------------------------- figures
def distribution_figure(s: Sample, height: int = 400, draws: int = PLAYER_DRAWS) -> go.Figure:
    """The next-character distribution of the first `draws` generated characters as a client-side
    player: the model's probabilities (temperature 1) beside the distribution actually sampled
    (temperature, top-k); the drawn character is in brackets."""
    fig = go.Figure([go.Bar(name="model (T = 1)", marker_color=plots.OKABE_ITO[5]),
                     go.Bar(name="sampled from", marker_color=plots.OKABE_ITO[0])])
    frames = []
    for t in range(min(len(s.text), draws)):
        x = [f"[{SHOW_CHAR.get(c, c)}]" if j == s.chosen[t] else SHOW_CHAR.get(c, c)
             for j, c in enumerate(s.candidates[t])]  # the drawn character in brackets
        frames.append({0: {"x": x, "y": s.model_probs[t]}, 1: {"x": x, "y": s.sample_probs[t]}})
    fig.update_yaxes(range=[0, 1], tickformat=".0%", title="probability", domain=[0.22, 1.0])
    fig.update_xaxes(type="category", title="next character ([x]: the one drawn)")
    fig.update_layout(barmode="group", height=height, margin=dict(l=10, r=10, t=10, b=10),
                      legend=dict(x=0.99, xanchor="right", y=0.98, yanchor="top"))
    labels = [f"{t + 1}: {SHOW_CHAR.get(c, c)}" for t, c in enumerate(s.text[:len(frames)])]
    return replay.animate(fig, frames, labels, prefix="character ", start=0)


def sweep_figure(sweep: dict[str, np.ndarray]) -> go.Figure:
    """The `temperature_sweep`: repeated 10-character windows and real words against temperature."""
    return plots.line_chart(sweep["temperature"], {"repeated 10-character windows": sweep["repeated"],
                                                   "words found in the training text": sweep["known"]},
                            "Temperature: repetition against invention (4 samples of 200 characters each)",
                            "temperature", "share", y_range=(0, 1.02))


# ---------------------------------------------------------------- captions and notes
def dropped_characters(text: str, vocab: str) -> str:
    """The characters of `text` the model cannot read (after folding quotes and dashes), quoted."""
    gone = sorted({c for c in text if not normalise(c, vocab)})
    return " ".join(repr(c) for c in gone[:12]) + (" …" if len(gone) > 12 else "")


def dropped_note(text: str, vocab: str) -> str | None:
    """The warning for a prompt with characters the model cannot read, or None."""
    dropped = dropped_characters(text, vocab)
    return f"The model only knows newline and printable ASCII; left out: {dropped}" if dropped else None


def distribution_caption(s: Sample, temperature: float, top_k: int) -> str:
    drawn = s.model_probs[np.arange(len(s.text)), s.chosen]
    rule = "greedy (T = 0)" if temperature <= 0 else f"T = {temperature:g}" + (f", top-{top_k}" if top_k else "")
    loop = repeat_period(s.text)
    tail = f" The text ends in a loop of {loop} characters." if loop else ""
    return (f"{len(s.text)} characters, {rule}: the drawn character had a median model probability of "
            f"{np.median(drawn):.0%}; the sampled distribution averaged {s.entropy_bits.mean():.2f} bits of "
            f"entropy per step.{tail} Press play or drag the slider to step through the first "
            f"{min(len(s.text), PLAYER_DRAWS)} draws.")


def sweep_caption(sweep: dict[str, np.ndarray]) -> str:
    t, rep, known = sweep["temperature"], sweep["repeated"], sweep["known"]
    return (f"At T = {t[0]:g}, {rep[0]:.0%} of the 10-character windows are repeats and {known[0]:.0%} of the "
            f"words exist in the training text; at T = {t[-1]:g}, {rep[-1]:.0%} repeats and {known[-1]:.0%} "
            f"real words. The model's own surprise grows from {sweep['bits'][0]:.2f} to "
            f"{sweep['bits'][-1]:.2f} bits per character.")


def card_caption(card: dict) -> str:
    m = card["metrics"]
    return (f"The model (seed {card['seed']}, {m['train_seconds']:.0f} s of training): "
            f"{m['val_bits_per_char']:.2f} bits per character on the validation text against "
            f"{m['unigram_val_bits_per_char']:.2f} for a unigram model that ignores context "
            f"({1 - m['val_bits_per_char'] / m['unigram_val_bits_per_char']:.0%} fewer bits); "
            f"{m['test_bits_per_char']:.2f} on the test text, measured once.")
