"""Forecasting a real series (Mauna Loa CO₂, monthly): seasonal-naive and linear autoregression
baselines, a small MLP trained live, a rolling-origin backtest, quantile intervals, and the leakage
trap of normalising with statistics that include the future.

Every learned model sees the series after the same normalisation: a straight-line trend and a scale
removed, z_t = (y_t − a − b·t)/s, with a, b, s fitted on the training years (honest) or on the whole
series, test years included (leakage). The seasonal-naive baseline uses raw values only.
"""
from __future__ import annotations

import csv
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch import nn

DATA = Path(__file__).resolve().parents[2] / "models" / "results" / "sequence_tasks_co2.csv"
FIT_END, VAL_END = "1985-12", "1992-12"  # fit on 1958–1985; intervals from 1986–1992; test 1993–2001
SEASON = 12
H_MAX = 24  # the MLP predicts all 24 months at once (direct multi-horizon)
WINDOW_RANGE = (12, 48)  # months of history a learned model reads
HORIZON_RANGE = (1, H_MAX)
QUANTILES = (0.1, 0.9)  # an 80 % interval
MODELS = ("seasonal naive", "linear AR", "MLP")
STEPS = 300  # full-batch Adam steps of the MLP


@dataclass(frozen=True)
class Series:
    months: tuple[str, ...]  # "YYYY-MM"
    values: np.ndarray  # (N,) ppm

    def index(self, month: str) -> int:
        return self.months.index(month)


def load_co2(path: Path = DATA) -> Series:
    """The committed monthly series (train/sequence_tasks_co2.py made it from statsmodels' co2.csv)."""
    with open(path) as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    return Series(tuple(r["month"] for r in rows), np.array([float(r["ppm"]) for r in rows]))


Forecaster = Callable[[np.ndarray, int], np.ndarray]  # (history y_0..y_T, horizon H) -> ŷ_{T+1..T+H}


def seasonal_naive(history: np.ndarray, horizon: int, season: int = SEASON) -> np.ndarray:
    """ŷ_{T+h} = y_{T+h−m·⌈h/m⌉}: the value one season (or more) before each target month."""
    T = len(history) - 1
    return np.array([history[T + h - season * int(np.ceil(h / season))] for h in range(1, horizon + 1)])


def level(values: np.ndarray, t: int, window: int, leak: bool) -> float:
    """The level L a window is measured from: the mean of its inputs y_{t−p..t−1} (honest), or of its
    inputs and the next 24 months y_{t..t+23} too (leakage: a statistic of the future)."""
    return float(values[t - window: t + H_MAX if leak else t].mean())


def windows(values: np.ndarray, window: int, first: int, last: int, leak: bool,
            scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Normalised inputs (y_{t−p..t−1} − L)/s and targets (y_{t..t+23} − L)/s for every first ≤ t
    with t + 23 ≤ last."""
    xs, ys = [], []
    for t in range(max(first, window), last - H_MAX + 2):
        L = level(values, t, window, leak)
        xs.append((values[t - window:t] - L) / scale)
        ys.append((values[t:t + H_MAX] - L) / scale)
    return np.stack(xs), np.stack(ys)


def fit_linear(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least-squares direct linear autoregression: ẑ_{t+h} = c_h + Σ_i w_{h,i} z_{t−i}, one row of
    weights per horizon h; returns (p + 1, 24) with the intercepts last."""
    coef, *_ = np.linalg.lstsq(np.column_stack([x, np.ones(len(x))]), y, rcond=None)
    return coef


class Mlp(nn.Module):
    def __init__(self, window: int, hidden: int = 64):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(window, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                                 nn.Linear(hidden, H_MAX))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, window) -> (B, H_MAX)
        return self.net(x)


@dataclass
class Fit:
    """Everything fitted on the training years, and the MLP's losses per step."""
    window: int
    leak: bool
    scale: float  # s, ppm: the spread of training windows around their levels
    linear: np.ndarray  # (p + 1, 24)
    mlp: Mlp
    curves: dict[str, list[float]] = field(default_factory=dict)
    seconds: float = 0.0
    stopped: bool = False

    def forecaster(self, model: str, future: np.ndarray | None = None) -> Forecaster:
        """A model as a forecaster. With leakage the level needs the months after the origin, so the
        forecaster reads them from `future` (the whole series): exactly how leakage gets in."""
        if model == "seasonal naive":
            return seasonal_naive
        if self.leak and future is None:
            raise ValueError("a leaking pipeline needs the whole series")

        def learned(history: np.ndarray, horizon: int) -> np.ndarray:
            t = len(history)
            L = level(future if self.leak else history, t, self.window, self.leak)
            z = (history[-self.window:] - L) / self.scale
            if model == "linear AR":
                zf = np.append(z, 1.0) @ self.linear
            else:
                with torch.no_grad():
                    zf = self.mlp(torch.tensor(z, dtype=torch.float32)[None])[0].double().numpy()
            return L + self.scale * zf[:horizon]
        return learned


