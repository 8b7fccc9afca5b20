"""Sequences in practice (pages/22_sequence_tasks.py), one module per view:

- `forecasting`       the hero's maths: the CO₂ series, seasonal naive, direct linear AR, the MLP trained
                      live, rolling-origin backtest, residual-quantile intervals, the leakage switch
- `forecast_views`    the hero's figures and captions
- `lesson`            the lesson's answers, computed from the hero's views
"""
