"""Sequences in practice (pages/22_sequence_tasks.py), one module per view:

- `forecasting`       the hero's maths: the CO₂ series, seasonal naive, direct linear AR, the MLP trained
                      live, rolling-origin backtest, residual-quantile intervals, the leakage switch
- `forecast_views`    the hero's figures and captions
- `teacher_forcing`   Teacher forcing tab: scheduled-sampling loss, errors by position fed the truth or
                      fed itself (exposure bias), figures and captions
- `beam_search`       Beam search tab's maths: beam search over any step function, greedy, the
                      translator's cached decoder step, the accuracy sweep
- `beam_views`        the tree of hypotheses, greedy vs beam captions, the committed sweep
- `spectrogram`       Spectrograms tab: hand-written STFT, mel spectrogram, the time–frequency caption
- `ctc`               CTC tab's maths: collapse, α recursion (the loss), greedy and prefix beam decoding
- `ctc_views`         the typed-path collapse, the model's output lattice, decoders compared
- `lesson`            the lesson's answers, computed from the hero's views
"""
