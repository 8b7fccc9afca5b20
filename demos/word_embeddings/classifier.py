"""A sentiment classifier on word vectors: each review is the mean of its WordPiece tokens' rows of
MiniLM's input table (a bag of words), fed to logistic regression written out here; compared with the
same regression on frozen MiniLM sentence features (the Transformer reads word order), and with zero-shot
labels (cosine to a sentence describing each label, no training). The reviews are this project's own
template sentences; negated ones ("the plot was not good") test what a bag of words cannot represent."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import torch

from demos.plots import OKABE_ITO, layout
from demos.text import chart_text, quote, signed

POSITIVE = ("good", "great", "excellent", "wonderful", "delightful", "superb", "enjoyable", "lovely", "brilliant",
            "pleasant")
NEGATIVE = ("bad", "terrible", "awful", "boring", "dreadful", "poor", "disappointing", "dull", "horrible", "weak")
NOUNS = ("film", "movie", "story", "acting", "soundtrack", "ending", "plot", "cast", "book", "meal", "service", "hotel")
TEMPLATES = ("the {n} was {a}", "what a {a} {n}", "i found the {n} {a}", "honestly the {n} is {a}",
             "a {a} {n} from start to finish", "everyone said the {n} was {a}")
NEGATED = ("the {n} was not {a}", "i did not find the {n} {a}", "the {n} is never {a}")
PROMPTS = ("This review is positive.", "This review is negative.")
DEFAULT_REVIEW = "the acting was not good but the soundtrack was brilliant"
L2_CHOICES = (1e-4, 1e-3, 1e-2, 1e-1)  # weight decay, chosen per feature set on the validation split


@dataclass(frozen=True)
class Reviews:
    texts: tuple[str, ...]
    labels: np.ndarray  # 1 = positive
    negated: np.ndarray  # bool: a negated template (its label is the opposite of its adjective's)
    split: np.ndarray  # "train", "valid" or "test"


def reviews(seed: int = 0, n_plain: int = 360, n_negated: int = 120) -> Reviews:
    rng = np.random.default_rng(seed)
    texts, labels, negated = [], [], []
    for i in range(n_plain + n_negated):
        neg = i >= n_plain
        positive_word = rng.random() < 0.5
        adjective = (POSITIVE if positive_word else NEGATIVE)[rng.integers(10)]
        template = (NEGATED if neg else TEMPLATES)[rng.integers(len(NEGATED if neg else TEMPLATES))]
        texts.append(template.format(n=NOUNS[rng.integers(len(NOUNS))], a=adjective))
        labels.append(int(positive_word != neg))
        negated.append(neg)
    split = rng.choice(np.array(["train", "valid", "test"]), size=len(texts), p=[0.6, 0.2, 0.2])
    return Reviews(tuple(texts), np.array(labels), np.array(negated), split)


def mean_embedding(texts: list[str], tokenizer, matrix: np.ndarray) -> np.ndarray:
    """(N, D): the mean of each text's WordPiece rows of the input table (no [CLS]/[SEP])."""
    ids = tokenizer(list(texts), add_special_tokens=False)["input_ids"]
    return np.stack([matrix[i].mean(0) if i else np.zeros(matrix.shape[1], np.float32) for i in ids])


def sentence_features(texts: list[str], tokenizer, model) -> np.ndarray:
    """(N, 384): frozen MiniLM's last hidden states mean-pooled over tokens and L2-normalised (how
    all-MiniLM-L6-v2 makes sentence embeddings)."""
    out = []
    with torch.no_grad():
        for start in range(0, len(texts), 64):
            batch = tokenizer(list(texts[start:start + 64]), padding=True, truncation=True, max_length=64,
                              return_tensors="pt")
            hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).float()
            pooled = (hidden * mask).sum(1) / mask.sum(1)
            out.append(torch.nn.functional.normalize(pooled, dim=1).numpy())
    return np.concatenate(out)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float, steps: int = 300, lr: float = 0.5) -> tuple[np.ndarray, float]:
    """Logistic regression by full-batch gradient descent on the mean cross-entropy + λ/2·‖w‖²
    (gradient: Xᵀ(σ(Xw + b) − y)/N + λw); features standardised inside, weights returned in the
    original units so that w·x + b is the logit."""
    mu, sd = x.mean(0), x.std(0) + 1e-8
    z = (x - mu) / sd
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        w -= lr * (z.T @ (p - y) / len(y) + l2 * w)
        b -= lr * float((p - y).mean())
    return w / sd, b - float((w / sd) @ mu)


def accuracy(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: float) -> float:
    return float((((x @ w + b) > 0).astype(int) == y).mean())


