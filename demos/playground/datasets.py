"""The playground's data: six generated 2-D sets in [-3, 3]², MNIST digits (fit / validation / held-out
test, `models.data`), or your own CSV through a gate that names every problem; then the network's input
features (x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂, as in TensorFlow Playground) and the plotting grid.
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass

import numpy as np
import torch

from demos.text import NUMBER, quote, shorten

DATASETS = {"circle": "Circle", "xor": "XOR", "gauss": "Two gaussians", "moons": "Two moons",
            "spiral": "Spiral", "sine": "Sine boundary", "upload": "Your CSV", "digits": "MNIST digits"}
POINT_SETS = ("circle", "xor", "gauss", "moons", "spiral", "sine")  # generated, in [-3, 3]²
FEATURES = {"x1": "x₁", "x2": "x₂", "x1sq": "x₁²", "x2sq": "x₂²", "x1x2": "x₁x₂", "sin1": "sin x₁",
            "sin2": "sin x₂"}
DOMAIN = 3.0  # generated 2-D data and the model's view of any 2-D data live in [-3, 3]²
GRID = 60  # the decision boundary is drawn on a 60 × 60 grid
MAX_CSV_ROWS = 20_000  # an uploaded CSV may hold at most this many points
MAX_CSV_BYTES = 2_000_000
MAX_LINE_CHARS = 1000  # a row of two numbers and a label is far shorter; Python's csv stops at 131,072
INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"  # byte-order mark and zero-width characters, not spaces to str.strip
LABEL_LIMIT = 24  # characters of a CSV cell or class name shown in a message or a hover label


@dataclass(frozen=True)
class Data:
    x_train: torch.Tensor  # (N, 2) points in data units, or (N, 784) pixels in [0, 1]
    y_train: torch.Tensor  # (N,) 0/1 floats (2-D) or 0-9 ints (digits)
    x_val: torch.Tensor
    y_val: torch.Tensor
    lo: tuple[float, float] = (-DOMAIN, -DOMAIN)  # the plotted box (data units), 2-D only
    hi: tuple[float, float] = (DOMAIN, DOMAIN)
    classes: tuple[str, ...] = ("0", "1")  # names of the classes (orange, blue for 2-D)
    x_test: torch.Tensor | None = None  # digits only: the held-out digits, used once after training
    y_test: torch.Tensor | None = None

    @property
    def digits(self) -> bool:
        return self.x_train.shape[1] != 2


def make_points(name: str, n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` labelled points of a named 2-D set in [-3, 3]²: (n, 2) float32, (n,) 0/1.
    `noise` in [0, 1] jitters every point by a Gaussian of standard deviation 0.6 · noise."""
    rng = np.random.default_rng(seed)
    half = n // 2
    y = np.r_[np.zeros(n - half), np.ones(half)]
    t = rng.uniform(0, 1, n)
    if name == "circle":  # blue inside radius 1.25, orange in the ring 1.75-2.5
        r = np.where(y == 1, 1.25 * np.sqrt(t), 1.75 + 0.75 * t)
        a = rng.uniform(0, 2 * np.pi, n)
        x = np.c_[r * np.cos(a), r * np.sin(a)]
    elif name == "gauss":
        x = rng.normal(0, 0.7, (n, 2)) + np.where(y[:, None] == 1, 1.3, -1.3)
    elif name == "moons":
        a = np.pi * t
        x = np.where(y[:, None] == 0, np.c_[np.cos(a), np.sin(a)], np.c_[1 - np.cos(a), 0.5 - np.sin(a)])
        x = (x - [0.5, 0.25]) * 2.2
    elif name == "spiral":  # two interleaved arms, 1.75 turns
        r = 2.8 * t
        a = 1.75 * 2 * np.pi * t + np.pi * y
        x = np.c_[r * np.sin(a), r * np.cos(a)]
    elif name in ("xor", "sine"):
        x = rng.uniform(-DOMAIN, DOMAIN, (n, 2))
        if name == "xor":
            x += np.sign(x) * 0.3 * (1 - np.abs(x) / DOMAIN)  # a margin around the axes
            y = (x[:, 0] * x[:, 1] > 0).astype(float)
        else:
            y = (x[:, 1] > 1.5 * np.sin(1.3 * x[:, 0])).astype(float)
    else:
        raise ValueError(f"unknown data set {name!r}")
    x = x + rng.normal(0, 0.6 * noise, x.shape)
    return np.clip(x, -DOMAIN, DOMAIN).astype(np.float32), y.astype(np.float32)


