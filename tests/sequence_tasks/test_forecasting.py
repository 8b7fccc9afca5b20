"""demos/sequence_tasks/forecasting.py: baselines equal their formulas, the backtest never shows a model
the future (and catches a leaking one), intervals are the residual quantiles they claim."""
import numpy as np
import pytest

from demos.sequence_tasks import forecasting as fc


@pytest.fixture(scope="module")
def series():
    return fc.load_co2()


@pytest.fixture(scope="module")
def fits():
    return {leak: fc.fit_co2(24, leak, 0) for leak in (False, True)}


def test_the_committed_series_is_monthly_mauna_loa():
    s = fc.load_co2()
    assert s.months[0] == "1958-03" and s.months[-1] == "2001-12" and len(s.values) == 526
    assert 310 < s.values[0] < 320 and 365 < s.values[-1] < 375  # ppm, as Keeling's curve


def test_seasonal_naive_is_the_same_month_one_or_two_seasons_back():
    y = np.arange(30.0)  # y_t = t: last index T = 29
    # h = 1..12 -> y_{T+h-12}; h = 13..24 -> y_{T+h-24}
    assert fc.seasonal_naive(y, 24).tolist() == [29 + h - 12 for h in range(1, 13)] + [29 + h - 24 for h in range(13, 25)]


def test_direct_linear_ar_is_least_squares():
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(200, 5)), rng.normal(size=(5, 24))
    y = x @ w + 0.5  # exact linear relation with intercept 0.5: least squares recovers it
    coef = fc.fit_linear(x, y)
    assert np.allclose(coef[:5], w) and np.allclose(coef[5], 0.5)


def test_level_reads_only_the_past_unless_leaking():
    y = np.arange(100.0)
    assert fc.level(y, 50, 4, False) == np.mean([46, 47, 48, 49])
    assert fc.level(y, 50, 4, True) == np.mean(np.arange(46, 74))  # inputs + the 24 months ahead


def test_backtest_hands_each_model_only_the_past(series):
    seen = []

    def spy(history, horizon):
        seen.append(len(history))
        history[:] = 0.0  # a model that scribbles on its input must not change the series
        return np.zeros(horizon)
    before = series.values.copy()
    bt = fc.backtest(series.values, np.array([100, 200]), 3, {"spy": spy})
    assert seen == [101, 201] and np.array_equal(series.values, before)
    assert np.array_equal(bt.actual[1], series.values[201:204])


def test_changing_the_future_moves_no_honest_forecast_but_moves_a_leaking_one(series, fits):
    origin, changed = 450, series.values.copy()
    changed[origin + 1:] += 50.0  # a different future after the origin
    for model in fc.MODELS:
        honest = fits[False].forecaster(model, series.values)
        assert np.array_equal(honest(series.values[:origin + 1], 12), honest(changed[:origin + 1], 12))
    leaky = [fits[True].forecaster("MLP", v)(v[:origin + 1], 12) for v in (series.values, changed)]
    assert not np.allclose(*leaky)  # the leaking pipeline reads months it should not have


def test_intervals_are_validation_residual_quantiles_and_coverage_is_counted(series, fits):
    ev = fc.evaluate(series, fits[False], 6)
    fit_end, val_end = series.index(fc.FIT_END), series.index(fc.VAL_END)
    val = fc.backtest(series.values, np.arange(fit_end, val_end - 6 + 1), 6, {"m": fits[False].forecaster("MLP")})
    res = val.actual - val.forecasts["m"]
    assert np.allclose(ev.bands["MLP"], np.quantile(res, [0.1, 0.9], axis=0))
    lo, hi = ev.test.forecasts["MLP"] + ev.bands["MLP"][0], ev.test.forecasts["MLP"] + ev.bands["MLP"][1]
    assert ev.coverage["MLP"] == pytest.approx(((ev.test.actual >= lo) & (ev.test.actual <= hi)).mean())
    assert ev.test.origins[0] == val_end and ev.test.origins[-1] + 6 == len(series.values) - 1


def test_the_mlp_learns_and_leakage_flatters_the_learned_models(series, fits):
    c = fits[False].curves
    assert c["train"][-1] < 0.2 * c["train"][0]
    ev = {leak: fc.evaluate(series, fits[leak], 12) for leak in fits}
    for m in ("linear AR", "MLP"):
        assert ev[True].test.mae(m)[-1] < ev[False].test.mae(m)[-1]
    assert np.array_equal(ev[True].test.mae("seasonal naive"), ev[False].test.mae("seasonal naive"))


def test_the_committed_default_fits_are_the_live_ones(series, fits):
    for leak, live in fits.items():
        stored = fc.committed_fit(24, leak, 0)
        assert stored.curves["train"] == live.curves["train"] and np.array_equal(stored.linear, live.linear)
        for model in ("linear AR", "MLP"):  # same forecasts from the same origin
            a, b = (f.forecaster(model, series.values)(series.values[:400], 12) for f in (stored, live))
            assert np.array_equal(a, b)
    assert fc.committed_fit(36, False, 0) is None  # other settings train live
