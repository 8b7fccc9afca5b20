"""Zero-shot classification: no example of any label is used. MiniLM (all-MiniLM-L6-v2, Sentence-BERT,
Reimers & Gurevych 2019) embeds every sentence and every label description, and the label with the
largest cosine similarity wins (CLIP does the same between images and captions, Radford et al. 2021).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F

from demos import plots
from demos.text import chart_text, quote

TEMPLATE = "This text is about {}."  # how a bare label is turned into a sentence before embedding
DEFAULT_SENTENCES = "\n".join((
    "The striker curled the ball into the top corner in the last minute of the match.",
    "Simmer the onions slowly until they turn golden, then stir in the garlic.",
    "The central bank raised interest rates by half a point to cool inflation.",
    "After a five-year journey the probe finally entered orbit around Jupiter.",
    "My laptop freezes whenever I open more than ten browser tabs.",
    "She finished the marathon despite a blister on her heel.",
    "Knead the dough for ten minutes and let it rise overnight in the fridge.",
    "Astronomers spotted a comet that will be visible with binoculars next month.",
))
DEFAULT_LABELS = "\n".join(("sport", "cooking", "money and the economy", "space", "computers"))
MAX_SENTENCES, MAX_LABELS, MAX_LINE = 30, 12, 500  # input caps: lines and characters per line


# ---------------------------------------------------------------- what was typed: lines, names, prompts
def read_lines(text: str, max_lines: int, max_chars: int = MAX_LINE) -> tuple[list[str], list[str]]:
    """Non-empty, stripped, de-duplicated lines (at most `max_lines`, each cut to `max_chars`), and
    notes about what was dropped or cut."""
    notes, seen, out = [], set(), []
    lines = [ln.strip() for ln in text.replace("\r", "\n").split("\n")]
    for ln in lines:
        if not ln or ln in seen:
            continue
        if len(out) == max_lines:
            notes.append(f"only the first {max_lines} lines are used")
            break
        if len(ln) > max_chars:
            notes.append(f"a line of {len(ln):,} characters was cut to {max_chars}")
            ln = ln[:max_chars]
        seen.add(ln)
        out.append(ln)
    return out, notes


def label_prompts(labels: Sequence[str], template: str | None = TEMPLATE) -> tuple[list[str], list[str]]:
    """Each label line is "name" or "name: description": (names, texts to embed). A bare name is put
    in `template`; a description is embedded as written."""
    names, texts = [], []
    for line in labels:
        name, sep, description = line.partition(":")
        base = name.strip() or line.strip()
        shown, n = base, 2
        while shown in names:  # two lines may share a name: keep them apart on the chart
            shown, n = f"{base} ({n})", n + 1
        names.append(shown)
        texts.append(description.strip() if sep and description.strip() else (template.format(base) if template else base))
    return names, texts


@dataclass(frozen=True)
class Typed:
    sentences: list[str]  # the sentences to classify
    names: list[str]  # one per label line, kept apart when two share a name
    prompts: list[str]  # what is embedded for each label
    notes: list[str]  # what was dropped or cut, as sentences
    problem: str | None  # why nothing can be classified yet, or None


def read_typed(sentence_text: str, label_text: str, use_template: bool) -> Typed:
    """The two text boxes, read: capped, de-duplicated lines, the labels' names and prompts (bare names
    in TEMPLATE when `use_template`), notes about anything cut, and a problem unless there is at least
    one sentence and two labels."""
    sentences, notes = read_lines(sentence_text, MAX_SENTENCES)
    label_lines, label_notes = read_lines(label_text, MAX_LABELS)
    names, prompts = label_prompts(label_lines, TEMPLATE if use_template else None)
    problem = (None if sentences and len(label_lines) >= 2 else
               "Type at least one sentence and two labels (one per line).")
    return Typed(sentences, names, prompts, [n.capitalize() + "." for n in notes + label_notes], problem)


# ---------------------------------------------------------------- the model: sentence embeddings, cosine similarity
@torch.no_grad()
def sentence_embeddings(text_model, sentences: Sequence[str], max_tokens: int = 256, batch: int = 32) -> torch.Tensor:
    """all-MiniLM-L6-v2 as it is meant to be used: mean of the last hidden states over real tokens
    (attention mask), then L2-normalised. (S, 384)."""
    tokenizer, model = text_model
    out = []
    for i in range(0, len(sentences), batch):
        enc = tokenizer(list(sentences[i:i + batch]), padding=True, truncation=True, max_length=max_tokens,
                        return_tensors="pt")
        hidden = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)  # (B, T, 1)
        out.append(F.normalize((hidden * mask).sum(1) / mask.sum(1).clamp_min(1e-9), dim=1))
    return torch.cat(out)


def zero_shot(text_model, sentences: Sequence[str], label_texts: Sequence[str]) -> np.ndarray:
    """Cosine similarity of every sentence to every label text: (S, L); the label with the largest
    similarity is the prediction. No example of any label was ever used."""
    s, l = sentence_embeddings(text_model, sentences), sentence_embeddings(text_model, label_texts)
    return (s @ l.T).numpy()


# ---------------------------------------------------------------- the figure, and what it says
def similarity_figure(similarity: np.ndarray, sentences: Sequence[str], names: Sequence[str]):
    """Sentence x label cosine similarities, sentences numbered and cut to 60 characters."""
    short = [f"{i + 1}. " + chart_text(s if len(s) <= 60 else s[:60] + "…") for i, s in enumerate(sentences)]
    return plots.heatmap(similarity, "Cosine similarity: sentence × label", x=[chart_text(n) for n in names], y=short, text_format=".2f",
                         square=False, height=120 + 32 * len(sentences))


def similarity_caption(similarity: np.ndarray, sentences: Sequence[str], names: Sequence[str]) -> str:
    """What each label won, and the least certain call (smallest gap between the two best labels)."""
    best = similarity.argmax(1)
    counts = {names[j]: int((best == j).sum()) for j in range(len(names))}
    won = ", ".join(f"{quote(n)}: {c}" for n, c in counts.items() if c)
    if similarity.shape[1] < 2:
        return f"Sentences per label: {won}."
    top2 = np.sort(similarity, axis=1)[:, -2:]
    gap = top2[:, 1] - top2[:, 0]
    i = int(gap.argmin())
    return (f"Sentences per label: {won}. Closest call: “{quote(sentences[i], 50)}” → {quote(names[best[i]])} by a cosine margin of "
            f"{gap[i]:.3f}.")