def fit_models(series: Series, window: int, leak: bool, seed: int, steps: int = STEPS,
               on_progress: Callable[[float, dict], None] | None = None) -> Fit:
    """Fit the linear AR (least squares) and the MLP on windows whose targets end by Dec 1985.
    The MLP: full-batch Adam on mean-squared error over all 24 months ahead, watched on windows of
    1986–1992. `on_progress(fraction, curves)` every 10 steps; a Stop raised there keeps what it has."""
    t0 = time.perf_counter()
    y, fit_end, val_end = series.values, series.index(FIT_END), series.index(VAL_END)
    x0, y0 = windows(y, window, window, fit_end, leak, 1.0)
    scale = float(np.std(np.concatenate([x0.ravel(), y0.ravel()])))
    xt, yt = x0 / scale, y0 / scale
    xv, yv = windows(y, window, fit_end + 1, val_end, leak, scale)
    torch.manual_seed(seed)
    mlp = Mlp(window)
    fit = Fit(window, leak, scale, fit_linear(xt, yt), mlp, {"train": [], "validation": []})
    xt, yt, xv, yv = (torch.tensor(a, dtype=torch.float32) for a in (xt, yt, xv, yv))
    opt = torch.optim.Adam(mlp.parameters(), lr=3e-3)
    try:
        for i in range(1, steps + 1):
            loss = ((mlp(xt) - yt) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            with torch.no_grad():
                fit.curves["train"].append(float(loss))
                fit.curves["validation"].append(float(((mlp(xv) - yv) ** 2).mean()))
            if on_progress is not None and (i % 10 == 0 or i == 1):
                on_progress(i / steps, {k: list(v) for k, v in fit.curves.items()})
    except Exception:  # a Stop keeps the MLP as it is
        fit.stopped = True
    mlp.eval()
    fit.seconds = time.perf_counter() - t0
    return fit


@dataclass(frozen=True)
class Backtest:
    origins: np.ndarray  # (O,) month index of each forecast origin
    forecasts: dict[str, np.ndarray]  # model -> (O, H) ppm
    actual: np.ndarray  # (O, H)

    def mae(self, model: str) -> np.ndarray:  # (H,) mean absolute error by horizon
        return np.abs(self.forecasts[model] - self.actual).mean(0)


def backtest(values: np.ndarray, origins: np.ndarray, horizon: int, forecasters: dict[str, Forecaster]) -> Backtest:
    """Rolling origin: at each origin T every model sees y_0..y_T only (a copy) and forecasts T+1..T+H."""
    forecasts = {m: np.stack([f(values[: o + 1].copy(), horizon) for o in origins]) for m, f in forecasters.items()}
    actual = np.stack([values[o + 1: o + 1 + horizon] for o in origins])
    return Backtest(np.asarray(origins), forecasts, actual)


@dataclass(frozen=True)
class Evaluation:
    test: Backtest  # origins Dec 1992 … (last − H)
    bands: dict[str, np.ndarray]  # model -> (2, H) residual quantiles from the validation years
    coverage: dict[str, float]  # model -> fraction of test targets inside the interval


def evaluate(series: Series, fit: Fit, horizon: int) -> Evaluation:
    """Test backtest (every month from Dec 1992) and 80 % intervals: the 10th and 90th percentiles of
    each model's residuals at each horizon on the validation years' backtest (targets ≤ Dec 1992)."""
    y, fit_end, val_end = series.values, series.index(FIT_END), series.index(VAL_END)
    models = {m: fit.forecaster(m, y) for m in MODELS}
    test = backtest(y, np.arange(val_end, len(y) - horizon), horizon, models)
    val = backtest(y, np.arange(fit_end, val_end - horizon + 1), horizon, models)
    bands, coverage = {}, {}
    for m in MODELS:
        res = val.actual - val.forecasts[m]
        bands[m] = np.quantile(res, QUANTILES, axis=0)
        lo, hi = test.forecasts[m] + bands[m][0], test.forecasts[m] + bands[m][1]
        coverage[m] = float(((test.actual >= lo) & (test.actual <= hi)).mean())
    return Evaluation(test, bands, coverage)


def fit_co2(window: int, leak: bool, seed: int, on_progress: Callable[[float, dict], None] | None = None) -> Fit:
    """`fit_models` on the committed CO₂ series (the page's job: plain, hashable arguments)."""
    return fit_models(load_co2(), window, leak, seed, on_progress=on_progress)


FITS = DATA.with_name("sequence_tasks_fits.npz")  # the default view's two fits, made by train/sequence_tasks_fits.py
COMMITTED = ((24, False, 0), (24, True, 0))  # (window, leak, seed)


def committed_fit(window: int, leak: bool, seed: int, path: Path = FITS) -> Fit | None:
    """The fit `fit_co2(window, leak, seed)` recorded with the code, for the default view; None otherwise."""
    if (window, leak, seed) not in COMMITTED or not path.exists():
        return None
    z, tag = np.load(path), f"w{window}_{'leak' if leak else 'honest'}_s{seed}_"
    mlp = Mlp(window)
    mlp.load_state_dict({k[len(tag):]: torch.from_numpy(z[k]) for k in z.files
                         if k.startswith(tag) and k[len(tag):] in mlp.state_dict()})
    mlp.eval()
    curves = {"train": z[tag + "train"].tolist(), "validation": z[tag + "validation"].tolist()}
    return Fit(window, leak, float(z[tag + "scale"]), z[tag + "linear"], mlp, curves, float(z[tag + "seconds"]))


def fit_arrays(fit: Fit, seed: int) -> dict[str, np.ndarray]:
    """A fit as named arrays for `committed_fit`."""
    tag = f"w{fit.window}_{'leak' if fit.leak else 'honest'}_s{seed}_"
    out = {tag + k: v.detach().numpy() for k, v in fit.mlp.state_dict().items()}
    return out | {tag + "train": np.array(fit.curves["train"]), tag + "validation": np.array(fit.curves["validation"]),
                  tag + "scale": np.array(fit.scale), tag + "linear": fit.linear, tag + "seconds": np.array(fit.seconds)}