def split(x: np.ndarray, y: np.ndarray, train_share: float, seed: int, **extra) -> Data:
    """A seeded, stratified train/validation split: `train_share` of each class to train on (at
    least one point of every class on each side)."""
    rng = np.random.default_rng(seed + 1)
    tr, va = [], []
    for c in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == c))
        k = min(max(int(round(train_share * len(rows))), 1), len(rows) - 1)
        tr.append(rows[:k])
        va.append(rows[k:])
    tr, va = np.sort(np.concatenate(tr)), np.sort(np.concatenate(va))
    t = lambda v: torch.from_numpy(np.ascontiguousarray(v))
    return Data(t(x[tr]), t(y[tr]), t(x[va]), t(y[va]), **extra)


def point_data(name: str, n: int, noise: float, train_share: float, seed: int) -> Data:
    return split(*make_points(name, n, noise, seed), train_share, seed)


def digits_data(n_train: int, seed: int) -> Data:
    """`n_train` of the 3,500 fit digits (stratified, seeded) to learn from, the 500 validation
    digits to watch, and the 1,000 held-out digits for one final number (`models.data`)."""
    from models.data import mnist_split, validation_split

    fit_x, fit_y, val_x, val_y = validation_split()
    g = torch.Generator().manual_seed(seed)
    per_class = [torch.nonzero(fit_y == c).flatten() for c in range(10)]
    take = [rows[torch.randperm(len(rows), generator=g)] for rows in per_class]
    chosen = _round_robin(take)[:n_train].sort().values
    test = mnist_split()
    flat = lambda x: x.flatten(1)
    return Data(flat(fit_x[chosen]), fit_y[chosen], flat(val_x), val_y, classes=tuple("0123456789"),
                x_test=flat(test.test_images), y_test=test.test_labels)


def _round_robin(lists: list[torch.Tensor]) -> torch.Tensor:
    """Interleave: first of each class, then second of each... so any prefix is balanced."""
    out, k = [], 0
    while any(k < len(t) for t in lists):
        out += [t[k] for t in lists if k < len(t)]
        k += 1
    return torch.stack(out)


class CsvError(ValueError):
    """An uploaded CSV that cannot be used; the message says why, for a person."""


def parse_csv(raw: bytes) -> tuple[np.ndarray, np.ndarray, tuple[str, str]]:
    """Your own 2-D data: rows `x1, x2, label` (comma, semicolon or tab; an optional header row).
    Returns points (N, 2) float32, labels (N,) 0/1 and the two label names (sorted). Raises
    CsvError, with a message naming the problem and the row, for anything else (and nothing else)."""
    try:
        return _parse_csv(raw)
    except CsvError:
        raise
    except (csv.Error, ValueError, IndexError, OverflowError) as err:  # a case the checks below missed
        raise CsvError(f"the file cannot be read as x1, x2, label rows ({quote(err, 60)}).") from None