@dataclass(frozen=True)
class Comparison:
    rows: dict[str, dict[str, float]]  # model -> {"plain": test accuracy, "negated": test accuracy}
    bag: tuple[np.ndarray, float]  # the mean-of-embeddings regression (w, b), for contributions
    l2: dict[str, float]  # the weight decay the validation split chose for each regression
    n_train: int
    n_test: int


def compare(data: Reviews, bag_x: np.ndarray, minilm_x: np.ndarray, prompt_x: np.ndarray) -> Comparison:
    """Train both regressions on the training split (negated reviews included), pick λ on the validation
    split, and score the test split, plain and negated reviews apart."""
    train, valid, test = (data.split == s for s in ("train", "valid", "test"))
    rows, l2s = {}, {}
    for name, x in (("mean of word vectors", bag_x), ("frozen MiniLM sentence features", minilm_x)):
        fits = {l2: fit_logistic(x[train], data.labels[train], l2) for l2 in L2_CHOICES}
        l2s[name] = max(L2_CHOICES, key=lambda l2: (accuracy(x[valid], data.labels[valid], *fits[l2]), l2))
        w, b = fits[l2s[name]]
        rows[name] = {k: accuracy(x[test & m], data.labels[test & m], w, b)
                      for k, m in (("plain", ~data.negated), ("negated", data.negated))}
        if name.startswith("mean"):
            bag = (w, b)
    zero = (minilm_x @ prompt_x[0] > minilm_x @ prompt_x[1]).astype(int)
    rows["zero-shot (MiniLM, no training)"] = {k: float((zero[test & m] == data.labels[test & m]).mean())
                                               for k, m in (("plain", ~data.negated), ("negated", data.negated))}
    return Comparison(rows, bag, l2s, int(train.sum()), int(test.sum()))


def experiment(tokenizer, model, matrix: np.ndarray, seed: int = 0, on_progress=None) -> Comparison:
    """The tab's whole comparison: reviews → three feature sets → two regressions and zero-shot."""
    data = reviews(seed)
    bag_x = mean_embedding(list(data.texts), tokenizer, matrix)
    if on_progress is not None:
        on_progress(0.1)
    minilm_x = sentence_features(list(data.texts), tokenizer, model)
    if on_progress is not None:
        on_progress(0.9)
    return compare(data, bag_x, minilm_x, sentence_features(list(PROMPTS), tokenizer, model))


def contributions(text: str, tokenizer, matrix: np.ndarray, w: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Each token's share of the bag's logit: w·e_i / n (they add up to the logit minus the bias)."""
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    return tokenizer.convert_ids_to_tokens(ids), (matrix[ids] @ w) / max(len(ids), 1)


def contributions_figure(tokens: list[str], values: np.ndarray, bias: float, height: int = 320) -> go.Figure:
    colours = [OKABE_ITO[2] if v > 0 else OKABE_ITO[3] for v in values]
    fig = go.Figure(go.Bar(x=[f"{i + 1}. {chart_text(t)}" for i, t in enumerate(tokens)], y=values,
                           marker_color=colours, hovertemplate="%{x}: %{y:+.3f}<extra></extra>"))
    fig.update_layout(yaxis_title="share of the logit (+ positive)")
    return layout(fig, f"per-word contributions (bias {bias:+.2f})", height)


def contributions_caption(tokens: list[str], values: np.ndarray, bias: float) -> str:
    logit = float(values.sum() + bias)
    if not tokens:
        return f"This text has no WordPiece tokens, so the bag of words scores only its bias, {signed(bias)}."
    top = int(np.argmax(np.abs(values)))
    return (f"The bag of words scores this review {signed(logit)} ({'positive' if logit > 0 else 'negative'}): the "
            f"sum of the {len(tokens)} bars plus the bias; “{quote(tokens[top])}” weighs most. The same words in "
            "any order get the same score.")


def comparison_figure(c: Comparison, height: int = 300) -> go.Figure:
    names = list(c.rows)
    fig = go.Figure([go.Bar(x=[chart_text(n) for n in names], y=[c.rows[n][k] for n in names], name=label,
                            marker_color=OKABE_ITO[i]) for i, (k, label) in
                     enumerate((("plain", "plain reviews"), ("negated", "negated reviews (“not good”)")))])
    fig.update_layout(barmode="group", yaxis=dict(range=[0, 1.05], tickformat=".0%", title="test accuracy"),
                      legend=dict(orientation="h", y=1.15))
    return layout(fig, None, height)


def comparison_caption(c: Comparison) -> str:
    parts = "; ".join(f"{n}: {r['plain']:.0%} plain, {r['negated']:.0%} negated" for n, r in c.rows.items())
    return f"Held-out test split ({c.n_test} reviews; trained on {c.n_train}, negations included): {parts}."
