"""Sequences in practice: forecasting a real series, teacher forcing, beam search, speech and CTC."""
import streamlit as st

import ui
from demos.sequence_tasks import forecast_views, forecasting

page = ui.page_setup(__file__)

# Controls: how far ahead, from when, and the leakage trap (kept on a slide); the rest below
row = st.columns([3, 3, 2, 2])
with row[0]:
    horizon = ui.slider("Horizon H (months ahead)", "horizon", *forecasting.HORIZON_RANGE, 12)
with row[1]:
    year = ui.slider("Forecast from December of", "origin", *forecast_views.ORIGIN_YEARS, 1996)
with row[2]:
    leak = ui.toggle("Leakage: level from the future", "leak", False,
                     help="Each window is measured from a level that includes the 24 months it predicts")
with row[3]:
    band_model = ui.select("80 % interval of", "band", list(forecasting.MODELS), default="MLP")
more = ui.more_controls()
with more:
    m = ui.control_columns(2)
    with m[0]:
        window = ui.slider("Window p (months the models read)", "window", *forecasting.WINDOW_RANGE, 24, step=12)
    with m[1]:
        seed = ui.number("Seed", "seed", 0, 9999, 0, help="The MLP's initial weights")

# Hero: the measured series and three forecasts from the chosen origin, with an 80 % interval
series = ui.cached(forecasting.load_co2)
curve = st.empty()
fits = {}
for flag in (leak, not leak):  # the shown pipeline first (drawn as it trains), then the other for comparison
    fits[flag] = ui.computed(f"Training the MLP ({'with' if flag else 'without'} leakage)", forecasting.fit_co2,
                             window, flag, seed, stoppable=True,
                             show=(lambda c: curve.plotly_chart(forecast_views.training_figure(c, forecasting.STEPS)))
                             if flag == leak else None)
curve.empty()
ev = {flag: ui.cached(forecasting.evaluate, series, fits[flag], horizon, key=(window, flag, seed, horizon,
                                                                              fits[flag].stopped)) for flag in fits}
origin = forecast_views.origin_index(series, year, horizon)
height = round(480 * ui.stage_scale()) if ui.is_presenting() else 420
ui.chart(forecast_views.forecast_figure(series, ev[leak], origin, band_model, height),
         forecast_views.forecast_caption(series, ev[leak], origin, band_model), key="hero", export="forecasts")
ui.end_of_hero()
ui.chart(forecast_views.error_figure(ev[leak], ev[not leak], "with leakage" if not leak else "without leakage"),
         forecast_views.error_caption(ev[leak], ev[False], ev[True], leak), export="error_by_horizon")
ui.chart(forecast_views.training_figure(fits[leak].curves, forecasting.STEPS),
         forecast_views.training_caption(fits[leak]), export="mlp_training")
ui.section("Backtesting")

ui.key_ideas()
ui.show_code(forecasting.seasonal_naive, forecasting.level, forecasting.fit_linear, forecasting.fit_models,
             forecasting.backtest, forecasting.evaluate)