def _parse_csv(raw: bytes) -> tuple[np.ndarray, np.ndarray, tuple[str, str]]:
    if len(raw) > MAX_CSV_BYTES:
        raise CsvError(f"the file is {len(raw) / 1e6:.1f} MB; the limit is {MAX_CSV_BYTES / 1e6:.0f} MB.")
    if b"\x00" in raw:
        raise CsvError("this is not a text file (it contains NUL bytes).")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvError("the file is not UTF-8 text.") from None
    # every line break Python knows (\r\n, \r, \n, \v, \f, U+0085, U+2028, U+2029, …) ends a row, and
    # every kind of space (no-break, ideographic, byte-order mark, zero-width) around a row is dropped
    lines = [line for line in (row.strip().strip(INVISIBLE).strip() for row in text.splitlines()) if line]
    if not lines:
        raise CsvError("the file is empty (it holds only spaces or blank lines).")
    if len(lines) > MAX_CSV_ROWS + 1:
        raise CsvError(f"the file has more than {MAX_CSV_ROWS:,} rows; the playground trains live, so keep it smaller.")
    longest = max(range(len(lines)), key=lambda i: len(lines[i]))
    if len(lines[longest]) > MAX_LINE_CHARS:
        raise CsvError(f"line {longest + 1} is {len(lines[longest]):,} characters long; a row of x1, x2, label "
                       f"is at most {MAX_LINE_CHARS:,}.")
    delimiter = max((",", ";", "\t"), key=lines[0].count)
    rows = list(csv.reader(lines, delimiter=delimiter))
    if len(rows[0]) == 1 and len(lines[0].split()) == 3:  # space-separated
        rows = [line.split() for line in lines]
    if not _is_number(rows[0][0]) or not _is_number(rows[0][1 if len(rows[0]) > 1 else 0]):
        rows = rows[1:]  # a header row
    if len(rows) < 4:
        raise CsvError(f"only {len(rows)} data row(s); at least 4 points are needed (2 of each class).")
    points, labels = [], []
    for i, row in enumerate(rows, start=1):
        cells = [c.strip().strip(INVISIBLE) for c in row]
        if len(cells) != 3:
            raise CsvError(f"data row {i} has {len(cells)} column(s); expected 3: x1, x2, label.")
        if not (_is_number(cells[0]) and _is_number(cells[1])):
            raise CsvError(f"data row {i}: “{quote(cells[0], LABEL_LIMIT)}, {quote(cells[1], LABEL_LIMIT)}” "
                           "are not two numbers (digits 0-9, a point, an optional exponent).")
        p = (float(cells[0]), float(cells[1]))
        if not all(math.isfinite(v) and abs(v) < 1e12 for v in p):
            raise CsvError(f"data row {i}: x1, x2 must be finite numbers "
                           f"(found {quote(cells[0], LABEL_LIMIT)}, {quote(cells[1], LABEL_LIMIT)}).")
        if not cells[2] or cells[2].lower() in ("nan", "na", "null", "none"):
            raise CsvError(f"data row {i} has no label.")
        points.append(p)
        labels.append(_label(cells[2]))
    names = sorted(set(labels), key=lambda v: (isinstance(v, str), v))
    if len(names) != 2:
        found = ", ".join(quote(str(v), LABEL_LIMIT) for v in names[:5]) + (", …" if len(names) > 5 else "")
        raise CsvError(f"the label column needs exactly 2 classes; it has {len(names)} ({found}).")
    y = np.array([names.index(v) for v in labels], dtype=np.float32)
    if min((y == 0).sum(), (y == 1).sum()) < 2:
        raise CsvError("each class needs at least 2 points (one to train on, one to validate with).")
    x = np.array(points, dtype=np.float64).astype(np.float32)  # the network's precision: ~7 significant digits
    if np.ptp(x, axis=0).min() == 0:
        raise CsvError("all points have the same x1 or the same x2 (to about 7 significant digits, the precision "
                       "the network computes in); the data needs two varying coordinates.")
    return x, y, (shorten(names[0], LABEL_LIMIT), shorten(names[1], LABEL_LIMIT))


def csv_data(x: np.ndarray, y: np.ndarray, names: tuple[str, str], train_share: float, seed: int) -> Data:
    """Uploaded points: plotted in their own units over their bounding box (+8 %)."""
    lo, hi = x.min(0), x.max(0)
    pad = 0.08 * (hi - lo)
    return split(x, y, train_share, seed, lo=tuple(map(float, lo - pad)), hi=tuple(map(float, hi + pad)),
                 classes=names)


def _is_number(cell: str) -> bool:
    """A number written with ASCII digits (Python's float() also takes 1_0, ١٠, ７ and 𝟓: not here)."""
    return NUMBER.fullmatch(cell) is not None


def _label(cell: str) -> float | str:
    """A label: a number when written as one (so 1 and 1.0 are one class), else its text."""
    return float(cell) if _is_number(cell) and math.isfinite(float(cell)) else cell


def features(x: torch.Tensor, names: tuple[str, ...], lo: tuple[float, float],
             hi: tuple[float, float]) -> torch.Tensor:
    """The network's inputs: the chosen features of the points rescaled to [-3, 3]² (identity for
    the generated sets): x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂ -> (N, len(names))."""
    lo_t, hi_t = torch.tensor(lo), torch.tensor(hi)
    u = (x - (lo_t + hi_t) / 2) / ((hi_t - lo_t) / 2) * DOMAIN
    u1, u2 = u[:, 0], u[:, 1]
    table = {"x1": u1, "x2": u2, "x1sq": u1 * u1, "x2sq": u2 * u2, "x1x2": u1 * u2,
             "sin1": torch.sin(u1), "sin2": torch.sin(u2)}
    return torch.stack([table[k] for k in names], 1)


def grid(lo: tuple[float, float], hi: tuple[float, float], n: int = GRID) -> tuple[np.ndarray, np.ndarray, torch.Tensor]:
    """The plotting grid: x coordinates (n,), y coordinates (n,), points (n·n, 2) row by row."""
    gx, gy = np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n)
    xx, yy = np.meshgrid(gx, gy)
    return gx, gy, torch.from_numpy(np.c_[xx.ravel(), yy.ravel()].astype(np.float32))
